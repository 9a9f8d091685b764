/**
 * Writer D: good answers. A `Writer` turns one building's data block into prose in one
 * of several voices (styles) and records every metric value it writes (`mentions`), so
 * that the defect step can later corrupt exactly one of them.
 */
import {
  type Anomaly,
  type BuildingData,
  type DataIssue,
  type Rng,
  asData,
  daysInMonth,
  fixed,
  isMissing,
  issueDates,
  issueHours,
  monthLabel,
  monthlyKeys,
  roundSig,
  sig,
  words,
} from './data.js';

export interface Evidence {
  metric: string;
  value: number | string;
  unit?: string;
}
export interface Finding {
  title: string;
  detail: string;
  evidence: Evidence[];
}
export interface Recommendation {
  action: string;
  rationale: string;
  estimatedAnnualSavingsKwh: number | null;
  estimatedSavingsPct: number | null;
  evidence: Evidence[];
  priority: 'high' | 'medium' | 'low';
}
export interface Answer {
  summary: string;
  findings: Finding[];
  recommendations: Recommendation[];
  dataIssuesAddressed: { issue: string; response: string }[];
  confidence: number | string;
}

export type EnergyFormat = 'exact' | 'sep' | 'sig3' | 'units' | 'rounded' | 'words';

export interface Style {
  name: string;
  energy: EnergyFormat;
  /** Significant figures for ratios and kW. */
  digits: number;
  pct: 'pct1' | 'pct0' | 'fraction';
  uk: boolean;
  headed: boolean;
  parens: boolean;
  lists: boolean;
  derived: boolean;
  caveats: boolean;
  terse: boolean;
  multi: boolean;
  countWords: boolean;
  unitSpace: boolean;
  slip?: 'metric-variant' | 'number-string' | 'confidence-word';
  wrappers: string[];
}

const base: Omit<Style, 'name'> = {
  energy: 'sep',
  digits: 3,
  pct: 'pct1',
  uk: true,
  headed: false,
  parens: false,
  lists: false,
  derived: false,
  caveats: false,
  terse: false,
  multi: false,
  countWords: false,
  unitSpace: true,
  wrappers: ['pretty'],
};

export const GOOD_STYLES: Style[] = [
  { ...base, name: 'small-model-terse', energy: 'exact', terse: true, unitSpace: false, wrappers: ['compact', 'pretty', 'preamble'] },
  { ...base, name: 'small-model-metric-variant', energy: 'exact', terse: true, slip: 'metric-variant', wrappers: ['pretty', 'fence'] },
  { ...base, name: 'small-model-number-string', energy: 'exact', slip: 'number-string', unitSpace: false, wrappers: ['preamble-fence', 'pretty'] },
  { ...base, name: 'small-model-confidence-word', energy: 'sep', terse: true, slip: 'confidence-word', wrappers: ['fence', 'trailer'] },
  { ...base, name: 'api-headed', energy: 'sep', digits: 4, headed: true, uk: false, wrappers: ['pretty', 'fence'] },
  { ...base, name: 'analyst-report', energy: 'sep', digits: 4, derived: true, caveats: true, multi: true, wrappers: ['pretty'] },
  { ...base, name: 'numbers-in-words', energy: 'words', countWords: true, wrappers: ['pretty', 'preamble'] },
  { ...base, name: 'units-converted', energy: 'units', derived: true, wrappers: ['pretty', 'fence'] },
  { ...base, name: 'rounded', energy: 'rounded', digits: 3, pct: 'pct0', uk: false, wrappers: ['compact', 'pretty'] },
  { ...base, name: 'derived-figures', energy: 'sep', derived: true, wrappers: ['pretty', 'preamble-fence'] },
  { ...base, name: 'honest-caveats', energy: 'sig3', caveats: true, wrappers: ['pretty', 'fence'] },
  { ...base, name: 'parenthetical', energy: 'sep', parens: true, uk: false, wrappers: ['pretty', 'trailer'] },
  { ...base, name: 'lists-in-strings', energy: 'sep', lists: true, wrappers: ['pretty', 'fence'] },
  { ...base, name: 'multi-metric', energy: 'sig3', multi: true, digits: 4, pct: 'fraction', wrappers: ['pretty'] },
  { ...base, name: 'us-compact', energy: 'exact', uk: false, unitSpace: false, wrappers: ['compact', 'fence'] },
];

export interface Mention {
  metric: string;
  /** The number exactly as written. */
  text: string;
  /** The true value in the scale it was written in (MWh for an MWh figure, % for a percent). */
  value: number;
}

const US: [RegExp, string][] = [
  [/analys(e|ed|ing)\b/g, 'analyz$1'],
  [/normalis/g, 'normaliz'],
  [/utilis/g, 'utiliz'],
  [/behaviour/g, 'behavior'],
  [/optimis/g, 'optimiz'],
  [/prioritis/g, 'prioritiz'],
  [/annualis/g, 'annualiz'],
  [/\bcentre/g, 'center'],
  [/programme/g, 'program'],
  [/metre\b/g, 'meter'],
  [/metres\b/g, 'meters'],
  [/summaris/g, 'summariz'],
  [/characteris/g, 'characteriz'],
  [/minimis/g, 'minimiz'],
  [/\bcolour/g, 'color'],
  [/recognis/g, 'recogniz'],
];

