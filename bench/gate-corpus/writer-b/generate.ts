/* Independent gate-corpus writer "b".
 * Plays many language models answering building-energy prompts, good and bad, and labels them.
 * Node built-ins only. Usage:
 *   npx tsx bench/gate-corpus/writer-b/generate.ts --prompts P.jsonl --out OUT.jsonl --seed 7 [--per 20]
 */
import { readFileSync, writeFileSync } from 'node:fs';

// ---------------------------------------------------------------- args / rng
const argv = process.argv.slice(2);
function arg(name: string, def?: string): string {
  const i = argv.indexOf('--' + name);
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
  if (def === undefined) throw new Error(`missing --${name}`);
  return def;
}
const PROMPTS = arg('prompts');
const OUT = arg('out');
const SEED = Number(arg('seed', '7'));
const PER = Number(arg('per', '20'));
const QUIET = argv.includes('--quiet');

function hashStr(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) | 0;
    let t = Math.imul(this.a ^ (this.a >>> 15), 1 | this.a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  shuffle<T>(xs: T[]): T[] {
    const a = xs.slice();
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

// ---------------------------------------------------------------- data
type Anom = {
  meter: string;
  kind: string;
  date: string;
  actualKwh: number;
  expectedKwh: number;
  deviationPct: number;
  robustZ: number;
  actualMetric: string;
  expectedMetric: string;
};
type Issue = { kind: string; severity: string; message: string };
type Data = {
  building: { id: string; primaryUse: string | null; floorAreaSqm: number | null; timezone: string };
  period: { start: string; end: string; hours: number };
  meters: string[];
  metrics: Record<string, number>;
  anomalies: Anom[];
  dataIssues: Issue[];
  missing: { metric: string; reason: string }[];
};
type Prompt = { buildingId: string; type: string; system: string; user: string };
const BEGIN = '<<<EAIO_BUILDING_DATA_BEGIN>>>';
const END = '<<<EAIO_BUILDING_DATA_END>>>';
function parseData(user: string): Data {
  const a = user.indexOf(BEGIN),
    b = user.indexOf(END);
  return JSON.parse(user.slice(a + BEGIN.length, b));
}

type ParsedIssue = Issue & { meter: string; hours?: number; from?: string; to?: string; pct?: number; runs?: number; totalH?: number; longestH?: number; nums: number[] };
function parseIssue(i: Issue): ParsedIssue {
  const meter = (i.message.split(':')[0] || 'electricity').trim();
  const nums = (i.message.match(/\d[\d,]*(\.\d+)?/g) || []).map((s) => Number(s.replace(/,/g, '')));
  const dates = i.message.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/g) || [];
  const p: ParsedIssue = { ...i, meter, nums };
  if (i.kind === 'outage') {
    const m = i.message.match(/([\d,]+) h with no valid/);
    if (m) p.hours = Number(m[1].replace(/,/g, ''));
    p.from = dates[0];
    p.to = dates[1];
  } else if (i.kind === 'low-coverage') {
    const m = i.message.match(/([\d.]+)%/);
    if (m) p.pct = Number(m[1]);
  } else if (i.kind === 'zero-runs') {
    const m = i.message.match(/(\d+) runs.*?\(([\d,]+) h in all; longest ([\d,]+) h/);
    if (m) {
      p.runs = Number(m[1]);
      p.totalH = Number(m[2].replace(/,/g, ''));
      p.longestH = Number(m[3].replace(/,/g, ''));
    }
    p.from = dates[0];
    p.to = dates[1];
  }
  return p;
}

class Ctx {
  d: Data;
  m: Record<string, number>;
  id: string;
  type: string;
  meters: string[];
  hasGas: boolean;
  issues: ParsedIssue[];
  warnIssues: ParsedIssue[];
  top: Anom[];
  S: number[];
  year: number;
  constructor(public p: Prompt) {
    this.d = parseData(p.user);
    this.m = this.d.metrics;
    this.id = this.d.building.id;
    this.type = p.type;
    this.meters = this.d.meters;
    this.hasGas = this.meters.includes('gas') && this.m['gas.annualKwh'] !== undefined;
    this.issues = this.d.dataIssues.map(parseIssue);
    this.warnIssues = this.issues.filter((i) => i.severity === 'warning' || i.severity === 'critical');
    this.year = Number(this.d.period.start.slice(0, 4));
    // "largest" anomalies: union of top-3 by |robustZ| and top-3 by |actual-expected|
    const byZ = this.d.anomalies
      .slice()
      .sort((a, b) => Math.abs(b.robustZ) - Math.abs(a.robustZ))
      .slice(0, 3);
    const byK = this.d.anomalies
      .slice()
      .sort((a, b) => Math.abs(b.actualKwh - b.expectedKwh) - Math.abs(a.actualKwh - a.expectedKwh))
      .slice(0, 3);
    const set = new Set<Anom>([...byZ, ...byK]);
    this.top = this.d.anomalies.filter((a) => set.has(a));
    this.S = supportSet(this);
  }
  has(k: string): boolean {
    return this.m[k] !== undefined && !this.isMissing(k);
  }
  isMissing(k: string): boolean {
    return this.d.missing.some((x) => k === x.metric || k.startsWith(x.metric + '.'));
  }
  get cpMissing(): string[] {
    return this.d.missing.map((x) => x.metric);
  }
  get sqm(): number {
    return this.m['building.sqm'] ?? this.d.building.floorAreaSqm ?? NaN;
  }
}

// every figure a careful analyst may write, before unit scaling
function supportSet(c: Ctx): number[] {
  const S: number[] = [];
  const add = (...xs: number[]) => {
    for (const x of xs)
      if (Number.isFinite(x)) {
        S.push(x);
        S.push(Math.abs(x));
      }
  };
  const m = c.m;
  for (const v of Object.values(m)) add(v, v * 100);
  add(c.d.period.hours, c.d.period.hours / 24, c.year, c.year + 1, 12, 24, 7, 365, 366, 52);
  if (c.d.building.floorAreaSqm) add(c.d.building.floorAreaSqm);
  for (const a of c.d.anomalies) {
    add(a.actualKwh, a.expectedKwh, a.deviationPct * 100, a.robustZ, a.actualKwh - a.expectedKwh, a.actualKwh / a.expectedKwh, (a.actualKwh / a.expectedKwh) * 100);
    add(Number(a.date.slice(8, 10)));
  }
  for (const i of c.issues) {
    add(...i.nums);
    if (i.hours) add(i.hours / 24);
    if (i.longestH) add(i.longestH / 24);
    if (i.totalH) add(i.totalH / 24, (i.totalH / c.d.period.hours) * 100);
  }
  add(c.d.anomalies.length, c.issues.length, c.warnIssues.length, c.meters.length, c.top.length);
  for (const k of ['outage', 'zero-runs', 'low-coverage']) add(c.issues.filter((i) => i.kind === k).length);
  for (const mt of c.meters) {
    add(c.d.anomalies.filter((a) => a.meter === mt).length);
    const ann = m[`${mt}.annualKwh`];
    if (ann === undefined) continue;
    add(ann / 365, ann / c.d.period.hours, ann / 12, ann / 52);
    const bl = m[`${mt}.load.baseloadKw`],
      pk = m[`${mt}.load.peakKw`];
    if (bl !== undefined && pk !== undefined)
      add(bl / pk, (bl / pk) * 100, pk / bl, pk - bl, bl * c.d.period.hours, ((bl * c.d.period.hours) / ann) * 100, (bl * 1000) / c.sqm, (pk * 1000) / c.sqm);
    const cr = m[`${mt}.coverage.coverageRatio`];
    if (cr !== undefined) add((1 - cr) * 100, 1 - cr);
    for (const h of ['missingHours', 'zeroHours', 'longestGapHours', 'validHours']) {
      const v = m[`${mt}.coverage.${h}`];
      if (v !== undefined) add(v / 24, (v / c.d.period.hours) * 100);
    }
    const nd = m[`${mt}.load.nightDayRatio`],
      ww = m[`${mt}.load.weekdayWeekendRatio`];
    if (nd !== undefined) add(nd * 100, (1 - nd) * 100, (nd - 1) * 100);
    if (ww !== undefined) add((ww - 1) * 100, (1 - 1 / ww) * 100, 100 / ww);
    const months = Object.keys(m)
      .filter((k) => k.startsWith(`${mt}.monthly.`))
      .map((k) => m[k]);
    if (months.length) {
      const mx = Math.max(...months),
        mn = Math.min(...months);
      add(mx / mn, mx - mn, (mx / ann) * 100, (mn / ann) * 100, ann / months.length);
    }
    const eui = m[`${mt}.euiKwhPerSqm`],
      med = m['peers.medianEuiKwhPerSqm'];
    if (eui !== undefined && med !== undefined) add(eui - med, eui / med);
  }
  if (c.hasGas) {
    const e = m['electricity.annualKwh'],
      g = m['gas.annualKwh'];
    add(e + g, (e / (e + g)) * 100, (g / (e + g)) * 100, e / g, g / e, m['electricity.euiKwhPerSqm'] + m['gas.euiKwhPerSqm']);
  }
  if (m['peers.euiPercentile'] !== undefined) add(100 - m['peers.euiPercentile']);
  return S;
}

// ---------------------------------------------------------------- number formatting
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
function commas(s: string): string {
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  const [i, f] = s.split('.');
  const r = i.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + (f !== undefined ? r + '.' + f : r);
}
function roundSig(x: number, sf: number): number {
  if (x === 0) return 0;
  const e = Math.floor(Math.log10(Math.abs(x)));
  const f = 10 ** (sf - 1 - e);
  return Math.round(x * f) / f;
}
function sigDec(x: number, sf: number): number {
  if (x === 0) return 0;
  return Math.max(0, sf - 1 - Math.floor(Math.log10(Math.abs(x))));
}
function fmtSig(x: number, sf: number): string {
  const r = roundSig(x, sf);
  return commas(r.toFixed(sigDec(r, sf)));
}
// "exact" display: integers as integers; >=1000 → integer; 10..1000 → 1 dp; 1..10 → 2 dp; <1 → 3 sf
function fmtExact(x: number): string {
  const a = Math.abs(x);
  if (Number.isInteger(x)) return commas(String(x));
  if (a >= 1000) return commas(Math.round(x).toString());
  if (a >= 10) return commas(x.toFixed(1));
  if (a >= 1) return x.toFixed(2);
  return fmtSig(x, 3);
}
function fmtApprox(x: number): string {
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e6) return `${roundSig(x / 1e6, 2)} million`;
  if (a >= 100) return fmtSig(x, 2);
  if (a >= 10) return String(Math.round(x));
  if (a >= 1) return x.toFixed(1);
  return x.toFixed(2);
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
function words(n: number): string {
  n = Math.round(n);
  if (n < 0) return 'minus ' + words(-n);
  if (n < 20) return ONES[n];
  if (n < 100) return TENS[Math.floor(n / 10)] + (n % 10 ? '-' + ONES[n % 10] : '');
  if (n < 1000) return ONES[Math.floor(n / 100)] + ' hundred' + (n % 100 ? ' and ' + words(n % 100) : '');
  if (n < 1e6) return words(Math.floor(n / 1000)) + ' thousand' + (n % 1000 ? (n % 1000 < 100 ? ' and ' : ' ') + words(n % 1000) : '');
  return String(n);
}
function ordinal(n: number): string {
  const r = Math.round(n);
  const s = r % 100 >= 11 && r % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd', 'th', 'th', 'th', 'th', 'th', 'th'][r % 10];
  return `${r}${s}`;
}
function lc1(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
function gerund(s: string): string {
  return lc1(s).replace(/^([\w-]+)/, (x) => (/^(cut|shut|fit)$/.test(x) ? x + x.slice(-1) + 'ing' : x.endsWith('e') ? x.slice(0, -1) + 'ing' : x + 'ing'));
}
function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
function longDate(iso: string): string {
  const d = Number(iso.slice(8, 10));
  return `${d} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}
function shiftDate(iso: string, days: number): string {
  const t = Date.parse(iso.slice(0, 10) + 'T00:00:00Z') + days * 864e5;
  return new Date(t).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- styles
type Shape = 'prose' | 'terse' | 'verbose' | 'exec' | 'hedged' | 'numfirst' | 'colon' | 'chatty';
type Style = {
  name: string;
  shape: Shape;
  nums: 'exact' | 'approx' | 'mwh' | 'words';
  uk?: boolean;
  md?: boolean;
  slips?: boolean;
  derived?: boolean;
  wrap: 'compact' | 'pretty' | 'fence' | 'preamble' | 'fence-pre' | 'tab' | 'trailer';
};
const STYLES: Style[] = [
  { name: 'plain', shape: 'prose', nums: 'exact', wrap: 'compact' },
  { name: 'terse', shape: 'terse', nums: 'exact', wrap: 'compact' },
  { name: 'verbose-consultant', shape: 'verbose', nums: 'exact', wrap: 'pretty' },
  { name: 'executive', shape: 'exec', nums: 'approx', wrap: 'pretty' },
  { name: 'hedged', shape: 'hedged', nums: 'exact', wrap: 'pretty' },
  { name: 'british', shape: 'prose', nums: 'exact', uk: true, wrap: 'tab' },
  { name: 'numbers-first', shape: 'numfirst', nums: 'exact', wrap: 'compact' },
  { name: 'colon-list', shape: 'colon', nums: 'exact', wrap: 'pretty' },
  { name: 'numbers-in-words', shape: 'prose', nums: 'words', wrap: 'pretty' },
  { name: 'other-units', shape: 'prose', nums: 'mwh', derived: true, wrap: 'compact' },
  { name: 'approximate', shape: 'prose', nums: 'approx', wrap: 'pretty' },
  { name: 'markdown-in-strings', shape: 'prose', nums: 'exact', md: true, wrap: 'pretty' },
  { name: 'code-fenced', shape: 'prose', nums: 'exact', wrap: 'fence-pre' },
  { name: 'format-slips', shape: 'terse', nums: 'exact', slips: true, wrap: 'fence' },
  { name: 'derived-figures', shape: 'prose', nums: 'exact', derived: true, wrap: 'pretty' },
  { name: 'conversational', shape: 'chatty', nums: 'approx', uk: true, wrap: 'preamble' },
  { name: 'british-terse-mwh', shape: 'colon', nums: 'mwh', uk: true, wrap: 'trailer' },
];

// ---------------------------------------------------------------- writer (renders numbers, records claims)
type Ov = {
  num?: { metric: string; value: number };
  swap?: { metric: string; from: string };
  unit?: { metric: string; kind: 'kW' | 'MWh' | 'days' | 'eui-kWh' | 'peak-kWh' | 'ratio-as-pct' };
  dateShift?: { from: string; to: string; renameEvidence: boolean };
};
type Claim = { shown: string; truth: number; value: number; tol: number; src: string; wrong?: boolean };
type Ev = { metric: string; value: number | string; unit?: string };
type Finding = { title: string; detail: string; evidence: Ev[] };
type Rec = { action: string; rationale: string; estimatedAnnualSavingsKwh: number | null; estimatedSavingsPct: number | null; evidence: Ev[]; priority: 'high' | 'medium' | 'low' };
type Answer = { summary: string; findings: Finding[]; recommendations: Rec[]; dataIssuesAddressed: { issue: string; response: string }[]; confidence: number | string };

class W {
  used = new Set<string>();
  claims: Claim[] = [];
  constructor(
    public c: Ctx,
    public st: Style,
    public rng: Rng,
    public ov: Ov = {},
  ) {}
  get m() {
    return this.c.m;
  }
  val(k: string): number {
    if (this.ov.num && this.ov.num.metric === k) return this.ov.num.value;
    if (this.ov.swap && this.ov.swap.metric === k) return this.m[this.ov.swap.from];
    return this.m[k];
  }
  private isWrong(k: string): boolean {
    return this.ov.num?.metric === k || this.ov.swap?.metric === k;
  }
  private rec(shown: string, value: number, tol: number, k: string): string {
    this.used.add(k);
    this.claims.push({ shown, truth: this.m[k], value, tol, src: k, wrong: this.isWrong(k) });
    return shown;
  }
  pct(x: number): string {
    return this.st.uk ? `${x} per cent` : `${x}%`;
  }
  // energy (kWh)
  kwh(k: string): string {
    return this.kwhOf(this.val(k), k);
  }
  kwhOf(x: number, k: string): string {
    const u = this.ov.unit && this.ov.unit.metric === k ? this.ov.unit.kind : null;
    if (u === 'kW') return this.rec(`${fmtExact(x)} kW`, x, 0.5, k);
    if (u === 'MWh') return this.rec(`${commas(String(Math.round(x)))} MWh`, x, 0.5, k);
    const n = this.st.nums;
    if (n === 'approx') return this.rec(x === 0 ? '0 kWh' : `${this.rng.pick(['about', 'roughly', 'around', 'some'])} ${fmtApprox(x)} kWh`, x, 0, k);
    if (n === 'mwh') {
      if (Math.abs(x) >= 1e6) return this.rec(`${fmtSig(x / 1e6, 3)} GWh`, x, 0, k);
      if (Math.abs(x) >= 1e4) return this.rec(`${fmtSig(x / 1e3, 4)} MWh`, x, 0, k);
      if (Math.abs(x) >= 1e3) return this.rec(`${fmtSig(x / 1e3, 3)} MWh`, x, 0, k);
    }
    if (n === 'words' && Math.abs(x) >= 1e6) return this.rec(`${fmtSig(x / 1e6, 3)} million kWh`, x, 0, k);
    return this.rec(`${fmtExact(x)} kWh`, x, 0, k);
  }
  kw(k: string): string {
    const x = this.val(k);
    const u = this.ov.unit && this.ov.unit.metric === k ? this.ov.unit.kind : null;
    if (u === 'peak-kWh') return this.rec(`${fmtExact(x)} kWh`, x, 0, k);
    if (this.st.nums === 'approx') return this.rec(`about ${fmtApprox(x)} kW`, x, 0, k);
    if (this.st.nums === 'words' && x >= 20 && x < 1000 && Math.abs(x - Math.round(x)) / x < 0.004) return this.rec(`${words(x)} kW`, x, 0, k);
    return this.rec(`${fmtExact(x)} kW`, x, 0, k);
  }
  eui(k: string): string {
    const x = this.val(k);
    const u = this.ov.unit && this.ov.unit.metric === k ? this.ov.unit.kind : null;
    const unit = u === 'eui-kWh' ? 'kWh' : this.st.uk && this.rng.chance(0.5) ? 'kWh/m2' : 'kWh/m²';
    const s = this.st.nums === 'approx' ? `about ${fmtApprox(x)} ${unit}` : `${fmtExact(x)} ${unit}`;
    return this.rec(s, x, 0, k);
  }
  ratio(k: string, dec = 2): string {
    const x = this.val(k);
    const s = this.st.nums === 'approx' ? x.toFixed(Math.min(dec, 2)) : Math.abs(x) >= 1 ? x.toFixed(dec) : fmtSig(x, Math.max(3, dec));
    return this.rec(s, x, 0, k);
  }
  ratioPct(k: string): string {
    const x = this.val(k);
    if (this.ov.unit && this.ov.unit.metric === k && this.ov.unit.kind === 'ratio-as-pct') return this.rec(this.pct(Number(x.toFixed(3))), x, 0, k);
    return this.rec(this.pct(Number((x * 100).toFixed(this.st.nums === 'approx' ? 0 : 1))), x, 0, k);
  }
  hours(k: string): string {
    return this.hoursOf(this.val(k), k);
  }
  hoursOf(x: number, k: string): string {
    const u = this.ov.unit && this.ov.unit.metric === k ? this.ov.unit.kind : null;
    if (u === 'days') return this.rec(`${commas(String(x))} days`, x, 0, k);
    if (this.st.nums === 'words' && x < 1000) return this.rec(`${words(x)} hours`, x, 0, k);
    if (this.st.nums === 'mwh' && x >= 48) return this.rec(`${commas(String(x))} h (about ${Math.round(x / 24)} days)`, x, 0, k);
    return this.rec(`${commas(String(x))} ${this.rng.pick(['h', 'hours'])}`, x, 0, k);
  }
  count(k: string, one: string, many: string): string {
    return this.countOf(this.val(k), k, one, many);
  }
  countOf(n: number, k: string, one: string, many: string): string {
    const w = this.st.nums === 'words' || (this.st.shape === 'verbose' && n <= 12) ? words(n) : String(n);
    return this.rec(`${w} ${n === 1 ? one : many}`, n, 0, k);
  }
  num(k: string): string {
    const x = this.val(k);
    return this.rec(this.st.nums === 'approx' ? fmtApprox(x) : fmtExact(x), x, 0, k);
  }
  temp(k: string): string {
    const x = this.val(k);
    return this.rec(`${fmtExact(x)} °C`, x, 0, k);
  }
  date(iso: string): string {
    const d = this.ov.dateShift && this.ov.dateShift.from === iso ? this.ov.dateShift.to : iso;
    if (this.st.uk && this.rng.chance(0.6)) return `${longDate(d)} (${d})`;
    return d;
  }
  // derived figure (value computed from data)
  derived(x: number, unit: string, src: string, sf = 3): string {
    const s = this.st.nums === 'approx' ? `about ${fmtApprox(x)}` : fmtSig(x, sf);
    this.claims.push({ shown: s, truth: x, value: x, tol: 0, src: 'derived:' + src });
    return unit ? `${s} ${unit}` : s;
  }
  // evidence item, with style slips
  ev(k: string, unit: string, overrideValue?: number): Ev {
    let metric = k;
    if (this.ov.dateShift?.renameEvidence && k.includes(this.ov.dateShift.from)) metric = k.replace(this.ov.dateShift.from, this.ov.dateShift.to);
    const raw = overrideValue ?? this.m[k];
    const v = Number.isInteger(raw) ? raw : roundSig(raw, 4);
    if (this.st.slips && this.rng.chance(0.5)) {
      const parts = k.split('.');
      const slip = this.rng.int(0, 3);
      if (slip === 0 && parts[parts.length - 1].length > 4) metric = parts[parts.length - 1].replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
      else if (slip === 1 && parts.length > 2) metric = parts[0] + '.' + parts[parts.length - 1];
      else if (slip === 2) return { metric: parts.join('_'), value: String(v), unit };
      else return { metric, value: String(v), unit };
    }
    return { metric, value: v, unit };
  }
  pick<T>(o: Partial<Record<Shape, T>> & { prose: T }): T {
    const r = (o[this.st.shape] ?? o.prose) as T;
    if (typeof r === 'string' && this.st.shape === 'colon' && o.colon !== undefined && r.length > 30 && !/[.!?)]$/.test(r)) return (r + '.') as unknown as T;
    return r;
  }
  b(s: string): string {
    return this.st.md ? `**${s}**` : s;
  }
  list(items: string[]): string {
    return this.st.md ? items.map((i) => `\n- ${i}`).join('') : items.join(this.st.shape === 'colon' ? '; ' : ' ');
  }
}

const UNIT: Record<string, string> = {};
function unitOf(k: string): string {
  if (/annualKwh|totalKwh|monthly|actualKwh|expectedKwh/.test(k)) return 'kWh';
  if (/euiKwhPerSqm|medianEui/.test(k)) return 'kWh/m²';
  if (/Hours$/.test(k)) return 'h';
  if (/coverageRatio|loadFactor|Ratio$/.test(k)) return 'ratio';
  if (/outageCount/.test(k)) return 'outages';
  if (/Kw$/.test(k)) return 'kW';
  if (/PerDegC/.test(k)) return 'kWh/day/°C';
  if (/weather\.r$|r2$/.test(k)) return 'dimensionless';
  if (/BalancePointC/.test(k)) return '°C';
  if (/baseKwhPerDay/.test(k)) return 'kWh/day';
  if (/weather\.days/.test(k)) return 'days';
  if (/euiPercentile/.test(k)) return 'percentile';
  if (/groupSize/.test(k)) return 'buildings';
  if (/sqm/.test(k)) return 'm²';
  if (/anomalyCount/.test(k)) return 'count';
  return UNIT[k] ?? '';
}
function E(w: W, k: string, unit?: string): Ev {
  return w.ev(k, unit ?? unitOf(k));
}

// ---------------------------------------------------------------- shared sentences
function meterName(mt: string): string {
  return mt === 'gas' ? 'gas' : 'electricity';
}
function confLevel(x: number): 'high' | 'medium' | 'low' {
  return x >= 0.8 ? 'high' : x >= 0.6 ? 'medium' : 'low';
}
function baseConfidence(c: Ctx, st: Style): number {
  let x = 0.86;
  if (c.issues.some((i) => i.severity === 'info')) x -= 0.03;
  if (c.warnIssues.length) x -= 0.1;
  if (c.issues.some((i) => i.severity === 'critical' || i.kind === 'low-coverage')) x -= 0.17;
  if (c.d.missing.length) x -= 0.04;
  if (st.shape === 'hedged') x -= 0.06;
  return Math.round(x * 100) / 100;
}
function confSentence(w: W, x: number): string {
  const l = confLevel(x);
  const why = w.c.warnIssues.length ? (w.st.uk ? 'the metering gaps limit what can be said' : 'metering gaps limit the analysis') : 'the data are largely complete';
  return w.pick({
    prose: `Confidence is ${l === 'medium' ? 'moderate' : l} because ${why}.`,
    terse: `Confidence ${l}.`,
    exec: `Confidence: ${l}.`,
    colon: `Confidence: ${l} (${why}).`,
    hedged: `I would put confidence at ${l === 'medium' ? 'moderate' : l}, since ${why}.`,
    chatty: l === 'low' ? `I'm cautious here — ${why}.` : w.c.warnIssues.length ? `I'm reasonably comfortable with this, though ${why}.` : `I'm fairly comfortable here — ${why}.`,
  });
}

function coverageSentence(w: W, mt: string): string {
  const p = `${mt}.coverage.`;
  const M = cap(meterName(mt));
  const cov = w.ratioPct(p + 'coverageRatio');
  const valid = w.num(p + 'validHours');
  const exp = w.num(p + 'expectedHours');
  const miss = w.hours(p + 'missingHours');
  const zero = w.hours(p + 'zeroHours');
  const out = w.count(p + 'outageCount', 'outage', 'outages');
  const gap = w.hours(p + 'longestGapHours');
  return w.pick({
    prose: `${M} has valid readings for ${valid} of ${exp} hours (${cov} coverage), with ${miss} missing, ${zero} at zero and ${out}; the longest gap is ${gap}.`,
    terse: `${M}: ${cov} coverage, ${miss} missing, ${out}, longest gap ${gap}.`,
    verbose: `For the ${meterName(mt)} meter, ${valid} of the ${exp} expected hours carry a valid reading, which corresponds to ${cov} coverage. There are ${miss} missing and ${zero} reading zero, spread across ${out}, and the single longest gap runs to ${gap}.`,
    exec: `${M} data: ${cov} complete, ${out}.`,
    hedged: `${M} coverage looks like ${cov} (${valid} of ${exp} hours valid); there appear to be ${miss} missing and ${zero} at zero, with ${out} and a longest gap of ${gap}.`,
    numfirst: `${valid} of ${exp} ${meterName(mt)} hours are valid (${cov}); ${miss} missing, ${zero} zero, ${out}, ${gap} longest gap.`,
    colon: `${M} coverage: ${cov}; valid hours: ${valid} of ${exp}; missing: ${miss}; zero: ${zero}; outages: ${out}; longest gap: ${gap}`,
    chatty: `On ${meterName(mt)}, the meter gave us ${valid} good hours out of ${exp} — so ${cov} coverage — with ${out} and ${miss} missing.`,
  });
}

function consumptionSentence(w: W, mt: string): string {
  const M = meterName(mt);
  const e = w.kwh(`${mt}.annualKwh`);
  const i = w.eui(`${mt}.euiKwhPerSqm`);
  return w.pick({
    prose: `The building used ${e} of ${M} over the year, an intensity of ${i}.`,
    terse: `${cap(M)}: ${e}/yr, ${i}.`,
    verbose: `Across the twelve-month analysis window, metered ${M} consumption totalled ${e}, which equates to an energy use intensity of ${i} of floor area.`,
    exec: `${cap(M)}: ${e} a year (${i}).`,
    hedged: `Recorded ${M} use appears to be ${e} for the year, or roughly ${i}, subject to the coverage caveats.`,
    numfirst: `${e} of ${M} was consumed over the period — ${i}.`,
    colon: `Annual ${M}: ${e}; ${M} EUI: ${i}`,
    chatty: `The building got through ${e} of ${M} in the year, which works out at ${i}.`,
  });
}

function peerSentence(w: W): string {
  const med = w.eui('peers.medianEuiKwhPerSqm');
  const pc = w.val('peers.euiPercentile');
  w.claims.push({ shown: ordinal(pc), truth: w.m['peers.euiPercentile'], value: pc, tol: 0.5, src: 'peers.euiPercentile', wrong: w.ov.num?.metric === 'peers.euiPercentile' });
  w.used.add('peers.euiPercentile');
  const n = w.count('peers.groupSize', 'peer building', 'peer buildings');
  const hi = w.m['peers.euiPercentile'] >= 50;
  return w.pick({
    prose: `Against ${n}, it sits at the ${ordinal(pc)} percentile for EUI; the peer median is ${med}.`,
    terse: `Peers: ${ordinal(pc)} percentile of ${n}, median ${med}.`,
    verbose: `Benchmarked against a group of ${n}, the building ranks at the ${ordinal(pc)} percentile of energy use intensity, where the peer median is ${med}; it is therefore ${hi ? 'more' : 'less'} intensive than most comparable buildings.`,
    exec: `Benchmark: ${ordinal(pc)} percentile of ${n} (median ${med}).`,
    hedged: `Relative to ${n}, it seems to rank around the ${ordinal(pc)} percentile, with the peer median at ${med}.`,
    numfirst: `${ordinal(pc)} percentile among ${n}; peer median ${med}.`,
    colon: `Peer percentile: ${ordinal(pc)} of ${n}; peer median EUI: ${med}`,
    chatty: `Compared with ${n} it lands at the ${ordinal(pc)} percentile — the typical (median) peer is at ${med}.`,
  });
}

function loadSentence(w: W, mt: string): string {
  const p = `${mt}.load.`;
  const bl = w.kw(p + 'baseloadKw'),
    pk = w.kw(p + 'peakKw');
  const lf = w.ratio(p + 'loadFactor');
  const nd = w.ratio(p + 'nightDayRatio'),
    ww = w.ratio(p + 'weekdayWeekendRatio');
  const M = meterName(mt);
  let s = w.pick({
    prose: `${cap(M)} baseload is ${bl} against a peak of ${pk} (load factor ${lf}); the night/day ratio is ${nd} and the weekday/weekend ratio ${ww}.`,
    terse: `${cap(M)} load: base ${bl}, peak ${pk}, LF ${lf}, night/day ${nd}, wkday/wkend ${ww}.`,
    verbose: `The ${M} load profile shows a baseload of ${bl} and a peak demand of ${pk}, giving a load factor of ${lf}. Night-time consumption runs at ${nd} of the daytime level, and weekdays at ${ww} times weekends, which says a good deal about how the building is operated out of hours.`,
    exec: `${cap(M)} base ${bl}, peak ${pk}; night/day ${nd}.`,
    hedged: `The ${M} baseload appears to be ${bl} with a peak of ${pk}; a load factor of ${lf}, a night/day ratio of ${nd} and a weekday/weekend ratio of ${ww} suggest ${w.m[p + 'nightDayRatio'] > 0.7 ? 'substantial' : 'some'} out-of-hours running.`,
    numfirst: `${bl} ${M} baseload, ${pk} peak, ${lf} load factor, ${nd} night/day, ${ww} weekday/weekend.`,
    colon: `${cap(M)} baseload: ${bl}; peak: ${pk}; load factor: ${lf}; night/day ratio: ${nd}; weekday/weekend ratio: ${ww}`,
    chatty: `Load-wise, ${M} never drops below ${bl} and tops out at ${pk}. Night runs at ${nd} of day, and weekdays at ${ww}× weekends.`,
  });
  if (w.st.derived && !w.ov.num && !w.ov.swap && !w.ov.unit) {
    const share = (w.m[p + 'baseloadKw'] / w.m[p + 'peakKw']) * 100;
    s += ` That baseload is ${w.derived(share, w.st.uk ? 'per cent' : '%', 'baseload/peak', 2)} of peak`;
    if (w.st.nums === 'mwh') s += `, or ${w.derived((w.m[p + 'baseloadKw'] * 1000) / w.c.sqm, 'W/m²', 'baseload W/m2')} of floor area`;
    s += '.';
  }
  return s;
}

function weatherSentence(w: W, mt: string): string {
  const p = `${mt}.weather.`;
  const M = meterName(mt);
  const slope = w.val(p + 'slopeKwhPerDegC');
  w.used.add(p + 'slopeKwhPerDegC');
  const sl = w.st.nums === 'approx' ? fmtApprox(Math.abs(slope)) : fmtExact(Math.abs(slope));
  w.claims.push({ shown: sl, truth: Math.abs(w.m[p + 'slopeKwhPerDegC']), value: Math.abs(slope), tol: 0, src: p + 'slopeKwhPerDegC' });
  const r = w.ratio(p + 'r');
  const dir = slope < 0 ? 'rises' : 'rises';
  const colder = slope < 0 ? 'colder' : 'warmer';
  let s = w.pick({
    prose: `Daily ${M} use ${dir} by about ${sl} kWh for each degree ${colder} (r = ${r}).`,
    terse: `${cap(M)} weather slope ${slope < 0 ? '-' : ''}${sl} kWh/day/°C, r ${r}.`,
    verbose: `Regressing daily ${M} consumption on outdoor temperature gives a slope of ${sl} kWh per day per degree (use ${dir} as it gets ${colder}), with a correlation coefficient of ${r}.`,
    exec: `${cap(M)} is ${Math.abs(w.m[p + 'r']) > 0.7 ? 'strongly' : 'only loosely'} weather-driven (r ${r}).`,
    hedged: `${cap(M)} seems to respond to temperature at roughly ${sl} kWh/day per °C (r = ${r}), though the fit is ${Math.abs(w.m[p + 'r']) > 0.7 ? 'reasonable' : 'weak'}.`,
    colon: `${cap(M)} weather slope: ${sl} kWh/day/°C (${colder} → more use); correlation r: ${r}`,
    chatty: `Weather matters for ${M}: every degree ${colder} adds roughly ${sl} kWh a day (r = ${r}).`,
  });
  const cp = `${mt}.weather.changePoint`;
  if (w.c.isMissing(cp + '.r2')) {
    s +=
      ' ' +
      w.pick({
        prose: `No change-point model is available for ${M} (it did not beat the straight-line fit), so balance points are not reported.`,
        terse: `${cap(M)} change-point: unavailable.`,
        colon: `${cap(M)} change-point model: unavailable (straight line fits as well)`,
        chatty: `There's no change-point model for ${M} in the data, so I won't quote a balance point.`,
      });
  } else if (w.c.has(cp + '.heatingBalancePointC') && w.st.shape !== 'exec' && w.st.shape !== 'terse') {
    s +=
      ` The change-point model puts the heating balance point at ${w.temp(cp + '.heatingBalancePointC')}` +
      (w.c.has(cp + '.coolingBalancePointC') ? ` and the cooling balance point at ${w.temp(cp + '.coolingBalancePointC')}.` : '.');
  }
  return s;
}

function anomalyText(w: W, a: Anom): { title: string; detail: string } {
  const period = a.kind.startsWith('week') ? 'the week beginning' : '';
  const dt = w.date(a.date);
  const act = w.kwh(a.actualMetric),
    exp = w.kwh(a.expectedMetric);
  const dev = Math.abs(a.deviationPct * 100);
  const devS = w.st.nums === 'words' ? `${words(dev)} per cent` : w.pct(Number(dev.toFixed(w.st.nums === 'approx' ? 0 : 1)));
  w.claims.push({ shown: devS, truth: dev, value: dev, tol: 0.5, src: 'derived:deviationPct' });
  const hi = a.deviationPct > 0;
  const M = meterName(a.meter);
  const on = period ? `${period} ${dt}` : dt;
  const title = w.pick({
    prose: `${cap(M)} ${hi ? 'high' : 'low'} ${a.kind.startsWith('week') ? 'week' : 'day'} on ${dt}`,
    terse: `${a.meter} ${a.kind} ${dt}`,
    exec: `${cap(M)} ${hi ? 'spike' : 'dip'} ${dt}`,
    colon: `Anomaly: ${a.meter} ${a.kind}, ${dt}`,
    chatty: `That odd ${hi ? 'spike' : 'drop'} on ${dt}`,
  });
  const detail = w.pick({
    prose: `On ${on}, ${M} use was ${act} against an expected ${exp}, ${devS} ${hi ? 'above' : 'below'} the model.`,
    terse: `${act} actual vs ${exp} expected (${hi ? '+' : '-'}${devS}).`,
    verbose: `For ${on} the ${M} meter recorded ${act}, whereas the baseline model expected ${exp}; the deviation of ${devS} ${hi ? 'above' : 'below'} expectation is large enough to warrant investigation of ${hi ? 'plant left running or an unusual event' : 'a shutdown, holiday or metering fault'}.`,
    exec: `${act} vs ${exp} expected (${devS} ${hi ? 'over' : 'under'}).`,
    hedged: `It looks as though ${M} use on ${on} was ${act} versus an expected ${exp} — about ${devS} ${hi ? 'higher' : 'lower'}; this may reflect ${hi ? 'an event or plant left on' : 'a closure or a metering problem'}.`,
    numfirst: `${act} of ${M} was recorded on ${on}, against ${exp} expected (${devS} ${hi ? 'over' : 'under'}).`,
    colon: `Date: ${on}; actual: ${act}; expected: ${exp}; deviation: ${hi ? '+' : '-'}${devS}`,
    chatty: `On ${on} the ${M} meter read ${act} when we'd expect ${exp} — ${devS} ${hi ? 'too high' : 'short'}.`,
  });
  return { title, detail };
}

function issueResponse(w: W, i: ParsedIssue): string {
  const M = meterName(i.meter);
  const rec = (x: number, src: string, unit: string) => {
    const u = w.ov.unit && w.ov.unit.metric === src ? w.ov.unit.kind : null;
    const shown = u === 'days' ? `${commas(String(x))} days` : w.st.nums === 'words' && x < 1000 ? `${words(x)} ${unit === 'h' ? 'hours' : unit}` : `${commas(String(x))} ${unit}`;
    w.claims.push({ shown, truth: x, value: x, tol: 0, src });
    w.used.add(src);
    return shown;
  };
  if (i.kind === 'outage') {
    const h = rec(i.hours!, `issue:${i.message}:hours`, 'h');
    const from = i.from!.slice(0, 10),
      to = i.to!.slice(0, 10);
    const crit = i.severity === 'critical';
    return w.pick({
      prose: `The ${M} outage of ${h} (${from} to ${to}) should be excluded from baselines${crit ? ' and the annual total treated as incomplete' : ''}; check the logger for that window.`,
      terse: `Exclude ${h} gap ${from}–${to}${crit ? '; annual total incomplete' : ''}.`,
      verbose: `The ${h} ${M} outage between ${from} and ${to} ${crit ? 'is long enough to bias annual totals and seasonal comparisons, so it' : ''} should be excluded from baseline fitting${crit ? '' : ' (or infilled from comparable days)'}, and the data logger and communications link should be checked for the cause.`,
      exec: `${cap(M)} gap of ${h} (${from} to ${to}): exclude from baselines${crit ? ', treat totals as understated' : ''}.`,
      hedged: `The ${h} ${M} gap from ${from} to ${to} probably ought to be excluded from baselines; it may be worth checking the logger.`,
      colon: `Gap: ${h}, ${from} to ${to}; action: exclude from baselines${crit ? ', flag annual total as incomplete' : ''}, check logger`,
      chatty: `That ${h} hole in the ${M} data (${from} to ${to}) — I'd leave it out of any baseline${crit ? ' and not trust the annual total too far' : ''}.`,
    });
  }
  if (i.kind === 'low-coverage') {
    const pc = i.pct!;
    const shown = w.pct(pc);
    w.claims.push({ shown, truth: pc, value: pc, tol: 0, src: 'issue:low-coverage' });
    return w.pick({
      prose: `Only ${shown} of ${M} hours are valid, so annual figures understate use; normalise or annualise before benchmarking.`,
      terse: `${shown} valid — annualise before benchmarking.`,
      verbose: `With only ${shown} of ${M} hours carrying a valid reading, the raw annual total understates true consumption; any benchmark or savings figure should be annualised from the valid hours and flagged accordingly.`,
      colon: `Coverage: ${shown}; action: annualise from valid hours, flag benchmarks`,
      chatty: `Only ${shown} of the ${M} hours are usable, so treat the annual numbers as a floor rather than the real total.`,
    });
  }
  if (i.kind === 'zero-runs') {
    const tot = rec(i.totalH!, `issue:${i.message}:total`, 'h'),
      lg = rec(i.longestH!, `issue:${i.message}:longest`, 'h');
    return w.pick({
      prose: `The ${M} zero runs (${tot} in all, longest ${lg}) match a summer heating shutdown; keep them as genuine zero use rather than gaps.`,
      terse: `Zero runs (${tot}) = heating off; keep as real zeros.`,
      verbose: `The runs of zero ${M} readings, ${tot} in total with the longest lasting ${lg}, are consistent with heating being switched off; they should be retained as genuine zero consumption and not infilled, but it is worth confirming the shutdown dates with site staff.`,
      colon: `Zero runs: ${tot} total, longest ${lg}; action: keep as genuine zero consumption, confirm heating-off dates`,
      chatty: `The long stretches of zero ${M} (${tot} altogether, the longest ${lg}) look like the heating being off — fine to keep as real zeros.`,
    });
  }
  return `Review the ${i.kind} item and confirm with site staff before relying on the affected figures.`;
}

function dataIssues(w: W, all: boolean): { issue: string; response: string }[] {
  const list = all ? w.c.issues : w.c.warnIssues.concat(w.st.shape === 'verbose' ? w.c.issues.filter((i) => i.severity === 'info') : []);
  return list.map((i) => ({ issue: w.st.slips && w.rng.chance(0.3) ? i.kind.replace('-', ' ') : i.kind, response: issueResponse(w, i) }));
}

function wrapSummary(w: W, core: string, conf: number): string {
  let s = core;
  if (w.st.shape !== 'terse' || w.rng.chance(0.5)) s += (/[.!?]$/.test(s) ? ' ' : '. ') + confSentence(w, conf);
  return s;
}

// ---------------------------------------------------------------- type builders
type Build = { a: Answer; w: W };

function buildTriage(c: Ctx, st: Style, rng: Rng, ov: Ov, opts: { dropIssue?: number; noCoverage?: boolean } = {}): Build {
  const w = new W(c, st, rng, ov);
  const findings: Finding[] = [];
  if (!opts.noCoverage)
    for (const mt of c.meters) {
      const p = `${mt}.coverage.`;
      if (c.m[p + 'coverageRatio'] === undefined) continue;
      findings.push({
        title: w.b(`${cap(meterName(mt))} ${st.uk ? 'data completeness' : 'coverage'}`),
        detail: coverageSentence(w, mt),
        evidence: [E(w, p + 'coverageRatio'), E(w, p + 'validHours'), E(w, p + 'longestGapHours'), E(w, p + 'outageCount')].slice(0, st.shape === 'terse' ? 2 : 4),
      });
    }
  for (const mt of c.meters) {
    const z = c.m[`${mt}.coverage.zeroHours`];
    if (z && z >= 24)
      findings.push({
        title: `${cap(meterName(mt))} zero readings`,
        detail: w.pick({
          prose: `${cap(meterName(mt))} reads zero for ${w.hours(`${mt}.coverage.zeroHours`)}${mt === 'gas' ? ', consistent with heating being off in summer' : ', which should be confirmed as genuine rather than a stuck meter'}.`,
          colon: `${cap(meterName(mt))} zero hours: ${w.hours(`${mt}.coverage.zeroHours`)}`,
          numfirst: `${w.hours(`${mt}.coverage.zeroHours`)} of zero ${meterName(mt)} readings were logged.`,
        }),
        evidence: [E(w, `${mt}.coverage.zeroHours`)],
      });
  }
  // floor area + weather
  const wd = w.count('electricity.weather.days', 'day', 'days');
  const sq = w.num('building.sqm');
  let fw = w.pick({
    prose: `Floor area is available (${sq} m²), so intensities can be computed, and ${wd} of weather data support the temperature regression.`,
    terse: `Floor area ${sq} m²; weather ${wd}.`,
    colon: `Floor area: ${sq} m²; weather days: ${wd}`,
    chatty: `Good news: we have a floor area (${sq} m²) and ${wd} of weather.`,
    numfirst: `${sq} m² of floor area and ${wd} of weather data are available.`,
  });
  if (c.d.missing.length)
    fw +=
      ' ' +
      w.pick({
        prose: `The electricity change-point model is unavailable (no change-point model beat the straight line), so only the linear weather fit can be used.`,
        terse: `Change-point: unavailable.`,
        colon: `Change-point model: unavailable.`,
      });
  if (!c.hasGas && (st.shape === 'verbose' || st.shape === 'hedged')) fw += ' Gas: not applicable (electricity-only building).';
  findings.push({
    title: st.shape === 'colon' ? 'Floor area and weather: available' : 'Floor area and weather',
    detail: fw,
    evidence: [E(w, 'building.sqm'), E(w, 'electricity.weather.days')],
  });
  if (st.shape === 'verbose' || st.derived) {
    const n = w.countOf(c.d.anomalies.length, 'derived:anomalies', 'anomaly', 'anomalies');
    findings.push({
      title: 'Anomaly screening',
      detail: `The anomaly screen flagged ${n}; none of them prevents analysis, but they should be reviewed alongside the gaps.`,
      evidence: c.meters.filter((mt) => c.m[`${mt}.anomalyCount`] !== undefined).map((mt) => E(w, `${mt}.anomalyCount`)),
    });
  }
  let issues = dataIssues(w, true);
  if (opts.dropIssue !== undefined) issues = issues.filter((_, k) => k !== opts.dropIssue);
  const recs: Rec[] = [];
  if (c.warnIssues.length) {
    const worst = c.meters.slice().sort((a, b) => (c.m[`${a}.coverage.coverageRatio`] ?? 1) - (c.m[`${b}.coverage.coverageRatio`] ?? 1))[0];
    recs.push({
      action: w.pick({
        prose: `Check the ${meterName(worst)} data logger and backfill the missing intervals from the supplier's half-hourly data`,
        terse: `Backfill ${worst} gaps`,
        exec: `Fix ${worst} metering gaps`,
      }),
      rationale: `The ${meterName(worst)} gaps reduce coverage and bias annual totals; backfilling them improves every downstream figure.`,
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [E(w, `${worst}.coverage.coverageRatio`)],
      priority: c.issues.some((i) => i.severity === 'critical') ? 'high' : 'medium',
    });
  } else if (rng.chance(0.5)) {
    recs.push({
      action: 'Keep the current metering and monitoring arrangement',
      rationale: 'Coverage is complete enough for analysis; no data fix is needed beyond routine checks.',
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [E(w, 'electricity.coverage.coverageRatio')],
      priority: 'low',
    });
  }
  const minCov = Math.min(...c.meters.map((mt) => c.m[`${mt}.coverage.coverageRatio`] ?? 1));
  const verdict = minCov >= 0.95 ? 'fit for analysis' : minCov >= 0.85 ? 'usable for analysis with caveats' : 'only partly fit for analysis';
  const conf = baseConfidence(c, st);
  const core = w.pick({
    prose: `The meter data for ${c.id} is ${verdict}: ${c.issues.length ? `${w.countOf(c.issues.length, 'derived:issues', 'data issue needs', 'data issues need')} attention` : 'no data issues were flagged'}.`,
    terse: `${c.id}: ${verdict}.`,
    verbose: `Having reviewed coverage, outages, zero readings, floor area and weather availability for building ${c.id}, I consider the data ${verdict}. ${c.issues.length ? `There are ${w.countOf(c.issues.length, 'derived:issues', 'flagged issue', 'flagged issues')}, each addressed below.` : 'No data issues were flagged.'}`,
    exec: `Bottom line: ${c.id} data is ${verdict}.`,
    hedged: `On balance the data for ${c.id} seems ${verdict}, although ${c.issues.length ? 'the flagged issues' : 'routine checks'} should be kept in mind.`,
    colon: `Verdict for ${c.id}: ${verdict}`,
    chatty: `Short version: ${c.id}'s data is ${verdict}.`,
  });
  return { a: { summary: wrapSummary(w, core, conf), findings, recommendations: recs, dataIssuesAddressed: issues, confidence: conf }, w };
}

function buildDiagnostic(c: Ctx, st: Style, rng: Rng, ov: Ov, opts: { noAnoms?: boolean } = {}): Build {
  const w = new W(c, st, rng, ov);
  const f: Finding[] = [];
  let cons = consumptionSentence(w, 'electricity');
  if (c.hasGas) cons += ' ' + consumptionSentence(w, 'gas');
  else if (st.shape === 'verbose' || st.shape === 'colon')
    cons += st.shape === 'colon' ? ' Gas: N/A (electricity-only building).' : ' Gas: not applicable (electricity-only building).';
  if (st.derived && c.hasGas && !ov.num && !ov.swap && !ov.unit) {
    const e = c.m['electricity.annualKwh'],
      g = c.m['gas.annualKwh'];
    cons += ` Electricity is ${w.derived((e / (e + g)) * 100, st.uk ? 'per cent' : '%', 'elec share', 2)} of the combined total.`;
  }
  f.push({
    title: w.b('Annual consumption and intensity'),
    detail: cons,
    evidence: [E(w, 'electricity.annualKwh'), E(w, 'electricity.euiKwhPerSqm')].concat(c.hasGas ? [E(w, 'gas.annualKwh')] : []),
  });
  f.push({ title: 'Intensity against peers', detail: peerSentence(w), evidence: [E(w, 'peers.euiPercentile'), E(w, 'peers.medianEuiKwhPerSqm'), E(w, 'peers.groupSize')] });
  f.push({
    title: w.b('Electricity load shape'),
    detail: loadSentence(w, 'electricity'),
    evidence: ['baseloadKw', 'peakKw', 'loadFactor', 'nightDayRatio', 'weekdayWeekendRatio'].map((k) => E(w, 'electricity.load.' + k)),
  });
  let wx = weatherSentence(w, 'electricity');
  const wev = [E(w, 'electricity.weather.slopeKwhPerDegC'), E(w, 'electricity.weather.r')];
  if (c.hasGas) {
    wx += ' ' + weatherSentence(w, 'gas');
    wev.push(E(w, 'gas.weather.slopeKwhPerDegC'));
  }
  f.push({ title: 'Weather sensitivity', detail: wx, evidence: wev });
  if (!opts.noAnoms)
    for (const a of c.top) {
      const t = anomalyText(w, a);
      f.push({ title: t.title, detail: t.detail, evidence: [w.ev(a.actualMetric, 'kWh'), w.ev(a.expectedMetric, 'kWh')] });
    }
  const recs: Rec[] = [];
  if (!opts.noAnoms && c.top.length) {
    const a = c.top[0];
    recs.push({
      action: `Investigate the ${meterName(a.meter)} ${a.kind} on ${w.date(a.date)} with site staff`,
      rationale: `It is the largest deviation from the expected profile and may point to a control or metering fault.`,
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [w.ev(a.actualMetric, 'kWh')],
      priority: 'high',
    });
  }
  recs.push({
    action: w.pick({ prose: 'Review out-of-hours electrical loads against the baseload', terse: 'Audit night-time loads', exec: 'Target out-of-hours baseload' }),
    rationale: `Night-time use at ${w.ratio('electricity.load.nightDayRatio')} of daytime suggests equipment running when the building is empty.`,
    estimatedAnnualSavingsKwh: null,
    estimatedSavingsPct: null,
    evidence: [E(w, 'electricity.load.nightDayRatio'), E(w, 'electricity.load.baseloadKw')],
    priority: 'medium',
  });
  if (c.hasGas && rng.chance(0.6))
    recs.push({
      action: 'Check heating schedules and boiler controls',
      rationale: `Gas use tracks outdoor temperature (r = ${w.ratio('gas.weather.r')}), so control settings drive much of it.`,
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [E(w, 'gas.weather.r')],
      priority: 'low',
    });
  const conf = baseConfidence(c, st);
  const hi = c.m['peers.euiPercentile'] >= 50;
  const core = w.pick({
    prose: `Building ${c.id} uses ${w.kwh('electricity.annualKwh')} of electricity a year${c.hasGas ? ` plus ${w.kwh('gas.annualKwh')} of gas` : ''} and is ${hi ? 'above' : 'below'} the peer median intensity${opts.noAnoms ? '' : `; the largest anomalies are reviewed below`}.`,
    terse: `${c.id}: ${hi ? 'above' : 'below'}-median EUI; base/peak ${w.kw('electricity.load.baseloadKw')}/${w.kw('electricity.load.peakKw')}.`,
    verbose: `This diagnostic covers building ${c.id}'s consumption, intensity against peers, load shape and weather sensitivity. Electricity use of ${w.kwh('electricity.annualKwh')} places it ${hi ? 'above' : 'below'} the peer median, and the load profile points to ${c.m['electricity.load.nightDayRatio'] > 0.7 ? 'a high' : 'a moderate'} out-of-hours baseload.`,
    exec: `${c.id}: ${w.kwh('electricity.annualKwh')} electricity, ${hi ? 'above' : 'below'} peer median.`,
    hedged: `Building ${c.id} appears to be ${hi ? 'more' : 'less'} energy-intensive than the median peer, with a baseload that may be worth examining.`,
    numfirst: `${w.kwh('electricity.annualKwh')} of electricity in the year puts ${c.id} ${hi ? 'above' : 'below'} the peer median.`,
    colon: `Building: ${c.id}; electricity: ${w.kwh('electricity.annualKwh')}; position: ${hi ? 'above' : 'below'} peer median`,
    chatty: `Here's the picture for ${c.id}: ${w.kwh('electricity.annualKwh')} of electricity a year, ${hi ? 'above' : 'below'} what similar buildings use.`,
  });
  return { a: { summary: wrapSummary(w, core, conf), findings: f, recommendations: recs.slice(0, 3), dataIssuesAddressed: dataIssues(w, false), confidence: conf }, w };
}

type Measure = { key: string; meter: string; lo: number; hi: number; action: (w: W) => string; why: (w: W) => string; ev: string[]; pri: Rec['priority'] };
function measures(c: Ctx): Measure[] {
  const out: Measure[] = [];
  out.push({
    key: 'baseload',
    meter: 'electricity',
    lo: 4,
    hi: 8,
    pri: c.m['electricity.load.nightDayRatio'] > 0.7 ? 'high' : 'medium',
    ev: ['electricity.load.baseloadKw', 'electricity.load.nightDayRatio'],
    action: (w) =>
      w.pick({ prose: 'Cut out-of-hours electrical baseload with timed shutdown of plant and IT', terse: 'Shut down out-of-hours loads', exec: 'Switch off out-of-hours loads' }),
    why: (w) =>
      `Baseload of ${w.kw('electricity.load.baseloadKw')} and a night/day ratio of ${w.ratio('electricity.load.nightDayRatio')} show ${c.m['electricity.load.nightDayRatio'] > 0.6 ? 'substantial' : 'some'} consumption when the building should be quiet.`,
  });
  out.push({
    key: 'schedule',
    meter: 'electricity',
    lo: 2,
    hi: 5,
    pri: 'medium',
    ev: ['electricity.load.weekdayWeekendRatio'],
    action: (w) => w.pick({ prose: 'Tighten HVAC and lighting time schedules, including weekend setback', terse: 'Add weekend setback', exec: 'Re-time HVAC schedules' }),
    why: (w) => {
      const ww = c.m['electricity.load.weekdayWeekendRatio'];
      const r = w.ratio('electricity.load.weekdayWeekendRatio');
      return ww < 1.2
        ? `A weekday/weekend ratio of ${r} means weekends use nearly as much as weekdays.`
        : `A weekday/weekend ratio of ${r} still leaves weekend use at ${w.derived(100 / ww, w.st.uk ? 'per cent' : '%', 'weekend share', 2)} of the weekday level.`;
    },
  });
  out.push({
    key: 'lighting',
    meter: 'electricity',
    lo: 3,
    hi: 6,
    pri: 'low',
    ev: ['electricity.euiKwhPerSqm'],
    action: (w) =>
      w.pick({ prose: 'Upgrade remaining lighting to LED with occupancy and daylight controls', terse: 'Fit LED lighting and controls', exec: 'Upgrade lighting to LED' }),
    why: (w) => `Electricity intensity of ${w.eui('electricity.euiKwhPerSqm')} leaves room for lighting savings; the peer median is ${w.eui('peers.medianEuiKwhPerSqm')}.`,
  });
  if (c.hasGas)
    out.push({
      key: 'heating',
      meter: 'gas',
      lo: 5,
      hi: 12,
      pri: 'high',
      ev: ['gas.weather.slopeKwhPerDegC', 'gas.annualKwh'],
      action: (w) =>
        w.pick({
          prose: 'Optimise heating controls: weather compensation, optimum start and boiler sequencing',
          terse: 'Tune heating controls',
          exec: 'Optimise heating controls',
        }),
      why: (w) => `Gas use of ${w.kwh('gas.annualKwh')} rises with cold weather (r = ${w.ratio('gas.weather.r')}), so better control of heat delivery should cut it.`,
    });
  if (c.has('electricity.weather.changePoint.coolingSlopeKwhPerDegC'))
    out.push({
      key: 'cooling',
      meter: 'electricity',
      lo: 2,
      hi: 4,
      pri: 'low',
      ev: ['electricity.weather.changePoint.coolingSlopeKwhPerDegC'],
      action: () => 'Raise cooling set-points and review chiller sequencing',
      why: (w) => `Cooling load rises above ${w.temp('electricity.weather.changePoint.coolingBalancePointC')}, so set-point and sequencing changes reduce summer electricity.`,
    });
  return out;
}

function buildRetrofit(c: Ctx, st: Style, rng: Rng, ov: Ov, opts: { nullSavings?: boolean; anomFinding?: boolean } = {}): Build {
  const w = new W(c, st, rng, ov);
  const f: Finding[] = [];
  f.push({
    title: w.b('Intensity against peers'),
    detail: consumptionSentence(w, 'electricity') + ' ' + peerSentence(w),
    evidence: [E(w, 'electricity.annualKwh'), E(w, 'electricity.euiKwhPerSqm'), E(w, 'peers.medianEuiKwhPerSqm'), E(w, 'peers.euiPercentile')],
  });
  f.push({
    title: w.b('Out-of-hours load'),
    detail: loadSentence(w, 'electricity'),
    evidence: [E(w, 'electricity.load.baseloadKw'), E(w, 'electricity.load.peakKw'), E(w, 'electricity.load.nightDayRatio')],
  });
  if (c.hasGas)
    f.push({
      title: 'Heating demand',
      detail: consumptionSentence(w, 'gas') + ' ' + weatherSentence(w, 'gas'),
      evidence: [E(w, 'gas.annualKwh'), E(w, 'gas.weather.slopeKwhPerDegC'), E(w, 'gas.weather.r')],
    });
  else if (st.shape === 'verbose' || st.shape === 'hedged')
    f.push({
      title: 'Heating fuel',
      detail: 'Gas: not applicable (electricity-only building); heating measures are limited to electrical plant.',
      evidence: [E(w, 'electricity.weather.slopeKwhPerDegC')],
    });
  if (opts.anomFinding && c.top.length) {
    const a = c.top[0];
    const t = anomalyText(w, a);
    f.push({ title: t.title, detail: t.detail, evidence: [w.ev(a.actualMetric, 'kWh'), w.ev(a.expectedMetric, 'kWh')] });
  }
  const ms = measures(c);
  const chosen = rng.shuffle(ms).slice(0, Math.min(ms.length, st.shape === 'terse' || st.shape === 'exec' ? 2 : rng.int(2, 4)));
  const order = { high: 0, medium: 1, low: 2 };
  chosen.sort((a, b) => order[a.pri] - order[b.pri]);
  const recs: Rec[] = chosen.map((mz) => {
    const ann = c.m[`${mz.meter}.annualKwh`];
    const pct = rng.int(mz.lo, mz.hi) + (rng.chance(0.3) ? 0.5 : 0);
    const kwh = roundSig((pct / 100) * ann, 3);
    let rationale = mz.why(w);
    if (!opts.nullSavings && st.shape !== 'terse' && rng.chance(0.6)) {
      const ks = st.nums === 'mwh' && kwh >= 1e4 ? `${fmtSig(kwh / 1000, 3)} MWh` : st.nums === 'approx' ? `about ${fmtApprox(kwh)} kWh` : `${commas(String(kwh))} kWh`;
      rationale += ` Saving ${w.pct(pct)} of ${meterName(mz.meter)} use comes to ${ks} a year.`;
      w.claims.push({ shown: ks, truth: kwh, value: kwh, tol: 0, src: 'savings' });
    }
    return {
      action: mz.action(w),
      rationale,
      estimatedAnnualSavingsKwh: opts.nullSavings ? null : kwh,
      estimatedSavingsPct: opts.nullSavings ? null : pct,
      evidence: mz.ev.map((k) => E(w, k)),
      priority: mz.pri,
    };
  });
  const conf = baseConfidence(c, st);
  const hi = c.m['peers.euiPercentile'] >= 50;
  const core = w.pick({
    prose: `A ${recs.length}-measure plan for ${c.id}; the top priority is to ${lc1(recs[0].action)}. The building is ${hi ? 'above' : 'below'} the peer median intensity.`,
    terse: `${c.id} plan: ${recs.map((r) => lc1(r.action)).join('; ')}.`,
    verbose: `This prioritised plan for building ${c.id} draws on its load shape, weather sensitivity and peer position. The highest-priority measure is to ${lc1(recs[0].action)}, followed by ${recs.length - 1 === 1 ? 'one further measure' : 'further measures'} with realistic savings expressed against each meter's annual use.`,
    exec: `Priority for ${c.id}: ${lc1(recs[0].action)}.`,
    hedged: `For ${c.id}, the most promising option appears to be to ${lc1(recs[0].action)}; savings below are indicative.`,
    colon: `Plan for ${c.id}: ${recs.map((r) => lc1(r.action)).join('; ')}`,
    chatty: `Right — for ${c.id} I'd start by ${gerund(recs[0].action)}, then work down the list.`,
  });
  let summary = wrapSummary(w, core, conf);
  if (/\d-measure/.test(summary)) w.claims.push({ shown: String(recs.length), truth: recs.length, value: recs.length, tol: 0, src: 'derived:recs' });
  if (!opts.nullSavings && (st.shape === 'verbose' || st.shape === 'exec') && rng.chance(0.5)) summary += ' Cost estimates are outside this data.';
  return { a: { summary, findings: f, recommendations: recs, dataIssuesAddressed: dataIssues(w, false), confidence: conf }, w };
}

function buildFor(type: string, c: Ctx, st: Style, rng: Rng, ov: Ov, opts: any = {}): Build {
  if (type === 'data-quality-triage') return buildTriage(c, st, rng, ov, opts);
  if (type === 'building-diagnostic') return buildDiagnostic(c, st, rng, ov, opts);
  return buildRetrofit(c, st, rng, ov, opts);
}

// ---------------------------------------------------------------- serialisation
function serialise(a: Answer, st: Style, rng: Rng): string {
  let obj: any = a;
  if (st.slips && rng.chance(0.5)) obj = { ...a, confidence: confLevel(Number(a.confidence)) };
  const json = st.wrap === 'compact' ? JSON.stringify(obj) : st.wrap === 'tab' ? JSON.stringify(obj, null, '\t') : JSON.stringify(obj, null, 2);
  switch (st.wrap) {
    case 'fence':
      return '```json\n' + json + '\n```';
    case 'fence-pre':
      return rng.pick(['Here is the analysis as requested:', 'Below is the JSON object.', 'Analysis follows.']) + '\n\n```json\n' + json + '\n```';
    case 'preamble':
      return rng.pick(['Sure — here is my analysis.', 'Happy to help. My assessment:', 'Okay, here goes:']) + '\n' + json;
    case 'trailer':
      return json + '\n';
    default:
      return json;
  }
}
function extractJson(text: string): any {
  const f = text.match(/```(?:json)?\s*([\s\S]*?)```/);
  const s = f ? f[1] : text.slice(text.indexOf('{'));
  return JSON.parse(s);
}

// ---------------------------------------------------------------- verification (numbers in prose vs data)
type Tok = { raw: string; x: number; tol: number; pct: boolean; scale: number };
function stripNonNumbers(s: string): string {
  return s
    .replace(/\b[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)+/g, ' ') // metric names
    .replace(/\b[A-Za-z]+\d+\b/g, ' ') // building ids such as b41, syn0001
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/g, ' ')
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, ' ')
    .replace(/\b\d{4}-\d{2}\b/g, ' ')
    .replace(new RegExp(`\\b\\d{1,2} (${MONTHS.join('|')}) \\d{4}\\b`, 'g'), ' ')
    .replace(/kWh\/m2|m2\b/g, 'm²')
    .replace(/\b(\d+)(st|nd|rd|th)\b/g, '$1');
}
function tokens(s: string): Tok[] {
  const out: Tok[] = [];
  const re = /(-?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s*(?:million|thousand|MWh|GWh|%|per cent|percent)\b|\s*%)?/g;
  let mt: RegExpExecArray | null;
  const t = stripNonNumbers(s);
  while ((mt = re.exec(t))) {
    const int = mt[2].replace(/,/g, ''),
      dec = mt[3] || '';
    const x = Number((mt[1] || '') + int + dec);
    let tol = 0;
    if (dec) tol = 0.5 * 10 ** -(dec.length - 1);
    else {
      const z = (int.match(/0+$/) || [''])[0].length;
      tol = z && int !== '0' ? 0.5 * 10 ** Math.min(z, int.length - 1) : 0.5;
    }
    const u = (mt[4] || '').trim();
    const scale = u === 'million' ? 1e6 : u === 'thousand' ? 1e3 : u === 'MWh' ? 1e3 : u === 'GWh' ? 1e6 : 1;
    out.push({ raw: mt[0], x, tol, pct: /%|per ?cent/.test(u), scale });
  }
  return out;
}
function supported(tok: Tok, S: number[]): boolean {
  const x = tok.x * tok.scale,
    tol = tok.tol * tok.scale;
  const cands = tok.pct ? [x, x / 100] : [x];
  const tolsFor = (v: number) => (v === x ? tol : tol / 100);
  for (const v of cands) {
    const tl = tolsFor(v) + 1e-9 * Math.abs(v) + 1e-12;
    for (const s of S) if (Math.abs(s - v) <= tl) return true;
  }
  return false;
}
function answerStrings(a: any, text: string): string[] {
  const out: string[] = [];
  const pre = text.slice(0, text.indexOf('{'));
  if (pre.trim()) out.push(pre);
  const walk = (o: any, key = '') => {
    if (typeof o === 'string') {
      if (!['metric', 'priority', 'issue'].includes(key)) out.push(o);
    } else if (Array.isArray(o)) o.forEach((x) => walk(x, key));
    else if (o && typeof o === 'object')
      for (const [k, v] of Object.entries(o)) {
        if (k === 'value' || k === 'unit') continue;
        walk(v, k);
      }
  };
  walk(a);
  return out;
}
function unsupportedNumbers(text: string, c: Ctx): string[] {
  const a = extractJson(text);
  const S = c.S.slice();
  for (const r of a.recommendations || []) {
    if (typeof r.estimatedSavingsPct === 'number') S.push(r.estimatedSavingsPct);
    if (typeof r.estimatedAnnualSavingsKwh === 'number') S.push(r.estimatedAnnualSavingsKwh);
  }
  S.push((a.recommendations || []).length, (a.findings || []).length);
  const bad: string[] = [];
  for (const s of answerStrings(a, text)) for (const t of tokens(s)) if (!supported(t, S)) bad.push(t.raw.trim());
  return bad;
}
function normName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}
function badEvidence(text: string, c: Ctx): string[] {
  const a = extractJson(text);
  const out: string[] = [];
  const items: any[] = [];
  for (const f of a.findings || []) items.push(...(f.evidence || []));
  for (const r of a.recommendations || []) items.push(...(r.evidence || []));
  for (const e of items) {
    const v = Number(e.value);
    const n = normName(e.metric);
    const keys = Object.keys(c.m).filter(
      (k) => normName(k) === n || normName(k).endsWith(n) || (n.startsWith(normName(k.split('.')[0])) && normName(k).endsWith(n.slice(normName(k.split('.')[0]).length))),
    );
    if (!keys.length) {
      out.push(`unknown metric ${e.metric}`);
      continue;
    }
    if (!keys.some((k) => Math.abs(c.m[k] - v) <= Math.abs(c.m[k]) * 0.0006 + 1e-9)) out.push(`${e.metric}=${e.value}`);
  }
  return out;
}
function structuralProblems(text: string, c: Ctx, type: string): string[] {
  const a = extractJson(text);
  const p: string[] = [];
  if (typeof a.summary !== 'string' || a.summary.length < 20) p.push('summary');
  if (!Array.isArray(a.findings) || !a.findings.length) p.push('findings');
  const conf = typeof a.confidence === 'number' ? a.confidence : ({ high: 0.85, medium: 0.7, low: 0.5 } as any)[a.confidence];
  if (!(conf >= 0 && conf <= 1)) p.push('confidence');
  const addressed = new Set((a.dataIssuesAddressed || []).map((x: any) => String(x.issue).replace(' ', '-')));
  const need = type === 'data-quality-triage' ? c.issues : c.warnIssues;
  for (const i of need) if (!addressed.has(i.kind)) p.push('issue ' + i.kind);
  if (type === 'data-quality-triage' && need.length && (a.dataIssuesAddressed || []).length < need.length) p.push('issue count');
  if (type === 'data-quality-triage' && !JSON.stringify(a.findings).includes('coverage')) p.push('no coverage evidence');
  if (type === 'building-diagnostic') for (const an of c.top) if (!text.includes(an.date)) p.push('anomaly ' + an.date);
  if (type === 'retrofit-plan') {
    if ((a.recommendations || []).length < 2) p.push('recs<2');
    for (const r of a.recommendations || []) {
      const meter = JSON.stringify(r).includes('gas') && /heat|boiler|gas/i.test(r.action + r.rationale) ? 'gas' : 'electricity';
      const ann = c.m[`${meter}.annualKwh`];
      if (r.estimatedAnnualSavingsKwh === null || r.estimatedSavingsPct === null) {
        p.push('null savings');
        continue;
      }
      if (Math.abs((r.estimatedAnnualSavingsKwh / ann) * 100 - r.estimatedSavingsPct) > 0.02 * r.estimatedSavingsPct + 0.01) p.push('pct/kWh mismatch');
      if (r.estimatedSavingsPct > 30) p.push('pct too high');
    }
  }
  return p;
}

