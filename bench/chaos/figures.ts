import type { Queue } from 'bullmq';
import type pg from 'pg';
import { TERMINAL_JOB_STATES } from '@eaio/db';
import type { RequestLogEntry } from '@eaio/emulator';

/** Queue states in which a BullMQ job is still going to be (or being) processed. */
const LIVE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;
const TIER_QUEUES = ['local-fast', 'local-quality', 'api'] as const;

/**
 * What one scenario left behind, worked out from Postgres rows, the BullMQ queues and the
 * emulator's request log — never from the pipeline's own counters alone.
 */
export interface ScenarioFigures {
  scenario: string;
  /** Lines of the JSONL the harness wrote (one job each). */
  submitted: number;
  /** Job rows Postgres holds for the batch. */
  rows: number;
  /** Rows in a terminal state (`succeeded`, `review`, `failed`). */
  terminal: number;
  byState: Record<string, number>;
  /** Submitted jobs not in a terminal state at the end. */
  lost: number;
  /** Of the lost: in no queue at all (waiting for nothing). The rest sit in a queue (`stuck`) or in BullMQ's failed set. */
  orphaned: number;
  /** Of the lost: ended `failed` in BullMQ while the Postgres row is not terminal. */
  failedInQueueOnly: number;
  /** Jobs done twice, or in two places at once (see `duplicateReasons`). */
  duplicated: number;
  duplicateReasons: Record<string, number>;
  /** `attempts` rows of the batch. */
  attempts: number;
  /** Generation requests in the emulator's log. */
  requests: number;
  /** Attempts that never reached a host (connection refused while it was down): a row, no request. */
  refused: number;
  /**
   * Attempts `abandoned` with no request: the worker died between writing the row and sending
   * the call (nothing reached a provider, nothing was billed).
   */
  unsent: number;
  /** Attempt rows with no request (neither refused nor unsent), plus requests with no (or an unknown) attempt row. */
  unmatched: number;
  /** Attempt rows still `started`. */
  startedLeft: number;
  openReservations: number;
  /** Money reserved and not settled: open reservations, and what the budget counter holding most still holds as reserved. */
  openReservedMicro: number;
  counterReservedMicro: number;
  /** Σ spend_ledger.cost_micro_usd. */
  settledMicro: number;
  capMicro: number;
  batchStatus: string;
  /** Submit start → every job terminal and the batch `done`; undefined when it never drained. */
  drainMs: number | undefined;
  /** Submit start → drained and nothing left `started` or reserved; undefined when never. */
  cleanMs: number | undefined;
  /** Why it ended waiting: drained, stalled (no change for the stall window), or the deadline. */
  ending: 'drained' | 'stalled' | 'deadline';
  /** How many times the fault struck (0: the batch drained before it started, the row proves nothing). */
  faults: number;
  violations: string[];
  notes: string[];
}

export interface MeasureInput {
  scenario: string;
  pool: pg.Pool;
  batchId: string;
  submitted: number;
  queues: Record<(typeof TIER_QUEUES)[number] | 'review', Queue>;
  emulatorLog: RequestLogEntry[];
  capMicro: number;
  drainMs: number | undefined;
  cleanMs: number | undefined;
  ending: ScenarioFigures['ending'];
  faults: number;
  notes?: string[];
}

interface QueueEntry {
  queue: string;
  state: string;
}

const jobIdOf = (data: unknown): string | undefined =>
  data && typeof data === 'object' && typeof (data as { jobId?: unknown }).jobId === 'string' ? (data as { jobId: string }).jobId : undefined;

/** Every entry of every pipeline queue, by Postgres job id. */
const queueEntries = async (queues: MeasureInput['queues']): Promise<Map<string, QueueEntry[]>> => {
  const byJob = new Map<string, QueueEntry[]>();
  for (const [name, queue] of Object.entries(queues)) {
    for (const state of [...LIVE_STATES, 'failed', 'completed'] as const) {
      const jobs = await queue.getJobs([state], 0, -1);
      for (const job of jobs) {
        const jobId = jobIdOf(job?.data);
        if (!jobId) continue;
        const list = byJob.get(jobId) ?? [];
        list.push({ queue: name, state });
        byJob.set(jobId, list);
      }
    }
  }
  return byJob;
};

const count = <T>(items: T[], predicate: (item: T) => boolean) => items.reduce((n, item) => n + (predicate(item) ? 1 : 0), 0);

