import { describe, expect, it } from 'vitest';
import { batchApiSchema, parseDeadline } from './batch-api-config';

describe('batchApi config and --deadline', () => {
  const now = new Date('2026-11-30T06:00:00Z');
  it('reads durations and ISO times', () => {
    expect(parseDeadline('24h', now).toISOString()).toBe('2026-12-01T06:00:00.000Z');
    expect(parseDeadline('90m', now).toISOString()).toBe('2026-11-30T07:30:00.000Z');
    expect(parseDeadline('2d', now).toISOString()).toBe('2026-12-02T06:00:00.000Z');
    expect(parseDeadline('30s', now).toISOString()).toBe('2026-11-30T06:00:30.000Z');
    expect(parseDeadline('2026-12-03T00:00:00Z', now).toISOString()).toBe('2026-12-03T00:00:00.000Z');
  });
  it('refuses what is neither', () => {
    expect(() => parseDeadline('tomorrow', now)).toThrow(/duration \(30m, 24h, 2d\) or an ISO date-time/);
  });
  it('defaults: on, half price at OpenAI and Anthropic, an hour of margin; a share above 1 is refused', () => {
    expect(batchApiSchema.parse({})).toEqual({
      enabled: true,
      priceShare: { openai: 0.5, anthropic: 0.5 },
      fallbackMarginSec: 3600,
      collectSec: 5,
      maxRequestsPerBatch: 10_000,
      pollSec: 30,
    });
    expect(batchApiSchema.safeParse({ priceShare: { openai: 1.5 } }).success).toBe(false);
  });
});