// ---------------------------------------------------------------- defects
const DEFECTS = [
  'wrong-number-prose',
  'wrong-number-evidence',
  'unit-confusion',
  'metric-swap',
  'anomaly-wrong-date',
  'invented-anomaly',
  'impossible-value',
  'field-contradiction',
  'generic-advice',
  'wrong-analysis-type',
  'other-building',
  'soft-refusal',
  'incomplete',
  'missing-metric-value',
  'wrong-derived-figure',
  'wrong-count',
] as const;
type Defect = (typeof DEFECTS)[number];
function applicable(d: Defect, c: Ctx): boolean {
  if (d === 'anomaly-wrong-date') return c.type !== 'data-quality-triage' && c.top.length > 0;
  if (d === 'missing-metric-value') return c.d.missing.length > 0 || !c.hasGas;
  return true;
}

function wrongValue(x: number, c: Ctx, rng: Rng, fmt: (v: number) => string, integer = false): number {
  const factors = rng.shuffle([0.45, 0.55, 0.62, 0.7, 1.32, 1.45, 1.6, 1.75, 2.1, 2.6]);
  for (const f of factors) {
    let v = x * f;
    v = integer ? Math.max(0, Math.round(v)) : roundSig(v, Math.abs(x) >= 100 ? 3 : 3);
    if (integer && v === x) v = x + rng.int(2, 5);
    const toks = tokens(fmt(v));
    if (!toks.length) continue;
    if (toks.every((t) => !supported(t, c.S)) && c.S.every((s) => Math.abs(s - v) > 0.04 * Math.abs(v))) return v;
  }
  return integer ? x * 3 + 7 : roundSig(x * 3.3, 3);
}

