/**
 * Writer F shared library: parses a prompt's data block into facts, formats numbers,
 * and audits an answer text against the data block. Node built-ins only; imports no project code.
 */

export type AnalysisType = 'data-quality-triage' | 'building-diagnostic' | 'retrofit-plan';

export interface Prompt {
  buildingId: string;
  type: AnalysisType;
  system: string;
  user: string;
}

export interface Anomaly {
  meter: string;
  kind: string;
  date: string;
  actualKwh: number;
  expectedKwh: number;
  deviationPercent: number;
  robustZ: number;
  actualMetric: string;
  expectedMetric: string;
}

export interface Issue {
  kind: string;
  severity: 'info' | 'warning' | 'critical' | string;
  message: string;
}

export interface ChangePoint {
  hbp?: number;
  cbp?: number;
  hs?: number;
  cs?: number;
  base?: number;
  r2?: number;
}

export interface MeterFacts {
  name: string;
  total: number;
  annual: number;
  eui: number;
  expected: number;
  valid: number;
  missingH: number;
  zeroH: number;
  negativeH: number;
  cov: number;
  gap: number;
  outages: number;
  base: number;
  peak: number;
  lf: number;
  wdwe: number;
  nd: number;
  wDays: number;
  slope: number;
  r: number;
  cp: ChangePoint | null;
  cpMissing: boolean;
  anomalyCount: number;
  monthly: { month: string; kwh: number }[];
}

export interface Facts {
  id: string;
  use: string | null;
  sqm: number;
  start: string;
  end: string;
  hours: number;
  meters: MeterFacts[];
  metrics: Record<string, number>;
  anomalies: Anomaly[];
  issues: Issue[];
  missing: { metric: string; reason: string }[];
  peers: { n: number; pct: number; median: number };
  metadata: Record<string, string>;
  raw: any;
}

export const BEGIN = '<<<EAIO_BUILDING_DATA_BEGIN>>>';
export const END = '<<<EAIO_BUILDING_DATA_END>>>';

export function dataBlock(user: string): any {
  const a = user.indexOf(BEGIN);
  const b = user.indexOf(END);
  if (a < 0 || b < 0) throw new Error('no data block');
  return JSON.parse(user.slice(a + BEGIN.length, b));
}

export function parseFacts(user: string): Facts {
  const d = dataBlock(user);
  const m: Record<string, number> = d.metrics;
  const missing: { metric: string; reason: string }[] = (d.missing ?? []).map((x: any) => (typeof x === 'string' ? { metric: x, reason: '' } : x));
  const meters: MeterFacts[] = (d.meters as string[]).map((name) => {
    const g = (k: string) => m[`${name}.${k}`];
    const cpMissing = missing.some((x) => x.metric === `${name}.weather.changePoint` || x.metric.startsWith(`${name}.weather.changePoint.`));
    let cp: ChangePoint | null = null;
    if (g('weather.changePoint.r2') !== undefined) {
      cp = {
        hbp: g('weather.changePoint.heatingBalancePointC'),
        cbp: g('weather.changePoint.coolingBalancePointC'),
        hs: g('weather.changePoint.heatingSlopeKwhPerDegC'),
        cs: g('weather.changePoint.coolingSlopeKwhPerDegC'),
        base: g('weather.changePoint.baseKwhPerDay'),
        r2: g('weather.changePoint.r2'),
      };
    }
    const monthly = Object.keys(m)
      .filter((k) => k.startsWith(`${name}.monthly.`))
      .map((k) => ({ month: k.split('.')[2], kwh: m[k] }))
      .sort((x, y) => x.month.localeCompare(y.month));
    return {
      name,
      total: g('totalKwh'),
      annual: g('annualKwh'),
      eui: g('euiKwhPerSqm'),
      expected: g('coverage.expectedHours'),
      valid: g('coverage.validHours'),
      missingH: g('coverage.missingHours'),
      zeroH: g('coverage.zeroHours'),
      negativeH: g('coverage.negativeHours'),
      cov: g('coverage.coverageRatio'),
      gap: g('coverage.longestGapHours'),
      outages: g('coverage.outageCount'),
      base: g('load.baseloadKw'),
      peak: g('load.peakKw'),
      lf: g('load.loadFactor'),
      wdwe: g('load.weekdayWeekendRatio'),
      nd: g('load.nightDayRatio'),
      wDays: g('weather.days'),
      slope: g('weather.slopeKwhPerDegC'),
      r: g('weather.r'),
      cp,
      cpMissing,
      anomalyCount: g('anomalyCount'),
      monthly,
    };
  });
  return {
    id: d.building.id,
    use: d.building.primaryUse ?? null,
    sqm: d.building.floorAreaSqm ?? m['building.sqm'],
    start: d.period.start,
    end: d.period.end,
    hours: d.period.hours,
    meters,
    metrics: m,
    anomalies: d.anomalies ?? [],
    issues: d.dataIssues ?? [],
    missing,
    peers: { n: m['peers.groupSize'], pct: m['peers.euiPercentile'], median: m['peers.medianEuiKwhPerSqm'] },
    metadata: d.building.metadata ?? {},
    raw: d,
  };
}

