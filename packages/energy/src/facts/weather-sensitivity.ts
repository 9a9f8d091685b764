import type { MissingFact, WeatherSensitivityFacts } from '../types';
import { fitChangePoint } from './change-point';
import type { ResolvedFactsOptions } from './facts-options';
import { adjustedR2, fitLine } from './statistics';

/**
 * Weather sensitivity from daily kWh (see `computeDailyEnergy`) and daily mean °C.
 * - `days`: days with both a daily kWh and a daily mean temperature.
 * - `slopeKwhPerDegC`, `r`: OLS slope and Pearson r of daily kWh on daily mean °C
 *   (needs `weatherMinDays` days; negative slope = more energy when colder).
 * - `changePoint`: the best change-point model (see `fitChangePoint`), kept only with at
 *   least `changePointMinDays` days and when its adjusted R² beats the line's adjusted R²
 *   by at least `changePointMinGain`; otherwise `null`.
 */
export const computeWeatherSensitivity = (
  dailyKwh: Float64Array,
  dailyTemperature: Float64Array,
  options: ResolvedFactsOptions,
  meterName: string,
): { weather: WeatherSensitivityFacts | null; missing: MissingFact[] } => {
  const temperatures: number[] = [];
  const energy: number[] = [];
  for (let day = 0; day < dailyKwh.length; day += 1) {
    if (!Number.isNaN(dailyKwh[day]) && !Number.isNaN(dailyTemperature[day])) {
      temperatures.push(dailyTemperature[day]);
      energy.push(dailyKwh[day]);
    }
  }
  const days = temperatures.length;
  if (days < options.weatherMinDays) {
    return { weather: null, missing: [{ metric: `${meterName}.weather`, reason: `only ${days} days with both energy and temperature (${options.weatherMinDays} needed)` }] };
  }
  const line = fitLine(temperatures, energy);
  if (!line) {
    return { weather: null, missing: [{ metric: `${meterName}.weather`, reason: 'daily energy or temperature does not vary' }] };
  }
  const missing: MissingFact[] = [];
  let changePoint: WeatherSensitivityFacts['changePoint'] = null;
  if (days < options.changePointMinDays) {
    missing.push({ metric: `${meterName}.weather.changePoint`, reason: `only ${days} days (${options.changePointMinDays} needed for a change-point model)` });
  } else {
    const candidate = fitChangePoint(Float64Array.from(temperatures), Float64Array.from(energy), { minDaysPerSide: options.changePointMinDaysPerSide });
    const lineAdjusted = adjustedR2(line.r2, days, 1);
    if (candidate && candidate.adjustedR2 - lineAdjusted >= options.changePointMinGain) changePoint = candidate.model;
    else missing.push({ metric: `${meterName}.weather.changePoint`, reason: 'no change-point model beats the straight line by the required margin' });
  }
  return { weather: { days, slopeKwhPerDegC: line.slope, r: line.r, changePoint }, missing };
};
