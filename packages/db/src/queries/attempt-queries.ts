import { and, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../create-db';
import { attempts, type NewAttemptRow } from '../schema';
import { finishAttemptStatement, recordAttemptStatement } from './hot-path-queries';

export interface RecordedAttempt {
  /** False when this attempt id was already stored (a replay): nothing was written. */
  inserted: boolean;
  /** The `started_at` the attempt row is stored under (the first one, on a replay). */
  startedAt: Date;
}

/**
 * Records a provider call before it is made. Idempotent on the attempt id: the id is
 * claimed in `attempt_keys`, and only the first claim writes the `attempts` row, counts
 * the attempt on its job: one statement (see `recordAttemptStatement`; the workers' store
 * also marks the job `active` in it).
 */
export const recordAttempt = (database: Database, row: NewAttemptRow): Promise<RecordedAttempt> => recordAttemptStatement(database, row);

/** @deprecated Use {@link recordAttempt}. */
export const insertAttemptStart = recordAttempt;

/**
 * Writes how an attempt ended. The row is found through `attempt_keys` (a replay that
 * minted a new `started_at` still finds the first row); `key.startedAt` is not needed.
 * Only a `started` or `abandoned` attempt is updated (one statement). Returns whether a row changed.
 */
export const finishAttempt = (
  database: Database,
  key: { attemptId: string; startedAt?: Date },
  fields: Partial<Omit<NewAttemptRow, 'attemptId' | 'startedAt'>>,
): Promise<boolean> => finishAttemptStatement(database, key.attemptId, fields);

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