export const measure = async (input: MeasureInput): Promise<ScenarioFigures> => {
  const { pool, batchId } = input;
  const jobs = (await pool.query<{ id: string; state: string }>('SELECT id, state FROM jobs WHERE batch_id = $1', [batchId])).rows;
  const terminalStates = new Set<string>(TERMINAL_JOB_STATES);
  const byState: Record<string, number> = {};
  for (const job of jobs) byState[job.state] = (byState[job.state] ?? 0) + 1;
  const terminal = count(jobs, (job) => terminalStates.has(job.state));
  const batch = (await pool.query<{ status: string }>('SELECT status FROM batches WHERE id = $1', [batchId])).rows[0];

  const entries = await queueEntries(input.queues);
  const isLive = (entry: QueueEntry) => entry.queue !== 'review' && (LIVE_STATES as readonly string[]).includes(entry.state);
  const notTerminal = jobs.filter((job) => !terminalStates.has(job.state));
  const orphaned = count(notTerminal, (job) => !(entries.get(job.id) ?? []).some((entry) => isLive(entry) || entry.queue === 'review'));
  const failedInQueueOnly = count(notTerminal, (job) => {
    const list = entries.get(job.id) ?? [];
    return !list.some(isLive) && list.some((entry) => entry.state === 'failed');
  });

  const attempts = (
    await pool.query<{ attempt_id: string; job_id: string; outcome: string; error_kind: string | null }>(
      'SELECT attempt_id, job_id, outcome, error_kind FROM attempts WHERE batch_id = $1',
      [batchId],
    )
  ).rows;
  const chats = input.emulatorLog.filter((entry) => entry.operation === 'chat');
  const requestsById = new Map<string, number>();
  for (const entry of chats) if (entry.attemptId) requestsById.set(entry.attemptId, (requestsById.get(entry.attemptId) ?? 0) + 1);
  const attemptRows = new Map<string, number>();
  for (const attempt of attempts) attemptRows.set(attempt.attempt_id, (attemptRows.get(attempt.attempt_id) ?? 0) + 1);
  let refused = 0;
  let unsent = 0;
  let unmatched = 0;
  const unmatchedExamples: string[] = [];
  for (const attempt of attempts) {
    if (requestsById.has(attempt.attempt_id)) continue;
    if (attempt.outcome === 'error' && attempt.error_kind === 'network') refused += 1;
    else if (attempt.outcome === 'abandoned') unsent += 1;
    else {
      unmatched += 1;
      unmatchedExamples.push(`attempt ${attempt.attempt_id} (${attempt.outcome}${attempt.error_kind ? `, ${attempt.error_kind}` : ''}) reached no host`);
    }
  }
  for (const entry of chats) {
    if (!entry.attemptId || !attemptRows.has(entry.attemptId)) {
      unmatched += 1;
      unmatchedExamples.push(`request ${entry.id} (${entry.host}, status ${entry.status}, attempt ${entry.attemptId ?? 'none'}) has no attempt row`);
    }
  }
  // One attempt id sent more than once (an SDK retry under one id) is a request without its own row.
  for (const n of requestsById.values()) if (n > 1) unmatched += n - 1;

  const duplicateReasons: Record<string, number> = {};
  const duplicateJobs = new Set<string>();
  const flag = (jobId: string, reason: string) => {
    duplicateReasons[reason] = (duplicateReasons[reason] ?? 0) + 1;
    duplicateJobs.add(jobId);
  };
  const passedByJob = new Map<string, number>();
  for (const attempt of attempts) if (attempt.outcome === 'passed') passedByJob.set(attempt.job_id, (passedByJob.get(attempt.job_id) ?? 0) + 1);
  for (const [jobId, n] of passedByJob) if (n > 1) flag(jobId, 'answered-and-passed-twice');
  for (const attempt of attempts) if ((attemptRows.get(attempt.attempt_id) ?? 0) > 1) flag(attempt.job_id, 'attempt-row-twice');
  for (const job of jobs) {
    const list = entries.get(job.id) ?? [];
    const live = list.filter(isLive);
    if (terminalStates.has(job.state) && live.length > 0) flag(job.id, 'terminal-but-still-queued');
    if (new Set(live.map((entry) => entry.queue)).size > 1) flag(job.id, 'live-in-two-queues');
    if (job.state === 'succeeded' && list.some((entry) => entry.queue === 'review')) flag(job.id, 'succeeded-and-in-review');
  }
  const results = (await pool.query<{ job_id: string }>('SELECT job_id FROM results WHERE batch_id = $1', [batchId])).rows;
  const withResult = new Set(results.map((row) => row.job_id));
  const succeededWithoutResult = count(jobs, (job) => job.state === 'succeeded' && !withResult.has(job.id));

  const reservations = (
    await pool.query<{ n: number; amount: string }>(
      "SELECT count(*)::int AS n, coalesce(sum(amount_micro_usd), 0)::bigint AS amount FROM budget_reservations WHERE status = 'open'",
    )
  ).rows[0];
  // Each reservation is held by several counters (global, tenant, provider; day and month): the largest one says how much.
  const counters = (await pool.query<{ reserved: string }>('SELECT coalesce(max(reserved_micro_usd), 0)::bigint AS reserved FROM budget_counters')).rows[0];
  const ledger = (await pool.query<{ cost: string }>('SELECT coalesce(sum(cost_micro_usd), 0)::bigint AS cost FROM spend_ledger')).rows[0];

  const figures: ScenarioFigures = {
    scenario: input.scenario,
    submitted: input.submitted,
    rows: jobs.length,
    terminal,
    byState,
    lost: input.submitted - terminal,
    orphaned,
    failedInQueueOnly,
    duplicated: duplicateJobs.size,
    duplicateReasons,
    attempts: attempts.length,
    requests: chats.length,
    refused,
    unsent,
    unmatched,
    startedLeft: count(attempts, (attempt) => attempt.outcome === 'started'),
    openReservations: reservations.n,
    openReservedMicro: Number(reservations.amount),
    counterReservedMicro: Number(counters.reserved),
    settledMicro: Number(ledger.cost),
    capMicro: input.capMicro,
    batchStatus: batch?.status ?? 'missing',
    drainMs: input.drainMs,
    cleanMs: input.cleanMs,
    ending: input.ending,
    faults: input.faults,
    violations: [],
    notes: [...(input.notes ?? [])],
  };
  if (unmatchedExamples.length > 0) figures.notes.push(`unmatched: ${unmatchedExamples.slice(0, 3).join('; ')}`);
  if (duplicateJobs.size > 0) figures.notes.push(`duplicated, e.g.: ${[...duplicateJobs].slice(0, 3).join(', ')}`);
  if (succeededWithoutResult > 0) figures.notes.push(`${succeededWithoutResult} succeeded job(s) without a result row`);
  figures.violations = invariantViolations(figures, succeededWithoutResult);
  return figures;
};

