// writer-a: composes answers for one prompt in a given style, optionally with one injected defect.
import { type Rng, type Facts, type Anom, type Issue, commas, fsig, fdp, roundSig, intWords, bigWords, longDate, monthName } from './lib.ts';

export const STYLES = [
  'plain',
  'terse',
  'verbose-consultant',
  'executive',
  'hedged',
  'british',
  'numbers-first',
  'colon-lists',
  'numbers-in-words',
  'other-units',
  'approximate',
  'markdown',
  'code-fenced',
  'chatty-preamble',
  'format-slips',
  'technical',
] as const;
export type Style = (typeof STYLES)[number];

export interface Mut {
  over?: Record<string, number>; // prose value overrides (wrong number / metric swap)
  eover?: Record<string, number>; // evidence value overrides
  unitBug?: { key: string; mode: 'kw' | 'x1000' | 'div1000' | 'eui-kwh' | 'hours-days' };
  derivBug?: string; // wrong derived figure: 'gap' | 'mean' | 'peakratio' | 'anom:<date>'
  dateBug?: { from: string; to: string };
  invent?: boolean; // invented anomaly finding
  forceAnomaly?: boolean; // mention at least one anomaly even in triage / retrofit
  dropIssues?: boolean;
  dropAnomalies?: boolean;
  dropCoverage?: boolean;
  noSavings?: boolean;
  confContra?: boolean;
  savingsContra?: boolean;
  savingsArith?: boolean;
  impossible?: boolean;
  dirBug?: string; // which comparison to flip
  missingUse?: boolean;
  asType?: string; // answer another analysis type
}

type Ev = { metric: string; value: any; unit?: string };

const UNIT: Record<string, string[]> = {
  energy: ['kWh'],
  power: ['kW'],
  eui: ['kWh/m²', 'kWh/m²/yr', 'kWh/m2/yr', 'kWh/sqm'],
  hours: ['h', 'hours'],
  ratio: ['ratio', 'dimensionless', ''],
  pct: ['percentile', '%'],
  temp: ['°C', 'degC'],
  slope: ['kWh/day/°C', 'kWh/°C/day'],
  count: ['count', ''],
  days: ['days'],
  area: ['m²', 'sqm'],
  kwhday: ['kWh/day'],
};
export function dimOf(key: string): string {
  if (/anomaly\..*Kwh$|totalKwh$|annualKwh$|monthly\..*kwh$/.test(key)) return 'energy';
  if (/baseKwhPerDay$/.test(key)) return 'kwhday';
  if (/Kw$/.test(key)) return 'power';
  if (/[Ee]ui/.test(key)) return /Percentile/.test(key) ? 'pct' : 'eui';
  if (/Hours$/.test(key)) return 'hours';
  if (/BalancePointC$/.test(key)) return 'temp';
  if (/[Ss]lope/.test(key)) return 'slope';
  if (/weather\.days$/.test(key)) return 'days';
  if (/Count$|groupSize$/.test(key)) return 'count';
  if (/building\.sqm$/.test(key)) return 'area';
  return 'ratio';
}

const BRIT: [RegExp, string][] = [
  [/\banalyz/g, 'analys'],
  [/\bbehavior/g, 'behaviour'],
  [/\bcenter/g, 'centre'],
  [/optimiz/g, 'optimis'],
  [/Optimiz/g, 'Optimis'],
  [/\bprogram\b/g, 'programme'],
  [/utiliz/g, 'utilis'],
  [/prioritiz/g, 'prioritis'],
  [/Prioritiz/g, 'Prioritis'],
  [/\bcolor/g, 'colour'],
  [/minimiz/g, 'minimis'],
  [/normaliz/g, 'normalis'],
  [/characteriz/g, 'characteris'],
  [/\bmeters? reading/g, 'meter reading'],
  [/summariz/g, 'summaris'],
  [/recogniz/g, 'recognis'],
  [/\bliter/g, 'litre'],
  [/annualiz/g, 'annualis'],
  [/square meter/g, 'square metre'],
];

const HIGHLOW: Record<string, string> = { 'day-high': 'high day', 'day-low': 'low day', 'week-high': 'high week', 'week-low': 'low week' };

