import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { callColumns } from './call-columns';

/**
 * `open` while held; `settled` (a ledger row was written), `released` (no call was made)
 * or `abandoned` (expired: charged the worst case, corrected if the worker settles later).
 */
export type ReservationStatus = 'open' | 'settled' | 'released' | 'abandoned';

/** A counter a reservation holds money on. */
export interface BudgetCounterKey {
  /** e.g. `global`, `provider:openai`, `tenant:acme` */
  scope: string;
  /** e.g. `day:2026-11-23`, `month:2026-11` */
  period: string;
}

/**
 * Worst-case holds taken before API calls, one per attempt id (the key); settled,
 * released or abandoned exactly once.
 */
export const budgetReservations = pgTable(
  'budget_reservations',
  {
    attemptId: text().primaryKey(),
    ...callColumns(),
    amountMicroUsd: bigint({ mode: 'number' }).notNull(),
    /** The counters this reservation holds. */
    counterKeys: jsonb().$type<BudgetCounterKey[]>().notNull(),
    price: jsonb().notNull(),
    priceVersion: text().notNull(),
    pricedAt: timestamp({ withTimezone: true }).notNull(),
    status: text().$type<ReservationStatus>().notNull().default('open'),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    closedAt: timestamp({ withTimezone: true }),
    /** o200k tokens of the prompt as sent (schema included); with the ledger's `input_tokens` it calibrates later estimates. */
    promptTokensCounted: integer(),
    /** Prompt tokens the reservation was priced at (after factor and margin, or the byte bound). */
    promptTokensReserved: integer(),
  },
  (table) => [
    index('budget_reservations_open').on(table.expiresAt).where(sql`status = 'open'`),
    index('budget_reservations_calibration').on(table.provider, table.model, table.closedAt).where(sql`status = 'settled' AND prompt_tokens_counted IS NOT NULL`),
  ],
);

/**
 * Spent and reserved money per budget scope (global / provider / tenant) and period
 * (day / month), with the cap (null = uncapped). Holding money is one conditional
 * UPDATE per counter: `reserved += a WHERE cap IS NULL OR spent + reserved + a <= cap`.
 */
export const budgetCounters = pgTable(
  'budget_counters',
  {
    scope: text().notNull(),
    period: text().notNull(),
    spentMicroUsd: bigint({ mode: 'number' }).notNull().default(0),
    reservedMicroUsd: bigint({ mode: 'number' }).notNull().default(0),
    capMicroUsd: bigint({ mode: 'number' }),
    /** Set when a settlement pushed spent + reserved past the cap: no new reservations until the period ends or the cap rises above `closedCapMicroUsd`. */
    closedAt: timestamp({ withTimezone: true }),
    closedCapMicroUsd: bigint({ mode: 'number' }),
  },
  (table) => [primaryKey({ columns: [table.scope, table.period] })],
);

/** One row per counter a settlement pushed past its cap (the call cost more than was reserved). */
export const budgetOvershoots = pgTable(
  'budget_overshoots',
  {
    attemptId: text().notNull(),
    scope: text().notNull(),
    period: text().notNull(),
    capMicroUsd: bigint({ mode: 'number' }).notNull(),
    /** Counter after the settlement. */
    spentMicroUsd: bigint({ mode: 'number' }).notNull(),
    reservedMicroUsd: bigint({ mode: 'number' }).notNull(),
    /** spent + reserved − cap. */
    overMicroUsd: bigint({ mode: 'number' }).notNull(),
    /** What the reservation held, and what the call cost. */
    heldMicroUsd: bigint({ mode: 'number' }).notNull(),
    costMicroUsd: bigint({ mode: 'number' }).notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.attemptId, table.scope, table.period] })],
);
export type BudgetOvershootRow = typeof budgetOvershoots.$inferSelect;

export type BudgetReservationRow = typeof budgetReservations.$inferSelect;
export type NewBudgetReservationRow = typeof budgetReservations.$inferInsert;
export type BudgetCounterRow = typeof budgetCounters.$inferSelect;

/** One alert per scope and period, across all processes. */
export const budgetAlerts = pgTable(
  'budget_alerts',
  {
    scope: text().notNull(),
    period: text().notNull(),
    usedShare: doublePrecision().notNull(),
    firedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.scope, table.period] })],
);
