import { listEgress, type EgressAuditRow } from '@eaio/db';
import type { Runtime } from '../runtime';

export const AUDIT_FORMATS = ['csv', 'jsonl'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

const COLUMNS = [
  'sent_at',
  'attempt_id',
  'request_seq',
  'job_id',
  'batch_id',
  'tenant',
  'privacy',
  'tier',
  'provider',
  'endpoint',
  'model',
  'method',
  'url',
  'fields_sent',
  'body_sha256',
  'body_bytes',
] as const;

const record = (row: EgressAuditRow) => ({
  sent_at: row.sentAt.toISOString(),
  attempt_id: row.attemptId,
  request_seq: row.requestSeq,
  job_id: row.jobId,
  batch_id: row.batchId,
  tenant: row.tenant,
  privacy: row.privacy,
  tier: row.tier,
  provider: row.provider,
  endpoint: row.endpoint,
  model: row.model,
  method: row.method,
  url: row.url,
  fields_sent: row.fieldsSent,
  body_sha256: row.bodySha256,
  body_bytes: row.bodyBytes,
});

const csvCell = (value: unknown): string => {
  const text = Array.isArray(value) ? value.join('; ') : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Parses `--since`: an ISO date or date-time (a bare date is midnight UTC). */
export const parseSince = (text: string | undefined): Date | undefined => {
  if (text === undefined) return undefined;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) throw new Error(`--since must be a date such as 2026-11-22 or 2026-11-22T08:00:00Z (got "${text}")`);
  return date;
};

/**
 * `eaio audit`: every request sent to a non-local endpoint (the `egress_audit` table,
 * `AUDIT_ALL_API_CALLS`), oldest first, as CSV (header + one line per request; fields
 * sent joined by "; ") or JSONL. Streams a page at a time. Returns the rows written.
 */
export const runAudit = async (runtime: Runtime, options: { batch?: string; since?: string; format?: string }, out: NodeJS.WritableStream = process.stdout): Promise<number> => {
  const format = (options.format ?? 'csv') as AuditFormat;
  if (!AUDIT_FORMATS.includes(format)) throw new Error(`--format must be csv or jsonl (got "${options.format}")`);
  const filter = { batchId: options.batch, since: parseSince(options.since) };
  if (format === 'csv') out.write(`${COLUMNS.join(',')}\n`);
  let written = 0;
  let after: { sentAt: Date; attemptId: string; requestSeq: number } | undefined;
  for (;;) {
    const rows = await listEgress(runtime.database, filter, { limit: 500, after });
    for (const row of rows) {
      const line = record(row);
      out.write(format === 'csv' ? `${COLUMNS.map((column) => csvCell(line[column])).join(',')}\n` : `${JSON.stringify(line)}\n`);
      written += 1;
    }
    if (rows.length < 500) break;
    const last = rows[rows.length - 1];
    after = { sentAt: last.sentAt, attemptId: last.attemptId, requestSeq: last.requestSeq };
  }
  if (!runtime.config.privacy.auditApiCalls) runtime.log.warn('AUDIT_ALL_API_CALLS is off: requests sent while it was off are not in the audit');
  return written;
};