export class Writer {
  readonly mentions: Mention[] = [];
  readonly meter: string;
  constructor(
    readonly data: BuildingData,
    readonly style: Style,
    readonly rng: Rng,
  ) {
    this.meter = data.meters[0] ?? 'electricity';
  }

  /** Spelling pass: templates are written in British English. */
  sp(text: string): string {
    if (this.style.uk) return text;
    let out = text;
    for (const [from, to] of US) out = out.replace(from, to);
    return out;
  }

  k(suffix: string): string {
    return `${this.meter}.${suffix}`;
  }
  has(name: string): boolean {
    return this.data.metrics[name] !== undefined && !isMissing(this.data, name);
  }
  v(name: string): number {
    const value = this.data.metrics[name];
    if (value === undefined) throw new Error(`no metric ${name}`);
    return value;
  }
  log(metric: string, text: string, value: number): string {
    this.mentions.push({ metric, text, value });
    return text;
  }
  private u(unit: string): string {
    return this.style.unitSpace ? ` ${unit}` : unit;
  }

  /** An energy figure in kWh (a metric or a derived value). */
  energyOf(metric: string, value: number): string {
    const s = this.style.energy;
    if (s === 'exact') return `${this.log(metric, asData(value, false), value)} kWh`;
    if (s === 'sep') return `${this.log(metric, asData(value, true), value)} kWh`;
    if (s === 'sig3') return `${this.log(metric, sig(value, Math.abs(value) >= 1000 ? 3 : 4), value)} kWh`;
    if (s === 'units') {
      if (Math.abs(value) >= 1e6) return `${this.log(metric, sig(value / 1e6, 3), value / 1e6)} GWh`;
      if (Math.abs(value) >= 1e4) return `${this.log(metric, sig(value / 1e3, 4), value / 1e3)} MWh`;
      return `${this.log(metric, asData(value, true), value)} kWh`;
    }
    if (s === 'rounded') {
      const lead = this.rng.pick(['roughly', 'about', 'around', 'some']);
      if (Math.abs(value) >= 1e6) return `${lead} ${this.log(metric, sig(value / 1e6, 2), value / 1e6)} GWh`;
      if (Math.abs(value) >= 1e5) return `${lead} ${this.log(metric, sig(value / 1e3, 3), value / 1e3)} MWh`;
      return `${lead} ${this.log(metric, sig(value, 2), value)} kWh`;
    }
    // words: whole thousands read naturally; millions as "1.04 million"; small figures stay digits
    if (Math.abs(value) >= 1e6) return `about ${this.log(metric, sig(value / 1e6, 3), value / 1e6)} million kWh`;
    if (Math.abs(value) >= 1000) {
      const rounded = Math.round(roundSig(value, 3));
      return `about ${words(rounded)} kWh`;
    }
    return `${this.log(metric, asData(value, false), value)} kWh`;
  }
  kwh(metric: string): string {
    return this.energyOf(metric, this.v(metric));
  }
  kw(metric: string): string {
    const value = this.v(metric);
    if (this.style.energy === 'words' && value >= 1) return `about ${words(Math.round(value))} kW`;
    if (this.style.energy === 'rounded') return `about ${this.log(metric, sig(value, 2), value)}${this.u('kW')}`;
    return `${this.log(metric, sig(value, this.style.digits), value)}${this.u('kW')}`;
  }
  /** A plain ratio such as 1.9859. */
  ratio(metric: string): string {
    const value = this.v(metric);
    return this.log(metric, sig(value, this.style.energy === 'rounded' ? 2 : this.style.digits), value);
  }
  /** A 0–1 fraction written as a percentage (or as the fraction). */
  pct(metric: string): string {
    const value = this.v(metric);
    if (this.style.pct === 'fraction') return this.log(metric, sig(value, 3), value);
    const decimals = this.style.pct === 'pct1' ? 1 : 0;
    return `${this.log(metric, fixed(value * 100, value === 1 ? 0 : decimals, false), value * 100)}${this.u('%')}`;
  }
  eui(metric: string): string {
    const value = this.v(metric);
    const unit = this.rng.pick(['kWh/m²', 'kWh/m2', 'kWh per m²', this.sp('kWh per square metre')]);
    const text = this.style.energy === 'rounded' ? sig(value, 3) : this.style.energy === 'exact' ? asData(value, false) : sig(value, 4);
    return `${this.log(metric, text, value)} ${unit}`;
  }
  hours(metric: string): string {
    const value = this.v(metric);
    const unit = this.rng.pick(['h', 'hours']);
    return `${this.log(metric, asData(value, this.style.energy !== 'exact' && value >= 1000), value)} ${unit}`;
  }
  count(metric: string): string {
    const value = this.v(metric);
    if (this.style.countWords && value <= 20 && Number.isInteger(value) && value >= 0) return words(value);
    return this.log(metric, String(value), value);
  }
  plain(metric: string, digits = this.style.digits): string {
    const value = this.v(metric);
    return this.log(metric, sig(value, digits), value);
  }
  temp(metric: string): string {
    return `${this.log(metric, String(this.v(metric)), this.v(metric))}${this.rng.pick([' °C', '°C', ' degC'])}`;
  }
  /** A derived figure (mean, share, difference). */
  derived(label: string, value: number, digits = 3, separators = true): string {
    return this.log(`derived:${label}`, sig(value, digits, separators), value);
  }
  /** A raw number with no metric behind it (savings the answer itself proposes). */
  own(value: number, separators = true): string {
    return asData(value, separators);
  }

