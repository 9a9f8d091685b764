import cliProgress from 'cli-progress';
import { batchStatus, parkedProviderCalls, recentBatches, type BatchStatus, type ParkedProviderCalls } from '@eaio/db';
import { usd } from '../cli-context';
import type { Runtime } from '../runtime';

// cli-progress is CommonJS: Node's ES module loader sees only some of its names (not Format).
const { Format } = cliProgress;

const QUEUES = ['local-fast', 'local-quality', 'api', 'review'];

const percent = (part: number, whole: number): string => (whole > 0 ? `${((part / whole) * 100).toFixed(0)}%` : '–');

/** A whole-second span as `3d 04h`, `2h 05m`, `7m 09s` or `42s`. */
export const span = (seconds: number): string => {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  if (s >= 86_400) return `${Math.floor(s / 86_400)}d ${two(Math.floor((s % 86_400) / 3600))}h`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${two(Math.floor((s % 3600) / 60))}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${two(s % 60)}s`;
  return `${s}s`;
};

/** Api calls parked in provider batch endpoints, one line per provider (none: no lines). */
export const parkedLines = (parked: ParkedProviderCalls[]): string[] =>
  parked.length === 0
    ? []
    : [
        'api calls parked in provider batches (batch prices; interactive near the deadline):',
        'provider        waiting  submitted   oldest   nearest deadline',
        ...parked.map((row) =>
          [
            row.provider.padEnd(14),
            String(row.waiting).padStart(8),
            String(row.submitted).padStart(10),
            `  ${span(row.oldestAgeSec).padEnd(7)}`,
            ` ${row.nearestDeadline.toISOString()}`,
          ].join(' '),
        ),
      ];

/** Jobs per tier and state, calls per tier and outcome (errors and calls in flight included), jobs without a result. */
export const statusLines = (status: BatchStatus): string[] => {
  const lines = [
    `batch ${status.batchId} (${status.name}) tenant=${status.tenant} status=${status.status}${status.simulated ? ' [SIMULATED: emulator answers]' : ''}`,
    `jobs ${status.jobCount}: ${
      Object.entries(status.byState)
        .map(([state, n]) => `${state} ${n}`)
        .join(', ') || 'none'
    }`,
    'tier           queued  active  succeeded  review  failed  rejected  calls  passed  failed-gate  errors  in-flight  pass  spend',
  ];
  for (const tier of QUEUES) {
    const states = status.byTier[tier] ?? {};
    const calls = status.attempts.byTier[tier];
    const ended = (calls?.calls ?? 0) - (calls?.started ?? 0);
    lines.push(
      [
        tier.padEnd(14),
        String(states.queued ?? 0).padStart(6),
        String(states.active ?? 0).padStart(7),
        String(states.succeeded ?? 0).padStart(10),
        String(states.review ?? 0).padStart(7),
        String(states.failed ?? 0).padStart(7),
        String(states.rejected ?? 0).padStart(9),
        String(calls?.calls ?? 0).padStart(6),
        String(calls?.passed ?? 0).padStart(7),
        String(calls?.failedGate ?? 0).padStart(12),
        String((calls?.errors ?? 0) + (calls?.abandoned ?? 0)).padStart(7),
        String(calls?.started ?? 0).padStart(10),
        percent(calls?.passed ?? 0, ended).padStart(5),
        `  ${usd(calls?.costMicroUsd ?? 0)}`,
      ].join(' '),
    );
  }
  const without = status.withoutResult;
  const jobs = Math.max(
    status.jobCount,
    Object.values(status.byState).reduce((sum, n) => sum + n, 0),
  );
  lines.push(
    `without a result: ${without.total} of ${jobs} jobs (${Object.entries(without.byState)
      .map(([state, n]) => `${state} ${n}`)
      .join(', ')})`,
  );
  lines.push(`spend ${usd(status.spendMicroUsd)} over ${status.attempts.total} provider calls`);
  if (status.cacheHits.total > 0) {
    lines.push(
      `cache hits: ${status.cacheHits.total} jobs answered with a kept result, no call (${Object.entries(status.cacheHits.byTier)
        .map(([tier, n]) => `${tier} ${n}`)
        .join(', ')})`,
    );
  }
  lines.push(...parkedLines(status.parked));
  return lines;
};

export const formatStatus = (status: BatchStatus): string => statusLines(status).join('\n');

/**
 * `eaio status [batch] [--json]`: one batch's table, or the recent batches and every batch's
 * calls parked in provider batches; `--json` prints the same as one JSON object.
 */
export const runStatus = async (
  runtime: Runtime,
  batchId: string | undefined,
  out: NodeJS.WritableStream = process.stdout,
  options: { json?: boolean } = {},
): Promise<BatchStatus | undefined> => {
  if (!batchId) {
    const rows = await recentBatches(runtime.database);
    const parked = await parkedProviderCalls(runtime.database);
    if (options.json) {
      out.write(`${JSON.stringify({ batches: rows, parked }, null, 2)}\n`);
      return undefined;
    }
    const listed = rows.length
      ? rows.map((row) => `${row.id}  ${row.status.padEnd(5)} ${String(row.job_count).padStart(5)} jobs  ${row.created_at.toISOString()}  ${row.name}`)
      : ['no batches yet'];
    out.write(`${[...listed, ...parkedLines(parked)].join('\n')}\n`);
    return undefined;
  }
  const status = await batchStatus(runtime.database, batchId);
  if (!status) throw new Error(`no batch "${batchId}": run "eaio status" to list batches`);
  out.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`);
  return status;
};

