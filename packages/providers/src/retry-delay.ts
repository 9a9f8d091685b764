import { ProviderError } from './errors';

export interface RetryDelayOptions {
  /** Delay of the first retry before jitter. @defaultValue 1000 */
  baseMs?: number;
  /** Cap of the exponential part (a longer `retryAfterMs` still wins). @defaultValue 60000 */
  maxMs?: number;
  /** Source of jitter in [0, 1). @defaultValue Math.random */
  random?: () => number;
}

/** What `retryDelayMs` returns when the error must not be retried (BullMQ's "fail now"). */
export const NO_RETRY = -1;

/**
 * Backoff for BullMQ's custom `backoffStrategy` (the SDKs never retry themselves):
 * "equal jitter" exponential backoff, `half + random × half` of `min(maxMs, baseMs × 2^(n-1))`,
 * never earlier than the server's `retryAfterMs`.
 *
 * @param attemptsMade attempts so far, including the one that just failed (BullMQ passes it so).
 * @returns milliseconds to wait, or `NO_RETRY` (-1) for errors a retry cannot cure
 *   (auth, context length, content filter, bad request, model not found, aborted) and for
 *   kinds whose `retryLimit` is spent (an invalid response is retried once).
 *   Errors that are not `ProviderError`s are retried with the plain backoff, still never
 *   below a numeric `retryAfterMs` they carry (e.g. a worker's own wrapper error).
 */
export const retryDelayMs = (error: unknown, attemptsMade: number, options: RetryDelayOptions = {}): number => {
  const { baseMs = 1000, maxMs = 60_000, random = Math.random } = options;
  if (ProviderError.isInstance(error)) {
    if (!error.isRetryable) return NO_RETRY;
    if (error.retryLimit !== undefined && attemptsMade > error.retryLimit) return NO_RETRY;
  }
  const exponent = Math.max(0, attemptsMade - 1);
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(exponent, 30));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  const retryAfterMs = typeof error === 'object' && error !== null ? (error as { retryAfterMs?: unknown }).retryAfterMs : undefined;
  const floor = typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) ? retryAfterMs : 0;
  return Math.max(jittered, floor);
};
