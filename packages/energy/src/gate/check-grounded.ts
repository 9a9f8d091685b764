import type { PromptData } from '../prompts/prompt-data';
import { asArray, asRecord, evidenceItems, proseFields } from './answer-view';
import type { CheckOutcome } from './check-types';
import { buildFactUniverse, KIND_OF_METRIC, KINDS_FOR_UNIT, type EnergyPeriod, type Figure, type FigureKind } from './fact-universe';
import { resolveMetric } from './metric-alias';
import { metricUnitClass, parseUnitString, valuesInMetricUnit, type WrittenUnit } from './metric-units';
import { halfStepOf, withinTolerance, type NumberToleranceOptions } from './number-tolerance';
import { proseClaims, type ProseClaim } from './prose-claims';
import { quantitiesIn, sentencesOf, type Quantity } from './quantities';

/**
 * Grounding by value. Every quantity in every prose field (digits, units, scale words,
 * ranges, number words) must match a figure of the closed universe the facts support
 * (`buildFactUniverse`) in its unit, within the precision it is written with. A number
 * that a metric phrase attributes to one metric ("the peak is 67.5 kW") and that matches
 * only another fact's value is a swap (the phrase owns the number: the one right after it,
 * or right before it — "0.43 is the night/day ratio"; "base/peak 17/59 kW" pairs in order;
 * "8,685 valid hours out of 8,760" gives the whole to no phrase). Savings and targets are estimates: a savings figure in
 * prose must agree with a recommendation's fields and stay within consumption (≤ 100 %).
 * Cited evidence must be its metric's value; metric names are read forgivingly (a variant
 * is a noted slip, not a failure). Every claim is listed with what it matched or why not.
 */
export type ClaimStatus = 'matched' | 'estimate' | 'ignored' | 'unsupported' | 'contradiction';

export interface GateClaim {
  where: string;
  written: string;
  status: ClaimStatus;
  /** What the figure matched (a fact or a derivation), or why it did not. */
  note: string;
}

export interface GroundedOutcome extends CheckOutcome {
  claims: GateClaim[];
  /** Format slips read forgivingly (metric-name variants, numbers as strings). */
  slips: string[];
  /** Quantities in prose that matched a figure of the facts. */
  matchedProse: number;
  /** Facts the answer states correctly, in evidence or in prose. */
  matchedMetrics: Set<string>;
}

const SAVINGS_CONTEXT =
  /\b(?:sav(?:e|es|ed|ing|ings)|reduc\w*|cut\w*|lower(?:ing|s)?|trim\w*|shav\w*|avoid\w*|eliminat\w*|recover\w*|potential|estimated?|could|would|target\w*|aim\w*|goal|payback|worth|opportunit\w*)\b/i;
const TARGET_BEFORE =
  /\b(?:to|by|below|under|towards?|target(?:ing)?|aim(?:ing)? for|goal of|down to|no more than|at most|around|of)\s*(?:about|around|roughly|approximately|~|some|just)?\s*$/i;
const SMALL_COUNT = 12;
/** A payback period is a cost claim ("a payback of 3 years"). */
const PAYBACK = /\bpay(?:s)?[- ]?back\b[^.;]{0,30}$/i;
/** A figure that sizes plant the data never describes ("the 74 kW chiller plant", "an 80 kWp rooftop PV array"). */
const EQUIPMENT_AFTER =
  /^\s*(?:[a-z-]+\s+){0,2}?(?:chillers?|boilers?|heat pumps?|CHP|PV|photovoltaic|solar (?:array|panels?|installation)|(?:rooftop )?arrays?|air[- ]handling units?|AHUs?|generators?|batter(?:y|ies)|transformers?|inverters?|cooling towers?|lifts?|elevators?|compressors?|refurbishment|retrofit of \d{4}|extension)\b/i;
/** A percentage a reduction word governs ("cut by 150 %", "save 120 %", "a 140 % reduction"), not a share ("weekday use is 114.8 % of weekend use"). */
const REDUCTION_GOVERNS =
  /\b(?:by|cut(?:s|ting)?|reduc\w*|sav(?:e|es|ed|ing)|lower(?:s|ed|ing)?|trim\w*|shav\w*|drop\w*|fall\w*|down)\s+(?:\w+\s+)?(?:about|around|roughly|some|up to|over|nearly)?\s*$/i;
const REDUCTION_AFTER = /^\s*(?:reduction|saving|savings|cut|less|lower|decrease|drop)\b/i;

