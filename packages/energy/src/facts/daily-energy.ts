import type { HourlySeries } from '../input/hourly-series';
import type { LocalCalendar } from './local-calendar';
import { isValidReading } from './hour-status';

/** Daily energy per local day; `kwh` is NaN for days that do not count. */
export interface DailyEnergy {
  kwh: Float64Array;
  validHours: Uint8Array;
}

/**
 * Daily kWh per local calendar day. A day counts when it is a whole local day in the
 * series (at least 23 clock hours, so DST days count) and has at least `minValidHours`
 * valid hours; its kWh is the mean of its valid hours × its clock hours (23, 24 or 25),
 * so a few missing hours do not make a day look low.
 */
export const computeDailyEnergy = (series: HourlySeries, calendar: LocalCalendar, minValidHours: number, zeroIsMissing = true): DailyEnergy => {
  const days = calendar.dates.length;
  const sums = new Float64Array(days);
  const validHours = new Uint8Array(days);
  for (let index = 0; index < series.values.length; index += 1) {
    const value = series.values[index];
    if (isValidReading(value, zeroIsMissing)) {
      const day = calendar.dayOfHour[index];
      sums[day] += value;
      validHours[day] += 1;
    }
  }
  const kwh = new Float64Array(days).fill(Number.NaN);
  for (let day = 0; day < days; day += 1) {
    if (calendar.hoursInDay[day] >= 23 && validHours[day] >= minValidHours) kwh[day] = (sums[day] / validHours[day]) * calendar.hoursInDay[day];
  }
  return { kwh, validHours };
};
