/**
 * Writer E — builders of correct answers, one class per writing style. Every number goes
 * through `Facts.v` (prose) or `Facts.ev` (evidence), so a defect can falsify exactly one.
 */
import { type AnalysisType, type Anomaly, type DataIssue, type Rng, nice, words, sig, monthName, commas } from './lib';
import { type Facts, kindOf } from './facts';

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
export interface Rec {
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
  recommendations: Rec[];
  dataIssuesAddressed: { issue: string; response: string }[];
  confidence: number | string;
}

export type Wrap = 'raw' | 'fence' | 'preamble' | 'preamble-fence' | 'pretty';

export interface Built {
  answer: Answer;
  wrap: Wrap;
  preamble?: string;
}

const METER_WORD: Record<string, string> = { electricity: 'electricity', gas: 'gas' };

/** A recommendation idea before it is written up. */
export interface RecPlan {
  kind: string;
  meter: string;
  pct: number | null;
  evidenceKeys: string[];
}

export abstract class Writer {
  abstract readonly name: string;
  british = true;
  /** How quantities are written in prose. */
  mode: 'plain' | 'words' | 'mwh' | 'exact' | 'range' | 'adj' = 'plain';
  euiUnit = 'kWh/m²';
  slopeUnit = 'kWh/day/°C';
  pctWord = '%';
  evidencePercent = false;
  evidenceMwh = false;
  sloppy = false;
  maxAnomalies = 3;
  f!: Facts;
  r!: Rng;
  type!: AnalysisType;

  // ------------------------------------------------------------ spelling
  sp(word: string): string {
    if (this.british) return word;
    const us: Record<string, string> = {
      analyse: 'analyze',
      analysed: 'analyzed',
      analysis: 'analysis',
      behaviour: 'behavior',
      centre: 'center',
      optimise: 'optimize',
      optimisation: 'optimization',
      utilisation: 'utilization',
      normalised: 'normalized',
      annualised: 'annualized',
      prioritise: 'prioritize',
      programme: 'program',
      summarise: 'summarize',
      characterise: 'characterize',
      minimise: 'minimize',
      recognise: 'recognize',
      modelling: 'modeling',
      favour: 'favor',
      metre: 'meter',
      'per cent': 'percent',
      litre: 'liter',
      colour: 'color',
      organisation: 'organization',
    };
    return us[word] ?? word;
  }

  // ------------------------------------------------------------ numbers
  unitOf(key: string): string {
    switch (kindOf(key)) {
      case 'kwh':
        return 'kWh';
      case 'kw':
        return 'kW';
      case 'eui':
        return this.euiUnit;
      case 'h':
        return 'h';
      case 'slope':
        return this.slopeUnit;
      case 'degc':
        return '°C';
      case 'pct':
        return this.pctWord;
      case 'days':
        return 'days';
      default:
        return '';
    }
  }

  /** The number alone, per the style's mode (no unit). */
  n(key: string, digits = 3): string {
    const v = this.f.v(key);
    return this.fmt(v, key, digits);
  }

  fmt(v: number, key: string, digits = 3): string {
    const k = kindOf(key);
    if (k === 'count') return String(Math.round(v));
    if (k === 'r') return nice(v, 2);
    if (k === 'ratio' || k === 'x') return nice(v, digits === 3 ? 3 : digits);
    if (this.mode === 'exact' && (k === 'kwh' || k === 'kw' || k === 'eui')) return commas(v, 3);
    return nice(v, digits);
  }

  /** Quantity with unit, as the style writes it. */
  q(key: string, opts: { adj?: boolean; digits?: number } = {}): string {
    const v = this.f.v(key);
    const k = kindOf(key);
    const tampered = this.f.t.unit?.[key];
    if (tampered) return `${nice(v, 4)} ${tampered}`;
    const digits = opts.digits ?? 3;
    if (k === 'kwh' && (this.mode === 'mwh' || this.mode === 'words' || this.mode === 'adj') && Math.abs(v) >= 10000) {
      const mwh = v / 1000;
      if (this.mode === 'words' && this.wordOk(mwh)) return `${words(mwh, this.british)} megawatt-hours`;
      return `${nice(mwh, digits)} MWh`;
    }
    if (this.mode === 'words' && (k === 'kw' || k === 'kwh' || k === 'days') && this.wordOk(v)) {
      const u = k === 'kw' ? 'kilowatts' : k === 'kwh' ? 'kilowatt-hours' : 'days';
      return `${words(v, this.british)} ${u}`;
    }
    if (this.mode === 'range' && /baseloadKw$|peakKw$|^electricity\.euiKwhPerSqm$/.test(key) && v > 5 && !opts.adj) {
      const rg = rangeFor(v);
      if (rg) return `between ${nice(rg[0], 3)} and ${nice(rg[1], 3)} ${this.unitOf(key)}`;
    }
    if (k === 'pctile') return ordinal(Math.round(v)) + ' percentile';
    if (k === 'pct') return `${nice(v, digits)}${this.pctWord === '%' ? '%' : ' ' + this.sp(this.pctWord)}`;
    if (k === 'slope') return `${nice(Math.abs(v), digits)} ${this.slopeUnit}`;
    if (k === 'h') return opts.adj ? `${nice(v)}-hour` : `${nice(v)} hours`;
    const u = this.unitOf(key);
    const num = this.fmt(v, key, digits);
    return u ? `${num} ${u}` : num;
  }

