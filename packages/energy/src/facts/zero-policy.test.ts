import { describe, expect, it } from 'vitest';
import type { BuildingFacts, BuildingMetadata } from '../types';
import { computeFacts } from './building-facts';
import { DEFAULT_ZERO_IS_MISSING, resolveFactsOptions, zeroIsMissingFor } from './facts-options';
import { makeSeries } from './test-series';

const metadata: BuildingMetadata = { buildingId: 'b1', sqm: 1000, primaryUse: 'Office', timezone: 'Europe/London', siteId: 's' };
const start = '2019-01-01T00:00:00Z';
/** Hourly °C: 2 °C in early January, 18 °C in early July. */
const temperatureAt = (index: number): number => 10 - 8 * Math.cos((2 * Math.PI * index) / 8760);
const weather = { sites: new Map([['s', makeSeries(start, 8760, temperatureAt)]]) };

/**
 * Heating-only gas: 0 overnight (22:00–06:00 UTC) and whenever it is 12 °C or warmer
 * (the whole summer), otherwise 0.5 kW per °C below 12.
 */
const heatingAt = (index: number): number => {
  const hour = index % 24;
  if (hour < 6 || hour >= 22) return 0;
  return Math.max(0, 0.5 * (12 - temperatureAt(index)));
};
const gasSeries = () => makeSeries(start, 8760, heatingAt);
const sum = (values: Float64Array): number => values.reduce((total, value) => (Number.isNaN(value) ? total : total + value), 0);

const expectFinite = (facts: BuildingFacts): void => {
  JSON.stringify(facts, (key, value) => {
    if (typeof value === 'number') expect(Number.isFinite(value), key).toBe(true);
    return value;
  });
};

