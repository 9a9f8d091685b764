/**
 * Writer E — shared helpers: seeded randomness, number formatting, number words and the
 * parser for the building data block. Node built-ins only; no project code.
 */

export type AnalysisType = 'data-quality-triage' | 'building-diagnostic' | 'retrofit-plan';

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

export interface DataIssue {
  kind: string;
  severity: string;
  message: string;
}

export interface Missing {
  metric: string;
  reason: string;
}

export interface Building {
  id: string;
  primaryUse: string | null;
  floorAreaSqm: number | null;
  meters: string[];
  metrics: Record<string, number>;
  anomalies: Anomaly[];
  dataIssues: DataIssue[];
  missing: Missing[];
  /** The raw data block, parsed. */
  raw: Record<string, unknown>;
}

export interface PromptLine {
  buildingId: string;
  type: AnalysisType;
  system: string;
  user: string;
}

const BEGIN = '<<<EAIO_BUILDING_DATA_BEGIN>>>';
const END = '<<<EAIO_BUILDING_DATA_END>>>';

export function parseBuilding(user: string): Building {
  const a = user.indexOf(BEGIN);
  const b = user.indexOf(END);
  if (a < 0 || b < 0) throw new Error('no data block');
  const raw = JSON.parse(user.slice(a + BEGIN.length, b)) as Record<string, any>;
  return {
    id: raw.building.id,
    primaryUse: raw.building.primaryUse ?? null,
    floorAreaSqm: raw.building.floorAreaSqm ?? null,
    meters: raw.meters,
    metrics: raw.metrics,
    anomalies: raw.anomalies ?? [],
    dataIssues: raw.dataIssues ?? [],
    missing: raw.missing ?? [],
    raw,
  };
}

// ---------------------------------------------------------------- randomness

/** 32-bit FNV-1a of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Rng {
  private s: number;
  constructor(seed: number | string) {
    this.s = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
    if (this.s === 0) this.s = 0x9e3779b9;
  }
  /** mulberry32 */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from empty');
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = xs.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
  /** A child generator whose stream does not depend on how much of this one was used. */
  fork(label: string): Rng {
    return new Rng(hash32(`${this.s}:${label}`));
  }
}

// ---------------------------------------------------------------- numbers

/** Round to n significant figures. */
export function sig(v: number, n: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const d = Math.ceil(Math.log10(Math.abs(v)));
  const p = n - d;
  const m = 10 ** p;
  return Math.round(v * m) / m;
}

/** Decimal places needed to show v with n significant figures. */
function decimalsFor(v: number, n: number): number {
  if (v === 0) return 0;
  const d = Math.ceil(Math.log10(Math.abs(v)));
  return Math.max(0, n - d);
}

/** Thousands separators, at most `dp` decimals, trailing zeros trimmed. */
export function commas(v: number, dp = 2, sep = ','): string {
  const neg = v < 0;
  let s = Math.abs(v).toFixed(dp);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  const [i, f] = s.split('.');
  const ii = i.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  return (neg ? '-' : '') + ii + (f ? '.' + f : '');
}

/**
 * Sensible rounding for prose: integers above 1000 keep their digits (with commas);
 * other values keep `n` significant figures.
 */
export function nice(v: number, n = 3, sep = ','): string {
  if (Number.isInteger(v) && Math.abs(v) >= 100) return commas(v, 0, sep);
  if (Math.abs(v) >= 1000) return commas(Math.round(v), 0, sep);
  const r = sig(v, n);
  return commas(r, decimalsFor(r, n), sep);
}

/** Value as it appears in the data block (shortest faithful form), with commas. */
export function exact(v: number, sep = ','): string {
  if (Math.abs(v) >= 1000) return commas(v, 3, sep);
  return String(v);
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

/** English words for a non-negative integer below one billion. */
export function words(n: number, british = true): string {
  n = Math.round(Math.abs(n));
  if (n < 20) return ONES[n];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? '-' + ONES[n % 10] : '');
  if (n < 1000) {
    const rest = n % 100;
    return ONES[Math.floor(n / 100)] + ' hundred' + (rest ? (british ? ' and ' : ' ') + words(rest, british) : '');
  }
  if (n < 1_000_000) {
    const rest = n % 1000;
    return words(Math.floor(n / 1000), british) + ' thousand' + (rest ? (rest < 100 ? (british ? ' and ' : ' ') : ' ') + words(rest, british) : '');
  }
  const rest = n % 1_000_000;
  return words(Math.floor(n / 1_000_000), british) + ' million' + (rest ? ' ' + words(rest, british) : '');
}

/** Relative difference |a-b| / |b| (b = reference). */
export function relDiff(a: number, b: number): number {
  if (b === 0) return a === 0 ? 0 : Infinity;
  return Math.abs(a - b) / Math.abs(b);
}

export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const DAYS_IN_MONTH_2019 = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function monthName(ym: string): string {
  return MONTH_NAMES[Number(ym.slice(5, 7)) - 1];
}

/** Add days to a YYYY-MM-DD date. */
export function shiftDate(date: string, days: number): string {
  const d = new Date(date + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function readJsonl<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
