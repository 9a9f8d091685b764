import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Circuit breakers, 429 pauses and rate-limit windows per provider (`@eaio/queues`
 * provider guard), used when the queues run on PostgreSQL. Key: `<namespace>:<provider>`.
 */
export const providerGuardStates = pgTable('provider_guard_states', {
  key: text().primaryKey(),
  state: jsonb().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type ProviderGuardStateRow = typeof providerGuardStates.$inferSelect;
