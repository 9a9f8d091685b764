import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * queued (waiting to be sent in a provider batch) | submitted (in provider batch
 * `providerBatchId`) | done (answered; `result`) | errored (the provider answered an error;
 * `error`) | fallback (the deadline came close first: the job calls interactively) |
 * cancelled (`eaio cancel`).
 */
export type ProviderBatchItemStatus = 'queued' | 'submitted' | 'done' | 'errored' | 'fallback' | 'cancelled';

/**
 * One api call of a deadline batch sent through a provider batch endpoint (OpenAI Batch API,
 * Anthropic Message Batches), keyed by the attempt id that is also its `custom_id`. The
 * attempt row and the spend reservation are written before it; the job waits (delayed) until
 * the item is answered, falls back or is cancelled.
 */
export const providerBatchItems = pgTable(
  'provider_batch_items',
  {
    attemptId: text().primaryKey(),
    jobId: text().notNull(),
    batchId: text().notNull(),
    /** BullMQ job id in the api queue (promoted when the item ends). */
    queueJobId: text().notNull(),
    tier: text().notNull(),
    provider: text().notNull(),
    endpoint: text().notNull(),
    model: text().notNull(),
    /** The chat request as it leaves (anonymised for ENHANCED jobs). */
    request: jsonb().notNull(),
    deadline: timestamp({ withTimezone: true }).notNull(),
    status: text().$type<ProviderBatchItemStatus>().notNull().default('queued'),
    providerBatchId: text(),
    /** The normalized answer (`ChatResult`) once done. */
    result: jsonb(),
    error: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    submittedAt: timestamp({ withTimezone: true }),
    endedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    index('provider_batch_items_status').on(table.status),
    index('provider_batch_items_provider_batch').on(table.providerBatchId),
    index('provider_batch_items_batch').on(table.batchId),
  ],
);

export type ProviderBatchItemRow = typeof providerBatchItems.$inferSelect;
