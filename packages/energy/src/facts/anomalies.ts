import type { AnomalyFact } from '../types';
import type { ResolvedFactsOptions } from './facts-options';
import type { LocalCalendar } from './local-calendar';
import { median, medianAbsoluteDeviation } from './statistics';

/** MAD → standard deviation for normal data. */
const MAD_SCALE = 1.4826;

interface Test {
  actual: number;
  reference: number[];
}

const score = (test: Test, options: ResolvedFactsOptions, minReference: number): Omit<AnomalyFact, 'kind' | 'date'> | null => {
  if (test.reference.length < minReference) return null;
  const expected = median(test.reference);
  if (!(expected > 0)) return null;
  const mad = medianAbsoluteDeviation(test.reference, expected);
  // A floor of 1 % of expected keeps a perfectly flat reference from turning noise into infinite z.
  const spread = Math.max(MAD_SCALE * mad, 0.01 * expected);
  const robustZ = (test.actual - expected) / spread;
  const deviationPct = (test.actual - expected) / expected;
  if (Math.abs(robustZ) < options.anomalyMinRobustZ || Math.abs(deviationPct) < options.anomalyMinDeviation) return null;
  return { actualKwh: test.actual, expectedKwh: expected, deviationPct, robustZ };
};

/**
 * Days and weeks far from the building's own expected profile.
 * - Day: expected = median kWh of the same day type (Monday–Friday or Saturday–Sunday)
 *   over the days within ±`anomalyWindowDays` (the day itself excluded); needs
 *   `anomalyMinReferenceDays` such days.
 * - Week (local Monday–Sunday, at least 6 counted days, kWh scaled to 7 days): expected =
 *   median of the other weeks within ±`anomalyWindowDays`/7 weeks (rounded up); needs a
 *   quarter of `anomalyMinReferenceDays` weeks (at least 2).
 * - robust z = (actual − expected) / max(1.4826 × MAD, 1 % of expected), MAD of the reference.
 * - An anomaly has |z| ≥ `anomalyMinRobustZ` (3.5) and |deviation| ≥ `anomalyMinDeviation` (15 %).
 * Days without a daily kWh (outages) are not tested: coverage reports them.
 * The largest `maxAnomalies` by |z| are kept, then ordered by date.
 */
export const findAnomalies = (dailyKwh: Float64Array, calendar: LocalCalendar, options: ResolvedFactsOptions): AnomalyFact[] => {
  const found: AnomalyFact[] = [];
  const window = options.anomalyWindowDays;
  const days = dailyKwh.length;
  const weekend = (day: number): boolean => calendar.weekdays[day] >= 6;
  for (let day = 0; day < days; day += 1) {
    const actual = dailyKwh[day];
    if (Number.isNaN(actual)) continue;
    const reference: number[] = [];
    for (let other = Math.max(0, day - window); other <= Math.min(days - 1, day + window); other += 1) {
      if (other !== day && !Number.isNaN(dailyKwh[other]) && weekend(other) === weekend(day)) reference.push(dailyKwh[other]);
    }
    const result = score({ actual, reference }, options, options.anomalyMinReferenceDays);
    if (result) found.push({ kind: result.robustZ > 0 ? 'day-high' : 'day-low', date: calendar.dates[day], ...result });
  }

  const weeks: { date: string; kwh: number }[] = [];
  const firstMonday = (8 - calendar.weekdays[0]) % 7;
  for (let start = firstMonday; start + 7 <= days; start += 7) {
    let sum = 0;
    let counted = 0;
    for (let day = start; day < start + 7; day += 1) {
      if (!Number.isNaN(dailyKwh[day])) {
        sum += dailyKwh[day];
        counted += 1;
      }
    }
    weeks.push({ date: calendar.dates[start], kwh: counted >= 6 ? (sum * 7) / counted : Number.NaN });
  }
  const weekWindow = Math.ceil(window / 7);
  const minWeeks = Math.max(2, Math.ceil(options.anomalyMinReferenceDays / 4));
  weeks.forEach((week, index) => {
    if (Number.isNaN(week.kwh)) return;
    const reference: number[] = [];
    for (let other = Math.max(0, index - weekWindow); other <= Math.min(weeks.length - 1, index + weekWindow); other += 1) {
      if (other !== index && !Number.isNaN(weeks[other].kwh)) reference.push(weeks[other].kwh);
    }
    const result = score({ actual: week.kwh, reference }, options, minWeeks);
    if (result) found.push({ kind: result.robustZ > 0 ? 'week-high' : 'week-low', date: week.date, ...result });
  });

  return found
    .sort((a, b) => Math.abs(b.robustZ) - Math.abs(a.robustZ))
    .slice(0, options.maxAnomalies)
    .sort((a, b) => (a.date === b.date ? a.kind.localeCompare(b.kind) : a.date.localeCompare(b.date)));
};