export class Writer {
  f: Facts;
  rng: Rng;
  st: Style;
  mu: Mut;
  used = new Set<string>();
  evUsed = new Set<string>();
  notes: string[] = [];
  type: string;
  confFieldHigh = false;
  constructor(f: Facts, rng: Rng, st: Style, mu: Mut = {}) {
    this.f = f;
    this.rng = rng;
    this.st = st;
    this.mu = mu;
    this.type = mu.asType || f.type;
  }
  // ---------- values ----------
  has(k: string) {
    return this.f.m[k] !== undefined && this.f.m[k] !== null;
  }
  v(k: string): number {
    this.used.add(k);
    const o = this.mu.over?.[k];
    return o !== undefined ? o : this.f.m[k];
  }
  ev(k: string): number {
    const o = this.mu.eover?.[k];
    return o !== undefined ? o : this.f.m[k];
  }
  get R() {
    return this.rng;
  }
  p<T>(a: T[]): T {
    return this.rng.pick(a);
  }
  // ---------- style helpers ----------
  is(s: Style | Style[]) {
    return Array.isArray(s) ? s.includes(this.st) : this.st === s;
  }
  approxWord() {
    return this.p(['about', 'roughly', 'around', 'approximately', '~', 'some', 'close to']);
  }
  b(label: string) {
    return this.is('markdown') ? `**${label}**` : label;
  }
  hedge(s: string) {
    if (!this.is('hedged')) return s;
    const h = this.p(['It appears that ', 'The data suggest that ', 'On the face of it, ', 'It seems likely that ', 'As far as the data show, ']);
    return h + s.charAt(0).toLowerCase() + s.slice(1);
  }
  cap(s: string) {
    return s.startsWith(this.f.id) ? s : s.charAt(0).toUpperCase() + s.slice(1);
  }
  date(iso: string, forceIso = false) {
    if (forceIso) return iso.slice(0, 10);
    if (this.is('british')) return longDate(iso);
    if (this.is(['executive', 'verbose-consultant']) && this.rng.chance(0.3)) return longDate(iso, true);
    return iso.slice(0, 10);
  }
  // ---------- number formatting ----------
  energy(x: string | number, opts: { noUnit?: boolean } = {}): string {
    const key = typeof x === 'string' ? x : null;
    const v = typeof x === 'string' ? this.v(x) : x;
    const bug = key && this.mu.unitBug?.key === key ? this.mu.unitBug.mode : null;
    if (bug === 'kw') return `${commas(Math.round(v))} kW`;
    if (bug === 'x1000') return v >= 1e5 ? `${commas(Math.round(v / 1000) * 1000)} MWh` : `${commas(Math.round(v))} MWh`;
    if (bug === 'div1000') return `${commas(Math.round(v / 1000))} kWh`;
    const r = this.rng.r();
    const st = this.st;
    if (st === 'numbers-in-words' && v >= 10000 && r < 0.7) return `${r < 0.35 ? this.approxWord() + ' ' : ''}${bigWords(v)} kWh`;
    if (st === 'other-units' || (st === 'executive' && r < 0.5)) {
      if (v >= 1e6) return r < 0.5 ? `${fsig(v / 1e6, 3)} GWh` : `${commas(Math.round(v / 1000))} MWh`;
      if (v >= 1e4) return `${fsig(v / 1000, r < 0.5 ? 3 : 4)} MWh`;
      return `${fsig(v, 3)} kWh`;
    }
    if (st === 'approximate' || (st === 'hedged' && r < 0.4)) {
      if (v >= 1e6 && r < 0.5) return `${this.approxWord()} ${fsig(v / 1e6, 2)} ${this.p(['GWh', 'million kWh'])}`;
      return `${this.approxWord()} ${fsig(v, 2)} kWh`;
    }
    if (st === 'terse' && v >= 1e5 && r < 0.5) return v >= 1e6 ? `${fsig(v / 1e6, 3)}M kWh` : `${fsig(v / 1000, 3)}k kWh`;
    if (v >= 1e6 && r < 0.3) return `${fsig(v / 1e6, 3)} million kWh`;
    if (v >= 1e5 && r < 0.45) return `${commas(Math.round(v / 1000))} MWh`;
    if (r < 0.6 && v >= 1000) return `${commas(Math.round(v))} kWh`;
    if (r < 0.8) return `${fsig(v, 4)} kWh`;
    return `${v >= 1000 ? commas(Math.round(v)) : fsig(v, 3)} kWh`;
  }
  power(x: string | number): string {
    const v = typeof x === 'string' ? this.v(x) : x;
    const r = this.rng.r();
    if (this.is('approximate') || (this.is('hedged') && r < 0.3)) return `${this.approxWord()} ${fsig(v, 2)} kW`;
    if (this.is('other-units') && v >= 1000 && r < 0.7) return `${fsig(v / 1000, 3)} MW`;
    if (this.is('terse') && r < 0.5) return `${fsig(v, 3)}kW`;
    return r < 0.6 ? `${v >= 100 ? fsig(v, 4) : fsig(v, 3)} kW` : `${fsig(v, 3)} kW`;
  }
  eui(x: string | number): string {
    const key = typeof x === 'string' ? x : null;
    const v = typeof x === 'string' ? this.v(x) : x;
    if (key && this.mu.unitBug?.key === key && this.mu.unitBug.mode === 'eui-kwh') return `${fsig(v, 3)} kWh`;
    const r = this.rng.r();
    if (this.is('other-units') && r < 0.5) return `${fsig(v, 3)} kWh/m²/yr (an average of ${fsig((v * 1000) / 8760, 3)} W/m²)`;
    if (this.is('approximate')) return `${this.approxWord()} ${fsig(v, 2)} kWh/m²`;
    if (this.is('british') && r < 0.5) return `${fsig(v, 3)} kWh per square metre`;
    return r < 0.5 ? `${fsig(v, 4)} kWh/m²` : r < 0.8 ? `${fsig(v, 3)} kWh/m²/yr` : `${fsig(v, 3)} kWh/m² a year`;
  }
  ratio(x: string | number, digits = 3): string {
    const v = typeof x === 'string' ? this.v(x) : x;
    if (this.is('approximate')) return `${this.approxWord()} ${fsig(v, 2)}`;
    return fsig(v, this.rng.chance(0.5) ? digits : 2 + (digits > 2 ? 1 : 0), false);
  }
  pct(v: number, dp?: number): string {
    if (this.is('approximate')) return `${this.approxWord()} ${fsig(v, 2, false)}%`;
    const d = dp !== undefined ? dp : Math.abs(v) >= 10 ? this.p([0, 1]) : 1;
    return `${fdp(v, d, false)}${this.is('verbose-consultant') && this.rng.chance(0.3) ? ' per cent' : '%'}`;
  }
  hours(x: string | number): string {
    const key = typeof x === 'string' ? x : null;
    const v = typeof x === 'string' ? this.v(x) : x;
    if (key && this.mu.unitBug?.key === key && this.mu.unitBug.mode === 'hours-days') return `${commas(v)} days`;
    if (this.is('numbers-in-words') && v < 1000) return `${intWords(v)} hours`;
    return this.rng.chance(0.5) ? `${commas(v)} h` : `${commas(v)} hours`;
  }
  count(n: number, noun: string, plural?: string): string {
    const word = n === 1 ? noun : plural || noun + 's';
    if (this.is(['numbers-in-words', 'executive', 'british']) && n <= 20 && this.rng.chance(this.is('numbers-in-words') ? 0.95 : 0.5)) return `${intWords(n)} ${word}`;
    return `${n} ${word}`;
  }
  temp(k: string) {
    return `${fsig(this.v(k), 3)} °C`.replace('.0 °C', ' °C');
  }
  slope(k: string) {
    const v = this.v(k);
    return `${fsig(v, 3)} kWh/day/°C`;
  }
  // ---------- evidence ----------
  e(k: string, unitOverride?: string): Ev {
    this.evUsed.add(k);
    let val: any = this.ev(k);
    const dim = dimOf(k);
    if (this.rng.chance(0.4) && Math.abs(val) >= 100) val = roundSig(val, this.p([3, 4]));
    let metric = k;
    if (this.is('format-slips') && this.rng.chance(0.45) && !/anomaly\.|monthly\./.test(k)) metric = this.slip(k);
    if (this.is('format-slips') && this.rng.chance(0.25)) val = String(val);
    const units = UNIT[dim] || [''];
    let unit = unitOverride ?? this.p(units);
    if (/coverageRatio|loadFactor|Ratio$|\.r$|\.r2$/.test(k)) unit = this.p(['ratio', 'dimensionless', 'fraction', '']);
    if (/outageCount/.test(k)) unit = this.p(['outages', 'count']);
    if (/anomalyCount/.test(k)) unit = this.p(['anomalies', 'count']);
    if (/groupSize/.test(k)) unit = this.p(['buildings', 'count']);
    const o: Ev = { metric, value: val };
    if (unit) o.unit = unit;
    return o;
  }
  slip(k: string): string {
    const parts = k.split('.');
    const last = parts[parts.length - 1];
    const snake = last.replace(/([A-Z])/g, '_$1').toLowerCase();
    const opts = [`${parts[0]}.${last}`, `${parts[0]}_${snake}`, parts.slice(0, -1).concat(snake).join('.')];
    if (parts[0] === 'electricity' && this.f.meters.length === 1) opts.push(snake);
    return this.p(opts);
  }
  // ---------- facts helpers ----------
  mk(meter: string, s: string) {
    return `${meter}.${s}`;
  }
  meterName(m: string) {
    return m === 'electricity' ? 'electricity' : m;
  }
  useName() {
    return this.f.use ? this.f.use.toLowerCase() : null;
  }
  bldg() {
    const u = this.useName();
    const forms = [`Building ${this.f.id}`, `${this.f.id}`, u ? `this ${u} building` : 'this building', u ? `the ${u} building (${this.f.id})` : `building ${this.f.id}`];
    return this.p(forms);
  }
  anomaliesSorted(): Anom[] {
    return this.f.anomalies.slice();
  }
  largestAnoms(n?: number): Anom[] {
    const a = this.anomaliesSorted();
    return n ? a.slice(0, n) : a;
  }
  monthly(meter: string): [string, number][] {
    const out: [string, number][] = [];
    for (const k of Object.keys(this.f.m)) {
      const mm = k.match(new RegExp(`^${meter}\\.monthly\\.(\\d{4}-\\d{2})\\.kwh$`));
      if (mm) out.push([mm[1], this.f.m[k]]);
    }
    return out.sort();
  }
  confidence(): number {
    const sev = this.f.issues.map((i) => i.severity);
    let base = sev.includes('critical') ? this.rng.range(0.4, 0.55) : sev.includes('warning') ? this.rng.range(0.6, 0.75) : this.rng.range(0.78, 0.9);
    if (this.f.missing.length && base > 0.6) base -= 0.03;
    return Math.round(base * 100) / 100;
  }
  confWord(c: number) {
    return c >= 0.75 ? 'high' : c >= 0.5 ? 'moderate' : 'low';
  }
  issuesFor(): Issue[] {
    return this.type === 'data-quality-triage' ? this.f.issues : this.f.issues.filter((i) => i.severity !== 'info');
  }

