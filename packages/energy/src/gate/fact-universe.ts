import type { PromptData } from '../prompts/prompt-data';
import { metricUnitClass } from './metric-units';
import type { WrittenUnitClass } from './metric-units';
import { quantitiesIn, sentencesOf } from './quantities';

/**
 * The closed universe of figures the facts can support: every fact, and the derived
 * quantities an analyst writes from them (documented in FACTS.md, "What an answer may
 * derive"): per-day, per-hour and per-month means, ratios and differences of related
 * facts, shares in percent, peer statistics, counts, hours as days, and every figure
 * written in the data issues' messages. A number in an answer that matches none of
 * these, in its unit, is a claim the data does not support.
 */
export type FigureKind =
  | 'energy'
  | 'power'
  | 'eui'
  | 'percent'
  | 'ratio'
  | 'percentile'
  | 'hours'
  | 'days'
  | 'weeks'
  | 'months'
  | 'celsius'
  | 'slope'
  | 'area'
  | 'count'
  | 'power-density';

/** The period an energy figure covers, when it covers one. */
export type EnergyPeriod = 'year' | 'month' | 'week' | 'day' | 'hour';

export interface Figure {
  value: number;
  kind: FigureKind;
  /** How the figure follows from the facts, e.g. `electricity.annualKwh / 365`. */
  source: string;
  /** The facts it is made from. */
  metrics: string[];
  /** For energy figures: the period it covers (a year's use, a month's, a day's …). */
  period?: EnergyPeriod;
  /**
   * How far a writer working from the data block may land from the exact figure: the block
   * shows values to 5 significant figures, so a difference of two shown values carries both
   * roundings ("247.7 − 247.36 = 0.37" for an exact 0.3648). Added to the number tolerance.
   */
  slack?: number;
}

/** Half a unit in the fifth significant figure: the rounding of a value as the data block shows it. */
export const displaySlack = (value: number): number => (value === 0 || !Number.isFinite(value) ? 0 : 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(value))) - 4));

/** Which figure kinds a number written with a unit of this class may state. */
export const KINDS_FOR_UNIT: Record<WrittenUnitClass, FigureKind[] | 'any'> = {
  energy: ['energy'],
  'energy-per-day': ['energy'],
  power: ['power'],
  eui: ['eui'],
  percent: ['percent', 'percentile'],
  ordinal: ['percentile', 'count'],
  times: ['ratio'],
  hours: ['hours'],
  days: ['days', 'count'],
  weeks: ['weeks', 'count'],
  months: ['months', 'count'],
  celsius: ['celsius'],
  slope: ['slope'],
  area: ['area'],
  'power-density': ['power-density'],
  none: 'any',
  unknown: 'any',
};

export const KIND_OF_METRIC: Record<ReturnType<typeof metricUnitClass>, FigureKind> = {
  energy: 'energy',
  power: 'power',
  eui: 'eui',
  ratio: 'ratio',
  percentile: 'percentile',
  'signed-fraction': 'ratio',
  hours: 'hours',
  celsius: 'celsius',
  slope: 'slope',
  'energy-per-day': 'energy',
  area: 'area',
  count: 'count',
};