/** Issues the task requires in dataIssuesAddressed. */
export function requiredIssues(f: Facts, type: AnalysisType): Issue[] {
  return type === 'data-quality-triage' ? f.issues : f.issues.filter((i) => i.severity === 'warning' || i.severity === 'critical');
}

// ---------------------------------------------------------------- PRNG

export function hashStr(s: string): number {
  let h = 2166136261 >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h >>> 0;
}

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(a: T[]): T[] {
    const b = a.slice();
    for (let i = b.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [b[i], b[j]] = [b[j], b[i]];
    }
    return b;
  }
}

// ---------------------------------------------------------------- number formatting

/** Round to `sig` significant figures (integers keep their integer part when sig is too small to matter). */
export function roundSig(v: number, sig: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const e = Math.floor(Math.log10(Math.abs(v)));
  const p = 10 ** (e - sig + 1);
  return Math.round(v / p) * p;
}

/** Format a number with `sig` significant figures, thousands separators optional. */
export function fmt(v: number, sig = 3, sep = true): string {
  if (v === 0) return '0';
  const r = roundSig(v, sig);
  const e = Math.floor(Math.log10(Math.abs(r)));
  const decimals = Math.max(0, sig - 1 - e);
  let s = r.toFixed(Math.min(decimals, 6));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (sep) {
    const [i, f] = s.split('.');
    const neg = i.startsWith('-');
    const digits = neg ? i.slice(1) : i;
    const grouped = digits.length > 4 || (digits.length === 4 && sep) ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : digits;
    s = (neg ? '-' : '') + grouped + (f ? `.${f}` : '');
  }
  return s;
}

/** Exact data-block value with separators (as written in the block, grouped). */
export function exact(v: number, sep = true): string {
  const s = String(v);
  if (!sep) return s;
  const [i, f] = s.split('.');
  const neg = i.startsWith('-');
  const digits = neg ? i.slice(1) : i;
  return (neg ? '-' : '') + (digits.length >= 4 ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : digits) + (f ? `.${f}` : '');
}

// ---------------------------------------------------------------- number extraction

export type Dim = 'energy' | 'power' | 'pd' | 'eui' | 'pct' | 'ratio' | 'hours' | 'days' | 'temp' | 'slope' | 'area' | 'money' | 'years' | 'count' | 'none';

export interface NumTok {
  raw: string;
  value: number;
  tol: number;
  dim: Dim;
  /** value converted to the base unit of its dim (kWh, kW, W/m², kWh/m², %, h, days, °C, kWh/°C, m²) */
  base: number;
  baseTol: number;
  index: number;
  end: number;
}

