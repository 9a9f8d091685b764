import { integer, text } from 'drizzle-orm/pg-core';

/**
 * Columns that say which provider call a row is about, shared by `attempts`,
 * `spend_ledger` and `budget_reservations` (fresh builders on every call, as drizzle needs).
 */
export const callColumns = () => ({
  jobId: text().notNull(),
  batchId: text().notNull(),
  tenant: text().notNull(),
  tier: text().notNull(),
  provider: text().notNull(),
  endpoint: text().notNull(),
  model: text().notNull(),
});

/** Token counts by kind as the provider reported them; null = not reported. */
export const tokenColumns = () => ({
  inputTokens: integer(),
  outputTokens: integer(),
  cachedInputTokens: integer(),
  cacheWriteTokens: integer(),
  reasoningTokens: integer(),
});
