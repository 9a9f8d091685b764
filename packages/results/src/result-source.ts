import type pg from 'pg';
import Cursor from 'pg-cursor';
import { parseAnswerText } from '@eaio/energy';

/**
 * One job of a batch as Postgres holds it: the job, its kept result (if any), the gate
 * verdict of the kept attempt (or of the last gated attempt when nothing was kept), what
 * all its provider calls cost, and how its last call ended.
 */
export interface JobRecord {
  jobId: string;
  batchId: string;
  kind: 'building' | 'prompt';
  buildingId: string | null;
  sourceId: string | null;
  taskType: string;
  privacy: string;
  state: string;
  /** Where the job is or ended (tier queue or `review`). */
  currentTier: string | null;
  /** The route reason, overwritten with the reason of the last move (escalation, review, failure). */
  reason: string;
  simulated: boolean;
  finishedAt: Date | null;
  /** Calls made for the job (attempt rows) and what they cost together, integer micro-USD. */
  calls: number;
  costMicroUsd: number;
  result: {
    attemptId: string;
    tier: string;
    provider: string;
    model: string;
    /** The parsed JSON answer (read from the text as the gate does when the row holds none); null for a plain-text answer. */
    answer: unknown;
    text: string;
    qualityScore: number;
    simulated: boolean;
    createdAt: Date;
    /** Cost of the kept call alone, integer micro-USD. */
    costMicroUsd: number;
  } | null;
  /** `attempts.quality_checks` of the kept attempt, else of the last gated attempt. */
  qualityChecks: QualityChecks | null;
  /** Score of the attempt `qualityChecks` belongs to. */
  gateScore: number | null;
  lastAttempt: { outcome: string; tier: string; provider: string; model: string; errorKind: string | null; errorMessage: string | null } | null;
  /** The building facts the job was asked about (only when `withFacts`). */
  facts?: unknown;
}

/** What the workers store in `attempts.quality_checks`. */
export interface QualityChecks {
  threshold?: number;
  checks?: Record<string, unknown> & {
    claims?: { where: string; written: string; status: string; note: string }[];
    repairs?: string[];
  };
}

export interface ReadJobsOptions {
  /** Rows fetched per round trip. @defaultValue 200 */
  pageSize?: number;
  /** Also read each job's facts (`jobs.payload.facts`), for the portfolio report. @defaultValue false */
  withFacts?: boolean;
}

const query = (withFacts: boolean) => `
  SELECT j.id, j.batch_id, j.kind, j.building_id, j.source_id, j.task_type, j.privacy, j.state, j.current_tier,
         j.route_reason, j.simulated, j.finished_at,
         ${withFacts ? "j.payload -> 'facts'" : 'NULL'} AS facts,
         r.attempt_id AS r_attempt_id, r.tier AS r_tier, r.provider AS r_provider, r.model AS r_model, r.answer AS r_answer,
         r.text AS r_text, r.quality_score AS r_quality_score, r.simulated AS r_simulated, r.created_at AS r_created_at,
         kept.quality_checks AS kept_checks, kept.cost_micro_usd AS kept_cost,
         calls.n AS calls, calls.cost AS cost,
         last.outcome AS l_outcome, last.tier AS l_tier, last.provider AS l_provider, last.model AS l_model,
         last.error_kind AS l_error_kind, last.error_message AS l_error_message,
         gated.quality_score AS g_score, gated.quality_checks AS g_checks
  FROM jobs j
  LEFT JOIN results r ON r.job_id = j.id
  LEFT JOIN LATERAL (SELECT a.quality_checks, a.cost_micro_usd FROM attempts a WHERE a.job_id = j.id AND a.attempt_id = r.attempt_id LIMIT 1) kept ON true
  LEFT JOIN LATERAL (SELECT count(*)::int AS n, coalesce(sum(a.cost_micro_usd), 0)::bigint AS cost FROM attempts a WHERE a.job_id = j.id) calls ON true
  LEFT JOIN LATERAL (SELECT a.outcome, a.tier, a.provider, a.model, a.error_kind, a.error_message FROM attempts a WHERE a.job_id = j.id ORDER BY a.started_at DESC LIMIT 1) last ON true
  LEFT JOIN LATERAL (SELECT a.quality_score, a.quality_checks FROM attempts a WHERE a.job_id = j.id AND a.quality_checks IS NOT NULL ORDER BY a.started_at DESC LIMIT 1) gated ON r.job_id IS NULL
  WHERE j.batch_id = $1
  ORDER BY coalesce(j.building_id, j.source_id, ''), j.task_type, j.id`;

