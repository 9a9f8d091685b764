import { createProviderError, ProviderError, redactSecrets, type ProviderErrorKind } from './errors';
import type { RequestScope } from './request-scope';
import { capRetryAfterMs, retryAfterMsFromHeaders, shouldRetryFromHeaders } from './retry-after';

/** An HTTP error response, as an adapter read it from its SDK's error. */
export interface HttpFailure {
  status: number;
  message: string;
  /** Provider code or type: `context_length_exceeded`, `overloaded_error`, `RESOURCE_EXHAUSTED`, `API_KEY_INVALID`, … */
  codes?: (string | undefined | null)[];
  headers?: Headers;
  /** A wait the body asked for (Gemini `RetryInfo`); headers win when both are given. */
  retryAfterMs?: number;
}

export interface FailureContext {
  provider: string;
  endpoint: string;
  timeoutMs?: number;
  /** Values that must never appear in an error message (the API key). */
  secrets: (string | undefined)[];
  /** Longest `retryAfterMs` an error may carry; longer server asks are cut to it. @defaultValue 60000 */
  retryAfterMaxMs?: number;
}

const CONTEXT_CODES = /context_length_exceeded|string_above_max_length|request_too_large/i;
const CONTEXT_TEXT =
  /context length|context window|maximum context|prompt is too long|too many tokens|input token count .*exceeds|exceeds the maximum number of tokens|reduce the length of the messages/i;
const FILTER_CODES = /content_filter|content_policy_violation|SAFETY|PROHIBITED_CONTENT|BLOCKLIST/;
const AUTH_CODES = /invalid_api_key|authentication_error|permission_error|API_KEY_INVALID|PERMISSION_DENIED|UNAUTHENTICATED/i;
const RATE_CODES = /rate_limit|RESOURCE_EXHAUSTED/i;
const NOT_FOUND_CODES = /model_not_found|not_found_error|NOT_FOUND/i;

/** The error kind an HTTP failure means. */
export const kindForHttpFailure = (failure: HttpFailure): ProviderErrorKind => {
  const codes = (failure.codes ?? []).filter((code): code is string => typeof code === 'string').join(' ');
  const { status, message } = failure;
  if (status === 401 || status === 403 || AUTH_CODES.test(codes)) return 'auth';
  if (status === 429 || RATE_CODES.test(codes)) return 'rate-limit';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  if (status === 404 || NOT_FOUND_CODES.test(codes)) return 'model-not-found';
  if (CONTEXT_CODES.test(codes) || CONTEXT_TEXT.test(message)) return 'context-length';
  if (FILTER_CODES.test(codes)) return 'content-filter';
  return 'bad-request';
};

const requestIdFrom = (headers: Headers | undefined): string | undefined => headers?.get('x-request-id') ?? headers?.get('request-id') ?? undefined;

/**
 * A typed error for an HTTP failure. The server's wait (`retry-after-ms`, `retry-after`,
 * Gemini `RetryInfo`) is held to `context.retryAfterMaxMs`; `x-should-retry` overrides
 * whether the kind is retryable.
 */
export const httpFailureToError = (failure: HttpFailure, context: FailureContext, cause?: unknown): ProviderError => {
  const requestedMs = retryAfterMsFromHeaders(failure.headers) ?? failure.retryAfterMs;
  const retryAfterMs = capRetryAfterMs(requestedMs, context.retryAfterMaxMs);
  const capped = requestedMs !== undefined && retryAfterMs !== requestedMs ? ` (server asked to wait ${requestedMs} ms; capped at ${retryAfterMs} ms)` : '';
  return createProviderError(kindForHttpFailure(failure), {
    message: redactSecrets(`${context.provider} (${context.endpoint}) HTTP ${failure.status}: ${failure.message}${capped}`, context.secrets),
    provider: context.provider,
    endpoint: context.endpoint,
    statusCode: failure.status,
    retryAfterMs,
    shouldRetry: shouldRetryFromHeaders(failure.headers),
    code: (failure.codes ?? []).find((code): code is string => typeof code === 'string'),
    requestId: requestIdFrom(failure.headers),
    cause,
  });
};

const isSyntaxError = (error: unknown): boolean =>
  error instanceof SyntaxError || (error instanceof Error && (error.name === 'SyntaxError' || (error.cause !== undefined && isSyntaxError(error.cause))));

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Any failure of one request as a `ProviderError`, in this order: already typed; our
 * timeout; the caller's abort; an HTTP error the adapter recognised (`describeHttp`); a
 * fetch that never got a response (network); a body that did not parse (invalid
 * response); anything else after a 2xx (invalid response) or before one (server).
 */
