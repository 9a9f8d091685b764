import { createHash } from 'node:crypto';
import type { BatchApiConfig } from '@eaio/core';
import type { Database } from '@eaio/db';
import type { BatchClient, BatchItemOutcome, ChatRequest, ChatResult, EndpointConfig } from '@eaio/providers';
import type { PipelineJobData } from '@eaio/queues';
import type { ModelChoice } from './pipeline-ports';

/**
 * The batch lane: api calls of deadline batches (`eaio submit --deadline`) sent through the
 * providers' batch endpoints (OpenAI Batch API, Anthropic Message Batches) at their batch
 * price. A worker reserves the call (batch price, held until the deadline), writes its
 * attempt row, then `enqueue`s the request here and parks the job (delayed); `tick` sends
 * what is queued as provider batches, polls them, stores each answer by custom id (the
 * attempt id) and promotes the job, whose next delivery gates the answer like any other
 * (`resume`). Close to the deadline (`fallbackMarginSec`) a provider batch still running is
 * cancelled and its unanswered jobs call interactively; `eaio cancel` cancels them for good.
 */

export interface BatchLaneOptions {
  database: Database;
  config: BatchApiConfig;
  /** The batch client of an endpoint (`undefined`: it has no batch endpoint). */
  clientFor(endpointId: string): BatchClient | undefined;
  /** The configured endpoints (to rebuild a parked call's choice). */
  endpoints: EndpointConfig[];
  /** Moves a parked job (api queue job id) to waiting, so its next delivery reads its item. */
  promote(queueJobId: string): Promise<void>;
  now?: () => Date;
  log: { info: (obj: object, msg?: string) => void; warn: (obj: object, msg?: string) => void };
}

export type BatchItemStatus = 'queued' | 'submitted' | 'done' | 'errored' | 'fallback' | 'cancelled';

export interface BatchItem {
  attemptId: string;
  jobId: string;
  batchId: string;
  queueJobId: string;
  provider: string;
  endpoint: string;
  model: string;
  deadline: Date;
  status: BatchItemStatus;
  providerBatchId: string | null;
  result: ChatResult | null;
  error: string | null;
  createdAt: Date;
}

export interface BatchLane {
  readonly config: BatchApiConfig;
  /** Whether this call may go through a batch endpoint: a deadline far enough away, an endpoint with a batch API, a batch not cancelled. */
  eligible(data: PipelineJobData, choice: ModelChoice): Promise<{ ok: true; deadline: Date; priceShare: number } | { ok: false; reason: string }>;
  /** Queues one call (its attempt row and reservation are written). */
  enqueue(item: { attemptId: string; data: PipelineJobData; queueJobId: string; choice: ModelChoice; request: ChatRequest; deadline: Date }): Promise<void>;
  item(attemptId: string): Promise<BatchItem | undefined>;
  /** A queued call past its fallback moment that no lane sent: `fallback` (the item as it is now either way). */
  fallBackIfUnsent(attemptId: string): Promise<BatchItem | undefined>;
  /** The configured endpoint of an id. */
  endpoint(endpointId: string): EndpointConfig | undefined;
  /** Sends queued calls, polls provider batches, falls back near deadlines, carries out cancellations. One pass. */
  tick(): Promise<{ submitted: number; ended: number; fellBack: number; cancelled: number }>;
  /** Runs `tick` every `pollSec` (and once now) until stopped. */
  start(): () => Promise<void>;
}

/** The request as it is kept (and sent): no signal, hook or timeout. */
const storable = (request: ChatRequest): Omit<ChatRequest, 'signal' | 'beforeSend' | 'timeoutMs'> => {
  const { signal: _signal, beforeSend: _beforeSend, timeoutMs: _timeout, ...rest } = request;
  return rest;
};

