import type { PromptData } from '../prompts/prompt-data';
import { evidenceItems, proseFields } from './answer-view';
import type { CheckOutcome } from './check-types';
import { metricUnitClass, parseUnitString, valuesInMetricUnit } from './metric-units';
import { halfStepOf, withinTolerance, type NumberToleranceOptions } from './number-tolerance';
import { proseClaims } from './prose-claims';

/**
 * Every cited evidence number, and every prose number attributed to a metric, must be
 * the computed fact within tolerance (see `withinTolerance`; ratios may also be off by
 * 0.005 and percentiles by 0.5, the rounding to two decimals or a whole number). A metric name the data
 * block does not hold is ungrounded; so is a value for a metric the facts mark missing.
 * Score: share of checked numbers that are grounded (1 when nothing was checked).
 */
const matches = (data: PromptData, metric: string, value: number, halfStep: number, unit: ReturnType<typeof parseUnitString>, tolerance: NumberToleranceOptions): boolean => {
  const fact = data.metrics[metric];
  if (typeof fact !== 'number' || !Number.isFinite(value)) return false;
  const unitClass = metricUnitClass(metric);
  // Ratios may be rounded to two decimals and percentiles to whole numbers, however small.
  const ratioFloor = unitClass === 'ratio' || unitClass === 'signed-fraction' ? 0.005 : unitClass === 'percentile' ? 0.5 : 0;
  return valuesInMetricUnit(metric, value, unit).some((converted) => {
    const factor = value === 0 ? 1 : Math.abs(converted / value);
    return withinTolerance(converted, fact, halfStep * factor,
      { ...tolerance, absoluteFloor: Math.max(tolerance.absoluteFloor ?? 1e-6, ratioFloor) });
  });
};

const missingMetric = (data: PromptData, metric: string): boolean =>
  data.missing.some((entry) => entry.metric === metric || metric.endsWith(`.${entry.metric}`) || metric.startsWith(`${entry.metric}.`));

export const checkGrounded = (answer: unknown, data: PromptData, tolerance: NumberToleranceOptions = {}): CheckOutcome & { checked: number } => {
  const issues: string[] = [];
  let checked = 0;
  for (const item of evidenceItems(answer)) {
    checked += 1;
    if (!(item.metric in data.metrics)) {
      issues.push(missingMetric(data, item.metric)
        ? `${item.where}: cites ${item.metric} = ${item.value}, which the facts mark missing`
        : `${item.where}: cites unknown metric ${item.metric}`);
      continue;
    }
    const written = Number.isFinite(item.value) ? String(item.value) : '';
    if (!matches(data, item.metric, item.value, halfStepOf(written), parseUnitString(item.unit), tolerance)) {
      issues.push(`${item.where}: ${item.metric} cited as ${item.value}${item.unit ? ` ${item.unit}` : ''}, fact is ${data.metrics[item.metric]}`);
    }
  }
  for (const field of proseFields(answer)) {
    for (const claim of proseClaims(field.text, data, { meter: field.meter })) {
      checked += 1;
      if (claim.candidates.length === 0 && claim.value === 0) continue; // "floor area is 0" restates a missing fact
      if (claim.candidates.length === 0) {
        issues.push(`${field.where}: states ${claim.written} for ${claim.subject}, which the facts do not hold`);
        continue;
      }
      if (!claim.candidates.some((metric) => matches(data, metric, claim.value, claim.halfStep, claim.unit, tolerance))) {
        const facts = claim.candidates.slice(0, 4).map((metric) => `${metric} = ${data.metrics[metric]}`).join(', ');
        issues.push(`${field.where}: "${claim.written}" for ${claim.subject} matches no fact (${facts})`);
      }
    }
  }
  const score = checked === 0 ? 1 : (checked - issues.length) / checked;
  return { score, issues, checked };
};
