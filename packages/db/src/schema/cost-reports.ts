import { bigint, date, doublePrecision, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Daily rollup of attempts kept by the nightly report job (plain Postgres path). */
export const costReportRollup = pgTable(
  'cost_report_rollup',
  {
    day: date().notNull(),
    provider: text().notNull(),
    model: text().notNull(),
    tier: text().notNull(),
    tenant: text().notNull(),
    calls: bigint({ mode: 'number' }).notNull(),
    inputTokens: bigint({ mode: 'number' }).notNull(),
    outputTokens: bigint({ mode: 'number' }).notNull(),
    cachedInputTokens: bigint({ mode: 'number' }).notNull(),
    cacheWriteTokens: bigint({ mode: 'number' }).notNull(),
    reasoningTokens: bigint({ mode: 'number' }).notNull(),
    costMicroUsd: bigint({ mode: 'number' }).notNull(),
    latencySumMs: bigint({ mode: 'number' }).notNull(),
    latencyCount: bigint({ mode: 'number' }).notNull(),
    p95LatencyMs: doublePrecision(),
    passed: bigint({ mode: 'number' }).notNull(),
    gated: bigint({ mode: 'number' }).notNull(),
    escalations: bigint({ mode: 'number' }).notNull(),
    /** Calls that ended in a provider error. */
    errors: bigint({ mode: 'number' }).notNull().default(0),
    /** Calls whose worker vanished. */
    abandoned: bigint({ mode: 'number' }).notNull().default(0),
    /** Calls still in flight when the day was rolled up. */
    started: bigint({ mode: 'number' }).notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.provider, table.model, table.tier, table.tenant] })],
);

/** Which days the rollup holds, per report time zone. */
export const costReportDays = pgTable(
  'cost_report_days',
  {
    day: date().notNull(),
    timezone: text().notNull(),
    rolledUpAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.day, table.timezone] })],
);

/** Every generated report, as stored summary + rows + Markdown. */
export const costReports = pgTable(
  'cost_reports',
  {
    reportDate: date().notNull(),
    timezone: text().notNull(),
    generatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    priceVersion: text().notNull(),
    summary: jsonb().notNull(),
    rows: jsonb().notNull(),
    markdown: text().notNull(),
  },
  (table) => [primaryKey({ columns: [table.reportDate, table.timezone] })],
);

export type CostReportRollupRow = typeof costReportRollup.$inferSelect;
export type CostReportRow = typeof costReports.$inferSelect;
