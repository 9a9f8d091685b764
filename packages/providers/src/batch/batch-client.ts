import type { ChatRequest, ChatResult, EndpointConfig } from '../types';

/**
 * Provider batch endpoints (OpenAI Batch API, Anthropic Message Batches): many chat
 * requests sent at once, answered within a completion window at the provider's batch
 * price, matched back by `customId`.
 */

/** One request of a batch; `customId` comes back with its result (eaio uses the attempt id). */
export interface BatchRequestItem {
  customId: string;
  request: Omit<ChatRequest, 'timeoutMs' | 'signal' | 'beforeSend'>;
}

/** A request's result, normalized like an interactive answer. */
export type BatchItemOutcome =
  | { customId: string; ok: true; result: ChatResult }
  | { customId: string; ok: false; kind: 'errored' | 'canceled' | 'expired'; status?: number; message: string };

export interface BatchState {
  id: string;
  /** The provider has finished with the batch (completed, cancelled, expired, failed): results can be read. */
  ended: boolean;
  /** The provider's own status word (`completed`, `in_progress`, `ended`, …). */
  status: string;
}

export interface BatchClient {
  readonly endpoint: EndpointConfig;
  /** Uploads and creates the batch; returns the provider's batch id. */
  submit(items: BatchRequestItem[], options?: { metadata?: Record<string, string>; timeoutMs?: number }): Promise<string>;
  state(batchId: string, options?: { timeoutMs?: number }): Promise<BatchState>;
  /** Every request's outcome (an ended batch; a cancelled one returns what was answered and `canceled` for the rest). */
  results(batchId: string, options?: { timeoutMs?: number }): Promise<BatchItemOutcome[]>;
  cancel(batchId: string, options?: { timeoutMs?: number }): Promise<BatchState>;
}

/** Lines of a JSONL text, parsed; blank lines skipped. */
export const jsonLines = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