  // ================= sentences =================
  sentCoverage(meter: string): { title: string; detail: string; evidence: Ev[] } {
    const k = (s: string) => this.mk(meter, 'coverage.' + s);
    const ratio = this.v(k('coverageRatio'));
    const valid = this.v(k('validHours')),
      exp = this.v(k('expectedHours')),
      miss = this.v(k('missingHours')),
      zero = this.v(k('zeroHours'));
    const outs = this.v(k('outageCount')),
      gap = this.v(k('longestGapHours'));
    const covPct = this.mu.impossible && this.type === 'data-quality-triage' ? 100 * ratio + this.p([4, 6, 8, 12]) : 100 * ratio;
    const covS = covPct === 100 ? '100%' : this.pct(covPct, 1);
    const mn = this.meterName(meter);
    const full = ratio >= 0.999 && miss === 0 && outs === 0;
    let title = full
      ? this.p([`${this.cap(mn)} data is complete`, `Full ${mn} coverage`, `${this.cap(mn)} coverage: no gaps`, 'Complete hourly record'])
      : this.p([`${this.cap(mn)} coverage has gaps`, `Incomplete ${mn} record`, `${this.cap(mn)} data coverage below 100%`, `Coverage gaps in ${mn} data`]);
    if (this.mu.impossible && this.type === 'data-quality-triage') title = `${this.cap(mn)} coverage above expectation`;
    let detail: string;
    const st = this.st;
    if (st === 'colon-lists' || st === 'terse') {
      detail = `Valid hours: ${commas(valid)} of ${commas(exp)}; coverage: ${covS}; missing: ${commas(miss)} h; zero readings: ${commas(zero)} h; outages: ${outs}; longest gap: ${commas(gap)} h.`;
      if (st === 'terse')
        detail = `${commas(valid)}/${commas(exp)} h valid (${covS}). ${commas(miss)} h missing, ${commas(zero)} h zero, ${outs} outage${outs === 1 ? '' : 's'}, longest gap ${commas(gap)} h.`;
    } else if (st === 'numbers-first') {
      detail = `${commas(valid)} valid hours out of ${commas(exp)} expected, i.e. ${covS} coverage; ${commas(miss)} missing hours, ${commas(zero)} zero-reading hours and ${this.count(outs, 'outage')} (longest gap ${this.hours(gap)}).`;
    } else if (st === 'markdown') {
      detail = `- ${this.b('Coverage')}: ${covS} (${commas(valid)} of ${commas(exp)} h)\n- ${this.b('Missing hours')}: ${commas(miss)}\n- ${this.b('Zero hours')}: ${commas(zero)}\n- ${this.b('Outages')}: ${outs}, longest ${commas(gap)} h`;
    } else {
      const shapes = [
        () =>
          `The ${mn} meter reports ${commas(valid)} valid hours out of ${commas(exp)} expected, a coverage of ${covS}. There are ${commas(miss)} missing hours and ${commas(zero)} hours reading zero${outs ? `, across ${this.count(outs, 'outage')} with the longest gap lasting ${this.hours(gap)}` : ', and no outages were recorded'}.`,
        () =>
          `Coverage for ${mn} is ${covS} (${commas(valid)}/${commas(exp)} hours valid). ${outs ? `${this.cap(this.count(outs, 'outage'))} ${outs === 1 ? 'was' : 'were'} detected; the longest gap is ${this.hours(gap)}.` : 'No outages were detected and the longest gap is zero hours.'} Zero readings: ${commas(zero)} h; negative readings: ${commas(this.v(k('negativeHours')))} h.`,
        () =>
          `${full ? 'The hourly record is complete' : 'The hourly record is not complete'}: ${covS} of the ${commas(exp)} hours in the period carry a valid reading${miss ? `, with ${commas(miss)} hours missing` : ''}${zero ? ` and ${commas(zero)} zero hours` : ''}. ${outs ? `The longest outage runs for ${this.hours(gap)}.` : 'There are no outages.'}`,
      ];
      detail = this.hedge(this.p(shapes)());
      if (this.is('verbose-consultant'))
        detail += ` ${full ? 'From a data-governance standpoint this is an excellent basis for benchmarking and measurement-and-verification work.' : 'This level of completeness is usable, but any annualised figures should be read with the gaps in mind.'}`;
    }
    const evidence: Ev[] = [this.e(k('coverageRatio')), this.e(k('validHours'))];
    if (this.mu.impossible && this.type === 'data-quality-triage') evidence[0] = { metric: k('coverageRatio'), value: Math.round(covPct * 10) / 1000, unit: 'ratio' };
    if (this.rng.chance(0.6)) evidence.push(this.e(k('missingHours')));
    if (outs || this.rng.chance(0.4)) evidence.push(this.e(k('outageCount')));
    if (gap && this.rng.chance(0.7)) evidence.push(this.e(k('longestGapHours')));
    return { title, detail, evidence };
  }

  sentIssue(i: Issue): { title: string; detail: string; evidence: Ev[] } | null {
    const mn = this.meterName(i.meter);
    if (i.kind === 'outage' && i.hours !== undefined) {
      const from = this.date(i.from!),
        to = this.date(i.to!);
      const hrs = this.mu.unitBug?.key === '__issue' ? `${commas(i.hours)} days` : this.hours(i.hours);
      const shapes = [
        () => `A ${hrs} gap with no valid ${mn} readings runs from ${from} to ${to}.`,
        () => `The ${mn} feed dropped out for ${hrs}, from ${from} until ${to}${i.severity === 'critical' ? ', a critical gap' : ''}.`,
        () => `Outage (${i.severity}): ${hrs} without valid ${mn} data between ${from} and ${to}.`,
        () => `${this.cap(mn)} has an outage of ${hrs} (${from} to ${to}), which is large enough to bias monthly totals for that month.`,
      ];
      const ev: Ev[] = [this.e(this.mk(i.meter, 'coverage.outageCount'))];
      if (this.f.m[this.mk(i.meter, 'coverage.longestGapHours')] === i.hours) ev.push(this.e(this.mk(i.meter, 'coverage.longestGapHours')));
      return {
        title: this.p([`${this.cap(mn)} outage of ${commas(i.hours)} h`, `Meter outage`, `${this.cap(mn)} data gap`, `Gap in ${mn} readings`]),
        detail: this.hedge(this.p(shapes)()),
        evidence: ev,
      };
    }
    if (i.kind === 'zero-runs') {
      const shapes = [
        () =>
          `${this.cap(mn)} has ${this.count(i.runs!, 'run')} of 24 h or more reading zero (${commas(i.totalH!)} h in total, longest ${commas(i.longestH!)} h from ${this.date(i.from!)}), which looks like the heating being off rather than lost data.`,
        () =>
          `Zero readings on ${mn}: ${commas(i.totalH!)} h in ${this.count(i.runs!, 'run')}, the longest lasting ${commas(i.longestH!)} h. These are treated as genuine no-consumption periods.`,
      ];
      return {
        title: this.p([`${this.cap(mn)} zero runs`, `Long zero runs on ${mn}`, `${this.cap(mn)} reads zero for long periods`]),
        detail: this.hedge(this.p(shapes)()),
        evidence: [this.e(this.mk(i.meter, 'coverage.zeroHours'))],
      };
    }
    if (i.kind === 'low-coverage' && i.pct !== undefined) {
      return {
        title: this.p([`Low ${mn} coverage`, `${this.cap(mn)} coverage below target`]),
        detail: this.hedge(
          this.p([
            `Only ${i.pct}% of hours have a valid ${mn} reading, so annual totals depend on annualisation.`,
            `${this.cap(mn)} coverage is ${i.pct}%, below the level needed for a confident baseline.`,
          ]),
        ),
        evidence: [this.e(this.mk(i.meter, 'coverage.coverageRatio')), this.e(this.mk(i.meter, 'coverage.validHours'))],
      };
    }
    return null;
  }