const BAR_SIZE = 30;
const BAR_OPTIONS = { barsize: BAR_SIZE, barCompleteString: '\u2588'.repeat(BAR_SIZE), barIncompleteString: '\u2591'.repeat(BAR_SIZE), barGlue: '', autopaddingChar: '0' };

/** Jobs that ended (with or without a result) of all the batch's jobs. */
const endedJobs = (status: BatchStatus): number => (status.byState.succeeded ?? 0) + (status.byState.review ?? 0) + (status.byState.failed ?? 0) + (status.byState.rejected ?? 0);

/**
 * The progress line: a bar (cli-progress's formatter), jobs ended of all, and an ETA from
 * the rate jobs ended at since watching began (`–` until one has).
 */
export const progressLine = (status: BatchStatus, start: { at: number; ended: number }, now = Date.now()): string => {
  const ended = endedJobs(status);
  const jobs = Math.max(
    status.jobCount,
    Object.values(status.byState).reduce((sum, n) => sum + n, 0),
  );
  const share = jobs > 0 ? Math.min(1, ended / jobs) : 0;
  const rate = (ended - start.ended) / Math.max((now - start.at) / 1000, 0.001);
  const left = jobs - ended;
  const eta = left === 0 ? 'done' : rate > 0 ? `ETA ${Format.TimeFormat(Math.round(left / rate), BAR_OPTIONS as never, 1)}` : 'ETA –';
  return `${Format.BarFormat(share, BAR_OPTIONS as never)} ${(share * 100).toFixed(0).padStart(3)}% ${ended}/${jobs} jobs ended  ${eta}`;
};

/**
 * Follows the batch until it is done (or the signal aborts). On a terminal it redraws one
 * table in place (cursor moved back over the previous drawing, nothing scrolls) with a
 * progress bar and an ETA; elsewhere (a log, a pipe) it prints the table only when it changed.
 */
export const runWatch = async (
  runtime: Runtime,
  batchId: string,
  options: { intervalMs?: number; signal?: AbortSignal } = {},
  out: NodeJS.WritableStream = process.stdout,
): Promise<BatchStatus> => {
  let last = '';
  let drawn = 0;
  let start: { at: number; ended: number } | undefined;
  const tty = Boolean((out as NodeJS.WriteStream).isTTY);
  for (;;) {
    const status = await batchStatus(runtime.database, batchId);
    if (!status) throw new Error(`no batch "${batchId}": run "eaio status" to list batches`);
    start ??= { at: Date.now(), ended: endedJobs(status) };
    const text = formatStatus(status);
    if (tty) {
      const lines = [...statusLines(status), progressLine(status, start)];
      // Back to the first line of the previous drawing, clear to the end of the screen, draw again.
      out.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[0J` : ''}${lines.join('\n')}\n`);
      // Lines wider than the terminal wrap: count the rows they take.
      const columns = (out as NodeJS.WriteStream).columns ?? 0;
      drawn = lines.reduce((rows, line) => rows + (columns > 0 ? Math.max(1, Math.ceil(line.length / columns)) : 1), 0);
    } else if (text !== last) {
      out.write(`${text}\n${progressLine(status, start)}\n`);
    }
    last = text;
    if (status.status === 'done' || options.signal?.aborted) return status;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1000));
  }
};
