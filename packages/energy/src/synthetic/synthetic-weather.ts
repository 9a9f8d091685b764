import { hashNormal } from './seeded-random';

/**
 * Hourly air temperature for a temperate (UK-like) site: annual cycle (mean 10.5 °C,
 * ±7 °C, coldest mid-January), diurnal cycle (±4 °C, warmest 15:00 UTC) and a smooth
 * day-to-day weather anomaly (AR(1) over days, σ ≈ 3 °C), rounded to 0.1 °C.
 */
export const syntheticTemperatures = (seed: number, startHour: number, hours: number): Float64Array => {
  const days = Math.ceil(hours / 24) + 2;
  const dailyAnomaly = new Float64Array(days);
  let previous = 0;
  for (let day = 0; day < days; day += 1) {
    previous = 0.8 * previous + 0.6 * 3 * hashNormal(seed, 0x7e47, day);
    dailyAnomaly[day] = previous;
  }
  const result = new Float64Array(hours);
  for (let index = 0; index < hours; index += 1) {
    const hour = startHour + index;
    const date = new Date(hour * 3_600_000);
    const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1) / 3_600_000;
    const yearFraction = (hour - yearStart) / 8766;
    const day = Math.floor(index / 24);
    const within = (index % 24) / 24;
    const anomaly = dailyAnomaly[day] * (1 - within) + dailyAnomaly[day + 1] * within;
    const value = 10.5 - 7 * Math.cos(2 * Math.PI * (yearFraction - 0.04)) + 4 * Math.cos((2 * Math.PI * (date.getUTCHours() - 15)) / 24) + anomaly;
    result[index] = Math.round(value * 10) / 10;
  }
  return result;
};