const UNIT_TABLE: [RegExp, Dim, number][] = [
  [/^(?:kBtu\/(?:ft²|ft2|sf|sq ?ft)|kBtu per (?:sq ?ft|square foot))/i, 'eui', 3.15459],
  [/^MWh\s*(?:\/|per)\s*(?:m²|m2|sqm|sq\.? ?m|square met(?:re|er))(?:[·./ ]?(?:a|yr|year|annum)\b)?/, 'eui', 1000],
  [/^kWh\s*(?:\/|per)\s*(?:m²|m2|sqm|sq\.? ?m|square met(?:re|er))(?:\s*(?:[·./]|per)\s*(?:a|yr|year|annum)\b|\s*(?:a|per) year\b)?/, 'eui', 1],
  [/^kWh\s*(?:\/|per)\s*(?:°C|degC|° ?C|degree(?:s)?(?: C| Celsius)?|K\b)/, 'slope', 1],
  [/^kWh\s*(?:\/|per|a|each|every)\s*(?:d|day)\b/, 'energy', 1],
  [/^kWh\s*(?:\/|per|a|each|every)\s*(?:wk|week)\b/, 'energy', 1],
  [/^kWh\s*(?:\/|per|a|each|every)\s*(?:mo|month)\b/, 'energy', 1],
  [/^(?:W|watts?)\s*(?:\/|per)\s*(?:m²|m2|sqm|square met(?:re|er))/, 'pd', 1],
  [/^kW\s*(?:\/|per)\s*(?:m²|m2|sqm)/, 'pd', 1000],
  [/^GWh\b/, 'energy', 1e6],
  [/^MWh\b/, 'energy', 1000],
  [/^MMBtu\b/, 'energy', 293.071],
  [/^kWh\b/, 'energy', 1],
  [/^MW\b/, 'power', 1000],
  [/^kW\b/, 'power', 1],
  [/^(?:%|per ?cent\b|pct\b)/, 'pct', 1],
  [/^(?:°C|° C|degC|degrees? C(?:elsius)?\b|°)/, 'temp', 1],
  [/^(?:h|hrs?|hours?)\b/, 'hours', 1],
  [/^days?\b/, 'days', 1],
  [/^(?:m²|m2|sqm|sq\.? ?m\b|square met(?:re|er)s?)/, 'area', 1],
  [/^(?:sq ?ft|ft²|square feet)/, 'area', 0.092903],
  [/^(?:x\b|×|times\b|-fold\b|fold\b)/, 'ratio', 1],
  [/^(?:th|st|nd|rd)\b/, 'none', 1],
  [/^(?:years?|yrs?)\b/, 'years', 1],
];

const MONEY_BEFORE = /(?:£|\$|€|USD ?|GBP ?|EUR ?)\s?$/;

/** Replace dates, timestamps, months and years with spaces so they are not read as numbers. */
export function blankDates(s: string): string {
  const blank = (x: string) => ' '.repeat(x.length);
  return s
    .replace(/\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?/g, blank)
    .replace(/\b\d{4}-\d{2}\b/g, blank)
    .replace(/\b(?:19|20)\d{2}\b(?!\s*(?:kWh|MWh|kW|h\b|hours|%|m²|days))/g, blank)
    .replace(/\b(?:r|R)(?:2|²)\b/g, blank)
    .replace(/\bCO2\b/g, blank)
    .replace(/\bb\d+\b|\bsyn\d+\b/g, blank)
    .replace(/\bQ[1-4]\b/g, blank);
}

