import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import type { HttpFailure } from '../classify-failure';
import { AuthError, InvalidResponseError } from '../errors';
import { supportsParam, withJsonInstruction } from '../endpoint-params';
import { finishReasonFrom } from '../finish-reason';
import { count, healthFromListing, runChat, runScoped, sumKnown, totalOf } from '../run-scoped';
import type { RequestScope } from '../request-scope';
import type { AdapterOptions, ChatRequest, EndpointConfig, ProviderAdapter, Usage } from '../types';

export interface AnthropicAdapterOptions extends AdapterOptions {
  /**
   * `max_tokens` when the request sets none (the Messages API requires one).
   * @defaultValue 4096
   */
  defaultMaxTokens?: number;
  /**
   * Mark the system prompt cacheable (`cache_control: { type: 'ephemeral' }`). Bulk
   * analyses repeat one system prompt per analysis type, so later calls read it from the
   * cache at a tenth of the input price (the first write costs 1.25×; prompts under the
   * model's minimum cacheable length are simply not cached).
   * @defaultValue true
   */
  cacheSystemPrompt?: boolean;
}

/** `{ type: 'error', error: { type, message } }` bodies from the SDK's `APIError`. */
const describeAnthropicError = (error: unknown): HttpFailure | undefined => {
  if (!(error instanceof APIError) || typeof error.status !== 'number') return undefined;
  const body = error.error as { error?: { type?: unknown; message?: unknown } } | undefined;
  return {
    status: error.status,
    message: typeof body?.error?.message === 'string' ? body.error.message : error.message,
    codes: [typeof body?.error?.type === 'string' ? body.error.type : undefined],
    headers: error.headers,
  };
};

type RawUsage = {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
  output_tokens_details?: { thinking_tokens?: unknown } | null;
};

/**
 * Anthropic usage on the shared convention: `input_tokens` excludes cache reads and
 * writes, so they are added in; `cache_read_input_tokens` → cached, `cache_creation_input_tokens`
 * → cache writes, `output_tokens_details.thinking_tokens` → reasoning.
 */
export const anthropicUsage = (raw: RawUsage | undefined | null): Usage => {
  if (!raw) return {};
  const read = count(raw.cache_read_input_tokens);
  const written = count(raw.cache_creation_input_tokens);
  const inputTokens = sumKnown(count(raw.input_tokens), read, written);
  const outputTokens = count(raw.output_tokens);
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens: read,
    cacheWriteTokens: written,
    reasoningTokens: count(raw.output_tokens_details?.thinking_tokens),
    totalTokens: totalOf(inputTokens, outputTokens),
  };
};

/**
 * JSON mode: with a schema, native structured outputs (`output_config.format` of type
 * `json_schema`); without a schema, or where `output_config.format` is in
 * `unsupportedParams`, an instruction in the system prompt (no prefill: newer models
 * refuse assistant prefill together with structured outputs and thinking). `seed` has no
 * Anthropic equivalent and `temperature` is no longer part of the Messages API in
 * `@anthropic-ai/sdk` 1.x; both are dropped.
 */
export const anthropicRequestBody = (
  endpoint: EndpointConfig,
  request: ChatRequest,
  settings: { defaultMaxTokens: number; cacheSystemPrompt: boolean },
): MessageCreateParamsNonStreaming => {
  const json = request.responseFormat?.type === 'json' ? request.responseFormat : undefined;
  const native = json?.schema !== undefined && supportsParam(endpoint, 'output_config.format');
  const system = json && !native ? withJsonInstruction(request.system, json.schema) : request.system;
  const body: MessageCreateParamsNonStreaming = {
    model: request.model,
    max_tokens: request.maxTokens ?? settings.defaultMaxTokens,
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (system) body.system = settings.cacheSystemPrompt ? [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }] : system;
  if (native && json?.schema) body.output_config = { format: { type: 'json_schema', schema: json.schema } };
  return body;
};

/**
 * Anthropic Messages API through `@anthropic-ai/sdk`, non-streamed (`timeToFirstTokenMs`
 * stays `undefined`); `maxRetries: 0`. `stop_reason: refusal` raises `ContentFilterError`.
 */
export const createAnthropicAdapter = (endpoint: EndpointConfig, options: AnthropicAdapterOptions = {}): ProviderAdapter => {
  const settings = { defaultMaxTokens: options.defaultMaxTokens ?? 4096, cacheSystemPrompt: options.cacheSystemPrompt ?? true };
  const client = (scope: RequestScope, timeoutMs: number | undefined): Anthropic =>
    new Anthropic({ apiKey: endpoint.apiKey ?? 'missing', baseURL: endpoint.baseUrl.replace(/\/+$/, ''), maxRetries: 0, timeout: timeoutMs, fetch: scope.fetch });
  const requireKey = (): void => {
    if (!endpoint.apiKey) {
      throw new AuthError({
        provider: endpoint.provider,
        endpoint: endpoint.id,
        message: `${endpoint.provider} (${endpoint.id}): no API key configured${endpoint.apiKeyEnv ? ` (set ${endpoint.apiKeyEnv})` : ''}`,
      });
    }
  };

  const chat: ProviderAdapter['chat'] = async (request) => {
    requireKey();
    const body = anthropicRequestBody(endpoint, request, settings);
    return runChat(endpoint, request, options, describeAnthropicError, async (scope) => {
      const message = await client(scope, request.timeoutMs).messages.create(body, { signal: scope.signal, timeout: request.timeoutMs });
      if (!Array.isArray(message?.content)) {
        throw new InvalidResponseError({ provider: endpoint.provider, endpoint: endpoint.id, message: `${endpoint.provider} (${endpoint.id}): message has no content array` });
      }
      const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
      return {
        text,
        usage: anthropicUsage(message.usage as RawUsage),
        finishReason: finishReasonFrom('anthropic', message.stop_reason),
        model: message.model || request.model,
        bodyId: message.id,
      };
    });
  };

  const listModels: ProviderAdapter['listModels'] = async ({ timeoutMs, signal } = {}) => {
    requireKey();
    const { value } = await runScoped({
      endpoint,
      options,
      timeoutMs,
      signal,
      describeHttp: describeAnthropicError,
      call: async (scope) => {
        const ids: string[] = [];
        for await (const model of client(scope, timeoutMs).models.list({}, { signal: scope.signal })) ids.push(model.id);
        return ids;
      },
    });
    return value;
  };

  return {
    endpoint,
    chat,
    listModels,
    checkHealth: (healthOptions = {}) => healthFromListing(listModels, { ...healthOptions, now: options.now }),
  };
};
