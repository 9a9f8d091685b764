import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { callColumns, tokenColumns } from './call-columns';

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
    ...callColumns(),
    kind: text().$type<SpendKind>().notNull(),
    ...tokenColumns(),
    costMicroUsd: bigint({ mode: 'number' }).notNull(),
    reservedMicroUsd: bigint({ mode: 'number' }).notNull(),
    priceVersion: text().notNull(),
    pricedAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('spend_ledger_priced_at').on(table.pricedAt), index('spend_ledger_batch').on(table.batchId)],
);

export type SpendLedgerRow = typeof spendLedger.$inferSelect;
