import { ContentFilterError, redactSecrets } from './errors';
import { toProviderError, type FailureContext, type HttpFailure } from './classify-failure';
import { parseJsonAnswer } from './json-answer';
import { ATTEMPT_ID_HEADER, createRequestScope, type RequestScope } from './request-scope';
import type { AdapterOptions, ChatRequest, ChatResult, EndpointConfig, FinishReason, GenerationStats, HealthResult, Usage } from './types';

/** What an adapter reads from one successful chat response. */
export interface ChatOutcome {
  text: string;
  usage: Usage;
  finishReason: FinishReason;
  timeToFirstTokenMs?: number;
  /** Server-side generation figures (Ollama). */
  generation?: GenerationStats;
  /** Model the server says answered; defaults to the requested one. */
  model?: string;
  /** Id from the response body, used when no request-id header came. */
  bodyId?: string;
  /** Refusal text the API put in a field of its own (OpenAI `message.refusal`). */
  refusal?: string;
}

export interface ScopedCall<T> {
  endpoint: EndpointConfig;
  options: AdapterOptions;
  timeoutMs?: number;
  signal?: AbortSignal;
  attemptId?: string;
  /** See `ChatRequest.beforeSend`. */
  beforeSend?: ChatRequest['beforeSend'];
  /** Reads an SDK's HTTP error; `undefined` for anything else. */
  describeHttp: (error: unknown) => HttpFailure | undefined;
  call: (scope: RequestScope) => Promise<T>;
}

export const failureContext = (endpoint: EndpointConfig, timeoutMs?: number, retryAfterMaxMs?: number): FailureContext => ({
  provider: endpoint.provider,
  endpoint: endpoint.id,
  timeoutMs,
  secrets: [endpoint.apiKey],
  retryAfterMaxMs,
});

/** Runs one SDK call inside a request scope; every failure comes out as a `ProviderError`. */
export const runScoped = async <T>(spec: ScopedCall<T>): Promise<{ value: T; scope: RequestScope }> => {
  const scope = createRequestScope({
    timeoutMs: spec.timeoutMs,
    signal: spec.signal,
    fetch: spec.options.fetch,
    headers: { ...spec.endpoint.headers, [ATTEMPT_ID_HEADER]: spec.attemptId },
    beforeSend: spec.beforeSend,
  });
  try {
    return { value: await spec.call(scope), scope };
  } catch (error) {
    // Stopped before it left (its egress record failed): not the provider's failure.
    const refused = scope.egressError();
    if (refused) throw refused;
    throw toProviderError(error, scope, failureContext(spec.endpoint, spec.timeoutMs, spec.options.retryAfterMaxMs), spec.describeHttp);
  } finally {
    scope.dispose();
  }
};

/**
 * One chat call: timing, error typing, refusal check, JSON parse and the normalized result.
 * A content-filter finish or a refusal field becomes a `ContentFilterError` (not retryable).
 */
export const runChat = async (
  endpoint: EndpointConfig,
  request: ChatRequest,
  options: AdapterOptions,
  describeHttp: (error: unknown) => HttpFailure | undefined,
  call: (scope: RequestScope) => Promise<ChatOutcome>,
): Promise<ChatResult> => {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const { value: outcome, scope } = await runScoped({
    endpoint,
    options,
    timeoutMs: request.timeoutMs,
    signal: request.signal,
    attemptId: request.attemptId,
    beforeSend: request.beforeSend,
    describeHttp,
    call,
  });
  const latencyMs = Math.round(now() - started);
  const headers = scope.lastResponse()?.headers;
  const requestId = headers?.get('x-request-id') ?? headers?.get('request-id') ?? outcome.bodyId;
  if (outcome.refusal !== undefined || outcome.finishReason.unified === 'content-filter') {
    throw new ContentFilterError({
      provider: endpoint.provider,
      endpoint: endpoint.id,
      statusCode: scope.lastResponse()?.status,
      requestId,
      code: outcome.finishReason.raw,
      message: redactSecrets(
        `${endpoint.provider} (${endpoint.id}): answer refused or filtered (finish ${outcome.finishReason.raw ?? 'unknown'})` +
          (outcome.refusal ? `: ${outcome.refusal.slice(0, 200)}` : ''),
        [endpoint.apiKey],
      ),
    });
  }
  return {
    text: outcome.text,
    json: request.responseFormat?.type === 'json' ? parseJsonAnswer(outcome.text) : undefined,
    usage: outcome.usage,
    finishReason: outcome.finishReason,
    latencyMs,
    timeToFirstTokenMs: outcome.timeToFirstTokenMs,
    ...(outcome.generation ? { generation: outcome.generation } : {}),
    provider: endpoint.provider,
    model: outcome.model ?? request.model,
    endpoint: endpoint.id,
    requestId: requestId ?? undefined,
  };
};

/** Health from a model listing: ok with the models, or not ok with the (redacted) error. */
export const healthFromListing = async (
  listModels: (options: { timeoutMs?: number }) => Promise<string[]>,
  options: { timeoutMs?: number; now?: () => number },
): Promise<HealthResult> => {
  const now = options.now ?? (() => performance.now());
  const started = now();
  try {
    const models = await listModels({ timeoutMs: options.timeoutMs ?? 5_000 });
    return { ok: true, latencyMs: Math.round(now() - started), models };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(now() - started), models: [], error: error instanceof Error ? error.message : String(error) };
  }
};

/** A finite non-negative number, else `undefined` (unknown stays unknown). */
export const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);

/** Sum of the known parts; `undefined` when none is known. */
export const sumKnown = (...values: (number | undefined)[]): number | undefined =>
  values.every((value) => value === undefined) ? undefined : values.reduce<number>((total, value) => total + (value ?? 0), 0);

/** `a + b` only when both are known. */
export const totalOf = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a + b);
