import { describe, expect, it } from 'vitest';
import {
  AuthError,
  BadRequestError,
  ContentFilterError,
  ContextLengthError,
  InvalidResponseError,
  ModelNotFoundError,
  AbortedError,
  NetworkError,
  RateLimitError,
  ServerError,
  TimeoutError,
} from './errors';
import { NO_RETRY, retryDelayMs } from './retry-delay';
import { durationTextToMs, retryAfterMsFromHeaders } from './retry-after';

const details = { message: 'x', provider: 'openai', endpoint: 'openai' };

describe('retryDelayMs', () => {
  it('grows exponentially within [half, full] of the capped step', () => {
    const low = (attempt: number) => retryDelayMs(new ServerError(details), attempt, { baseMs: 100, maxMs: 1_000, random: () => 0 });
    const high = (attempt: number) => retryDelayMs(new ServerError(details), attempt, { baseMs: 100, maxMs: 1_000, random: () => 0.999_999 });
    expect([1, 2, 3, 4, 5, 6].map(low)).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map(high)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('never goes below the server retryAfterMs, even above maxMs', () => {
    const limited = new RateLimitError({ ...details, retryAfterMs: 30_000 });
    expect(retryDelayMs(limited, 1, { baseMs: 100, maxMs: 1_000, random: () => 0 })).toBe(30_000);
    const short = new RateLimitError({ ...details, retryAfterMs: 10 });
    expect(retryDelayMs(short, 3, { baseMs: 100, random: () => 0 })).toBe(200);
  });

  it('refuses to retry what a retry cannot cure', () => {
    for (const error of [
      new AuthError(details),
      new ContextLengthError(details),
      new ContentFilterError(details),
      new BadRequestError(details),
      new ModelNotFoundError(details),
      new AbortedError(details),
    ]) {
      expect(retryDelayMs(error, 1)).toBe(NO_RETRY);
    }
    for (const error of [new TimeoutError(details), new NetworkError(details), new ServerError(details), new RateLimitError(details)]) {
      expect(retryDelayMs(error, 1)).toBeGreaterThan(0);
    }
  });

  it('retries an invalid response once only', () => {
    expect(retryDelayMs(new InvalidResponseError(details), 1)).toBeGreaterThan(0);
    expect(retryDelayMs(new InvalidResponseError(details), 2)).toBe(NO_RETRY);
  });

  it('backs off plain errors too', () => {
    expect(retryDelayMs(new Error('boom'), 2, { baseMs: 1_000, random: () => 0 })).toBe(1_000);
    expect(retryDelayMs(Object.assign(new Error('wrapped'), { retryAfterMs: 5_000 }), 1, { baseMs: 10, random: () => 0 })).toBe(5_000);
  });
});

describe('retry-after parsing', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('prefers retry-after-ms, reads seconds and HTTP-dates', () => {
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1_500);
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterMsFromHeaders({ 'Retry-After': '0.5' })).toBe(500);
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 23:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMsFromHeaders(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMsFromHeaders(new Headers())).toBeUndefined();
  });

  it('reads Google duration text', () => {
    expect(durationTextToMs('31s')).toBe(31_000);
    expect(durationTextToMs('1.5s')).toBe(1_500);
    expect(durationTextToMs('31')).toBeUndefined();
  });
});
