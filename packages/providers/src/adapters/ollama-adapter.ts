import { Ollama, type ChatResponse, type Options as OllamaModelOptions } from 'ollama';
import type { HttpFailure } from '../classify-failure';
import { ContextLengthError, InvalidResponseError } from '../errors';
import { supportsParam } from '../endpoint-params';
import { finishReasonFrom } from '../finish-reason';
import { count, healthFromListing, runChat, runScoped, totalOf } from '../run-scoped';
import type { RequestScope } from '../request-scope';
import type { AdapterOptions, ChatRequest, EndpointConfig, ProviderAdapter } from '../types';

export interface OllamaAdapterOptions extends AdapterOptions {
  /**
   * How long Ollama keeps the model loaded after a request (`keep_alive`).
   * @defaultValue '30m'
   */
  keepAlive?: string | number;
  /**
   * Context window asked for (`options.num_ctx`), per model or one for all. Kept fixed
   * per model on purpose: Ollama reloads a model whenever `num_ctx` changes. Prompts that
   * clearly do not fit (more than `num_ctx` tokens at 4 characters per token) are refused
   * with `ContextLengthError` before sending, because Ollama would silently truncate them.
   * @defaultValue 8192
   */
  numCtx?: number | Record<string, number>;
}

/** What `/api/show` tells about a model. */
export interface OllamaModelDescription {
  contextLength?: number;
  parameterSize?: string;
  quantization?: string;
  family?: string;
  capabilities: string[];
}

export interface OllamaAdapter extends ProviderAdapter {
  /** `/api/show` for one model. */
  describeModel(model: string, options?: { timeoutMs?: number }): Promise<OllamaModelDescription>;
}

const DEFAULT_NUM_CTX = 8192;
const CHARS_PER_TOKEN = 4;
const NANOSECONDS_PER_MS = 1e6;

/** `ollama`'s `ResponseError` (`{ error, status_code }`) as an HTTP failure; retry-after comes from the scope's headers. */
const describeOllamaError =
  (scope: () => RequestScope | undefined) =>
  (error: unknown): HttpFailure | undefined => {
    if (!(error instanceof Error) || error.name !== 'ResponseError') return undefined;
    const status = (error as Error & { status_code?: number }).status_code;
    if (typeof status !== 'number') return undefined;
    return { status, message: (error as Error & { error?: string }).error ?? error.message, headers: scope()?.lastResponse()?.headers };
  };

const numCtxFor = (numCtx: OllamaAdapterOptions['numCtx'], model: string): number => (typeof numCtx === 'number' ? numCtx : (numCtx?.[model] ?? DEFAULT_NUM_CTX));

/**
 * Ollama through the `ollama` client, `/api/chat` non-streamed.
 *
 * Time to first token is derived, not measured: `load_duration + prompt_eval_duration`
 * (the model load plus prompt processing Ollama reports; generation starts right after).
 * Usage: `prompt_eval_count` → input, `eval_count` → output; Ollama omits
 * `prompt_eval_count` when the whole prompt came from its KV cache, which stays `undefined`.
 */