/** A part of the load before "by N %" ("trimming the 30.4 kW baseload by 15 %", "cut the overnight load by 20 %"). */
const COMPONENT_CUT_BEFORE =
  /\b(?:base[- ]?load|base|peak(?:\s+demand)?|night(?:[- ]?time)?(?:\s+(?:load|use|demand))?|overnight(?:\s+(?:load|use|demand))?|out[- ]of[- ]hours(?:\s+(?:load|use|demand))?|standby(?:\s+load)?|always[- ]on(?:\s+load)?|weekend(?:\s+(?:load|use|demand))?|heating(?:\s+(?:load|demand|use))?|cooling(?:\s+(?:load|demand|use))?|lighting(?:\s+load)?|fans?|pumps?)\b[^.;]{0,25}\bby\s*(?:about|around|roughly|some|up to|~)?\s*$/i;

/** Sums of two or more of the given values (the first eight). */
const subsetSums = (values: number[]): number[] => {
  const items = values.slice(0, 8);
  const sums: number[] = [];
  for (let mask = 1; mask < 1 << items.length; mask += 1) {
    if ((mask & (mask - 1)) === 0) continue;
    let sum = 0;
    for (let index = 0; index < items.length; index += 1) if (mask & (1 << index)) sum += items[index];
    sums.push(sum);
  }
  return sums;
};

/** "That averages …", "This works out at …": a figure derived from the sentence before. */
const THAT_AVERAGES =
  /^\s*(?:that|this|which|it)\s+(?:averages?|works? out (?:at|to)|equals?|comes? to|means|corresponds to|translates (?:in)?to|is (?:about|around|roughly|some|approximately)?)\s*(?:about|around|roughly|some|approximately|an average of|a mean of)?\s*$/i;
const PERIODS_PER_YEAR: Record<EnergyPeriod, number> = { year: 1, month: 12, week: 365 / 7, day: 365, hour: 8760 };

/** Kinds of figure a number states only with its unit: a bare number is not one of them. */
const UNIT_BEARING_KINDS = new Set<FigureKind>(['energy', 'power', 'eui', 'power-density', 'slope', 'celsius', 'area']);

const matchesValue = (cited: number, halfStep: number, fact: number, tolerance: NumberToleranceOptions, floor = 0): boolean =>
  withinTolerance(cited, fact, halfStep, { ...tolerance, absoluteFloor: Math.max(tolerance.absoluteFloor ?? 1e-6, floor) });

/** An absolute floor for figures near zero: a ratio to 2 decimals, a percentile to the nearest whole (a percentage's own precision decides). */
const floorFor = (figure: Figure): number => (figure.kind === 'ratio' ? 0.005 : figure.kind === 'percentile' ? 0.5 : 0);