  issueResponse(i: Issue): { issue: string; response: string } {
    const mn = this.meterName(i.meter);
    let r: string;
    if (i.kind === 'outage')
      r = this.p([
        `Exclude the ${commas(i.hours!)} h gap (${this.date(i.from!)} to ${this.date(i.to!)}) from baseline fitting and ask the site to check the ${mn} logger for that window.`,
        `Treat the ${mn} outage as missing data rather than zero use; annualise around it and confirm the cause with the metering contractor.`,
        `Flag the gap in reporting, avoid interpolating across it for anomaly detection, and request a backfill from the data provider if available.`,
        `Fill or exclude the missing hours before any month-on-month comparison; the gap falls in ${monthName(i.from!.slice(0, 7), false)}.`,
      ]);
    else if (i.kind === 'zero-runs')
      r = this.p([
        `Keep the zero runs as real zero consumption (heating off) and confirm with the site that the ${mn} plant was shut down in those periods.`,
        `No correction needed: the zeros are counted as no consumption, consistent with seasonal shutdown; verify with the facilities team.`,
      ]);
    else if (i.kind === 'low-coverage')
      r = this.p([
        `Annualised ${mn} figures carry extra uncertainty at ${i.pct}% coverage; restore the data feed and re-run the analysis once coverage improves.`,
        `Use the annualised total with caution and prioritise fixing the ${mn} data feed.`,
      ]);
    else r = this.p([`Review this ${i.severity} item with the data owner before relying on the affected figures.`, `Noted; confirm with the site and re-check once resolved.`]);
    return { issue: i.kind, response: r };
  }

  sentConsumption(meter: string) {
    const ak = this.mk(meter, 'annualKwh'),
      ek = this.mk(meter, 'euiKwhPerSqm');
    const mn = this.meterName(meter);
    const annual = this.energy(ak);
    const eui = this.eui(ek);
    const med = this.v('peers.medianEuiKwhPerSqm'),
      e = this.v(ek),
      pctl = this.v('peers.euiPercentile'),
      n = this.v('peers.groupSize');
    let rel: string;
    const diff = (e - med) / med;
    let dir = Math.abs(diff) < 0.03 ? 'in line with' : diff > 0 ? 'above' : 'below';
    if (this.mu.dirBug === 'eui') dir = diff > 0 ? 'below' : 'above';
    const medS = this.eui('peers.medianEuiKwhPerSqm');
    const pctlS = this.is('approximate') ? `${Math.round(pctl)}th` : `${fsig(pctl, 3)}th`;
    const gas = this.f.meters.length > 1;
    if (meter !== this.f.meters[0]) rel = this.p(['no peer benchmark is given for this meter alone', 'a figure with no separate peer benchmark']);
    else if (dir === 'in line with')
      rel = this.p([
        `essentially in line with the peer median of ${medS}`,
        `close to the median of its ${this.count(n, 'peer')} (${medS})`,
        `within a few percent of the peer median (${medS})`,
      ]);
    else {
      const bugG = this.mu.derivBug === 'gap';
      const d = bugG ? Math.abs(diff) * 100 * this.p([2.5, 3]) + 2 : Math.abs(diff) * 100;
      rel = bugG
        ? `${this.pct(d, 0)} ${dir} the median of the ${this.count(n, 'peer building')} (${medS})`
        : this.p([`${dir} the peer median of ${medS}`, `${this.pct(d, 0)} ${dir} the median of the ${this.count(n, 'peer building')} (${medS})`]);
    }
    const useTxt = this.f.use ? this.f.use.toLowerCase() : 'comparable';
    const shapes = [
      () => `${this.cap(mn)} use over the year was ${annual}, an intensity of ${eui}, ${rel}.`,
      () =>
        `The building consumed ${annual} of ${mn}${gas ? '' : ''}, giving an EUI of ${eui}; this is ${rel} and sits at the ${pctlS} percentile of ${this.count(n, useTxt + ' peer')}.`,
      () => `Annual ${mn}: ${annual}. EUI: ${eui}, ${rel} (percentile ${fsig(pctl, 3)}).`,
      () => `At ${eui} (${annual} a year), the ${mn} intensity is ${rel}.`,
      () => `${annual} of ${mn} per year; ${eui} normalised by floor area, ${rel}.`,
    ];
    const idx = this.is('colon-lists') ? 2 : this.is('numbers-first') ? this.p([3, 4]) : this.rng.int(shapes.length);
    let detail = this.hedge(shapes[idx]());
    const bugM = this.mu.derivBug === 'mean';
    if (bugM || this.rng.chance(this.is('technical') ? 0.8 : 0.35)) {
      const perDay = this.v(ak) / 365;
      const avgKw = this.v(ak) / 8760;
      const alt = this.p([
        `That is ${this.energy(bugM ? this.v(ak) / 52 : perDay)} per day on average.`,
        `Averaged over the ${commas(this.f.hours)} hours of the year this is a mean load of ${this.power(bugM ? this.v(ak) / 365 : avgKw)}.`,
        `The monthly mean is ${this.energy(bugM ? this.v(ak) / 52 : this.v(ak) / 12)}.`,
      ]);
      detail += ' ' + alt;
    }
    const title =
      meter !== this.f.meters[0]
        ? this.p([`${this.cap(mn)} consumption`, `Annual ${mn} use`])
        : this.p([`${this.cap(mn)} consumption and intensity`, `EUI ${dir} peers`, `Intensity ${dir} peer median`, `Annual ${mn} use`, `Consumption vs peers`]);
    return { title, detail, evidence: [this.e(ak), this.e(ek), this.e('peers.medianEuiKwhPerSqm'), ...(this.rng.chance(0.5) ? [this.e('peers.euiPercentile')] : [])] };
  }