export function extractNumbers(text: string): NumTok[] {
  const s = blankDates(text);
  const out: NumTok[] = [];
  const re = /(?<![\w.,])([-−]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?/g;
  for (let mt = re.exec(s); mt; mt = re.exec(s)) {
    const intPart = mt[2].replace(/,/g, '');
    const frac = mt[3] ?? '';
    let value = Number(intPart + frac);
    let place: number;
    if (frac) place = 10 ** -(frac.length - 1);
    else if (value >= 1000) {
      const tz = intPart.match(/0*$/)![0].length;
      const keep = Math.max(2, intPart.length - tz);
      place = 10 ** (intPart.length - keep);
    } else place = 1;
    let tol = place * 0.5 * 1.0001 + 1e-9;
    let end = mt.index + mt[0].length;
    let rest = s.slice(end);
    // multipliers
    const mul = rest.match(/^\s?(thousand|million|k)\b/);
    if (mul) {
      const f = mul[1] === 'million' ? 1e6 : 1e3;
      value *= f;
      tol *= f;
      end += mul[0].length;
      rest = s.slice(end);
    }
    let dim: Dim = 'none';
    let factor = 1;
    const lead = rest.match(/^\s?/)![0];
    const r2 = rest.slice(lead.length);
    for (const [ure, d, fct] of UNIT_TABLE) {
      const um = r2.match(ure);
      if (um) {
        dim = d;
        factor = fct;
        end += lead.length + um[0].length;
        break;
      }
    }
    const before = s.slice(Math.max(0, mt.index - 5), mt.index);
    if (MONEY_BEFORE.test(before)) dim = 'money';
    if (/^\s?(?:pounds|dollars|euros)\b/.test(rest)) dim = 'money';
    const sign = mt[1] ? -1 : 1;
    out.push({ raw: text.slice(mt.index, end), value: sign * value, tol, dim, base: sign * value * factor, baseTol: tol * factor, index: mt.index, end });
  }
  return out;
}

// ---------------------------------------------------------------- universe of explainable numbers

export interface Universe {
  byDim: Map<Dim, number[]>;
  all: number[];
}

const DIM_POOL: Record<Dim, Dim[]> = {
  energy: ['energy'],
  power: ['power'],
  pd: ['pd'],
  eui: ['eui'],
  pct: ['pct'],
  ratio: ['ratio', 'count'],
  count: ['count'],
  hours: ['hours'],
  days: ['days'],
  temp: ['temp'],
  slope: ['slope'],
  area: ['area'],
  money: [],
  years: [],
  none: [],
};

function daysInMonth(ym: string): number {
  const [y, mo] = ym.split('-').map(Number);
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

export function buildUniverse(f: Facts): Universe {
  const byDim = new Map<Dim, number[]>();
  const add = (d: Dim, ...vs: number[]) => {
    const k = d;
    if (!byDim.has(k)) byDim.set(k, []);
    for (const v of vs) if (Number.isFinite(v)) byDim.get(k)!.push(Math.abs(v));
  };
  for (let i = 0; i <= 12; i++) add('count', i);
  add('count', 24, 52, 365, 366, 8760, 168, 100, 1000, 7, 30, 31, 28, f.peers.n, f.peers.pct, f.anomalies.length, f.issues.length, f.meters.length, 1 - 0);
  add('hours', f.hours, 24, 168, 8760, 0);
  add('days', 365, 7, 52, f.hours / 24, 0);
  add('area', f.sqm);
  add('pct', 0, 100, f.peers.pct, 100 - f.peers.pct, 50);
  add('eui', f.peers.median);
  add('ratio', f.peers.pct / 100);
  for (const v of Object.values(f.metadata)) {
    const n = Number(v);
    if (Number.isFinite(n)) add('count', n);
  }
  // numbers quoted in issue messages (hours, percents, counts)
  for (const is of f.issues) {
    for (const t of extractNumbers(is.message)) {
      for (const d of ['hours', 'pct', 'count', 'days', 'energy'] as Dim[]) add(d, t.base);
      if (t.dim === 'hours') add('days', t.base / 24);
    }
  }
  let sumAnnual = 0;
  let sumTotal = 0;
  for (const m of f.meters) {
    sumAnnual += m.annual;
    sumTotal += m.total;
    const mean = m.annual / 8760;
    add(
      'energy',
      m.total,
      m.annual,
      m.annual - m.total,
      m.annual / 12,
      m.total / 12,
      m.annual / 365,
      m.total / 365,
      m.annual / 52,
      m.total / 52,
      m.base * 24,
      m.base * 8760,
      m.base * 24 * 7,
      m.peak * 24,
    );
    if (m.valid > 0) add('energy', (m.total / m.valid) * 24, m.total / (m.valid / 24 / 7));
    const mk = m.monthly.map((x) => x.kwh);
    if (mk.length) {
      const mx = Math.max(...mk);
      const mn = Math.min(...mk);
      add(
        'energy',
        ...mk,
        mx - mn,
        mk.reduce((a, b) => a + b, 0),
        mk.reduce((a, b) => a + b, 0) / mk.length,
      );
      add('ratio', mn > 0 ? mx / mn : Number.NaN, mx > 0 ? mn / mx : Number.NaN);
      add('pct', mn > 0 ? (mx / mn - 1) * 100 : Number.NaN, ...mk.map((k) => (k / m.annual) * 100), ...mk.map((k) => (k / m.total) * 100));
      for (const x of m.monthly) add('energy', x.kwh / daysInMonth(x.month));
    }
    add('power', m.base, m.peak, mean, m.valid > 0 ? m.total / m.valid : mean, m.peak - m.base, mean - m.base);
    add('pd', (m.base * 1000) / f.sqm, (m.peak * 1000) / f.sqm, (mean * 1000) / f.sqm);
    add('eui', m.eui, m.total / f.sqm, m.eui - f.peers.median);
    add('pct', m.cov * 100, (1 - m.cov) * 100, (m.zeroH / m.expected) * 100, (m.missingH / m.expected) * 100, (m.valid / m.expected) * 100, (m.gap / m.expected) * 100);
    add('pct', m.lf * 100, m.nd * 100, (1 - m.nd) * 100, (m.wdwe - 1) * 100, (1 - 1 / m.wdwe) * 100, m.wdwe * 100, (m.annual / m.total - 1) * 100);
    if (m.peak > 0) add('pct', (m.base / m.peak) * 100, ((m.peak - m.base) / m.peak) * 100);
    if (mean > 0) add('pct', (m.base / mean) * 100, ((m.base * 8760) / m.annual) * 100, (1 - (m.base * 8760) / m.annual) * 100);
    add('pct', (m.eui / f.peers.median - 1) * 100, (f.peers.median / m.eui - 1) * 100, (1 - m.eui / f.peers.median) * 100, m.r * m.r * 100, Math.abs(m.r) * 100);
    add('ratio', m.wdwe, m.nd, m.lf, m.r, m.r * m.r, m.cov, 1 / m.nd, 1 / m.wdwe, 1 / m.lf, m.eui / f.peers.median, f.peers.median / m.eui, m.annual / m.total);
    if (m.base > 0) add('ratio', m.peak / m.base, mean / m.base, m.base / m.peak);
    add('hours', m.expected, m.valid, m.missingH, m.zeroH, m.negativeH, m.gap, m.expected - m.valid);
    add('days', m.wDays, m.gap / 24, m.zeroH / 24, m.missingH / 24, m.valid / 24, (m.expected - m.valid) / 24, f.hours / 24 - m.wDays);
    add('count', m.outages, m.anomalyCount, m.wDays);
    add('slope', m.slope);
    add('ratio', m.r);
    if (m.cp) {
      const c = m.cp;
      add('temp', c.hbp ?? Number.NaN, c.cbp ?? Number.NaN);
      if (c.hbp !== undefined && c.cbp !== undefined) add('temp', c.cbp - c.hbp);
      add('slope', c.hs ?? Number.NaN, c.cs ?? Number.NaN);
      add('energy', c.base ?? Number.NaN, (c.base ?? Number.NaN) * 365, (c.base ?? Number.NaN) / 24);
      add('power', (c.base ?? Number.NaN) / 24);
      add('ratio', c.r2 ?? Number.NaN);
      add('pct', (c.r2 ?? Number.NaN) * 100);
      if (c.base) add('pct', ((c.base * 365) / m.annual) * 100);
    }
  }
  add('energy', sumAnnual, sumTotal);
  add('eui', sumAnnual / f.sqm);
  if (f.meters.length > 1) {
    const [e, g] = f.meters;
    add('ratio', g.annual / e.annual, e.annual / g.annual);
    add('pct', (g.annual / sumAnnual) * 100, (e.annual / sumAnnual) * 100, (g.annual / e.annual) * 100, (e.annual / g.annual) * 100);
    add('energy', Math.abs(g.annual - e.annual));
    add('eui', e.eui + g.eui);
  }
  for (const a of f.anomalies) {
    add('energy', a.actualKwh, a.expectedKwh, Math.abs(a.actualKwh - a.expectedKwh));
    add('pct', a.deviationPercent, a.expectedKwh > 0 ? (a.actualKwh / a.expectedKwh) * 100 : Number.NaN);
    if (a.expectedKwh > 0) add('ratio', a.actualKwh / a.expectedKwh);
    if (a.actualKwh > 0) add('ratio', a.expectedKwh / a.actualKwh);
    add('ratio', a.robustZ);
  }
  const all: number[] = [];
  for (const v of byDim.values()) all.push(...v);
  return { byDim, all };
}

export function matches(tok: { base: number; baseTol: number }, v: number): boolean {
  const tol = Math.max(tok.baseTol, Math.abs(v) * 1e-9);
  return Math.abs(Math.abs(tok.base) - Math.abs(v)) <= tol;
}

export function explained(tok: NumTok, ...us: Universe[]): boolean {
  if (tok.dim === 'money' || tok.dim === 'years') return false;
  if (tok.base === 0) return true;
  for (const u of us) {
    if (tok.dim === 'none') {
      if (u.all.some((v) => matches(tok, v))) return true;
      continue;
    }
    for (const d of DIM_POOL[tok.dim]) for (const v of u.byDim.get(d) ?? []) if (matches(tok, v)) return true;
  }
  return false;
}

export function makeUniverse(entries: [Dim, number][]): Universe {
  const byDim = new Map<Dim, number[]>();
  const all: number[] = [];
  for (const [d, v] of entries) {
    if (!Number.isFinite(v)) continue;
    if (!byDim.has(d)) byDim.set(d, []);
    byDim.get(d)!.push(Math.abs(v));
    all.push(Math.abs(v));
  }
  return { byDim, all };
}
