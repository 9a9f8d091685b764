import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Database, Drizzle } from '../create-db';
import { batches, jobs, results, TERMINAL_JOB_STATES, type JobState } from '../schema';

type Executor = Pick<Drizzle, 'update' | 'insert' | 'select'>;

const notTerminal = () => notInArray(jobs.state, [...TERMINAL_JOB_STATES]);

export const isJobTerminal = async (database: Database, jobId: string): Promise<boolean> => {
  const rows = await database.db.select({ state: jobs.state }).from(jobs).where(eq(jobs.id, jobId));
  return rows.length > 0 && TERMINAL_JOB_STATES.includes(rows[0].state);
};

/** What the stored job row says about where a job may go: the truth a worker acts on, whatever its queue payload says. */
export interface StoredJobPolicy {
  terminal: boolean;
  batchId: string;
  tenant: string;
  privacy: string;
  chain: string[];
}

/** The jobs row's state, tenant, privacy and allowed chain; `undefined` when no such job was ever submitted. */
export const storedJobPolicy = async (database: Database, jobId: string): Promise<StoredJobPolicy | undefined> => {
  const rows = await database.db
    .select({ state: jobs.state, batchId: jobs.batchId, tenant: jobs.tenant, privacy: jobs.privacy, chain: jobs.chain })
    .from(jobs)
    .where(eq(jobs.id, jobId));
  if (rows.length === 0) return undefined;
  const row = rows[0];
  return { terminal: TERMINAL_JOB_STATES.includes(row.state), batchId: row.batchId, tenant: row.tenant, privacy: row.privacy, chain: row.chain };
};

/** A worker took the job; a terminal (or unknown) job is left alone. */
export const markJobActive = async (database: Database, jobId: string, tier: string): Promise<void> => {
  await database.db
    .update(jobs)
    .set({ state: 'active', currentTier: tier, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), notTerminal()));
};

/**
 * One job of the batch just became terminal (in the caller's transaction): lowers the
 * batch's open-jobs counter and closes the batch when it reaches 0. The row lock this
 * UPDATE takes serialises jobs finishing at once, and `open_jobs - 1` reads the latest
 * committed value, so exactly one of them sees the batch reach 0; a `NOT EXISTS` check
 * under READ COMMITTED let each of two concurrent last jobs see the other one still open.
 */
const jobEnded = async (executor: Executor, batchId: string): Promise<void> => {
  const last = sql`${batches.openJobs} - 1 <= 0`;
  await executor
    .update(batches)
    .set({
      openJobs: sql`greatest(${batches.openJobs} - 1, 0)`,
      status: sql`CASE WHEN ${last} THEN 'done' ELSE ${batches.status} END`,
      completedAt: sql`CASE WHEN ${last} THEN coalesce(${batches.completedAt}, now()) ELSE ${batches.completedAt} END`,
    })
    .where(eq(batches.id, batchId));
};

export interface CompleteJobInput {
  jobId: string;
  batchId: string;
  attemptId: string;
  tier: string;
  provider: string;
  model: string;
  text: string;
  answer: unknown;
  qualityScore: number;
  simulated: boolean;
}

/**
 * Stores the accepted answer and marks the job succeeded, in one transaction. A job
 * keeps at most one result (its key) and a terminal job never changes state again, so a
 * late duplicate stores nothing. Returns whether this call stored the result.
 */
export const completeJob = async (database: Database, input: CompleteJobInput): Promise<boolean> =>
  database.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(results)
      .values({
        jobId: input.jobId,
        attemptId: input.attemptId,
        batchId: input.batchId,
        tier: input.tier,
        provider: input.provider,
        model: input.model,
        text: input.text,
        answer: input.answer ?? null,
        qualityScore: input.qualityScore,
        simulated: input.simulated,
      })
      .onConflictDoNothing()
      .returning({ jobId: results.jobId });
    if (inserted.length === 0) return false;
    const ended = await tx
      .update(jobs)
      .set({ state: 'succeeded', currentTier: input.tier, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(jobs.id, input.jobId), notTerminal()))
      .returning({ batchId: jobs.batchId });
    for (const row of ended) await jobEnded(tx, row.batchId);
    return true;
  });

