import type { EaioConfig, Tier } from '@eaio/core';
import { TIERS } from '@eaio/core';
import { abandonAttempts, recountOpenBatches, type Database } from '@eaio/db';
import { queueJobId, type AttemptSummary, type PipelineJobData } from '@eaio/queues';
import { endUnprocessableJob } from './job-ending';
import { createPostgresPipelineStore } from './postgres-pipeline-store';
import { createQueueEnqueuer, tierJobOptions, type TierQueues } from './queue-enqueuer';
import { ensureQueued } from './requeue';

export interface ReconcileOptions {
  database: Database;
  queues: TierQueues;
  config: EaioConfig;
  /**
   * Name of the Postgres advisory lock that keeps reconcilers of one deployment from
   * overlapping; give each queue namespace its own. @defaultValue `'eaio-reconcile'`
   */
  lockKey?: string;
  /**
   * Jobs whose row changed more recently than this are left alone: intake and workers may
   * be between their Postgres write and their queue write. @defaultValue `30000`
   */
  graceMs?: number;
  /** `started` attempts younger than this are left alone. @defaultValue `recovery.abandonAttemptsAfterSec` */
  abandonAfterMs?: number;
  log?: { info: (obj: object, msg?: string) => void; warn: (obj: object, msg?: string) => void };
}

/** What one reconciler run found and did (counts per action). */
export interface ReconcileReport {
  /** False when another process held the reconciler lock: nothing was done. */
  ran: boolean;
  /** Jobs not yet terminal in Postgres that were compared with their queue. */
  checked: number;
  /** Open jobs missing from their queue (e.g. Redis lost without AOF): added again. */
  reEnqueued: number;
  /** Open jobs whose queue job had completed without Postgres hearing of it: put back to waiting. */
  restarted: number;
  /** Open jobs whose queue job failed for good: ended in Postgres (`failed`, or review by config). */
  endedFailed: number;
  /** Attempts left `started` by a worker that vanished: now `abandoned`. */
  abandonedAttempts: number;
  /** Open batches whose counter was wrong: recounted. */
  batchCountersCorrected: number;
  /** Open batches with no open job left: closed. */
  batchesClosed: number;
}

export interface OpenJobRow {
  id: string;
  batch_id: string;
  tenant: string;
  kind: 'building' | 'prompt';
  building_id: string | null;
  source_id: string | null;
  task_type: string;
  privacy: string;
  complexity: number;
  start_tier: string;
  chain: string[];
  route_reason: string;
  current_tier: string | null;
  simulated: boolean;
  payload: { facts?: unknown; analysisType?: string; prompt?: string; wantsJson?: boolean } | null;
  /** `updated_at` as PostgreSQL prints it (microseconds kept, unlike a JS Date). */
  version: string;
}

const PAGE = 500;
/** Queue look-ups in flight at once (a page of open jobs is checked in parallel). */
const CHECKS_AT_ONCE = 32;

const inParallel = async <T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
};
const isTier = (value: string | null): value is Tier => value !== null && (TIERS as readonly string[]).includes(value);

/** The queue data of an open job, rebuilt from its row and its finished attempts. */
export const jobDataOf = async (database: Database, row: OpenJobRow, tier: Tier): Promise<PipelineJobData> => {
  const attempts = await database.pool.query(
    `SELECT attempt_id, tier, provider, model, outcome, quality_score, error_kind, error_message
     FROM attempts WHERE job_id = $1 AND outcome IN ('passed', 'failed-gate', 'error') ORDER BY started_at`,
    [row.id],
  );
  const history: AttemptSummary[] = attempts.rows.map((attempt) => ({
    attemptId: attempt.attempt_id,
    tier: attempt.tier,
    provider: attempt.provider,
    model: attempt.model,
    outcome: attempt.outcome,
    ...(attempt.quality_score === null ? {} : { qualityScore: attempt.quality_score }),
    ...(attempt.error_kind === null ? {} : { errorKind: attempt.error_kind }),
    reason: attempt.error_message ?? (attempt.outcome === 'failed-gate' ? `quality gate ${Number(attempt.quality_score).toFixed(2)}` : attempt.outcome),
  }));
  const payload = row.payload ?? {};
  return {
    jobId: row.id,
    batchId: row.batch_id,
    tenant: row.tenant,
    kind: row.kind,
    privacy: row.privacy as PipelineJobData['privacy'],
    taskType: row.task_type as PipelineJobData['taskType'],
    chain: row.chain as Tier[],
    tier,
    complexity: row.complexity,
    routeReason: row.route_reason,
    history,
    ...(row.building_id ? { buildingId: row.building_id } : {}),
    ...(row.source_id ? { sourceId: row.source_id } : {}),
    ...(row.kind === 'building'
      ? { facts: payload.facts as PipelineJobData['facts'], analysisType: payload.analysisType as PipelineJobData['analysisType'] }
      : { prompt: payload.prompt, wantsJson: payload.wantsJson }),
    simulated: row.simulated,
  };
};

/**
 * Brings the queues in line with PostgreSQL, the source of truth. For every job that is
 * not terminal in Postgres it looks at the job's entry in its current tier queue: missing
 * (Redis lost) → added again; completed without Postgres hearing of it → restarted;
 * failed for good → the job ends in Postgres with BullMQ's reason (`failed`, or review by
 * `recovery.failedJobs`). Then attempts left `started` whose delivery is no longer active
 * become `abandoned`, and open batches are recounted and closed when finished. One process
 * at a time (a Postgres advisory lock); run by `eaio reconcile`, at worker start and
 * every `recovery.reconcileIntervalSec`.
 */
