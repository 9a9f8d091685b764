import type { PromptData } from '../prompts/prompt-data';
import { asArray, asRecord, evidenceItems } from './answer-view';
import type { CheckOutcome } from './check-types';
import { isCompatibleUnit, parseUnitString } from './metric-units';

/**
 * Physical and arithmetic sense: savings are not negative and never exceed what the
 * building consumes (each, and all together); percentages lie in 0..100 and add up to
 * at most 100; a recommendation's kWh and percent agree with some meter's (or the
 * total) annual consumption; evidence units fit their metrics; confidence is in 0..1.
 * Score: 1 − issues / checks made (0 when every check failed).
 */
export const checkPlausible = (answer: unknown, data: PromptData): CheckOutcome => {
  const root = asRecord(answer);
  const issues: string[] = [];
  let checks = 0;
  const check = (ok: boolean, issue: string) => {
    checks += 1;
    if (!ok) issues.push(issue);
  };
  const annuals = data.meters.map((meter) => data.metrics[`${meter}.annualKwh`]).filter((value): value is number => typeof value === 'number');
  const totalAnnual = annuals.reduce((sum, value) => sum + value, 0);
  let sumKwh = 0;
  let sumPct = 0;
  asArray(root.recommendations).forEach((raw, index) => {
    const recommendation = asRecord(raw);
    const kwh = recommendation.estimatedAnnualSavingsKwh;
    const pct = recommendation.estimatedSavingsPct;
    if (typeof kwh === 'number') {
      sumKwh += kwh;
      check(kwh >= 0, `recommendations[${index}]: negative savings ${kwh} kWh`);
      if (annuals.length > 0) check(kwh <= totalAnnual, `recommendations[${index}]: saves ${kwh} kWh, more than the ${Math.round(totalAnnual)} kWh consumed a year`);
      else check(false, `recommendations[${index}]: gives ${kwh} kWh savings although annual consumption is unknown`);
    }
    if (typeof pct === 'number') {
      sumPct += pct;
      check(pct >= 0 && pct <= 100, `recommendations[${index}]: savings ${pct}% outside 0..100`);
    }
    if (typeof kwh === 'number' && typeof pct === 'number' && pct > 0 && annuals.length > 0) {
      const bases = [...annuals, totalAnnual];
      const agrees = bases.some((base) => {
        const implied = (kwh / base) * 100;
        return Math.abs(implied - pct) <= Math.max(1, 0.25 * pct);
      });
      check(agrees, `recommendations[${index}]: ${kwh} kWh is not ${pct}% of any meter's annual consumption`);
    }
  });
  if (annuals.length > 0 && sumKwh > 0)
    check(sumKwh <= totalAnnual, `recommendations save ${Math.round(sumKwh)} kWh together, more than the ${Math.round(totalAnnual)} kWh consumed`);
  if (sumPct > 0) check(sumPct <= 100, `recommendations save ${sumPct}% together, more than 100%`);
  for (const item of evidenceItems(answer)) {
    if (item.unit === undefined || !(item.metric in data.metrics)) continue;
    check(isCompatibleUnit(item.metric, parseUnitString(item.unit)), `${item.where}: unit "${item.unit}" does not fit ${item.metric}`);
  }
  const confidence = root.confidence;
  if (typeof confidence === 'number') check(confidence >= 0 && confidence <= 1, `confidence ${confidence} outside 0..1`);
  return { score: checks === 0 ? 1 : (checks - issues.length) / checks, issues };
};