  wordOk(v: number): boolean {
    const r = Math.round(v);
    return r >= 2 && r < 1_000_000 && Math.abs(r - v) / Math.abs(v) <= 0.012;
  }

  /** Percent form of a 0–1 ratio key. */
  pc(key: string): string {
    const v = this.f.v(key) * 100;
    return `${nice(v, 3)}${this.pctWord === '%' ? '%' : ' ' + this.sp(this.pctWord)}`;
  }

  // ------------------------------------------------------------ evidence
  ev(key: string): Evidence {
    let value: number = this.f.ev(key);
    let unit: string | undefined = this.unitOf(key) || undefined;
    const k = kindOf(key);
    if (k === 'ratio' || k === 'r' || k === 'x' || k === 'count') unit = this.evidenceRatioUnit(key);
    if (k === 'pctile') unit = 'percentile';
    if (k === 'slope') unit = this.slopeUnit;
    if (k === 'h') unit = this.sloppy ? 'hrs' : this.evHoursUnit();
    if (this.evidenceMwh && k === 'kwh' && Math.abs(value) >= 10000) {
      value = value / 1000;
      unit = 'MWh';
    }
    if (this.evidencePercent && /coverageRatio$|loadFactor$/.test(key)) {
      value = value * 100;
      unit = this.british ? 'per cent' : 'percent';
    }
    let out: number | string = Number.isInteger(value) ? value : sig(value, 5);
    let metric = key;
    if (this.sloppy && this.r.chance(0.35)) out = String(out);
    if (this.sloppy && this.r.chance(0.3)) metric = variantName(key, this.f.b.meters.length === 1);
    const e: Evidence = { metric, value: out };
    if (unit !== undefined && unit !== '') e.unit = unit;
    return e;
  }

  evidenceRatioUnit(_key: string): string | undefined {
    return undefined;
  }

  evHoursUnit(): string {
    return 'hours';
  }

  evs(...keys: string[]): Evidence[] {
    return keys.filter((k) => this.f.has(k)).map((k) => this.ev(k));
  }

  // ------------------------------------------------------------ small helpers
  meters(): string[] {
    return this.f.b.meters;
  }

  hasGas(): boolean {
    return this.f.b.meters.includes('gas');
  }

  cpMissing(meter: string): boolean {
    return this.f.isMissing(`${meter}.weather.changePoint`) || !this.f.has(`${meter}.weather.changePoint.r2`);
  }

  use(): string {
    const u = this.f.b.primaryUse;
    const map: Record<string, string> = {
      Office: 'office building',
      Education: 'education building',
      'Lodging/residential': 'residential building',
      Laboratory: 'laboratory',
      Retail: 'retail building',
    };
    return u ? (map[u] ?? `${u.toLowerCase()} building`) : 'building';
  }

  label(): string {
    const u = this.f.b.primaryUse;
    return u ? `${u.toLowerCase()} building ${this.f.b.id}` : `building ${this.f.b.id}`;
  }

  aboveMedian(): 'above' | 'below' | 'near' {
    const d = this.f.truth('d.euiVsMedianPct');
    if (Math.abs(d) < 3) return 'near';
    return d > 0 ? 'above' : 'below';
  }

  weatherWords(meter: string): { dir: string; warm: string; drive: string } {
    const rises = this.f.weatherRises(meter);
    return rises ? { dir: 'rises', warm: 'higher on warmer days', drive: 'cooling' } : { dir: 'falls', warm: 'higher on colder days', drive: 'heating' };
  }

  largestAnomalies(): number[] {
    const idx = this.f.b.anomalies.map((_, i) => i);
    idx.sort((a, b) => Math.abs(this.f.b.anomalies[b].robustZ) - Math.abs(this.f.b.anomalies[a].robustZ));
    const top = idx.slice(0, this.maxAnomalies);
    // the first listed anomaly of each meter is also "largest" for that meter
    for (const meter of this.f.b.meters) {
      const first = this.f.b.anomalies.findIndex((a) => a.meter === meter);
      if (first >= 0 && !top.includes(first) && top.length < this.maxAnomalies + 1) top.push(first);
    }
    return top;
  }

  anomalyNoun(a: Anomaly): string {
    const high = a.kind.endsWith('high');
    const week = a.kind.startsWith('week');
    if (week) return high ? `high-consumption week` : `low-consumption week`;
    return high ? this.r.pick(['spike', 'high day', 'surge']) : this.r.pick(['dip', 'low day', 'drop']);
  }

