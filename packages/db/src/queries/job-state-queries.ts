import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Database, Drizzle } from '../create-db';
import { batches, jobs, results, TERMINAL_JOB_STATES, type JobState } from '../schema';

type Executor = Pick<Drizzle, 'update' | 'insert' | 'select'>;

const notTerminal = () => notInArray(jobs.state, [...TERMINAL_JOB_STATES]);

export const isJobTerminal = async (database: Database, jobId: string): Promise<boolean> => {
  const rows = await database.db.select({ state: jobs.state }).from(jobs).where(eq(jobs.id, jobId));
  return rows.length > 0 && TERMINAL_JOB_STATES.includes(rows[0].state);
};

/** A worker took the job; a terminal (or unknown) job is left alone. */
export const markJobActive = async (database: Database, jobId: string, tier: string): Promise<void> => {
  await database.db
    .update(jobs)
    .set({ state: 'active', currentTier: tier, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), notTerminal()));
};

/** Marks the batch done once none of its jobs is still open. */
const closeBatchIfDone = async (executor: Executor, batchId: string): Promise<void> => {
  await executor
    .update(batches)
    .set({ status: 'done', completedAt: sql`now()` })
    .where(
      and(
        eq(batches.id, batchId),
        sql`${batches.status} <> 'done'`,
        sql`NOT EXISTS (SELECT 1 FROM ${jobs} WHERE ${jobs.batchId} = ${batchId} AND ${notTerminal()})`,
      ),
    );
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
    await tx
      .update(jobs)
      .set({ state: 'succeeded', currentTier: input.tier, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(jobs.id, input.jobId), notTerminal()));
    await closeBatchIfDone(tx, input.batchId);
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
      .returning({ id: jobs.id });
    if (review && updated.length > 0) await closeBatchIfDone(tx, input.batchId);
  });
};

/** The job failed for good (bad input, unrecoverable error). Terminal; false when it already was. */
export const failJob = async (database: Database, input: { jobId: string; batchId: string; reason: string }): Promise<boolean> =>
  database.db.transaction(async (tx) => {
    const updated = await tx
      .update(jobs)
      .set({ state: 'failed', routeReason: input.reason, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(jobs.id, input.jobId), notTerminal()))
      .returning({ id: jobs.id });
    if (updated.length > 0) await closeBatchIfDone(tx, input.batchId);
    return updated.length > 0;
  });
