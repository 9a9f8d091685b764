import { failJob } from '@eaio/db';
import { queueJobId } from '@eaio/queues';
import type { Runtime } from '../runtime';

export interface CancelReport {
  batchId: string;
  found: boolean;
  /** Jobs ended `failed` (reason `cancelled by eaio cancel`) whose queue entry was removed. */
  ended: number;
  /** Calls parked in a provider batch: the workers' batch lane cancels the provider batch and ends them (no charge beyond what the provider answered). */
  parked: number;
  /** Jobs running now: they finish their current call; their results are kept. */
  running: number;
}

export const CANCEL_REASON = 'cancelled by eaio cancel';

/**
 * `eaio cancel <batch>`: marks the batch cancelled (no call of it joins a provider batch any
 * more), ends every job still waiting in a queue as `failed`, and leaves the calls parked in
 * a provider batch to the workers' batch lane, which cancels the provider batches within
 * `batchApi.pollSec` and settles what was answered. Running calls finish.
 */
export const runCancel = async (runtime: Runtime, batchId: string, out: NodeJS.WritableStream = process.stdout): Promise<CancelReport> => {
  const { pool } = runtime.database;
  const marked = await pool.query(`UPDATE batches SET cancelled_at = coalesce(cancelled_at, now()) WHERE id = $1 RETURNING id`, [batchId]);
  const report: CancelReport = { batchId, found: (marked.rowCount ?? 0) > 0, ended: 0, parked: 0, running: 0 };
  if (!report.found) {
    out.write(`no batch ${batchId}\n`);
    return report;
  }
  const open = await pool.query<{ id: string; current_tier: string | null }>(
    `SELECT id, current_tier FROM jobs WHERE batch_id = $1 AND state NOT IN ('succeeded', 'review', 'failed', 'rejected')`,
    [batchId],
  );
  for (const row of open.rows) {
    const queue = row.current_tier && row.current_tier in runtime.queues ? runtime.queues[row.current_tier as keyof typeof runtime.queues] : undefined;
    const job = queue ? await queue.getJob(queueJobId(row.id, row.current_tier as 'api')) : undefined;
    const state = job ? await job.getState() : 'missing';
    if (state === 'active') {
      report.running += 1;
      continue;
    }
    if (job && (job.data as { batchAttempt?: string }).batchAttempt) {
      report.parked += 1;
      continue;
    }
    // Terminal in PostgreSQL first: a worker that takes the job meanwhile skips it.
    if (await failJob(runtime.database, { jobId: row.id, batchId, reason: CANCEL_REASON })) report.ended += 1;
    if (job) await job.remove().catch(() => undefined);
  }
  out.write(
    `batch ${batchId} cancelled: ${report.ended} queued jobs ended failed, ${report.parked} calls in provider batches being cancelled by the workers, ${report.running} running now (they finish)\n`,
  );
  return report;
};
