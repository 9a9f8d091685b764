import { and, asc, eq, gte, sql } from 'drizzle-orm';
import type { Database } from '../create-db';
import { egressAudit, type EgressAuditRow, type NewEgressAuditRow } from '../schema';

/**
 * Records one outgoing request before it is sent. The request's number within its
 * attempt is taken in the same statement, so two requests of one call get 1 and 2.
 */
export const recordEgress = async (database: Database, row: Omit<NewEgressAuditRow, 'requestSeq'>): Promise<void> => {
  await database.db.insert(egressAudit).values({
    ...row,
    requestSeq: sql`(SELECT coalesce(max(request_seq), 0) + 1 FROM egress_audit WHERE attempt_id = ${row.attemptId})`,
  });
};

export interface EgressAuditFilter {
  batchId?: string;
  since?: Date;
}

/** Audit rows oldest first, a page at a time (`afterKey` = the last row of the previous page). */
export const listEgress = async (
  database: Database,
  filter: EgressAuditFilter,
  page: { limit: number; after?: { sentAt: Date; attemptId: string; requestSeq: number } },
): Promise<EgressAuditRow[]> => {
  const conditions = [
    filter.batchId === undefined ? undefined : eq(egressAudit.batchId, filter.batchId),
    filter.since === undefined ? undefined : gte(egressAudit.sentAt, filter.since),
    page.after === undefined
      ? undefined
      : sql`(${egressAudit.sentAt}, ${egressAudit.attemptId}, ${egressAudit.requestSeq}) > (${page.after.sentAt.toISOString()}::timestamptz, ${page.after.attemptId}, ${page.after.requestSeq})`,
  ].filter((condition) => condition !== undefined);
  return database.db
    .select()
    .from(egressAudit)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(asc(egressAudit.sentAt), asc(egressAudit.attemptId), asc(egressAudit.requestSeq))
    .limit(page.limit);
};
