/**
 * Typed provider errors. The worker's retry and escalation logic reads `kind`,
 * `isRetryable` and `retryAfterMs`; messages never carry an API key (adapters pass
 * their messages through `redactSecrets`).
 */

export type ProviderErrorKind =
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'context-length'
  | 'content-filter'
  | 'auth'
  | 'model-not-found'
  | 'bad-request'
  | 'invalid-response'
  | 'network'
  | 'aborted';

const MARKER = Symbol.for('eaio.providers.error');

/** Kinds a retry can cure. */
const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rate-limit', 'server', 'timeout', 'network', 'invalid-response']);

/** How often a kind may be retried at most, when it is limited (else the job's attempts decide). */
const RETRY_LIMIT: Partial<Record<ProviderErrorKind, number>> = { 'invalid-response': 1 };

export interface ProviderErrorDetails {
  message: string;
  provider: string;
  endpoint: string;
  statusCode?: number;
  /** Server-requested wait before the next attempt (already held to the configured cap). */
  retryAfterMs?: number;
  /**
   * The server's own verdict (`x-should-retry`); when given it decides `isRetryable`
   * instead of the kind.
   */
  shouldRetry?: boolean;
  /** Provider error code or type (`rate_limit_exceeded`, `RESOURCE_EXHAUSTED`, …). */
  code?: string;
  requestId?: string;
  cause?: unknown;
}

export class ProviderError extends Error {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read through the symbol in isProviderError, across module copies
  private readonly [MARKER] = true;
  readonly kind: ProviderErrorKind;
  readonly isRetryable: boolean;
  /** Retries this kind allows at most; `undefined` = as many as the job's attempts. */
  readonly retryLimit?: number;
  readonly retryAfterMs?: number;
  readonly statusCode?: number;
  readonly provider: string;
  readonly endpoint: string;
  readonly code?: string;
  readonly requestId?: string;

  constructor(kind: ProviderErrorKind, details: ProviderErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.isRetryable = details.shouldRetry ?? RETRYABLE.has(kind);
    this.retryLimit = RETRY_LIMIT[kind];
    this.retryAfterMs = details.retryAfterMs;
    this.statusCode = details.statusCode;
    this.provider = details.provider;
    this.endpoint = details.endpoint;
    this.code = details.code;
    this.requestId = details.requestId;
  }

  static isInstance(error: unknown): error is ProviderError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

const isKind = (error: unknown, kind: ProviderErrorKind): boolean => ProviderError.isInstance(error) && error.kind === kind;

/** 429 / quota exhausted. Retryable after `retryAfterMs`. */
export class RateLimitError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('rate-limit', details);
    this.name = 'RateLimitError';
  }
  static override isInstance(error: unknown): error is RateLimitError {
    return isKind(error, 'rate-limit');
  }
}

/** 5xx, Anthropic 529 overloaded. Retryable. */
export class ServerError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('server', details);
    this.name = 'ServerError';
  }
  static override isInstance(error: unknown): error is ServerError {
    return isKind(error, 'server');
  }
}

/** The request ran past its `timeoutMs` and was aborted. Retryable. */
export class TimeoutError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('timeout', details);
    this.name = 'TimeoutError';
  }
  static override isInstance(error: unknown): error is TimeoutError {
    return isKind(error, 'timeout');
  }
}

/** Prompt longer than the model's context. Not retryable: escalate to a bigger model. */
export class ContextLengthError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('context-length', details);
    this.name = 'ContextLengthError';
  }
  static override isInstance(error: unknown): error is ContextLengthError {
    return isKind(error, 'context-length');
  }
}

/** Content filtered or refused by the model. Not retryable. */
export class ContentFilterError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('content-filter', details);
    this.name = 'ContentFilterError';
  }
  static override isInstance(error: unknown): error is ContentFilterError {
    return isKind(error, 'content-filter');
  }
}

/** Missing or wrong API key, no permission. Not retryable. */
export class AuthError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('auth', details);
    this.name = 'AuthError';
  }
  static override isInstance(error: unknown): error is AuthError {
    return isKind(error, 'auth');
  }
}

/** The endpoint does not serve the model. Not retryable here (pick another endpoint). */
export class ModelNotFoundError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('model-not-found', details);
    this.name = 'ModelNotFoundError';
  }
  static override isInstance(error: unknown): error is ModelNotFoundError {
    return isKind(error, 'model-not-found');
  }
}

/** Any other 4xx. Not retryable. */
export class BadRequestError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('bad-request', details);
    this.name = 'BadRequestError';
  }
  static override isInstance(error: unknown): error is BadRequestError {
    return isKind(error, 'bad-request');
  }
}

/** 2xx with a body that is not valid wire JSON or lacks the answer. Retryable once. */
export class InvalidResponseError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('invalid-response', details);
    this.name = 'InvalidResponseError';
  }
  static override isInstance(error: unknown): error is InvalidResponseError {
    return isKind(error, 'invalid-response');
  }
}

/** Connection refused / reset / DNS. Retryable; marks the endpoint unhealthy. */
export class NetworkError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('network', details);
    this.name = 'NetworkError';
  }
  static override isInstance(error: unknown): error is NetworkError {
    return isKind(error, 'network');
  }
}

/** The caller's signal aborted the request (shutdown). Not retryable by this attempt. */
export class AbortedError extends ProviderError {
  constructor(details: ProviderErrorDetails) {
    super('aborted', details);
    this.name = 'AbortedError';
  }
  static override isInstance(error: unknown): error is AbortedError {
    return isKind(error, 'aborted');
  }
}

const CONSTRUCTORS: Record<ProviderErrorKind, new (details: ProviderErrorDetails) => ProviderError> = {
  'rate-limit': RateLimitError,
  server: ServerError,
  timeout: TimeoutError,
  'context-length': ContextLengthError,
  'content-filter': ContentFilterError,
  auth: AuthError,
  'model-not-found': ModelNotFoundError,
  'bad-request': BadRequestError,
  'invalid-response': InvalidResponseError,
  network: NetworkError,
  aborted: AbortedError,
};

/** The subclass instance for `kind`. */
export const createProviderError = (kind: ProviderErrorKind, details: ProviderErrorDetails): ProviderError => new CONSTRUCTORS[kind](details);

/** Replaces every occurrence of each secret (length ≥ 4) with `[redacted]`. */
export const redactSecrets = (text: string, secrets: (string | undefined)[]): string =>
  secrets.reduce<string>((result, secret) => (secret && secret.length >= 4 ? result.split(secret).join('[redacted]') : result), text);
