import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Leased in-flight slots per local inference host (used when the queues run on PostgreSQL). */
export const hostSlotLeases = pgTable(
  'host_slot_leases',
  {
    leaseId: text().primaryKey(),
    host: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [index('host_slot_leases_host').on(table.host)],
);

export type HostSlotLeaseRow = typeof hostSlotLeases.$inferSelect;
