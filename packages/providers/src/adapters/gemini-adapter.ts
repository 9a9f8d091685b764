import { ApiError, GoogleGenAI, type Content, type GenerateContentConfig, type GenerateContentResponse } from '@google/genai';
import type { HttpFailure } from '../classify-failure';
import { AuthError, ContentFilterError, InvalidResponseError } from '../errors';
import { supportsParam, withJsonInstruction } from '../endpoint-params';
import { finishReasonFrom } from '../finish-reason';
import { durationTextToMs } from '../retry-after';
import { count, healthFromListing, runChat, runScoped, sumKnown } from '../run-scoped';
import type { RequestScope } from '../request-scope';
import type { AdapterOptions, ChatRequest, EndpointConfig, ProviderAdapter, Usage } from '../types';

type GoogleErrorBody = {
  error?: {
    code?: number;
    message?: string;
    status?: string;
    details?: { '@type'?: string; reason?: string; retryDelay?: string }[];
  };
};

/**
 * `@google/genai`'s `ApiError` carries the status and the JSON error body as its message
 * (no headers): the gRPC status (`RESOURCE_EXHAUSTED`…), `ErrorInfo.reason`
 * (`API_KEY_INVALID`) and `RetryInfo.retryDelay` come from that body.
 */
const describeGeminiError =
  (scope: () => RequestScope | undefined) =>
  (error: unknown): HttpFailure | undefined => {
    if (!(error instanceof ApiError) || typeof error.status !== 'number') return undefined;
    let body: GoogleErrorBody = {};
    try {
      body = JSON.parse(error.message) as GoogleErrorBody;
    } catch {
      // a non-JSON error body: the message is all there is
    }
    const details = Array.isArray(body.error?.details) ? body.error.details : [];
    return {
      status: error.status,
      message: body.error?.message ?? error.message,
      codes: [body.error?.status, ...details.map((detail) => detail.reason)],
      retryAfterMs: details.map((detail) => durationTextToMs(detail.retryDelay)).find((delay) => delay !== undefined),
      headers: scope()?.lastResponse()?.headers,
    };
  };

/**
 * Gemini `usageMetadata` on the shared convention: `thoughtsTokenCount` is billed as
 * output but not part of `candidatesTokenCount`, so it is added in.
 */
export const geminiUsage = (raw: GenerateContentResponse['usageMetadata']): Usage => {
  if (!raw) return {};
  const thoughts = count(raw.thoughtsTokenCount);
  return {
    inputTokens: count(raw.promptTokenCount),
    outputTokens: sumKnown(count(raw.candidatesTokenCount), thoughts),
    cachedInputTokens: count(raw.cachedContentTokenCount),
    reasoningTokens: thoughts,
    totalTokens: count(raw.totalTokenCount),
  };
};

/** `generateContent` config: JSON via `responseMimeType` + `responseJsonSchema` (unless in `unsupportedParams`). */
export const geminiConfig = (endpoint: EndpointConfig, request: ChatRequest, abortSignal: AbortSignal): GenerateContentConfig => {
  const json = request.responseFormat?.type === 'json' ? request.responseFormat : undefined;
  const nativeSchema = json?.schema !== undefined && supportsParam(endpoint, 'responseJsonSchema');
  const system = json?.schema && !nativeSchema ? withJsonInstruction(request.system, json.schema) : request.system;
  const config: GenerateContentConfig = { abortSignal };
  if (system) config.systemInstruction = system;
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined && supportsParam(endpoint, 'temperature')) config.temperature = request.temperature;
  if (request.seed !== undefined && supportsParam(endpoint, 'seed')) config.seed = request.seed;
  if (json) config.responseMimeType = 'application/json';
  if (nativeSchema) config.responseJsonSchema = json?.schema;
  return config;
};

/**
 * Gemini through `@google/genai` (`httpOptions.baseUrl` points it anywhere, e.g. the
 * emulator), non-streamed (`timeToFirstTokenMs` stays `undefined`). No SDK retries
 * (`retryOptions` unset). A prompt blocked by `promptFeedback.blockReason` or a
 * `SAFETY`-like finish raises `ContentFilterError`. `requestId` is the body's
 * `responseId` (the API sends no request-id header).
 */
export const createGeminiAdapter = (endpoint: EndpointConfig, options: AdapterOptions = {}): ProviderAdapter => {
  const client = (scope: RequestScope, timeoutMs: number | undefined): GoogleGenAI =>
    new GoogleGenAI({
      apiKey: endpoint.apiKey ?? 'missing',
      httpOptions: { baseUrl: endpoint.baseUrl.replace(/\/+$/, ''), fetch: scope.fetch, timeout: timeoutMs },
    });
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
    let current: RequestScope | undefined;
    const contents: Content[] = request.messages.map((message) => ({ role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: message.content }] }));
    return runChat(
      endpoint,
      request,
      options,
      describeGeminiError(() => current),
      async (scope) => {
        current = scope;
        const response = await client(scope, request.timeoutMs).models.generateContent({
          model: request.model,
          contents,
          config: geminiConfig(endpoint, request, scope.signal),
        });
        const blockReason = response?.promptFeedback?.blockReason;
        if (blockReason) {
          throw new ContentFilterError({
            provider: endpoint.provider,
            endpoint: endpoint.id,
            code: blockReason,
            message: `${endpoint.provider} (${endpoint.id}): prompt blocked (${blockReason})`,
          });
        }
        const candidate = response?.candidates?.[0];
        if (!candidate) {
          throw new InvalidResponseError({ provider: endpoint.provider, endpoint: endpoint.id, message: `${endpoint.provider} (${endpoint.id}): response has no candidates` });
        }
        const text = (candidate.content?.parts ?? []).map((part) => (part.thought ? '' : (part.text ?? ''))).join('');
        return {
          text,
          usage: geminiUsage(response.usageMetadata),
          finishReason: finishReasonFrom('gemini', candidate.finishReason),
          model: response.modelVersion || request.model,
          bodyId: response.responseId,
        };
      },
    );
  };

  const listModels: ProviderAdapter['listModels'] = async ({ timeoutMs, signal } = {}) => {
    requireKey();
    let current: RequestScope | undefined;
    const { value } = await runScoped({
      endpoint,
      options,
      timeoutMs,
      signal,
      describeHttp: describeGeminiError(() => current),
      call: async (scope) => {
        current = scope;
        const names: string[] = [];
        const pager = await client(scope, timeoutMs).models.list({ config: { abortSignal: scope.signal } });
        for await (const model of pager) if (model.name) names.push(model.name.replace(/^models\//, ''));
        return names;
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