/**
 * The job moved to another tier queue (`queued` there) or to the review queue (terminal).
 * A job already terminal is left alone.
 */
export const moveJob = async (database: Database, input: { jobId: string; batchId: string; to: string; reason: string }): Promise<void> => {
  const review = input.to === 'review';
  const state: JobState = review ? 'review' : 'queued';
  return database.db.transaction(async (tx) => {
    const updated = await tx
      .update(jobs)
      .set({ state, currentTier: input.to, routeReason: input.reason, updatedAt: sql`now()`, ...(review ? { finishedAt: sql`now()` } : {}) })
      .where(and(eq(jobs.id, input.jobId), notTerminal()))
      .returning({ batchId: jobs.batchId });
    if (review) for (const row of updated) await jobEnded(tx, row.batchId);
  });
};

/**
 * The job failed for good (unreadable data, a processor error that retries did not cure,
 * BullMQ attempts or stalls used up): terminal, with `reason` stored as its route reason.
 * The batch is the job row's own (`batchId` is only a hint for callers that have it).
 * Returns false when the job was already terminal (or is unknown).
 */
export const failJob = async (database: Database, input: { jobId: string; batchId?: string; reason: string }): Promise<boolean> =>
  database.db.transaction(async (tx) => {
    const updated = await tx
      .update(jobs)
      .set({ state: 'failed', routeReason: input.reason.slice(0, 2000), finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(jobs.id, input.jobId), notTerminal()))
      .returning({ batchId: jobs.batchId });
    for (const row of updated) await jobEnded(tx, row.batchId);
    return updated.length > 0;
  });

export interface BatchRecount {
  /** Open batches whose counter was recounted. */
  checked: number;
  /** Of those, batches whose counter was wrong. */
  corrected: number;
  /** Of those, batches found finished and closed now. */
  closed: number;
}

/**
 * Recounts the open jobs of every `open` batch and closes those with none left (the
 * reconciler's repair for counters written before migration 0002 or by hand). Each batch
 * row is locked first, so a job ending concurrently (its transaction waits for the lock
 * after its own job update) is counted as open here and decremented after: no lost update.
 */
export const recountOpenBatches = async (database: Database): Promise<BatchRecount> => {
  const open = await database.pool.query<{ id: string }>("SELECT id FROM batches WHERE status = 'open' ORDER BY created_at");
  const result: BatchRecount = { checked: 0, corrected: 0, closed: 0 };
  for (const { id } of open.rows) {
    const outcome = await database.db.transaction(async (tx) => {
      const locked = await tx.execute<{ open_jobs: number; status: string }>(sql`SELECT open_jobs, status FROM batches WHERE id = ${id} FOR UPDATE`);
      const row = locked.rows[0];
      if (row?.status !== 'open') return undefined;
      const counted = await tx.execute<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM jobs WHERE batch_id = ${id} AND state NOT IN ('succeeded', 'review', 'failed', 'rejected')`,
      );
      const n = counted.rows[0].n;
      if (n === row.open_jobs && n > 0) return { corrected: false, closed: false };
      await tx.execute(
        sql`UPDATE batches SET open_jobs = ${n}, status = CASE WHEN ${n}::int > 0 THEN 'open' ELSE 'done' END,
                completed_at = CASE WHEN ${n}::int > 0 THEN NULL ELSE coalesce(completed_at, now()) END
            WHERE id = ${id}`,
      );
      return { corrected: n !== row.open_jobs, closed: n === 0 };
    });
    if (!outcome) continue;
    result.checked += 1;
    if (outcome.corrected) result.corrected += 1;
    if (outcome.closed) result.closed += 1;
  }
  return result;
};

/**
 * Marks the given attempts `abandoned` if they are still `started` (the reconciler found
 * no live delivery for them). A worker that comes back can still finish them
 * (`finishAttempt`). Returns how many changed.
 */
export const abandonAttempts = async (database: Database, attemptIds: string[]): Promise<number> => {
  if (attemptIds.length === 0) return 0;
  const updated = await database.pool.query("UPDATE attempts SET outcome = 'abandoned', finished_at = now() WHERE attempt_id = ANY($1::text[]) AND outcome = 'started'", [
    attemptIds,
  ]);
  return updated.rowCount ?? 0;
};
