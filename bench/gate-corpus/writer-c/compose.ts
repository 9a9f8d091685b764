/**
 * Writer C: composes a correct answer for one prompt in one phrasing style.
 * Answers are built as a model (sentences that remember which metrics they state),
 * so a defect can later replace or drop exactly one piece.
 */
import { type Anomaly, type Block, type DataIssue, type Rng, chance, exact, intWords, approxWords, pick, sig, sigStr, trimNum, withCommas } from './lib';

export const STYLES = [
  'plain',
  'terse',
  'verbose-consultant',
  'bullets',
  'numbers-first',
  'numbers-in-words',
  'other-units',
  'rounded',
  'british',
  'derived-figures',
  'caveats',
  'format-slips',
  'fenced-preamble',
  'small-model',
  'tabular',
  'percent-ratios',
] as const;
export type StyleName = (typeof STYLES)[number];

export interface Sent {
  text: string;
  keys: string[];
}
export interface Ev {
  metric: string;
  value: number | string;
  unit?: string;
}
export interface FindingM {
  title: string;
  sents: Sent[];
  evidence: Ev[];
  tag: string;
}
export interface RecM {
  action: string;
  rationale: Sent[];
  kwh: number | null;
  pct: number | null;
  evidence: Ev[];
  priority: 'high' | 'medium' | 'low';
  meter?: string;
}
export interface IssueM {
  issue: string;
  response: string;
}
export interface AnswerM {
  summary: Sent[];
  findings: FindingM[];
  recs: RecM[];
  issues: IssueM[];
  confidence: number;
  confidenceWord?: string;
}

export interface Ctx {
  b: Block;
  type: string;
  style: StyleName;
  rng: Rng;
  f: Fmt;
}

const UNITS: Record<string, string> = {
  totalKwh: 'kWh',
  annualKwh: 'kWh',
  euiKwhPerSqm: 'kWh/m²',
  baseloadKw: 'kW',
  peakKw: 'kW',
  loadFactor: 'ratio',
  weekdayWeekendRatio: 'ratio',
  nightDayRatio: 'ratio',
  coverageRatio: 'ratio',
  expectedHours: 'h',
  validHours: 'h',
  missingHours: 'h',
  zeroHours: 'h',
  negativeHours: 'h',
  longestGapHours: 'h',
  outageCount: 'count',
  days: 'days',
  slopeKwhPerDegC: 'kWh/°C',
  r: 'r',
  heatingBalancePointC: '°C',
  coolingBalancePointC: '°C',
  heatingSlopeKwhPerDegC: 'kWh/°C',
  coolingSlopeKwhPerDegC: 'kWh/°C',
  baseKwhPerDay: 'kWh/day',
  r2: 'r²',
  anomalyCount: 'count',
  groupSize: 'buildings',
  euiPercentile: 'percentile',
  medianEuiKwhPerSqm: 'kWh/m²',
  sqm: 'm²',
  actualKwh: 'kWh',
  expectedKwh: 'kWh',
  kwh: 'kWh',
};
export const unitOf = (metric: string): string => UNITS[metric.split('.').pop() ?? ''] ?? '';

// ---------------------------------------------------------------- formatting

