import { describe, expect, it } from 'vitest';
import { localizeTimestamps, localPeriod, localTime } from './local-time';

describe('local time in analysis text', () => {
  it('shows UTC instants in the building time zone, daylight saving included', () => {
    expect(localTime('2019-01-15T13:00:00Z', 'Europe/London')).toBe('2019-01-15 13:00 UTC+00:00');
    expect(localTime('2019-07-15T13:00:00.000Z', 'Europe/London')).toBe('2019-07-15 14:00 UTC+01:00');
    expect(localTime('2019-07-15T13:00:00Z', 'America/New_York')).toBe('2019-07-15 09:00 UTC-04:00');
  });

  it('rewrites every UTC timestamp in a message and leaves other numbers alone', () => {
    const text = 'electricity: 48 h with no valid reading from 2019-06-01T23:00:00.000Z to 2019-06-03T23:00:00+00:00 (2019-06-02 is a local date, 12:30 a clock time)';
    expect(localizeTimestamps(text, 'Europe/London')).toBe(
      'electricity: 48 h with no valid reading from 2019-06-02 00:00 UTC+01:00 to 2019-06-04 00:00 UTC+01:00 (2019-06-02 is a local date, 12:30 a clock time)',
    );
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(localPeriod('2019-01-01T00:00:00Z', '2019-01-02T00:00:00Z', 'Mars/Olympus')).toBe('2019-01-01 00:00 UTC+00:00 – 2019-01-02 00:00 UTC+00:00');
  });
});
