import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../create-db';
import { attempts, batches, jobs, results, type NewAttemptRow } from '../schema';

const TERMINAL = ['succeeded', 'review'];

export const isJobTerminal = async (database: Database, jobId: string): Promise<boolean> => {
  const rows = await database.db.select({ state: jobs.state }).from(jobs).where(eq(jobs.id, jobId));
  return rows.length > 0 && TERMINAL.includes(rows[0].state);
};

export const markJobActive = async (database: Database, jobId: string, tier: string): Promise<void> => {
  await database.db
    .update(jobs)
    .set({ state: 'active', currentTier: tier, updatedAt: sql`now()` })
    .where(and(eq(jobs.id, jobId), notInArray(jobs.state, TERMINAL)));
};

/** Records a provider call before it is made (idempotent on the attempt id). */
export const insertAttemptStart = async (database: Database, row: NewAttemptRow): Promise<void> => {
  await database.db.insert(attempts).values(row).onConflictDoNothing();
  await database.db
    .update(jobs)
    .set({ attemptCount: sql`${jobs.attemptCount} + 1`, updatedAt: sql`now()` })
    .where(eq(jobs.id, row.jobId));
};

export const finishAttempt = async (
  database: Database,
  key: { attemptId: string; startedAt: Date },
  fields: Partial<NewAttemptRow>,
): Promise<void> => {
  await database.db
    .update(attempts)
    .set(fields)
    .where(and(eq(attempts.attemptId, key.attemptId), eq(attempts.startedAt, key.startedAt)));
};

const closeBatchIfDone = async (database: Database, batchId: string) => {
  await database.pool.query(
    `UPDATE batches SET status = 'done', completed_at = now()
     WHERE id = $1 AND status <> 'done'
       AND NOT EXISTS (SELECT 1 FROM jobs WHERE batch_id = $1 AND state NOT IN ('succeeded', 'review'))`,
    [batchId],
  );
};

/**
 * Stores the accepted answer and marks the job succeeded, in one transaction. A job
 * keeps at most one result (the key), and a terminal job never changes state again.
 */
export const completeJob = async (
  database: Database,
  input: { jobId: string; batchId: string; attemptId: string; tier: string; provider: string; model: string; text: string; answer: unknown; qualityScore: number; simulated: boolean },
): Promise<boolean> => {
  const stored = await database.db.transaction(async (tx) => {
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
      .where(and(eq(jobs.id, input.jobId), notInArray(jobs.state, TERMINAL)));
    return true;
  });
  await closeBatchIfDone(database, input.batchId);
  return stored;
};

/** The job moved to another tier queue, or to review (terminal). */
export const moveJob = async (database: Database, input: { jobId: string; batchId: string; to: string; reason: string }): Promise<void> => {
  const review = input.to === 'review';
  await database.db
    .update(jobs)
    .set({
      state: review ? 'review' : 'queued',
      currentTier: input.to,
      routeReason: input.reason,
      updatedAt: sql`now()`,
      ...(review ? { finishedAt: sql`now()` } : {}),
    })
    .where(and(eq(jobs.id, input.jobId), notInArray(jobs.state, TERMINAL)));
  if (review) await closeBatchIfDone(database, input.batchId);
};

export { TERMINAL as TERMINAL_JOB_STATES };
export const batchById = async (database: Database, batchId: string) =>
  (await database.db.select().from(batches).where(eq(batches.id, batchId)))[0];
