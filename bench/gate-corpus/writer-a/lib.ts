// writer-a: shared helpers (RNG, parsing, number formatting, number words).
// Only Node built-ins; no imports from the project.

export function mulberry32(a: number) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export function hashStr(s: string): number {
  let h = 2166136261 >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
export class Rng {
  f: () => number;
  constructor(seed: number) {
    this.f = mulberry32(seed);
  }
  r() {
    return this.f();
  }
  int(n: number) {
    return Math.floor(this.f() * n);
  }
  pick<T>(a: T[]): T {
    return a[this.int(a.length)];
  }
  chance(p: number) {
    return this.f() < p;
  }
  range(a: number, b: number) {
    return a + (b - a) * this.f();
  }
  shuffle<T>(a: T[]): T[] {
    a = a.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

// ---------- data block ----------
export interface Anom {
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
export interface Issue {
  kind: string;
  severity: string;
  message: string;
  meter: string;
  hours?: number;
  from?: string;
  to?: string;
  pct?: number;
  runs?: number;
  totalH?: number;
  longestH?: number;
}
export interface Facts {
  id: string;
  type: string;
  use: string | null;
  sqm: number | null;
  meters: string[];
  m: Record<string, number>;
  anomalies: Anom[];
  issues: Issue[];
  missing: { metric: string; reason: string }[];
  start: string;
  end: string;
  hours: number;
}
const BEGIN = '<<<EAIO_BUILDING_DATA_BEGIN>>>',
  END = '<<<EAIO_BUILDING_DATA_END>>>';
export function parsePrompt(p: any): Facts {
  const u: string = p.user;
  const d = JSON.parse(u.slice(u.indexOf(BEGIN) + BEGIN.length, u.indexOf(END)));
  const issues: Issue[] = (d.dataIssues || []).map((i: any) => {
    const msg: string = i.message || '';
    const meter = (msg.match(/^(\w+):/) || [])[1] || 'electricity';
    const o: Issue = { kind: i.kind, severity: i.severity, message: msg, meter };
    let mm = msg.match(/([\d,]+) h with no valid reading from (\S+) to (\S+)/);
    if (mm) {
      o.hours = num(mm[1]);
      o.from = mm[2];
      o.to = mm[3];
    }
    mm = msg.match(/([\d.]+)% of hours/);
    if (mm) o.pct = Number(mm[1]);
    mm = msg.match(/(\d+) runs? of 24 h or more reading 0 \(([\d,]+) h in all; longest ([\d,]+) h from (\S+) to (\S+)\)/);
    if (mm) {
      o.runs = Number(mm[1]);
      o.totalH = num(mm[2]);
      o.longestH = num(mm[3]);
      o.from = mm[4];
      o.to = mm[5];
    }
    return o;
  });
  return {
    id: d.building.id,
    type: p.type,
    use: d.building.primaryUse ?? null,
    sqm: d.building.floorAreaSqm ?? null,
    meters: d.meters,
    m: d.metrics,
    anomalies: d.anomalies || [],
    issues,
    missing: d.missing || [],
    start: d.period.start,
    end: d.period.end,
    hours: d.period.hours,
  };
}
function num(s: string) {
  return Number(s.replace(/,/g, ''));
}

// ---------- number formatting ----------
export function commas(n: number, dp = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: dp, maximumFractionDigits: dp });
}
export function sigDecimals(n: number, s: number): number {
  if (n === 0) return 0;
  const d = Math.floor(Math.log10(Math.abs(n))) + 1;
  return Math.max(0, s - d);
}
export function roundSig(n: number, s: number): number {
  if (n === 0) return 0;
  const d = Math.floor(Math.log10(Math.abs(n))) + 1;
  const f = 10 ** (s - d);
  return Math.round(n * f) / f;
}
// n rounded to s significant figures, printed with commas
export function fsig(n: number, s: number, useCommas = true): string {
  const r = roundSig(n, s);
  const dp = sigDecimals(r, s);
  return useCommas ? commas(r, dp) : r.toFixed(dp);
}
export function fdp(n: number, dp: number, useCommas = true): string {
  return useCommas ? commas(n, dp) : n.toFixed(dp);
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
function under1000(n: number): string {
  const h = Math.floor(n / 100),
    r = n % 100;
  const parts: string[] = [];
  if (h) parts.push(ONES[h] + ' hundred');
  if (r) {
    const t = r < 20 ? ONES[r] : TENS[Math.floor(r / 10)] + (r % 10 ? '-' + ONES[r % 10] : '');
    parts.push(t);
  }
  return parts.join(' and ');
}
export function intWords(n: number): string {
  n = Math.round(n);
  if (n === 0) return 'zero';
  const parts: string[] = [];
  const mil = Math.floor(n / 1e6),
    th = Math.floor((n % 1e6) / 1000),
    rest = n % 1000;
  if (mil) parts.push(under1000(mil) + ' million');
  if (th) parts.push(under1000(th) + ' thousand');
  if (rest) parts.push((mil || th) && rest < 100 ? 'and ' + under1000(rest) : under1000(rest));
  return parts.join(' ');
}
// "one point four million" style, 2 significant figures
export function bigWords(n: number): string {
  if (n >= 1e6) {
    const r = roundSig(n / 1e6, 2);
    const [a, b] = r.toFixed(r >= 10 ? 0 : 1).split('.');
    return (b && b !== '0' ? intWords(Number(a)) + ' point ' + ONES[Number(b)] : intWords(Number(a))) + ' million';
  }
  return intWords(roundSig(n, 2));
}

// words -> digits (inverse of the above, for verification)
const WORDVAL: Record<string, number> = {};
ONES.forEach((w, i) => (WORDVAL[w] = i));
TENS.forEach((w, i) => {
  if (w) WORDVAL[w] = i * 10;
});
const NUMWORD =
  '(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million)';
const WORDSEQ = new RegExp(`\\b${NUMWORD}(?:(?:[\\s-]+|\\s+and\\s+|\\s+point\\s+)${NUMWORD})*\\b`, 'gi');
export function wordsToDigits(text: string): string {
  return text.replace(WORDSEQ, (m) => {
    const toks = m
      .toLowerCase()
      .split(/[\s-]+/)
      .filter((t) => t !== 'and');
    if (toks.every((t) => t === 'million' || t === 'thousand' || t === 'hundred')) return m;
    let total = 0,
      cur = 0,
      frac = '',
      inFrac = false,
      mult = 1;
    for (const t of toks) {
      if (t === 'point') {
        inFrac = true;
        continue;
      }
      if (inFrac && t in WORDVAL && WORDVAL[t] < 10) {
        frac += String(WORDVAL[t]);
        continue;
      }
      if (t === 'hundred') cur *= 100;
      else if (t === 'thousand') {
        total += cur * 1000;
        cur = 0;
      } else if (t === 'million') {
        if (inFrac || frac) {
          mult = 1e6;
        } else {
          total += cur * 1e6;
          cur = 0;
        }
      } else cur += WORDVAL[t];
    }
    let v = total + cur;
    if (frac) v = Number(`${total + cur}.${frac}`);
    v = v * mult;
    // keep precision info: emit with the digits implied
    if (mult === 1e6) return Number(`${total + cur}.${frac}`).toString() + ' million';
    return String(v);
  });
}

export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export function longDate(iso: string, us = false): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return us ? `${MONTHS[m - 1]} ${d}, ${y}` : `${d} ${MONTHS[m - 1]} ${y}`;
}
export function monthName(ym: string, withYear = true): string {
  const [y, m] = ym.split('-').map(Number);
  return withYear ? `${MONTHS[m - 1]} ${y}` : MONTHS[m - 1];
}