  sentLoad(meter: string) {
    const k = (s: string) => this.mk(meter, 'load.' + s);
    const base = this.power(k('baseloadKw')),
      peak = this.power(k('peakKw'));
    const lf = this.v(k('loadFactor')),
      nd = this.v(k('nightDayRatio')),
      ww = this.v(k('weekdayWeekendRatio'));
    const lfS = this.rng.chance(0.5) ? this.ratio(k('loadFactor')) : this.pct(lf * 100, 1);
    const ndS = this.ratio(k('nightDayRatio')),
      wwS = this.ratio(k('weekdayWeekendRatio'));
    let ndClaim = nd >= 1 ? 'night-time use is higher than daytime use' : nd > 0.6 ? 'night-time use stays high relative to the day' : 'night use drops well below daytime use';
    let wwClaim = ww >= 1.05 ? 'weekday use is higher than weekend use' : ww <= 0.95 ? 'weekend use is higher than weekday use' : 'weekday and weekend use are similar';
    if (this.mu.dirBug === 'nd') ndClaim = nd >= 1 ? 'night use drops well below daytime use' : 'night-time use is higher than daytime use';
    if (this.mu.dirBug === 'ww') wwClaim = ww >= 1.05 ? 'weekend use is higher than weekday use' : 'weekday use is higher than weekend use';
    const peakRatio = this.v(k('peakKw')) / Math.max(this.v(k('baseloadKw')), 1e-9);
    const bugP = this.mu.derivBug === 'peakratio';
    const prS = bugP ? fsig(peakRatio * this.p([0.4, 2.2]), 2) : fsig(peakRatio, 2);
    const st = this.st;
    let detail: string;
    if (st === 'colon-lists') detail = `Baseload: ${base}. Peak: ${peak}. Load factor: ${lfS}. Night/day ratio: ${ndS}. Weekday/weekend ratio: ${wwS}.`;
    else if (st === 'terse') detail = `Base ${base}, peak ${peak}, LF ${lfS}, night/day ${ndS}, wkday/wkend ${wwS}; ${wwClaim}.`;
    else if (st === 'markdown')
      detail = `- ${this.b('Baseload')}: ${base}\n- ${this.b('Peak')}: ${peak}\n- ${this.b('Load factor')}: ${lfS}\n- ${this.b('Night/day')}: ${ndS} (${ndClaim})\n- ${this.b('Weekday/weekend')}: ${wwS}`;
    else if (st === 'numbers-first')
      detail = `${base} of baseload against ${peak} at peak gives a load factor of ${lfS}; ${ndS} is the night/day ratio and ${wwS} the weekday/weekend ratio, so ${wwClaim}.`;
    else {
      const shapes = [
        () =>
          `Baseload is ${base} and demand tops out at ${peak}, so the peak is about ${prS} times the baseload. The load factor of ${lfS} is ${lf < 0.3 ? 'low, indicating a peaky profile' : lf < 0.5 ? 'moderate' : 'high, indicating a flat profile'}. A night/day ratio of ${ndS} means ${ndClaim}, and with a weekday/weekend ratio of ${wwS}, ${wwClaim}.`,
        () =>
          `The load ranges from a ${base} baseload to a ${peak} peak (load factor ${lfS}). With night/day at ${ndS}, ${ndClaim}; the weekday/weekend ratio is ${wwS}, so ${wwClaim}.`,
        () =>
          `Peak demand reached ${peak} while the overnight floor sits at ${base}. Load factor ${lfS}; night/day ratio ${ndS}; weekday/weekend ratio ${wwS}. In short, ${ndClaim} and ${wwClaim}.`,
        () => `${this.cap(ndClaim)} (night/day ratio ${ndS}) and ${wwClaim} (ratio ${wwS}). The baseload of ${base} against a peak of ${peak} gives a load factor of ${lfS}.`,
      ];
      detail = this.hedge(bugP ? shapes[0]() : this.p(shapes)());
      if (this.is('verbose-consultant'))
        detail +=
          ' In our experience, a persistent overnight floor of this kind is frequently attributable to plant left running outside occupied hours, IT loads, and ventilation schedules that have drifted over time.';
    }
    const title = this.p([
      'Load shape',
      'Baseload and peak',
      `${this.cap(this.meterName(meter))} load profile`,
      nd > 0.6 ? 'High out-of-hours load' : 'Load profile and schedule',
      'Demand profile',
    ]);
    const ev = [this.e(k('baseloadKw')), this.e(k('peakKw')), this.e(k('loadFactor'))];
    if (this.rng.chance(0.8)) ev.push(this.e(k('nightDayRatio')));
    if (this.rng.chance(0.7)) ev.push(this.e(k('weekdayWeekendRatio')));
    return { title, detail, evidence: ev };
  }

  sentWeather(meter: string) {
    const k = (s: string) => this.mk(meter, 'weather.' + s);
    const slopeS = this.slope(k('slopeKwhPerDegC')),
      r = this.v(k('r'));
    const rS = fsig(r, 3, false);
    const days = this.v(k('days'));
    const sl = this.v(k('slopeKwhPerDegC'));
    const strength = Math.abs(r) >= 0.7 ? 'strong' : Math.abs(r) >= 0.4 ? 'moderate' : 'weak';
    const hasCP = this.has(k('changePoint.r2'));
    let detail = this.hedge(
      this.p([
        `Across ${commas(days)} days the linear weather slope is ${slopeS} with r = ${rS}, a ${strength} relationship; ${sl < 0 ? 'use rises as it gets colder' : 'use rises as it gets warmer'}.`,
        `Daily ${this.meterName(meter)} use shows a ${strength} dependence on outdoor temperature (slope ${slopeS}, r ${rS}, ${commas(days)} days).`,
        `Weather sensitivity is ${strength}: ${slopeS}, correlation ${rS}.`,
      ]),
    );
    const ev: Ev[] = [this.e(k('slopeKwhPerDegC')), this.e(k('r'))];
    if (hasCP) {
      const bits: string[] = [];
      if (this.has(k('changePoint.heatingBalancePointC'))) {
        bits.push(`heating starts below ${this.temp(k('changePoint.heatingBalancePointC'))} at ${this.slope(k('changePoint.heatingSlopeKwhPerDegC'))}`);
        ev.push(this.e(k('changePoint.heatingBalancePointC')));
      }
      if (this.has(k('changePoint.coolingBalancePointC'))) {
        bits.push(`cooling starts above ${this.temp(k('changePoint.coolingBalancePointC'))} at ${this.slope(k('changePoint.coolingSlopeKwhPerDegC'))}`);
        ev.push(this.e(k('changePoint.coolingSlopeKwhPerDegC')));
      }
      const base = this.has(k('changePoint.baseKwhPerDay')) ? `, with a base of ${this.energy(k('changePoint.baseKwhPerDay'))} per day` : '';
      detail += ` The change-point model (R² ${fsig(this.v(k('changePoint.r2')), 3, false)}) finds that ${bits.join(' and ') || 'there is a flat base load'}${base}.`;
    } else if (this.f.missing.some((m) => m.metric.startsWith(meter + '.weather.changePoint'))) {
      if (this.mu.missingUse) {
        const bp = this.p([14, 15, 15.5, 16]);
        detail += ` The heating balance point is around ${bp} °C, below which consumption climbs steadily.`;
      } else {
        detail +=
          ' ' +
          this.p([
            'A change-point model is unavailable for this meter (no change-point fit beat the straight line), so balance points are not reported.',
            'Balance points are unavailable: the change-point model did not improve on the linear fit.',
            'No change-point model is available, so only the straight-line fit is used.',
          ]);
      }
    }
    return { title: this.p(['Weather sensitivity', 'Temperature dependence', `${this.cap(this.meterName(meter))} vs outdoor temperature`]), detail, evidence: ev };
  }

  sentMonthly(meter: string) {
    const mo = this.monthly(meter);
    if (mo.length < 2) return null;
    const max = mo.reduce((a, b) => (b[1] > a[1] ? b : a)),
      min = mo.reduce((a, b) => (b[1] < a[1] ? b : a));
    const maxS = this.energy(`${meter}.monthly.${max[0]}.kwh`),
      minS = this.energy(`${meter}.monthly.${min[0]}.kwh`);
    const detail = this.hedge(
      this.p([
        `The highest month is ${monthName(max[0])} at ${maxS} and the lowest is ${monthName(min[0])} at ${minS}.`,
        `Monthly use peaks in ${monthName(max[0], false)} (${maxS}) and bottoms out in ${monthName(min[0], false)} (${minS}), a spread of ${this.pct((max[1] / min[1] - 1) * 100, 0)}.`,
        `${monthName(max[0], false)} was the heaviest month with ${maxS}; ${monthName(min[0], false)} the lightest with ${minS}.`,
      ]),
    );
    return {
      title: this.p(['Seasonal pattern', 'Monthly profile', 'Month-to-month variation']),
      detail,
      evidence: [this.e(`${meter}.monthly.${max[0]}.kwh`), this.e(`${meter}.monthly.${min[0]}.kwh`)],
    };
  }