  ev(metric: string, unit?: string): Evidence {
    const value = this.v(metric);
    const entry: Evidence = { metric, value: Math.abs(value) >= 1000 || Number.isInteger(value) ? value : roundSig(value, 4) };
    if (unit !== undefined) entry.unit = unit;
    return entry;
  }
  evAnomaly(a: Anomaly, which: 'actual' | 'expected'): Evidence {
    const metric =
      which === 'actual' ? (a.actualMetric ?? `${a.meter}.anomaly.${a.kind}.${a.date}.actualKwh`) : (a.expectedMetric ?? `${a.meter}.anomaly.${a.kind}.${a.date}.expectedKwh`);
    return { metric, value: which === 'actual' ? a.actualKwh : a.expectedKwh, unit: 'kWh' };
  }
  head(label: string, text: string): string {
    return this.style.headed ? `**${label}.** ${text}` : text;
  }
  list(items: string[]): string {
    if (!this.style.lists || items.length < 2) return items.join(' ');
    const marker = this.rng.pick(['(n)', 'n)', '- ', '• ']);
    return items
      .map((item, i) => (marker.includes('n') ? marker.replace('n', String(i + 1)) : marker) + ' ' + item.replace(/\.$/, ''))
      .join(marker.includes('n') ? '; ' : '\n')
      .replace(/\s+/g, (ws) => (ws.includes('\n') ? '\n' : ' '));
  }
}

// ---------------------------------------------------------------- topic builders

const dirWord = (diff: number, above: string, below: string): string => (diff >= 0 ? above : below);

export const consumption = (w: Writer): Finding | undefined => {
  const annual = w.k('annualKwh');
  const total = w.k('totalKwh');
  if (!w.has(annual)) return undefined;
  const evidence: Evidence[] = [w.ev(annual, 'kWh')];
  const parts: string[] = [];
  const same = w.has(total) && w.v(total) === w.v(annual);
  if (w.style.terse) {
    parts.push(`Annual use ${w.kwh(annual)}${w.has(w.k('euiKwhPerSqm')) ? `, EUI ${w.eui(w.k('euiKwhPerSqm'))}` : ''}.`);
  } else if (w.has(total) && !same) {
    parts.push(
      w.rng.pick([
        `The meter recorded ${w.kwh(total)} over the period; scaled up for the missing hours this is ${w.kwh(annual)} a year.`,
        `Metered consumption was ${w.kwh(total)}; annualised, that is ${w.kwh(annual)}.`,
        `Annual electricity use is ${w.kwh(annual)}; the metered total before annualisation was ${w.kwh(total)}.`,
      ]),
    );
    evidence.push(w.ev(total, 'kWh'));
  } else {
    parts.push(w.rng.pick([`The building used ${w.kwh(annual)} over the year.`, `Annual consumption is ${w.kwh(annual)}${same ? ', with no annualisation needed' : ''}.`]));
  }
  const euiName = w.k('euiKwhPerSqm');
  if (!w.style.terse && w.has(euiName) && w.has('building.sqm')) {
    parts.push(
      w.style.parens
        ? `Intensity is ${w.eui(euiName)} (floor area ${w.plain('building.sqm', 5)} m²).`
        : `Over ${w.plain('building.sqm', 5)} m² of floor area that is an intensity of ${w.eui(euiName)}.`,
    );
    evidence.push(w.ev(euiName, 'kWh/m²'));
  } else if (!w.has(euiName)) {
    parts.push('Energy intensity is unavailable because the floor area is not recorded.');
  }
  if (w.style.derived) {
    const value = w.v(annual);
    parts.push(
      w.rng.pick([
        `That averages ${w.derived('perDay', value / 365)} kWh a day, or about ${w.derived('perMonth', value / 12)} kWh a month.`,
        `On average the building draws ${w.derived('meanKw', value / 8760)} kW around the clock.`,
      ]),
    );
  }
  if (w.style.energy === 'units' && w.has(w.k('load.baseloadKw')) && w.has('building.sqm')) {
    const wpm = (w.v(w.k('load.baseloadKw')) * 1000) / w.v('building.sqm');
    parts.push(`The baseload corresponds to ${w.derived('baseWm2', wpm)} W/m² of floor area.`);
  }
  return {
    title: w.sp(w.rng.pick(['Annual consumption', 'Consumption and intensity', 'Energy use', 'Overall consumption'])),
    detail: w.sp(w.head('Consumption', parts.join(' '))),
    evidence,
  };
};

