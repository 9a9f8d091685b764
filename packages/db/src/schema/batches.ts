import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One submission: a set of jobs from the same input files and options. */
export const batches = pgTable('batches', {
  id: text().primaryKey(),
  tenant: text().notNull(),
  name: text().notNull(),
  /** Input files, format, options (paths and digests, never file contents). */
  source: jsonb().notNull(),
  /** open | done (done once `openJobs` is 0) */
  status: text().notNull().default('open'),
  jobCount: integer().notNull().default(0),
  /**
   * Jobs of the batch not yet terminal. Raised by intake for each new job, lowered in the
   * transaction that ends a job; the batch is `done` when it reaches 0 (no race between
   * jobs finishing at once, see migration 0002).
   */
  openJobs: integer().notNull().default(0),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  completedAt: timestamp({ withTimezone: true }),
  /** `eaio submit --deadline`: api work may go through provider batch endpoints until shortly before it (migration 0011). */
  deadline: timestamp({ withTimezone: true }),
  /** Set by `eaio cancel` (migration 0011). */
  cancelledAt: timestamp({ withTimezone: true }),
});

export type BatchRow = typeof batches.$inferSelect;
export type NewBatchRow = typeof batches.$inferInsert;