export const createOllamaAdapter = (endpoint: EndpointConfig, options: OllamaAdapterOptions = {}): OllamaAdapter => {
  const keepAlive = options.keepAlive ?? '30m';
  const client = (scope: RequestScope): Ollama => new Ollama({ host: endpoint.baseUrl, fetch: scope.fetch });

  const chat = (request: ChatRequest) => {
    let current: RequestScope | undefined;
    const numCtx = numCtxFor(options.numCtx, request.model);
    const promptText = [request.system ?? '', ...request.messages.map((message) => message.content)].join('\n\n');
    const promptTokens = Math.ceil(promptText.length / CHARS_PER_TOKEN);
    if (promptTokens > numCtx) {
      return Promise.reject(
        new ContextLengthError({
          provider: endpoint.provider,
          endpoint: endpoint.id,
          message: `${endpoint.provider} (${endpoint.id}): prompt of about ${promptTokens} tokens exceeds num_ctx ${numCtx} for ${request.model}`,
        }),
      );
    }
    const json = request.responseFormat?.type === 'json' ? request.responseFormat : undefined;
    const modelOptions: Partial<OllamaModelOptions> = { num_ctx: numCtx };
    if (request.maxTokens !== undefined) modelOptions.num_predict = request.maxTokens;
    if (request.temperature !== undefined && supportsParam(endpoint, 'temperature')) modelOptions.temperature = request.temperature;
    if (request.seed !== undefined && supportsParam(endpoint, 'seed')) modelOptions.seed = request.seed;

    return runChat(
      endpoint,
      request,
      options,
      describeOllamaError(() => current),
      async (scope) => {
        current = scope;
        const response: ChatResponse = await client(scope).chat({
          model: request.model,
          messages: [...(request.system ? [{ role: 'system', content: request.system }] : []), ...request.messages],
          stream: false,
          keep_alive: keepAlive,
          format: json ? (json.schema && supportsParam(endpoint, 'format.schema') ? json.schema : 'json') : undefined,
          options: modelOptions,
        });
        if (typeof response?.message?.content !== 'string') {
          throw new InvalidResponseError({
            provider: endpoint.provider,
            endpoint: endpoint.id,
            message: `${endpoint.provider} (${endpoint.id}): /api/chat answer has no message content`,
          });
        }
        const inputTokens = count(response.prompt_eval_count);
        const outputTokens = count(response.eval_count);
        const load = count(response.load_duration);
        const promptEval = count(response.prompt_eval_duration);
        const evalDuration = count(response.eval_duration);
        return {
          text: response.message.content,
          usage: { inputTokens, outputTokens, totalTokens: totalOf(inputTokens, outputTokens) },
          finishReason: finishReasonFrom('ollama', response.done_reason),
          timeToFirstTokenMs: load === undefined && promptEval === undefined ? undefined : Math.round(((load ?? 0) + (promptEval ?? 0)) / NANOSECONDS_PER_MS),
          model: response.model || request.model,
          generation:
            outputTokens !== undefined && evalDuration !== undefined && evalDuration > 0
              ? { outputTokens, evalMs: evalDuration / NANOSECONDS_PER_MS, ...(load === undefined ? {} : { loadMs: load / NANOSECONDS_PER_MS }) }
              : undefined,
        };
      },
    );
  };

  const listModels = async ({ timeoutMs, signal }: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<string[]> => {
    let current: RequestScope | undefined;
    const { value } = await runScoped({
      endpoint,
      options,
      timeoutMs,
      signal,
      describeHttp: describeOllamaError(() => current),
      call: async (scope) => {
        current = scope;
        const listing = await client(scope).list();
        if (!Array.isArray(listing?.models)) throw new SyntaxError('/api/tags answer has no models array');
        return listing.models.map((model) => model.name ?? model.model);
      },
    });
    return value;
  };

  const describeModel = async (model: string, { timeoutMs }: { timeoutMs?: number } = {}): Promise<OllamaModelDescription> => {
    let current: RequestScope | undefined;
    const { value } = await runScoped({
      endpoint,
      options,
      timeoutMs: timeoutMs ?? 10_000,
      describeHttp: describeOllamaError(() => current),
      call: async (scope) => {
        current = scope;
        const shown = await client(scope).show({ model });
        const info: Record<string, unknown> =
          shown.model_info instanceof Map ? Object.fromEntries(shown.model_info) : ((shown.model_info as unknown as Record<string, unknown>) ?? {});
        const contextKey = Object.keys(info).find((key) => key.endsWith('.context_length'));
        return {
          contextLength: contextKey ? count(info[contextKey]) : undefined,
          parameterSize: shown.details?.parameter_size,
          quantization: shown.details?.quantization_level,
          family: shown.details?.family,
          capabilities: Array.isArray(shown.capabilities) ? shown.capabilities : [],
        };
      },
    });
    return value;
  };

  return {
    endpoint,
    chat,
    listModels,
    describeModel,
    checkHealth: (healthOptions = {}) => healthFromListing(listModels, { ...healthOptions, now: options.now }),
  };
};
