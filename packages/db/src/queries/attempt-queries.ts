import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../create-db';
import { attemptKeys, attempts, jobs, type NewAttemptRow } from '../schema';

export interface RecordedAttempt {
  /** False when this attempt id was already stored (a replay): nothing was written. */
  inserted: boolean;
  /** The `started_at` the attempt row is stored under (the first one, on a replay). */
  startedAt: Date;
}

/**
 * Records a provider call before it is made. Idempotent on the attempt id: the id is
 * claimed in `attempt_keys` first, and only the first claim writes the `attempts` row
 * and counts the attempt on its job, all in one transaction.
 */
export const recordAttempt = async (database: Database, row: NewAttemptRow): Promise<RecordedAttempt> =>
  database.db.transaction(async (tx) => {
    const claimed = await tx
      .insert(attemptKeys)
      .values({ attemptId: row.attemptId, startedAt: row.startedAt, jobId: row.jobId })
      .onConflictDoNothing()
      .returning({ startedAt: attemptKeys.startedAt });
    if (claimed.length === 0) {
      const [stored] = await tx.select({ startedAt: attemptKeys.startedAt }).from(attemptKeys).where(eq(attemptKeys.attemptId, row.attemptId));
      return { inserted: false, startedAt: stored.startedAt };
    }
    await tx.insert(attempts).values(row).onConflictDoNothing();
    await tx
      .update(jobs)
      .set({ attemptCount: sql`${jobs.attemptCount} + 1`, updatedAt: sql`now()` })
      .where(eq(jobs.id, row.jobId));
    return { inserted: true, startedAt: claimed[0].startedAt };
  });

/** @deprecated Use {@link recordAttempt}. */
export const insertAttemptStart = recordAttempt;

/** Outcomes a finish may overwrite: the first real ending wins, later replays change nothing. */
const OPEN_OUTCOMES = ['started', 'abandoned'] as const;

/**
 * Writes how an attempt ended. The row is found through `attempt_keys` (a replay that
 * minted a new `started_at` still finds the first row); `key.startedAt` is not needed.
 * Only a `started` or `abandoned` attempt is updated. Returns whether a row changed.
 */
export const finishAttempt = async (
  database: Database,
  key: { attemptId: string; startedAt?: Date },
  fields: Partial<Omit<NewAttemptRow, 'attemptId' | 'startedAt'>>,
): Promise<boolean> => {
  const [stored] = await database.db
    .select({ startedAt: attemptKeys.startedAt })
    .from(attemptKeys)
    .where(eq(attemptKeys.attemptId, key.attemptId));
  if (!stored) return false;
  const updated = await database.db
    .update(attempts)
    .set(fields)
    .where(
      and(eq(attempts.attemptId, key.attemptId), eq(attempts.startedAt, stored.startedAt), inArray(attempts.outcome, [...OPEN_OUTCOMES])),
    )
    .returning({ attemptId: attempts.attemptId });
  return updated.length > 0;
};

/**
 * Marks attempts still `started` that began before `startedBefore` as `abandoned` (their
 * worker vanished). A worker that comes back can still finish them. Returns how many.
 */
export const abandonStaleAttempts = async (database: Database, startedBefore: Date): Promise<number> => {
  const updated = await database.db
    .update(attempts)
    .set({ outcome: 'abandoned', finishedAt: sql`now()` })
    .where(and(eq(attempts.outcome, 'started'), lt(attempts.startedAt, startedBefore)))
    .returning({ attemptId: attempts.attemptId });
  return updated.length;
};
