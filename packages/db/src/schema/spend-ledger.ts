import { bigint, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export type SpendKind = 'billed' | 'unbilled' | 'unknown' | 'abandoned';

/**
 * Exactly one row per provider call that may cost money, keyed by attempt id.
 * `kind`: billed (usage known) | unbilled (provider answered an error status, $0) |
 * unknown (timeout/abort: worst case) | abandoned (worker vanished: worst case).
 */
export const spendLedger = pgTable(
  'spend_ledger',
  {
    attemptId: text().primaryKey(),
    jobId: text().notNull(),
    batchId: text().notNull(),
    tenant: text().notNull(),
    tier: text().notNull(),
    provider: text().notNull(),
    endpoint: text().notNull(),
    model: text().notNull(),
    kind: text().$type<SpendKind>().notNull(),
    inputTokens: integer(),
    outputTokens: integer(),
    cachedInputTokens: integer(),
    cacheWriteTokens: integer(),
    reasoningTokens: integer(),
    costMicroUsd: bigint({ mode: 'number' }).notNull(),
    reservedMicroUsd: bigint({ mode: 'number' }).notNull(),
    priceVersion: text().notNull(),
    pricedAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('spend_ledger_priced_at').on(table.pricedAt), index('spend_ledger_batch').on(table.batchId)],
);

export type SpendLedgerRow = typeof spendLedger.$inferSelect;
