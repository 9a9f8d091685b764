/**
 * Writer C: data-block parsing, seeded randomness and number formatting.
 * Node built-ins only; imports no project code.
 */

export interface Anomaly {
  meter: string;
  kind: string;
  date: string;
  actualKwh: number;
  expectedKwh: number;
  deviationPct: number;
  robustZ: number;
  actualMetric: string;
  expectedMetric: string;
}

export interface DataIssue {
  kind: string;
  severity: string;
  message: string;
}

export interface MissingMetric {
  metric: string;
  reason: string;
}

export interface Block {
  id: string;
  primaryUse: string | null;
  sqm: number | null;
  timezone: string | null;
  period: { start: string; end: string; hours: number };
  meters: string[];
  metrics: Record<string, number>;
  anomalies: Anomaly[];
  issues: DataIssue[];
  missing: MissingMetric[];
}

export interface Prompt {
  buildingId: string;
  type: string;
  system: string;
  user: string;
}

const BEGIN = '<<<EAIO_BUILDING_DATA_BEGIN>>>';
const END = '<<<EAIO_BUILDING_DATA_END>>>';

/** The JSON between the data markers of a user message, read defensively. */
export function parseBlock(user: string): Block {
  const s = user.indexOf(BEGIN);
  const e = user.indexOf(END);
  if (s < 0 || e < 0) throw new Error('no data block in prompt');
  const raw = JSON.parse(user.slice(s + BEGIN.length, e)) as Record<string, any>;
  const b = raw.building ?? {};
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw.metrics ?? {})) {
    if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
  }
  const period = raw.period ?? {};
  return {
    id: String(b.id ?? 'unknown'),
    primaryUse: typeof b.primaryUse === 'string' ? b.primaryUse : null,
    sqm: typeof b.floorAreaSqm === 'number' ? b.floorAreaSqm : null,
    timezone: typeof b.timezone === 'string' ? b.timezone : null,
    period: { start: String(period.start ?? ''), end: String(period.end ?? ''), hours: Number(period.hours ?? 0) },
    meters: Array.isArray(raw.meters) ? raw.meters.map(String) : [],
    metrics,
    anomalies: Array.isArray(raw.anomalies) ? (raw.anomalies as Anomaly[]) : [],
    issues: Array.isArray(raw.dataIssues) ? (raw.dataIssues as DataIssue[]) : [],
    missing: Array.isArray(raw.missing)
      ? raw.missing.map((m: any) => (typeof m === 'string' ? { metric: m, reason: '' } : { metric: String(m.metric), reason: String(m.reason ?? '') }))
      : [],
  };
}

/** mulberry32 */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export type Rng = () => number;
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
export const chance = (rng: Rng, p: number): boolean => rng() < p;

/** Round to n significant figures. */
export function sig(v: number, n: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const d = Math.ceil(Math.log10(Math.abs(v)));
  const f = 10 ** (n - d);
  return Math.round(v * f) / f;
}

/** Decimals needed to print `v` rounded to n significant figures. */
export function sigDecimals(v: number, n: number): number {
  if (v === 0) return 0;
  const d = Math.ceil(Math.log10(Math.abs(v)));
  return Math.max(0, n - d);
}

/** Thousands separators on the integer part; keeps the given decimals. */
export function withCommas(v: number, decimals?: number): string {
  const neg = v < 0;
  const a = Math.abs(v);
  let s = decimals === undefined ? trimNum(a) : a.toFixed(decimals);
  const [i, f] = s.split('.');
  const ic = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  s = f !== undefined ? `${ic}.${f}` : ic;
  return (neg ? '-' : '') + s;
}

/** Shortest faithful decimal form (no exponent). */
export function trimNum(v: number): string {
  if (Number.isInteger(v)) return String(v);
  let s = v.toFixed(6);
  s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** A value as the data block gives it, with separators (4+ digit integers). */
export function exact(v: number): string {
  return withCommas(v);
}

/** n significant figures, printed with separators. */
export function sigStr(v: number, n: number): string {
  const r = sig(v, n);
  return withCommas(r, sigDecimals(v, n) > 0 ? sigDecimals(r, n) : 0);
}

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** English words for a non-negative integer below one billion (British "and"). */
export function intWords(n: number): string {
  if (n < 20) return ONES[n];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? '-' + ONES[n % 10] : '');
  if (n < 1000) {
    const r = n % 100;
    return ONES[Math.floor(n / 100)] + ' hundred' + (r ? ' and ' + intWords(r) : '');
  }
  if (n < 1_000_000) {
    const r = n % 1000;
    return intWords(Math.floor(n / 1000)) + ' thousand' + (r ? (r < 100 ? ' and ' : ' ') + intWords(r) : '');
  }
  const r = n % 1_000_000;
  return intWords(Math.floor(n / 1_000_000)) + ' million' + (r ? ' ' + intWords(r) : '');
}

/** "one point one million", "thirty-two thousand", "ninety-seven". */
export function approxWords(v: number): string {
  const a = Math.abs(v);
  if (a >= 1_000_000) {
    const m = sig(a / 1_000_000, 2);
    const [i, f] = trimNum(m).split('.');
    return (
      intWords(Number(i)) +
      (f
        ? ' point ' +
          f
            .split('')
            .map((d) => ONES[Number(d)])
            .join(' ')
        : '') +
      ' million'
    );
  }
  if (a >= 1000) {
    const k = Math.round(sig(a, 2) / 1000);
    return intWords(k) + ' thousand';
  }
  return intWords(Math.round(sig(a, 2)));
}

export function isoDay(s: string): string {
  return s.slice(0, 10);
}

export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function readJsonl<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
