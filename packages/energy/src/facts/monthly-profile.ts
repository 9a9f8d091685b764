import type { HourlySeries } from '../input/hourly-series';
import type { MonthlyFact } from '../types';
import type { LocalCalendar } from './local-calendar';
import { isValidReading } from './hour-status';

/** kWh per local calendar month: plain sum of the valid (positive) hours, not extrapolated, with their count. */
export const computeMonthlyProfile = (series: HourlySeries, calendar: LocalCalendar, zeroIsMissing = true): MonthlyFact[] => {
  const kwh = new Float64Array(calendar.months.length);
  const validHours = new Uint32Array(calendar.months.length);
  for (let index = 0; index < series.values.length; index += 1) {
    const value = series.values[index];
    if (isValidReading(value, zeroIsMissing)) {
      kwh[calendar.monthOfHour[index]] += value;
      validHours[calendar.monthOfHour[index]] += 1;
    }
  }
  return calendar.months.map((month, index) => ({ month, kwh: kwh[index], validHours: validHours[index] }));
};
