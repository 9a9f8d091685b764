import { describe, expect, it } from 'vitest';
import type { BuildingFacts, BuildingMetadata } from '../types';
import { computeFacts } from './building-facts';
import { flattenFacts } from './flatten-facts';
import { comparePeers } from './peers';
import { makeSeries } from './test-series';

const metadata = (overrides: Partial<BuildingMetadata> = {}): BuildingMetadata => ({
  buildingId: 'b1',
  sqm: 1000,
  primaryUse: 'Office',
  timezone: 'Europe/London',
  siteId: 's',
  ...overrides,
});
const weekdayShape = (index: number, date: Date): number => (date.getUTCDay() % 6 === 0 ? 3 : 5) + (index % 24 >= 8 && index % 24 < 18 ? 4 : 0);
const year = makeSeries('2019-01-01T00:00:00Z', 8760, weekdayShape);
const temperature = makeSeries('2019-01-01T00:00:00Z', 8760, (index) => 10 - 8 * Math.cos((2 * Math.PI * index) / 8760));
const weather = { sites: new Map([['s', temperature]]) };

/** No number in the facts is NaN or infinite. */
const expectFinite = (facts: BuildingFacts): void => {
  JSON.stringify(facts, (key, value) => {
    if (typeof value === 'number') expect(Number.isFinite(value), key).toBe(true);
    return value;
  });
};

