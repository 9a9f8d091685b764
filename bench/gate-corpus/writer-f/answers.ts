/**
 * Writer F answer builders. `buildGood` writes a correct answer in a given style; options
 * switch on the single defects that are easiest to express while building (flipped weather
 * direction, estimated missing change-point, dropped largest anomaly, unquantified savings).
 */
import { type AnalysisType, type Anomaly, type Facts, fmt, type Issue, type MeterFacts, requiredIssues, type Rng, roundSig } from './lib';
import type { Style } from './styles';

export interface BuildOpts {
  flipDirection?: string;
  forceDirection?: string;
  estimateMissing?: string;
  skipTopAnomaly?: boolean;
  unquantified?: boolean;
  noConfProse?: boolean;
}

export interface Ev {
  metric: string;
  value: number;
  unit?: string;
}

export interface Rec {
  action: string;
  rationale: string;
  estimatedAnnualSavingsKwh: number | null;
  estimatedSavingsPct: number | null;
  evidence: Ev[];
  priority: 'high' | 'medium' | 'low';
  _core?: string;
  _meter?: string;
}

export interface Answer {
  summary: string;
  findings: { title: string; detail: string; evidence: Ev[] }[];
  recommendations: Rec[];
  dataIssuesAddressed: { issue: string; response: string }[];
  confidence: number;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const monthName = (ym: string) => MONTHS[Number(ym.slice(5, 7)) - 1];

const FRACTIONS: [number, string][] = [
  [0.5, 'half'],
  [1 / 3, 'a third'],
  [0.25, 'a quarter'],
  [0.2, 'a fifth'],
  [2 / 3, 'two-thirds'],
  [0.75, 'three-quarters'],
  [0.1, 'a tenth'],
];
const MULTIPLES: [number, string][] = [
  [2, 'double'],
  [3, 'three times'],
  [4, 'four times'],
  [5, 'five times'],
  [1.5, 'one and a half times'],
];

export function fractionWord(x: number): string | null {
  for (const [v, w] of FRACTIONS) if (Math.abs(x - v) / v < 0.04) return w;
  return null;
}
export function multipleWord(x: number): string | null {
  for (const [v, w] of MULTIPLES) if (Math.abs(x - v) / v < 0.04) return w;
  return null;
}

export class Ctx {
  constructor(
    public f: Facts,
    public st: Style,
    public rng: Rng,
    public type: AnalysisType,
    public o: BuildOpts,
  ) {}
  n(v: number, sig = this.st.sig): string {
    const k = Math.abs(v) >= 1000 ? Math.max(4, sig) : Math.max(3, sig);
    return fmt(v, k, this.st.sep);
  }
  E(v: number): string {
    if (this.st.mwh && Math.abs(v) >= 20000) return `${fmt(v / 1000, Math.max(3, this.st.sig), this.st.sep)} MWh`;
    return `${this.n(v)} kWh`;
  }
  K(v: number): string {
    return `${this.n(v)} kW`;
  }
  P(v: number, d = 1): string {
    const a = Math.abs(v);
    if (a >= 10) return `${fmt(a, a >= 100 ? 3 : 2 + (d > 1 ? 1 : 0), false)}%`;
    return `${fmt(a, 2, false)}%`;
  }
  R(v: number): string {
    return fmt(v, 3, false);
  }
  eui(v: number): string {
    return `${this.n(v)} ${this.st.euiUnit}`;
  }
  b(s: string): string {
    return this.st.md ? `**${s}**` : s;
  }
  sp(us: string, uk: string): string {
    return this.st.british ? uk : us;
  }
  pick<T>(a: readonly T[]): T {
    return this.rng.pick(a);
  }
  ev(metric: string, unit?: string): Ev {
    const value0 = this.f.metrics[metric];
    const value = this.st.evSig ? roundSig(value0, this.st.evSig) : value0;
    const e: Ev = { metric, value: Number(value.toPrecision(12)) };
    if (this.st.evUnit && unit) e.unit = unit;
    return e;
  }
  /** evidence from a meter field (so a franken-facts building carries its wrong values into evidence) */
  evm(m: MeterFacts, key: string, value: number, unit?: string): Ev {
    const v = this.st.evSig ? roundSig(value, this.st.evSig) : value;
    const e: Ev = { metric: `${m.name}.${key}`, value: Number(v.toPrecision(12)) };
    if (this.st.evUnit && unit) e.unit = unit;
    return e;
  }
  get label(): string {
    return this.f.use ? `${this.f.use.toLowerCase().replace('lodging/residential', 'residential')} building` : 'building';
  }
  get multi(): boolean {
    return this.f.meters.length > 1;
  }
  mname(m: MeterFacts): string {
    return m.name === 'gas' ? 'gas' : 'electricity';
  }
  Mname(m: MeterFacts): string {
    return m.name === 'gas' ? 'Gas' : 'Electricity';
  }
}

// ---------------------------------------------------------------- sentence pieces

function consumption(c: Ctx, m: MeterFacts): string {
  const st = c.st;
  const M = c.Mname(m);
  if (st.id === 'numbers-first' || st.id === 'phi-compact') return `${c.E(m.annual)} annualised ${c.mname(m)} (${c.E(m.total)} metered).`;
  if (st.id === 'us-engineer') return `${M} use annualizes to ${c.E(m.annual)} (about ${fmt(m.annual / 293.071, 3)} MMBtu), from ${c.E(m.total)} of metered data.`;
  if (st.id === 'british-consultant') return `Annualised ${c.mname(m)} consumption was estimated at c. ${c.E(m.annual)}, whilst ${c.E(m.total)} was actually metered.`;
  if (st.id === 'llama-3b-terse') return `${M} annual use is ${c.E(m.annual)}.`;
  return c.pick([
    `${M} consumption annualises to ${c.E(m.annual)} (${c.E(m.total)} metered over the period).`,
    `The ${c.mname(m)} meter recorded ${c.E(m.total)}, which scales to ${c.E(m.annual)} for a full year.`,
    `Annual ${c.mname(m)} use is ${c.E(m.annual)}; the metered total was ${c.E(m.total)}.`,
  ]);
}

function dailyMean(c: Ctx, m: MeterFacts): string {
  return c.pick([
    `That averages ${c.n(m.annual / 365)} kWh per day, or a mean demand of ${c.K(m.annual / 8760)}.`,
    `On average that is about ${c.n(m.annual / 12)} kWh a month.`,
    `Mean demand over the year works out at ${c.K(m.annual / 8760)}.`,
  ]);
}

function intensity(c: Ctx, m: MeterFacts): string {
  const f = c.f;
  const ratio = m.eui / f.peers.median;
  const diffPct = (ratio - 1) * 100;
  const pos = `${fmt(f.peers.pct, 3, false)}th percentile of ${f.peers.n} peers`;
  if (c.st.id === 'us-engineer')
    return `Site EUI is ${c.eui(m.eui)} (${fmt(m.eui / 3.15459, 3)} kBtu/ft²) against a peer median of ${c.eui(f.peers.median)}, putting it at the ${pos}.`;
  if (c.st.id === 'comparative-fractions') {
    const mw = multipleWord(ratio);
    const fw = fractionWord(Math.abs(ratio - 1));
    if (mw) return `At ${c.eui(m.eui)} the EUI is roughly ${mw} the peer median of ${c.eui(f.peers.median)} (${pos}).`;
    if (fw) return `The EUI of ${c.eui(m.eui)} is about ${fw} ${ratio > 1 ? 'above' : 'below'} the peer median of ${c.eui(f.peers.median)} (${pos}).`;
  }
  if (c.st.id === 'percent-change' || c.st.id === 'gpt-4o-polished') {
    if (Math.abs(diffPct) < 2) return `The EUI of ${c.eui(m.eui)} is in line with the peer median of ${c.eui(f.peers.median)} (${pos}).`;
    return `The EUI of ${c.eui(m.eui)} is ${c.P(diffPct)} ${diffPct > 0 ? 'above' : 'below'} the peer median of ${c.eui(f.peers.median)}, at the ${pos}.`;
  }
  if (c.st.id === 'numbers-first' || c.st.id === 'phi-compact') return `${c.eui(m.eui)} EUI vs ${c.eui(f.peers.median)} peer median (${pos}).`;
  const rel = Math.abs(diffPct) < 5 ? 'close to' : diffPct > 0 ? 'above' : 'below';
  return c.pick([
    `Its EUI of ${c.eui(m.eui)} sits ${rel} the peer median of ${c.eui(f.peers.median)}, at the ${pos}.`,
    `Energy use intensity is ${c.eui(m.eui)}, ${rel} the ${c.eui(f.peers.median)} median of its peer group (${pos}).`,
  ]);
}

function loadShape(c: Ctx, m: MeterFacts): string[] {
  const f = c.f;
  const basePd = (m.base * 1000) / f.sqm;
  const share = (m.base / m.peak) * 100;
  const out: string[] = [];
  const st = c.st.id;
  if (m.peak <= 0) return [`The ${c.mname(m)} meter shows no demand (peak ${c.K(m.peak)}).`];
  if (m.base <= 0) out.push(`${c.Mname(m)} has no baseload (0 kW): demand drops to zero at times, with a peak of ${c.K(m.peak)} and a load factor of ${c.R(m.lf)}.`);
  else if (st === 'numbers-first' || st === 'phi-compact') {
    out.push(`A ${c.K(m.base)} baseload and ${c.K(m.peak)} peak give a load factor of ${c.R(m.lf)}.`);
  } else if (st === 'analyst-jargon') {
    out.push(
      `Base load sits at ${c.K(m.base)} (${fmt(basePd, 3)} W/m²), with peak demand of ${c.K(m.peak)}; the load duration is fairly ${m.lf > 0.5 ? 'flat' : 'peaky'} with a load factor of ${c.P(m.lf * 100, 2)}.`,
    );
  } else if (st === 'comparative-fractions') {
    const fw = fractionWord(m.base / m.peak);
    out.push(
      fw
        ? `The baseload of ${c.K(m.base)} is roughly ${fw} of the ${c.K(m.peak)} peak, and the load factor is ${c.R(m.lf)}.`
        : `The baseload of ${c.K(m.base)} is ${c.P(share)} of the ${c.K(m.peak)} peak, and the load factor is ${c.R(m.lf)}.`,
    );
  } else if (st === 'deepseek-markdown') {
    out.push(`${c.b('Baseload')}: ${c.K(m.base)}\n- ${c.b('Peak')}: ${c.K(m.peak)}\n- ${c.b('Load factor')}: ${c.R(m.lf)}`);
  } else if (st === 'mwh-converter' || st === 'us-engineer') {
    out.push(`Baseload is ${c.K(m.base)} (${fmt(basePd, 3)} W/m²) and peak demand is ${c.K(m.peak)} (${fmt((m.peak * 1000) / f.sqm, 3)} W/m²); load factor ${c.R(m.lf)}.`);
  } else {
    out.push(
      c.pick([
        `Baseload is ${c.K(m.base)} against a peak of ${c.K(m.peak)}, a load factor of ${c.R(m.lf)}.`,
        `The ${c.mname(m)} baseload of ${c.K(m.base)} is ${c.P(share)} of the ${c.K(m.peak)} peak; load factor is ${c.R(m.lf)}.`,
        `Peak demand reaches ${c.K(m.peak)} while the baseload is ${c.K(m.base)} (load factor ${c.R(m.lf)}).`,
      ]),
    );
  }
  // ratios
  const ndTxt =
    m.nd >= 0.7
      ? c.sp('so overnight demand stays high relative to the working day', 'so out-of-hours demand stays high relative to the working day')
      : m.nd <= 0.5
        ? 'so demand drops clearly overnight'
        : 'so demand drops only moderately overnight';
  const wdTxt = m.wdwe <= 1.1 ? 'weekends look much like weekdays' : m.wdwe >= 1.5 ? 'weekday use is well above weekend use' : 'weekday use is somewhat above weekend use';
  if (st === 'numbers-first' || st === 'phi-compact' || st === 'llama-3b-terse') out.push(`Night/day ratio ${c.R(m.nd)}, weekday/weekend ratio ${c.R(m.wdwe)}.`);
  else if (st === 'deepseek-markdown') out.push(`- ${c.b('Night/day ratio')}: ${c.R(m.nd)} (${ndTxt})\n- ${c.b('Weekday/weekend ratio')}: ${c.R(m.wdwe)} (${wdTxt})`);
  else if (st === 'percent-change' && m.wdwe > 1.05)
    out.push(
      `The weekday/weekend ratio is ${c.R(m.wdwe)}, meaning weekdays use about ${c.P((m.wdwe - 1) * 100)} more than weekend days. The night/day ratio is ${c.R(m.nd)}, ${ndTxt}.`,
    );
  else if (st === 'analyst-jargon')
    out.push(`Out-of-hours use is indicated by a night/day ratio of ${c.R(m.nd)} (${ndTxt}); the weekday/weekend ratio is ${c.R(m.wdwe)}, so ${wdTxt}.`);
  else out.push(`The night/day ratio is ${c.R(m.nd)}, ${ndTxt}. The weekday/weekend ratio is ${c.R(m.wdwe)}; ${wdTxt}.`);
  return out;
}

function weather(c: Ctx, m: MeterFacts): string[] {
  const out: string[] = [];
  const r = m.r;
  const M = c.Mname(m);
  const flip = c.o.flipDirection === m.name;
  const strong = Math.abs(r) >= 0.3 || flip || c.o.forceDirection === m.name;
  const neg = m.slope < 0 !== flip;
  const strength = Math.abs(r) >= 0.7 ? 'strong' : Math.abs(r) >= 0.4 ? 'moderate' : 'weak';
  if (strong) {
    const dir = neg
      ? c.pick([
          `${M} use rises as outdoor temperatures fall`,
          `${M} consumption falls as it gets warmer`,
          `colder days push ${c.mname(m)} use up`,
          `${M} demand is heating-driven: it rises in colder weather`,
        ])
      : c.pick([
          `${M} use rises in warmer weather`,
          `${M} consumption climbs as temperatures rise`,
          `warmer days push ${c.mname(m)} use up`,
          `${M} demand drops in cooler weather`,
        ]);
    const dirSent = dir.charAt(0).toUpperCase() + dir.slice(1);
    out.push(`${dirSent} (slope ${c.n(m.slope)} kWh/°C, r = ${c.R(r)}, a ${strength} correlation over ${m.wDays} days).`);
  } else if (Math.abs(r) >= 0.15) {
    out.push(`${M} shows only a weak weather dependence: the linear slope is ${c.n(m.slope)} kWh/°C with r = ${c.R(r)}.`);
  } else {
    out.push(`${M} shows little linear weather dependence (r = ${c.R(r)}, slope ${c.n(m.slope)} kWh/°C over ${m.wDays} days).`);
  }
  if (m.cp && !m.cpMissing) {
    const cp = m.cp;
    const parts: string[] = [];
    if (cp.hbp !== undefined && cp.hs !== undefined) parts.push(`a heating balance point of ${fmt(cp.hbp, 3)} °C with ${c.n(cp.hs)} kWh/°C below it`);
    if (cp.cbp !== undefined && cp.cs !== undefined) parts.push(`a cooling balance point of ${fmt(cp.cbp, 3)} °C with ${c.n(cp.cs)} kWh/°C above it`);
    if (parts.length && !c.st.terse)
      out.push(`The change-point fit for ${c.mname(m)} gives ${parts.join(' and ')}, on a base of ${c.n(cp.base ?? 0)} kWh/day (r² ${c.R(cp.r2 ?? 0)}).`);
  } else if (m.cpMissing && c.o.estimateMissing !== m.name) {
    out.push(
      c.pick([
        `No change-point model is available for ${c.mname(m)}, as none beat the straight line, so only the linear fit is used.`,
        `The ${c.mname(m)} change-point model is unavailable (listed as missing), so balance points are not reported.`,
      ]),
    );
  }
  if (c.o.estimateMissing === m.name) {
    const hb = c.rng.int(12, 16) + 0.5;
    const hs = roundSig(Math.abs(m.slope) * (1.6 + c.rng.next()), 3);
    out.push(`${M} appears to have a heating balance point of about ${hb} °C, below which the heating slope is roughly ${fmt(hs, 3)} kWh/°C.`);
  }
  return out;
}

function anomalyTitle(c: Ctx, a: Anomaly): string {
  const kindW: Record<string, string> = {
    'day-high': 'High-consumption day',
    'day-low': 'Low-consumption day',
    'week-high': 'High-consumption week',
    'week-low': 'Low-consumption week',
  };
  const k = kindW[a.kind] ?? 'Anomaly';
  return c.pick([`${k} on ${a.date}`, `${a.date}: ${k.toLowerCase()} (${a.meter})`, `${c.multi ? c.Mname({ name: a.meter } as MeterFacts) + ' ' : ''}${a.kind} anomaly ${a.date}`]);
}

function anomalyDetail(c: Ctx, a: Anomaly, rank: number): string {
  const high = a.actualKwh > a.expectedKwh;
  const dev = a.deviationPercent;
  const week = a.kind.startsWith('week');
  const when = week ? `the week beginning ${a.date}` : a.date;
  const meter = a.meter === 'gas' ? 'gas' : 'electricity';
  const act = `${fmt(a.actualKwh, 4, c.st.sep)} kWh`;
  const exp = `${fmt(a.expectedKwh, 4, c.st.sep)} kWh`;
  const cause = high
    ? c.pick(['plant left running or an unusual event', 'equipment left on out of hours', 'an event or a control fault'])
    : c.pick(['a closure, holiday or a partial metering fault', 'a shutdown or lost data', 'reduced occupancy or a metering problem']);
  const hedge = c.st.hedge ? c.pick(['This may reflect', 'A plausible explanation is', 'It could indicate']) : c.pick(['Likely cause:', 'Check for']);
  const rankW = rank === 0 ? 'The largest anomaly' : 'Another anomaly';
  let s: string;
  switch (c.st.id) {
    case 'percent-change':
      s = `${rankW}: ${when} ran ${c.P(dev)} ${high ? 'above' : 'below'} expected (${act} actual vs ${exp} expected, ${meter}).`;
      break;
    case 'comparative-fractions': {
      const ratio = a.actualKwh / a.expectedKwh;
      const mw = multipleWord(ratio);
      const fw = fractionWord(ratio);
      s = mw
        ? `On ${when} ${meter} use was ${act}, roughly ${mw} the ${exp} expected.`
        : fw
          ? `On ${when} ${meter} use was ${act}, only about ${fw} of the ${exp} expected.`
          : `On ${when} ${meter} use was ${act} against ${exp} expected (${c.P(dev)} ${high ? 'higher' : 'lower'}).`;
      break;
    }
    case 'numbers-first':
    case 'phi-compact':
      s = `${act} actual vs ${exp} expected on ${when} (${dev > 0 ? '+' : '-'}${c.P(dev)}).`;
      break;
    case 'deepseek-markdown':
      s = `${c.b('Date')}: ${when}\n- ${c.b('Actual')}: ${act}\n- ${c.b('Expected')}: ${exp}\n- ${c.b('Deviation')}: ${dev > 0 ? '+' : '-'}${c.P(dev)}`;
      break;
    case 'british-consultant':
      s = `On ${when}, ${act} of ${meter} was recorded against an expected ${exp}, a deviation of ${c.P(dev)}.`;
      break;
    default:
      s = c.pick([
        `On ${when} ${meter} consumption was ${act} versus an expected ${exp} (${dev > 0 ? '+' : '-'}${c.P(dev)}).`,
        `${rankW} is ${when}: actual ${act}, expected ${exp}.`,
        `Actual ${meter} use on ${when} was ${act} compared with ${exp} expected.`,
      ]);
  }
  return `${s} ${hedge} ${cause}.`;
}

function anomalyFinding(c: Ctx, a: Anomaly, rank: number) {
  return {
    title: anomalyTitle(c, a),
    detail: anomalyDetail(c, a, rank),
    evidence: [c.ev(a.actualMetric, 'kWh'), c.ev(a.expectedMetric, 'kWh')],
  };
}

function monthly(c: Ctx, m: MeterFacts): string | null {
  if (m.monthly.length < 2) return null;
  const mx = m.monthly.reduce((a, b) => (b.kwh > a.kwh ? b : a));
  const mn = m.monthly.reduce((a, b) => (b.kwh < a.kwh ? b : a));
  if (c.pick([true, false])) return `The highest ${c.mname(m)} month was ${monthName(mx.month)} (${c.E(mx.kwh)}) and the lowest ${monthName(mn.month)} (${c.E(mn.kwh)}).`;
  return `Monthly ${c.mname(m)} ranged from ${c.E(mn.kwh)} in ${monthName(mn.month)} to ${c.E(mx.kwh)} in ${monthName(mx.month)}.`;
}

function hoursOf(msg: string): string | null {
  const m = msg.match(/([\d,]+) h\b/);
  return m ? m[1] : null;
}
function datesOf(msg: string): string[] {
  return (msg.match(/\d{4}-\d{2}-\d{2}/g) ?? []).slice(0, 2);
}

export function issueResponse(c: Ctx, is: Issue): string {
  const h = hoursOf(is.message);
  const d = datesOf(is.message);
  const meter = is.message.split(':')[0];
  const span = d.length === 2 ? ` (${d[0]} to ${d[1]})` : '';
  switch (is.kind) {
    case 'outage':
      return c.pick([
        `Exclude the ${h ?? ''}${h ? ' h ' : ''}${meter} gap${span} from load and weekly statistics; the annualised figure already scales for missing hours. Ask the site whether the logger was offline.`,
        `Treat the ${meter} outage${span} as missing data, not zero use; ${c.sp('analyze', 'analyse')} around it and request the missing interval data from the supplier.`,
        `Flag the ${h ? `${h} h ` : ''}outage${span} and exclude it from baselines; results for that window are not reliable.`,
      ]);
    case 'zero-runs':
      return c.pick([
        `The ${meter} zero runs are counted as no consumption (plant off), as the data notes; confirm with the site that the ${meter === 'gas' ? 'boiler was' : 'supply was'} genuinely off, otherwise treat them as missing.`,
        `Keep the zero runs as genuine zero use (seasonal shutdown) but verify with facilities; they are not counted as missing data.`,
      ]);
    case 'low-coverage':
      return c.pick([
        `${meter} coverage is below target, so annualised totals rest on extrapolation; treat the results as provisional and request the missing data.`,
        `Low ${meter} coverage: annual figures are scaled up from the valid hours, so confidence is reduced until the gaps are filled.`,
      ]);
    default:
      return `Noted the ${is.kind} issue for ${meter}; check the raw data before relying on the affected metrics.`;
  }
}

function dataIssues(c: Ctx): { issue: string; response: string }[] {
  return requiredIssues(c.f, c.type).map((is) => ({ issue: is.kind, response: issueResponse(c, is) }));
}

export function confidence(c: Ctx): number {
  const f = c.f;
  let conf = c.st.conf;
  const minCov = Math.min(...f.meters.map((m) => m.cov));
  const critical = f.issues.some((i) => i.severity === 'critical') || minCov < 0.9;
  const warning = f.issues.some((i) => i.severity === 'warning');
  if (critical) conf = Math.min(conf - 0.2, 0.65);
  else if (warning) conf = Math.min(conf - 0.08, 0.8);
  return Math.round(conf * 100) / 100;
}

function confSentence(c: Ctx, conf: number): string {
  const why = c.f.issues.length ? 'given the data issues noted' : 'as coverage is essentially complete';
  if (conf >= 0.75) return `Confidence is high (${conf}) ${why}.`;
  if (conf > 0.55) return `Confidence is moderate (${conf}) ${why}.`;
  return `Confidence is low (${conf}) ${why}.`;
}

// ---------------------------------------------------------------- per type

function elec(f: Facts): MeterFacts {
  return f.meters.find((m) => m.name === 'electricity') ?? f.meters[0];
}
function gas(f: Facts): MeterFacts | undefined {
  return f.meters.find((m) => m.name === 'gas');
}

function triage(c: Ctx): Answer {
  const f = c.f;
  const findings: Answer['findings'] = [];
  for (const m of f.meters) {
    const M = c.Mname(m);
    const covPct = c.P(m.cov * 100, 3);
    const detail = c.st.terse
      ? `${m.valid} of ${m.expected} h valid (${covPct}); ${m.zeroH} zero h, ${m.missingH} missing h, longest gap ${m.gap} h, ${m.outages} outage(s).`
      : c.st.id === 'british-consultant'
        ? `${M} readings were found to be valid for ${c.n(m.valid, 5)} of ${c.n(m.expected, 5)} expected hours (${covPct} coverage). ${c.n(m.zeroH, 5)} zero-reading hours and ${c.n(m.missingH, 5)} missing hours were recorded, and the longest gap was ${c.n(m.gap, 5)} h across ${m.outages} outage${m.outages === 1 ? '' : 's'}.`
        : `${M} has ${c.n(m.valid, 5)} valid hours out of ${c.n(m.expected, 5)} expected, a coverage of ${covPct}. There are ${c.n(m.zeroH, 5)} zero-reading hours, ${c.n(m.missingH, 5)} missing hours and ${m.outages} outage${m.outages === 1 ? '' : 's'}, the longest lasting ${c.n(m.gap, 5)} h${m.gap >= 48 ? ` (about ${fmt(m.gap / 24, 3)} days)` : ''}.`;
    findings.push({
      title: `${M} ${c.pick(['meter coverage', 'data coverage', 'coverage and gaps'])}`,
      detail,
      evidence: [
        c.evm(m, 'coverage.coverageRatio', m.cov),
        c.evm(m, 'coverage.validHours', m.valid, 'h'),
        c.evm(m, 'coverage.zeroHours', m.zeroH, 'h'),
        c.evm(m, 'coverage.longestGapHours', m.gap, 'h'),
      ],
    });
    if (m.zeroH > 0 && m.name === 'gas' && !c.st.terse) {
      findings.push({
        title: 'Gas zero readings',
        detail: `${c.n(m.zeroH, 5)} of ${c.n(m.expected, 5)} gas hours read zero (${c.P((m.zeroH / m.expected) * 100)}), consistent with heating being off for long periods rather than missing data.`,
        evidence: [c.evm(m, 'coverage.zeroHours', m.zeroH, 'h')],
      });
    }
  }
  const e = elec(f);
  const wx: string[] = [`Weather data covers ${e.wDays} days for the electricity regression.`];
  if (c.o.flipDirection || c.o.forceDirection || c.o.estimateMissing) {
    for (const m of f.meters) if (c.o.flipDirection === m.name || c.o.forceDirection === m.name || c.o.estimateMissing === m.name) wx.push(...weather(c, m));
  } else {
    for (const m of f.meters) if (m.cpMissing) wx.push(`The ${c.mname(m)} change-point model is unavailable, so only the linear weather fit can be used.`);
  }
  findings.push({
    title: c.pick(['Floor area and weather', 'Context data', 'Normalisation inputs']),
    detail: `Floor area is present (${c.n(f.sqm, 5)} m²), so intensity can be computed; the totals look plausible at ${c.E(e.annual)} a year and ${c.eui(e.eui)}. ${wx.join(' ')}`,
    evidence: [c.ev('building.sqm', 'm²'), c.evm(e, 'weather.days', e.wDays, 'days'), c.evm(e, 'annualKwh', e.annual, 'kWh')],
  });
  const minCov = Math.min(...f.meters.map((m) => m.cov));
  const critical = f.issues.some((i) => i.severity === 'critical') || minCov < 0.9;
  const verdict = critical ? 'usable only with caution' : f.issues.length ? 'fit for analysis with minor caveats' : 'fit for analysis';
  const recs: Rec[] = [];
  for (const is of requiredIssues(f, c.type)
    .filter((i) => i.kind === 'outage' || i.kind === 'low-coverage')
    .slice(0, 2)) {
    const meter = is.message.split(':')[0];
    recs.push({
      action: is.kind === 'outage' ? `Recover or back-fill the ${meter} outage data` : `Improve ${meter} meter coverage`,
      rationale:
        is.kind === 'outage'
          ? `The outage leaves a gap that biases load statistics; the missing readings should be requested from the data provider.`
          : `Coverage below target forces extrapolation of the annual total.`,
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [c.ev(`${meter}.coverage.coverageRatio`)],
      priority: is.severity === 'critical' ? 'high' : 'medium',
    });
  }
  const conf = confidence(c);
  let summary = `Data for this ${c.label} is ${verdict}: ${f.meters.map((m) => `${c.mname(m)} coverage ${c.P(m.cov * 100, 3)}`).join(', ')}, with ${f.issues.length || 'no'} data issue${f.issues.length === 1 ? '' : 's'} flagged.`;
  if (c.st.confProse && !c.o.noConfProse) summary += ` ${confSentence(c, conf)}`;
  return { summary, findings, recommendations: recs, dataIssuesAddressed: dataIssues(c), confidence: conf };
}

function diagnostic(c: Ctx): Answer {
  const f = c.f;
  const findings: Answer['findings'] = [];
  for (const m of f.meters) {
    const parts = [consumption(c, m)];
    if (m.name === 'electricity') parts.push(intensity(c, m));
    else parts.push(`Gas intensity is ${c.eui(m.eui)}.`);
    if (!c.st.terse && m.name === 'electricity') parts.push(dailyMean(c, m));
    findings.push({
      title: `${c.Mname(m)} consumption${m.name === 'electricity' ? ' and intensity' : ''}`,
      detail: parts.join(' '),
      evidence: [
        c.evm(m, 'annualKwh', m.annual, 'kWh'),
        c.evm(m, 'euiKwhPerSqm', m.eui, 'kWh/m²'),
        ...(m.name === 'electricity' ? [c.ev('peers.medianEuiKwhPerSqm', 'kWh/m²')] : []),
      ],
    });
    findings.push({
      title: `${c.Mname(m)} load shape`,
      detail: loadShape(c, m).join(c.st.md ? '\n' : ' '),
      evidence: [
        c.evm(m, 'load.baseloadKw', m.base, 'kW'),
        c.evm(m, 'load.peakKw', m.peak, 'kW'),
        c.evm(m, 'load.loadFactor', m.lf),
        c.evm(m, 'load.nightDayRatio', m.nd),
        c.evm(m, 'load.weekdayWeekendRatio', m.wdwe),
      ],
    });
    const w = weather(c, m);
    const mo = c.st.terse ? null : monthly(c, m);
    findings.push({
      title: `${c.Mname(m)} weather sensitivity`,
      detail: [...w, ...(mo ? [mo] : [])].join(' '),
      evidence: [c.evm(m, 'weather.slopeKwhPerDegC', m.slope, 'kWh/°C'), c.evm(m, 'weather.r', m.r)],
    });
  }
  const nA = c.st.terse ? 2 : 3;
  const anoms = f.anomalies.slice(0, nA).map((a, i) => ({ a, i }));
  for (const { a, i } of anoms) {
    if (i === 0 && c.o.skipTopAnomaly) continue;
    findings.push(anomalyFinding(c, a, i));
  }
  const e = elec(f);
  const g = gas(f);
  const recs: Rec[] = [];
  const top = f.anomalies[0];
  if (top && !c.o.skipTopAnomaly)
    recs.push({
      action: `${c.sp('Investigate', 'Investigate')} the ${top.kind} anomaly on ${top.date}`,
      rationale: `Actual ${top.meter} use of ${fmt(top.actualKwh, 4, c.st.sep)} kWh against ${fmt(top.expectedKwh, 4, c.st.sep)} kWh expected needs an explanation from site staff.`,
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [c.ev(top.actualMetric, 'kWh'), c.ev(top.expectedMetric, 'kWh')],
      priority: 'high',
    });
  recs.push({
    action: c.pick(['Audit out-of-hours loads', 'Review overnight and weekend equipment schedules', 'Survey always-on equipment']),
    rationale: `A night/day ratio of ${c.R(e.nd)} and weekday/weekend ratio of ${c.R(e.wdwe)} point to how much runs outside occupied hours.`,
    estimatedAnnualSavingsKwh: null,
    estimatedSavingsPct: null,
    evidence: [c.evm(e, 'load.nightDayRatio', e.nd), c.evm(e, 'load.weekdayWeekendRatio', e.wdwe)],
    priority: e.nd > 0.6 ? 'high' : 'medium',
  });
  if (g && recs.length < 3)
    recs.push({
      action: `Review ${c.sp('heating', 'heating')} controls and set-points`,
      rationale: `Gas use of ${c.E(g.annual)} a year responds to temperature (r = ${c.R(g.r)}), so control settings matter.`,
      estimatedAnnualSavingsKwh: null,
      estimatedSavingsPct: null,
      evidence: [c.evm(g, 'annualKwh', g.annual, 'kWh'), c.evm(g, 'weather.r', g.r)],
      priority: 'medium',
    });
  const conf = confidence(c);
  const eu = e.eui / f.peers.median;
  let summary: string;
  const topTxt = top && !c.o.skipTopAnomaly ? ` The largest anomaly is on ${top.date}.` : '';
  if (c.st.id === 'gemini-takeaways')
    summary = `${c.b('Key takeaway')}: this ${c.label} uses ${c.E(e.annual)} of electricity a year at ${c.eui(e.eui)}, ${eu > 1.05 ? 'above' : eu < 0.95 ? 'below' : 'close to'} its peer median.${topTxt}`;
  else if (c.st.terse) summary = `${c.E(e.annual)}/yr electricity, EUI ${c.eui(e.eui)}, baseload ${c.K(e.base)}.${topTxt}`;
  else
    summary = `This ${c.label} uses ${c.E(e.annual)} of electricity a year${g ? ` and ${c.E(g.annual)} of gas` : ''}; its electricity EUI of ${c.eui(e.eui)} is ${eu > 1.05 ? 'above' : eu < 0.95 ? 'below' : 'close to'} the peer median.${topTxt}`;
  if (c.st.confProse && !c.o.noConfProse) summary += ` ${confSentence(c, conf)}`;
  return { summary, findings, recommendations: recs.slice(0, 3), dataIssuesAddressed: dataIssues(c), confidence: conf };
}

function savingsRec(c: Ctx, m: MeterFacts, pct: number, action: string, core: string, ev: Ev[], priority: Rec['priority']): Rec {
  const p = Math.round(pct * 10) / 10;
  const k = roundSig((p / 100) * m.annual, 3);
  const clause = c.pick([
    ` Estimated saving: ${c.P(p)} of ${c.mname(m)} (${c.E(k)} a year).`,
    ` This would save about ${c.E(k)} a year, ${c.P(p)} of annual ${c.mname(m)}.`,
    ` Saving c. ${c.P(p)} (${c.E(k)}/yr).`,
  ]);
  return {
    action,
    rationale: c.o.unquantified ? core : core + clause,
    estimatedAnnualSavingsKwh: c.o.unquantified ? null : k,
    estimatedSavingsPct: c.o.unquantified ? null : p,
    evidence: ev,
    priority,
    _core: core,
    _meter: m.name,
  };
}

function retrofit(c: Ctx): Answer {
  const f = c.f;
  const e = elec(f);
  const g = gas(f);
  const findings: Answer['findings'] = [];
  const recs: Rec[] = [];
  const baseShare = ((e.base * 8760) / e.annual) * 100;
  findings.push({
    title: c.pick(['Baseload share', 'Always-on demand', 'Base load']),
    detail: `${consumption(c, e)} The ${c.K(e.base)} baseload accounts for about ${c.P(baseShare)} of annual electricity (baseload × 8,760 h), against a ${c.K(e.peak)} peak.`,
    evidence: [c.evm(e, 'load.baseloadKw', e.base, 'kW'), c.evm(e, 'annualKwh', e.annual, 'kWh'), c.evm(e, 'load.peakKw', e.peak, 'kW')],
  });
  findings.push({
    title: c.pick(['Out-of-hours operation', 'Scheduling', 'Night and weekend use']),
    detail: `The night/day ratio is ${c.R(e.nd)} and the weekday/weekend ratio ${c.R(e.wdwe)}. ${intensity(c, e)}`,
    evidence: [c.evm(e, 'load.nightDayRatio', e.nd), c.evm(e, 'load.weekdayWeekendRatio', e.wdwe), c.evm(e, 'euiKwhPerSqm', e.eui, 'kWh/m²')],
  });
  const wm = g ?? e;
  findings.push({
    title: `${c.Mname(wm)} weather response`,
    detail: weather(c, wm).join(' '),
    evidence: [c.evm(wm, 'weather.slopeKwhPerDegC', wm.slope, 'kWh/°C'), c.evm(wm, 'weather.r', wm.r)],
  });
  if (c.o.flipDirection && c.o.flipDirection !== wm.name) {
    const fm = f.meters.find((m) => m.name === c.o.flipDirection)!;
    findings.push({ title: `${c.Mname(fm)} weather response`, detail: weather(c, fm).join(' '), evidence: [c.evm(fm, 'weather.slopeKwhPerDegC', fm.slope, 'kWh/°C')] });
  }
  if (c.o.estimateMissing && c.o.estimateMissing !== wm.name) {
    const fm = f.meters.find((m) => m.name === c.o.estimateMissing)!;
    findings.push({ title: `${c.Mname(fm)} weather response`, detail: weather(c, fm).join(' '), evidence: [c.evm(fm, 'weather.r', fm.r)] });
  }
  // recommendations
  const cut = c.pick([10, 15, 20]);
  if (e.base > 0 && baseShare > 5) {
    recs.push(
      savingsRec(
        c,
        e,
        (baseShare * cut) / 100,
        c.pick(['Cut always-on baseload', 'Reduce baseload through an out-of-hours shutdown programme', 'Tackle the base load']),
        `Trimming the ${c.K(e.base)} baseload by ${cut}% targets the ${c.P(baseShare)} of electricity that runs around the clock.`,
        [c.evm(e, 'load.baseloadKw', e.base, 'kW'), c.evm(e, 'annualKwh', e.annual, 'kWh')],
        'high',
      ),
    );
  }
  const schedPct = e.nd >= 0.6 ? c.pick([6, 8]) : c.pick([3, 4, 5]);
  recs.push(
    savingsRec(
      c,
      e,
      schedPct,
      c.pick(['Tighten HVAC and lighting schedules', 'Align plant schedules with occupancy', 'Optimise BMS time schedules']),
      `With a night/day ratio of ${c.R(e.nd)}, ${e.nd >= 0.6 ? 'a large share of demand continues out of hours' : 'some demand continues out of hours'}.`,
      [c.evm(e, 'load.nightDayRatio', e.nd), c.evm(e, 'annualKwh', e.annual, 'kWh')],
      e.nd >= 0.6 ? 'high' : 'medium',
    ),
  );
  if (g && g.annual > 0) {
    recs.push(
      savingsRec(
        c,
        g,
        c.pick([8, 10, 12]),
        c.pick(['Upgrade heating controls (weather compensation, optimum start)', 'Re-commission boiler controls and set-points']),
        `Gas use of ${c.E(g.annual)} tracks outdoor temperature (r = ${c.R(g.r)}), so better control reduces heating hours.`,
        [c.evm(g, 'annualKwh', g.annual, 'kWh'), c.evm(g, 'weather.r', g.r)],
        'medium',
      ),
    );
  } else {
    recs.push(
      savingsRec(
        c,
        e,
        c.pick([4, 5, 6]),
        c.pick(['LED lighting retrofit with occupancy sensors', 'Upgrade lighting to LED with presence detection']),
        `Lighting is typically a large share of electricity in a building using ${c.E(e.annual)} a year${c.st.hedge ? ', although sub-metering would be needed to confirm it' : ''}.`,
        [c.evm(e, 'annualKwh', e.annual, 'kWh')],
        'medium',
      ),
    );
  }
  const conf = confidence(c);
  const elecRecs = recs.filter((r) => r._meter === 'electricity' && r.estimatedSavingsPct !== null);
  let summary = `${c.st.hedge ? 'Based on the metrics available, the' : 'The'} plan for this ${c.label} (${c.E(e.annual)} electricity a year${g ? `, ${c.E(g.annual)} gas` : ''}) has ${recs.length} measures; the first priority is to ${recs[0].action.charAt(0).toLowerCase() + recs[0].action.slice(1)}.`;
  if (!c.o.unquantified && elecRecs.length >= 2 && !c.st.terse) {
    const sp = elecRecs.reduce((a, r) => a + (r.estimatedSavingsPct ?? 0), 0);
    summary += ` The electricity measures together save roughly ${c.P(sp)} of electricity use.`;
  }
  if (c.st.confProse && !c.o.noConfProse) summary += ` ${confSentence(c, conf)}`;
  return { summary, findings, recommendations: recs, dataIssuesAddressed: dataIssues(c), confidence: conf };
}

export function buildGood(f: Facts, type: AnalysisType, st: Style, rng: Rng, o: BuildOpts = {}): Answer {
  const c = new Ctx(f, st, rng, type, o);
  const a = type === 'data-quality-triage' ? triage(c) : type === 'building-diagnostic' ? diagnostic(c) : retrofit(c);
  if (st.id === 'llama-3b-terse' && type === 'building-diagnostic')
    a.findings = a.findings
      .slice(0, Math.max(2, a.findings.length - 2))
      .concat(a.findings.slice(Math.max(2, a.findings.length - 2)).filter((x) => /anomal|coverage|day|week/i.test(x.title)));
  return a;
}

export function clean(a: Answer): any {
  return JSON.parse(JSON.stringify(a, (k, v) => (k.startsWith('_') ? undefined : v)));
}
