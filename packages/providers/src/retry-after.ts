/**
 * Server-requested waits: `retry-after-ms` (OpenAI), `retry-after` in seconds or as
 * an HTTP-date (RFC 9110 §10.2.3), and Google's `RetryInfo.retryDelay` ("31s").
 */

export type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined;

const headerValue = (headers: HeaderSource, name: string): string | undefined => {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
};

const nonNegative = (value: number): number | undefined => (Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined);

/**
 * Milliseconds the server asked to wait, or `undefined` when it did not say.
 * `retry-after-ms` wins over `retry-after`; a past HTTP-date gives 0.
 */
export const retryAfterMsFromHeaders = (headers: HeaderSource, now: number = Date.now()): number | undefined => {
  const milliseconds = headerValue(headers, 'retry-after-ms')?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return nonNegative(Number(milliseconds));
  const retryAfter = headerValue(headers, 'retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return nonNegative(Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};

/** Longest server-requested wait an error carries unless configured (`retries.retryAfterMaxMs`). */
export const DEFAULT_RETRY_AFTER_MAX_MS = 60_000;

/** `requested` held to `maxMs`: a server asking for an hour must not park a job for an hour. */
export const capRetryAfterMs = (requested: number | undefined, maxMs: number = DEFAULT_RETRY_AFTER_MAX_MS): number | undefined =>
  requested === undefined ? undefined : Math.min(requested, Math.max(0, maxMs));

/**
 * The server's `x-should-retry` header (OpenAI and Anthropic send it; their SDKs obey it):
 * `true` = retry even if the status would not be retried, `false` = do not retry;
 * `undefined` when absent or anything else.
 */
export const shouldRetryFromHeaders = (headers: HeaderSource): boolean | undefined => {
  const value = headerValue(headers, 'x-should-retry')?.trim().toLowerCase();
  return value === 'true' ? true : value === 'false' ? false : undefined;
};

/** Google protobuf duration text (`"31s"`, `"1.5s"`) in milliseconds. */
export const durationTextToMs = (text: unknown): number | undefined => {
  if (typeof text !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(text.trim());
  return match ? nonNegative(Number(match[1]) * 1000) : undefined;
};