/** Figures of the universe this quantity may state. */
const PERIOD_AFTER = /^\s*(?:of\s+\w+\s+)?(?:per|a|an|each|every|\/)\s*(day|week|month|year|annum|hour|yr)\b/i;
const PERIOD_BEFORE: [RegExp, EnergyPeriod][] = [
  [/\b(?:daily|per day|a day|each day|every day|day's|daily mean)\b/gi, 'day'],
  [/\b(?:weekly|per week|a week|each week|week's)\b/gi, 'week'],
  [/\b(?:monthly|per month|a month|each month|month's)\b/gi, 'month'],
  [/\b(?:annual(?:ly|ised|ized)?|yearly|per year|a year|each year|year's|per annum)\b/gi, 'year'],
  [/\b(?:hourly|per hour|an hour|each hour)\b/gi, 'hour'],
];
const PERIOD_WORD: Record<string, EnergyPeriod> = { day: 'day', week: 'week', month: 'month', year: 'year', annum: 'year', yr: 'year', hour: 'hour' };

/** The period a written energy figure is said to cover ("3,839 kWh per day", "the monthly mean is …"), if any. */
const periodOf = (quantity: Quantity, masked: string): EnergyPeriod | undefined => {
  if (quantity.unit.unitClass === 'energy-per-day') return 'day';
  if (quantity.unit.unitClass !== 'energy') return undefined;
  const after = PERIOD_AFTER.exec(masked.slice(quantity.end, quantity.end + 24));
  if (after) return PERIOD_WORD[after[1].toLowerCase()];
  const before = masked.slice(Math.max(0, quantity.start - 32), quantity.start);
  let nearest: { index: number; period: EnergyPeriod } | undefined;
  for (const [pattern, period] of PERIOD_BEFORE) {
    for (const match of before.matchAll(pattern)) if (!nearest || (match.index ?? 0) > nearest.index) nearest = { index: match.index ?? 0, period };
  }
  if (!nearest || /\d/.test(before.slice(nearest.index))) return undefined;
  return nearest.period;
};

const PER_DEGREE = /\b(?:per|for (?:each|every)|each|every|a|an)\s+(?:additional\s+)?(?:degree|°\s*C|℃|K\b)|\bdegree(?:s)? (?:warmer|colder|cooler|hotter)|\/\s*(?:°\s*C|K)\b/i;
const APPROXIMATE = /\b(?:about|around|roughly|approximately|approx\.?|nearly|almost|some|close to|just (?:over|under)|circa|c\.)\s*$|~\s*$|≈\s*$/i;

/** An energy figure written beside "per degree" ("rises by 104.6 kWh for each degree warmer") may be the weather slope. */
const kindsFor = (quantity: Quantity, masked: string): FigureKind[] | 'any' => {
  const kinds = KINDS_FOR_UNIT[quantity.unit.unitClass];
  if (kinds !== 'any' && (quantity.unit.unitClass === 'energy' || quantity.unit.unitClass === 'energy-per-day') && PER_DEGREE.test(masked)) return [...kinds, 'slope'];
  return kinds;
};

const figureMatches = (quantity: Quantity, universe: Figure[], tolerance: NumberToleranceOptions, masked = ''): Figure[] => {
  const kinds = kindsFor(quantity, masked);
  // "about 8 days" claims the nearest whole number: rounding may excuse up to 10 %.
  if (APPROXIMATE.test(masked.slice(Math.max(0, quantity.start - 20), quantity.start))) tolerance = { ...tolerance, roundingCap: Math.max(tolerance.roundingCap ?? 0.06, 0.1) };
  // A range claims the figure lies inside it: its half width decides, not the rounding cap.
  if (quantity.range) tolerance = { ...tolerance, roundingCap: 1 };
  const period = periodOf(quantity, masked);
  const value = quantity.value * quantity.unit.scale;
  const halfStep = quantity.halfStep * quantity.unit.scale;
  const reach = Math.max(tolerance.relative ?? 0.005, tolerance.roundingCap ?? 0.06, 0.1);
  return universe.filter(
    (figure) =>
      (kinds === 'any' || kinds.includes(figure.kind)) &&
      // A cheap bound first: no tolerance reaches past 10 % of the figure, half a step or the floor.
      Math.abs(Math.abs(value) - Math.abs(figure.value)) <=
        Math.max(reach * Math.abs(figure.value), halfStep + (figure.slack ?? 0), floorFor(figure), tolerance.absoluteFloor ?? 1e-6) + 1e-9 &&
      (period === undefined || figure.period === undefined || figure.period === period || figure.kind === 'slope') &&
      (matchesValue(value, halfStep, figure.value, tolerance, floorFor(figure) + (figure.slack ?? 0)) ||
        (figure.value < 0 && matchesValue(value, halfStep, Math.abs(figure.value), tolerance, floorFor(figure) + (figure.slack ?? 0)))),
  );
};

const evidenceMatches = (data: PromptData, metric: string, value: number, written: string, unit: WrittenUnit, tolerance: NumberToleranceOptions): boolean => {
  const fact = data.metrics[metric];
  if (typeof fact !== 'number' || !Number.isFinite(value)) return false;
  const unitClass = metricUnitClass(metric);
  const floor = unitClass === 'ratio' || unitClass === 'signed-fraction' ? 0.005 : unitClass === 'percentile' ? 0.5 : 0;
  const halfStep = halfStepOf(written);
  return valuesInMetricUnit(metric, value, unit).some((converted) => {
    const factor = value === 0 ? 1 : Math.abs(converted / value);
    return matchesValue(converted, halfStep * factor, fact, tolerance, floor) || matchesValue(Math.abs(converted), halfStep * factor, Math.abs(fact), tolerance, floor);
  });
};

const missingMetric = (data: PromptData, metric: string): boolean =>
  data.missing.some((entry) => entry.metric === metric || metric.endsWith(`.${entry.metric}`) || metric.startsWith(`${entry.metric}.`));

interface SavingsFields {
  kwh: number[];
  pct: number[];
}

/**
 * The savings the recommendations' fields state, with their sum. `only`: the fields of one
 * recommendation (and the sum): its own rationale must agree with its own figures, not another's.
 */
const savingsFields = (answer: unknown, only?: number): SavingsFields => {
  const fields: SavingsFields = { kwh: [], pct: [] };
  const all: SavingsFields = { kwh: [], pct: [] };
  asArray(asRecord(answer).recommendations).forEach((raw, index) => {
    const recommendation = asRecord(raw);
    const kwh = Number(recommendation.estimatedAnnualSavingsKwh);
    const pct = Number(recommendation.estimatedSavingsPct);
    for (const target of only === undefined || only === index ? [fields, all] : [all]) {
      if (recommendation.estimatedAnnualSavingsKwh !== null && Number.isFinite(kwh)) target.kwh.push(kwh);
      if (recommendation.estimatedSavingsPct !== null && Number.isFinite(pct)) target.pct.push(pct);
    }
  });
  const sum = (values: number[]) => values.reduce((left, right) => left + right, 0);
  if (all.kwh.length > 1) fields.kwh.push(sum(all.kwh));
  if (all.pct.length > 1) fields.pct.push(sum(all.pct));
  return fields;
};

/**
 * A number right before a count noun ("four outages", "14 anomalies", "of the 84 peer buildings",
 * "three data issues") states a count: it must be one the facts give (the anomalies flagged or
 * shown, per meter or together; the data issues; a meter's outages or all of them; the peer group,
 * with or without the building; the meters). A subset ("the three largest anomalies", "two of the
 * outages", "two warning-level issues") may be any number up to the largest of those counts.
 */
const COUNT_NOUN =
  /^\s+(?:(?!(?:for|of|in|on|at|to|with|without|from|by|per|and|or|but|the|a|an|no|not|is|are|was|were|has|have|had|this|that|its|their)\b)[A-Za-z][A-Za-z/-]*\s+){0,3}?(anomal(?:y|ies)|issues?|outages?|buildings?|peers?|meters?|(?<=(?:anomalous|unusual|abnormal|flagged)\s+)(?:periods?|days?|weeks?|events?))\b/i;
const SUBSET_BEFORE =
  /\b(?:top|largest|biggest|main|first|last|worst|highest|lowest|strongest|key|notable|major|critical|warning|shown|listed|these|those|only|at least|up to|over|more than|fewer than|under)\s+$|\b(?:of|among|including)\s+(?:the\s+)?$/i;
const SUBSET_AFTER = /^\s*(?:of|among)\b|^\s+(?:(?!were|was|are|is)\w+\s+){0,2}(?:shown|listed|below|above)\b|^\s+(?:\w+\s+){0,3}(?:critical|warning|info)\b/i;

const countsFor = (noun: string, data: PromptData, meter: string | undefined): number[] => {
  const sum = (values: number[]) => values.reduce((left, right) => left + right, 0);
  const perMeter = (suffix: string) => {
    const meters = meter && data.meters.includes(meter as never) ? [meter] : data.meters;
    const values = meters.map((name) => data.metrics[`${name}.${suffix}`]).filter((value): value is number => typeof value === 'number');
    return meter ? values : [...values, sum(values)];
  };
  if (/^(?:anomal|period|day|week|event)/i.test(noun))
    return [data.anomalies.length, ...perMeter('anomalyCount'), ...data.meters.map((name) => data.anomalies.filter((anomaly) => anomaly.meter === name).length)];
  if (/^issue/i.test(noun)) return [data.dataIssues.length];
  if (/^outage/i.test(noun)) return perMeter('coverage.outageCount');
  if (/^meter/i.test(noun)) return [data.meters.length];
  const group = data.metrics['peers.groupSize'];
  return typeof group === 'number' ? [group, group - 1, group + 1] : [];
};

export const checkGrounded = (answer: unknown, data: PromptData, tolerance: NumberToleranceOptions = {}): GroundedOutcome => {
  const issues: string[] = [];
  const claims: GateClaim[] = [];
  const slips: string[] = [];
  let checked = 0;
  let matchedProse = 0;
  const matchedMetrics = new Set<string>();
  const universe = buildFactUniverse(data);
  const confidenceField = typeof asRecord(answer).confidence === 'number' ? (asRecord(answer).confidence as number) : undefined;
  const annualTotal =
    data.meters.reduce((sum, meter) => sum + (data.metrics[`${meter}.annualKwh`] ?? 0), 0) || data.meters.reduce((sum, meter) => sum + (data.metrics[`${meter}.totalKwh`] ?? 0), 0);
  const largestOf = (kind: Figure['kind']) => Math.max(0, ...universe.filter((figure) => figure.kind === kind).map((figure) => Math.abs(figure.value)));

  for (const item of evidenceItems(answer)) {
    checked += 1;
    const where = item.where;
    const resolved = resolveMetric(item.metric, data);
    const written = typeof item.rawValue === 'string' ? item.rawValue : String(item.value);
    if (!resolved) {
      const note = missingMetric(data, item.metric) ? `cites ${item.metric} = ${written}, which the facts mark missing` : `cites unknown metric ${item.metric}`;
      issues.push(`${where}: ${note}`);
      claims.push({ where, written: `${item.metric} = ${written}`, status: 'unsupported', note });
      continue;
    }
    if (typeof item.rawValue === 'string') slips.push(`${where}: value written as the string "${item.rawValue}"`);
    const unit = parseUnitString(item.unit);
    const hit = resolved.metrics.find((metric) => evidenceMatches(data, metric, item.value, written, unit, tolerance));
    if (!resolved.exact) slips.push(`${where}: metric written as "${item.metric}", read as ${hit ?? resolved.metrics[0]}`);
    if (hit) {
      matchedMetrics.add(hit);
      claims.push({ where, written: `${item.metric} = ${written}${item.unit ? ` ${item.unit}` : ''}`, status: 'matched', note: `${hit} = ${data.metrics[hit]}` });
    } else {
      const facts = resolved.metrics
        .slice(0, 3)
        .map((metric) => `${metric} = ${data.metrics[metric]}`)
        .join(', ');
      const note = `cited as ${written}${item.unit ? ` ${item.unit}` : ''}, fact is ${facts}`;
      issues.push(`${where}: ${item.metric} ${note}`);
      claims.push({ where, written: `${item.metric} = ${written}`, status: 'contradiction', note });
    }
  }

  const allSavings = savingsFields(answer);
  let savings = allSavings;
  for (const field of proseFields(answer)) {
    const recommendation = /^recommendations\[(\d+)\]/.exec(field.where)?.[1];
    savings = recommendation === undefined ? allSavings : savingsFields(answer, Number(recommendation));
    const attributed = proseClaims(field.text, data, { meter: field.meter, context: field.context });
    // The year's figure the field last stated, for "That averages 137 kWh a day" in the next sentence.
    let yearFigure: Figure | undefined;
    for (const sentence of sentencesOf(field.text)) {
      const sentenceClaims = attributed.filter((claim) => claim.sentence === sentence.text || sentence.text.includes(claim.sentence) || claim.sentence.includes(sentence.text));
      // Metric names written out in prose: `electricity.load.peakKw = 120`.
      for (const claim of sentenceClaims.filter((entry) => entry.subject.includes('.'))) {
        checked += 1;
        const ok = claim.candidates.some((metric) => evidenceMatches(data, metric, claim.value, claim.written, claim.unit, tolerance));
        const note = ok ? `${claim.subject} = ${data.metrics[claim.subject]}` : claim.subject in data.metrics ? `fact is ${data.metrics[claim.subject]}` : 'no such metric';
        claims.push({ where: field.where, written: `${claim.subject} ${claim.written}`, status: ok ? 'matched' : 'contradiction', note });
        if (ok) matchedProse += 1;
        else issues.push(`${field.where}: "${claim.subject} ${claim.written}" — ${note}`);
      }
      const sentenceAt = field.text.indexOf(sentence.text);
      for (const quantity of quantitiesIn(sentence)) {
        // The claim on this very number (not an earlier one of the same value in the sentence).
        const at = sentenceAt + quantity.start;
        const attributed = sentenceClaims.find(
          (claim) =>
            !claim.subject.includes('.') &&
            Math.abs(claim.value - quantity.value) < 1e-9 * Math.max(1, Math.abs(quantity.value)) &&
            Math.abs(field.text.indexOf(claim.sentence) + claim.start - at) <= 1,
        );
        let outcome = judgeQuantity(quantity, sentence.masked, attributed);
        const period =
          yearFigure && outcome.status !== 'contradiction' && THAT_AVERAGES.test(sentence.masked.slice(0, quantity.start)) ? periodOf(quantity, sentence.masked) : undefined;
        if (yearFigure && period && period !== 'year') {
          // "…uses 226,970 kWh a year. That averages 622 kWh a day.": the mean of that year, not any figure that happens to match.
          // The annual or the metered total, over the year or over the valid hours: any of them is an honest mean.
          const meter = yearFigure.metrics[0].split('.')[0];
          const totals = [data.metrics[`${meter}.annualKwh`], data.metrics[`${meter}.totalKwh`]].filter((total): total is number => typeof total === 'number');
          const validHours = data.metrics[`${meter}.coverage.validHours`];
          const spans = [1, ...(typeof validHours === 'number' && validHours > 0 ? [validHours / 8760] : [])];
          const means = totals.flatMap((total) => spans.map((span) => total / span / PERIODS_PER_YEAR[period]));
          const mean = yearFigure.value / PERIODS_PER_YEAR[period];
          const value = quantity.value * quantity.unit.scale;
          const halfStep = quantity.halfStep * quantity.unit.scale;
          const ok = means.some((candidate) => Math.abs(value - candidate) <= Math.max(halfStep < 0.5 ? halfStep : Math.min(halfStep, 0.06 * candidate), 0.02 * candidate));
          if (!ok)
            outcome = {
              status: 'contradiction',
              note: `says the year's ${Math.round(yearFigure.value)} kWh averages this a ${period}; it averages ${Number(mean.toPrecision(4))}`,
              matches: [],
            };
        }
        if (outcome.status === 'matched' && quantity.unit.unitClass === 'energy' && ['year', undefined].includes(period ?? periodOf(quantity, sentence.masked))) {
          yearFigure =
            outcome.matches.find(
              (figure) => figure.metrics.length === 1 && /\.(?:annualKwh|totalKwh)$/.test(figure.metrics[0]) && figure.kind === 'energy' && figure.source === figure.metrics[0],
            ) ?? yearFigure;
        }
        if (outcome.status === 'ignored') {
          claims.push({ where: field.where, written: quantity.written, status: 'ignored', note: outcome.note });
          continue;
        }
        checked += 1;
        claims.push({ where: field.where, written: quantity.written, status: outcome.status, note: outcome.note });
        if (outcome.status === 'matched') {
          matchedProse += 1;
          for (const figure of outcome.matches) if (figure.metrics.length === 1) matchedMetrics.add(figure.metrics[0]);
        }
        if (outcome.status === 'unsupported' || outcome.status === 'contradiction') {
          issues.push(`${field.where}: "${quantity.written}" ${outcome.note} — in "${clip(sentence.text)}"`);
        }
      }
    }
  }

  /** The verdict on one quantity, with the figures it matched (for `matchedMetrics`). */
  function judgeQuantity(quantity: Quantity, masked: string, attributed: ProseClaim | undefined): { status: ClaimStatus; note: string; matches: Figure[] } {
    if (quantity.money) return { status: 'unsupported', note: 'is a money figure; the data holds no prices or costs', matches: [] };
    if (
      PAYBACK.test(masked.slice(Math.max(0, quantity.start - 40), quantity.start)) &&
      /^\s*(?:years?|yrs?|months?)\b/i.test(masked.slice(quantity.start + quantity.written.replace(/\s*(?:years?|yrs?|months?)$/i, '').length))
    ) {
      return { status: 'unsupported', note: 'is a payback period; the data holds no prices or costs', matches: [] };
    }
    if (EQUIPMENT_AFTER.test(masked.slice(quantity.end, quantity.end + 40))) {
      return { status: 'unsupported', note: 'describes equipment the data does not mention', matches: [] };
    }
    const matches = figureMatches(quantity, universe, tolerance, masked);
    return { ...judgeAgainst(quantity, masked, attributed, matches), matches };
  }

  function judgeAgainst(quantity: Quantity, masked: string, attributed: ProseClaim | undefined, matches: Figure[]): { status: ClaimStatus; note: string } {
    const value = quantity.value * quantity.unit.scale;
    const unitClass = quantity.unit.unitClass;
    // "Confidence is moderate (0.7)": the answer's own confidence field, restated.
    if (
      confidenceField !== undefined &&
      /\bconfiden/i.test(masked) &&
      (unitClass === 'none' || unitClass === 'percent') &&
      Math.abs(value - (unitClass === 'percent' ? confidenceField * 100 : confidenceField)) <= quantity.halfStep + 1e-9
    ) {
      return { status: 'ignored', note: "restates the answer's confidence field" };
    }
    const counted =
      (unitClass === 'none' || unitClass === 'unknown') && Number.isInteger(value) && value >= 0 && quantity.halfStep >= 0.5 ? COUNT_NOUN.exec(masked.slice(quantity.end)) : null;
    if (counted) {
      const noun = counted[1];
      const counts = countsFor(noun, data, meterWordNear(masked, quantity.end + counted[0].length));
      if (counts.length > 0) {
        if (counts.includes(value)) return { status: 'matched', note: `counts ${noun}: the facts give ${value}` };
        const subset =
          SUBSET_BEFORE.test(masked.slice(Math.max(0, quantity.start - 24), quantity.start)) ||
          SUBSET_AFTER.test(masked.slice(quantity.end + counted[0].length)) ||
          /\b(?:top|largest|biggest|main|most|worst|highest|lowest|key|notable|major|first|last|strongest|remaining|other)\b/i.test(counted[0]);
        if (subset && value <= Math.max(...counts)) return { status: 'matched', note: `counts some of the ${noun} (the facts give ${Math.max(...counts)})` };
        return { status: 'contradiction', note: `counts ${value} ${noun}; the facts give ${[...new Set(counts)].join(' or ')}` };
      }
    }
    const before = masked.slice(Math.max(0, quantity.start - 40), quantity.start);
    const isSavings = SAVINGS_CONTEXT.test(masked) && (unitClass === 'percent' || unitClass === 'energy' || unitClass === 'energy-per-day');
    // In a savings sentence a figure of the facts is that figure; any other is an estimate to check
    // (only a percentage above 100 that matches a fact gets here with matches, and then it is a share, not a saving).
    // …unless a metric phrase owns the number and it is another metric's value ("gas use of 2,763,600 kWh … should cut it"
    // when that is the electricity): then it is judged as a swap below.
    const ownedByAnother =
      attributed !== undefined && attributed.candidates.length > 0 && !matches.some((figure) => figure.metrics.some((metric) => attributed.candidates.includes(metric)));
    if (isSavings && matches.length > 0 && !(unitClass === 'percent' && value > 100) && !ownedByAnother) return { status: 'matched', note: describe(matches) };
    if (isSavings && !(matches.length > 0 && attributed && attributed.candidates.length > 0)) {
      if (unitClass === 'percent') {
        if (
          value > 100 &&
          (REDUCTION_GOVERNS.test(masked.slice(Math.max(0, quantity.start - 24), quantity.start)) ||
            REDUCTION_AFTER.test(masked.slice(quantity.end, quantity.end + 24)) ||
            matches.length === 0)
        ) {
          return { status: 'unsupported', note: `is a reduction of more than 100 %` };
        }
        if (value > 100) return { status: 'matched', note: describe(matches) };
        if (savings.pct.some((pct) => matchesValue(value, quantity.halfStep, pct, tolerance, 0.5)))
          return { status: 'estimate', note: "agrees with a recommendation's estimatedSavingsPct" };
        if (savings.pct.length === 0 && value <= 60) return { status: 'estimate', note: 'a savings estimate (no recommendation states one)' };
        // "The electricity measures together save roughly 13 %": a sum of several recommendations' estimates.
        if (subsetSums(allSavings.pct).some((sum) => matchesValue(value, quantity.halfStep, sum, tolerance, 0.5)))
          return { status: 'estimate', note: "sums recommendations' estimatedSavingsPct" };
        // "Trimming the 30.4 kW baseload by 15 %": a cut of one part of the load, not the saving on the total.
        if (value <= 100 && COMPONENT_CUT_BEFORE.test(masked.slice(Math.max(0, quantity.start - 60), quantity.start)))
          return { status: 'estimate', note: 'a cut of one part of the load (a target, not the saving on the total)' };
        return { status: 'contradiction', note: `agrees with no recommendation's estimatedSavingsPct (${savings.pct.join(', ') || 'none'})` };
      }
      if (annualTotal > 0 && value > annualTotal + Math.max(quantity.halfStep * quantity.unit.scale, annualTotal * 0.001))
        return { status: 'unsupported', note: `is more than the ${Math.round(annualTotal)} kWh the building uses a year` };
      if (savings.kwh.some((kwh) => matchesValue(value, quantity.halfStep * quantity.unit.scale, kwh, tolerance)))
        return { status: 'estimate', note: "agrees with a recommendation's estimatedAnnualSavingsKwh" };
      if (savings.kwh.length === 0 && annualTotal > 0 && value <= annualTotal * 0.6) return { status: 'estimate', note: 'a savings estimate (no recommendation states one)' };
      return { status: 'contradiction', note: `agrees with no recommendation's estimatedAnnualSavingsKwh (${savings.kwh.join(', ') || 'none'})` };
    }
    if (
      unitClass === 'percent' &&
      value > 100 &&
      /\b(?:coverage|complete|valid|of (?:the )?(?:hours|year|readings))\b/i.test(masked) &&
      !matches.some((figure) => figure.source.startsWith('deviation'))
    ) {
      return { status: 'unsupported', note: 'is a share above 100 %' };
    }
    if (attributed && attributed.candidates.length === 0 && value === 0) return { status: 'ignored', note: `restates that ${attributed.subject} is missing` };
    if (attributed && attributed.candidates.length === 0) {
      return { status: 'unsupported', note: `is given for ${attributed.subject}, which the facts mark missing` };
    }
    if (matches.length > 0) {
      // A swap gives one fact's value for another fact of the same kind (a baseload as the peak);
      // a count beside a metric phrase ("the median of its 8 peers") is not one. A reciprocal is not
      // its metric ("the night/day ratio is 1.41" when night/day is 0.71).
      const attributedKinds = new Set(attributed?.candidates.map((metric) => KIND_OF_METRIC[metricUnitClass(metric)]) ?? []);
      // A ratio written as a percentage ("the load factor is 99.5 %") is read against the other percentages.
      if (unitClass === 'percent' && attributedKinds.has('ratio')) attributedKinds.add('percent');
      // A bare number ("the night/day ratio is 1.41") is not a percentage, nor a figure that carries a unit.
      const readable = unitClass === 'none' ? matches.filter((figure) => !UNIT_BEARING_KINDS.has(figure.kind) || attributedKinds.has(figure.kind)) : matches;
      const sameKind = readable.filter((figure) => attributedKinds.has(figure.kind));
      // A number that matches only figures of other kinds is still this metric's when it has the
      // metric's order of magnitude ("coverage: 0.93" when coverage is 1.0); when it has not
      // ("coverage (8,760 of 8,760 hours)", "use tracks temperature (r = -0.89)"), the phrase was
      // not about it.
      // (the phrase's leading candidates: for consumption, the year's figures, not a small anomaly day's)
      const sameOrder =
        attributed?.candidates.slice(0, 2).some((metric) => {
          const signed = data.metrics[metric] ?? Number.NaN;
          if (value < 0 && signed >= 0) return false;
          const fact = Math.abs(signed);
          return fact === 0 ? Math.abs(value) <= 1 : Math.abs(value) >= fact / 20 && Math.abs(value) <= fact * 20;
        }) ?? false;
      const ownKind = sameKind.length === readable.length || sameOrder;
      if (
        attributed &&
        readable.length > 0 &&
        ownKind &&
        !matches.some((figure) => !figure.source.startsWith('1 / ') && figure.metrics.some((metric) => attributed.candidates.includes(metric)))
      ) {
        // A figure quoted from a data issue's own text ("a zero run of 3,717 h") is that issue's, not a swap
        // (when it is of the phrase's own kind: "load factor: 1" is not the "24 h / 24" of a zero-run message).
        if (!matches.some((figure) => figure.source.startsWith('data issue') && attributedKinds.has(figure.kind))) {
          const facts = attributed.candidates
            .slice(0, 3)
            .map((metric) => `${metric} = ${data.metrics[metric]}`)
            .join(', ');
          return { status: 'contradiction', note: `is given for ${attributed.subject} (${facts}) but is ${describe(matches)}` };
        }
      }
      return { status: 'matched', note: describe(matches) };
    }
    // The answer's own savings estimate restated outside a savings sentence ("That is about 16,755 kWh a year.").
    if (
      (unitClass === 'energy' && savings.kwh.some((kwh) => matchesValue(value, quantity.halfStep * quantity.unit.scale, kwh, tolerance))) ||
      (unitClass === 'percent' && savings.pct.some((pct) => matchesValue(value, quantity.halfStep, pct, tolerance, 0.5)))
    ) {
      return { status: 'estimate', note: "restates a recommendation's savings estimate" };
    }
    if (TARGET_BEFORE.test(before) && SAVINGS_CONTEXT.test(masked) && value >= 0) {
      const kinds = KINDS_FOR_UNIT[unitClass];
      const bound = kinds === 'any' ? Number.POSITIVE_INFINITY : Math.max(...kinds.map((kind) => largestOf(kind)));
      if (value <= bound) return { status: 'estimate', note: 'a target below what the facts show' };
    }
    if (!attributed && (unitClass === 'none' || unitClass === 'unknown') && Number.isInteger(quantity.value) && Math.abs(quantity.value) <= SMALL_COUNT) {
      return { status: 'ignored', note: 'a small count nothing attributes to a fact' };
    }
    if (attributed) {
      const facts = attributed.candidates
        .slice(0, 3)
        .map((metric) => `${metric} = ${data.metrics[metric]}`)
        .join(', ');
      return { status: 'unsupported', note: `is given for ${attributed.subject} but matches no fact (${facts})` };
    }
    return { status: 'unsupported', note: `matches no figure the facts support${unitClass === 'none' || unitClass === 'unknown' ? '' : ` in ${unitClass}`}` };
  }

  const score = checked === 0 ? 1 : (checked - issues.length) / checked;
  return { score: Math.max(0, score), issues, claims, slips, matchedProse, matchedMetrics };
};

const describe = (figures: Figure[]): string => {
  const direct = figures.find((figure) => figure.metrics.length === 1 && figure.source === figure.metrics[0]) ?? figures[0];
  return `${direct.source} = ${Number(direct.value.toPrecision(6))}`;
};

const METER_OF_WORD: [RegExp, string][] = [
  [/\belectric(?:ity|al)?\b/i, 'electricity'],
  [/\bgas\b/i, 'gas'],
];
/** A meter named in the count phrase or in the words before it ("the gas record contains four outages"). */
const meterWordNear = (masked: string, end: number): string | undefined => {
  const window = masked.slice(Math.max(0, end - 60), end);
  let best: { index: number; meter: string } | undefined;
  for (const [pattern, meter] of METER_OF_WORD) {
    const global = new RegExp(pattern.source, 'gi');
    for (const match of window.matchAll(global)) if (!best || (match.index ?? 0) > best.index) best = { index: match.index ?? 0, meter };
  }
  return best?.meter;
};

const clip = (text: string): string => (text.length > 120 ? `${text.slice(0, 117)}…` : text);
