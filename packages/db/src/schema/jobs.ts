import { index, integer, jsonb, pgTable, real, boolean, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One analysis or prompt job. The id is deterministic (same input → same id), so a
 * resubmit inserts nothing. `state` moves queued → active → succeeded | review and a
 * terminal state never changes again.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: text().primaryKey(),
    batchId: text().notNull(),
    tenant: text().notNull(),
    /** building | prompt */
    kind: text().notNull(),
    buildingId: text(),
    sourceId: text(),
    taskType: text().notNull(),
    privacy: text().notNull(),
    complexity: real().notNull(),
    startTier: text().notNull(),
    chain: text().array().notNull(),
    routeReason: text().notNull(),
    /** queued | active | succeeded | review */
    state: text().notNull().default('queued'),
    currentTier: text(),
    attemptCount: integer().notNull().default(0),
    simulated: boolean().notNull().default(false),
    /** Facts or prompt: stays in our own database. */
    payload: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (table) => [index('jobs_batch_state').on(table.batchId, table.state)],
);

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;
