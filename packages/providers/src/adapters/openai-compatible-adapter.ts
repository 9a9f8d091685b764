import OpenAI, { APIError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { HttpFailure } from '../classify-failure';
import { AuthError, InvalidResponseError } from '../errors';
import { supportsParam, withJsonInstruction } from '../endpoint-params';
import { finishReasonFrom } from '../finish-reason';
import { count, healthFromListing, runChat, runScoped, totalOf } from '../run-scoped';
import type { RequestScope } from '../request-scope';
import type { AdapterOptions, ChatRequest, EndpointConfig, ProviderAdapter, Usage } from '../types';

const PLACEHOLDER_KEY = 'not-needed';

/** The SDK's `APIError` with a status as an HTTP failure (connection errors have no status and fall through). */
const describeOpenAiError = (error: unknown): HttpFailure | undefined => {
  if (!(error instanceof APIError) || typeof error.status !== 'number') return undefined;
  const body = error.error as { message?: unknown; code?: unknown; type?: unknown } | undefined;
  return {
    status: error.status,
    message: typeof body?.message === 'string' ? body.message : error.message,
    codes: [typeof body?.code === 'string' ? body.code : undefined, typeof body?.type === 'string' ? body.type : undefined],
    headers: error.headers,
  };
};

/** `https://host` → `https://host/v1`; a base URL with a path is kept as given. */
export const openAiBaseUrl = (baseUrl: string): string => {
  const url = new URL(baseUrl);
  return url.pathname === '/' || url.pathname === '' ? `${url.origin}/v1` : baseUrl.replace(/\/+$/, '');
};

/** Whether OpenAI's strict structured outputs accept the schema: every object closed and fully required. */
export const isStrictCompatible = (schema: unknown): boolean => {
  if (typeof schema !== 'object' || schema === null) return true;
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  const node = schema as Record<string, unknown>;
  if (node.type === 'object' || node.properties !== undefined) {
    const properties = (node.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(node.required) ? node.required : [];
    if (node.additionalProperties !== false) return false;
    if (!Object.keys(properties).every((key) => required.includes(key))) return false;
  }
  return Object.values(node).every(isStrictCompatible);
};

type RawUsage = Record<string, unknown> & {
  prompt_tokens_details?: { cached_tokens?: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: unknown } | null;
};

/** OpenAI usage (DeepSeek's `prompt_cache_hit_tokens` preferred when present). */
export const openAiUsage = (raw: RawUsage | undefined | null): Usage => {
  if (!raw) return {};
  const inputTokens = count(raw.prompt_tokens);
  const outputTokens = count(raw.completion_tokens);
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens: count(raw.prompt_cache_hit_tokens) ?? count(raw.prompt_tokens_details?.cached_tokens),
    reasoningTokens: count(raw.completion_tokens_details?.reasoning_tokens),
    totalTokens: count(raw.total_tokens) ?? totalOf(inputTokens, outputTokens),
  };
};

/**
 * Builds the request body from data: `unsupportedParams` turns off `seed`, `temperature`,
 * `max_tokens` (then `max_completion_tokens` is sent, as OpenAI's reasoning models want),
 * and the structured-output modes, best first: `response_format.json_schema` (strict when
 * the schema allows it), `response_format.json_object`, else the instruction alone. Every
 * mode below `json_schema` also puts the JSON instruction (with the schema) in the system
 * prompt, which `json_object` requires anyway.
 */
export const openAiRequestBody = (endpoint: EndpointConfig, request: ChatRequest): ChatCompletionCreateParamsNonStreaming => {
  const json = request.responseFormat?.type === 'json' ? request.responseFormat : undefined;
  const useSchema = json?.schema !== undefined && supportsParam(endpoint, 'response_format.json_schema');
  const useObject = json !== undefined && !useSchema && supportsParam(endpoint, 'response_format.json_object');
  const system = json && !useSchema ? withJsonInstruction(request.system, json.schema) : request.system;
  const messages: ChatCompletionMessageParam[] = [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    ...request.messages.map((message) => ({ role: message.role, content: message.content })),
  ];
  const body: ChatCompletionCreateParamsNonStreaming = { model: request.model, messages };
  if (request.maxTokens !== undefined) {
    if (supportsParam(endpoint, 'max_tokens')) body.max_tokens = request.maxTokens;
    else body.max_completion_tokens = request.maxTokens;
  }
  if (request.temperature !== undefined && supportsParam(endpoint, 'temperature')) body.temperature = request.temperature;
  if (request.seed !== undefined && supportsParam(endpoint, 'seed')) body.seed = request.seed;
  if (useSchema && json?.schema) {
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: json.name ?? 'answer', schema: json.schema, strict: isStrictCompatible(json.schema) },
    };
  } else if (useObject) {
    body.response_format = { type: 'json_object' };
  }
  return body;
};

/**
 * One adapter for every OpenAI-compatible endpoint (OpenAI, DeepSeek, vLLM, llama.cpp
 * server, LM Studio), configured by data: base URL, key, `unsupportedParams`, headers.
 * Non-streamed, so `timeToFirstTokenMs` stays `undefined`. `maxRetries: 0` and the SDK
 * `timeout` set; `endpoint.organization` (env `OPENAI_ORG_ID`) is the client's `organization`; the request scope aborts the socket at `timeoutMs` either way.
 */
export const createOpenAiCompatibleAdapter = (endpoint: EndpointConfig, options: AdapterOptions = {}): ProviderAdapter => {
  const baseURL = openAiBaseUrl(endpoint.baseUrl);
  const client = (scope: RequestScope, timeoutMs: number | undefined): OpenAI =>
    new OpenAI({ apiKey: endpoint.apiKey ?? PLACEHOLDER_KEY, baseURL, maxRetries: 0, timeout: timeoutMs, fetch: scope.fetch, organization: endpoint.organization ?? null });
  const requireKey = (): void => {
    if (!endpoint.local && !endpoint.apiKey) {
      throw new AuthError({
        provider: endpoint.provider,
        endpoint: endpoint.id,
        message: `${endpoint.provider} (${endpoint.id}): no API key configured${endpoint.apiKeyEnv ? ` (set ${endpoint.apiKeyEnv})` : ''}`,
      });
    }
  };

  const chat: ProviderAdapter['chat'] = async (request) => {
    requireKey();
    const body = openAiRequestBody(endpoint, request);
    return runChat(endpoint, request, options, describeOpenAiError, async (scope) => {
      const completion = await client(scope, request.timeoutMs).chat.completions.create(body, { signal: scope.signal, timeout: request.timeoutMs });
      const choice = completion?.choices?.[0];
      if (!choice?.message) {
        throw new InvalidResponseError({
          provider: endpoint.provider,
          endpoint: endpoint.id,
          message: `${endpoint.provider} (${endpoint.id}): completion has no choices[0].message`,
        });
      }
      return {
        text: choice.message.content ?? '',
        refusal: choice.message.refusal ?? undefined,
        usage: openAiUsage(completion.usage as RawUsage | undefined),
        finishReason: finishReasonFrom('openai', choice.finish_reason),
        model: completion.model || request.model,
        bodyId: completion.id,
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
      describeHttp: describeOpenAiError,
      call: async (scope) => {
        const ids: string[] = [];
        for await (const model of client(scope, timeoutMs).models.list({ signal: scope.signal })) ids.push(model.id);
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
