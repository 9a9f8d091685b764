import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BAD_FIXTURE_METADATA, BAD_INPUT_FIXTURES } from '../synthetic/bad-input-fixtures';
import type { InputIssue } from './input-issue';
import { readMeterSeries, type BuildingSeries } from './meter-reader';

const FIXTURES = join(import.meta.dirname, '../../fixtures/bad');
const known = new Set(['b1', 'b2']);

const readAll = async (source: Parameters<typeof readMeterSeries>[0], options: Parameters<typeof readMeterSeries>[1] = {}) => {
  const issues: InputIssue[] = [];
  const series: BuildingSeries[] = [];
  const progress: number[] = [];
  for await (const part of readMeterSeries(source, {
    knownBuildings: known,
    onIssue: (issue) => issues.push(issue),
    onProgress: (p) => progress.push(p.rows),
    progressEveryRows: 2,
    ...options,
  }))
    series.push(part);
  return { issues, series, progress };
};
const text = (content: string, name = 'inline.csv') => ({ stream: Readable.from([Buffer.from(content)]), name });

describe('readMeterSeries on the committed bad-input fixtures', () => {
  it('committed fixtures match the generator', async () => {
    expect(await readFile(join(FIXTURES, 'metadata.csv'), 'utf8')).toBe(BAD_FIXTURE_METADATA);
    for (const fixture of BAD_INPUT_FIXTURES) expect(await readFile(join(FIXTURES, fixture.file), 'utf8')).toBe(fixture.content);
  });
  for (const fixture of BAD_INPUT_FIXTURES) {
    it(`${fixture.file}: reports ${fixture.expectedKinds.join(', ')} and keeps ${fixture.validBuildings.join(', ') || 'nothing'}`, async () => {
      const { issues, series } = await readAll(join(FIXTURES, fixture.file));
      for (const kind of fixture.expectedKinds) expect(issues.map((issue) => issue.kind)).toContain(kind);
      for (const issue of issues) {
        expect(issue.file).toContain(fixture.file);
        expect(issue.hint.length).toBeGreaterThan(5);
        expect(issue.line).toBeGreaterThanOrEqual(0);
      }
      expect(
        series
          .filter((part) => part.series)
          .map((part) => part.buildingId)
          .sort(),
      ).toEqual([...fixture.validBuildings].sort());
    });
  }
});

