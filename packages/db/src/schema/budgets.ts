import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Worst-case holds taken before API calls; settled, released or abandoned exactly once. */
export const budgetReservations = pgTable(
  'budget_reservations',
  {
    attemptId: text().primaryKey(),
    jobId: text().notNull(),
    batchId: text().notNull(),
    tenant: text().notNull(),
    tier: text().notNull(),
    provider: text().notNull(),
    endpoint: text().notNull(),
    model: text().notNull(),
    amountMicroUsd: bigint({ mode: 'number' }).notNull(),
    /** The counters this reservation holds: [{ scope, period }]. */
    counterKeys: jsonb().notNull(),
    price: jsonb().notNull(),
    priceVersion: text().notNull(),
    pricedAt: timestamp({ withTimezone: true }).notNull(),
    /** open | settled | released | abandoned */
    status: text().notNull().default('open'),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    closedAt: timestamp({ withTimezone: true }),
  },
  (table) => [index('budget_reservations_open').on(table.expiresAt).where(sql`status = 'open'`)],
);

/** Spent and reserved money per budget scope (global / provider / tenant) and period (day / month). */
export const budgetCounters = pgTable(
  'budget_counters',
  {
    scope: text().notNull(),
    period: text().notNull(),
    spentMicroUsd: bigint({ mode: 'number' }).notNull().default(0),
    reservedMicroUsd: bigint({ mode: 'number' }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.scope, table.period] })],
);

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
