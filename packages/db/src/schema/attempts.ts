import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp } from 'drizzle-orm/pg-core';
import { callColumns, tokenColumns } from './call-columns';

/** What became of a provider call. `started` until it ends; `abandoned` when its worker vanished. */
/** Why an attempt re-asked the tier it was on (see `attempts.repair_kind`). */
export type AttemptRepairKind = 'gate' | 'format';

export type AttemptOutcome = 'started' | 'passed' | 'failed-gate' | 'error' | 'abandoned';

/**
 * Every provider call. The attempt id (the idempotency key, minted before the call) and
 * `started_at` form the key, so that TimescaleDB can make this a hypertable on
 * `started_at` (every unique index of a hypertable must hold its time column). That an
 * attempt id is stored only once is enforced by `attempt_keys` (see `recordAttempt`),
 * and one spend row per id by `spend_ledger`. Token counts: null = not reported.
 */
export const attempts = pgTable(
  'attempts',
  {
    attemptId: text().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    ...callColumns(),
    finishedAt: timestamp({ withTimezone: true }),
    latencyMs: integer(),
    ttftMs: integer(),
    ...tokenColumns(),
    costMicroUsd: bigint({ mode: 'number' }).notNull().default(0),
    reservedMicroUsd: bigint({ mode: 'number' }).notNull().default(0),
    priceVersion: text(),
    qualityScore: real(),
    qualityChecks: jsonb(),
    /** The answer as the provider returned it (answered calls only): what the review desk shows and may accept. */
    answerText: text(),
    outcome: text().$type<AttemptOutcome>().notNull(),
    errorKind: text(),
    errorMessage: text(),
    finishReason: text(),
    requestId: text(),
    simulated: boolean().notNull().default(false),
    /** `gate`: re-asks the same tier with what the gate found; `format`: re-asks a local model in its JSON mode; null: a tier's first answer. */
    repairKind: text().$type<AttemptRepairKind>(),
    /** The attempt whose answer this one repairs. */
    repairOf: text(),
  },
  (table) => [
    primaryKey({ columns: [table.attemptId, table.startedAt] }),
    index('attempts_started_at').on(table.startedAt),
    index('attempts_job').on(table.jobId),
    index('attempts_batch').on(table.batchId),
    /** The reconciler's scan for attempts still `started` (orphans of a vanished worker). */
    index('attempts_open').on(table.startedAt).where(sql`${table.outcome} = 'started'`),
  ],
);

export type AttemptRow = typeof attempts.$inferSelect;
export type NewAttemptRow = typeof attempts.$inferInsert;
