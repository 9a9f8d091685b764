import { describe, expect, it } from 'vitest';
import { findAnomalies } from './anomalies';
import { fitChangePoint } from './change-point';
import { computeCoverage } from './coverage';
import { computeDailyEnergy } from './daily-energy';
import { computeEnergyTotals } from './energy-totals';
import { resolveFactsOptions } from './facts-options';
import { computeLoadShape } from './load-shape';
import { createCalendarCache } from './local-calendar';
import { computeMonthlyProfile } from './monthly-profile';
import { fitLine, percentileSorted } from './statistics';
import { makeSeries } from './test-series';
import { computeWeatherSensitivity } from './weather-sensitivity';

const options = resolveFactsOptions();

describe('statistics', () => {
  it('percentile interpolates like percentile_cont', () => {
    expect(percentileSorted([1, 2, 3, 4, 5], 0.05)).toBeCloseTo(1.2, 12);
    expect(percentileSorted([10], 0.05)).toBe(10);
  });
  it('fitLine recovers slope and r', () => {
    const fit = fitLine([0, 1, 2, 3], [1, 3, 5, 7])!;
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(1, 12);
    expect(fit.r).toBeCloseTo(1, 12);
    expect(fitLine([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('computeCoverage', () => {
  it('counts valid, missing, zero and negative hours and finds outages of 24 h or more', () => {
    const series = makeSeries('2019-01-01T00:00:00Z', 100, (index) => (index >= 10 && index < 40 ? 0 : index === 50 ? Number.NaN : index === 60 ? -2 : 5));
    const coverage = computeCoverage(series, 24);
    expect(coverage).toMatchObject({ expectedHours: 100, validHours: 68, missingHours: 1, zeroHours: 30, negativeHours: 1, longestGapHours: 30 });
    expect(coverage.coverageRatio).toBeCloseTo(0.68, 12);
    expect(coverage.outages).toEqual([{ start: '2019-01-01T10:00:00Z', end: '2019-01-02T16:00:00Z', hours: 30 }]);
  });
  it('closes a gap that runs to the end of the series', () => {
    const coverage = computeCoverage(
      makeSeries('2019-01-01T00:00:00Z', 50, (index) => (index < 20 ? 1 : 0)),
      24,
    );
    expect(coverage.outages).toEqual([{ start: '2019-01-01T20:00:00Z', end: '2019-01-03T02:00:00Z', hours: 30 }]);
  });
});

describe('computeEnergyTotals', () => {
  it('extrapolates the mean valid hour to a year and divides by floor area', () => {
    const series = makeSeries('2019-01-01T00:00:00Z', 1000, (index) => (index < 800 ? 2 : 0));
    const totals = computeEnergyTotals(series, 100, 720);
    expect(totals.totalKwh).toBe(1600);
    expect(totals.annualKwh).toBeCloseTo(2 * 8760, 9);
    expect(totals.euiKwhPerSqm).toBeCloseTo(175.2, 9);
    expect(computeEnergyTotals(series, null, 720).euiKwhPerSqm).toBeNull();
    expect(computeEnergyTotals(series, 100, 900).annualKwh).toBeNull();
  });
});

describe('computeLoadShape in local time', () => {
  it('uses Europe/London clock hours: daytime load shifts one UTC hour in summer', () => {
    const calendars = createCalendarCache();
    // 10 kW from 08:00 to 18:00 London time on weekdays, 2 kW otherwise; two summer weeks (BST = UTC+1).
    const start = '2019-07-01T00:00:00Z';
    const series = makeSeries(start, 24 * 14, (_, date) => {
      const londonHour = (date.getUTCHours() + 1) % 24;
      const londonDay = new Date(date.getTime() + 3_600_000).getUTCDay();
      return londonDay >= 1 && londonDay <= 5 && londonHour >= 8 && londonHour < 18 ? 10 : 2;
    });
    const london = computeLoadShape(series, calendars.calendarFor('Europe/London', series.startHour, series.values.length), 'electricity').load;
    expect(london.peakKw).toBe(10);
    expect(london.baseloadKw).toBe(2);
    // Day hours: 10 weekdays at 10 kW and 4 weekend days at 2 kW.
    expect(london.nightDayRatio).toBeCloseTo(2 / ((10 * 10 * 10 + 4 * 10 * 2) / 140), 12);
    expect(london.weekdayWeekendRatio).toBeCloseTo((100 + 14 * 2) / 24 / 2, 12);
    const utc = computeLoadShape(series, calendars.calendarFor('UTC', series.startHour, series.values.length), 'electricity').load;
    expect(utc.nightDayRatio).not.toBeCloseTo(london.nightDayRatio!, 3);
  });
  it('gives null ratios with a reason when one side has too few hours', () => {
    const calendars = createCalendarCache();
    const series = makeSeries('2019-01-07T00:00:00Z', 24, () => 3); // a Monday only
    const result = computeLoadShape(series, calendars.calendarFor('UTC', series.startHour, 24), 'electricity');
    expect(result.load.weekdayWeekendRatio).toBeNull();
    expect(result.missing.map((entry) => entry.metric)).toEqual(['electricity.load.weekdayWeekendRatio', 'electricity.load.nightDayRatio']);
  });
});

describe('calendar, daily energy and monthly profile', () => {
  it('handles the DST days (23 and 25 clock hours) and local months', () => {
    const calendars = createCalendarCache();
    const series = makeSeries('2019-03-30T00:00:00Z', 24 * 3, () => 1);
    const calendar = calendars.calendarFor('Europe/London', series.startHour, series.values.length);
    expect(calendar.dates.slice(0, 3)).toEqual(['2019-03-30', '2019-03-31', '2019-04-01']);
    expect([...calendar.hoursInDay.slice(0, 3)]).toEqual([24, 23, 24]);
    const daily = computeDailyEnergy(series, calendar, 20);
    // The last UTC hour is 00:00 BST on 2 April: a one-hour local day that does not count.
    expect(calendar.dates).toHaveLength(4);
    expect([...daily.kwh]).toEqual([24, 23, 24, Number.NaN]);
    expect(computeMonthlyProfile(series, calendar)).toEqual([
      { month: '2019-03', kwh: 47, validHours: 47 },
      { month: '2019-04', kwh: 25, validHours: 25 },
    ]);
  });
});

describe('weather sensitivity', () => {
  const temperatures = Float64Array.from({ length: 200 }, (_, day) => -2 + (day * 27) / 199 + ((day * 7) % 5) * 0.3);
  it('finds a heating change point near the true balance point and keeps it over the line', () => {
    const energy = temperatures.map((t, day) => 500 + 40 * Math.max(0, 15 - t) + ((day * 13) % 7) - 3);
    const candidate = fitChangePoint(temperatures, energy, { minDaysPerSide: 10 })!;
    expect(candidate.model.model).toBe('heating');
    expect(candidate.model.heatingBalancePointC!).toBeGreaterThanOrEqual(14.5);
    expect(candidate.model.heatingBalancePointC!).toBeLessThanOrEqual(15.5);
    expect(candidate.model.heatingSlopeKwhPerDegC!).toBeCloseTo(40, 0);
    const { weather } = computeWeatherSensitivity(energy, temperatures, options, 'electricity');
    expect(weather!.changePoint?.model).toBe('heating');
    expect(weather!.slopeKwhPerDegC!).toBeLessThan(0);
    expect(weather!.days).toBe(200);
  });
  it('keeps no change point for a straight-line response and needs 30 days', () => {
    const energy = temperatures.map((t, day) => 1000 - 10 * t + ((day * 13) % 7));
    const { weather, missing } = computeWeatherSensitivity(energy, temperatures, options, 'electricity');
    expect(weather!.changePoint).toBeNull();
    expect(weather!.slopeKwhPerDegC!).toBeCloseTo(-10, 0);
    expect(missing[0].metric).toBe('electricity.weather.changePoint');
    const short = computeWeatherSensitivity(energy.slice(0, 20), temperatures.slice(0, 20), options, 'gas');
    expect(short.weather).toBeNull();
    expect(short.missing[0].reason).toContain('only 20 days');
  });
});

describe('findAnomalies', () => {
  it('flags an injected high day and a low week against the same day type, with dates and sizes', () => {
    const calendars = createCalendarCache();
    const series = makeSeries('2019-01-01T00:00:00Z', 24 * 120, () => 1);
    const calendar = calendars.calendarFor('UTC', series.startHour, series.values.length);
    const daily = Float64Array.from(calendar.dates, (date, day) => {
      const weekend = calendar.weekdays[day] >= 6;
      const base = (weekend ? 400 : 1000) * (1 + 0.02 * Math.sin(day));
      if (date === '2019-02-13') return base * 1.6;
      if (date >= '2019-03-11' && date <= '2019-03-17') return base * 0.6;
      return base;
    });
    const anomalies = findAnomalies(daily, calendar, options);
    const high = anomalies.find((anomaly) => anomaly.date === '2019-02-13')!;
    expect(high.kind).toBe('day-high');
    expect(high.deviationPct).toBeCloseTo(0.6, 1);
    expect(high.robustZ).toBeGreaterThan(3.5);
    expect(anomalies.some((anomaly) => anomaly.kind === 'week-low' && anomaly.date === '2019-03-11')).toBe(true);
    expect(anomalies.every((anomaly) => anomaly.date === '2019-02-13' || (anomaly.date >= '2019-03-11' && anomaly.date <= '2019-03-17'))).toBe(true);
  });
});
