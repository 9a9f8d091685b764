import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { InputIssue } from './input-issue';
import { readMetadata } from './metadata-reader';
import { readWeather } from './weather-reader';
import { parseTimestamp } from './parse-timestamp';

const text = (content: string) => ({ stream: Readable.from([Buffer.from(content)]), name: 'inline.csv' });

describe('readMetadata', () => {
  it('reads sqm, falls back to sqft, reports bad zones, duplicates and non-positive areas', async () => {
    const issues: InputIssue[] = [];
    const table = await readMetadata(text('building_id,sqm,sqft,primaryspaceusage,timezone,site_id\na,100,,Office,Europe/London,s\nb,,1076.39,,Mars/Base,s\nc,0,,,,\na,5,,,,\n'), {
      onIssue: (issue) => issues.push(issue),
    });
    expect(table.get('a')).toMatchObject({ sqm: 100, primaryUse: 'Office', timezone: 'Europe/London', siteId: 's' });
    expect(table.get('b')!.sqm).toBeCloseTo(100, 6);
    expect(table.get('b')!.timezone).toBe('UTC');
    expect(table.get('c')!.sqm).toBeNull();
    expect(issues.map((issue) => [issue.kind, issue.line, issue.field ?? ''])).toEqual([
      ['bad-value', 3, 'timezone'],
      ['bad-value', 4, 'sqm'],
      ['duplicate-building', 5, ''],
    ]);
  });
});

describe('readWeather', () => {
  it('keeps air temperature per site and reports implausible values', async () => {
    const issues: InputIssue[] = [];
    const weather = await readWeather(
      text('timestamp,site_id,airTemperature\n2019-01-01T00:00:00Z,s,1.5\n2019-01-01T01:00:00Z,s,\n2019-01-01T02:00:00Z,s,99\n2019-01-01T03:00:00Z,s,2\n'),
      { onIssue: (issue) => issues.push(issue) },
    );
    expect([...weather.sites.get('s')!.values]).toEqual([1.5, Number.NaN, Number.NaN, 2]);
    expect(issues.map((issue) => [issue.kind, issue.line])).toEqual([['bad-value', 4]]);
  });
});

describe('parseTimestamp', () => {
  it('accepts ISO and BDG2 forms and rejects impossible dates', () => {
    const hour = Date.UTC(2019, 0, 1) / 3_600_000;
    expect(parseTimestamp('2019-01-01T00:00:00Z')).toEqual({ ok: true, hour });
    expect(parseTimestamp('2019-01-01 00:00:00')).toEqual({ ok: true, hour });
    expect(parseTimestamp('2019-01-01T01:00:00+01:00')).toEqual({ ok: true, hour });
    expect(parseTimestamp('2019-02-29T00:00:00Z').ok).toBe(false);
    expect(parseTimestamp('2019-01-01T00:15:00Z').ok).toBe(false);
    expect(parseTimestamp('01/01/2019 00:00').ok).toBe(false);
  });
});
