import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
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
  },
  (table) => [index('budget_reservations_open').on(table.expiresAt).where(sql`status = 'open'`)],
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
  },
  (table) => [primaryKey({ columns: [table.scope, table.period] })],
);

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
