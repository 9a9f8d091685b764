import { hourToIso } from '../input/parse-timestamp';
import type { HourlySeries } from '../input/hourly-series';
import type { CoverageFacts, Period } from '../types';

/**
 * Coverage of one meter series over its own period (first to last timestamp, hourly):
 * - `expectedHours`: hours from first to last timestamp inclusive.
 * - `validHours`: hours with a positive reading.
 * - `missingHours`: hours absent from the file (or with an empty value).
 * - `zeroHours`: hours reading exactly 0; `negativeHours`: hours reading below 0.
 * - `coverageRatio` = validHours / expectedHours.
 * - `longestGapHours`: longest run of hours that are not valid (missing, zero or negative).
 * - `outages`: those runs at least `outageMinHours` long, as UTC periods (end exclusive).
 */
export const computeCoverage = (series: HourlySeries, outageMinHours: number): CoverageFacts => {
  const { values, startHour } = series;
  let validHours = 0;
  let missingHours = 0;
  let zeroHours = 0;
  let negativeHours = 0;
  let longestGapHours = 0;
  let run = 0;
  const outages: Period[] = [];
  const closeRun = (endIndex: number): void => {
    if (run >= outageMinHours) {
      outages.push({ start: hourToIso(startHour + endIndex - run), end: hourToIso(startHour + endIndex), hours: run });
    }
    if (run > longestGapHours) longestGapHours = run;
    run = 0;
  };
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (value > 0) {
      validHours += 1;
      if (run > 0) closeRun(index);
      continue;
    }
    if (Number.isNaN(value)) missingHours += 1;
    else if (value === 0) zeroHours += 1;
    else negativeHours += 1;
    run += 1;
  }
  if (run > 0) closeRun(values.length);
  const expectedHours = values.length;
  return {
    expectedHours, validHours, missingHours, zeroHours, negativeHours,
    coverageRatio: expectedHours > 0 ? validHours / expectedHours : 0,
    longestGapHours, outages,
  };
};