export class Fmt {
  constructor(
    readonly style: StyleName,
    readonly rng: Rng,
  ) {}
  get words() {
    return this.style === 'numbers-in-words';
  }
  get approx() {
    return this.style === 'rounded';
  }
  get brit() {
    return this.style === 'british';
  }
  get otherUnits() {
    return this.style === 'other-units';
  }
  get pctRatios() {
    return this.style === 'percent-ratios';
  }
  pc(v: string): string {
    return this.brit || (this.words && !/\d/.test(v)) ? `${v} per cent` : `${v}%`;
  }
  /** A year's (or any period's) energy. */
  E(v: number): string {
    if (this.otherUnits && Math.abs(v) >= 1000) {
      if (Math.abs(v) >= 1e6 && chance(this.rng, 0.5)) return `${trimNum(sig(v / 1e6, 4))} GWh`;
      return `${withCommas(Number((v / 1000).toFixed(3)))} MWh`;
    }
    if (this.approx && Math.abs(v) >= 1000) {
      if (Math.abs(v) >= 1e6) return `${pick(this.rng, ['about', 'roughly', 'around'])} ${trimNum(sig(v / 1e6, 2))} million kWh`;
      return `${pick(this.rng, ['about', 'roughly', 'some'])} ${sigStr(v, 2)} kWh`;
    }
    if (this.words && Math.abs(v) >= 100000) return `about ${approxWords(v)} kWh`;
    return `${exact(v)} kWh`;
  }
  /** A derived energy figure (3 significant figures). */
  Ed(v: number, per: 'a day' | 'a month' | 'per day' | 'per month' | '' = ''): string {
    const n = this.approx ? `about ${sigStr(v, 2)}` : sigStr(v, 3);
    return `${n} kWh${per ? ' ' + per : ''}`;
  }
  P(v: number): string {
    if (this.approx && v >= 10) return `${pick(this.rng, ['about', 'roughly'])} ${sigStr(v, 2)} kW`;
    if (this.otherUnits && v >= 1000) return `${trimNum(sig(v / 1000, 4))} MW`;
    return `${exact(v)} kW`;
  }
  EUI(v: number): string {
    const n = this.approx ? `about ${sigStr(v, 3)}` : exact(v);
    return `${n} ${pick(this.rng, ['kWh/m²', 'kWh/m²', 'kWh per m²', this.brit ? 'kWh per square metre' : 'kWh/m2'])}`;
  }
  /** A fraction (coverage, load factor) as a percent or a ratio. */
  FR(v: number, forcePct = false): string {
    if (this.words) return this.pc(intWords(Math.round(v * 100)));
    if (this.pctRatios || forcePct) return this.pc(trimNum(Number((v * 100).toFixed(1))));
    return trimNum(sig(v, 3));
  }
  R(v: number): string {
    return trimNum(sig(v, 3));
  }
  H(v: number): string {
    if (this.words && v < 100 && Number.isInteger(v)) return `${intWords(v)} hours`;
    if (this.otherUnits && v >= 48) return `${exact(v)} hours (about ${trimNum(sig(v / 24, 2))} days)`;
    return `${exact(v)} ${pick(this.rng, ['h', 'hours'])}`;
  }
  C(n: number, noun: string): string {
    const plural = n === 1 ? noun.replace(/ies$/, 'y').replace(/s$/, '') : noun;
    if (this.words && n < 100) return `${intWords(n)} ${plural}`;
    return `${withCommas(n)} ${plural}`;
  }
  T(v: number): string {
    return `${trimNum(v)} °C`;
  }
  S(v: number): string {
    return `${trimNum(sig(Math.abs(v), 3))} ${pick(this.rng, ['kWh per °C', 'kWh/°C'])}`;
  }
  PCT(v: number, dp = 1): string {
    if (this.words && Math.abs(v) < 100) return this.pc(intWords(Math.round(Math.abs(v))));
    return this.pc(trimNum(Number(Math.abs(v).toFixed(dp))));
  }
}