export const peers = (w: Writer): Finding | undefined => {
  const eui = w.k('euiKwhPerSqm');
  if (!w.has(eui) || !w.has('peers.medianEuiKwhPerSqm')) return undefined;
  const value = w.v(eui);
  const median = w.v('peers.medianEuiKwhPerSqm');
  const diff = ((value - median) / median) * 100;
  const use = (w.data.building.primaryUse ?? 'similar').toLowerCase();
  const group = w.has('peers.groupSize') ? `${w.count('peers.groupSize')} ${use} buildings` : `${use} peers`;
  const parts: string[] = [];
  const evidence = [w.ev(eui, 'kWh/m²'), w.ev('peers.medianEuiKwhPerSqm', 'kWh/m²')];
  if (Math.abs(diff) < 0.05) {
    parts.push(`The intensity of ${w.eui(eui)} matches the peer median (${w.eui('peers.medianEuiKwhPerSqm')}) across ${group}.`);
  } else if (w.style.multi) {
    parts.push(
      `At ${w.eui(eui)} against a median of ${w.eui('peers.medianEuiKwhPerSqm')} for ${group}, the building is ${w.derived('peerDiff', Math.abs(diff), 2)} % ${dirWord(diff, 'above', 'below')} its peers.`,
    );
  } else {
    parts.push(
      w.rng.pick([
        `Its intensity (${w.eui(eui)}) is ${w.derived('peerDiff', Math.abs(diff), 2)} % ${dirWord(diff, 'above', 'below')} the median of ${group} (${w.eui('peers.medianEuiKwhPerSqm')}).`,
        `The peer median among ${group} is ${w.eui('peers.medianEuiKwhPerSqm')}, so this building's ${w.eui(eui)} is ${dirWord(diff, 'higher', 'lower')} by ${w.derived('peerDiffAbs', Math.abs(value - median), 2)} kWh/m².`,
      ]),
    );
  }
  if (w.has('peers.euiPercentile')) {
    const p = Math.round(w.v('peers.euiPercentile'));
    parts.push(
      `It ranks at the ${w.log('peers.euiPercentile', String(p), w.v('peers.euiPercentile'))}${p % 10 === 1 && p !== 11 ? 'st' : p % 10 === 2 && p !== 12 ? 'nd' : p % 10 === 3 && p !== 13 ? 'rd' : 'th'} percentile of the group.`,
    );
    evidence.push(w.ev('peers.euiPercentile'));
  } else if (w.style.caveats || !w.style.terse) {
    parts.push(
      w.rng.pick([
        'A percentile rank is unavailable because the peer group is too small.',
        'The peer percentile is not available for this group, so only the median comparison is used.',
      ]),
    );
  }
  return {
    title: w.rng.pick(['Intensity against peers', 'Peer comparison', 'Benchmark']),
    detail: w.sp(w.head('Peers', parts.join(' '))),
    evidence,
  };
};

export const loadShape = (w: Writer): Finding | undefined => {
  const bl = w.k('load.baseloadKw');
  const pk = w.k('load.peakKw');
  if (!w.has(bl) || !w.has(pk)) return undefined;
  const lf = w.k('load.loadFactor');
  const nd = w.k('load.nightDayRatio');
  const ww = w.k('load.weekdayWeekendRatio');
  const evidence = [w.ev(bl, 'kW'), w.ev(pk, 'kW')];
  const items: string[] = [];
  if (w.style.multi) {
    items.push(`Baseload of ${w.kw(bl)}, peak of ${w.kw(pk)} and a load factor of ${w.ratio(lf)} describe a ${w.v(lf) < 0.3 ? 'peaky' : 'fairly flat'} profile.`);
  } else if (w.style.parens) {
    items.push(`The load runs from a baseload (${w.kw(bl)}) to a peak (${w.kw(pk)}); load factor ${w.ratio(lf)}.`);
  } else {
    items.push(
      w.rng.pick([
        `Baseload is ${w.kw(bl)} and the peak ${w.kw(pk)}, giving a load factor of ${w.ratio(lf)}.`,
        `The building never drops below ${w.kw(bl)} and peaks at ${w.kw(pk)}; the load factor is ${w.ratio(lf)}.`,
      ]),
    );
  }
  if (w.has(lf)) evidence.push(w.ev(lf));
  if (w.style.derived) {
    const share = ((w.v(bl) * 8760) / w.v(w.k('annualKwh'))) * 100;
    items.push(
      w.rng.pick([
        `Peak demand is ${w.derived('peakOverBase', w.v(pk) / w.v(bl), 3)} times the baseload.`,
        `Running continuously, the baseload alone accounts for ${w.derived('baseShare', share, 3)} % of annual use.`,
      ]),
    );
  }
  if (w.has(nd)) {
    const value = w.v(nd);
    items.push(
      value < 1
        ? w.rng.pick([
            `Night-time demand is ${w.ratio(nd)} of daytime demand${value > 0.8 ? ', so the building hardly sets back overnight' : ''}.`,
            `The night/day ratio of ${w.ratio(nd)} shows ${value > 0.8 ? 'little' : 'a clear'} overnight reduction.`,
          ])
        : `Night-time demand exceeds the day (ratio ${w.ratio(nd)}).`,
    );
    evidence.push(w.ev(nd));
  }
  if (w.has(ww)) {
    const value = w.v(ww);
    items.push(
      value > 1.05
        ? w.rng.pick([`Weekdays use ${w.ratio(ww)} times as much as weekends.`, `The weekday/weekend ratio is ${w.ratio(ww)}, a clear weekly cycle.`])
        : value < 0.95
          ? `Weekend use is slightly higher than weekday use (ratio ${w.ratio(ww)}).`
          : `There is little difference between weekdays and weekends (ratio ${w.ratio(ww)}).`,
    );
    evidence.push(w.ev(ww));
  }
  return {
    title: w.sp(w.rng.pick(['Load shape', 'Baseload and peak', 'Load profile and utilisation'])),
    detail: w.sp(w.head('Load shape', w.list(items))),
    evidence,
  };
};

