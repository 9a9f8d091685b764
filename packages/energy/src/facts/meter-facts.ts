import type { HourlySeries } from '../input/hourly-series';
import type { DataIssue, MeterFacts, MeterType, MissingFact } from '../types';
import { findAnomalies } from './anomalies';
import { computeCoverage } from './coverage';
import { computeDailyEnergy } from './daily-energy';
import { computeDailyTemperature } from './daily-temperature';
import { computeEnergyTotals } from './energy-totals';
import { zeroIsMissingFor, type ResolvedFactsOptions } from './facts-options';
import { computeLoadShape } from './load-shape';
import type { CalendarCache } from './local-calendar';
import { computeMonthlyProfile } from './monthly-profile';
import { computeWeatherSensitivity } from './weather-sensitivity';

export interface MeterFactsInput {
  meter: MeterType;
  series: HourlySeries;
  sqm: number | null;
  timezone: string;
  /** Hourly outdoor temperature, or `null` with the reason in `temperatureMissingReason`. */
  temperature: HourlySeries | null;
  temperatureMissingReason?: string;
  /** Counts from the reader, turned into data issues. */
  duplicateHours?: number;
}

export interface MeterFactsResult {
  facts: MeterFacts;
  dataIssues: DataIssue[];
  missing: MissingFact[];
}

const formatHours = (hours: number): string => hours.toLocaleString('en-GB');

const hasPositiveReading = (values: Float64Array): boolean => {
  for (let index = 0; index < values.length; index += 1) if (values[index] > 0) return true;
  return false;
};

/** Every fact of one meter series; what cannot be computed is `null` and listed in `missing`. */
export const computeMeterFacts = (input: MeterFactsInput, calendars: CalendarCache, options: ResolvedFactsOptions): MeterFactsResult => {
  const { meter, series } = input;
  const calendar = calendars.calendarFor(input.timezone, series.startHour, series.values.length);
  const missing: MissingFact[] = [];
  const dataIssues: DataIssue[] = [];

  // A meter that never reads above 0 has no data whatever its zero policy (all-zero below).
  const zeroIsMissing = zeroIsMissingFor(options, meter) || !hasPositiveReading(series.values);
  const coverage = computeCoverage(series, options.outageMinHours, zeroIsMissing);
  const totals = computeEnergyTotals(series, input.sqm, options.minValidHoursForAnnual, zeroIsMissing);
  const { load, missing: loadMissing } = computeLoadShape(series, calendar, meter, zeroIsMissing);
  missing.push(...loadMissing);
  const daily = computeDailyEnergy(series, calendar, options.minValidHoursPerDay, zeroIsMissing);

  if (coverage.validHours === 0) {
    dataIssues.push({
      kind: 'all-zero',
      severity: 'critical',
      message: `${meter}: no positive reading in ${formatHours(coverage.expectedHours)} h (${formatHours(coverage.zeroHours)} zero, ${formatHours(coverage.missingHours)} missing${coverage.negativeHours ? `, ${formatHours(coverage.negativeHours)} negative` : ''})`,
    });
  }
  if (totals.annualKwh === null) {
    missing.push({
      metric: `${meter}.annualKwh`,
      reason:
        coverage.validHours === 0
          ? 'no valid (positive) hourly reading'
          : `only ${formatHours(coverage.validHours)} valid hours (${formatHours(options.minValidHoursForAnnual)} needed to extrapolate a year)`,
    });
  }
  if (totals.euiKwhPerSqm === null) {
    missing.push({ metric: `${meter}.euiKwhPerSqm`, reason: input.sqm === null ? 'floor area is 0 or absent' : 'no annual kWh to divide' });
  }
  if (coverage.expectedHours < options.minValidHoursForAnnual) {
    dataIssues.push({
      kind: 'short-period',
      severity: coverage.expectedHours < 7 * 24 ? 'critical' : 'warning',
      message: `${meter}: only ${formatHours(coverage.expectedHours)} h of data (${(coverage.expectedHours / 24).toFixed(1)} days)`,
    });
  }
  if (coverage.negativeHours) {
    dataIssues.push({ kind: 'negative-values', severity: 'warning', message: `${meter}: ${formatHours(coverage.negativeHours)} hours read below zero and are treated as invalid` });
  }
  if (input.duplicateHours) {
    dataIssues.push({ kind: 'duplicate-timestamps', severity: 'info', message: `${meter}: ${formatHours(input.duplicateHours)} hours appeared twice; the first reading was kept` });
  }
  if (coverage.validHours > 0 && coverage.coverageRatio < options.lowCoverageRatio) {
    dataIssues.push({
      kind: 'low-coverage',
      severity: coverage.coverageRatio < 0.5 ? 'critical' : 'warning',
      message: `${meter}: ${(coverage.coverageRatio * 100).toFixed(1)}% of hours have a valid reading`,
    });
  }
  if (coverage.validHours > 0) {
    for (const outage of coverage.outages.slice(0, 5)) {
      dataIssues.push({
        kind: 'outage',
        severity: outage.hours >= 30 * 24 ? 'critical' : 'warning',
        message: `${meter}: ${formatHours(outage.hours)} h with no valid reading from ${outage.start} to ${outage.end}`,
      });
    }
    if (coverage.outages.length > 5) {
      dataIssues.push({ kind: 'outage', severity: 'info', message: `${meter}: ${coverage.outages.length - 5} more outages of ${options.outageMinHours} h or more` });
    }
  }

  if (coverage.zeroRuns && coverage.zeroRuns.length > 0) {
    const longest = coverage.zeroRuns.reduce((best, run) => (run.hours > best.hours ? run : best));
    const zeroRunHours = coverage.zeroRuns.reduce((sum, run) => sum + run.hours, 0);
    dataIssues.push({
      kind: 'zero-runs',
      severity: 'info',
      message: `${meter}: ${coverage.zeroRuns.length} runs of ${options.outageMinHours} h or more reading 0 (${formatHours(zeroRunHours)} h in all; longest ${formatHours(longest.hours)} h from ${longest.start} to ${longest.end}), counted as no consumption (heating off), not as missing data`,
    });
  }

  let weather: MeterFacts['weather'] = null;
  if (!input.temperature) {
    missing.push({ metric: `${meter}.weather`, reason: input.temperatureMissingReason ?? 'no weather data' });
  } else {
    const dailyTemperature = computeDailyTemperature(input.temperature, calendar, options.minValidHoursPerDay);
    const result = computeWeatherSensitivity(daily.kwh, dailyTemperature, options, meter);
    weather = result.weather;
    missing.push(...result.missing);
  }

  let countedDays = 0;
  for (const value of daily.kwh) if (!Number.isNaN(value)) countedDays += 1;
  const anomalies = countedDays > options.anomalyMinReferenceDays ? findAnomalies(daily.kwh, calendar, options) : [];
  if (countedDays <= options.anomalyMinReferenceDays) {
    missing.push({ metric: `${meter}.anomalies`, reason: `only ${countedDays} days with enough valid hours to compare (more than ${options.anomalyMinReferenceDays} needed)` });
  }

  return {
    facts: {
      meter,
      totalKwh: totals.totalKwh,
      annualKwh: totals.annualKwh,
      euiKwhPerSqm: totals.euiKwhPerSqm,
      coverage,
      load,
      weather,
      anomalies,
      monthly: computeMonthlyProfile(series, calendar, zeroIsMissing),
    },
    dataIssues,
    missing,
  };
};