  dateText(i: number): string {
    const a = this.f.b.anomalies[i];
    return a.kind.startsWith('week') ? `the week starting ${this.f.date(i)}` : this.f.date(i);
  }

  outageSpan(issue: DataIssue): string | null {
    const m = /from (\d{4}-\d\d-\d\d)T[\d:]+Z to (\d{4}-\d\d-\d\d)T/.exec(issue.message);
    return m ? `${m[1]} to ${m[2]}` : null;
  }

  issueMeter(issue: DataIssue): string {
    const m = /^(\w+):/.exec(issue.message);
    return m ? m[1] : 'electricity';
  }

  issueHours(issue: DataIssue): string | null {
    const m = /^\w+: ([\d,]+) h /.exec(issue.message);
    return m ? m[1] : null;
  }

  // ------------------------------------------------------------ building blocks (overridable)
  abstract summary(): string;

  consumptionFinding(meter: string): Finding {
    const a = `${meter}.annualKwh`;
    const t = `${meter}.totalKwh`;
    const differs = this.f.truth(a) !== this.f.truth(t);
    const pd = `d.${meter}.perDay`;
    const v = this.r.int(0, 3);
    let detail: string;
    if (differs) {
      detail = [
        `Metered ${meter} over the valid hours comes to ${this.q(t)}, which annualises to ${this.q(a)} (about ${this.q(pd)} per day on average).`,
        `${cap(meter)} readings sum to ${this.q(t)}; scaled up for the hours without data, the year comes to ${this.q(a)}.`,
        `Scaling the ${this.q(t)} actually metered to a full year gives ${this.q(a)} of ${meter}, or ${this.q(pd)} per day.`,
        `The annualised ${meter} figure is ${this.q(a)} (${this.q(t)} measured directly, the rest filled pro rata).`,
      ][v];
    } else {
      detail = [
        `The ${meter} meter recorded ${this.q(a)} over the year, roughly ${this.q(pd)} a day.`,
        `${cap(meter)} for 2019 totals ${this.q(a)}, with no annualisation needed.`,
        `All of the year's ${meter} is metered: ${this.q(a)} in total, close to ${this.q(pd)} per day.`,
        `Over twelve months the building drew ${this.q(a)} of ${meter}.`,
      ][v];
    }
    const title = this.r.pick([`${cap(meter)} consumption`, `Annual ${meter} use`, `How much ${meter}`, `${cap(meter)} total`]);
    return { title, detail: this.sp2(detail), evidence: this.evs(a, t) };
  }

  intensityFinding(): Finding {
    const pos = this.aboveMedian();
    const eui = this.q('electricity.euiKwhPerSqm');
    const med = this.q('peers.medianEuiKwhPerSqm');
    const pct = this.q('peers.euiPercentile');
    const n = this.n('peers.groupSize');
    const rel = pos === 'near' ? 'in line with' : pos === 'above' ? 'above' : 'below';
    const detail = this.r.pick([
      `Electricity intensity of ${eui} sits ${rel} the peer median of ${med}, at the ${pct} of ${n} peers.`,
      `At ${eui} the building is ${pos === 'near' ? 'level with' : pos === 'above' ? 'more intensive than' : 'less intensive than'} the typical peer (median ${med}); its rank is the ${pct} in a group of ${n}.`,
      `Per square metre it uses ${eui} of electricity. The ${n}-building peer group has a median of ${med}, which puts this site at the ${pct}.`,
      `Benchmark: ${eui} here versus a ${med} peer median (${pct}, ${n} peers) - ${pos === 'near' ? 'unremarkable' : pos === 'above' ? 'on the high side' : 'on the low side'}.`,
    ]);
    return {
      title: this.r.pick(['Intensity against peers', 'Peer comparison', 'Energy use intensity', 'EUI benchmark']),
      detail,
      evidence: this.evs('electricity.euiKwhPerSqm', 'peers.medianEuiKwhPerSqm', 'peers.euiPercentile'),
    };
  }

  loadFinding(meter: string): Finding {
    const p = `${meter}.load`;
    const b = this.q(`${p}.baseloadKw`),
      pk = this.q(`${p}.peakKw`);
    const lf = this.n(`${p}.loadFactor`),
      nd = this.n(`${p}.nightDayRatio`),
      ww = this.n(`${p}.weekdayWeekendRatio`);
    const ndHigh = this.f.truth(`${p}.nightDayRatio`) > 0.7;
    const wwFlat = this.f.truth(`${p}.weekdayWeekendRatio`) < 1.15;
    const detail = this.r.pick([
      `Baseload ${b} against a peak of ${pk}; load factor ${lf}, night/day ratio ${nd} and weekday/weekend ratio ${ww}.`,
      `The load never falls below about ${b} and tops out at ${pk}. A load factor of ${lf} ${Number(lf) < 0.35 ? 'points to a peaky profile' : 'indicates a fairly steady profile'}; nights run at ${nd} of daytime demand and weekdays at ${ww} times weekends${ndHigh ? ', so a lot of plant stays on overnight' : ''}.`,
      `Overnight the ${meter} demand settles at ${b}; the highest hour reaches ${pk}. Night-to-day ratio ${nd}, weekday-to-weekend ratio ${ww}${wwFlat ? ' (weekends are barely quieter than weekdays)' : ''}, load factor ${lf}.`,
      `Peak ${pk}, base ${b}. With a night/day ratio of ${nd} and a weekday/weekend ratio of ${ww}, the profile ${ndHigh || wwFlat ? 'shows limited setback outside occupied hours' : 'follows occupancy reasonably well'}; load factor is ${lf}.`,
    ]);
    return {
      title: this.r.pick([`${cap(meter)} load shape`, `${cap(meter)} load profile`, `Baseload and peak (${meter})`]),
      detail,
      evidence: this.evs(`${p}.baseloadKw`, `${p}.peakKw`, `${p}.loadFactor`, `${p}.nightDayRatio`, `${p}.weekdayWeekendRatio`),
    };
  }