export const weather = (w: Writer): Finding | undefined => {
  const slope = w.k('weather.slopeKwhPerDegC');
  const r = w.k('weather.r');
  if (!w.has(slope)) return undefined;
  const s = w.v(slope);
  const rv = w.has(r) ? w.v(r) : 0;
  const strength = Math.abs(rv) < 0.3 ? 'weak' : Math.abs(rv) < 0.7 ? 'moderate' : 'strong';
  const items: string[] = [];
  const slopeText = `${w.log(slope, sig(Math.abs(s), w.style.digits), Math.abs(s))} kWh per °C`;
  items.push(
    s < 0
      ? `Daily use rises by ${slopeText} as the outdoor temperature falls (r = ${w.ratio(r)}, a ${strength} relationship).`
      : `Daily use rises by ${slopeText} as it gets warmer (r = ${w.ratio(r)}, ${strength}).`,
  );
  const evidence = [w.ev(slope, 'kWh/°C')];
  if (w.has(r)) evidence.push(w.ev(r));
  const hb = w.k('weather.changePoint.heatingBalancePointC');
  const cb = w.k('weather.changePoint.coolingBalancePointC');
  const base = w.k('weather.changePoint.baseKwhPerDay');
  const r2 = w.k('weather.changePoint.r2');
  if (w.has(base)) {
    const cp: string[] = [];
    if (w.has(hb)) cp.push(`heating below ${w.temp(hb)} (${w.plain(w.k('weather.changePoint.heatingSlopeKwhPerDegC'))} kWh/°C)`);
    if (w.has(cb)) cp.push(`cooling above ${w.temp(cb)} (${w.plain(w.k('weather.changePoint.coolingSlopeKwhPerDegC'))} kWh/°C)`);
    items.push(
      `The change-point model finds ${cp.length > 0 ? cp.join(' and ') : 'no balance point'} on a base of ${w.energyOf(base, w.v(base))} a day${w.has(r2) ? `, with r² of ${w.ratio(r2)}` : ''}.`,
    );
    if (w.has(hb)) evidence.push(w.ev(hb, '°C'));
    if (w.has(cb)) evidence.push(w.ev(cb, '°C'));
  } else if (isMissing(w.data, w.k('weather.changePoint')) && (w.style.caveats || !w.style.terse)) {
    items.push('No change-point model beat the straight line, so balance points are unavailable.');
  }
  if (w.has(w.k('weather.days')) && !w.style.terse) items.push(`The regression uses ${w.count(w.k('weather.days'))} days.`);
  return {
    title: w.rng.pick(['Weather sensitivity', 'Weather dependence', 'Temperature response']),
    detail: w.sp(w.head('Weather', w.list(items))),
    evidence,
  };
};

export const monthly = (w: Writer): Finding | undefined => {
  const keys = monthlyKeys(w.data, w.meter);
  if (keys.length < 3) return undefined;
  const name = (key: string): string => w.k(`monthly.${key}.kwh`);
  const sorted = [...keys].sort((a, b) => w.v(name(b)) - w.v(name(a)));
  const hi = sorted[0];
  const lo = sorted[sorted.length - 1];
  const items = [`${monthLabel(hi)} was the highest month at ${w.kwh(name(hi))} and ${monthLabel(lo)} the lowest at ${w.kwh(name(lo))}.`];
  if (w.style.derived) {
    items.push(
      `That is ${w.derived('hiPerDay', w.v(name(hi)) / daysInMonth(hi))} kWh a day in ${monthLabel(hi).split(' ')[0]}, against ${w.derived('loPerDay', w.v(name(lo)) / daysInMonth(lo))} kWh a day in ${monthLabel(lo).split(' ')[0]}.`,
    );
  }
  const outageMonths = w.data.dataIssues.flatMap(issueDates).map((d) => d.slice(0, 7));
  if (outageMonths.includes(lo)) items.push(`The low ${monthLabel(lo).split(' ')[0]} total partly reflects the outage in that month.`);
  return {
    title: w.rng.pick(['Monthly profile', 'Seasonal pattern', 'Monthly consumption']),
    detail: w.sp(w.head('Months', items.join(' '))),
    evidence: [w.ev(name(hi), 'kWh'), w.ev(name(lo), 'kWh')],
  };
};

