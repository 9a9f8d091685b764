import { boolean, jsonb, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core';

/** The accepted answer of a job: at most one per job (the key). */
export const results = pgTable('results', {
  jobId: text().primaryKey(),
  attemptId: text().notNull(),
  batchId: text().notNull(),
  tier: text().notNull(),
  provider: text().notNull(),
  model: text().notNull(),
  answer: jsonb(),
  text: text().notNull(),
  qualityScore: real().notNull(),
  simulated: boolean().notNull().default(false),
  /** Kept by a person at the review desk (see `review_decisions`), not by the gate. */
  reviewed: boolean().notNull().default(false),
  /** The job whose kept result this one reuses (response cache): this job made no call. */
  cachedFrom: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type ResultRow = typeof results.$inferSelect;