  weatherFinding(meter: string): Finding {
    const w = `${meter}.weather`;
    const ww = this.weatherWords(meter);
    const st = this.f.strength(this.f.truth(`${w}.r`));
    const s = this.n(`${w}.slopeKwhPerDegC`),
      r = this.n(`${w}.r`);
    let detail = this.r.pick([
      `Daily ${meter} use ${ww.dir} as outdoor temperature rises (slope ${s} kWh/°C, r = ${r}): a ${st} ${ww.drive}-type signal.`,
      `Regressing daily ${meter} on outdoor temperature gives a slope of ${s} kWh per °C with r = ${r}; ${meter} use ${ww.dir} as outdoor temperature climbs, a ${st} ${ww.drive} dependence.`,
      `The ${meter} demand is ${ww.warm}: ${meter} use ${ww.dir} as outdoor temperature rises, at ${this.q(`d.${meter}.slopeAbs`)} per degree (r = ${r}, ${st}).`,
    ]);
    const keys = [`${w}.slopeKwhPerDegC`, `${w}.r`];
    if (this.cpMissing(meter)) {
      detail += this.r.pick([
        ' No change-point model is available for this meter, so no balance point is quoted.',
        ` A change-point model is not available for ${meter} (it did not beat the straight line), so the balance point is unknown.`,
      ]);
    } else if (this.f.has(`${w}.changePoint.heatingBalancePointC`)) {
      detail += this.r.pick([
        ` The change-point fit puts the heating balance point at ${this.q(`${w}.changePoint.heatingBalancePointC`)}.`,
        ` Below roughly ${this.q(`${w}.changePoint.heatingBalancePointC`)} outside, heating load starts to build (change-point model).`,
      ]);
      keys.push(`${w}.changePoint.heatingBalancePointC`);
    }
    return {
      title: this.r.pick([`${cap(meter)} weather sensitivity`, `Weather dependence of ${meter}`, `${cap(meter)} vs outdoor temperature`]),
      detail,
      evidence: this.evs(...keys),
    };
  }

  seasonalFinding(meter: string): Finding {
    const hi = this.f.maxMonth(meter);
    const lo = this.f.minMonth(meter);
    const detail = this.r.pick([
      `${monthName(hi.ym)} is the heaviest month at ${this.q(hi.key)} and ${monthName(lo.ym)} the lightest at ${this.q(lo.key)}.`,
      `Monthly ${meter} ranges from ${this.q(lo.key)} (${monthName(lo.ym)}) up to ${this.q(hi.key)} (${monthName(hi.ym)}).`,
      `The busiest month, ${monthName(hi.ym)}, used ${this.q(hi.key)}; the quietest, ${monthName(lo.ym)}, ${this.q(lo.key)}.`,
    ]);
    return { title: this.r.pick([`${cap(meter)} seasonal profile`, `Monthly pattern (${meter})`]), detail, evidence: this.evs(hi.key, lo.key) };
  }

  anomalyFinding(i: number): Finding {
    const a = this.f.b.anomalies[i];
    const ak = this.f.anomalyActualKey(i);
    const ek = this.f.anomalyExpectedKey(i);
    const high = a.kind.endsWith('high');
    const noun = this.anomalyNoun(a);
    const detail = this.r.pick([
      `On ${this.dateText(i)} the ${a.meter} meter read ${this.q(ak)} against an expected ${this.q(ek)}.`,
      `${cap(a.meter)} ${high ? 'jumped to' : 'fell to'} ${this.q(ak)} on ${this.dateText(i)}, where ${this.q(ek)} was expected.`,
      `A ${noun} on ${this.dateText(i)}: ${this.q(ak)} of ${a.meter} versus the ${this.q(ek)} the model predicted.`,
      `Expected ${this.q(ek)}, measured ${this.q(ak)} - ${a.meter}, ${this.dateText(i)}. ${high ? 'Check for plant left running or an event.' : 'Check for a shutdown or a metering fault.'}`,
    ]);
    return { title: `${cap(a.meter)} ${noun} on ${this.f.date(i)}`, detail, evidence: this.evs(ak, ek) };
  }