export const buildFactUniverse = (data: PromptData): Figure[] => {
  const figures: Figure[] = [];
  const add = (value: number | undefined, kind: FigureKind, source: string, metrics: string[], period?: EnergyPeriod, slack?: number): void => {
    if (value === undefined || !Number.isFinite(value)) return;
    const figure: Figure = { value, kind, source, metrics, slack: slack ?? displaySlack(value) };
    if (period !== undefined) figure.period = period;
    figures.push(figure);
  };
  // Writers round the two operands before subtracting (the prompt allows 3 s.f.; 4 is what they keep): 558.2 − 561.9.
  const differenceSlack = (left: number | undefined, right: number | undefined): number => 10 * (displaySlack(left ?? 0) + displaySlack(right ?? 0));
  const metric = (name: string): number | undefined => {
    const value = data.metrics[name];
    return typeof value === 'number' ? value : undefined;
  };
  const ratio = (top: number | undefined, bottom: number | undefined): number | undefined => (top === undefined || bottom === undefined || bottom === 0 ? undefined : top / bottom);
  const percentOf = (value: number | undefined): number | undefined => (value === undefined ? undefined : value * 100);

  for (const [name, value] of Object.entries(data.metrics)) {
    const kind = KIND_OF_METRIC[metricUnitClass(name)];
    add(value, kind, name, [name], kind === 'energy' ? periodOfMetric(name) : undefined);
    if (kind === 'eui') add((value * 1000) / 8760, 'power-density', `${name} as mean W/m²`, [name]);
    if (kind === 'ratio') {
      add(value * 100, 'percent', `${name} × 100`, [name]);
      add(Math.abs(value), 'ratio', `|${name}|`, [name]);
      add(Math.abs(value) * 100, 'percent', `|${name}| × 100`, [name]);
    }
    if (kind === 'hours') {
      add(value / 24, 'days', `${name} / 24`, [name]);
      add(value / 168, 'weeks', `${name} / 168`, [name]);
    }
    if (kind === 'slope') add(Math.abs(value), 'slope', `|${name}|`, [name]);
    if (kind === 'count') add(value, 'days', name, [name]);
  }

  const hoursInPeriod = data.period.hours;
  add(hoursInPeriod, 'hours', 'period.hours', []);
  add(hoursInPeriod / 24, 'days', 'period.hours / 24', []);
  add(hoursInPeriod / 24, 'count', 'days in the period', []);
  add(Math.round(hoursInPeriod / 168), 'weeks', 'weeks in the period', []);
  add(Math.round(hoursInPeriod / 730), 'months', 'months in the period', []);
  add(Math.round(hoursInPeriod / 730), 'count', 'months in the period', []);
  add(data.meters.length, 'count', 'meters', []);
  add(data.anomalies.length, 'count', 'anomalies shown', []);
  add(data.dataIssues.length, 'count', 'data issues', []);

  const annuals: number[] = [];
  for (const meter of data.meters) {
    const at = (suffix: string) => `${meter}.${suffix}`;
    const annual = metric(at('annualKwh'));
    const total = metric(at('totalKwh'));
    const validHours = metric(at('coverage.validHours'));
    const expectedHours = metric(at('coverage.expectedHours'));
    const baseload = metric(at('load.baseloadKw'));
    const peak = metric(at('load.peakKw'));
    if (annual !== undefined) annuals.push(annual);
    for (const [value, name] of [
      [annual, at('annualKwh')],
      [total, at('totalKwh')],
    ] as const) {
      if (value === undefined) continue;
      add(value / 365, 'energy', `${name} / 365 (a day)`, [name], 'day');
      add(value / 12, 'energy', `${name} / 12 (a month)`, [name], 'month');
      add(value / 52, 'energy', `${name} / 52 (a week)`, [name], 'week');
      add(value / hoursInPeriod, 'power', `${name} / period hours (mean load)`, [name]);
      add(value / hoursInPeriod, 'energy', `${name} / period hours (an hour)`, [name], 'hour');
    }
    if (total !== undefined && validHours) {
      add(total / validHours, 'power', `${at('totalKwh')} / valid hours (mean load)`, [at('totalKwh'), at('coverage.validHours')]);
      add(total / validHours, 'energy', `${at('totalKwh')} / valid hours (an hour)`, [at('totalKwh'), at('coverage.validHours')], 'hour');
      add((total / validHours) * 24, 'energy', `${at('totalKwh')} per valid day`, [at('totalKwh'), at('coverage.validHours')], 'day');
    }
    for (const suffix of ['validHours', 'missingHours', 'zeroHours', 'negativeHours', 'longestGapHours']) {
      const hours = metric(at(`coverage.${suffix}`));
      add(percentOf(ratio(hours, expectedHours ?? hoursInPeriod)), 'percent', `${at(`coverage.${suffix}`)} as a share of expected hours`, [at(`coverage.${suffix}`)]);
    }
    const invalid = validHours !== undefined && expectedHours !== undefined ? expectedHours - validHours : undefined;
    add(invalid, 'hours', `${at('coverage.expectedHours')} − validHours (hours without a valid reading)`, [at('coverage.validHours')]);
    add(invalid === undefined ? undefined : invalid / 24, 'days', 'hours without a valid reading / 24', [at('coverage.validHours')]);
    add(percentOf(ratio(invalid, expectedHours)), 'percent', 'share of hours without a valid reading', [at('coverage.validHours')]);
    const coverage = metric(at('coverage.coverageRatio'));
    add(coverage === undefined ? undefined : (1 - coverage) * 100, 'percent', `1 − ${at('coverage.coverageRatio')}`, [at('coverage.coverageRatio')]);

    add(ratio(peak, baseload), 'ratio', `${at('load.peakKw')} / baseloadKw`, [at('load.peakKw'), at('load.baseloadKw')]);
    add(ratio(baseload, peak), 'ratio', `${at('load.baseloadKw')} / peakKw`, [at('load.peakKw'), at('load.baseloadKw')]);
    add(percentOf(ratio(baseload, peak)), 'percent', `${at('load.baseloadKw')} / peakKw`, [at('load.peakKw'), at('load.baseloadKw')]);
    add(
      peak !== undefined && baseload !== undefined ? peak - baseload : undefined,
      'power',
      'peak − baseload',
      [at('load.peakKw'), at('load.baseloadKw')],
      undefined,
      differenceSlack(peak, baseload),
    );
    if (baseload !== undefined) {
      add(baseload * hoursInPeriod, 'energy', `${at('load.baseloadKw')} × period hours`, [at('load.baseloadKw')], 'year');
      add(baseload * 24, 'energy', `${at('load.baseloadKw')} × 24 h`, [at('load.baseloadKw')], 'day');
      add(percentOf(ratio(baseload * hoursInPeriod, annual)), 'percent', 'baseload energy as a share of annual', [at('load.baseloadKw'), at('annualKwh')]);
    }
    const sqm = metric('building.sqm');
    if (sqm) {
      add(baseload === undefined ? undefined : (baseload * 1000) / sqm, 'power-density', `${at('load.baseloadKw')} per m² in W`, [at('load.baseloadKw')]);
      add(peak === undefined ? undefined : (peak * 1000) / sqm, 'power-density', `${at('load.peakKw')} per m² in W`, [at('load.peakKw')]);
    }
    for (const suffix of ['load.nightDayRatio', 'load.weekdayWeekendRatio', 'load.loadFactor']) {
      const value = metric(at(suffix));
      if (value === undefined || value === 0) continue;
      add(1 / value, 'ratio', `1 / ${at(suffix)}`, [at(suffix)]);
      add(100 / value, 'percent', `1 / ${at(suffix)} × 100`, [at(suffix)]);
      add(Math.abs(1 / value - 1) * 100, 'percent', `|1 / ${at(suffix)} − 1| × 100`, [at(suffix)]);
      add(Math.abs(value - 1) * 100, 'percent', `|${at(suffix)} − 1| × 100`, [at(suffix)]);
    }
    const months = Object.entries(data.metrics).filter(([name]) => name.startsWith(`${meter}.monthly.`));
    if (months.length > 0) {
      const values = months.map(([, value]) => value);
      const highest = Math.max(...values);
      const lowest = Math.min(...values);
      const sum = values.reduce((left, right) => left + right, 0);
      add(
        highest - lowest,
        'energy',
        `${meter} highest − lowest month`,
        months.map(([name]) => name),
        'month',
        differenceSlack(highest, lowest),
      );
      add(
        ratio(highest, lowest),
        'ratio',
        `${meter} highest / lowest month`,
        months.map(([name]) => name),
      );
      add(
        percentOf(ratio(highest - lowest, lowest)),
        'percent',
        `${meter} highest over lowest month`,
        months.map(([name]) => name),
      );
      add(
        sum / months.length,
        'energy',
        `${meter} mean month`,
        months.map(([name]) => name),
        'month',
      );
      for (const [name, value] of months) {
        add(percentOf(ratio(value, annual ?? sum)), 'percent', `${name} as a share of the year`, [name]);
        add(value / 30.4, 'energy', `${name} per day`, [name], 'day');
        const month = /\.monthly\.(\d{4})-(\d{2})\./.exec(name);
        if (month) {
          const days = new Date(Date.UTC(Number(month[1]), Number(month[2]), 0)).getUTCDate();
          add(value / days, 'energy', `${name} / ${days} days`, [name], 'day');
        }
      }
    }
    const eui = metric(at('euiKwhPerSqm'));
    const median = metric('peers.medianEuiKwhPerSqm');
    if (eui !== undefined && median !== undefined && meter === data.meters[0]) {
      add(Math.abs(eui - median), 'eui', `|${at('euiKwhPerSqm')} − peer median|`, [at('euiKwhPerSqm'), 'peers.medianEuiKwhPerSqm'], undefined, differenceSlack(eui, median));
      add(ratio(eui, median), 'ratio', `${at('euiKwhPerSqm')} / peer median`, [at('euiKwhPerSqm'), 'peers.medianEuiKwhPerSqm']);
      add(ratio(median, eui), 'ratio', `peer median / ${at('euiKwhPerSqm')}`, [at('euiKwhPerSqm'), 'peers.medianEuiKwhPerSqm']);
      const over = ratio(eui - median, median);
      add(
        over === undefined ? undefined : Math.abs(over) * 100,
        'percent',
        `${at('euiKwhPerSqm')} over/under the peer median`,
        [at('euiKwhPerSqm'), 'peers.medianEuiKwhPerSqm'],
        undefined,
        (differenceSlack(eui, median) / Math.abs(median)) * 100,
      );
      const under = ratio(median - eui, eui);
      add(
        under === undefined ? undefined : Math.abs(under) * 100,
        'percent',
        `peer median relative to ${at('euiKwhPerSqm')}`,
        [at('euiKwhPerSqm'), 'peers.medianEuiKwhPerSqm'],
        undefined,
        eui === 0 ? undefined : (differenceSlack(eui, median) / Math.abs(eui)) * 100,
      );
    }
    const base = metric(at('weather.changePoint.baseKwhPerDay'));
    if (base !== undefined) add(base * 365, 'energy', `${at('weather.changePoint.baseKwhPerDay')} × 365`, [at('weather.changePoint.baseKwhPerDay')], 'year');
  }
  const percentile = metric('peers.euiPercentile');
  if (percentile !== undefined) {
    add(100 - percentile, 'percentile', '100 − peers.euiPercentile', ['peers.euiPercentile']);
    add(100 - percentile, 'percent', '100 − peers.euiPercentile (share of peers above)', ['peers.euiPercentile']);
    add(percentile, 'percent', 'peers.euiPercentile (share of peers below)', ['peers.euiPercentile']);
  }
  const groupSize = metric('peers.groupSize');
  if (groupSize !== undefined) add(groupSize - 1, 'count', 'other buildings in the peer group', ['peers.groupSize']);
  if (percentile !== undefined && groupSize !== undefined) {
    const rank = (percentile / 100) * (groupSize - 1);
    add(Math.round(rank) + 1, 'count', 'rank from the bottom of the peer group', ['peers.euiPercentile', 'peers.groupSize']);
    add(groupSize - Math.round(rank), 'count', 'rank from the top of the peer group', ['peers.euiPercentile', 'peers.groupSize']);
  }
  if (annuals.length > 1) {
    const sum = annuals.reduce((left, right) => left + right, 0);
    add(
      sum,
      'energy',
      'all meters together',
      data.meters.map((meter) => `${meter}.annualKwh`),
      'year',
    );
    for (const meter of data.meters) add(percentOf(ratio(metric(`${meter}.annualKwh`), sum)), 'percent', `${meter} share of all energy`, [`${meter}.annualKwh`]);
    const sqm = metric('building.sqm');
    if (sqm) {
      add(sum / sqm, 'eui', 'all meters together per m²', ['building.sqm']);
      add(((sum / sqm) * 1000) / 8760, 'power-density', 'all meters together as mean W/m²', ['building.sqm']);
    }
    const [first, second] = annuals;
    add(ratio(first, second), 'ratio', 'first meter / second meter', []);
    add(ratio(second, first), 'ratio', 'second meter / first meter', []);
  }
  for (const anomaly of data.anomalies) {
    const names = [anomaly.actualMetric, anomaly.expectedMetric];
    add(
      Math.abs(anomaly.actualKwh - anomaly.expectedKwh),
      'energy',
      `|actual − expected| on ${anomaly.date}`,
      names,
      anomaly.kind.startsWith('week') ? 'week' : 'day',
      differenceSlack(anomaly.actualKwh, anomaly.expectedKwh),
    );
    add(ratio(anomaly.actualKwh, anomaly.expectedKwh), 'ratio', `actual / expected on ${anomaly.date}`, names);
    add(ratio(anomaly.expectedKwh, anomaly.actualKwh), 'ratio', `expected / actual on ${anomaly.date}`, names);
    add(Math.abs(anomaly.deviationPercent), 'percent', `deviation on ${anomaly.date}`, names);
    add(anomaly.deviationPercent, 'percent', `deviation on ${anomaly.date}`, names);
    add(Math.abs(anomaly.robustZ), 'ratio', `robust z on ${anomaly.date}`, names);
    add(anomaly.actualKwh / 24, 'power', `mean load on ${anomaly.date}`, names);
    add(anomaly.expectedKwh / 24, 'power', `expected mean load on ${anomaly.date}`, names);
  }
  // Figures the data issues' messages and the missing metrics' reasons state ("46 h with no valid
  // reading", "86 h in all", "2 buildings with an EUI (5 needed)").
  const texts = [
    ...data.dataIssues.map((issue) => ({ kind: issue.kind, text: issue.message })),
    ...data.missing.map((entry) => ({ kind: `missing ${entry.metric}`, text: entry.reason })),
  ];
  for (const issue of texts) {
    for (const sentence of sentencesOf(issue.text)) {
      for (const quantity of quantitiesIn(sentence)) {
        const kinds = KINDS_FOR_UNIT[quantity.unit.unitClass];
        const value = quantity.value * quantity.unit.scale;
        for (const kind of kinds === 'any' ? (['count', 'hours', 'ratio'] as FigureKind[]) : kinds) add(value, kind, `data issue ${issue.kind}: "${quantity.written}"`, []);
        if (quantity.unit.unitClass === 'hours') add(value / 24, 'days', `data issue ${issue.kind}: ${quantity.written} / 24`, []);
      }
    }
  }
  return figures;
};

const periodOfMetric = (name: string): EnergyPeriod | undefined => {
  if (/\.(?:annualKwh|totalKwh)$/.test(name)) return 'year';
  if (/\.monthly\./.test(name)) return 'month';
  if (/\.anomaly\.week-/.test(name)) return 'week';
  if (/\.anomaly\.day-|KwhPerDay$/.test(name)) return 'day';
  return undefined;
};
