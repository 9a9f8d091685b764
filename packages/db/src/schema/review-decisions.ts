import { bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** What a person decided about a job waiting in review. */
export type ReviewDecisionKind = 'accept' | 'reject' | 'retry';

/**
 * Every decision of the review desk (migration 0006): accept an attempt's answer (it
 * becomes the job's result, marked reviewed), reject (terminal `rejected`, no result), or
 * retry on a tier. `decidedBy` is the name of the board token used, or `cli`.
 */
export const reviewDecisions = pgTable(
  'review_decisions',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    jobId: text().notNull(),
    batchId: text().notNull(),
    decision: text().$type<ReviewDecisionKind>().notNull(),
    /** The accepted attempt (accept only). */
    attemptId: text(),
    /** The tier the job was sent back to (retry only). */
    tier: text(),
    decidedBy: text().notNull(),
    reason: text().notNull(),
    decidedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('review_decisions_job').on(table.jobId, table.decidedAt)],
);

export type ReviewDecisionRow = typeof reviewDecisions.$inferSelect;