const ordinal = (n: number) => {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${s}`;
};

// ---------------------------------------------------------------- facts per meter

export interface MeterF {
  meter: string;
  g: (k: string) => number | undefined;
  name: (k: string) => string;
  cpMissing: boolean;
  anomalies: Anomaly[];
}
export function meterFacts(b: Block, meter: string): MeterF {
  return {
    meter,
    g: (k) => b.metrics[`${meter}.${k}`],
    name: (k) => `${meter}.${k}`,
    cpMissing: b.missing.some((m) => m.metric.startsWith(`${meter}.weather.changePoint`)),
    anomalies: b.anomalies.filter((a) => a.meter === meter),
  };
}

export function ev(b: Block, metric: string, style: StyleName, rng: Rng): Ev {
  const v = b.metrics[metric];
  const unit = unitOf(metric);
  if (style === 'format-slips') {
    const parts = metric.split('.');
    let name = metric;
    const r = rng();
    if (!/\.monthly\.|\.anomaly\./.test(metric) && parts.length >= 3) {
      if (r < 0.3 && b.meters.length === 1) name = parts.slice(1).join('.');
      else if (r < 0.55) name = `${parts[0]}.${parts[parts.length - 1]}`;
    }
    return { metric: name, value: chance(rng, 0.5) ? trimNum(v) : v, unit: unit === 'kWh/m²' ? 'kWh/m2' : unit.toLowerCase() };
  }
  if (style === 'other-units' && unit === 'kWh' && v >= 100000 && chance(rng, 0.5)) return { metric, value: Number((v / 1000).toFixed(3)), unit: 'MWh' };
  if (style === 'percent-ratios' && /coverageRatio|loadFactor/.test(metric)) return { metric, value: Number((v * 100).toFixed(2)), unit: '%' };
  const e: Ev = { metric, value: v };
  if (unit && !(style === 'terse' && chance(rng, 0.5))) e.unit = unit;
  return e;
}

const S = (text: string, ...keys: string[]): Sent => ({ text, keys });
const meterLabel = (m: string) => (m === 'electricity' ? 'electricity' : m);
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// ---------------------------------------------------------------- sentence builders

export function consumptionSents(c: Ctx, mf: MeterF): Sent[] {
  const { f, rng, style } = c;
  const out: Sent[] = [];
  const annual = mf.g('annualKwh');
  const total = mf.g('totalKwh');
  const valid = mf.g('coverage.validHours');
  const exp = mf.g('coverage.expectedHours');
  const M = meterLabel(mf.meter);
  if (annual !== undefined) {
    if (style === 'numbers-first')
      out.push(S(`${f.E(annual)} of annualised ${M} use${total !== undefined ? `, from ${f.E(total)} metered` : ''}.`, mf.name('annualKwh'), mf.name('totalKwh')));
    else if (style === 'tabular')
      out.push(S(`Annual ${M}: ${f.E(annual)}${total !== undefined ? `; metered total: ${f.E(total)}` : ''}.`, mf.name('annualKwh'), mf.name('totalKwh')));
    else if (style === 'terse' || style === 'small-model') out.push(S(`${cap(M)} use is ${f.E(annual)} a year.`, mf.name('annualKwh')));
    else
      out.push(
        S(
          pick(rng, [
            `Annual ${M} consumption is ${f.E(annual)}${total !== undefined && total !== annual ? `, scaled up from ${f.E(total)} actually metered` : ''}.`,
            `The building used ${f.E(annual)} of ${M} over the year${total !== undefined && total !== annual ? ` (annualised; ${f.E(total)} was metered)` : ''}.`,
            `${cap(M)} consumption comes to ${f.E(annual)} for the year${total !== undefined && total !== annual ? `, of which ${f.E(total)} was directly metered` : ''}.`,
          ]),
          mf.name('annualKwh'),
          mf.name('totalKwh'),
        ),
      );
    if (style === 'derived-figures' || (style === 'verbose-consultant' && chance(rng, 0.5))) {
      out.push(S(`That averages ${f.Ed(annual / 365, 'a day')}, or about ${f.Ed(annual / 12, 'a month')}.`, mf.name('annualKwh')));
      if (total !== undefined && valid) out.push(S(`Mean demand over the valid hours was ${f.P(Number(sig(total / valid, 3)))}.`, mf.name('totalKwh')));
    }
  } else if (total !== undefined) {
    out.push(S(`Metered ${M} over the period is ${f.E(total)}; no annualised figure is available.`, mf.name('totalKwh')));
  }
  if (style === 'derived-figures' && valid !== undefined && exp !== undefined)
    out.push(S(`These figures rest on ${exact(valid)} of ${exact(exp)} hours with valid readings.`, mf.name('coverage.validHours')));
  return out;
}

export function euiSents(c: Ctx): Sent[] {
  const { f, rng, style, b } = c;
  const out: Sent[] = [];
  const eui = b.metrics['electricity.euiKwhPerSqm'];
  const med = b.metrics['peers.medianEuiKwhPerSqm'];
  const pct = b.metrics['peers.euiPercentile'];
  const gs = b.metrics['peers.groupSize'];
  if (eui === undefined) {
    out.push(S('Energy-use intensity is unavailable (no floor area), so no peer comparison is possible.'));
    return out;
  }
  if (med === undefined) {
    out.push(S(`Electricity EUI is ${f.EUI(eui)}; no peer group is available for comparison.`, 'electricity.euiKwhPerSqm'));
    return out;
  }
  const rel = eui / med;
  const dir =
    Math.abs(rel - 1) <= 0.001
      ? 'level with the peer median'
      : rel > 1
        ? pick(rng, ['above the peer median', 'higher than the peer median'])
        : pick(rng, ['below the peer median', 'lower than the peer median']);
  const tail = pct !== undefined ? (f.words ? `, around the ${ordinal(Math.round(pct))} percentile` : `, at the ${ordinal(Math.round(pct))} percentile`) : '';
  const grp = gs !== undefined ? ` of ${f.C(gs, 'peer buildings')}` : '';
  if (style === 'numbers-first')
    out.push(
      S(`${f.EUI(eui)} electricity EUI, ${dir} of ${f.EUI(med)}${grp ? ' across' + grp.replace(' of', '') : ''}${tail}.`, 'electricity.euiKwhPerSqm', 'peers.medianEuiKwhPerSqm'),
    );
  else if (style === 'tabular')
    out.push(
      S(
        `EUI: ${f.EUI(eui)}; peer median: ${f.EUI(med)}${gs !== undefined ? `; peer group: ${f.C(gs, 'buildings')}` : ''}${pct !== undefined ? `; percentile: ${trimNum(pct)}` : ''}.`,
        'electricity.euiKwhPerSqm',
        'peers.medianEuiKwhPerSqm',
      ),
    );
  else
    out.push(
      S(
        pick(rng, [`Electricity intensity is ${f.EUI(eui)}, ${dir} of ${f.EUI(med)}${grp}${tail}.`, `At ${f.EUI(eui)} the building sits ${dir} (${f.EUI(med)})${tail}.`]),
        'electricity.euiKwhPerSqm',
        'peers.medianEuiKwhPerSqm',
      ),
    );
  if (style === 'derived-figures' || style === 'verbose-consultant') {
    const d = Math.abs(eui - med);
    if (Math.abs(rel - 1) > 0.001)
      out.push(
        S(
          `The gap to the median is ${trimNum(sig(d, 3))} kWh/m², about ${f.PCT(Math.abs(rel - 1) * 100)} ${rel > 1 ? 'more' : 'less'} than the median.`,
          'electricity.euiKwhPerSqm',
        ),
      );
  }
  const gasEui = b.metrics['gas.euiKwhPerSqm'];
  if (gasEui !== undefined) out.push(S(`Gas adds ${f.EUI(gasEui)} on top of the electricity intensity.`, 'gas.euiKwhPerSqm'));
  return out;
}

export function loadSents(c: Ctx, mf: MeterF): Sent[] {
  const { f, rng, style, b } = c;
  const out: Sent[] = [];
  const base = mf.g('load.baseloadKw');
  const peak = mf.g('load.peakKw');
  const lf = mf.g('load.loadFactor');
  const nd = mf.g('load.nightDayRatio');
  const ww = mf.g('load.weekdayWeekendRatio');
  const M = meterLabel(mf.meter);
  const area = b.sqm;
  if (base !== undefined && peak !== undefined) {
    if (style === 'numbers-first') out.push(S(`${f.P(base)} ${M} baseload, ${f.P(peak)} peak.`, mf.name('load.baseloadKw'), mf.name('load.peakKw')));
    else if (style === 'tabular') out.push(S(`${cap(M)} baseload: ${f.P(base)}; peak: ${f.P(peak)}.`, mf.name('load.baseloadKw'), mf.name('load.peakKw')));
    else
      out.push(
        S(
          pick(rng, [
            `${cap(M)} baseload is ${f.P(base)} and demand peaks at ${f.P(peak)}.`,
            `The ${M} load never falls much below ${f.P(base)} (baseload) and tops out at ${f.P(peak)} (peak).`,
            `Baseload (${M}) sits at ${f.P(base)}; the peak reaches ${f.P(peak)}.`,
          ]),
          mf.name('load.baseloadKw'),
          mf.name('load.peakKw'),
        ),
      );
    if ((style === 'derived-figures' || style === 'verbose-consultant') && base > 0)
      out.push(S(`The peak is ${trimNum(sig(peak / base, 3))} times the baseload.`, mf.name('load.peakKw')));
    if (style === 'other-units' && area)
      out.push(
        S(
          `Per unit of floor area that is ${trimNum(sig((base * 1000) / area, 3))} W/m² at baseload and ${trimNum(sig((peak * 1000) / area, 3))} W/m² at peak.`,
          mf.name('load.baseloadKw'),
        ),
      );
  }
  if (base === undefined && peak === undefined && lf === undefined) out.push(S(`${cap(M)} load-shape metrics (baseload, peak, load factor) are not available for this building.`));
  if (lf !== undefined)
    out.push(
      S(
        style === 'tabular'
          ? `Load factor: ${f.FR(lf)}.`
          : style === 'numbers-first'
            ? `${f.FR(lf)} load factor.`
            : `The load factor is ${f.FR(lf)}${lf < 0.3 ? ', a peaky profile' : lf > 0.6 ? ', a flat profile' : ''}.`,
        mf.name('load.loadFactor'),
      ),
    );
  if (nd !== undefined) {
    const dirTxt =
      Math.abs(nd - 1) <= 0.005
        ? 'night and day demand are about equal'
        : nd < 1
          ? pick(rng, [`night-time ${M === 'gas' ? 'gas ' : ''}use is lower than daytime use`, `${M} demand drops at night`])
          : pick(rng, [`night-time ${M === 'gas' ? 'gas ' : ''}use is higher than daytime use`, `${M} demand rises at night`]);
    const val = f.pctRatios ? `night load is ${f.FR(nd, true)} of day load` : `night/day ratio ${f.R(nd)}`;
    out.push(S(style === 'tabular' ? `Night/day ratio: ${f.R(nd)} (${dirTxt}).` : `${cap(dirTxt)} (${val}).`, mf.name('load.nightDayRatio')));
  }
  if (ww !== undefined) {
    const dirTxt =
      Math.abs(ww - 1) <= 0.005
        ? 'weekday and weekend use are about equal'
        : ww > 1
          ? pick(rng, [`weekend ${M === 'gas' ? 'gas ' : ''}use is lower than weekday use`, `${M} consumption drops at weekends`])
          : pick(rng, [`weekend ${M === 'gas' ? 'gas ' : ''}use is higher than weekday use`, `${M} consumption rises at weekends`]);
    const val = f.pctRatios ? `weekday use is ${f.FR(ww, true)} of weekend use` : `weekday/weekend ratio ${f.R(ww)}`;
    out.push(S(style === 'tabular' ? `Weekday/weekend ratio: ${f.R(ww)} (${dirTxt}).` : `${cap(dirTxt)} (${val}).`, mf.name('load.weekdayWeekendRatio')));
  }
  return out;
}

export function weatherSents(c: Ctx, mf: MeterF): Sent[] {
  const { f, rng, style } = c;
  const out: Sent[] = [];
  const slope = mf.g('weather.slopeKwhPerDegC');
  const r = mf.g('weather.r');
  const days = mf.g('weather.days');
  const M = meterLabel(mf.meter);
  if (slope !== undefined) {
    const strength = r === undefined ? '' : Math.abs(r) < 0.3 ? 'weak' : Math.abs(r) < 0.6 ? 'moderate' : 'strong';
    const dirTxt = slope < 0 ? `daily ${M} use rises as outdoor temperature falls` : `daily ${M} use rises as outdoor temperature rises`;
    out.push(
      S(
        style === 'tabular'
          ? `${cap(M)} weather slope: ${slope < 0 ? '-' : ''}${f.S(slope)}${r !== undefined ? `; r: ${f.R(r)}` : ''} (${dirTxt}).`
          : `${cap(dirTxt)}: the slope is ${slope < 0 ? 'minus ' : ''}${f.S(slope)}${r !== undefined ? ` with a ${strength} correlation (r = ${f.R(r)})` : ''}${days !== undefined ? ` over ${f.words && days < 100 ? intWords(days) : exact(days)} days` : ''}.`,
        mf.name('weather.slopeKwhPerDegC'),
        mf.name('weather.r'),
      ),
    );
  }
  const hbp = mf.g('weather.changePoint.heatingBalancePointC');
  const cbp = mf.g('weather.changePoint.coolingBalancePointC');
  const hs = mf.g('weather.changePoint.heatingSlopeKwhPerDegC');
  const cs = mf.g('weather.changePoint.coolingSlopeKwhPerDegC');
  const base = mf.g('weather.changePoint.baseKwhPerDay');
  const r2 = mf.g('weather.changePoint.r2');
  if (mf.cpMissing) {
    out.push(
      S(
        pick(rng, [
          `No change-point model is available for ${M} (none beat the straight line), so balance points are not quoted.`,
          `The ${M} change-point model is unavailable, so no balance point is given.`,
        ]),
      ),
    );
  } else {
    const bits: string[] = [];
    if (hbp !== undefined && hs !== undefined) bits.push(`heating below ${f.T(hbp)} at ${f.S(hs)}`);
    if (cbp !== undefined && cs !== undefined) bits.push(`cooling above ${f.T(cbp)} at ${f.S(cs)}`);
    if (bits.length)
      out.push(
        S(
          `The ${M} change-point fit finds ${bits.join(' and ')}${base !== undefined ? `, on a base of ${f.Ed(base, 'a day')}` : ''}${r2 !== undefined ? ` (r² ${f.R(r2)})` : ''}.`,
          mf.name('weather.changePoint.heatingBalancePointC'),
        ),
      );
  }
  return out;
}

export function anomalySent(c: Ctx, a: Anomaly): Sent {
  const { f, rng, style } = c;
  const hi = a.actualKwh > a.expectedKwh;
  const when = a.kind.startsWith('week') ? `the week starting ${a.date}` : a.date;
  const dev = f.PCT(a.deviationPct * 100, 0);
  const M = meterLabel(a.meter);
  const act = f.E(a.actualKwh);
  const expd = f.E(a.expectedKwh);
  if (style === 'numbers-first') return S(`${act} of ${M} on ${when} against ${expd} expected: ${hi ? 'a spike' : 'a dip'} of ${dev}.`, a.actualMetric, a.expectedMetric);
  if (style === 'tabular') return S(`${when} (${M}): actual ${act}; expected ${expd}; ${hi ? 'above' : 'below'} expected by ${dev}.`, a.actualMetric, a.expectedMetric);
  const diff = style === 'derived-figures' ? ` That is ${sigStr(Math.abs(a.actualKwh - a.expectedKwh), 3)} kWh ${hi ? 'more' : 'less'} than expected.` : '';
  return S(
    pick(rng, [
      `On ${when} ${M} use was ${act} against an expected ${expd}, ${hi ? 'a spike' : 'a dip'} of ${dev}.${diff}`,
      `${cap(when)} shows ${hi ? 'a spike' : 'a dip'}: ${act} ${M} versus ${expd} expected (${hi ? '+' : '-'}${dev}).${diff}`,
      `${M === 'gas' ? 'Gas' : 'Electricity'} on ${when} came in ${hi ? 'above expected' : 'below expected'} at ${act} (expected ${expd}).${diff}`,
    ]),
    a.actualMetric,
    a.expectedMetric,
  );
}

export function coverageSents(c: Ctx, mf: MeterF): Sent[] {
  const { f, rng, style } = c;
  const out: Sent[] = [];
  const cov = mf.g('coverage.coverageRatio');
  const valid = mf.g('coverage.validHours');
  const exp = mf.g('coverage.expectedHours');
  const zero = mf.g('coverage.zeroHours');
  const missing = mf.g('coverage.missingHours');
  const gap = mf.g('coverage.longestGapHours');
  const outs = mf.g('coverage.outageCount');
  const neg = mf.g('coverage.negativeHours');
  const M = meterLabel(mf.meter);
  if (cov !== undefined) {
    if (style === 'numbers-first')
      out.push(
        S(
          `${f.FR(cov, true)} ${M} coverage${valid !== undefined && exp !== undefined ? ` (${exact(valid)} of ${exact(exp)} hours valid)` : ''}.`,
          mf.name('coverage.coverageRatio'),
        ),
      );
    else if (style === 'tabular')
      out.push(
        S(
          `${cap(M)} coverage: ${f.FR(cov, true)}${valid !== undefined ? `; valid hours: ${exact(valid)}` : ''}${exp !== undefined ? `; expected hours: ${exact(exp)}` : ''}.`,
          mf.name('coverage.coverageRatio'),
        ),
      );
    else
      out.push(
        S(
          pick(rng, [
            `${cap(M)} coverage is ${f.FR(cov, true)}${valid !== undefined && exp !== undefined ? `: ${exact(valid)} of ${exact(exp)} expected hours have a valid reading` : ''}.`,
            `${valid !== undefined && exp !== undefined ? `${exact(valid)} of ${exact(exp)} ${M} hours are valid` : `${cap(M)} has valid readings`} (coverage ${f.FR(cov, true)}).`,
          ]),
          mf.name('coverage.coverageRatio'),
          mf.name('coverage.validHours'),
        ),
      );
  }
  if (zero !== undefined && zero > 0) {
    out.push(
      S(
        mf.meter === 'gas'
          ? `${cap(M)} reads zero for ${f.H(zero)}, consistent with heating being off rather than missing data.`
          : `${cap(f.H(zero))} of ${M} read zero and are treated as missing.`,
        mf.name('coverage.zeroHours'),
      ),
    );
  }
  if (missing !== undefined && missing > 0) out.push(S(`${cap(f.H(missing))} of ${M} are missing outright.`, mf.name('coverage.missingHours')));
  if (outs !== undefined) {
    if (outs === 0) out.push(S(`No ${M} outages were recorded.`, mf.name('coverage.outageCount')));
    else
      out.push(
        S(
          `There ${outs === 1 ? 'was' : 'were'} ${f.C(outs, 'outages')} on the ${M} meter${gap !== undefined ? `, the longest lasting ${f.H(gap)}` : ''}.`,
          mf.name('coverage.outageCount'),
          mf.name('coverage.longestGapHours'),
        ),
      );
  }
  if (neg !== undefined && neg > 0) out.push(S(`${cap(f.H(neg))} of negative ${M} readings need checking.`, mf.name('coverage.negativeHours')));
  return out;
}

// ---------------------------------------------------------------- issues

export function issueResponse(c: Ctx, is: DataIssue): IssueM {
  const { rng, f } = c;
  const meter = is.message.split(':')[0];
  const hours = is.message.match(/([\d,]+) h\b/);
  const dates = is.message.match(/\d{4}-\d{2}-\d{2}/g) ?? [];
  const h = hours ? Number(hours[1].replace(/,/g, '')) : undefined;
  let response: string;
  switch (is.kind) {
    case 'outage':
      response = pick(rng, [
        `Exclude the ${h !== undefined ? f.H(h) + ' ' : ''}${meter} gap${dates.length >= 2 ? ` (${dates[0]} to ${dates[1]})` : ''} from baseline fits and ask the metering contractor why the logger dropped out.`,
        `Treat the ${meter} outage${dates.length ? ` starting ${dates[0]}` : ''} as missing, not as zero use; annualised figures already scale for it, but backfill from supplier data if possible.`,
        `Flag the ${meter} outage${h !== undefined ? ` (${f.H(h)})` : ''} and keep it out of anomaly and weather fits.`,
      ]);
      if (is.severity === 'critical') response += ' It is long enough to weaken the annual total, so treat that figure with care.';
      break;
    case 'zero-runs':
      response = pick(rng, [
        `Read the ${meter} zero runs as heating switched off (no consumption), as the data block notes, not as missing data; confirm seasonal shutdown with the site.`,
        `Zero ${meter} runs are consistent with the plant being off in the warm months; keep them as real zeros and check with facilities that the meter did not stall.`,
      ]);
      break;
    case 'low-coverage': {
      const pct = is.message.match(/([\d.]+)%/);
      response = `Only ${pct ? f.pc(pct[1]) : 'part'} of ${meter} hours are valid: quote annualised figures with a caveat and request the missing interval data.`;
      break;
    }
    default:
      response = `Noted (${is.severity}): ${is.kind} on ${meter}; checked before relying on the affected figures.`;
  }
  return { issue: is.kind, response };
}

export function requiredIssues(b: Block, type: string): DataIssue[] {
  return b.issues.filter((i) => type === 'data-quality-triage' || i.severity !== 'info');
}

export function confidenceFor(b: Block): number {
  let cf = 0.85;
  for (const is of b.issues) cf -= is.severity === 'critical' ? 0.15 : is.severity === 'warning' ? 0.05 : 0;
  if (b.missing.length) cf -= 0.05;
  const cov = Math.min(...b.meters.map((m) => b.metrics[`${m}.coverage.coverageRatio`] ?? 1));
  if (cov < 0.9) cf -= 0.1;
  return Math.max(0.3, Math.min(0.9, Math.round(cf * 100) / 100));
}
export const confidenceWord = (cf: number) => (cf >= 0.7 ? 'high' : cf >= 0.45 ? 'moderate' : 'low');

// ---------------------------------------------------------------- recommendations

export function retrofitRecs(c: Ctx): RecM[] {
  const { b, rng, style, f } = c;
  const recs: RecM[] = [];
  const el = meterFacts(b, 'electricity');
  const annualE = el.g('annualKwh');
  const mk = (meter: string, action: string, why: Sent[], pct: number, evid: string[], priority: RecM['priority']): RecM => {
    const annual = b.metrics[`${meter}.annualKwh`];
    const kwh = annual === undefined ? null : style === 'rounded' && (pct / 100) * annual >= 1000 ? Math.round(((pct / 100) * annual) / 10) * 10 : Math.round((pct / 100) * annual);
    const r: RecM = {
      action,
      rationale: why,
      kwh,
      pct: annual === undefined ? null : pct,
      evidence: evid.filter((m) => b.metrics[m] !== undefined).map((m) => ev(b, m, style, rng)),
      priority,
      meter,
    };
    if (kwh !== null) {
      const sv =
        style === 'numbers-first'
          ? `${f.PCT(pct)} of annual ${meter}, ${f.E(kwh)} a year, saved.`
          : `Estimated saving: ${f.PCT(pct)} of annual ${meter}, about ${f.E(kwh)} a year.`;
      r.rationale = [...why, S(sv)];
    } else r.rationale = [...why, S(`Savings cannot be quantified because annual ${meter} consumption is unavailable.`)];
    return r;
  };
  const base = el.g('load.baseloadKw');
  const nd = el.g('load.nightDayRatio');
  if (base !== undefined) {
    const pct = nd !== undefined && nd > 0.7 ? pick(rng, [6, 7, 8]) : pick(rng, [3, 4, 5]);
    recs.push(
      mk(
        'electricity',
        pick(rng, ['Cut out-of-hours baseload', 'Reduce the overnight electrical baseload', 'Audit and switch off always-on loads']),
        [
          S(
            `Baseload is ${f.P(base)}${nd !== undefined ? ` and the night/day ratio is ${f.R(nd)}` : ''}, so plant and plug loads run when the building is empty.`,
            'electricity.load.baseloadKw',
          ),
        ],
        pct,
        ['electricity.load.baseloadKw', 'electricity.load.nightDayRatio'],
        'high',
      ),
    );
  }
  const ww = el.g('load.weekdayWeekendRatio');
  if (ww !== undefined) {
    const pct = ww < 1.3 ? pick(rng, [4, 5, 6]) : pick(rng, [2, 3]);
    recs.push(
      mk(
        'electricity',
        pick(rng, ['Align HVAC and lighting schedules with occupancy', 'Tighten weekend and holiday time schedules']),
        [S(`The weekday/weekend ratio is ${f.R(ww)}${ww < 1.3 ? ', so weekend use stays close to weekday use' : ''}.`, 'electricity.load.weekdayWeekendRatio')],
        pct,
        ['electricity.load.weekdayWeekendRatio'],
        'medium',
      ),
    );
  }
  const gas = meterFacts(b, 'gas');
  const gSlope = gas.g('weather.slopeKwhPerDegC');
  if (b.meters.includes('gas') && gas.g('annualKwh') !== undefined && gSlope !== undefined) {
    const hbp = gas.g('weather.changePoint.heatingBalancePointC');
    const why = [
      S(
        `Gas use rises as outdoor temperature falls (slope minus ${f.S(gSlope)})${hbp !== undefined && !gas.cpMissing ? `, with heating starting below ${f.T(hbp)}` : ''}.`,
        'gas.weather.slopeKwhPerDegC',
      ),
    ];
    recs.push(
      mk(
        'gas',
        pick(rng, ['Optimise boiler controls and heating set-points', 'Re-commission heating controls and weather compensation']),
        why,
        pick(rng, [5, 6, 8, 10]),
        ['gas.weather.slopeKwhPerDegC', 'gas.weather.changePoint.heatingBalancePointC'],
        'high',
      ),
    );
  }
  const peak = el.g('load.peakKw');
  const lf = el.g('load.loadFactor');
  if (peak !== undefined && lf !== undefined && (recs.length < 2 || chance(rng, 0.4))) {
    recs.push(
      mk(
        'electricity',
        'Stagger plant start-up to trim peak demand',
        [S(`The peak reaches ${f.P(peak)} with a load factor of ${f.FR(lf)}.`, 'electricity.load.peakKw')],
        pick(rng, [1, 2]),
        ['electricity.load.peakKw', 'electricity.load.loadFactor'],
        'low',
      ),
    );
  }
  const eui = el.g('euiKwhPerSqm');
  const med = b.metrics['peers.medianEuiKwhPerSqm'];
  if (eui !== undefined && (recs.length < 2 || chance(rng, 0.5))) {
    const above = med !== undefined && eui > med;
    recs.push(
      mk(
        'electricity',
        'Upgrade lighting to LED with occupancy controls',
        [S(`Electricity intensity is ${f.EUI(eui)}${med !== undefined ? `, ${above ? 'above' : 'below'} the peer median of ${f.EUI(med)}` : ''}.`, 'electricity.euiKwhPerSqm')],
        above ? pick(rng, [6, 7]) : pick(rng, [3, 4]),
        ['electricity.euiKwhPerSqm', 'peers.medianEuiKwhPerSqm'],
        above ? 'medium' : 'low',
      ),
    );
  }
  const fallbacks: [string, number][] = [
    ['Sub-meter the main plant to target further savings', 2],
    ['Run a controls and set-point review of the main plant', 3],
  ];
  for (const [action, pct] of fallbacks) {
    if (recs.length >= 2) break;
    const evid = ['electricity.annualKwh', 'electricity.totalKwh', 'electricity.coverage.coverageRatio'].filter((m) => b.metrics[m] !== undefined).slice(0, 1);
    if (!evid.length) break;
    recs.push(
      mk(
        'electricity',
        action,
        [annualE !== undefined ? S(`Annual electricity is ${f.E(annualE)}.`, 'electricity.annualKwh') : S('Plant-level data would show where the energy goes.')],
        pct,
        evid,
        'low',
      ),
    );
  }
  return recs.slice(0, style === 'terse' || style === 'small-model' ? 2 : 4);
}
