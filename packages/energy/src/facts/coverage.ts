import { hourToIso } from '../input/parse-timestamp';
import type { HourlySeries } from '../input/hourly-series';
import type { CoverageFacts, Period } from '../types';
import { isValidReading } from './hour-status';

/**
 * Coverage of one meter series over its own period (first to last timestamp, hourly):
 * - `expectedHours`: hours from first to last timestamp inclusive.
 * - `validHours`: hours with a valid reading (positive; or zero too when `zeroIsMissing` is false).
 * - `missingHours`: hours absent from the file (or with an empty value).
 * - `zeroHours`: hours reading exactly 0; `negativeHours`: hours reading below 0.
 * - `coverageRatio` = validHours / expectedHours.
 * - `longestGapHours`: longest run of hours that are not valid (missing, zero or negative).
 * - `outages`: those runs at least `outageMinHours` long, as UTC periods (end exclusive).
 * - `zeroRuns` (only when `zeroIsMissing` is false): runs of zero readings at least
 *   `outageMinHours` long. They are valid hours (a heating meter off in summer) but are listed
 *   so a reader can tell a seasonal shut-off from a meter that stopped reporting.
 */
export const computeCoverage = (series: HourlySeries, outageMinHours: number, zeroIsMissing = true): CoverageFacts => {
  const { values, startHour } = series;
  let validHours = 0;
  let missingHours = 0;
  let zeroHours = 0;
  let negativeHours = 0;
  let longestGapHours = 0;
  let run = 0;
  const outages: Period[] = [];
  const zeroRuns: Period[] = [];
  let zeroRun = 0;
  const closeZeroRun = (endIndex: number): void => {
    if (zeroRun >= outageMinHours) zeroRuns.push({ start: hourToIso(startHour + endIndex - zeroRun), end: hourToIso(startHour + endIndex), hours: zeroRun });
    zeroRun = 0;
  };
  const closeRun = (endIndex: number): void => {
    if (run >= outageMinHours) {
      outages.push({ start: hourToIso(startHour + endIndex - run), end: hourToIso(startHour + endIndex), hours: run });
    }
    if (run > longestGapHours) longestGapHours = run;
    run = 0;
  };
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    if (!zeroIsMissing) {
      if (value === 0) zeroRun += 1;
      else if (zeroRun > 0) closeZeroRun(index);
    }
    if (isValidReading(value, zeroIsMissing)) {
      validHours += 1;
      if (value === 0) zeroHours += 1;
      if (run > 0) closeRun(index);
      continue;
    }
    if (Number.isNaN(value)) missingHours += 1;
    else if (value === 0) zeroHours += 1;
    else negativeHours += 1;
    run += 1;
  }
  if (run > 0) closeRun(values.length);
  if (zeroRun > 0) closeZeroRun(values.length);
  const expectedHours = values.length;
  return {
    expectedHours,
    validHours,
    missingHours,
    zeroHours,
    negativeHours,
    coverageRatio: expectedHours > 0 ? validHours / expectedHours : 0,
    longestGapHours,
    outages,
    ...(zeroIsMissing ? {} : { zeroRuns }),
  };
};
