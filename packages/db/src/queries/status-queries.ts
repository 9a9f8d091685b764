import { eq } from 'drizzle-orm';
import type { Database } from '../create-db';
import { batches, NO_RESULT_JOB_STATES, type BatchRow } from '../schema';

export interface BatchStatus {
  batchId: string;
  tenant: string;
  name: string;
  status: string;
  jobCount: number;
  createdAt: Date;
  completedAt: Date | null;
  /** queue/tier → state → jobs */
  byTier: Record<string, Record<string, number>>;
  /** state → jobs */
  byState: Record<string, number>;
  attempts: {
    total: number;
    /** `started`: calls still in flight; `abandoned`: calls whose worker vanished. */
    byTier: Record<string, { calls: number; costMicroUsd: number; passed: number; failedGate: number; errors: number; abandoned: number; started: number }>;
  };
  /** Jobs that ended without a result, by state (`review`, `failed`, `rejected`). */
  withoutResult: { total: number; byState: Record<string, number> };
  /** Money charged in `spend_ledger` for the batch's calls (settled, and worst case for abandoned ones). */
  spendMicroUsd: number;
  /** Jobs answered from the response cache (a kept result of another job reused; no call), by tier. */
  cacheHits: { total: number; byTier: Record<string, number> };
  /** The batch's api calls parked in provider batches (Batch API / Message Batches), per provider; empty when none is. */
  parked: ParkedProviderCalls[];
  simulated: boolean;
}

/** Api calls of deadline batches that wait in one provider's batch endpoint (rows of `provider_batch_items` not yet ended). */
export interface ParkedProviderCalls {
  provider: string;
  /** Queued: waiting to be sent in a provider batch. */
  waiting: number;
  /** Sent (or being sent) in a provider batch the provider is still working on. */
  submitted: number;
  /** When the oldest of them was parked, and its age in seconds (database clock). */
  oldestParkedAt: Date;
  oldestAgeSec: number;
  /** The nearest deadline among them (they fall back to interactive calls `batchApi.fallbackMarginSec` before it). */
  nearestDeadline: Date;
}

/** Calls parked in provider batches per provider: one batch's, or every batch's without `batchId`. */
export const parkedProviderCalls = async (database: Database, batchId?: string): Promise<ParkedProviderCalls[]> => {
  const { rows } = await database.pool.query(
    `SELECT provider,
            count(*) FILTER (WHERE status = 'queued')::int AS waiting,
            count(*) FILTER (WHERE status IN ('submitting', 'submitted'))::int AS submitted,
            min(created_at) AS oldest, greatest(0, extract(epoch FROM now() - min(created_at)))::float8 AS age, min(deadline) AS nearest
     FROM provider_batch_items
     WHERE status IN ('queued', 'submitting', 'submitted') AND ($1::text IS NULL OR batch_id = $1)
     GROUP BY provider ORDER BY provider`,
    [batchId ?? null],
  );
  return rows.map((row) => ({
    provider: row.provider,
    waiting: row.waiting,
    submitted: row.submitted,
    oldestParkedAt: row.oldest,
    oldestAgeSec: Math.floor(row.age),
    nearestDeadline: row.nearest,
  }));
};

/** Per-tier counts and spend of one batch, for `eaio status` / `watch` and the board API. */
export const batchStatus = async (database: Database, batchId: string): Promise<BatchStatus | undefined> => {
  const batch = await database.pool.query('SELECT id, tenant, name, status, job_count, created_at, completed_at FROM batches WHERE id = $1', [batchId]);
  if (!batch.rowCount) return undefined;
  const jobRows = await database.pool.query(
    `SELECT coalesce(current_tier, start_tier) AS tier, state, count(*)::int AS n, bool_or(simulated) AS simulated
     FROM jobs WHERE batch_id = $1 GROUP BY 1, 2`,
    [batchId],
  );
  const attemptRows = await database.pool.query(
    `SELECT tier, count(*)::int AS calls, coalesce(sum(cost_micro_usd), 0)::bigint AS cost,
            count(*) FILTER (WHERE outcome = 'passed')::int AS passed,
            count(*) FILTER (WHERE outcome = 'failed-gate')::int AS failed_gate,
            count(*) FILTER (WHERE outcome = 'error')::int AS errors,
            count(*) FILTER (WHERE outcome = 'abandoned')::int AS abandoned,
            count(*) FILTER (WHERE outcome = 'started')::int AS started
     FROM attempts WHERE batch_id = $1 GROUP BY tier`,
    [batchId],
  );
  const ledger = await database.pool.query('SELECT coalesce(sum(cost_micro_usd), 0)::bigint AS cost FROM spend_ledger WHERE batch_id = $1', [batchId]);
  const cacheRows = await database.pool.query('SELECT tier, count(*)::int AS n FROM results WHERE batch_id = $1 AND cached_from IS NOT NULL GROUP BY tier', [batchId]);
  const cacheHits: BatchStatus['cacheHits'] = { total: 0, byTier: {} };
  for (const row of cacheRows.rows) {
    cacheHits.byTier[row.tier] = row.n;
    cacheHits.total += row.n;
  }
  const byTier: BatchStatus['byTier'] = {};
  const byState: BatchStatus['byState'] = {};
  let simulated = false;
  for (const row of jobRows.rows) {
    byTier[row.tier] ??= {};
    byTier[row.tier][row.state] = row.n;
    byState[row.state] = (byState[row.state] ?? 0) + row.n;
    simulated ||= row.simulated;
  }
  const attemptsByTier: BatchStatus['attempts']['byTier'] = {};
  let total = 0;
  for (const row of attemptRows.rows) {
    attemptsByTier[row.tier] = {
      calls: row.calls,
      costMicroUsd: Number(row.cost),
      passed: row.passed,
      failedGate: row.failed_gate,
      errors: row.errors,
      abandoned: row.abandoned,
      started: row.started,
    };
    total += row.calls;
  }
  const b = batch.rows[0];
  const withoutResult = { total: 0, byState: {} as Record<string, number> };
  for (const state of NO_RESULT_JOB_STATES) {
    withoutResult.byState[state] = byState[state] ?? 0;
    withoutResult.total += byState[state] ?? 0;
  }
  return {
    batchId: b.id,
    tenant: b.tenant,
    name: b.name,
    status: b.status,
    jobCount: b.job_count,
    createdAt: b.created_at,
    completedAt: b.completed_at,
    byTier,
    byState,
    attempts: { total, byTier: attemptsByTier },
    withoutResult,
    spendMicroUsd: Number(ledger.rows[0].cost),
    cacheHits,
    parked: await parkedProviderCalls(database, batchId),
    simulated,
  };
};

export const batchById = async (database: Database, batchId: string): Promise<BatchRow | undefined> => (await database.db.select().from(batches).where(eq(batches.id, batchId)))[0];

/** The newest batches, for `eaio status` without an id. */
export const recentBatches = async (database: Database, limit = 10) =>
  (await database.pool.query('SELECT id, tenant, name, status, job_count, created_at FROM batches ORDER BY created_at DESC LIMIT $1', [limit])).rows;