describe('computeFacts on bad data', () => {
  it('all zeros: critical all-zero issue, every load and energy figure null with a reason', () => {
    const facts = computeFacts({ metadata: metadata(), meters: [{ meter: 'electricity', series: makeSeries('2019-01-01T00:00:00Z', 8760, () => 0) }], weather });
    const meter = facts.meters[0];
    expect(meter.annualKwh).toBeNull();
    expect(meter.euiKwhPerSqm).toBeNull();
    expect(meter.load.peakKw).toBeNull();
    expect(meter.coverage).toMatchObject({ validHours: 0, zeroHours: 8760, coverageRatio: 0, longestGapHours: 8760 });
    expect(facts.dataIssues.find((issue) => issue.kind === 'all-zero')?.severity).toBe('critical');
    expect(facts.missing.map((entry) => entry.metric)).toEqual(expect.arrayContaining(['electricity.annualKwh', 'electricity.load.baseloadKw', 'electricity.weather']));
    expectFinite(facts);
    expect(Object.keys(flattenFacts(facts))).not.toContain('electricity.annualKwh');
  });

  it('a single day: load figures exist, annual, weather, weekend ratio and anomalies are missing', () => {
    const facts = computeFacts({ metadata: metadata(), meters: [{ meter: 'electricity', series: makeSeries('2019-01-07T00:00:00Z', 24, (index) => 2 + index) }], weather });
    const meter = facts.meters[0];
    expect(meter.load.peakKw).toBe(25);
    expect(meter.annualKwh).toBeNull();
    expect(meter.weather).toBeNull();
    expect(meter.anomalies).toEqual([]);
    expect(facts.dataIssues.find((issue) => issue.kind === 'short-period')?.severity).toBe('critical');
    expect(facts.missing.map((entry) => entry.metric)).toEqual(
      expect.arrayContaining(['electricity.annualKwh', 'electricity.euiKwhPerSqm', 'electricity.weather', 'electricity.load.weekdayWeekendRatio', 'electricity.anomalies']),
    );
    expect(facts.missing.find((entry) => entry.metric === 'electricity.weather')!.reason).toContain('only 1 days');
    expectFinite(facts);
  });

  it('negative values are invalid hours and raise a negative-values issue', () => {
    const series = makeSeries('2019-01-01T00:00:00Z', 8760, (index, date) => (index % 100 === 0 ? -5 : weekdayShape(index, date)));
    const facts = computeFacts({ metadata: metadata(), meters: [{ meter: 'electricity', series }], weather });
    const meter = facts.meters[0];
    expect(meter.coverage.negativeHours).toBe(88);
    expect(meter.coverage.validHours).toBe(8760 - 88);
    expect(meter.load.baseloadKw).toBeGreaterThan(0);
    expect(facts.dataIssues.map((issue) => issue.kind)).toContain('negative-values');
  });

  it('no floor area: EUI null, no-floor-area issue, no peer percentile', () => {
    const facts = computeFacts({ metadata: metadata({ sqm: null }), meters: [{ meter: 'electricity', series: year }], weather });
    expect(facts.meters[0].annualKwh).toBeGreaterThan(0);
    expect(facts.meters[0].euiKwhPerSqm).toBeNull();
    expect(facts.missing).toContainEqual({ metric: 'electricity.euiKwhPerSqm', reason: 'floor area is 0 or absent' });
    expect(facts.dataIssues.map((issue) => issue.kind)).toContain('no-floor-area');
    const others = Array.from({ length: 5 }, (_, index) =>
      computeFacts({ metadata: metadata({ buildingId: `o${index}`, sqm: 500 + index * 100 }), meters: [{ meter: 'electricity', series: year }] }),
    );
    const peers = comparePeers([facts, ...others]);
    expect(peers[0].peers).toMatchObject({ group: 'Office', groupSize: 5, euiPercentile: null });
    expect(peers[0].missing.find((entry) => entry.metric === 'peers.euiPercentile')?.reason).toContain('no electricity EUI');
  });

  it('no weather: weather null with the reason, no-weather issue', () => {
    const facts = computeFacts({ metadata: metadata(), meters: [{ meter: 'electricity', series: year }] });
    expect(facts.meters[0].weather).toBeNull();
    expect(facts.missing).toContainEqual({ metric: 'electricity.weather', reason: 'no weather file' });
    expect(facts.dataIssues.map((issue) => issue.kind)).toContain('no-weather');
  });

  it('a healthy year: every section present and flattened under stable names', () => {
    const facts = computeFacts({ metadata: metadata(), meters: [{ meter: 'electricity', series: year }], weather });
    expect(facts.period).toEqual({ start: '2019-01-01T00:00:00Z', end: '2020-01-01T00:00:00Z', hours: 8760, timezone: 'Europe/London' });
    const flat = flattenFacts(facts);
    let total = 0;
    for (const value of year.values) total += value;
    expect(flat['electricity.annualKwh']).toBeCloseTo(total, 6);
    expect(flat['electricity.euiKwhPerSqm']).toBeCloseTo(total / 1000, 9);
    expect(flat['electricity.coverage.coverageRatio']).toBe(1);
    expect(flat['electricity.load.peakKw']).toBe(9);
    expect(flat['electricity.weather.days']).toBeGreaterThan(300);
    expect(flat['electricity.monthly.2019-02.kwh']).toBeGreaterThan(0);
    expect(facts.missing.filter((entry) => !entry.metric.includes('changePoint'))).toEqual([]);
    expectFinite(facts);
  });
});

describe('comparePeers', () => {
  it('ranks EUI within the use type, and against all buildings when the use is unknown', () => {
    const build = (buildingId: string, sqm: number, primaryUse: string | null) =>
      computeFacts({ metadata: metadata({ buildingId, sqm, primaryUse }), meters: [{ meter: 'electricity', series: year }] });
    const all = comparePeers([
      build('a', 1000, 'Office'),
      build('b', 2000, 'Office'),
      build('c', 500, 'Office'),
      build('d', 4000, 'Office'),
      build('e', 800, 'Office'),
      build('f', 1000, null),
      build('g', 100, 'Lab'),
    ]);
    const byId = new Map(all.map((facts) => [facts.building.buildingId, facts.peers!]));
    expect(byId.get('d')).toMatchObject({ group: 'Office', groupSize: 5, euiPercentile: 0 });
    expect(byId.get('c')!.euiPercentile).toBe(100);
    expect(byId.get('a')!.euiPercentile).toBe(50);
    expect(byId.get('f')).toMatchObject({ group: 'all', groupSize: 7 });
    expect(byId.get('f')!.euiPercentile).toBeCloseTo((100 * (2 + 0.5)) / 6, 9);
    expect(byId.get('g')).toMatchObject({ group: 'Lab', groupSize: 1, euiPercentile: null });
  });
});