describe('zero policy per meter type', () => {
  it('defaults: zeros are missing on electricity, readings on heating and cooling meters; overrides merge', () => {
    const defaults = resolveFactsOptions();
    expect(zeroIsMissingFor(defaults, 'electricity')).toBe(true);
    expect(zeroIsMissingFor(defaults, 'gas')).toBe(false);
    expect(zeroIsMissingFor(defaults, 'steam')).toBe(false);
    expect(zeroIsMissingFor(defaults, 'hotwater')).toBe(false);
    const overridden = resolveFactsOptions({ zeroIsMissing: { gas: true } });
    expect(overridden.zeroIsMissing).toEqual({ ...DEFAULT_ZERO_IS_MISSING, gas: true });
    expect(resolveFactsOptions({ zeroIsMissing: undefined }).zeroIsMissing).toEqual(DEFAULT_ZERO_IS_MISSING);
  });

  it('heating gas with summer and overnight zeros: annual = metered sum, full coverage, zero runs as info, heating model', () => {
    const series = gasSeries();
    const zeroHours = series.values.filter((value) => value === 0).length;
    expect(zeroHours / 8760).toBeGreaterThan(0.5); // the fixture really is mostly zeros
    const facts = computeFacts({ metadata, meters: [{ meter: 'gas', series }], weather });
    const gas = facts.meters[0];
    expect(gas.annualKwh).toBeCloseTo(sum(series.values), 6);
    expect(gas.totalKwh).toBeCloseTo(sum(series.values), 6);
    expect(gas.coverage).toMatchObject({ expectedHours: 8760, validHours: 8760, zeroHours, missingHours: 0, coverageRatio: 1, longestGapHours: 0, outages: [] });
    expect(gas.coverage.zeroRuns!.length).toBeGreaterThan(0);
    expect(Math.max(...gas.coverage.zeroRuns!.map((run) => run.hours))).toBeGreaterThan(60 * 24); // the summer
    expect(facts.dataIssues.filter((issue) => issue.kind === 'low-coverage' || issue.kind === 'outage')).toEqual([]);
    const zeroRuns = facts.dataIssues.filter((issue) => issue.kind === 'zero-runs');
    expect(zeroRuns).toHaveLength(1);
    expect(zeroRuns[0].severity).toBe('info');
    expect(zeroRuns[0].message).toMatch(/^gas: \d+ runs of 24 h or more reading 0/);
    expect(gas.monthly.reduce((total, month) => total + month.kwh, 0)).toBeCloseTo(sum(series.values), 6);
    expect(gas.load.baseloadKw).toBe(0);
    expect(gas.weather?.days).toBeGreaterThan(300);
    expect(gas.weather?.slopeKwhPerDegC).toBeLessThan(0);
    expect(gas.weather?.changePoint?.model).toBe('heating');
    expect(gas.weather?.changePoint?.heatingBalancePointC).toBeGreaterThanOrEqual(11);
    expect(gas.weather?.changePoint?.heatingBalancePointC).toBeLessThanOrEqual(13);
    expectFinite(facts);
  });

  it('the old reading (zeroIsMissing: gas true) inflates the same meter: the test above can fail', () => {
    const series = gasSeries();
    const facts = computeFacts({ metadata, meters: [{ meter: 'gas', series }], weather, options: { zeroIsMissing: { gas: true } } });
    const gas = facts.meters[0];
    expect(gas.annualKwh! / sum(series.values)).toBeGreaterThan(1.5);
    expect(gas.coverage.coverageRatio).toBeLessThan(0.5);
    expect(gas.coverage.zeroRuns).toBeUndefined();
    expect(facts.dataIssues.find((issue) => issue.kind === 'low-coverage')?.severity).toBe('critical');
  });

  it('gas: missing hours are still an outage and still extrapolated; zeros are not part of it', () => {
    const series = gasSeries();
    for (let index = 1000; index < 1048; index += 1) series.values[index] = Number.NaN;
    const facts = computeFacts({ metadata, meters: [{ meter: 'gas', series }], weather });
    const gas = facts.meters[0];
    expect(gas.coverage.missingHours).toBe(48);
    expect(gas.coverage.validHours).toBe(8760 - 48);
    expect(gas.coverage.outages).toHaveLength(1);
    expect(gas.coverage.outages[0].hours).toBe(48);
    expect(gas.coverage.outages[0].start.startsWith('2019-02-11T16:00')).toBe(true);
    expect(gas.annualKwh).toBeCloseTo((sum(series.values) * 8760) / (8760 - 48), 6);
    expect(facts.dataIssues.filter((issue) => issue.kind === 'outage')).toHaveLength(1);
  });

  it('a gas meter that never reads above 0 has no data (all-zero critical, no annual) whatever the policy', () => {
    const facts = computeFacts({ metadata, meters: [{ meter: 'gas', series: makeSeries(start, 8760, () => 0) }], weather });
    const gas = facts.meters[0];
    expect(gas.annualKwh).toBeNull();
    expect(gas.load.peakKw).toBeNull();
    expect(gas.coverage).toMatchObject({ validHours: 0, zeroHours: 8760 });
    expect(facts.dataIssues.find((issue) => issue.kind === 'all-zero')?.severity).toBe('critical');
    expectFinite(facts);
  });

  it('a ratio whose denominator hours all read 0 is null with a reason, never Infinity', () => {
    // Heating only on weekends: weekday hours are valid zeros.
    const series = makeSeries(start, 8760, (_index, date) => (date.getUTCDay() % 6 === 0 ? 3 : 0));
    const utc = { ...metadata, timezone: 'UTC' };
    const facts = computeFacts({ metadata: utc, meters: [{ meter: 'gas', series }], weather });
    expect(facts.meters[0].load.weekdayWeekendRatio).toBe(0);
    const weekendOnly = computeFacts({
      metadata: utc,
      meters: [{ meter: 'gas', series: makeSeries(start, 8760, (_index, date) => (date.getUTCDay() % 6 === 0 ? 0 : 3)) }],
      weather,
    });
    expect(weekendOnly.meters[0].load.weekdayWeekendRatio).toBeNull();
    expect(weekendOnly.missing.find((entry) => entry.metric === 'gas.load.weekdayWeekendRatio')?.reason).toMatch(/all read 0/);
    expectFinite(facts);
    expectFinite(weekendOnly);
  });

  it('electricity is unchanged: zeros stay missing, facts identical with or without overrides of other meters', () => {
    const series = makeSeries(start, 8760, (index) => (index % 24 < 3 || (index >= 5000 && index < 5100) ? 0 : 2 + (index % 7)));
    const positive = series.values.filter((value) => value > 0);
    const facts = computeFacts({ metadata, meters: [{ meter: 'electricity', series }], weather });
    const meter = facts.meters[0];
    expect(meter.coverage.validHours).toBe(positive.length);
    expect(meter.coverage.zeroHours).toBe(8760 - positive.length);
    expect(meter.annualKwh).toBeCloseTo((sum(positive) * 8760) / positive.length, 6);
    expect(meter.load.baseloadKw).toBeGreaterThan(0);
    expect('zeroRuns' in meter.coverage).toBe(false);
    expect(meter.coverage.outages.map((outage) => outage.hours)).toContain(100);
    expect(facts.dataIssues.some((issue) => issue.kind === 'zero-runs')).toBe(false);
    const explicit = computeFacts({ metadata, meters: [{ meter: 'electricity', series }], weather, options: { zeroIsMissing: { electricity: true, gas: true } } });
    expect(JSON.stringify(explicit)).toBe(JSON.stringify(facts));
  });
});
