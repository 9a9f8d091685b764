import { boolean, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The last health check of each local inference host, shared by every worker process when
 * the queues run on PostgreSQL (Redis keys otherwise): a host is checked at most once per
 * interval whatever the number of processes. `claimed_until`: a check is under way.
 */
export const hostHealth = pgTable('host_health', {
  host: text().primaryKey(),
  ok: boolean().notNull(),
  models: jsonb().$type<string[]>().notNull().default([]),
  latencyMs: integer(),
  error: text(),
  checkedAt: timestamp({ withTimezone: true }),
  claimedUntil: timestamp({ withTimezone: true }),
});

export type HostHealthRow = typeof hostHealth.$inferSelect;