const GENERIC_FINDINGS: [string, string][] = [
  [
    'Lighting efficiency',
    'Lighting is typically one of the largest electrical loads in non-domestic buildings, and older fittings waste a significant share of their input as heat.',
  ],
  ['HVAC scheduling', 'Heating, ventilation and air-conditioning systems are frequently left running outside occupied hours, which is a common source of avoidable consumption.'],
  ['Building fabric', 'Poorly insulated walls, roofs and glazing increase heating demand, especially in older building stock.'],
  ['Occupant behaviour', 'Awareness campaigns can encourage staff to switch off equipment and report faults, delivering low-cost savings.'],
  ['Plug loads', 'IT equipment, vending machines and small power loads often stay on overnight and at weekends.'],
];
const GENERIC_RECS: [string, string][] = [
  ['Install LED lighting throughout', 'LED lamps use substantially less energy than fluorescent or halogen equivalents and last longer.'],
  ['Fit smart thermostats and zone controls', 'Better control of heating and cooling reduces waste in unoccupied areas.'],
  ['Commission a full energy audit', 'A professional audit identifies the measures with the best payback.'],
  ['Improve insulation and draught-proofing', 'Reducing heat loss lowers heating demand year-round.'],
  ['Consider on-site solar PV', 'Renewable generation offsets grid electricity and reduces carbon emissions.'],
];