  coverageFinding(meter: string): Finding {
    const c = `${meter}.coverage`;
    const detail = this.r.pick([
      `${cap(meter)}: ${this.n(`${c}.validHours`)} of ${this.n(`${c}.expectedHours`)} hours valid (${this.q(`d.${meter}.covPct`)}), ${this.n(`${c}.zeroHours`)} zero hours, ${this.n(`${c}.missingHours`)} missing, longest gap ${this.n(`${c}.longestGapHours`)} h.`,
      `The ${meter} series has valid readings for ${this.q(`d.${meter}.covPct`)} of the year (${this.n(`${c}.validHours`)} hours). ${this.n(`${c}.zeroHours`)} hours read zero and the longest run without a valid reading is ${this.n(`${c}.longestGapHours`)} hours.`,
      `Of the ${this.n(`${c}.expectedHours`)} hours expected, ${this.n(`${c}.validHours`)} are usable for ${meter}; none are negative and ${this.n(`${c}.missingHours`)} are missing outright, while zero readings account for ${this.n(`${c}.zeroHours`)} hours.`,
    ]);
    const negOk = this.f.truth(`${c}.negativeHours`) === 0;
    return {
      title: this.r.pick([`${cap(meter)} coverage`, `${cap(meter)} data completeness`, `Coverage of the ${meter} meter`]),
      detail: negOk ? detail : detail.replace('none are negative and ', ''),
      evidence: this.evs(`${c}.coverageRatio`, `${c}.validHours`, `${c}.zeroHours`, `${c}.longestGapHours`),
    };
  }

  issueResponse(issue: DataIssue): string {
    const meter = this.issueMeter(issue);
    if (issue.kind === 'outage') {
      const span = this.outageSpan(issue);
      const h = this.issueHours(issue);
      return this.r.pick([
        `Exclude the ${meter} outage${span ? ` (${span})` : ''} from load-shape statistics and rely on the annualised figure; ask the site to check the logger for that period.`,
        `${h ? `${h} hours` : 'The gap'}${span ? ` between ${span}` : ''} carry no valid ${meter} reading: left out of baseload and anomaly work, and the annual total is scaled to compensate.`,
        `Flagged the ${meter} gap${span ? ` of ${span}` : ''} and requested back-filled data from the metering contractor; profile metrics exclude it.`,
      ]);
    }
    if (issue.kind === 'zero-runs') {
      return this.r.pick([
        `Treat the ${meter} zero runs as plant off (no consumption), not as missing data, and confirm the seasonal shutdown with the site.`,
        `The long ${meter} zero runs look like a summer heating shutdown; kept as genuine zeros rather than gaps.`,
        `Zero-reading runs on ${meter} counted as no consumption; worth a quick check with facilities that the boiler really was off.`,
      ]);
    }
    if (issue.kind === 'low-coverage') {
      return this.r.pick([
        `Caveat annual ${meter} figures: coverage is below target, so totals are annualised and should be confirmed with a fuller data extract.`,
        `Coverage of the ${meter} meter is low; annual figures are extrapolated and the conclusions carry that uncertainty.`,
      ]);
    }
    return `Note the ${meter} ${issue.kind} issue and treat affected figures with caution.`;
  }

  recText(p: RecPlan): { action: string; rationale: string } {
    return defaultRecText(this, p);
  }

  /** Post-process every string (spelling). */
  sp2(s: string): string {
    if (this.british) return s;
    return s
      .replace(/annualis/g, 'annualiz')
      .replace(/normalis/g, 'normaliz')
      .replace(/optimis/g, 'optimiz')
      .replace(/prioritis/g, 'prioritiz')
      .replace(/behaviour/g, 'behavior')
      .replace(/analys(e|ed|ing)\b/g, 'analyz$1')
      .replace(/utilis/g, 'utiliz')
      .replace(/minimis/g, 'minimiz')
      .replace(/modelling/g, 'modeling')
      .replace(/centre/g, 'center')
      .replace(/per cent/g, 'percent')
      .replace(/programme/g, 'program')
      .replace(/characteris/g, 'characteriz');
  }

  confidence(): number {
    const issues = this.f.b.dataIssues;
    const crit = issues.filter((i) => i.severity === 'critical').length;
    const warn = issues.filter((i) => i.severity === 'warning').length;
    let c = this.type === 'data-quality-triage' ? 0.88 : this.type === 'building-diagnostic' ? 0.8 : 0.7;
    c -= Math.min(0.15, warn * 0.04) + crit * 0.15;
    if (this.f.b.missing.length) c -= 0.04;
    return Math.round(Math.max(0.35, c) * 100) / 100;
  }

  confidenceWord(c: number): string {
    return c >= 0.75 ? 'reasonably high' : c >= 0.5 ? 'moderate' : 'low';
  }

  wrap(): Wrap {
    return this.r.pick(['raw', 'raw', 'fence', 'preamble', 'pretty'] as Wrap[]);
  }