export const coverage = (w: Writer): Finding => {
  const valid = w.k('coverage.validHours');
  const expected = w.k('coverage.expectedHours');
  const ratio = w.k('coverage.coverageRatio');
  const items: string[] = [];
  if (w.has(valid) && w.has(expected)) {
    items.push(
      w.rng.pick([
        `${w.hours(valid).replace(/ (h|hours)$/, '')} of ${w.hours(expected)} have a valid reading (coverage ${w.pct(ratio)}).`,
        `Coverage is ${w.pct(ratio)}: ${w.hours(valid)} valid out of ${w.hours(expected)} expected.`,
      ]),
    );
  } else if (w.has(ratio)) {
    items.push(`Coverage is ${w.pct(ratio)}.`);
  }
  const zero = w.k('coverage.zeroHours');
  const missing = w.k('coverage.missingHours');
  const negative = w.k('coverage.negativeHours');
  if (w.has(zero) && w.v(zero) > 0) {
    const outageHours = w.data.dataIssues.map(issueHours).filter((h): h is number => h !== undefined);
    const sum = outageHours.reduce((a, b) => a + b, 0);
    items.push(
      sum === w.v(zero) && outageHours.length > 0
        ? `The ${w.hours(zero)} of zero readings are exactly the outage hours${outageHours.length > 1 ? ` (${outageHours.join(' h + ')} h)` : ''}, so they are gaps, not real zero demand.`
        : `${w.hours(zero)} read zero, which in this data means no reading.`,
    );
  } else if (w.has(zero)) {
    items.push('There are no zero readings.');
  }
  if (w.has(missing) && w.has(negative) && w.v(missing) === 0 && w.v(negative) === 0) items.push('No hours are missing outright and none are negative.');
  else if (w.has(missing) && w.v(missing) > 0) items.push(`${w.hours(missing)} are missing from the file.`);
  const gap = w.k('coverage.longestGapHours');
  const outages = w.k('coverage.outageCount');
  if (w.has(gap) && w.v(gap) > 0) {
    items.push(
      w.style.derived || w.style.energy === 'units'
        ? `The longest gap is ${w.hours(gap)} (${w.derived('gapDays', w.v(gap) / 24, 2)} days) across ${w.count(outages)} outage${w.v(outages) === 1 ? '' : 's'}.`
        : `There ${w.v(outages) === 1 ? 'is' : 'are'} ${w.count(outages)} outage${w.v(outages) === 1 ? '' : 's'}, the longest ${w.hours(gap)}.`,
    );
  } else if (w.has(outages)) {
    items.push('No outages were detected.');
  }
  const evidence = [w.ev(ratio)];
  if (w.has(valid)) evidence.push(w.ev(valid, 'h'));
  if (w.has(zero) && w.v(zero) > 0) evidence.push(w.ev(zero, 'h'));
  if (w.has(gap) && w.v(gap) > 0) evidence.push(w.ev(gap, 'h'));
  return {
    title: w.rng.pick(['Meter coverage', 'Data coverage', 'Completeness of the electricity data', 'Coverage and gaps']),
    detail: w.sp(w.head('Coverage', w.list(items))),
    evidence,
  };
};

const kindText = (a: Anomaly): { when: string; what: string } => {
  const week = a.kind.startsWith('week');
  const high = a.kind.endsWith('high');
  return {
    when: week ? `the week beginning ${a.date}` : a.date,
    what: high ? (week ? 'high weekly consumption' : 'a spike in daily use') : week ? 'a low week' : 'unusually low daily use',
  };
};

