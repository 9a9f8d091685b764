/**
 * Writer D: the data block of a prompt, a seeded random source and the number formats
 * the answer writer uses. Node built-ins only; no project code.
 */

export interface Anomaly {
  meter: string;
  kind: string;
  date: string;
  actualKwh: number;
  expectedKwh: number;
  deviationPct: number;
  robustZ: number;
  actualMetric?: string;
  expectedMetric?: string;
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

export interface BuildingData {
  building: { id: string; primaryUse?: string; floorAreaSqm?: number | null; timezone?: string };
  period: { start: string; end: string; hours: number };
  meters: string[];
  metrics: Record<string, number>;
  anomalies: Anomaly[];
  dataIssues: DataIssue[];
  missing: MissingMetric[];
}

export interface PromptLine {
  buildingId: string;
  type: string;
  system: string;
  user: string;
}

const BEGIN = '<<<EAIO_BUILDING_DATA_BEGIN>>>';
const END = '<<<EAIO_BUILDING_DATA_END>>>';

export const parseDataBlock = (user: string): BuildingData => {
  const start = user.indexOf(BEGIN);
  const end = user.indexOf(END);
  if (start < 0 || end < start) throw new Error('prompt has no data block');
  const raw = JSON.parse(user.slice(start + BEGIN.length, end)) as Partial<BuildingData>;
  return {
    building: raw.building ?? { id: 'unknown' },
    period: raw.period ?? { start: '', end: '', hours: 0 },
    meters: raw.meters ?? [],
    metrics: raw.metrics ?? {},
    anomalies: raw.anomalies ?? [],
    dataIssues: raw.dataIssues ?? [],
    missing: raw.missing ?? [],
  };
};

/** mulberry32: small, seedable, good enough for picking phrasings. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from empty list');
    return items[Math.floor(this.next() * items.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

export const hashString = (text: string): number => {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
};

/** Round to `digits` significant figures. */
export const roundSig = (x: number, digits: number): number => {
  if (x === 0 || !Number.isFinite(x)) return x;
  const power = Math.floor(Math.log10(Math.abs(x)));
  const factor = 10 ** (digits - 1 - power);
  return Math.round(x * factor) / factor;
};

/** Decimals needed to show `x` with `digits` significant figures. */
export const decimalsFor = (x: number, digits: number): number => {
  if (x === 0) return 0;
  const power = Math.floor(Math.log10(Math.abs(x)));
  return Math.max(0, digits - 1 - power);
};

/** Fixed decimals with optional thousands separators. */
export const fixed = (x: number, decimals: number, separators: boolean): string => {
  const text = Math.abs(x).toFixed(decimals);
  const [whole, frac] = text.split('.');
  const grouped = separators ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : whole;
  return (x < 0 ? '-' : '') + grouped + (frac !== undefined ? `.${frac}` : '');
};

/** `x` with `digits` significant figures (never dropping integer digits). */
export const sig = (x: number, digits: number, separators = true): string => fixed(roundSig(x, digits), decimalsFor(roundSig(x, digits), digits), separators);

/** As the data block writes it, with separators on large numbers when asked. */
export const asData = (x: number, separators: boolean): string => {
  const text = String(x);
  if (!separators || Math.abs(x) < 10000) return text;
  const [whole, frac] = text.split('.');
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? `.${frac}` : '');
};

const SMALL = [
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

const under1000 = (n: number): string => {
  const parts: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) parts.push(`${SMALL[hundreds]} hundred`);
  if (rest > 0) {
    const words = rest < 20 ? SMALL[rest] : TENS[Math.floor(rest / 10)] + (rest % 10 ? `-${SMALL[rest % 10]}` : '');
    parts.push(hundreds > 0 ? `and ${words}` : words);
  }
  return parts.join(' ');
};

/** Non-negative integer in English words (British "and"). */
export const words = (n: number): string => {
  if (!Number.isInteger(n) || n < 0) throw new Error(`words(): ${n}`);
  if (n === 0) return 'zero';
  const parts: string[] = [];
  const millions = Math.floor(n / 1e6);
  const thousands = Math.floor((n % 1e6) / 1000);
  const rest = n % 1000;
  if (millions) parts.push(`${under1000(millions)} million`);
  if (thousands) parts.push(`${under1000(thousands)} thousand`);
  if (rest) parts.push(rest < 100 && parts.length > 0 ? `and ${under1000(rest)}` : under1000(rest));
  return parts.join(' ');
};

export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export const daysInMonth = (key: string): number => {
  const [y, m] = key.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};

export const monthLabel = (key: string): string => {
  const [y, m] = key.split('-').map(Number);
  return `${MONTH_NAMES[m - 1]} ${y}`;
};

export const isMissing = (data: BuildingData, name: string): boolean => data.missing.some((entry) => name === entry.metric || name.startsWith(`${entry.metric}.`));

/** Hours stated in a data issue message ("88 h with no valid reading …"). */
export const issueHours = (issue: DataIssue): number | undefined => {
  const match = /(\d+(?:\.\d+)?)\s*h\b/.exec(issue.message);
  return match ? Number(match[1]) : undefined;
};

export const issueDates = (issue: DataIssue): string[] => issue.message.match(/\d{4}-\d{2}-\d{2}/g) ?? [];

export const monthlyKeys = (data: BuildingData, meter: string): string[] =>
  Object.keys(data.metrics)
    .map((name) => new RegExp(`^${meter}\\.monthly\\.(\\d{4}-\\d{2})\\.kwh$`).exec(name)?.[1])
    .filter((key): key is string => key !== undefined)
    .sort();