describe('readMeterSeries details', () => {
  it('reads long format with line numbers on issues and keeps the first duplicate', async () => {
    const { issues, series } = await readAll(text('building_id,timestamp,kwh\nb1,2019-01-01T00:00:00Z,5\nb1,2019-01-01T00:00:00Z,7\nb1,2019-01-01T02:00:00Z,-1\n'));
    expect(issues.map((issue) => [issue.kind, issue.line, issue.buildingId])).toEqual([
      ['duplicate-timestamp', 3, 'b1'],
      ['negative-reading', 4, 'b1'],
    ]);
    const b1 = series[0];
    expect(b1.series!.startHour).toBe(Date.UTC(2019, 0, 1) / 3_600_000);
    expect([...b1.series!.values]).toEqual([5, Number.NaN, -1]);
    expect(b1).toMatchObject({ rows: 3, rejectedRows: 1, duplicateHours: 1, negativeHours: 1 });
  });

  it('reads wide format and gzip streams', async () => {
    const content = 'timestamp,a,b\n2019-01-01T00:00:00Z,1,2\n2019-01-01T01:00:00Z,,4\n';
    const { series, issues } = await readAll({ stream: Readable.from([gzipSync(content)]), name: 'x.csv.gz', gzip: true }, { knownBuildings: undefined });
    expect(issues).toEqual([]);
    expect(series.map((part) => [part.buildingId, [...part.series!.values]])).toEqual([
      ['a', [1]],
      ['b', [2, 4]],
    ]);
  });

  it('yields each building of a sorted long file as soon as its block ends', async () => {
    const total = 50_000;
    let produced = 0;
    async function* lines() {
      yield 'building_id,timestamp,kwh\nb1,2019-01-01T00:00:00Z,1\n';
      for (; produced < total; produced += 1) yield `b2,${new Date(Date.UTC(2019, 0, 1, produced)).toISOString()},2\n`;
    }
    const iterator = readMeterSeries({ stream: Readable.from(lines()), name: 's.csv' })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value.buildingId).toBe('b1');
    expect(produced).toBeLessThan(total / 2);
    const second = await iterator.next();
    expect(second.value.series.values.length).toBe(total);
    expect(produced).toBe(total);
  });

  it('marks later blocks of an unsorted file as continuations and reports it once', async () => {
    const { series, issues } = await readAll(
      text('building_id,timestamp,kwh\nb1,2019-01-01T00:00:00Z,1\nb2,2019-01-01T00:00:00Z,2\nb1,2019-01-01T01:00:00Z,3\nb2,2019-01-01T01:00:00Z,4\nb1,2019-01-01T02:00:00Z,5\n'),
    );
    expect(issues.filter((issue) => issue.kind === 'unsorted-input')).toHaveLength(1);
    expect(series.map((part) => [part.buildingId, part.continuation, [...part.series!.values]])).toEqual([
      ['b1', false, [1]],
      ['b2', false, [2]],
      ['b1', true, [3, 5]],
      ['b2', true, [4]],
    ]);
  });

  it('reports progress and caps repeated issues with a summary', async () => {
    const rows = Array.from({ length: 70 }, (_, index) => `b1,2019-01-0${1 + Math.floor(index / 24)}T${String(index % 24).padStart(2, '0')}:00:00Z,bad`).join('\n');
    const { issues, progress } = await readAll(text(`building_id,timestamp,kwh\n${rows}\n`));
    expect(issues.filter((issue) => issue.kind === 'non-numeric')).toHaveLength(50);
    expect(issues.find((issue) => issue.kind === 'more-issues')?.message).toMatch(/20 more 'non-numeric'.*70 in all/);
    expect(issues.some((issue) => issue.kind === 'unusable-building' && issue.buildingId === 'b1')).toBe(true);
    expect(progress.at(-1)).toBe(70);
    expect(progress[0]).toBe(2);
  });

  it('says what header it expected', async () => {
    const { issues } = await readAll(text('building_id,site_id,sqm\nb1,s,1\n'));
    expect(issues[0]).toMatchObject({ kind: 'wrong-header', line: 1 });
    expect(issues[0].hint).toContain('building_id,timestamp,kwh');
  });

  it('reports readings above the plausibility limits by line and field and leaves their hours missing (per m² where the area is known)', async () => {
    const csv =
      'building_id,timestamp,kwh\n' +
      'b1,2019-01-01T00:00:00Z,10\nb1,2019-01-01T01:00:00Z,99999999999999999999999\nb1,2019-01-01T02:00:00Z,1e309\n' +
      'b2,2019-01-01T00:00:00Z,150\nb2,2019-01-01T01:00:00Z,250\nb2,2019-01-01T02:00:00Z,0\n';
    const { issues, series } = await readAll(text(csv), { floorAreaOf: (id) => (id === 'b2' ? 100 : null) });
    expect(issues.map((issue) => [issue.kind, issue.line, issue.field ?? '', issue.buildingId])).toEqual([
      ['implausible-reading', 3, 'kwh', 'b1'],
      ['non-numeric', 4, 'kwh', 'b1'],
      ['implausible-reading', 6, 'kwh', 'b2'],
    ]);
    const [b1, b2] = series;
    expect([...b1.series!.values]).toEqual([10]);
    expect(b1).toMatchObject({ implausibleHours: 1, rejectedRows: 2 });
    // 250 kWh in an hour on 100 m² is 2.5 kWh/m²: out; the zero stays (whether it is missing is the facts' zero policy).
    expect([...b2.series!.values]).toEqual([150, Number.NaN, 0]);
    expect(b2.implausibleHours).toBe(1);

    const strict = await readAll(text(csv), { limits: { maxKwhPerHour: 100 } });
    expect(strict.issues.filter((issue) => issue.kind === 'implausible-reading').map((issue) => issue.line)).toEqual([3, 5, 6]);
  });

  it('reports a row that is not UTF-8 by line and skips it (no building named with U+FFFD)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('building_id,timestamp,kwh\nb1,2019-01-01T00:00:00Z,1\n'),
      Buffer.from([0x62, 0xe9, 0x2c]),
      Buffer.from('2019-01-01T00:00:00Z,2\n'),
      Buffer.from('b2,2019-01-01T00:00:00Z,3\n'),
    ]);
    const { issues, series } = await readAll({ stream: Readable.from([bytes]), name: 'latin1.csv' });
    expect(issues.map((issue) => [issue.kind, issue.line])).toEqual([['invalid-utf8', 3]]);
    expect(series.map((part) => part.buildingId)).toEqual(['b1', 'b2']);
  });
});
