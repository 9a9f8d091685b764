import type { HourlySeries } from '../input/hourly-series';
import type { LoadShapeFacts, MissingFact } from '../types';
import type { LocalCalendar } from './local-calendar';
import { percentileSorted } from './statistics';
import { isValidReading } from './hour-status';

/** Valid hours each side of a ratio needs before the ratio is given. */
export const MIN_HOURS_PER_RATIO_SIDE = 24;

/**
 * Load shape over the valid hours (positive; zeros too on a meter whose zeros are readings);
 * an hourly kWh equals the mean kW of the hour.
 * - `baseloadKw`: 5th percentile (linear interpolation, as `percentile_cont(0.05)`).
 * - `peakKw`: maximum.
 * - `loadFactor`: mean / peak.
 * - `weekdayWeekendRatio`: mean kW on local Monday–Friday / mean kW on Saturday–Sunday.
 * - `nightDayRatio`: mean kW 00:00–06:00 local / mean kW 08:00–18:00 local (hour starts).
 * A ratio needs 24 valid hours on each side and a denominator above 0; otherwise it is
 * `null` with a reason.
 */
export const computeLoadShape = (series: HourlySeries, calendar: LocalCalendar, meterName: string, zeroIsMissing = true): { load: LoadShapeFacts; missing: MissingFact[] } => {
  const missing: MissingFact[] = [];
  const valid: number[] = [];
  const sums = { weekday: 0, weekend: 0, night: 0, day: 0 };
  const counts = { weekday: 0, weekend: 0, night: 0, day: 0 };
  const { values } = series;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (!isValidReading(value, zeroIsMissing)) continue;
    valid.push(value);
    const weekday = calendar.weekdays[calendar.dayOfHour[index]];
    const side = weekday >= 6 ? 'weekend' : 'weekday';
    sums[side] += value;
    counts[side] += 1;
    const hour = calendar.hourOfDay[index];
    if (hour < 6) {
      sums.night += value;
      counts.night += 1;
    } else if (hour >= 8 && hour < 18) {
      sums.day += value;
      counts.day += 1;
    }
  }
  if (valid.length === 0) {
    for (const metric of ['baseloadKw', 'peakKw', 'loadFactor', 'weekdayWeekendRatio', 'nightDayRatio']) {
      missing.push({ metric: `${meterName}.load.${metric}`, reason: 'no valid (positive) hourly reading' });
    }
    return { load: { baseloadKw: null, peakKw: null, loadFactor: null, weekdayWeekendRatio: null, nightDayRatio: null }, missing };
  }
  const sorted = Float64Array.from(valid).sort();
  const peakKw = sorted[sorted.length - 1];
  let total = 0;
  for (const value of sorted) total += value;
  const ratio = (top: 'weekday' | 'night', bottom: 'weekend' | 'day', metric: string, what: string): number | null => {
    if (counts[top] < MIN_HOURS_PER_RATIO_SIDE || counts[bottom] < MIN_HOURS_PER_RATIO_SIDE) {
      missing.push({
        metric: `${meterName}.load.${metric}`,
        reason: `too few valid ${what} hours (${counts[top]} and ${counts[bottom]}; ${MIN_HOURS_PER_RATIO_SIDE} each needed)`,
      });
      return null;
    }
    if (!(sums[bottom] > 0)) {
      missing.push({ metric: `${meterName}.load.${metric}`, reason: `no consumption in the valid ${bottom} hours (all read 0), so the ratio has no denominator` });
      return null;
    }
    return sums[top] / counts[top] / (sums[bottom] / counts[bottom]);
  };
  return {
    load: {
      baseloadKw: percentileSorted(sorted, 0.05),
      peakKw,
      loadFactor: total / sorted.length / peakKw,
      weekdayWeekendRatio: ratio('weekday', 'weekend', 'weekdayWeekendRatio', 'weekday and weekend'),
      nightDayRatio: ratio('night', 'day', 'nightDayRatio', 'night and day'),
    },
    missing,
  };
};
