import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * `succeeded`, `review`, `failed` and `rejected` are terminal: a worker never changes them
 * again. Only a person's review decision moves a job out of `review` (accept →
 * `succeeded`, reject → `rejected`, retry → `queued` on a tier).
 */
export type JobState = 'queued' | 'active' | 'succeeded' | 'review' | 'failed' | 'rejected';
export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'review', 'failed', 'rejected'];
/** Terminal states without a result. */
export const NO_RESULT_JOB_STATES: readonly JobState[] = ['review', 'failed', 'rejected'];

/**
 * One analysis or prompt job. The id is deterministic (same input → same id), so a
 * resubmit inserts nothing; an id is unique across batches. `state` moves
 * queued → active → (queued again on escalation) → succeeded | review | failed, and a
 * terminal state never changes again.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: text().primaryKey(),
    batchId: text().notNull(),
    tenant: text().notNull(),
    kind: text().$type<'building' | 'prompt'>().notNull(),
    buildingId: text(),
    sourceId: text(),
    taskType: text().notNull(),
    privacy: text().notNull(),
    complexity: real().notNull(),
    startTier: text().notNull(),
    chain: text().array().notNull(),
    routeReason: text().notNull(),
    state: text().$type<JobState>().notNull().default('queued'),
    currentTier: text(),
    attemptCount: integer().notNull().default(0),
    simulated: boolean().notNull().default(false),
    /** Facts or prompt: stays in our own database. */
    payload: jsonb().notNull(),
    /** SHA-256 of the building's facts (canonical JSON): the response cache's key with `taskType` and `promptVersion`. */
    factsHash: text(),
    /** Prompt template and version the job is asked with, e.g. `building-diagnostic@2`. */
    promptVersion: text(),
    /** Building class for adaptive routing statistics (`buildingClassOf`), e.g. `multi-meter/anomalies`. */
    routeClass: text(),
    /** Adaptive routing moved the start: the fixed start's expected cost minus the chosen start's, integer micro-USD (an estimate from the history). */
    adaptiveSavingMicroUsd: bigint({ mode: 'number' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    index('jobs_batch_state').on(table.batchId, table.state),
    /** The response cache's lookup of kept results. */
    index('jobs_cache_key').on(table.factsHash, table.taskType, table.promptVersion).where(sql`${table.state} = 'succeeded'`),
    /** The reconciler's scan of jobs that are not terminal yet. */
    index('jobs_open').on(table.currentTier, table.id).where(sql`${table.state} NOT IN ('succeeded', 'review', 'failed', 'rejected')`),
  ],
);

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;
