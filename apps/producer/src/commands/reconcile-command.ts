import { reconcile, type ReconcileReport } from '@eaio/workers';
import type { Runtime } from '../runtime';

export const formatReconcileReport = (report: ReconcileReport): string =>
  report.ran
    ? [
        `checked ${report.checked} open jobs against their queues`,
        `re-enqueued ${report.reEnqueued} (missing from their queue)`,
        `restarted ${report.restarted} (finished in the queue, still open in PostgreSQL)`,
        `ended ${report.endedFailed} (failed in the queue)`,
        `abandoned ${report.abandonedAttempts} attempts (left started by a vanished worker)`,
        `closed ${report.batchesClosed} batches, recounted ${report.batchCountersCorrected}`,
      ].join('\n')
    : 'another process is reconciling right now; nothing done (run it again when it has finished)';

/**
 * `eaio reconcile`: PostgreSQL is the source of truth; brings the queues, attempts and
 * batches in line with it once and prints what it did. Exit 1 when another process held
 * the lock.
 */
export const runReconcile = async (runtime: Runtime, options: { graceSec?: string } = {}, out: NodeJS.WritableStream = process.stdout): Promise<ReconcileReport> => {
  const graceSec = options.graceSec === undefined ? undefined : Number(options.graceSec);
  if (graceSec !== undefined && !(Number.isFinite(graceSec) && graceSec >= 0)) throw new Error(`--grace must be a number of seconds, 0 or more (got "${options.graceSec}")`);
  const report = await reconcile({
    database: runtime.database,
    queues: runtime.queues,
    config: runtime.config,
    lockKey: `eaio-reconcile ${runtime.store.label}`,
    graceMs: graceSec === undefined ? undefined : graceSec * 1000,
    log: runtime.log,
  });
  out.write(`${formatReconcileReport(report)}\n`);
  return report;
};
