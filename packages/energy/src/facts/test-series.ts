import type { HourlySeries } from '../input/hourly-series';

/** Test helper: an hourly series from `start` (ISO UTC) with a value per hour from `valueAt(index, date)`. */
export const makeSeries = (start: string, hours: number, valueAt: (index: number, date: Date) => number): HourlySeries => {
  const startHour = Date.parse(start) / 3_600_000;
  const values = new Float64Array(hours);
  for (let index = 0; index < hours; index += 1) values[index] = valueAt(index, new Date((startHour + index) * 3_600_000));
  return { startHour, values };
};