  preamble(): string {
    return this.r.pick([`Here is the ${this.type.replace(/-/g, ' ')} for ${this.f.b.id}:`, 'Analysis below.', `Result for building ${this.f.b.id}:`]);
  }

  // ------------------------------------------------------------ plans
  recPlans(): RecPlan[] {
    return planRecs(this.f, this.type, this.r);
  }

  buildRec(p: RecPlan): Rec {
    const t = this.recText(p);
    const annual = this.f.has(`${p.meter}.annualKwh`) ? this.f.truth(`${p.meter}.annualKwh`) : null;
    const kwh = p.pct === null || annual === null ? null : Math.round(sig((p.pct / 100) * annual, 3));
    return {
      action: this.sp2(t.action),
      rationale: this.sp2(t.rationale),
      estimatedAnnualSavingsKwh: kwh,
      estimatedSavingsPct: p.pct,
      evidence: this.evs(...p.evidenceKeys),
      priority: 'medium',
    };
  }

  /** Savings kWh of a plan, as written in prose. */
  savingsText(p: RecPlan): string {
    const annual = this.f.truth(`${p.meter}.annualKwh`);
    const kwh = Math.round(sig(((p.pct ?? 0) / 100) * annual, 3));
    if ((this.mode === 'mwh' || this.mode === 'words' || this.mode === 'adj') && kwh >= 10000) return `${nice(kwh / 1000, 3)} MWh`;
    return `${commas(kwh, 0)} kWh`;
  }

  findings(): Finding[] {
    const out: Finding[] = [];
    const f = this.f;
    if (this.type === 'data-quality-triage') {
      for (const m of this.meters()) out.push(this.coverageFinding(m));
      const extra = this.triageExtras();
      out.push(...extra);
    } else if (this.type === 'building-diagnostic') {
      for (const m of this.meters()) out.push(this.consumptionFinding(m));
      out.push(this.intensityFinding());
      for (const m of this.meters()) out.push(this.loadFinding(m));
      for (const m of this.meters()) out.push(this.weatherFinding(m));
      if (this.r.chance(0.5)) out.push(this.seasonalFinding(this.r.pick(this.meters())));
      for (const i of this.largestAnomalies()) out.push(this.anomalyFinding(i));
    } else {
      out.push(this.intensityFinding());
      out.push(this.loadFinding('electricity'));
      if (this.hasGas() || this.r.chance(0.5)) out.push(this.weatherFinding(this.hasGas() ? 'gas' : 'electricity'));
      if (f.b.anomalies.length && this.r.chance(0.5)) out.push(this.anomalyFinding(this.largestAnomalies()[0]));
    }
    return out;
  }

  triageExtras(): Finding[] {
    const out: Finding[] = [];
    const sqm = this.f.b.floorAreaSqm;
    if (sqm) {
      out.push({
        title: 'Floor area present',
        detail: `Floor area is recorded (${this.q('building.sqm').replace(/ ?(kWh|kW)?$/, '')} m²), so intensity figures such as ${this.q('electricity.euiKwhPerSqm')} can be computed.`,
        evidence: [this.evUnit('building.sqm', 'm²'), this.ev('electricity.euiKwhPerSqm')],
      });
    }
    const m = 'electricity';
    out.push({
      title: 'Weather coverage',
      detail: `${this.n(`${m}.weather.days`)} days have both meter and weather data for the regression.${this.cpMissing(m) ? ' The electricity change-point model is unavailable (no fit beat the straight line), so balance points are not reported.' : ''}`,
      evidence: [this.evUnit(`${m}.weather.days`, 'days')],
    });
    return out;
  }

  evUnit(key: string, unit: string): Evidence {
    const e = this.ev(key);
    e.unit = unit;
    return e;
  }

  issuesAddressed(): { issue: string; response: string }[] {
    const all = this.type === 'data-quality-triage';
    return this.f.relevantIssues(all || this.r.chance(0.3)).map((i) => ({ issue: i.kind, response: this.sp2(this.issueResponse(i)) }));
  }

  build(f: Facts, type: AnalysisType, r: Rng): Built {
    this.f = f;
    this.r = r;
    this.type = type;
    const findings = this.findings().map((x) => ({ ...x, title: this.sp2(x.title), detail: this.sp2(x.detail) }));
    let recs: Rec[] = [];
    const plans = this.recPlans();
    recs = plans.map((p) => this.buildRec(p));
    assignPriority(recs);
    const answer: Answer = {
      summary: this.sp2(this.summary()),
      findings,
      recommendations: recs,
      dataIssuesAddressed: this.issuesAddressed(),
      confidence: this.confidence(),
    };
    const w = this.wrap();
    return { answer, wrap: w, preamble: w.startsWith('preamble') ? this.preamble() : undefined };
  }
}

// ---------------------------------------------------------------- recommendation planning

