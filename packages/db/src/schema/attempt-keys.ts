import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per attempt id ever minted. `attempts` is keyed by (attempt_id, started_at) so
 * that TimescaleDB can partition it by `started_at` (every unique index of a hypertable
 * must hold the time column); that key alone would let a replayed attempt id with a new
 * clock reading in twice. This small plain table holds the id alone as its key, and
 * remembers the `started_at` the attempt row was stored under, so a replay finds and
 * finishes the first row instead of adding a second.
 */
export const attemptKeys = pgTable('attempt_keys', {
  attemptId: text().primaryKey(),
  startedAt: timestamp({ withTimezone: true }).notNull(),
  jobId: text().notNull(),
});

export type AttemptKeyRow = typeof attemptKeys.$inferSelect;
