import { retryDelayMs } from '@eaio/providers';

/**
 * BullMQ owns retries (the SDKs' own retries are off). This backoff strategy is set on
 * every tier worker: exponential with jitter, never earlier than the provider's
 * `retry-after`.
 */
export const providerBackoff =
  (options: { baseMs: number; maxMs: number }) =>
  (attemptsMade: number, _type: string | undefined, error: Error | undefined): number =>
    // process-job already decided the retry; the error carries the provider's retry-after.
    retryDelayMs(error, attemptsMade, options);