  sentAnomaly(a: Anom, forceIsoTitle = true) {
    const date = this.mu.dateBug && this.mu.dateBug.from === a.date ? this.mu.dateBug.to : a.date;
    const act = this.v(a.actualMetric),
      exp = this.v(a.expectedMetric);
    const actS = this.energy(a.actualMetric),
      expS = this.energy(a.expectedMetric);
    const bugA = this.mu.derivBug === 'anom:' + a.date;
    const dev = ((act - exp) / exp) * 100;
    const devS = this.pct(Math.abs(dev), 0);
    const up = act > exp;
    const week = a.kind.startsWith('week');
    const when = week ? `the week starting ${date}` : date;
    const mn = this.meterName(a.meter);
    const title = this.p([
      `${this.cap(HIGHLOW[a.kind] || a.kind)} on ${date}`,
      `${a.kind} anomaly ${date}`,
      `${this.cap(mn)} ${up ? 'spike' : 'dip'} ${date}`,
      `Anomaly: ${date} (${a.kind})`,
    ]);
    const shapes = [
      () => `On ${when} ${mn} use was ${actS} against an expected ${expS}, ${devS} ${up ? 'above' : 'below'} the model.`,
      () => `${this.cap(when)}: actual ${actS} vs expected ${expS} (${up ? '+' : '-'}${devS}).`,
      () =>
        `Consumption on ${when} reached ${actS} where ${expS} was expected, ${up ? 'suggesting plant left running or an unusual event' : 'suggesting a shutdown, holiday or metering fault'}.`,
      () => `${this.cap(mn)} ${up ? 'ran high' : 'ran low'} on ${when}: ${actS} recorded, ${expS} expected.`,
    ];
    let detail = this.hedge(this.p(shapes)());
    if (bugA) detail = `On ${when} ${mn} use was ${actS} against an expected ${expS}, ${this.pct(Math.abs((act / exp) * 100), 0)} ${up ? 'above' : 'below'} the expected level.`;
    if (this.is('markdown')) detail = `${this.b(when)} — ${detail}`;
    return { title, detail, evidence: [this.e(a.actualMetric), this.e(a.expectedMetric)] };
  }