type Made = { text: string; defect: Defect | 'none'; check: (text: string) => string | null };

function makeBad(d: Defect, c: Ctx, st: Style, rng: Rng, seed: number, others: Ctx[]): Made {
  const type = c.type;
  const fresh = (ov: Ov = {}, opts: any = {}, t = type, cc = c) => buildFor(t, cc, st, new Rng(seed), ov, opts);
  const unsupportedCheck = (want: boolean) => (text: string) => {
    const u = unsupportedNumbers(text, c);
    return want ? (u.length ? null : 'expected unsupported number') : null;
  };
  switch (d) {
    case 'wrong-number-prose': {
      const probe = fresh();
      const targets = [...probe.w.used].filter(
        (k) => c.m[k] !== undefined && !/coverageRatio|percentile|outageCount|groupSize|weather\.days|anomalyCount/.test(k) && Math.abs(c.m[k]) > 0.05 && !(c.m[k] === 0),
      );
      if (rng.chance(0.35) || !targets.length) {
        // an extra sentence in one of several shapes, with a wrong figure
        const a = probe.a;
        const mt = rng.pick(c.meters.filter((x) => c.m[`${x}.annualKwh`] !== undefined));
        const opts: [string, number, (v: number) => string][] = [
          [`${mt}.load.peakKw`, c.m[`${mt}.load.peakKw`], (v) => `${cap(meterName(mt))} demand tops out at ${fmtExact(v)} kW.`],
          [`${mt}.annualKwh`, c.m[`${mt}.annualKwh`], (v) => `Annual ${meterName(mt)}: ${commas(String(Math.round(v)))} kWh.`],
          [`${mt}.annualKwh`, c.m[`${mt}.annualKwh`], (v) => `Total ${meterName(mt)} use is estimated at roughly ${fmtSig(v / 1000, 2)} MWh.`],
          [`${mt}.load.baseloadKw`, c.m[`${mt}.load.baseloadKw`], (v) => `${fmtExact(v)} kW of ${meterName(mt)} baseload runs around the clock.`],
          [`${mt}.euiKwhPerSqm`, c.m[`${mt}.euiKwhPerSqm`], (v) => `That corresponds to ${fmtExact(v)} kWh/m² of ${meterName(mt)}.`],
          [`peers.medianEuiKwhPerSqm`, c.m['peers.medianEuiKwhPerSqm'], (v) => `The peer median EUI is ${fmtExact(v)} kWh/m².`],
        ];
        const [k, x, f] = rng.pick(opts);
        const isMwh = f(1).includes('MWh');
        const v = wrongValue(x, c, rng, (y) => (isMwh ? `${fmtSig(y / 1000, 2)} MWh` : fmtExact(y)), k.endsWith('Kwh') && !isMwh);
        const sentence = f(v);
        const fi = rng.int(0, a.findings.length - 1);
        if (rng.chance(0.5)) a.summary = sentence + ' ' + a.summary;
        else a.findings[fi].detail += ' ' + sentence;
        return {
          text: serialise(a, st, rng),
          defect: d,
          check: (t) => (t.includes(sentence.replace(/"/g, '\\"').slice(0, 20)) && unsupportedNumbers(t, c).length ? null : 'no wrong sentence'),
        };
      }
      for (const k of rng.shuffle(targets)) {
        const x = c.m[k];
        const v = wrongValue(x, c, rng, (y) => (st.nums === 'approx' ? fmtApprox(y) : fmtExact(y)), Number.isInteger(x) && Math.abs(x) > 20);
        const b = fresh({ num: { metric: k, value: v } });
        const text = serialise(b.a, st, rng);
        const shown = b.w.claims.filter((cl) => cl.wrong).map((cl) => cl.shown);
        if (!shown.some((sh) => text.includes(sh))) continue;
        if (st.nums !== 'words' && !unsupportedNumbers(text, c).length) continue;
        return { text, defect: d, check: () => null };
      }
      return makeBad('wrong-derived-figure', c, st, rng, seed, others);
    }
    case 'wrong-number-evidence': {
      const b = fresh();
      const items: Ev[] = [];
      for (const f of b.a.findings) items.push(...f.evidence);
      for (const r of b.a.recommendations) items.push(...r.evidence);
      const cands = items.filter((e) => Math.abs(Number(e.value)) > 0.05 && !/groupSize|weather\.days/.test(e.metric));
      const e = rng.pick(cands.length ? cands : items);
      const v = wrongValue(Number(e.value), c, rng, fmtExact, Number.isInteger(Number(e.value)) && Math.abs(Number(e.value)) > 20);
      e.value = typeof e.value === 'string' ? String(v) : v;
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (badEvidence(t, c).length ? null : 'evidence not wrong') };
    }
    case 'unit-confusion': {
      const probe = fresh();
      const used = [...probe.w.used];
      const opts: Ov['unit'][] = [];
      for (const k of used) {
        if (/annualKwh$/.test(k)) opts.push({ metric: k, kind: 'kW' }, { metric: k, kind: 'MWh' });
        if (/euiKwhPerSqm$/.test(k) && !k.startsWith('peers')) opts.push({ metric: k, kind: 'eui-kWh' });
        if (/peakKw$/.test(k)) opts.push({ metric: k, kind: 'peak-kWh' });
        if (/coverageRatio$/.test(k) && c.m[k] < 1) opts.push({ metric: k, kind: 'ratio-as-pct' });
        if ((/Hours$/.test(k) && c.m[k] > 0 && !/expectedHours|validHours/.test(k)) || /^issue:.*:(hours|total|longest)$/.test(k)) opts.push({ metric: k, kind: 'days' });
      }
      for (const u of rng.shuffle(opts)) {
        const b = fresh({ unit: u! });
        const text = serialise(b.a, st, rng);
        if (b.w.claims.some((cl) => cl.src === u!.metric && text.includes(cl.shown) && /kW\b|MWh|days|kWh\b|%|per cent/.test(cl.shown)))
          return { text, defect: d, check: () => null };
      }
      // nothing suitable in the prose: add a sentence with a unit error of its own
      const b = fresh();
      const mt = rng.pick(c.meters.filter((x) => c.m[`${x}.annualKwh`] !== undefined));
      const ann = c.m[`${mt}.annualKwh`];
      const extra = rng.pick([
        `The ${meterName(mt)} meter recorded ${commas(String(ann))} kW over the year.`,
        `Annual ${meterName(mt)} demand was ${commas(String(ann))} MWh.`,
        `${cap(meterName(mt))} intensity is ${fmtExact(c.m[`${mt}.euiKwhPerSqm`])} kWh per year in total.`,
        `The longest ${meterName(mt)} gap lasted ${commas(String(c.m[`${mt}.coverage.expectedHours`]))} days.`,
      ]);
      b.a.findings[rng.int(0, b.a.findings.length - 1)].detail += ' ' + extra;
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (t.includes(extra.slice(0, 20)) ? null : 'unit sentence missing') };
    }
    case 'metric-swap': {
      const probe = fresh();
      const pairs: [string, string][] = [
        ['electricity.load.baseloadKw', 'electricity.load.peakKw'],
        ['electricity.load.peakKw', 'electricity.load.baseloadKw'],
        ['electricity.load.nightDayRatio', 'electricity.load.weekdayWeekendRatio'],
        ['electricity.load.weekdayWeekendRatio', 'electricity.load.nightDayRatio'],
        ['electricity.load.loadFactor', 'electricity.load.nightDayRatio'],
        ['electricity.euiKwhPerSqm', 'peers.medianEuiKwhPerSqm'],
        ['peers.medianEuiKwhPerSqm', 'electricity.euiKwhPerSqm'],
        ['gas.annualKwh', 'electricity.annualKwh'],
        ['electricity.annualKwh', 'gas.annualKwh'],
        ['gas.load.baseloadKw', 'gas.load.peakKw'],
        ['gas.weather.r', 'electricity.weather.r'],
      ];
      for (const a of c.top) pairs.push([a.actualMetric, a.expectedMetric], [a.expectedMetric, a.actualMetric]);
      for (const mt of c.meters) {
        const p = `${mt}.coverage.`;
        pairs.push(
          [p + 'missingHours', p + 'zeroHours'],
          [p + 'zeroHours', p + 'missingHours'],
          [p + 'longestGapHours', p + 'zeroHours'],
          [p + 'missingHours', p + 'validHours'],
          [p + 'validHours', p + 'missingHours'],
          [p + 'outageCount', p + 'longestGapHours'],
          [p + 'zeroHours', p + 'validHours'],
        );
      }
      if (c.hasGas)
        pairs.push(
          ['gas.coverage.zeroHours', 'electricity.coverage.zeroHours'],
          ['electricity.coverage.zeroHours', 'gas.coverage.zeroHours'],
          ['gas.coverage.coverageRatio', 'electricity.coverage.coverageRatio'],
          ['electricity.coverage.coverageRatio', 'gas.coverage.coverageRatio'],
        );
      const ok = rng
        .shuffle(pairs)
        .filter(([t, s]) => probe.w.used.has(t) && c.m[s] !== undefined && Math.abs(c.m[t] - c.m[s]) > 0.12 * Math.max(Math.abs(c.m[t]), Math.abs(c.m[s])));
      for (const [t, s] of ok) {
        const b = fresh({ swap: { metric: t, from: s } });
        const text = serialise(b.a, st, rng);
        if (b.w.claims.some((cl) => cl.wrong && text.includes(cl.shown) && !b.w.claims.some((o) => !o.wrong && o.shown === cl.shown && o.src !== s)))
          return { text, defect: d, check: () => null };
      }
      return makeBad('wrong-number-prose', c, st, rng, seed, others);
    }
    case 'anomaly-wrong-date': {
      const a = type === 'retrofit-plan' ? c.top[0] : rng.pick(c.top);
      const dates = new Set(c.d.anomalies.map((x) => x.date));
      let to = '';
      for (const k of rng.shuffle([1, 2, 3, 5, 7, -1, -2, -3, -7, 10, 14, 30, -30])) {
        const cand = shiftDate(a.date, k);
        if (!dates.has(cand) && cand.startsWith(String(c.year))) {
          to = cand;
          break;
        }
      }
      if (!to) to = shiftDate(a.date, 11);
      const b = fresh({ dateShift: { from: a.date, to, renameEvidence: rng.chance(0.5) } }, { anomFinding: true });
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (t.includes(to) ? null : 'shifted date missing') };
    }
    case 'invented-anomaly': {
      const b = fresh();
      const dates = new Set(c.d.anomalies.map((x) => x.date));
      let date = '';
      for (let k = 0; k < 50 && !date; k++) {
        const cand = `${c.year}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
        if (!dates.has(cand)) date = cand;
      }
      const mt = rng.pick(c.meters.filter((x) => c.m[`${x}.load.baseloadKw`] > 0));
      const variant = rng.int(0, 2);
      let f: Finding;
      if (variant === 0)
        f = {
          title: `Unexplained ${meterName(mt)} spike on ${date}`,
          detail: `On ${date} ${meterName(mt)} demand jumped to its peak of ${fmtExact(c.m[`${mt}.load.peakKw`])} kW, well outside the normal profile; this looks like plant left running and should be investigated.`,
          evidence: [{ metric: `${mt}.load.peakKw`, value: c.m[`${mt}.load.peakKw`], unit: 'kW' }],
        };
      else if (variant === 1) {
        const mk = Object.keys(c.m).filter((k) => k.startsWith(`${mt}.monthly.`));
        const k = rng.pick(mk);
        const mon = k.split('.')[2];
        date = mon;
        f = {
          title: `Anomalous ${meterName(mt)} month ${mon}`,
          detail: `The anomaly screen flags ${MONTHS[Number(mon.slice(5, 7)) - 1]} ${mon.slice(0, 4)} as abnormal: ${meterName(mt)} use reached ${fmtExact(c.m[k])} kWh, far above the expected level for the month.`,
          evidence: [{ metric: k, value: c.m[k], unit: 'kWh' }],
        };
      } else
        f = {
          title: `Baseload step-change from ${date}`,
          detail: `An anomaly on ${date} marks a step increase in overnight ${meterName(mt)} load to ${fmtExact(c.m[`${mt}.load.baseloadKw`])} kW that persists for the rest of the year.`,
          evidence: [{ metric: `${mt}.load.baseloadKw`, value: c.m[`${mt}.load.baseloadKw`], unit: 'kW' }],
        };
      const pos = rng.int(1, b.a.findings.length);
      b.a.findings.splice(pos, 0, f);
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (t.includes(date) ? null : 'no invented anomaly') };
    }
    case 'impossible-value': {
      const b = fresh();
      let marker = '';
      if (type === 'retrofit-plan') {
        const r = rng.pick(b.a.recommendations);
        const meter = /heat|boiler/i.test(r.action) ? 'gas' : 'electricity';
        const ann = c.m[`${meter}.annualKwh`];
        const pct = rng.pick([115, 120, 135, 150, 180]);
        r.estimatedSavingsPct = pct;
        r.estimatedAnnualSavingsKwh = roundSig((pct / 100) * ann, 3);
        marker = String(pct);
        if (rng.chance(0.5)) r.rationale += ` This removes ${pct}% of current ${meterName(meter)} use.`;
      } else if (type === 'data-quality-triage') {
        const mt = rng.pick(c.meters);
        const v = rng.pick([103.4, 104.2, 108.9, 112.5, 101.7]);
        const f = b.a.findings.find((x) => /coverage|completeness/i.test(x.title)) ?? b.a.findings[0];
        f.detail += ` Taking the ${meterName(mt)} valid hours against the period, coverage works out at ${v}%, so no infilling is needed.`;
        marker = String(v);
      } else {
        const pct = rng.pick([110, 125, 140, 160]);
        const r = b.a.recommendations[b.a.recommendations.length - 1];
        r.rationale += ` Doing so could cut night-time consumption by ${pct}%.`;
        if (rng.chance(0.5)) {
          r.estimatedSavingsPct = pct;
          r.estimatedAnnualSavingsKwh = roundSig((pct / 100) * c.m['electricity.annualKwh'], 3);
        }
        marker = String(pct);
      }
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (t.includes(marker) ? null : 'no impossible value') };
    }
    case 'field-contradiction': {
      const b = fresh();
      const v = rng.int(0, type === 'retrofit-plan' ? 2 : 1);
      if (v === 0) {
        const hiConf = rng.chance(0.5);
        b.a.confidence = hiConf ? rng.pick([0.9, 0.92, 0.95]) : rng.pick([0.2, 0.25, 0.3]);
        b.a.summary = b.a.summary.replace(/(Confidence|I would put confidence|I'm fairly)[^.]*\./g, '').trim();
        b.a.summary += hiConf
          ? rng.pick([' Confidence in these findings is low given the data limitations.', ' Overall confidence is low.', ' Treat this as a low-confidence assessment.'])
          : rng.pick([' Confidence is high: the data are complete and unambiguous.', ' I am highly confident in these conclusions.']);
        return { text: serialise(b.a, st, rng), defect: d, check: () => null };
      }
      if (v === 1) {
        if (type === 'data-quality-triage' && c.issues.length) {
          b.a.summary =
            rng.pick([`The data for ${c.id} are complete with no gaps, outages or zero runs.`, `No data-quality issues were found for ${c.id}; the record is continuous.`]) +
            ' ' +
            b.a.summary.replace(/^[^.]*\./, '').trim();
        } else if (type === 'retrofit-plan') {
          const r = b.a.recommendations[0];
          r.rationale =
            r.rationale.replace(/ Saving [^.]*\./, '') +
            ` This should save roughly ${commas(String(roundSig((r.estimatedAnnualSavingsKwh as number) * rng.pick([0.25, 0.4, 2.5, 3]), 2)))} kWh a year.`;
        } else {
          const hi = c.m['peers.euiPercentile'] >= 50;
          b.a.summary = b.a.summary
            .replace(hi ? /above/ : /below/, hi ? 'below' : 'above')
            .replace(hi ? /more energy-intensive/ : /less energy-intensive/, hi ? 'less energy-intensive' : 'more energy-intensive');
          if (!/above|below|intensive/.test(b.a.summary))
            b.a.summary += hi ? ' The building is less intensive than most of its peers.' : ' The building is more intensive than most of its peers.';
        }
        return { text: serialise(b.a, st, rng), defect: d, check: () => null };
      }
      const r = b.a.recommendations[0];
      r.estimatedSavingsPct = Math.round((r.estimatedSavingsPct as number) * rng.pick([2.5, 3, 0.3]) * 10) / 10;
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (structuralProblems(t, c, type).includes('pct/kWh mismatch') ? null : 'no mismatch') };
    }
    case 'generic-advice': {
      const fs = rng.shuffle(GENERIC_FINDINGS).slice(0, rng.int(2, 3));
      const rs = rng.shuffle(GENERIC_RECS).slice(0, rng.int(2, 3));
      const typical = [10, 15, 20, 25, 30];
      const a: Answer = {
        summary: rng.pick([
          'Buildings of this kind typically offer several low-cost opportunities to reduce energy use through better controls, lighting upgrades and occupant engagement.',
          'Energy performance can usually be improved by addressing lighting, HVAC scheduling and the building fabric.',
          'This building, like most commercial properties, would benefit from standard efficiency measures.',
        ]),
        findings: fs.map(([t, de]) => ({
          title: t,
          detail: de,
          evidence: [{ metric: rng.pick(['industry benchmark', 'typical share', 'general']), value: rng.pick(typical), unit: '%' }],
        })),
        recommendations: rs.map(([ac, ra]) => {
          const p = rng.pick(typical);
          return {
            action: ac,
            rationale: ra,
            estimatedAnnualSavingsKwh: null,
            estimatedSavingsPct: type === 'retrofit-plan' ? p : null,
            evidence: [{ metric: 'typical savings', value: p, unit: '%' }],
            priority: rng.pick(['high', 'medium', 'low'] as const),
          };
        }),
        dataIssuesAddressed:
          c.issues.length && rng.chance(0.5) ? [{ issue: 'general', response: 'Ensure meters are regularly calibrated and data are collected consistently.' }] : [],
        confidence: rng.pick([0.6, 0.65, 0.7]),
      };
      return { text: serialise(a, st, rng), defect: d, check: () => null };
    }
    case 'wrong-analysis-type': {
      const t = rng.pick(['data-quality-triage', 'building-diagnostic', 'retrofit-plan'].filter((x) => x !== type));
      const b = fresh({}, t === 'building-diagnostic' && type === 'data-quality-triage' ? {} : {}, t);
      if (type === 'building-diagnostic' && t === 'retrofit-plan') {
        /* retrofit has no anomaly findings: misses the diagnostic's task */
      }
      return { text: serialise(b.a, st, rng), defect: d, check: () => null };
    }
    case 'other-building': {
      const pool = others.filter(
        (o) => o.id !== c.id && o.type === type && Math.abs(o.m['electricity.annualKwh'] - c.m['electricity.annualKwh']) > 0.2 * c.m['electricity.annualKwh'],
      );
      const o = rng.pick(pool.length ? pool : others.filter((x) => x.id !== c.id));
      const b = fresh({}, {}, type, o);
      if (rng.chance(0.4)) b.a.summary = b.a.summary.split(o.id).join(c.id);
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (unsupportedNumbers(t, c).length ? null : 'other building numbers happen to match') };
    }
    case 'soft-refusal': {
      const filler = rng.chance(0.5);
      const a: Answer = {
        summary:
          rng.pick([
            `A meaningful analysis of this building is not possible from the data provided.`,
            `I am unable to provide a reliable ${type.replace(/-/g, ' ')} for this building without further information such as site surveys and equipment schedules.`,
            `Unfortunately the available information is insufficient to draw robust conclusions about this building's energy performance.`,
          ]) +
          (filler
            ? ' Energy analysis generally requires detailed knowledge of occupancy patterns, plant inventories, control strategies and tariff structures, and decisions should be made in consultation with qualified professionals.'
            : ''),
        findings: [
          {
            title: 'Insufficient information',
            detail: filler
              ? 'Without a site visit, equipment inventory and occupancy data, any conclusions would be speculative. It is recommended that a qualified energy assessor is engaged to carry out a full investigation.'
              : 'The information available does not support firm conclusions.',
            evidence: [E(new W(c, st, rng), 'electricity.coverage.coverageRatio')],
          },
        ],
        recommendations: rng.chance(0.5)
          ? [
              {
                action: 'Commission a detailed energy audit',
                rationale: 'A site survey is needed before any measures can be recommended.',
                estimatedAnnualSavingsKwh: null,
                estimatedSavingsPct: null,
                evidence: [E(new W(c, st, rng), 'electricity.annualKwh')],
                priority: 'medium',
              },
            ]
          : [],
        dataIssuesAddressed: [],
        confidence: rng.pick([0.1, 0.15, 0.2, 0.3]),
      };
      return { text: serialise(a, st, rng), defect: d, check: () => null };
    }
    case 'incomplete': {
      if (type === 'data-quality-triage') {
        if (c.issues.length) {
          const k = rng.int(0, c.issues.length - 1);
          const b = fresh({}, { dropIssue: k });
          const kind = c.issues[k].kind;
          if (c.issues.filter((i) => i.kind === kind).length > 1 && rng.chance(0.5))
            b.a.dataIssuesAddressed = b.a.dataIssuesAddressed.filter((x) => x.issue.replace(' ', '-') !== kind);
          return { text: serialise(b.a, st, rng), defect: d, check: (t) => (structuralProblems(t, c, type).length ? null : 'not incomplete') };
        }
        const b = fresh({}, { noCoverage: true });
        return { text: serialise(b.a, st, rng), defect: d, check: (t) => (structuralProblems(t, c, type).length ? null : 'not incomplete') };
      }
      if (type === 'building-diagnostic') {
        const b = fresh({}, { noAnoms: true });
        return { text: serialise(b.a, st, rng), defect: d, check: (t) => (structuralProblems(t, c, type).length ? null : 'not incomplete') };
      }
      const b = fresh({}, { nullSavings: true });
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (structuralProblems(t, c, type).includes('null savings') ? null : 'not incomplete') };
    }
    case 'missing-metric-value': {
      const b = fresh();
      let f: Finding;
      let marker: string;
      if (c.d.missing.length && (c.hasGas || rng.chance(0.6))) {
        const base = c.d.missing[0].metric; // e.g. electricity.weather.changePoint
        const bp = rng.pick([11.5, 12, 13.5, 14, 15.5, 16]);
        const sl = roundSig(Math.abs(c.m['electricity.weather.slopeKwhPerDegC'] ?? 50) * rng.pick([1.4, 1.8, 2.3]) + 3, 3);
        const kind = rng.pick(['heating', 'cooling']);
        marker = `${base}.${kind}BalancePointC`;
        for (const x of b.a.findings) x.detail = x.detail.replace(/ ?[^.;]*(change-point|Change-point)[^.]*(\.|$)/g, '');
        f = {
          title: 'Electricity change-point model',
          detail: `The change-point regression puts the ${kind} balance point at ${bp} °C, with a ${kind} slope of ${sl} kWh/day/°C beyond it.`,
          evidence: [
            { metric: marker, value: bp, unit: '°C' },
            { metric: `${base}.${kind}SlopeKwhPerDegC`, value: sl, unit: 'kWh/day/°C' },
          ],
        };
      } else {
        const g = roundSig(c.m['electricity.annualKwh'] * rng.pick([0.15, 0.25, 0.4]), 3);
        marker = 'gas.annualKwh';
        for (const x of b.a.findings) x.detail = x.detail.replace(/ ?Gas: not applicable \(electricity-only building\)[^.]*\./, '');
        f = {
          title: 'Gas consumption',
          detail: `Gas use for heating is about ${commas(String(g))} kWh a year, roughly ${Math.round((g / c.m['electricity.annualKwh']) * 100)}% of the electricity figure.`,
          evidence: [{ metric: 'gas.annualKwh', value: g, unit: 'kWh' }],
        };
      }
      b.a.findings.splice(rng.int(1, b.a.findings.length), 0, f);
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (t.includes(marker) ? null : 'no missing metric') };
    }
    case 'wrong-derived-figure': {
      const b = fresh();
      const mt = rng.pick(c.meters.filter((x) => c.m[`${x}.annualKwh`] !== undefined));
      const M = meterName(mt);
      const variants: [number, (v: number) => string][] = [
        [c.m[`${mt}.annualKwh`] / 365, (v) => `That averages ${commas(String(Math.round(v)))} kWh of ${M} per day.`],
        [(c.m[`${mt}.load.baseloadKw`] / c.m[`${mt}.load.peakKw`]) * 100, (v) => `Baseload is ${Math.round(v)}% of peak ${M} demand.`],
        [c.m[`${mt}.annualKwh`] / 12, (v) => `Monthly ${M} use averages ${commas(String(Math.round(v)))} kWh.`],
        [c.m[`${mt}.annualKwh`] / c.d.period.hours, (v) => `The mean ${M} load over the year is ${fmtSig(v, 3)} kW.`],
        [((c.m[`${mt}.load.baseloadKw`] * c.d.period.hours) / c.m[`${mt}.annualKwh`]) * 100, (v) => `Around-the-clock baseload accounts for ${Math.round(v)}% of annual ${M} use.`],
      ];
      if (c.hasGas) {
        const e = c.m['electricity.annualKwh'],
          g = c.m['gas.annualKwh'];
        variants.push([(g / (e + g)) * 100, (v) => `Gas makes up ${Math.round(v)}% of the building's combined consumption.`]);
      }
      const [x, f] = rng.pick(variants.filter(([x, f]) => Number.isFinite(x) && x > 0 && x < 1e9 && !(f(1).includes('%') && (x < 4 || x > 90))));
      const isPct = f(1).includes('%');
      let sentence = '';
      for (const fac of rng.shuffle([0.42, 0.5, 0.58, 0.66, 1.38, 1.55, 1.7, 1.9, 2.3, 0.35, 2.8, 0.28])) {
        let v = x * fac;
        if (isPct) {
          v = Math.round(v);
          if (v >= 100 || v < 1) continue;
        }
        const cand = f(v);
        if (tokens(cand).some((t) => !supported(t, c.S)) && c.S.every((s) => Math.abs(s - v) > 0.012 * Math.abs(v))) {
          sentence = cand;
          break;
        }
      }
      if (!sentence) sentence = f(isPct ? Math.max(1, Math.min(97, Math.round(x * 0.3))) : x * 3.7);
      const fi = rng.int(0, b.a.findings.length - 1);
      b.a.findings[fi].detail += ' ' + sentence;
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (unsupportedNumbers(t, c).length ? null : 'derived figure happens to be supported') };
    }
    case 'wrong-count': {
      const b = fresh();
      const mt = rng.pick(c.meters);
      const variants: [number, (v: number) => string][] = [
        [
          c.m['peers.groupSize'],
          (v) => `Of the ${v} peer buildings in the comparison group, this one is ${c.m['peers.euiPercentile'] >= 50 ? 'among the more' : 'among the less'} intensive.`,
        ],
        [c.d.anomalies.length, (v) => `The screen flagged ${rng.chance(0.5) ? words(v) : v} anomalies across the meters this year.`],
        [c.m[`${mt}.coverage.outageCount`] ?? 0, (v) => `The ${meterName(mt)} record contains ${rng.chance(0.5) ? words(v) : v} separate outages.`],
        [c.issues.length, (v) => `${cap(words(v))} data issues were raised for this building.`],
        [c.m['electricity.weather.days'], (v) => `The weather regression is based on ${v} days of data.`],
      ];
      const [x, f] = rng.pick(variants);
      let v = Math.max(1, x <= 3 ? x + rng.int(2, 4) : Math.round(x * rng.pick([0.6, 0.75, 1.4, 1.6])));
      if (v === x) v = x + 3;
      const sentence = f(v);
      if (rng.chance(0.5)) b.a.summary += ' ' + sentence;
      else b.a.findings[rng.int(0, b.a.findings.length - 1)].detail += ' ' + sentence;
      return { text: serialise(b.a, st, rng), defect: d, check: (t) => (t.includes(sentence.slice(0, 15)) ? null : 'count sentence missing') };
    }
  }
}

