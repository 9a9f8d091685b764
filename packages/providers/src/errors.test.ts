import { describe, expect, it } from 'vitest';
import { httpFailureToError, kindForHttpFailure } from './classify-failure';
import { NO_RETRY, retryDelayMs } from './retry-delay';
import { ContextLengthError, createProviderError, ProviderError, RateLimitError, redactSecrets, ServerError } from './errors';

const context = { provider: 'openai', endpoint: 'openai', secrets: ['sk-live-abcdef123456'] };

describe('ProviderError', () => {
  it('recognises instances by kind, and the base by marker', () => {
    const limited = new RateLimitError({ message: 'slow down', provider: 'openai', endpoint: 'openai', retryAfterMs: 1_000 });
    expect(ProviderError.isInstance(limited)).toBe(true);
    expect(RateLimitError.isInstance(limited)).toBe(true);
    expect(ServerError.isInstance(limited)).toBe(false);
    expect(ProviderError.isInstance(new Error('plain'))).toBe(false);
    expect(ProviderError.isInstance({ kind: 'rate-limit' })).toBe(false);
    expect(limited).toBeInstanceOf(Error);
    expect(limited).toMatchObject({ name: 'RateLimitError', isRetryable: true, retryAfterMs: 1_000 });
    expect(createProviderError('context-length', { message: 'long', provider: 'x', endpoint: 'y' })).toBeInstanceOf(ContextLengthError);
  });
});

describe('kindForHttpFailure', () => {
  it.each([
    [{ status: 429, message: 'Rate limit reached' }, 'rate-limit'],
    [{ status: 400, message: 'quota', codes: ['RESOURCE_EXHAUSTED'] }, 'rate-limit'],
    [{ status: 500, message: 'oops' }, 'server'],
    [{ status: 529, message: 'Overloaded', codes: ['overloaded_error'] }, 'server'],
    [{ status: 503, message: 'The model is overloaded.' }, 'server'],
    [{ status: 408, message: 'Request timeout' }, 'timeout'],
    [{ status: 401, message: 'Incorrect API key' }, 'auth'],
    [{ status: 403, message: 'forbidden' }, 'auth'],
    [{ status: 400, message: 'API key not valid.', codes: ['INVALID_ARGUMENT', 'API_KEY_INVALID'] }, 'auth'],
    [{ status: 404, message: 'model "x" not found, try pulling it first' }, 'model-not-found'],
    [{ status: 400, message: 'whatever', codes: ['context_length_exceeded'] }, 'context-length'],
    [{ status: 400, message: 'prompt is too long: 210000 tokens > 200000 maximum' }, 'context-length'],
    [{ status: 400, message: 'The input token count (1048700) exceeds the maximum number of tokens allowed (1048576).' }, 'context-length'],
    [{ status: 400, message: "input length exceeds the model's maximum context length" }, 'context-length'],
    [{ status: 400, message: 'blocked', codes: ['content_policy_violation'] }, 'content-filter'],
    [{ status: 400, message: 'max_tokens: Field required' }, 'bad-request'],
    [{ status: 422, message: 'unprocessable' }, 'bad-request'],
  ])('%o → %s', (failure, kind) => {
    expect(kindForHttpFailure(failure)).toBe(kind);
  });

  it('builds a typed error with retry-after from headers winning over the body, and no key in the message', () => {
    const error = httpFailureToError(
      {
        status: 429,
        message: 'key sk-live-abcdef123456 is over its limit',
        codes: ['rate_limit_exceeded'],
        headers: new Headers({ 'retry-after': '2', 'x-request-id': 'req_1' }),
        retryAfterMs: 31_000,
      },
      context,
    );
    expect(error).toMatchObject({ kind: 'rate-limit', statusCode: 429, retryAfterMs: 2_000, requestId: 'req_1', code: 'rate_limit_exceeded' });
    expect(error.message).not.toContain('sk-live-abcdef123456');
    expect(error.message).toContain('[redacted]');
    expect(httpFailureToError({ status: 429, message: 'quota', retryAfterMs: 31_000 }, context).retryAfterMs).toBe(31_000);
  });

  it('caps the server-requested wait at 60 s by default, or at the configured maximum', () => {
    const hour = httpFailureToError({ status: 429, message: 'quota', headers: new Headers({ 'retry-after': '3600' }) }, context);
    expect(hour.retryAfterMs).toBe(60_000);
    expect(hour.message).toContain('server asked to wait 3600000 ms; capped at 60000 ms');
    const dated = httpFailureToError({ status: 503, message: 'busy', headers: new Headers({ 'retry-after': new Date(Date.now() + 86_400_000).toUTCString() }) }, context);
    expect(dated.retryAfterMs).toBe(60_000);
    expect(httpFailureToError({ status: 429, message: 'quota', retryAfterMs: 7_200_000 }, { ...context, retryAfterMaxMs: 5_000 }).retryAfterMs).toBe(5_000);
    expect(httpFailureToError({ status: 429, message: 'quota', headers: new Headers({ 'retry-after-ms': '1500' }) }, { ...context, retryAfterMaxMs: 5_000 }).retryAfterMs).toBe(
      1_500,
    );
    expect(httpFailureToError({ status: 429, message: 'quota' }, context).retryAfterMs).toBeUndefined();
  });

  it('honours x-should-retry: false forbids a retry, true allows one the status would not', () => {
    const noRetry = httpFailureToError({ status: 429, message: 'quota', headers: new Headers({ 'x-should-retry': 'false', 'retry-after': '1' }) }, context);
    expect(noRetry).toMatchObject({ kind: 'rate-limit', isRetryable: false });
    expect(retryDelayMs(noRetry, 1)).toBe(NO_RETRY);
    const retry = httpFailureToError({ status: 409, message: 'conflict', headers: new Headers({ 'x-should-retry': 'true' }) }, context);
    expect(retry).toMatchObject({ kind: 'bad-request', isRetryable: true });
    expect(retryDelayMs(retry, 1, { random: () => 0 })).toBe(500);
    const absent = httpFailureToError({ status: 400, message: 'bad', headers: new Headers({ 'x-should-retry': 'maybe' }) }, context);
    expect(absent.isRetryable).toBe(false);
    expect(httpFailureToError({ status: 500, message: 'oops', headers: new Headers() }, context).isRetryable).toBe(true);
  });

  it('redacts every occurrence and ignores empty secrets', () => {
    expect(redactSecrets('a KEY1234 b KEY1234', ['KEY1234', undefined, ''])).toBe('a [redacted] b [redacted]');
  });
});