/** The invariants of issue 9, each a sentence naming what broke. */
export const invariantViolations = (figures: ScenarioFigures, succeededWithoutResult = 0): string[] => {
  const broken: string[] = [];
  if (figures.rows !== figures.submitted) broken.push(`${figures.rows} job rows for ${figures.submitted} submitted lines`);
  if (figures.lost > 0) {
    broken.push(
      `${figures.lost} job(s) never reached a terminal state (${figures.orphaned} in no queue, ${figures.failedInQueueOnly} failed in BullMQ only; states ${JSON.stringify(figures.byState)})`,
    );
  }
  if (figures.duplicated > 0) broken.push(`${figures.duplicated} job(s) duplicated ${JSON.stringify(figures.duplicateReasons)}`);
  if (succeededWithoutResult > 0) broken.push(`${succeededWithoutResult} succeeded job(s) without a result`);
  if (figures.batchStatus !== 'done') broken.push(`batch is ${figures.batchStatus}, not done`);
  if (figures.startedLeft > 0) broken.push(`${figures.startedLeft} attempt(s) left started`);
  if (figures.openReservations > 0 || figures.counterReservedMicro > 0) {
    broken.push(`${figures.openReservations} open reservation(s) holding ${figures.openReservedMicro} µUSD; counters still reserve ${figures.counterReservedMicro} µUSD`);
  }
  if (figures.settledMicro > figures.capMicro)
    broken.push(`settled ${figures.settledMicro} µUSD > cap ${figures.capMicro} µUSD (${((figures.settledMicro / figures.capMicro) * 100).toFixed(0)} %)`);
  if (figures.unmatched > 0)
    broken.push(
      `attempts ≠ emulator requests: ${figures.unmatched} unmatched (${figures.attempts} attempts, ${figures.requests} requests, ${figures.refused} refused connections, ${figures.unsent} abandoned unsent)`,
    );
  return broken;
};