export const anomalyFinding = (w: Writer, a: Anomaly): Finding => {
  const { when, what } = kindText(a);
  const act = w.energyOf(a.actualMetric ?? 'anomaly.actual', a.actualKwh);
  const exp = w.energyOf(a.expectedMetric ?? 'anomaly.expected', a.expectedKwh);
  const dev = Math.abs(a.deviationPct * 100);
  const devText = `${w.derived(`dev:${a.date}`, dev, 2)} %`;
  const high = a.kind.endsWith('high');
  let detail: string;
  if (w.style.terse) detail = `${a.date}: ${act} vs expected ${exp}.`;
  else if (w.style.parens) detail = `On ${when} the meter shows ${what} (${act} actual, ${exp} expected; ${high ? '+' : '-'}${devText}).`;
  else {
    detail = w.rng.pick([
      `On ${when} consumption was ${act} against ${exp} expected, ${devText} ${high ? 'above' : 'below'} normal.`,
      `${when[0].toUpperCase()}${when.slice(1)} shows ${what}: ${act} actual versus ${exp} expected.`,
      `Expected use for ${when} was ${exp}; the meter recorded ${act} (${high ? 'up' : 'down'} ${devText}).`,
    ]);
  }
  if (w.style.derived) detail += ` The difference is ${w.derived(`diff:${a.date}`, Math.abs(a.actualKwh - a.expectedKwh), 3)} kWh.`;
  return {
    title: `${high ? 'High' : 'Low'} ${a.kind.startsWith('week') ? 'week' : 'day'} ${a.date}`,
    detail: w.sp(detail),
    evidence: [w.evAnomaly(a, 'actual'), w.evAnomaly(a, 'expected')],
  };
};

export const anomaliesCombined = (w: Writer, list: Anomaly[]): Finding => {
  const items = list.map((a) => {
    const { when } = kindText(a);
    return `${when}: ${w.energyOf(a.actualMetric ?? 'a', a.actualKwh)} actual vs ${w.energyOf(a.expectedMetric ?? 'e', a.expectedKwh)} expected`;
  });
  return {
    title: 'Largest anomalies',
    detail: w.sp(`The largest anomalies are ${w.style.lists ? '' : 'as follows. '}${w.list(items.map((i) => `${i}.`))}`),
    evidence: list.flatMap((a) => [w.evAnomaly(a, 'actual'), w.evAnomaly(a, 'expected')]),
  };
};

export const issueResponse = (w: Writer, issue: DataIssue, type: string): { issue: string; response: string } => {
  const hours = issueHours(issue);
  const dates = issueDates(issue);
  const span = dates.length >= 2 ? `${dates[0]} to ${dates[1]}` : (dates[0] ?? 'the affected period');
  if (issue.kind === 'outage') {
    const h = hours !== undefined ? `${hours} h` : 'the';
    const options =
      type === 'data-quality-triage'
        ? [
            `Treat the ${h} gap (${span}) as missing, not zero; request the readings from the meter operator or infill them before any baseline work.`,
            `Exclude ${span} from load statistics and ask for the missing ${hours ?? ''} hours of data to be recovered.`.replace('  ', ' '),
            `Flag the outage (${span}) in the dataset; the annualised total already scales for it, but check the meter did not fail again.`,
          ]
        : [
            `The ${h} outage (${span}) was treated as missing; annualised figures scale for it and the anomaly around it is read with caution.`,
            `Excluded the outage from ${span} from the interpretation; conclusions rest on the remaining hours.`,
            `Noted the gap from ${span}; monthly totals for that month are understated and not used for comparisons.`,
          ];
    return { issue: issue.kind, response: w.sp(w.rng.pick(options)) };
  }
  return {
    issue: issue.kind,
    response: w.sp(
      w.rng.pick([
        `Noted "${issue.kind}" (${issue.severity}); results that depend on it are caveated and the source should be checked.`,
        `Checked this ${issue.severity} issue; figures affected by it are read with caution.`,
      ]),
    ),
  };
};

// ---------------------------------------------------------------- recommendations

const savingsRec = (w: Writer, pct: number, action: string, why: string, evidence: Evidence[], priority: Recommendation['priority']): Recommendation => {
  const annual = w.v(w.k('annualKwh'));
  const kwh = Math.round((annual * pct) / 100);
  const quote = w.rng.pick([` Estimated saving ${pct} % (${w.own(kwh)} kWh a year).`, ` Worth roughly ${pct} % of annual use.`, '', ` That is about ${w.own(kwh)} kWh a year.`]);
  return {
    action: w.sp(action),
    rationale: w.sp(why + quote),
    estimatedAnnualSavingsKwh: kwh,
    estimatedSavingsPct: pct,
    evidence,
    priority,
  };
};

