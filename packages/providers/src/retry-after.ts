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

/** Google protobuf duration text (`"31s"`, `"1.5s"`) in milliseconds. */
export const durationTextToMs = (text: unknown): number | undefined => {
  if (typeof text !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(text.trim());
  return match ? nonNegative(Number(match[1]) * 1000) : undefined;
};