export const reconcile = async (options: ReconcileOptions): Promise<ReconcileReport> => {
  const { database } = options;
  const report: ReconcileReport = {
    ran: false,
    checked: 0,
    reEnqueued: 0,
    restarted: 0,
    endedFailed: 0,
    abandonedAttempts: 0,
    batchCountersCorrected: 0,
    batchesClosed: 0,
  };
  const lockKey = options.lockKey ?? 'eaio-reconcile';
  const lock = await database.pool.connect();
  try {
    const { rows } = await lock.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [lockKey]);
    if (!rows[0].ok) return report;
    report.ran = true;
    try {
      await reconcileJobs(options, report);
      await reconcileAttempts(options, report);
      const batches = await recountOpenBatches(database);
      report.batchCountersCorrected = batches.corrected;
      report.batchesClosed = batches.closed;
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    lock.release();
  }
  const acted = report.reEnqueued + report.restarted + report.endedFailed + report.abandonedAttempts + report.batchesClosed + report.batchCountersCorrected;
  if (acted > 0) options.log?.warn({ ...report }, 'reconciler repaired jobs, attempts or batches');
  return report;
};

const reconcileJobs = async (options: ReconcileOptions, report: ReconcileReport): Promise<void> => {
  const { database, queues, config } = options;
  const graceMs = options.graceMs ?? 30_000;
  const endDeps = {
    store: createPostgresPipelineStore(database),
    enqueuer: createQueueEnqueuer(queues, config.retries.attemptsPerTier),
    failedJobs: config.recovery.failedJobs,
  };
  let after = '';
  for (;;) {
    const page = await database.pool.query<OpenJobRow>(
      `SELECT id, batch_id, tenant, kind, building_id, source_id, task_type, privacy, complexity, start_tier, chain,
              route_reason, current_tier, simulated, payload, updated_at::text AS version
       FROM jobs
       WHERE state NOT IN ('succeeded', 'review', 'failed', 'rejected') AND id > $1 AND updated_at < now() - make_interval(secs => $2::float8 / 1000)
       ORDER BY id LIMIT ${PAGE}`,
      [after, graceMs],
    );
    if (page.rows.length > 0) after = page.rows[page.rows.length - 1].id;
    await inParallel(page.rows, CHECKS_AT_ONCE, async (row) => {
      const tier = isTier(row.current_tier) ? row.current_tier : isTier(row.start_tier) ? row.start_tier : undefined;
      if (!tier) return;
      report.checked += 1;
      const queue = queues[tier];
      const id = queueJobId(row.id, tier);
      const state = await queue.getJobState(id);
      if (state !== 'unknown' && state !== 'completed' && state !== 'failed') return;
      // The row may have moved on while the queue was read (a worker finished or escalated it).
      const again = await database.pool.query('SELECT 1 FROM jobs WHERE id = $1 AND updated_at::text = $2 AND state NOT IN ($3, $4, $5, $6)', [
        row.id,
        row.version,
        'succeeded',
        'review',
        'failed',
        'rejected',
      ]);
      if (again.rowCount === 0) return;
      if (state === 'failed') {
        const job = await queue.getJob(id);
        const reason = `failed in queue ${tier}: ${job?.failedReason ?? 'no reason recorded'}`;
        const data = job ? job.data : undefined;
        const ended = await endUnprocessableJob(endDeps, { jobId: row.id, data: data && typeof data === 'object' && data.jobId === row.id ? data : undefined }, reason);
        if (ended !== 'already-ended') report.endedFailed += 1;
        return;
      }
      const data = await jobDataOf(database, row, tier);
      const presence = await ensureQueued(queue, data, { ...tierJobOptions(config.retries.attemptsPerTier[tier]), jobId: id }, 'report');
      if (presence === 'added') report.reEnqueued += 1;
      if (presence === 'restarted') report.restarted += 1;
    });
    if (page.rows.length < PAGE) return;
  }
};

const reconcileAttempts = async (options: ReconcileOptions, report: ReconcileReport): Promise<void> => {
  const { database, queues, config } = options;
  const abandonAfterMs = options.abandonAfterMs ?? config.recovery.abandonAttemptsAfterSec * 1000;
  const open = await database.pool.query<{ attempt_id: string; tier: string }>(
    `SELECT attempt_id, tier FROM attempts
     WHERE outcome = 'started' AND started_at < now() - make_interval(secs => $1::float8 / 1000)
       -- a call parked in a provider batch is not abandoned: its job is delayed until the batch answers
       AND NOT EXISTS (SELECT 1 FROM provider_batch_items b WHERE b.attempt_id = attempts.attempt_id AND b.deadline > now() - interval '1 hour')
     ORDER BY started_at LIMIT 10000`,
    [abandonAfterMs],
  );
  const orphaned: string[] = [];
  for (const attempt of open.rows) {
    // Attempt id = queue job id + '#' + the delivery number (BullMQ's attemptsStarted).
    const hash = attempt.attempt_id.lastIndexOf('#');
    const queueId = hash > 0 ? attempt.attempt_id.slice(0, hash) : undefined;
    const delivery = hash > 0 ? Number(attempt.attempt_id.slice(hash + 1)) : NaN;
    if (queueId && isTier(attempt.tier)) {
      const job = await queues[attempt.tier].getJob(queueId);
      if (job && job.attemptsStarted === delivery && (await job.getState()) === 'active') continue; // still running
    }
    orphaned.push(attempt.attempt_id);
  }
  report.abandonedAttempts = await abandonAttempts(database, orphaned);
};
