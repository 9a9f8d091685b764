import type { HourlySeries } from '../input/hourly-series';
import type { LocalCalendar } from './local-calendar';

/**
 * Daily mean outdoor temperature per local day of `calendar` (UTC hours of the weather
 * series matched to the meter's hours). NaN for days with fewer than `minHours` temperatures.
 */
export const computeDailyTemperature = (temperature: HourlySeries, calendar: LocalCalendar, minHours: number): Float64Array => {
  const days = calendar.dates.length;
  const sums = new Float64Array(days);
  const counts = new Uint8Array(days);
  const offset = calendar.startHour - temperature.startHour;
  for (let index = 0; index < calendar.hours; index += 1) {
    const position = index + offset;
    if (position < 0 || position >= temperature.values.length) continue;
    const value = temperature.values[position];
    if (Number.isNaN(value)) continue;
    const day = calendar.dayOfHour[index];
    sums[day] += value;
    counts[day] += 1;
  }
  const result = new Float64Array(days).fill(Number.NaN);
  for (let day = 0; day < days; day += 1) if (counts[day] >= minHours) result[day] = sums[day] / counts[day];
  return result;
};
