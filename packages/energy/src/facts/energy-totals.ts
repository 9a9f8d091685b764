import type { HourlySeries } from '../input/hourly-series';
import { isValidReading } from './hour-status';

export interface EnergyTotals {
  /** Sum of the valid hourly readings, kWh. */
  totalKwh: number;
  validHours: number;
  /** totalKwh × 8,760 / validHours: a year at the mean valid rate; `null` below `minValidHours`. */
  annualKwh: number | null;
  /** annualKwh / floor area; `null` without floor area or annualKwh. */
  euiKwhPerSqm: number | null;
}

/**
 * Annual energy and EUI. Missing hours (and zero hours, when `zeroIsMissing`) are not read
 * as "no consumption" but as unknown: the annual figure extrapolates the mean of the valid
 * hours to 8,760 h. With a full year of complete data it equals the plain sum. When zeros
 * are readings (`zeroIsMissing` false) they are valid hours of 0 kWh, so a heating meter's
 * summer does not inflate the year.
 */
export const computeEnergyTotals = (series: HourlySeries, sqm: number | null, minValidHours: number, zeroIsMissing = true): EnergyTotals => {
  let totalKwh = 0;
  let validHours = 0;
  for (const value of series.values) {
    if (isValidReading(value, zeroIsMissing)) {
      totalKwh += value;
      validHours += 1;
    }
  }
  const annualKwh = validHours >= minValidHours && validHours > 0 ? (totalKwh * 8760) / validHours : null;
  const euiKwhPerSqm = annualKwh !== null && sqm !== null && sqm > 0 ? annualKwh / sqm : null;
  return { totalKwh, validHours, annualKwh, euiKwhPerSqm };
};