type Row = Record<string, unknown>;
const itemOf = (row: Row): BatchItem => ({
  attemptId: row.attempt_id as string,
  jobId: row.job_id as string,
  batchId: row.batch_id as string,
  queueJobId: row.queue_job_id as string,
  provider: row.provider as string,
  endpoint: row.endpoint as string,
  model: row.model as string,
  deadline: row.deadline as Date,
  status: row.status as BatchItemStatus,
  providerBatchId: (row.provider_batch_id as string | null) ?? null,
  result: (row.result as ChatResult | null) ?? null,
  error: (row.error as string | null) ?? null,
  createdAt: row.created_at as Date,
});

/** SHA-256 and size of one batch line as the lane will send it (for the egress audit). */
export const batchLineDigest = (customId: string, request: ChatRequest): { bodySha256: string; bodyBytes: number } => {
  const line = Buffer.from(JSON.stringify({ custom_id: customId, request: storable(request) }));
  return { bodySha256: createHash('sha256').update(line).digest('hex'), bodyBytes: line.length };
};

export const createBatchLane = (options: BatchLaneOptions): BatchLane => {
  const { pool } = options.database;
  const now = options.now ?? (() => new Date());
  const config = options.config;
  const marginMs = config.fallbackMarginSec * 1000;

  const promoteAll = async (queueJobIds: string[]) => {
    for (const id of queueJobIds) {
      await options
        .promote(id)
        .catch((error: unknown) =>
          options.log.warn(
            { queueJobId: id, error: error instanceof Error ? error.message : String(error) },
            'batch lane: could not promote a parked job; it wakes at its fallback time',
          ),
        );
    }
  };

  /** Stores the outcomes of an ended (or cancelled) provider batch; items without one end as `fallback` (or `cancelled`). */
  const storeOutcomes = async (providerBatchId: string, outcomes: BatchItemOutcome[], missing: 'fallback' | 'cancelled'): Promise<string[]> => {
    const byId = new Map(outcomes.map((outcome) => [outcome.customId, outcome]));
    const { rows } = await pool.query<Row>(`SELECT attempt_id, queue_job_id FROM provider_batch_items WHERE provider_batch_id = $1 AND status = 'submitted'`, [providerBatchId]);
    for (const row of rows) {
      const outcome = byId.get(row.attempt_id as string);
      if (outcome?.ok) {
        await pool.query(`UPDATE provider_batch_items SET status = 'done', result = $2, ended_at = now() WHERE attempt_id = $1 AND status = 'submitted'`, [
          row.attempt_id,
          JSON.stringify(outcome.result),
        ]);
      } else if (outcome && outcome.kind === 'errored') {
        await pool.query(`UPDATE provider_batch_items SET status = 'errored', error = $2, ended_at = now() WHERE attempt_id = $1 AND status = 'submitted'`, [
          row.attempt_id,
          outcome.message.slice(0, 500),
        ]);
      } else {
        await pool.query(`UPDATE provider_batch_items SET status = $2, error = $3, ended_at = now() WHERE attempt_id = $1 AND status = 'submitted'`, [
          row.attempt_id,
          missing,
          outcome ? outcome.kind : 'not answered before the batch ended',
        ]);
      }
    }
    return rows.map((row) => row.queue_job_id as string);
  };

  const submitQueued = async (): Promise<number> => {
    // Groups ready to go: their oldest call has waited `collectSec`, or a deadline nears.
    const groups = await pool.query<Row>(
      `SELECT endpoint, model FROM provider_batch_items WHERE status = 'queued'
       GROUP BY endpoint, model HAVING min(created_at) <= $1`,
      [new Date(now().getTime() - config.collectSec * 1000)],
    );
    let submitted = 0;
    for (const group of groups.rows) {
      const client = options.clientFor(group.endpoint as string);
      if (!client) continue;
      const claimed = await pool.query<Row>(
        `UPDATE provider_batch_items SET status = 'submitting' WHERE attempt_id IN (
           SELECT attempt_id FROM provider_batch_items WHERE status = 'queued' AND endpoint = $1 AND model = $2
           AND deadline > $3 ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED)
         RETURNING attempt_id, request`,
        [group.endpoint, group.model, new Date(now().getTime() + marginMs), config.maxRequestsPerBatch],
      );
      if (claimed.rows.length === 0) continue;
      const ids = claimed.rows.map((row) => row.attempt_id as string);
      try {
        const providerBatchId = await client.submit(
          claimed.rows.map((row) => ({ customId: row.attempt_id as string, request: row.request as ChatRequest })),
          { metadata: { source: 'eaio' } },
        );
        await pool.query(`UPDATE provider_batch_items SET status = 'submitted', provider_batch_id = $2, submitted_at = now() WHERE attempt_id = ANY($1)`, [ids, providerBatchId]);
        options.log.info({ providerBatchId, endpoint: group.endpoint, model: group.model, requests: ids.length }, 'batch lane: provider batch created');
        submitted += ids.length;
      } catch (error) {
        // Not sent: back to the queue; the next pass tries again (or the deadline makes them fall back).
        await pool.query(`UPDATE provider_batch_items SET status = 'queued' WHERE attempt_id = ANY($1) AND status = 'submitting'`, [ids]);
        options.log.warn(
          { endpoint: group.endpoint, error: error instanceof Error ? error.message : String(error) },
          'batch lane: could not create a provider batch; retrying next pass',
        );
      }
    }
    return submitted;
  };

  const pollSubmitted = async (): Promise<{ ended: number; fellBack: number; cancelled: number }> => {
    const counts = { ended: 0, fellBack: 0, cancelled: 0 };
    const open = await pool.query<Row>(
      `SELECT i.provider_batch_id, i.endpoint, min(i.deadline) AS deadline, bool_or(b.cancelled_at IS NOT NULL) AS cancel
       FROM provider_batch_items i JOIN batches b ON b.id = i.batch_id
       WHERE i.status = 'submitted' GROUP BY i.provider_batch_id, i.endpoint`,
    );
    for (const row of open.rows) {
      const providerBatchId = row.provider_batch_id as string;
      const client = options.clientFor(row.endpoint as string);
      if (!client) continue;
      try {
        let state = await client.state(providerBatchId);
        let missing: 'fallback' | 'cancelled' = 'fallback';
        if (!state.ended && (row.cancel === true || (row.deadline as Date).getTime() - marginMs <= now().getTime())) {
          missing = row.cancel === true ? 'cancelled' : 'fallback';
          state = await client.cancel(providerBatchId);
          options.log.info({ providerBatchId, reason: missing === 'cancelled' ? 'eaio cancel' : 'deadline near' }, 'batch lane: provider batch cancelled');
          for (let wait = 0; !state.ended && wait < 10; wait += 1) {
            await new Promise((resolve) => setTimeout(resolve, 200));
            state = await client.state(providerBatchId);
          }
          if (!state.ended) continue; // still cancelling: next pass
        }
        if (!state.ended) continue;
        const woken = await storeOutcomes(providerBatchId, await client.results(providerBatchId), missing);
        counts.ended += 1;
        await promoteAll(woken);
      } catch (error) {
        options.log.warn({ providerBatchId, error: error instanceof Error ? error.message : String(error) }, 'batch lane: polling a provider batch failed; next pass tries again');
      }
    }
    return counts;
  };

  /**
   * Queued calls of cancelled batches, or whose deadline is near: never sent. A call left
   * `submitting` by a process that died mid-send falls back at the same moment (whether the
   * provider got it is unknown; it is never sent twice).
   */
  const endUnsent = async (): Promise<{ fellBack: number; cancelled: number }> => {
    const cancelled = await pool.query<Row>(
      `UPDATE provider_batch_items i SET status = 'cancelled', error = 'eaio cancel', ended_at = now() FROM batches b
       WHERE b.id = i.batch_id AND b.cancelled_at IS NOT NULL AND i.status = 'queued' RETURNING i.queue_job_id`,
    );
    const fellBack = await pool.query<Row>(
      `UPDATE provider_batch_items SET status = 'fallback', error = 'deadline near: not sent in a provider batch', ended_at = now()
       WHERE (status = 'queued' OR (status = 'submitting' AND created_at < $1::timestamptz - interval '10 minutes')) AND deadline <= $1::timestamptz RETURNING queue_job_id`,
      [new Date(now().getTime() + marginMs)],
    );
    await promoteAll([...cancelled.rows, ...fellBack.rows].map((row) => row.queue_job_id as string));
    return { fellBack: fellBack.rowCount ?? 0, cancelled: cancelled.rowCount ?? 0 };
  };

  const tick: BatchLane['tick'] = async () => {
    const unsent = await endUnsent();
    const submitted = await submitQueued();
    const polled = await pollSubmitted();
    return { submitted, ended: polled.ended, fellBack: unsent.fellBack, cancelled: unsent.cancelled };
  };

  return {
    config,
    async eligible(data, choice) {
      if (!config.enabled) return { ok: false, reason: 'batchApi.enabled is false' };
      const priceShare = config.priceShare[choice.endpoint.provider];
      if (priceShare === undefined || choice.endpoint.local || !options.clientFor(choice.endpoint.id))
        return { ok: false, reason: `${choice.endpoint.provider} has no batch endpoint here` };
      // The deadline is the batch's (its row), never the queue payload's.
      const batch = await pool.query<Row>(`SELECT deadline, cancelled_at FROM batches WHERE id = $1`, [data.batchId]);
      const deadline = batch.rows[0]?.deadline as Date | null | undefined;
      if (!deadline) return { ok: false, reason: 'no deadline' };
      if (batch.rows[0]?.cancelled_at) return { ok: false, reason: 'batch cancelled' };
      if (deadline.getTime() - marginMs <= now().getTime())
        return { ok: false, reason: `deadline ${deadline.toISOString()} within batchApi.fallbackMarginSec: called interactively` };
      return { ok: true, deadline, priceShare };
    },
    async enqueue({ attemptId, data, queueJobId, choice, request, deadline }) {
      await pool.query(
        `INSERT INTO provider_batch_items (attempt_id, job_id, batch_id, queue_job_id, tier, provider, endpoint, model, request, deadline)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (attempt_id) DO NOTHING`,
        [attemptId, data.jobId, data.batchId, queueJobId, data.tier, choice.endpoint.provider, choice.endpoint.id, choice.model, JSON.stringify(storable(request)), deadline],
      );
    },
    async item(attemptId) {
      const { rows } = await pool.query<Row>(`SELECT * FROM provider_batch_items WHERE attempt_id = $1`, [attemptId]);
      return rows[0] ? itemOf(rows[0]) : undefined;
    },
    async fallBackIfUnsent(attemptId) {
      await pool.query(
        `UPDATE provider_batch_items SET status = 'fallback', error = 'deadline near: not sent in a provider batch', ended_at = now() WHERE attempt_id = $1 AND status = 'queued'`,
        [attemptId],
      );
      const { rows } = await pool.query<Row>(`SELECT * FROM provider_batch_items WHERE attempt_id = $1`, [attemptId]);
      return rows[0] ? itemOf(rows[0]) : undefined;
    },
    endpoint: (endpointId) => options.endpoints.find((endpoint) => endpoint.id === endpointId),
    tick,
    start() {
      let stopped = false;
      let running: Promise<unknown> | undefined;
      const run = () => {
        if (stopped || running) return;
        running = tick()
          .catch((error: unknown) => options.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'batch lane pass failed'))
          .finally(() => {
            running = undefined;
          });
      };
      run();
      const timer = setInterval(run, config.pollSec * 1000);
      timer.unref();
      return async () => {
        stopped = true;
        clearInterval(timer);
        await running;
      };
    },
  };
};
