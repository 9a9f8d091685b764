import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every provider call. The attempt id (`<bull job id>#<delivery>`) is minted before the
 * call; `started_at` is part of the key so that TimescaleDB can make this a hypertable
 * (every unique index of a hypertable must hold its time column). An attempt id is
 * unique by construction, and a spend row per id is enforced by `spend_ledger`.
 */
export const attempts = pgTable(
  'attempts',
  {
    attemptId: text().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    jobId: text().notNull(),
    batchId: text().notNull(),
    tenant: text().notNull(),
    tier: text().notNull(),
    provider: text().notNull(),
    endpoint: text().notNull(),
    model: text().notNull(),
    finishedAt: timestamp({ withTimezone: true }),
    latencyMs: integer(),
    ttftMs: integer(),
    inputTokens: integer(),
    outputTokens: integer(),
    cachedInputTokens: integer(),
    cacheWriteTokens: integer(),
    reasoningTokens: integer(),
    costMicroUsd: bigint({ mode: 'number' }).notNull().default(0),
    reservedMicroUsd: bigint({ mode: 'number' }).notNull().default(0),
    priceVersion: text(),
    qualityScore: real(),
    qualityChecks: jsonb(),
    /** started | passed | failed-gate | error */
    outcome: text().notNull(),
    errorKind: text(),
    errorMessage: text(),
    finishReason: text(),
    requestId: text(),
    simulated: boolean().notNull().default(false),
  },
  (table) => [
    primaryKey({ columns: [table.attemptId, table.startedAt] }),
    index('attempts_started_at').on(table.startedAt),
    index('attempts_job').on(table.jobId),
  ],
);

export type AttemptRow = typeof attempts.$inferSelect;
export type NewAttemptRow = typeof attempts.$inferInsert;
