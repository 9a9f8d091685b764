import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * One row per HTTP request a worker sent to a non-local endpoint (`AUDIT_ALL_API_CALLS`),
 * written before the request leaves: which attempt and job, whose data (tenant, privacy),
 * where it went, which fields of the building it carried and how (`building.id (pseudonym)`),
 * and the SHA-256 and size of the body exactly as sent. Read with `eaio audit`.
 */
export const egressAudit = pgTable(
  'egress_audit',
  {
    attemptId: text().notNull(),
    /** 1, 2, … per attempt (an SDK could send more than one request for one call). */
    requestSeq: integer().notNull(),
    jobId: text().notNull(),
    batchId: text().notNull(),
    tenant: text().notNull(),
    privacy: text().notNull(),
    tier: text().notNull(),
    provider: text().notNull(),
    endpoint: text().notNull(),
    model: text().notNull(),
    method: text().notNull(),
    /** Scheme, host and path (no query string). */
    url: text().notNull(),
    fieldsSent: jsonb().$type<string[]>().notNull(),
    bodySha256: text().notNull(),
    bodyBytes: integer().notNull(),
    sentAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.attemptId, table.requestSeq] }), index('egress_audit_sent_at').on(table.sentAt), index('egress_audit_batch').on(table.batchId)],
);

export type EgressAuditRow = typeof egressAudit.$inferSelect;
export type NewEgressAuditRow = typeof egressAudit.$inferInsert;
