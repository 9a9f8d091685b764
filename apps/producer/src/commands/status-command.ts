import { batchStatus, recentBatches, type BatchStatus } from '@eaio/db';
import { usd } from '../cli-context';
import type { Runtime } from '../runtime';

const QUEUES = ['local-fast', 'local-quality', 'api', 'review'];

export const formatStatus = (status: BatchStatus): string => {
  const lines = [
    `batch ${status.batchId} (${status.name}) tenant=${status.tenant} status=${status.status}${status.simulated ? ' [SIMULATED: emulator answers]' : ''}`,
    `jobs ${status.jobCount}: ${Object.entries(status.byState).map(([state, n]) => `${state} ${n}`).join(', ') || 'none'}`,
    'tier           queued  active  succeeded  review  calls  passed  failed-gate  errors  spend',
  ];
  for (const tier of QUEUES) {
    const states = status.byTier[tier] ?? {};
    const calls = status.attempts.byTier[tier];
    lines.push(
      [
        tier.padEnd(14),
        String(states.queued ?? 0).padStart(6),
        String(states.active ?? 0).padStart(7),
        String(states.succeeded ?? 0).padStart(10),
        String(states.review ?? 0).padStart(7),
        String(calls?.calls ?? 0).padStart(6),
        String(calls?.passed ?? 0).padStart(7),
        String(calls?.failedGate ?? 0).padStart(12),
        String(calls?.errors ?? 0).padStart(7),
        `  ${usd(calls?.costMicroUsd ?? 0)}`,
      ].join(' '),
    );
  }
  lines.push(`spend ${usd(status.spendMicroUsd)} over ${status.attempts.total} provider calls`);
  return lines.join('\n');
};

export const runStatus = async (runtime: Runtime, batchId: string | undefined, out: NodeJS.WritableStream = process.stdout): Promise<BatchStatus | undefined> => {
  if (!batchId) {
    const rows = await recentBatches(runtime.database);
    out.write(rows.length ? `${rows.map((row) => `${row.id}  ${row.status.padEnd(5)} ${String(row.job_count).padStart(5)} jobs  ${row.created_at.toISOString()}  ${row.name}`).join('\n')}\n` : 'no batches yet\n');
    return undefined;
  }
  const status = await batchStatus(runtime.database, batchId);
  if (!status) throw new Error(`no batch "${batchId}": run "eaio status" to list batches`);
  out.write(`${formatStatus(status)}\n`);
  return status;
};

/** Redraws the status every `intervalMs` until the batch is done (or the signal aborts). */
export const runWatch = async (runtime: Runtime, batchId: string, options: { intervalMs?: number; signal?: AbortSignal } = {}, out: NodeJS.WritableStream = process.stdout): Promise<BatchStatus> => {
  let last = '';
  for (;;) {
    const status = await batchStatus(runtime.database, batchId);
    if (!status) throw new Error(`no batch "${batchId}": run "eaio status" to list batches`);
    const tty = (out as NodeJS.WriteStream).isTTY;
    const text = formatStatus(status);
    // On a terminal redraw in place; in a log, print only when something changed.
    if (tty) out.write(`\x1b[2J\x1b[H${text}\n`);
    else if (text !== last) out.write(`${text}\n`);
    last = text;
    if (status.status === 'done' || options.signal?.aborted) return status;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
  }
};