  sentInvented() {
    // invented anomaly: a date that is not in the anomaly list, invented figures, real metric cited
    const meter = 'electricity';
    const taken = new Set(this.f.anomalies.map((a) => a.date));
    let d: string;
    do {
      const m = 1 + this.rng.int(12),
        day = 1 + this.rng.int(28);
      d = `2019-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    } while (taken.has(d));
    const mean = this.f.m[`${meter}.annualKwh`] / 365;
    const act = Math.round(mean * this.rng.range(1.9, 2.8)),
      exp = Math.round(mean * this.rng.range(0.95, 1.05));
    const cite = this.p(['load.peakKw', 'anomalyCount', `monthly.${d.slice(0, 7)}.kwh`]);
    return {
      title: this.p([`Spike on ${d}`, `High day on ${d}`, `Unexplained surge ${d}`]),
      detail: this.hedge(
        this.p([
          `On ${d} consumption jumped to ${commas(act)} kWh against an expected ${commas(exp)} kWh, one of the largest deviations of the year.`,
          `${d}: ${commas(act)} kWh recorded vs ${commas(exp)} kWh expected, likely plant left running through the night.`,
        ]),
      ),
      evidence: [this.e(`${meter}.${cite}`)],
    };
  }

  // ================= recommendations =================
  recLibrary(meter: string) {
    const k = (s: string) => this.mk(meter, s);
    const nd = this.f.m[k('load.nightDayRatio')],
      ww = this.f.m[k('load.weekdayWeekendRatio')];
    const lib: { action: string[]; why: () => string; ev: string[]; lo: number; hi: number }[] = [];
    const mn = this.meterName(meter);
    if (meter === 'electricity') {
      lib.push({
        action: ['Cut out-of-hours baseload', 'Reduce overnight and weekend baseload', 'Out-of-hours shutdown programme', 'Tackle the baseload'],
        why: () =>
          `The baseload of ${this.power(k('load.baseloadKw'))} and a night/day ratio of ${this.ratio(k('load.nightDayRatio'))} point to equipment running when the building is unoccupied.`,
        ev: ['load.baseloadKw', 'load.nightDayRatio'],
        lo: 3,
        hi: nd > 0.6 ? 10 : 6,
      });
      lib.push({
        action: ['Tighten HVAC and lighting schedules', 'Align BMS time schedules with occupancy', 'Weekend setback for HVAC', 'Review BMS schedules'],
        why: () =>
          `A weekday/weekend ratio of ${this.ratio(k('load.weekdayWeekendRatio'))} ${ww < 1.3 ? 'shows little weekend setback' : 'shows weekends are already lower, but schedules can still be trimmed'}.`,
        ev: ['load.weekdayWeekendRatio'],
        lo: 2,
        hi: 7,
      });
      lib.push({
        action: ['LED lighting upgrade with occupancy sensors', 'Retrofit LED lighting and controls', 'Lighting upgrade'],
        why: () => `With an EUI of ${this.eui(k('euiKwhPerSqm'))} against a peer median of ${this.eui('peers.medianEuiKwhPerSqm')}, lighting is a reliable first measure.`,
        ev: ['euiKwhPerSqm'],
        lo: 3,
        hi: 9,
      });
      lib.push({
        action: ['Peak demand management', 'Stagger plant start-up to trim the peak', 'Demand limiting on major plant'],
        why: () => `The peak of ${this.power(k('load.peakKw'))} and a load factor of ${this.ratio(k('load.loadFactor'))} suggest short, sharp peaks that can be flattened.`,
        ev: ['load.peakKw', 'load.loadFactor'],
        lo: 1,
        hi: 3,
      });
      lib.push({
        action: ['Recommission the BMS', 'Controls recommissioning', 'Retro-commissioning of HVAC controls'],
        why: () => `Weather sensitivity of ${this.slope(k('weather.slopeKwhPerDegC'))} indicates HVAC load that good controls can trim.`,
        ev: ['weather.slopeKwhPerDegC'],
        lo: 4,
        hi: 10,
      });
    } else {
      lib.push({
        action: ['Optimise boiler controls and weather compensation', 'Boiler sequencing and weather compensation', 'Heating controls upgrade'],
        why: () => `Gas use of ${this.energy(k('annualKwh'))} with a weather slope of ${this.slope(k('weather.slopeKwhPerDegC'))} is dominated by space heating.`,
        ev: ['annualKwh', 'weather.slopeKwhPerDegC'],
        lo: 4,
        hi: 12,
      });
      lib.push({
        action: ['Reduce gas baseload', 'Investigate summer gas use', 'Trim domestic hot water and standing losses'],
        why: () => `A gas baseload of ${this.power(k('load.baseloadKw'))} persists outside the heating season.`,
        ev: ['load.baseloadKw'],
        lo: 2,
        hi: 6,
      });
    }
    return lib.map((x) => ({ ...x, meter, mn }));
  }

  makeRec(item: any, priority: string, withSavings: boolean) {
    const meter = item.meter;
    const ak = this.mk(meter, 'annualKwh');
    const annual = this.f.m[ak];
    let pct: number | null = null,
      kwh: number | null = null;
    let why = item.why();
    if (withSavings && annual) {
      pct = this.rng.chance(0.6) ? Math.round(this.rng.range(item.lo, item.hi)) : Math.round(this.rng.range(item.lo, item.hi) * 2) / 2;
      if (pct < 1) pct = 1;
      const raw = (pct / 100) * annual;
      kwh = this.rng.chance(0.5) ? Math.round(raw) : roundSig(raw, this.p([3, 4]));
      if (this.mu.savingsArith) kwh = roundSig(raw * this.p([3, 4, 0.25]), 3);
      if (this.mu.impossible) {
        pct = this.p([110, 120, 135, 150]);
        kwh = Math.round((pct / 100) * annual);
      }
      let pctTxt = pct,
        kwhTxt = kwh;
      if (this.mu.savingsContra) {
        if (this.rng.chance(0.5)) pctTxt = pct * this.p([2, 3]) + 1;
        else kwhTxt = roundSig(kwh * this.p([2.5, 0.3]), 3);
      }
      const kS =
        this.is('other-units') && kwhTxt >= 1e4
          ? `${fsig(kwhTxt / 1000, 3)} MWh`
          : this.is('numbers-in-words') && kwhTxt >= 1e4 && !this.mu.savingsContra
            ? `${this.approxWord()} ${bigWords(kwhTxt)} kWh`
            : `${commas(Math.round(kwhTxt))} kWh`;
      why +=
        ' ' +
        this.p([
          `Estimated saving: ${pctTxt}% of ${this.meterName(meter)} use, about ${kS} a year.`,
          `We estimate ${pctTxt}% (${kS}/yr).`,
          `Saving ${kS} per year (${pctTxt}%).`,
          `This should save around ${pctTxt}% of annual ${this.meterName(meter)}, or ${kS}.`,
        ]);
    }
    const ev = item.ev.map((s: string) => this.e(this.mk(meter, s)));
    if (withSavings && this.rng.chance(0.5)) ev.push(this.e(ak));
    return { action: this.p(item.action as string[]), rationale: this.hedge(why), estimatedAnnualSavingsKwh: kwh, estimatedSavingsPct: pct, evidence: ev, priority };
  }

  // ================= whole answers =================
  build(): any {
    const t = this.type;
    const findings: any[] = [];
    let recs: any[] = [];
    const dia: any[] = [];
    const meters = this.f.meters;
    const issues = this.issuesFor();
    const conf = this.confidence();
    this.confFieldHigh = this.rng.chance(0.5);
    if (t === 'data-quality-triage') {
      if (!this.mu.dropCoverage) for (const m of meters) findings.push(this.sentCoverage(m));
      if (!this.mu.dropIssues)
        for (const i of this.f.issues) {
          const s = this.sentIssue(i);
          if (s && this.rng.chance(0.7)) findings.push(s);
        }
      if (this.rng.chance(0.5) || this.mu.dropCoverage || this.mu.derivBug === 'mean') {
        const ak = this.v('electricity.annualKwh');
        const mean =
          this.mu.derivBug === 'mean' || this.rng.chance(0.3)
            ? ` Annual use of ${this.energy('electricity.annualKwh')} works out at ${this.energy(this.mu.derivBug === 'mean' ? ak / 52 : ak / 365)} per day.`
            : '';
        findings.push({
          title: this.p(['Floor area and peers available', 'Normalisation inputs present', 'Floor area present']),
          detail:
            this.hedge(
              `Floor area is ${this.f.sqm ? commas(this.f.sqm, 1) + ' m²' : 'unavailable'}, so the EUI of ${this.eui('electricity.euiKwhPerSqm')} can be compared against ${this.count(this.v('peers.groupSize'), 'peer')}.`,
            ) + mean,
          evidence: [this.e('building.sqm'), this.e('electricity.euiKwhPerSqm')],
        });
      }
      if (this.rng.chance(0.4) || this.mu.missingUse) {
        const m = meters[0];
        const hasCP = this.has(`${m}.weather.changePoint.r2`);
        findings.push({
          title: this.p(['Weather data matched', 'Weather coverage', 'Weather normalisation possible']),
          detail: this.hedge(
            `${commas(this.v(`${m}.weather.days`))} days of weather data are matched to the meter${hasCP ? ', and a change-point model is available' : this.mu.missingUse ? `, and the heating balance point sits near ${this.p([14, 15, 16])} °C` : this.f.missing.length ? '; the change-point model is unavailable (it did not beat the straight line), which limits weather normalisation' : ''}.`,
          ),
          evidence: [this.e(`${m}.weather.days`), this.e(`${m}.weather.r`)],
        });
      }
      if (this.mu.forceAnomaly || (this.rng.chance(0.3) && this.f.anomalies.length)) {
        const a = this.f.anomalies.find((x) => x.kind.endsWith('low')) || this.f.anomalies[0];
        const s = this.sentAnomaly(a);
        s.detail +=
          ' ' +
          this.p(['Worth checking whether this is a metering artefact.', 'It should be verified against site logs before being treated as real.', 'Check it is not a data error.']);
        findings.push(s);
      }
      if (this.mu.invent) findings.push(this.sentInvented());
      if (!this.mu.dropIssues) for (const i of this.f.issues) dia.push(this.issueResponse(i));
      if (this.f.issues.length && this.rng.chance(0.6)) {
        recs.push({
          action: this.p(['Backfill or exclude the outage window', 'Fix the data feed', 'Check the meter logger']),
          rationale: 'Gaps in the record bias annual and monthly totals; the outage period should be recovered or explicitly excluded.',
          estimatedAnnualSavingsKwh: null,
          estimatedSavingsPct: null,
          evidence: [this.e(`${this.f.issues[0].meter}.coverage.outageCount`)],
          priority: 'high',
        });
      } else if (this.rng.chance(0.3)) {
        recs.push({
          action: this.p(['Keep monitoring data quality', 'Set up automated gap alerts']),
          rationale: 'The current record is fit for analysis; automated alerts will catch future outages early.',
          estimatedAnnualSavingsKwh: null,
          estimatedSavingsPct: null,
          evidence: [this.e(`${meters[0]}.coverage.coverageRatio`)],
          priority: 'low',
        });
      }
    } else if (t === 'building-diagnostic') {
      for (const m of meters) findings.push(this.sentConsumption(m));
      findings.push(this.sentLoad(meters[0]));
      findings.push(this.sentWeather(meters[0]));
      if (meters.length > 1 && this.rng.chance(0.6)) findings.push(this.sentWeather(meters[1]));
      if (this.rng.chance(0.45)) {
        const s = this.sentMonthly(meters[0]);
        if (s) findings.push(s);
      }
      if (!this.mu.dropAnomalies) for (const a of this.f.anomalies) findings.push(this.sentAnomaly(a));
      if (this.mu.invent) findings.push(this.sentInvented());
      for (const i of issues) dia.push(this.issueResponse(i));
      const nrec = 1 + this.rng.int(3);
      const big = this.f.anomalies[0];
      const steps: any[] = [];
      if (big && !this.mu.dropAnomalies)
        steps.push({
          action: `Investigate the ${big.kind} on ${this.mu.dateBug?.from === big.date ? this.mu.dateBug.to : big.date}`,
          rationale: this.hedge(
            `The largest deviation: ${this.energy(big.actualMetric)} against ${this.energy(big.expectedMetric)} expected. Check BMS logs and site diaries for that ${big.kind.startsWith('week') ? 'week' : 'day'}.`,
          ),
          estimatedAnnualSavingsKwh: null,
          estimatedSavingsPct: null,
          evidence: [this.e(big.actualMetric)],
          priority: 'high',
        });
      const lib = this.rng.shuffle(this.recLibrary(meters[0]));
      const withSav = this.rng.chance(0.4) || this.mu.impossible;
      for (const it of lib) {
        if (steps.length >= nrec && !(this.mu.impossible && !steps.some((s) => s.estimatedSavingsPct))) break;
        steps.push(this.makeRec(it, steps.length ? 'medium' : 'high', withSav));
      }
      recs = steps.slice(0, Math.max(nrec, this.mu.impossible ? 2 : 1));
      if (this.mu.impossible && !recs.some((r) => r.estimatedSavingsPct)) recs.push(this.makeRec(lib[0], 'medium', true));
    } else {
      // retrofit plan
      const nf = 1 + this.rng.int(3);
      const pool: [string, () => any][] = [
        ['load', () => this.sentLoad(meters[0])],
        ['cons', () => this.sentConsumption(meters[0])],
        ['weather', () => this.sentWeather(meters[0])],
      ];
      const need = new Set<string>();
      if (this.mu.derivBug === 'mean' || this.mu.derivBug === 'gap' || this.mu.dirBug === 'eui') need.add('cons');
      if (this.mu.derivBug === 'peakratio' || this.mu.dirBug === 'nd' || this.mu.dirBug === 'ww') need.add('load');
      if (this.mu.missingUse) need.add('weather');
      const chosen = this.rng.shuffle(pool).filter((x, i) => i < nf || need.has(x[0]));
      for (const [, fn] of chosen) findings.push(fn());
      if (this.mu.forceAnomaly) findings.push(this.sentAnomaly(this.f.anomalies[0]));
      if (this.mu.invent) findings.push(this.sentInvented());
      let lib = this.rng.shuffle(this.recLibrary(meters[0]));
      if (meters.length > 1) lib = [...lib.slice(0, 2), ...this.rng.shuffle(this.recLibrary(meters[1])).slice(0, 1), ...lib.slice(2)];
      const nrec = 2 + this.rng.int(3);
      const prio = ['high', 'high', 'medium', 'medium', 'low'];
      for (let i = 0; i < nrec && i < lib.length; i++) {
        const impossibleHere = this.mu.impossible && i === 0;
        const saved = this.mu.impossible;
        this.mu.impossible = impossibleHere;
        const savedA = this.mu.savingsArith;
        this.mu.savingsArith = savedA && i === 0;
        const savedC = this.mu.savingsContra;
        this.mu.savingsContra = savedC && i === 0;
        recs.push(this.makeRec(lib[i], prio[i], !this.mu.noSavings));
        this.mu.impossible = saved;
        this.mu.savingsArith = savedA;
        this.mu.savingsContra = savedC;
      }
      if (this.mu.impossible) recs[0].priority = 'high';
      for (const i of issues) dia.push(this.issueResponse(i));
    }
    if (this.mu.dropIssues) dia.length = 0;
    const summary = this.summary(findings, recs, conf);
    let confOut: any = conf;
    if (this.mu.confContra) confOut = this.confFieldHigh ? this.p([0.9, 0.92, 0.95]) : this.p([0.2, 0.25, 0.3]);
    if (this.is('format-slips') && this.rng.chance(0.4) && !this.mu.confContra) confOut = this.confWord(conf);
    const obj: any = { summary, findings, recommendations: recs, dataIssuesAddressed: dia, confidence: confOut };
    if (this.mu.confContra) this.notes.push(`confidence field ${confOut} vs prose ${this.confWord(conf)}`);
    return obj;
  }

  summary(findings: any[], recs: any[], conf: number): string {
    const t = this.type,
      m = this.f.meters[0];
    const b = this.bldg();
    const cw = this.confWord(conf);
    let confSent = this.p([
      `Confidence is ${cw}.`,
      `Overall confidence: ${cw}.`,
      `I have ${cw} confidence in these conclusions.`,
      cw === 'high'
        ? 'The data support firm conclusions.'
        : cw === 'moderate'
          ? 'Conclusions are reasonably firm but limited by the data issues noted.'
          : 'Confidence is low because of the data gaps.',
    ]);
    if (this.mu.confContra)
      confSent = this.confFieldHigh
        ? this.p(['Confidence is low given the limits of the data.', 'Overall confidence: low.', 'I have low confidence in these conclusions.'])
        : this.p(['Confidence is high.', 'I have high confidence in these conclusions.', 'Overall confidence: high.']);
    const issuesN = this.f.issues.length;
    let s: string;
    if (t === 'data-quality-triage') {
      const ratio = this.f.m[`${m}.coverage.coverageRatio`];
      const fit = this.f.issues.some((i) => i.severity === 'critical') ? 'usable only with care' : issuesN ? 'fit for analysis with caveats' : 'fit for analysis';
      const cov = this.mu.impossible ? this.pct(100 * ratio + 7, 1) : ratio === 1 ? '100%' : this.pct(100 * ratio, 1);
      s = this.p([
        `${b}: the meter data is ${fit}. ${this.cap(m)} coverage is ${cov} and ${issuesN ? `${this.count(issuesN, 'data issue')} ${issuesN === 1 ? 'needs' : 'need'} attention` : 'no data issues were flagged'}.`,
        `Data for ${this.f.id} is ${fit}: ${cov} of hours are valid${issuesN ? `, with ${this.count(issuesN, 'flagged issue')}` : ' and nothing was flagged'}.`,
        `Triage verdict for ${b}: ${fit} (coverage ${cov}).`,
      ]);
    } else if (t === 'building-diagnostic') {
      const nA = this.f.anomalies.length;
      s = this.p([
        `${b} used ${this.energy(`${m}.annualKwh`)} of ${m} (${this.eui(`${m}.euiKwhPerSqm`)}). ${this.mu.dropAnomalies ? 'The load shape points to scope for out-of-hours savings.' : `The load shape and ${this.count(nA, 'flagged anomaly', 'flagged anomalies')} are discussed below.`}`,
        `Diagnostic for ${b}: baseload ${this.power(`${m}.load.baseloadKw`)}, peak ${this.power(`${m}.load.peakKw`)}, EUI ${this.eui(`${m}.euiKwhPerSqm`)}.${this.mu.dropAnomalies ? '' : ` ${this.cap(this.count(nA, 'anomaly', 'anomalies'))} from the list are reviewed.`}`,
        `${this.cap(b)} draws ${this.energy(`${m}.annualKwh`)} a year with a baseload of ${this.power(`${m}.load.baseloadKw`)}; intensity is compared against peers and the main anomalies are explained.`.replace(
          this.mu.dropAnomalies ? /; intensity.*$/ : /^$/,
          '; intensity is compared against peers.',
        ),
      ]);
    } else {
      const withS = recs.filter((r) => typeof r.estimatedAnnualSavingsKwh === 'number' && r.estimatedSavingsPct <= 100);
      const tot = withS.reduce((a, r) => a + r.estimatedAnnualSavingsKwh, 0);
      const totTxt =
        tot && !this.mu.savingsArith && !this.mu.impossible && this.f.meters.length === 1
          ? ` Together the measures save about ${commas(Math.round(tot))} kWh a year, ${this.pct((tot / this.f.m[`${m}.annualKwh`]) * 100, 1)} of ${m} use.`
          : '';
      s = this.p([
        `${this.count(recs.length, 'measure')} for ${b}, led by ${recs[0].action.toLowerCase()}.${totTxt}`,
        `Retrofit plan for ${b} (${this.energy(`${m}.annualKwh`)} a year): ${recs.map((r) => r.action.toLowerCase()).join('; ')}.${totTxt}`,
        `A prioritized plan for ${b}.${totTxt} Highest priority: ${recs[0].action.toLowerCase()}.`,
      ]);
      if (this.mu.noSavings) s = s.replace(totTxt, '');
    }
    s = this.cap(s);
    if (this.is('executive')) s = `Bottom line: ${s}`;
    if (this.is('verbose-consultant'))
      s = `Following a review of the computed metrics, ${s.charAt(0).toLowerCase() + s.slice(1)} The observations below are grounded in the supplied data and are intended to inform the next stage of work.`;
    if (this.is('hedged')) s = s + ' These readings are indicative and should be confirmed on site.';
    if (this.rng.chance(0.6) || this.mu.confContra) s += ' ' + confSent;
    return s;
  }
}

export function britishify(s: string) {
  for (const [a, b] of BRIT) s = s.replace(a, b);
  return s;
}
export function wrapText(obj: any, st: Style, rng: Rng, f: Facts, type: string): string {
  const json = st === 'terse' || (st !== 'markdown' && rng.chance(0.25)) ? JSON.stringify(obj) : JSON.stringify(obj, null, rng.pick([2, 2, 4]));
  const typeName = type === 'data-quality-triage' ? 'data-quality triage' : type === 'building-diagnostic' ? 'diagnostic' : 'retrofit plan';
  if (st === 'code-fenced')
    return rng.chance(0.5) ? '```json\n' + json + '\n```' : `${rng.pick(['Here is the ' + typeName + ':', 'Analysis below.', 'Result:'])}\n\n\`\`\`json\n${json}\n\`\`\``;
  if (st === 'chatty-preamble')
    return `${rng.pick([`Sure — here is the ${typeName} for ${f.id}.`, `Here's my ${typeName}, based only on the metrics provided:`, `Below is the requested ${typeName} as JSON.`])}\n\n${json}${rng.chance(0.4) ? '\n\nLet me know if you would like any section expanded.' : ''}`;
  if (st === 'markdown' && rng.chance(0.3)) return '```\n' + json + '\n```';
  return json;
}