export function planRecs(f: Facts, type: AnalysisType, r: Rng): RecPlan[] {
  const m = f.b.metrics;
  const out: RecPlan[] = [];
  if (type === 'data-quality-triage') {
    for (const i of f.b.dataIssues) {
      if (i.kind === 'outage' && !out.some((p) => p.kind === 'fix-logger')) {
        const meter = /^(\w+):/.exec(i.message)?.[1] ?? 'electricity';
        out.push({ kind: 'fix-logger', meter, pct: null, evidenceKeys: [`${meter}.coverage.longestGapHours`, `${meter}.coverage.outageCount`] });
      }
      if (i.kind === 'zero-runs' && !out.some((p) => p.kind === 'confirm-zero')) {
        const meter = /^(\w+):/.exec(i.message)?.[1] ?? 'gas';
        out.push({ kind: 'confirm-zero', meter, pct: null, evidenceKeys: [`${meter}.coverage.zeroHours`] });
      }
    }
    if (!out.length && r.chance(0.5)) out.push({ kind: 'keep-monitoring', meter: 'electricity', pct: null, evidenceKeys: ['electricity.coverage.coverageRatio'] });
    return out.slice(0, 2);
  }
  const cands: RecPlan[] = [];
  const e = 'electricity';
  const share = f.derived[`d.${e}.baseShare`] ?? 0;
  cands.push({ kind: 'baseload', meter: e, pct: share > 55 ? 8 : share > 35 ? 6 : 4, evidenceKeys: [`${e}.load.baseloadKw`, `${e}.load.nightDayRatio`] });
  const wwr = m[`${e}.load.weekdayWeekendRatio`];
  if (wwr !== undefined && wwr < 1.3) cands.push({ kind: 'weekend', meter: e, pct: 5, evidenceKeys: [`${e}.load.weekdayWeekendRatio`] });
  else if (m[`${e}.load.nightDayRatio`] > 0.55) cands.push({ kind: 'schedule', meter: e, pct: 4, evidenceKeys: [`${e}.load.nightDayRatio`, `${e}.load.baseloadKw`] });
  if (f.b.meters.includes('gas') && m['gas.annualKwh'] > 0) {
    const keys = ['gas.weather.slopeKwhPerDegC', 'gas.weather.r'];
    if (m['gas.weather.changePoint.heatingBalancePointC'] !== undefined) keys.push('gas.weather.changePoint.heatingBalancePointC');
    cands.push({ kind: 'heating', meter: 'gas', pct: Math.abs(m['gas.weather.r']) > 0.6 ? 8 : 5, evidenceKeys: keys });
  } else if (m[`${e}.weather.slopeKwhPerDegC`] < 0 && Math.abs(m[`${e}.weather.r`]) >= 0.4) {
    cands.push({ kind: 'elec-heating', meter: e, pct: 4, evidenceKeys: [`${e}.weather.slopeKwhPerDegC`, `${e}.weather.r`] });
  }
  if (m[`${e}.weather.changePoint.coolingSlopeKwhPerDegC`] > 0 && m[`${e}.weather.changePoint.coolingBalancePointC`] !== undefined) {
    cands.push({ kind: 'cooling', meter: e, pct: 3, evidenceKeys: [`${e}.weather.changePoint.coolingSlopeKwhPerDegC`, `${e}.weather.changePoint.coolingBalancePointC`] });
  }
  if (m[`${e}.load.loadFactor`] < 0.35) cands.push({ kind: 'peak', meter: e, pct: 2, evidenceKeys: [`${e}.load.peakKw`, `${e}.load.loadFactor`] });
  cands.push({
    kind: 'lighting',
    meter: e,
    pct: m['electricity.euiKwhPerSqm'] > m['peers.medianEuiKwhPerSqm'] ? 5 : 3,
    evidenceKeys: ['electricity.euiKwhPerSqm', 'peers.medianEuiKwhPerSqm'],
  });
  const hiAnom = f.b.anomalies.findIndex((a) => a.kind.endsWith('high'));
  if (hiAnom >= 0) {
    const a = f.b.anomalies[hiAnom];
    cands.push({ kind: 'anomaly', meter: a.meter, pct: type === 'retrofit-plan' ? 1 : null, evidenceKeys: [a.actualMetric, a.expectedMetric] });
  }
  if (type === 'retrofit-plan') {
    const first = cands[0];
    const rest = r.shuffle(cands.slice(1)).slice(0, r.int(1, 3));
    return [first, ...rest];
  }
  // diagnostic: 1–3 next steps, investigations carry no savings figure
  const steps = r.shuffle(cands).slice(0, r.int(1, 3));
  return steps.map((s) => (s.kind === 'anomaly' || r.chance(0.3) ? { ...s, pct: null } : s));
}

function assignPriority(recs: Rec[]): void {
  const order = recs.map((x, i) => ({ i, k: x.estimatedAnnualSavingsKwh ?? -1 })).sort((a, b) => b.k - a.k);
  order.forEach((o, rank) => {
    recs[o.i].priority = rank === 0 ? 'high' : rank === 1 ? 'medium' : 'low';
  });
}