export const toProviderError = (error: unknown, scope: RequestScope, context: FailureContext, describeHttp: (error: unknown) => HttpFailure | undefined): ProviderError => {
  if (ProviderError.isInstance(error)) return error;
  const base = { provider: context.provider, endpoint: context.endpoint, cause: error };
  const say = (text: string): string => redactSecrets(`${context.provider} (${context.endpoint}): ${text}`, context.secrets);
  if (scope.timedOut()) {
    return createProviderError('timeout', { ...base, message: say(`timed out after ${context.timeoutMs ?? '?'} ms; request aborted`) });
  }
  if (scope.callerAborted()) return createProviderError('aborted', { ...base, message: say('aborted by caller') });
  const http = describeHttp(error);
  if (http) return httpFailureToError(http, context, error);
  const networkFailure = scope.networkError();
  if (networkFailure !== undefined) {
    const cause = (networkFailure as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? describe(networkFailure);
    return createProviderError('network', { ...base, message: say(`network error: ${detail}`) });
  }
  const last = scope.lastResponse();
  if (isSyntaxError(error) || (last && last.status < 300)) {
    return createProviderError('invalid-response', {
      ...base,
      statusCode: last?.status,
      requestId: requestIdFrom(last?.headers),
      message: say(`invalid response body: ${describe(error)}`),
    });
  }
  if (last && last.status >= 400) {
    return httpFailureToError({ status: last.status, message: describe(error), headers: last.headers }, context, error);
  }
  return createProviderError('server', { ...base, message: say(`unexpected failure: ${describe(error)}`) });
};

/** How a failed call affects the shared provider guard (`@eaio/queues` `ProviderGuard.failed`). */
export type GuardEffect =
  /** Counts against a circuit breaker (`open`: opens it at once): the endpoint's, or the endpoint+model's. */
  | { effect: 'breaker'; scope: 'endpoint' | 'model'; open: boolean; message: string }
  /** Pauses the provider for every worker. */
  | { effect: 'pause'; pauseMs: number; message: string }
  | { effect: 'none' };

export interface FailoverAdvice {
  /** The job's next call should go to the tier's next healthy candidate. */
  failover: boolean;
  guard: GuardEffect;
  /** The endpoint answered: the failure is the request's own (bad request, content filter, …), a success for its breakers. */
  endpointAnswered: boolean;
}

/**
 * What a failed call means for failover and the shared guard: a 429 pauses the provider
 * (its `retry-after`, else `pauseWithoutRetryAfterMs`); 5xx and timeouts count against the
 * endpoint+model's breaker, connection failures against the endpoint's; 404 model-not-found
 * opens the endpoint+model's breaker and 401/403 the endpoint's at once. All of these send
 * the next call to another candidate. Other errors (bad request, context length, content
 * filter, invalid body) are the request's own: no failover, and the endpoint counts as up.
 */
export const failoverAdviceFor = (error: unknown, options: { pauseWithoutRetryAfterMs: number }): FailoverAdvice => {
  if (!ProviderError.isInstance(error)) return { failover: false, guard: { effect: 'none' }, endpointAnswered: false };
  const message = error.message.slice(0, 200);
  switch (error.kind) {
    case 'rate-limit':
      return { failover: true, guard: { effect: 'pause', pauseMs: error.retryAfterMs ?? options.pauseWithoutRetryAfterMs, message }, endpointAnswered: false };
    case 'server':
    case 'timeout':
      return { failover: true, guard: { effect: 'breaker', scope: 'model', open: false, message }, endpointAnswered: false };
    case 'network':
      return { failover: true, guard: { effect: 'breaker', scope: 'endpoint', open: false, message }, endpointAnswered: false };
    case 'model-not-found':
      return { failover: true, guard: { effect: 'breaker', scope: 'model', open: true, message }, endpointAnswered: false };
    case 'auth':
      return { failover: true, guard: { effect: 'breaker', scope: 'endpoint', open: true, message }, endpointAnswered: false };
    case 'aborted':
      return { failover: false, guard: { effect: 'none' }, endpointAnswered: false };
    default:
      return { failover: false, guard: { effect: 'none' }, endpointAnswered: true };
  }
};
