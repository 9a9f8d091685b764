import type { Database } from '../create-db';

/** One (analysis type, building class, tier) of the attempts history, as adaptive routing reads it. */
export interface RoutingEvidenceRow {
  taskType: string;
  routeClass: string;
  tier: string;
  /** Raw visits (a job's calls on one tier, repairs included). */
  samples: number;
  /** Visits weighted by age: a visit `halfLifeDays` old counts half. */
  visits: number;
  /** Decayed visits that ended with the gate passing on the tier. */
  passes: number;
  meanCostMicroUsd: number;
  /** Mean local slot time of a visit (its calls' latencies), ms; 0 on api. */
  meanSlotMs: number;
}

/**
 * Pass rates per (analysis type, building class, tier) from `attempts`, one query for every
 * class. A visit counts once the job has left the tier or ended (a visit still waiting for
 * its repair is not a failure yet); calls reused from the cache are no visits.
 */
export const loadRoutingEvidence = async (database: Database, options: { halfLifeDays: number; now?: Date }): Promise<RoutingEvidenceRow[]> => {
  const result = await database.pool.query(
    `WITH visits AS (
       SELECT a.job_id, a.tier, max(coalesce(a.finished_at, a.started_at)) AS ended_at,
              bool_or(a.outcome = 'passed') AS passed, sum(a.cost_micro_usd) AS cost,
              sum(CASE WHEN a.tier <> 'api' THEN coalesce(a.latency_ms, 0) ELSE 0 END) AS slot_ms
       FROM attempts a
       WHERE a.outcome <> 'started'
       GROUP BY a.job_id, a.tier
     )
     SELECT j.task_type, j.route_class, v.tier, count(*)::int AS samples,
            sum(w.weight)::float8 AS visits,
            sum(CASE WHEN v.passed THEN w.weight ELSE 0 END)::float8 AS passes,
            avg(v.cost)::float8 AS mean_cost, avg(v.slot_ms)::float8 AS mean_slot_ms
     FROM visits v
     JOIN jobs j ON j.id = v.job_id
     CROSS JOIN LATERAL (SELECT power(0.5, greatest(0, extract(epoch FROM ($2::timestamptz - v.ended_at))) / ($1::float8 * 86400)) AS weight) w
     WHERE j.route_class IS NOT NULL
       AND (v.passed OR j.state IN ('succeeded', 'review', 'failed', 'rejected') OR j.current_tier IS DISTINCT FROM v.tier)
     GROUP BY j.task_type, j.route_class, v.tier`,
    [options.halfLifeDays, (options.now ?? new Date()).toISOString()],
  );
  return result.rows.map((row) => ({
    taskType: row.task_type,
    routeClass: row.route_class,
    tier: row.tier,
    samples: row.samples,
    visits: row.visits,
    passes: row.passes,
    meanCostMicroUsd: row.mean_cost,
    meanSlotMs: row.mean_slot_ms,
  }));
};

/** A new job the response cache may answer. */
export interface CacheCandidate {
  jobId: string;
  batchId: string;
  tenant: string;
  taskType: string;
  factsHash: string;
  promptVersion: string;
  /** Tiers the job may use: only a result kept on one of them is reused. */
  chain: string[];
}

export interface CacheHit {
  jobId: string;
  /** The job whose kept result was reused. */
  sourceJobId: string;
  tier: string;
}

/**
 * The response cache: for each candidate still `queued`, a kept result (passed the gate; a
 * reviewer's pick is not reused) of another job with the same facts hash (a prompt job's: its
 * prompt's hash), analysis (task) type and
 * prompt version, on a tier of the candidate's chain (cheapest tier first), of the same
 * tenant unless `acrossTenants`. A hit ends the job `succeeded` with a copy of that result
 * (`cached_from` names its job) and lowers its batch's open-job count, in one transaction.
 */
export const reuseCachedResults = async (database: Database, candidates: CacheCandidate[], options: { acrossTenants: boolean }): Promise<CacheHit[]> => {
  if (candidates.length === 0) return [];
  const client = await database.pool.connect();
  try {
    await client.query('BEGIN');
    const found = await client.query(
      `WITH wanted AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS w(job_id text, batch_id text, tenant text, task_type text, facts_hash text, prompt_version text, chain text[])
       ),
       picked AS (
         SELECT DISTINCT ON (w.job_id) w.job_id, w.batch_id, r.job_id AS source_job_id, r.attempt_id, r.tier, r.provider, r.model,
                r.answer, r.text, r.quality_score, r.simulated
         FROM wanted w
         JOIN jobs s ON s.facts_hash = w.facts_hash AND s.task_type = w.task_type AND s.prompt_version = w.prompt_version
                    AND s.state = 'succeeded' AND s.id <> w.job_id AND ($2::boolean OR s.tenant = w.tenant)
         JOIN results r ON r.job_id = s.id AND NOT r.reviewed AND r.tier = ANY (w.chain)
         ORDER BY w.job_id, array_position(ARRAY['local-fast', 'local-quality', 'api'], r.tier), r.created_at
       ),
       ended AS (
         UPDATE jobs j SET state = 'succeeded', current_tier = p.tier, finished_at = now(), updated_at = now(),
                route_reason = j.route_reason || ' Cache: the same ' || CASE WHEN j.kind = 'prompt' THEN 'prompt' ELSE 'facts' END || ', task type and prompt version were answered on ' || p.tier || ' by job ' || p.source_job_id || '; its kept result is reused (no call).'
         FROM picked p
         WHERE j.id = p.job_id AND j.state = 'queued'
         RETURNING j.id, j.batch_id
       ),
       kept AS (
         INSERT INTO results (job_id, attempt_id, batch_id, tier, provider, model, answer, text, quality_score, simulated, cached_from)
         SELECT p.job_id, p.attempt_id, p.batch_id, p.tier, p.provider, p.model, p.answer, p.text, p.quality_score, p.simulated, p.source_job_id
         FROM picked p JOIN ended e ON e.id = p.job_id
         ON CONFLICT (job_id) DO NOTHING
         RETURNING job_id
       ),
       counted AS (
         UPDATE batches b SET open_jobs = b.open_jobs - c.n
         FROM (SELECT batch_id, count(*)::int AS n FROM ended GROUP BY batch_id) c
         WHERE b.id = c.batch_id
         RETURNING b.id
       )
       SELECT p.job_id, p.source_job_id, p.tier, (SELECT count(*) FROM counted) AS batches_counted, (SELECT count(*) FROM kept) AS kept
       FROM picked p JOIN ended e ON e.id = p.job_id`,
      [
        JSON.stringify(
          candidates.map((c) => ({
            job_id: c.jobId,
            batch_id: c.batchId,
            tenant: c.tenant,
            task_type: c.taskType,
            facts_hash: c.factsHash,
            prompt_version: c.promptVersion,
            chain: c.chain,
          })),
        ),
        options.acrossTenants,
      ],
    );
    await client.query('COMMIT');
    return found.rows.map((row) => ({ jobId: row.job_id, sourceJobId: row.source_job_id, tier: row.tier }));
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};
