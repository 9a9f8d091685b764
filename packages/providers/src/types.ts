/**
 * The provider seam (docs/contracts.md): what callers send, what they get back.
 * Nothing here does I/O.
 */

import type { EndpointConfig as ConfiguredEndpoint } from '@eaio/core';

export type { ProviderKind } from '@eaio/core';

/**
 * One reachable endpoint of one provider: the config's endpoint (`@eaio/core`), where
 * `enabled` may be left out (absent = enabled) so adapters can be built by hand.
 * `maxInFlight` is enforced by the worker's slot lease, not here. `unsupportedParams`
 * recognised: `seed`, `temperature`, `max_tokens`, `response_format`,
 * `response_format.json_schema`, `response_format.json_object`, `output_config.format`
 * (Anthropic), `responseJsonSchema` (Gemini), `format.schema` (Ollama).
 */
export type EndpointConfig = Omit<ConfiguredEndpoint, 'enabled'> & { enabled?: boolean };

export type ChatMessage = { role: 'user' | 'assistant'; content: string };

export type ResponseFormat = { type: 'text' } | { type: 'json'; schema?: Record<string, unknown>; name?: string };

export interface ChatRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  responseFormat?: ResponseFormat;
  /** Enforced by aborting the request (the socket is closed). */
  timeoutMs: number;
  /** Caller cancellation (shutdown). */
  signal?: AbortSignal;
  /** Sent as header `x-eaio-attempt-id` (idempotency / log matching). */
  attemptId?: string;
  /**
   * Called with every HTTP request of this call just before it is sent, with the SHA-256
   * and size of the body exactly as it goes on the wire; the request waits for it. A throw
   * stops the request unsent (an `EgressRecordError` comes out of `chat` as it is).
   */
  beforeSend?: (request: OutgoingRequest) => Promise<void>;
}

/** One HTTP request as it leaves (see `ChatRequest.beforeSend`). */
export interface OutgoingRequest {
  method: string;
  url: string;
  /** Hex SHA-256 of the body bytes as sent (of the empty string for no body). */
  bodySha256: string;
  bodyBytes: number;
}

/**
 * Token counts; `undefined` = not reported (never 0 for unknown).
 * Convention shared with `@eaio/spend`: `inputTokens` counts all prompt tokens, cache
 * reads and writes included; `outputTokens` counts all generated tokens, reasoning included.
 */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  /** Cache-read prompt tokens (part of `inputTokens`). */
  cachedInputTokens?: number;
  /** Cache-write prompt tokens (part of `inputTokens`; Anthropic). */
  cacheWriteTokens?: number;
  /** Reasoning tokens (part of `outputTokens`). */
  reasoningTokens?: number;
  totalTokens?: number;
}

export type UnifiedFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other' | 'unknown';

export type FinishReason = { unified: UnifiedFinishReason; raw: string | undefined };

export interface ChatResult {
  text: string;
  /** Parsed answer when JSON was requested and the text parsed; otherwise `undefined`. */
  json?: unknown;
  usage: Usage;
  finishReason: FinishReason;
  latencyMs: number;
  /** See each adapter for how it is measured; `undefined` when not known. */
  timeToFirstTokenMs?: number;
  /**
   * What the server reported about generation (Ollama: `eval_count`, `eval_duration`,
   * `load_duration`); `undefined` when it reports nothing. Feeds the measured tokens/s.
   */
  generation?: GenerationStats;
  provider: string;
  model: string;
  /** Endpoint id. */
  endpoint: string;
  requestId?: string;
}

/** Server-side generation figures of one call. */
export interface GenerationStats {
  /** Tokens generated. */
  outputTokens: number;
  /** Time spent generating them, ms (excludes load and prompt evaluation). */
  evalMs: number;
  /** Time spent loading the model for this call, ms (about 0 when it was loaded). */
  loadMs?: number;
}

export interface HealthResult {
  ok: boolean;
  latencyMs: number;
  models: string[];
  error?: string;
}

export interface ProviderAdapter {
  readonly endpoint: EndpointConfig;
  chat(request: ChatRequest): Promise<ChatResult>;
  /** `/api/tags`, `/v1/models`, … */
  listModels(options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<string[]>;
  checkHealth(options?: { timeoutMs?: number }): Promise<HealthResult>;
}

/** Options shared by every adapter factory. */
export interface AdapterOptions {
  /** Underlying fetch (tests, proxies). @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
  /** Clock for latency. @defaultValue performance.now */
  now?: () => number;
  /**
   * Longest server-requested wait (`retry-after`, `retry-after-ms`, Gemini `RetryInfo`) an
   * error carries as `retryAfterMs`; longer asks are cut to it (config `retries.retryAfterMaxMs`).
   * @defaultValue 60000
   */
  retryAfterMaxMs?: number;
}