export function defaultRecText(w: Writer, p: RecPlan): { action: string; rationale: string } {
  const m = p.meter;
  const sav = p.pct !== null ? ` Estimated saving ${p.pct}% of annual ${m}, about ${w.savingsText(p)}.` : '';
  switch (p.kind) {
    case 'baseload':
      return {
        action: 'Reduce out-of-hours electrical baseload',
        rationale: `A baseload of ${w.q(`${m}.load.baseloadKw`)} runs all night (night/day ratio ${w.n(`${m}.load.nightDayRatio`)}); switch off idle plant and IT.${sav}`,
      };
    case 'weekend':
      return {
        action: 'Introduce weekend setback',
        rationale: `Weekday and weekend use are almost the same (ratio ${w.n(`${m}.load.weekdayWeekendRatio`)}), so plant is probably running at weekends.${sav}`,
      };
    case 'schedule':
      return { action: 'Tighten BMS time schedules', rationale: `Night use is ${w.n(`${m}.load.nightDayRatio`)} of day use, high for the occupancy pattern.${sav}` };
    case 'heating':
      return {
        action: w.sp('Optimise') + ' heating controls and weather compensation',
        rationale: `Gas use tracks outdoor temperature (slope ${w.n('gas.weather.slopeKwhPerDegC')} kWh/°C, r = ${w.n('gas.weather.r')}).${sav}`,
      };
    case 'elec-heating':
      return {
        action: 'Review electric heating controls',
        rationale: `Electricity rises in cold weather (slope ${w.n(`${m}.weather.slopeKwhPerDegC`)} kWh/°C, r = ${w.n(`${m}.weather.r`)}).${sav}`,
      };
    case 'cooling':
      return {
        action: 'Raise cooling setpoints',
        rationale: `Cooling starts above ${w.q(`${m}.weather.changePoint.coolingBalancePointC`)} and adds ${w.n(`${m}.weather.changePoint.coolingSlopeKwhPerDegC`)} kWh per degree-day.${sav}`,
      };
    case 'peak':
      return {
        action: 'Stagger plant start-up to flatten peaks',
        rationale: `Load factor is only ${w.n(`${m}.load.loadFactor`)} against a ${w.q(`${m}.load.peakKw`, { adj: true })} peak.${sav}`,
      };
    case 'lighting':
      return {
        action: 'LED lighting with occupancy controls',
        rationale: `Intensity of ${w.q('electricity.euiKwhPerSqm')} is ${w.aboveMedian() === 'above' ? 'above' : w.aboveMedian() === 'below' ? 'already below' : 'close to'} the peer median ${w.q('peers.medianEuiKwhPerSqm')}; lighting is a routine ${w.aboveMedian() === 'above' ? 'first' : 'further'} saving.${sav}`,
      };
    case 'anomaly': {
      const i = w.f.b.anomalies.findIndex((a) => a.actualMetric === p.evidenceKeys[0]);
      return {
        action: `Investigate the ${w.f.date(i)} ${w.f.b.anomalies[i].meter} ${w.f.b.anomalies[i].kind}`,
        rationale: `It used ${w.q(p.evidenceKeys[0])} against ${w.q(p.evidenceKeys[1])} expected; find the cause before it recurs.${sav}`,
      };
    }
    case 'fix-logger':
      return {
        action: `Repair or reconfigure the ${m} data logger`,
        rationale: `The longest gap is ${w.n(`${m}.coverage.longestGapHours`)} hours across ${w.n(`${m}.coverage.outageCount`)} outage(s).`,
      };
    case 'confirm-zero':
      return { action: `Confirm the ${m} zero periods with the site`, rationale: `${w.n(`${m}.coverage.zeroHours`)} hours read zero; check they are genuine shutdowns.` };
    default:
      return { action: 'Keep monitoring data quality', rationale: `Coverage is ${w.pc('electricity.coverage.coverageRatio')}; keep the current metering in place.` };
  }
}

// ---------------------------------------------------------------- misc helpers

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function ordinal(n: number): string {
  const s = ['th', 'st', 'nd', 'rd'];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

/** A range around v, width 5–15 % of v, with round ends. */
export function rangeFor(v: number): [number, number] | null {
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const step of [mag / 10, mag / 5, mag / 4, mag / 2, mag]) {
    const w = step / v;
    if (w < 0.05 || w > 0.16) continue;
    const lo = Math.floor(v / step) * step;
    const hi = lo + step;
    if (v - lo < step * 0.1 || hi - v < step * 0.1) continue;
    return [Number(lo.toPrecision(6)), Number(hi.toPrecision(6))];
  }
  return null;
}

function variantName(key: string, singleMeter: boolean): string {
  const r = hashPick(key);
  if (r === 0) return key.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  if (r === 1 && singleMeter && key.startsWith('electricity.')) return key.slice('electricity.'.length);
  return key.replace(/Kwh/g, 'KWh').replace(/Kw$/, 'KW');
}

function hashPick(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h % 3;
}

export { METER_WORD };