/**
 * A building job's answer as the gate read it. Workers store `results.answer` only when the
 * whole text is JSON; an answer the gate accepted with a sentence or a code fence around
 * its JSON has `answer` null there, so it is read from the text as leniently as the gate did.
 */
const keptAnswerFromText = (text: string): unknown => {
  const parsed = parseAnswerText(text);
  return parsed.ok ? parsed.value : null;
};

// biome-ignore lint/suspicious/noExplicitAny: a pg row of the jobs query; its columns are read by name
const toRecord = (row: Record<string, any>): JobRecord => ({
  jobId: row.id,
  batchId: row.batch_id,
  kind: row.kind,
  buildingId: row.building_id,
  sourceId: row.source_id,
  taskType: row.task_type,
  privacy: row.privacy,
  state: row.state,
  currentTier: row.current_tier,
  reason: row.route_reason,
  simulated: row.simulated,
  finishedAt: row.finished_at,
  calls: row.calls,
  costMicroUsd: Number(row.cost),
  result: row.r_attempt_id
    ? {
        attemptId: row.r_attempt_id,
        tier: row.r_tier,
        provider: row.r_provider,
        model: row.r_model,
        answer: row.r_answer ?? (row.kind === 'building' ? keptAnswerFromText(row.r_text) : null),
        text: row.r_text,
        qualityScore: row.r_quality_score,
        simulated: row.r_simulated,
        createdAt: row.r_created_at,
        costMicroUsd: Number(row.kept_cost ?? 0),
      }
    : null,
  qualityChecks: (row.r_attempt_id ? row.kept_checks : row.g_checks) ?? null,
  gateScore: row.r_attempt_id ? row.r_quality_score : (row.g_score ?? null),
  lastAttempt: row.l_outcome
    ? { outcome: row.l_outcome, tier: row.l_tier, provider: row.l_provider, model: row.l_model, errorKind: row.l_error_kind, errorMessage: row.l_error_message }
    : null,
  ...(row.facts ? { facts: row.facts } : {}),
});

/**
 * Every job of a batch, ordered by building (or source id), analysis type and job id,
 * streamed through a server-side cursor: one query, `pageSize` rows in memory at a time,
 * whatever the batch's size. Holds one pool connection until the iteration ends.
 */
export async function* readBatchJobs(pool: pg.Pool, batchId: string, options: ReadJobsOptions = {}): AsyncGenerator<JobRecord> {
  const client = await pool.connect();
  const cursor = client.query(new Cursor(query(options.withFacts ?? false), [batchId]));
  try {
    for (;;) {
      const rows = await cursor.read(options.pageSize ?? 200);
      if (rows.length === 0) return;
      for (const row of rows) yield toRecord(row);
    }
  } finally {
    await cursor.close().catch(() => undefined);
    client.release();
  }
}

/** The batch row, or undefined. */
export const readBatch = async (pool: pg.Pool, batchId: string) => {
  const { rows } = await pool.query('SELECT id, tenant, name, status, job_count, created_at, completed_at FROM batches WHERE id = $1', [batchId]);
  if (rows.length === 0) return undefined;
  const row = rows[0];
  return {
    id: row.id as string,
    tenant: row.tenant as string,
    name: row.name as string,
    status: row.status as string,
    jobCount: row.job_count as number,
    createdAt: row.created_at as Date,
    completedAt: row.completed_at as Date | null,
  };
};

export type BatchInfo = NonNullable<Awaited<ReturnType<typeof readBatch>>>;