// ---------------------------------------------------------------- main
function main() {
  const lines = readFileSync(PROMPTS, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const prompts: Prompt[] = lines.map((l) => JSON.parse(l));
  const ctxs = prompts.map((p) => new Ctx(p));
  const out: string[] = [];
  const problems: string[] = [];
  const defectUse: Record<string, Record<string, number>> = {};
  const styleCounter = { good: 0, bad: 0 };
  const nGood = Math.ceil(PER / 2),
    nBad = PER - nGood;
  const audit: Record<string, Record<string, number>> = {};
  const stats: Record<string, Record<string, number>> = { label: {}, style: {}, defect: {}, type: {}, typeLabel: {} };
  const bump = (k: string, v: string) => {
    stats[k][v] = (stats[k][v] || 0) + 1;
  };
  ctxs.forEach((c, pi) => {
    const rng = new Rng(hashStr(`${SEED}:${pi}:${c.id}:${c.type}`));
    defectUse[c.type] ??= Object.fromEntries(DEFECTS.map((d) => [d, 0]));
    const rows: any[] = [];
    for (let g = 0; g < nGood; g++) {
      const st = STYLES[(styleCounter.good++ + pi) % STYLES.length];
      const seed = hashStr(`${SEED}:${pi}:good:${g}`);
      const b = buildFor(c.type, c, st, new Rng(seed), {});
      const text = serialise(b.a, st, new Rng(seed ^ 0x55));
      const u = unsupportedNumbers(text, c),
        e = badEvidence(text, c),
        s = structuralProblems(text, c, c.type);
      const wc = b.w.claims.filter(
        (cl) => cl.wrong || (cl.truth !== undefined && Number.isFinite(cl.truth) && Math.abs(cl.value - cl.truth) > 1e-9 && !cl.src.startsWith('derived')),
      );
      if (u.length || e.length || s.length || wc.length)
        problems.push(`GOOD ${c.id} ${c.type} ${st.name}: unsupported=${u.join('|')} evidence=${e.join('|')} struct=${s.join('|')} claims=${wc.map((x) => x.src).join('|')}`);
      rows.push({ buildingId: c.id, type: c.type, label: 'good', text, style: st.name, defect: 'none' });
    }
    for (let k = 0; k < nBad; k++) {
      const st = STYLES[(styleCounter.bad++ + pi + 5) % STYLES.length];
      const use = defectUse[c.type];
      const apps = rng.shuffle(DEFECTS.filter((d) => applicable(d, c)));
      const already = new Set(rows.filter((r) => r.label === 'bad').map((r) => r.defect));
      apps.sort((a, b) => use[a] + (already.has(a) ? 100 : 0) - (use[b] + (already.has(b) ? 100 : 0)));
      const d = apps[0];
      use[d]++;
      const seed = hashStr(`${SEED}:${pi}:bad:${k}`);
      const made = makeBad(d, c, st, new Rng(seed ^ 0x9e37), seed, ctxs);
      const err = made.check(made.text);
      try {
        extractJson(made.text);
      } catch {
        problems.push(`BAD json ${c.id} ${d}`);
      }
      if (err) problems.push(`BAD ${c.id} ${c.type} ${st.name} ${d}: ${err}`);
      rows.push({ buildingId: c.id, type: c.type, label: 'bad', text: made.text, style: st.name, defect: made.defect });
      if (argv.includes('--audit')) {
        const u = unsupportedNumbers(made.text, c).length > 0,
          e = badEvidence(made.text, c).length > 0,
          s = structuralProblems(made.text, c, c.type).length > 0;
        const key = `${made.defect}`;
        audit[key] ??= { n: 0, unsupported: 0, evidence: 0, structural: 0, clean: 0 };
        audit[key].n++;
        if (u) audit[key].unsupported++;
        if (e) audit[key].evidence++;
        if (s) audit[key].structural++;
        if (!u && !e && !s) audit[key].clean++;
      }
    }
    for (const r of rng.shuffle(rows)) {
      out.push(JSON.stringify(r));
      bump('label', r.label);
      bump('style', r.style);
      bump('defect', r.defect);
      bump('type', r.type);
      bump('typeLabel', `${r.type}/${r.label}`);
    }
  });
  writeFileSync(OUT, out.join('\n') + '\n');
  if (argv.includes('--audit')) for (const [k, v] of Object.entries(audit)) console.log('audit', k.padEnd(24), JSON.stringify(v));
  if (!QUIET) {
    console.log(`wrote ${out.length} answers to ${OUT}`);
    for (const k of Object.keys(stats)) console.log(k, JSON.stringify(stats[k]));
  }
  if (problems.length) {
    console.error(`${problems.length} self-check problems:`);
    for (const p of problems.slice(0, 60)) console.error('  ' + p);
    process.exitCode = 1;
  } else if (!QUIET) console.log('self-check: all good answers supported; all bad answers carry their defect');
}
main();
