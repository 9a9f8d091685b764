import { retryDelayMs } from '@eaio/providers';
import { RetryableAttemptError } from './process-job';

/**
 * BullMQ owns retries (the SDKs' own retries are off). This backoff strategy is set on
 * every tier worker: exponential with jitter, never earlier than the provider's
 * `retry-after`.
 */
export const providerBackoff =
  (options: { baseMs: number; maxMs: number }) =>
  (attemptsMade: number, _type: string | undefined, error: Error | undefined): number => {
    const retryAfterMs = RetryableAttemptError.isInstance(error) ? error.retryAfterMs : undefined;
    return retryDelayMs({ retryAfterMs } as never, attemptsMade, options);
  };