export const retrofitRecs = (w: Writer, max: number): Recommendation[] => {
  const recs: Recommendation[] = [];
  const bl = w.k('load.baseloadKw');
  const nd = w.k('load.nightDayRatio');
  const ww = w.k('load.weekdayWeekendRatio');
  const lf = w.k('load.loadFactor');
  const annual = w.k('annualKwh');
  if (!w.has(annual)) return recs;
  if (w.has(bl) && w.has(nd)) {
    const high = w.v(nd) > 0.6;
    recs.push(
      savingsRec(
        w,
        high ? w.rng.pick([6, 8, 10]) : w.rng.pick([3, 4, 5]),
        w.rng.pick(['Cut out-of-hours baseload', 'Reduce overnight and standby load', 'Tighten out-of-hours scheduling']),
        `Baseload is ${w.kw(bl)} and night-time demand runs at ${w.ratio(nd)} of daytime; switching off plant and equipment out of hours lowers the floor.`,
        [w.ev(bl, 'kW'), w.ev(nd)],
        high ? 'high' : 'medium',
      ),
    );
  }
  const slope = w.k('weather.slopeKwhPerDegC');
  const hb = w.k('weather.changePoint.heatingBalancePointC');
  const cb = w.k('weather.changePoint.coolingBalancePointC');
  if (w.has(hb) || w.has(cb)) {
    const which = w.has(cb) ? cb : hb;
    recs.push(
      savingsRec(
        w,
        w.rng.pick([2, 3, 4, 5]),
        w.has(cb) ? 'Raise cooling set points and widen the control dead band' : 'Optimise heating controls and set-back temperatures',
        `The change-point model puts the ${w.has(cb) ? 'cooling' : 'heating'} balance point at ${w.temp(which)}; widening the dead band moves it and cuts weather-driven use.`,
        [w.ev(which, '°C')],
        'medium',
      ),
    );
  } else if (w.has(slope)) {
    recs.push(
      savingsRec(
        w,
        w.rng.pick([2, 3, 4]),
        'Optimise weather-dependent controls',
        `Use responds to temperature at ${w.plain(slope)} kWh/°C; better control tuning reduces that sensitivity.`,
        [w.ev(slope, 'kWh/°C')],
        'medium',
      ),
    );
  }
  const use = (w.data.building.primaryUse ?? '').toLowerCase();
  if (w.has(ww) && w.v(ww) < 1.5 && /office|education|retail/.test(use)) {
    recs.push(
      savingsRec(
        w,
        w.rng.pick([2, 3, 4]),
        'Set back systems at weekends',
        `Weekday use is only ${w.ratio(ww)} times weekend use for a ${use} building, so weekend operation looks largely unnecessary.`,
        [w.ev(ww)],
        'medium',
      ),
    );
  }
  if (w.has(lf) && w.v(lf) < 0.35) {
    recs.push(
      savingsRec(
        w,
        w.rng.pick([1, 2]),
        'Manage peak demand',
        `A load factor of ${w.ratio(lf)} means short, sharp peaks; staggering start-up of large loads trims them.`,
        [w.ev(lf), w.ev(w.k('load.peakKw'), 'kW')],
        'low',
      ),
    );
  }
  if (recs.length < 2) {
    recs.push(
      savingsRec(
        w,
        w.rng.pick([3, 4, 5]),
        'Upgrade lighting to LED with occupancy controls',
        `With annual use of ${w.kwh(annual)}, lighting upgrades are a dependable measure for a ${use || 'building'} of this type.`,
        [w.ev(annual, 'kWh')],
        'medium',
      ),
    );
  }
  return recs.slice(0, Math.max(2, max));
};

export const nextSteps = (w: Writer, top: Anomaly | undefined): Recommendation[] => {
  const recs: Recommendation[] = [];
  if (top) {
    recs.push({
      action: w.sp(`Investigate the ${top.kind.startsWith('week') ? 'week' : 'day'} of ${top.date}`),
      rationale: w.sp(
        `It is the largest anomaly (${w.energyOf(top.actualMetric ?? 'a', top.actualKwh)} against ${w.energyOf(top.expectedMetric ?? 'e', top.expectedKwh)} expected); find out what was running that ${top.kind.startsWith('week') ? 'week' : 'day'}.`,
      ),
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [w.evAnomaly(top, 'actual'), w.evAnomaly(top, 'expected')],
      priority: 'high',
    });
  }
  const more = retrofitRecs(w, 2);
  return [...recs, ...more].slice(0, w.rng.int(top ? 2 : 1, 3));
};

export const dataFixes = (w: Writer): Recommendation[] => {
  const recs: Recommendation[] = [];
  const gap = w.k('coverage.longestGapHours');
  if (w.data.dataIssues.length > 0 && w.has(gap)) {
    recs.push({
      action: w.rng.pick(['Recover the missing readings', 'Request backfill from the meter operator']),
      rationale: w.sp(`The longest gap is ${w.hours(gap)}; infilled data would make baselines and anomaly detection more reliable.`),
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [w.ev(gap, 'h')],
      priority: 'medium',
    });
  }
  const zero = w.k('coverage.zeroHours');
  if (w.has(zero) && w.v(zero) > 0 && w.rng.chance(0.6)) {
    recs.push({
      action: 'Mark zero readings as missing in the pipeline',
      rationale: w.sp(`${w.hours(zero)} read zero; counted as real zeros they would bias totals and the baseload downward.`),
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [w.ev(zero, 'h')],
      priority: 'low',
    });
  }
  return recs;
};

export const confidenceFor = (w: Writer): number => {
  let c = 0.88;
  if (w.data.dataIssues.some((i) => i.severity !== 'info')) c -= 0.08;
  const cov = w.data.metrics[w.k('coverage.coverageRatio')];
  if (cov !== undefined && cov < 0.97) c -= 0.07;
  c -= 0.03 * w.data.missing.length;
  c += w.rng.pick([-0.05, 0, 0, 0.02]);
  return Math.round(c * 100) / 100;
};
