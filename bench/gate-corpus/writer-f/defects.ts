/**
 * Writer F defects: each turns a correct answer into one that a careful analyst with the data
 * block would reject for exactly one reason. `need` lists the audit findings that prove the
 * defect (at least one must appear); `allow` the consequences it may also have.
 */
import { type Answer, type BuildOpts, buildGood, clean, confidence, Ctx, issueResponse, type Rec } from './answers';
import { type ViolationKind, findBindings, sentences } from './audit';
import { type AnalysisType, explained, buildUniverse, extractNumbers, type Facts, fmt, type MeterFacts, requiredIssues, type Rng, roundSig } from './lib';
import type { Style } from './styles';

export interface DCtx {
  f: Facts;
  type: AnalysisType;
  st: Style;
  rng: Rng;
  others: Facts[];
}

export interface DefectDef {
  id: string;
  need: ViolationKind[];
  allow: ViolationKind[];
  /** returns the answer object (or a raw text), or null when the defect does not apply */
  make: (d: DCtx) => any | string | null;
}

const good = (d: DCtx, o: BuildOpts = {}, f: Facts = d.f, type: AnalysisType = d.type): Answer => buildGood(f, type, d.st, d.rng, o);

interface Field {
  get: () => string;
  set: (s: string) => void;
  where: string;
}

function fields(a: Answer): Field[] {
  const out: Field[] = [{ get: () => a.summary, set: (s) => (a.summary = s), where: 'summary' }];
  for (const fi of a.findings) {
    out.push({ get: () => fi.title, set: (s) => (fi.title = s), where: 'title' });
    out.push({ get: () => fi.detail, set: (s) => (fi.detail = s), where: 'detail' });
  }
  for (const r of a.recommendations) out.push({ get: () => r.rationale, set: (s) => (r.rationale = s), where: 'rationale' });
  for (const i of a.dataIssuesAddressed) out.push({ get: () => i.response, set: (s) => (i.response = s), where: 'response' });
  return out;
}

function numLen(s: string, at: number): number {
  return s.slice(at).match(/^[-−]?[\d,]+(?:\.\d+)?/)![0].length;
}

function formatLike(raw: string, v: number): string {
  const num = raw.match(/^[-−]?[\d,]+(?:\.\d+)?/)![0];
  const digits = num.replace(/[-−,.]/g, '').replace(/^0+/, '');
  const sig = Math.max(3, digits.replace(/0+$/, '').length);
  const dec = num.includes('.') ? num.split('.')[1].length : 0;
  let s: string;
  if (dec > 0) s = Math.abs(v).toFixed(Math.min(dec, 4));
  else s = String(Math.round(roundSig(Math.abs(v), sig)));
  if (num.includes(',')) s = s.replace(/^(\d+)/, (x) => x.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  return (num.startsWith('-') || num.startsWith('−') ? num[0] : '') + s;
}

function trivial(v: number): boolean {
  const a = Math.abs(v);
  return (Number.isInteger(a) && a <= 12) || [24, 52, 100, 365, 8760, 168, 1000].includes(a);
}

// ---------------------------------------------------------------- mutators

function wrongNumber(d: DCtx): Answer | null {
  const a = good(d);
  const u = buildUniverse(d.f);
  const cands: { fld: Field; idx: number; raw: string; base: number; value: number }[] = [];
  for (const fld of fields(a)) {
    for (const t of extractNumbers(fld.get())) {
      if (t.dim === 'money' || t.dim === 'years' || trivial(t.value) || Math.abs(t.value) < 0.05) continue;
      if (!explained(t, u)) continue;
      cands.push({ fld, idx: t.index, raw: t.raw, base: t.base, value: t.value });
    }
  }
  if (!cands.length) return null;
  const c = d.rng.pick(cands);
  const s = c.fld.get();
  const factor = 1 + (d.rng.chance(0.5) ? 1 : -1) * (0.06 + d.rng.next() * 0.34);
  const nv = formatLike(c.raw, c.value * factor);
  c.fld.set(s.slice(0, c.idx) + nv + s.slice(c.idx + numLen(s, c.idx)));
  return a;
}

const SWAP_PAIRS: [string, string][] = [
  ['baseload', 'peak'],
  ['nightDay', 'weekdayWeekend'],
  ['loadFactor', 'nightDay'],
  ['eui', 'median'],
];

function swapped(d: DCtx): Answer | null {
  const a = good(d);
  // evidence variant
  if (d.rng.chance(0.3)) {
    const pairs: [string, string][] = [
      ['load.baseloadKw', 'load.peakKw'],
      ['load.nightDayRatio', 'load.weekdayWeekendRatio'],
      ['totalKwh', 'annualKwh'],
    ];
    for (const [x, y] of d.rng.shuffle(pairs)) {
      for (const fi of [...a.findings, ...a.recommendations]) {
        const ex = fi.evidence.find((e) => e.metric.endsWith(`.${x}`));
        const ey = ex && d.f.metrics[ex.metric.replace(x, y)];
        if (ex && ey !== undefined && Math.abs(ey - ex.value) / Math.max(Math.abs(ex.value), 1e-9) > 0.06) {
          const yMetric = ex.metric.replace(x, y);
          const eyv = fi.evidence.find((e) => e.metric === yMetric);
          const xv = ex.value;
          ex.value = ey;
          if (eyv) eyv.value = xv;
          return a;
        }
      }
    }
  }
  for (const [pa, pb] of d.rng.shuffle(SWAP_PAIRS)) {
    for (const fld of d.rng.shuffle(fields(a))) {
      const s = fld.get();
      for (const sen of sentences(s)) {
        const bs = findBindings(sen);
        const ba = bs.find((b) => b.family.name === pa);
        const bb = bs.find((b) => b.family.name === pb);
        const off = s.indexOf(sen);
        if (ba && bb && ba.tok.dim === bb.tok.dim) {
          if (Math.abs(ba.tok.base - bb.tok.base) / Math.max(Math.abs(ba.tok.base), Math.abs(bb.tok.base)) < 0.08) continue;
          const [first, second] = ba.tok.index < bb.tok.index ? [ba.tok, bb.tok] : [bb.tok, ba.tok];
          const n1 = sen.slice(first.index, first.index + numLen(sen, first.index));
          const n2 = sen.slice(second.index, second.index + numLen(sen, second.index));
          const ns = sen.slice(0, first.index) + n2 + sen.slice(first.index + n1.length, second.index) + n1 + sen.slice(second.index + n2.length);
          fld.set(s.slice(0, off) + ns + s.slice(off + sen.length));
          return a;
        }
      }
    }
  }
  // cross-sentence: give metric A the value of metric B
  const m = d.f.meters[0];
  const map: Record<string, number> = { baseload: m.peak, peak: m.base, nightDay: m.wdwe, weekdayWeekend: m.nd, loadFactor: m.nd };
  for (const fld of d.rng.shuffle(fields(a))) {
    const s = fld.get();
    for (const sen of sentences(s)) {
      if (/\bgas\b/i.test(sen) && m.name !== 'gas') continue;
      for (const b of findBindings(sen)) {
        const nv = map[b.family.name];
        if (nv === undefined || b.tok.dim === 'pct' || b.tok.dim === 'pd') continue;
        if (Math.abs(nv - b.tok.value) / Math.max(Math.abs(nv), Math.abs(b.tok.value)) < 0.08) continue;
        const off = s.indexOf(sen);
        const n1 = sen.slice(b.tok.index, b.tok.index + numLen(sen, b.tok.index));
        const ns = sen.slice(0, b.tok.index) + fmt(nv, 3, n1.includes(',')) + sen.slice(b.tok.index + n1.length);
        fld.set(s.slice(0, off) + ns + s.slice(off + sen.length));
        return a;
      }
    }
  }
  return null;
}

function unitConfusion(d: DCtx): Answer | null {
  const a = good(d);
  const cands: { fld: Field; idx: number; end: number; raw: string; repl: string }[] = [];
  for (const fld of fields(a)) {
    for (const t of extractNumbers(fld.get())) {
      const unit = t.raw.slice(numLen(t.raw, 0));
      let nu: string | null = null;
      if (/^\s?kWh\b/.test(unit) && t.value >= 100) nu = unit.replace('kWh', 'MWh');
      else if (/^\s?MWh\b/.test(unit)) nu = unit.replace('MWh', 'kWh');
      else if (/^\s?kW$/.test(unit) && t.value >= 1) nu = unit.replace('kW', 'MW');
      else if (/^\s?W\/m²/.test(unit)) nu = unit.replace('W/m²', 'kW/m²');
      if (nu) cands.push({ fld, idx: t.index, end: t.end, raw: t.raw, repl: t.raw.slice(0, numLen(t.raw, 0)) + nu });
    }
  }
  if (!cands.length) return null;
  const c = d.rng.pick(cands);
  const s = c.fld.get();
  c.fld.set(s.slice(0, c.idx) + c.repl + s.slice(c.end));
  return a;
}

function wrongDerived(d: DCtx): Answer | null {
  const a = good(d);
  const m = d.f.meters.find((x) => x.name === 'electricity') ?? d.f.meters[0];
  const c = new Ctx(d.f, d.st, d.rng, d.type, {});
  const f = (1 + (d.rng.chance(0.5) ? 1 : -1) * (0.1 + d.rng.next() * 0.3)) as number;
  const opts: (() => string | null)[] = [
    () => `Averaged over the year that is ${c.n((m.annual / 365) * f)} kWh per day.`,
    () => `Mean demand works out at ${c.n((m.annual / 8760) * f)} kW.`,
    () => (m.base > 0 ? `The peak is ${fmt((m.peak / m.base) * f, 3, false)} times the baseload.` : null),
    () => (m.base > 0 ? `Running around the clock, the baseload alone accounts for ${fmt(((m.base * 8760) / m.annual) * 100 * f, 3, false)}% of annual electricity.` : null),
    () => (m.gap >= 24 ? `The longest gap amounts to about ${fmt((m.gap / 24) * f, 3, false)} days of lost data.` : null),
    () => `Spread over twelve months that is ${c.n((m.annual / 12) * f)} kWh a month.`,
    () => {
      const an = d.f.anomalies[0];
      if (!an || an.expectedKwh <= 0) return null;
      return `On ${an.date} consumption was ${fmt((an.actualKwh / an.expectedKwh) * f, 3, false)} times the expected level.`;
    },
  ];
  for (const o of d.rng.shuffle(opts)) {
    const s = o();
    if (!s) continue;
    const fi = a.findings.find((x) => x.evidence.some((e) => e.metric.startsWith('electricity.'))) ?? a.findings[0];
    // replace any correct derivation of the same kind rather than contradict it
    const kept = sentences(fi.detail).filter((x) => !/kWh per day|kWh a month|mean demand|times the baseload|accounts for|days of lost data|times the expected/i.test(x));
    fi.detail = `${kept.join(' ')} ${s}`;
    return a;
  }
  return null;
}

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);
}

function allowedDates(f: Facts): Set<string> {
  const s = new Set<string>(f.anomalies.map((x) => x.date));
  for (const is of f.issues) for (const dt of is.message.match(/\d{4}-\d{2}-\d{2}/g) ?? []) s.add(dt);
  s.add(f.start.slice(0, 10));
  s.add(f.end.slice(0, 10));
  return s;
}

function wrongDate(d: DCtx): Answer | null {
  const a = good(d);
  const flds = fields(a);
  const present = d.f.anomalies.filter((x) => flds.some((fl) => fl.get().includes(x.date)));
  if (!present.length) return null;
  const an = d.rng.pick(present);
  const allowed = allowedDates(d.f);
  let nd = '';
  for (let i = 0; i < 20; i++) {
    const k = (d.rng.chance(0.5) ? 1 : -1) * d.rng.int(1, 9);
    nd = shiftDate(an.date, k);
    if (!allowed.has(nd) && nd >= d.f.start.slice(0, 10) && nd < d.f.end.slice(0, 10)) break;
    nd = '';
  }
  if (!nd) return null;
  for (const fl of flds) fl.set(fl.get().split(an.date).join(nd));
  for (const r of a.recommendations) r.action = r.action.split(an.date).join(nd);
  return a;
}

function inventedAnomaly(d: DCtx): Answer | null {
  const a = good(d);
  const allowed = allowedDates(d.f);
  const m = d.f.meters[d.rng.int(0, d.f.meters.length - 1)];
  if (m.annual <= 0) return null;
  let date = '';
  for (let i = 0; i < 30 && !date; i++) {
    const cand = shiftDate(d.f.start.slice(0, 10), d.rng.int(5, 350));
    if (!allowed.has(cand)) date = cand;
  }
  const daily = m.annual / 365;
  const high = d.rng.chance(0.6);
  const exp = roundSig(daily * (0.8 + d.rng.next() * 0.35), 4);
  const act = roundSig(high ? exp * (1.8 + d.rng.next() * 1.5) : exp * (0.15 + d.rng.next() * 0.3), 4);
  const meter = m.name === 'gas' ? 'gas' : 'electricity';
  const ev = d.rng.chance(0.5)
    ? [{ metric: `${meter}.anomaly.day-${high ? 'high' : 'low'}.${date}.actualKwh`, value: act, unit: 'kWh' }]
    : [{ metric: `${meter}.anomalyCount`, value: d.f.metrics[`${meter}.anomalyCount`] }];
  a.findings.push({
    title: `${high ? 'Spike' : 'Dip'} in ${meter} use on ${date}`,
    detail: `On ${date} ${meter} consumption reached ${fmt(act, 4)} kWh against an expected ${fmt(exp, 4)} kWh, ${high ? 'well above' : 'well below'} the normal profile.`,
    evidence: ev,
  });
  return a;
}

function savingsExceed(d: DCtx): Answer | null {
  const a = good(d);
  const c = new Ctx(d.f, d.st, d.rng, d.type, {});
  const recs = a.recommendations;
  const e = d.f.meters[0];
  if (d.type === 'retrofit-plan' && d.rng.chance(0.35)) {
    const same = recs.filter((r) => r._meter === 'electricity');
    if (same.length >= 2) {
      const [p1, p2] = [d.rng.pick([55, 58, 60]), d.rng.pick([50, 52, 55])];
      for (const [r, p] of [
        [same[0], p1],
        [same[1], p2],
      ] as [Rec, number][]) {
        r.estimatedSavingsPct = p;
        r.estimatedAnnualSavingsKwh = roundSig((p / 100) * e.annual, 3);
        r.rationale = `${r._core} Saving ${p}% (${c.E(r.estimatedAnnualSavingsKwh)}) a year.`;
      }
      return a;
    }
  }
  let r: Rec | undefined = recs.length ? d.rng.pick(recs) : undefined;
  if (!r) return null;
  const m = d.f.meters.find((x) => x.name === (r!._meter ?? 'electricity')) ?? e;
  const p = d.rng.pick([115, 120, 130, 140, 150, 175]);
  r.estimatedSavingsPct = p;
  r.estimatedAnnualSavingsKwh = roundSig((p / 100) * m.annual, 3);
  r.rationale = `${r._core ?? r.rationale} This would cut ${m.name} use by ${p}% (${c.E(r.estimatedAnnualSavingsKwh)} a year).`;
  r = undefined;
  return a;
}

function confContra(d: DCtx): Answer | null {
  const a = good(d, { noConfProse: true });
  if (d.rng.chance(0.5)) {
    a.confidence = d.rng.pick([0.9, 0.92, 0.95]);
    a.summary += ` ${d.rng.pick(['Confidence in these conclusions is low', 'Overall confidence is low', 'We have low confidence in this assessment'])}, ${d.rng.pick(['as the data leave key questions open', 'since the drivers cannot be confirmed from the metrics', 'pending confirmation from site'])}.`;
  } else {
    a.confidence = d.rng.pick([0.2, 0.25, 0.3]);
    a.summary += ` ${d.rng.pick(['Confidence is high', 'We have high confidence in these findings', 'Confidence in this analysis is high'])}, ${d.rng.pick(['since the metrics are consistent', 'as the data support the conclusions clearly', 'given the consistent picture across metrics'])}.`;
  }
  return a;
}

function generic(d: DCtx): Answer {
  const c = new Ctx(d.f, d.st, d.rng, d.type, {});
  const f = d.f;
  const e = f.meters[0];
  const recs: Rec[] = [
    ['Install LED lighting throughout', 'LED lamps use far less energy than older fittings and last longer, which is true of most buildings.'],
    ['Upgrade to smart thermostats', 'Smart controls reduce heating and cooling when spaces are unoccupied.'],
    ['Improve insulation and draught-proofing', 'Better fabric reduces heat loss in almost any building.'],
    ['Engage occupants with an energy awareness campaign', 'Behaviour change typically delivers savings at little cost.'],
  ].map(([action, rationale], i) => {
    const p = [10, 8, 5, 3][i];
    const quant = d.type === 'retrofit-plan';
    return {
      action,
      rationale,
      estimatedSavingsPct: quant ? p : null,
      estimatedAnnualSavingsKwh: quant ? roundSig((p / 100) * e.annual, 3) : null,
      evidence: [c.ev(`${e.name}.annualKwh`, 'kWh')],
      priority: (['high', 'medium', 'medium', 'low'] as const)[i],
    };
  });
  const n = d.type === 'retrofit-plan' ? 3 : 2;
  return {
    summary: d.rng.pick([
      'Energy performance can be improved through better controls, efficient lighting and good maintenance, as in most buildings of this kind.',
      'The building would benefit from standard efficiency measures such as LED lighting, smarter controls and improved insulation.',
      'Like many commercial buildings, this one has opportunities to reduce energy use through operational and technical measures.',
    ]),
    findings: [
      {
        title: 'Typical end uses',
        detail: 'Heating, cooling and lighting usually dominate energy use in buildings like this, and occupancy patterns drive demand.',
        evidence: [c.ev(`${e.name}.annualKwh`, 'kWh')],
      },
      {
        title: 'Data quality',
        detail: 'Meter data should be checked regularly to make sure readings are complete and accurate.',
        evidence: [c.ev(`${e.name}.coverage.coverageRatio`)],
      },
    ],
    recommendations: recs.slice(0, n),
    dataIssuesAddressed: requiredIssues(f, d.type).map((is) => ({ issue: is.kind, response: 'Review this data issue with the metering provider before relying on the results.' })),
    confidence: confidence(c),
  };
}

function refusal(d: DCtx): any | string {
  const e = d.f.meters[0];
  const s = d.rng.pick([
    "I'm sorry, but I can't provide a reliable energy analysis from aggregated metrics alone; a site survey and sub-metered data would be needed before drawing conclusions.",
    'Without more context about how the building is operated, it is not possible to provide meaningful findings. I recommend consulting a qualified energy assessor.',
    'I am unable to provide a dependable assessment of this building from the summary statistics given; please supply interval data and operating schedules.',
  ]);
  if (d.rng.chance(0.15)) return s;
  return {
    summary: s,
    findings: [
      {
        title: 'Insufficient information',
        detail: 'The summary statistics do not support a dependable assessment of this building.',
        evidence: [{ metric: `${e.name}.coverage.coverageRatio`, value: e.cov }],
      },
    ],
    recommendations: [],
    dataIssuesAddressed: [],
    confidence: d.rng.pick([0.1, 0.15, 0.2]),
  };
}

function frankenFacts(f: Facts, o: Facts): Facts | null {
  const me = f.meters.find((m) => m.name === 'electricity');
  const oe = o.meters.find((m) => m.name === 'electricity');
  if (!me || !oe) return null;
  const diff = (x: number, y: number) => Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-9);
  if (diff(me.annual, oe.annual) < 0.15 || diff(me.base, oe.base) < 0.15 || diff(me.peak, oe.peak) < 0.15 || diff(me.eui, oe.eui) < 0.15) return null;
  const nm: MeterFacts = { ...me, annual: oe.annual, total: oe.total, eui: oe.eui, base: oe.base, peak: oe.peak, lf: oe.lf, nd: oe.nd, wdwe: oe.wdwe, monthly: oe.monthly };
  return { ...f, meters: f.meters.map((m) => (m === me ? nm : m)) };
}

function otherBuilding(d: DCtx): Answer | null {
  for (const o of d.rng.shuffle(d.others.filter((x) => x.id !== d.f.id)).slice(0, 12)) {
    const ff = frankenFacts(d.f, o);
    if (ff) return good(d, {}, ff);
  }
  return null;
}

function ignoredIssue(d: DCtx): Answer | null {
  const req = requiredIssues(d.f, d.type);
  if (!req.length) return null;
  const a = good(d);
  const kind = d.rng.pick([...new Set(req.map((r) => r.kind))]);
  a.dataIssuesAddressed = a.dataIssuesAddressed.filter((x) => x.issue !== kind);
  return a;
}

function ignoredTop(d: DCtx): Answer | null {
  if (d.type !== 'building-diagnostic' || !d.f.anomalies.length) return null;
  return good(d, { skipTopAnomaly: true });
}

function unquantified(d: DCtx): Answer | null {
  if (d.type !== 'retrofit-plan') return null;
  return good(d, { unquantified: true });
}

function costs(d: DCtx): Answer | null {
  const a = good(d);
  if (!a.recommendations.length) return null;
  const r = d.rng.pick(a.recommendations);
  const cur = d.rng.pick(['£', '$', '€']);
  const cost = d.rng.pick([4500, 8200, 12500, 18000, 26000, 45000]);
  const pb = d.rng.pick([1.8, 2.5, 3.2, 4.5, 6]);
  r.rationale += d.rng.pick([
    ` Estimated cost ${cur}${fmt(cost, 3)} with a simple payback of about ${pb} years.`,
    ` Capital cost of roughly ${cur}${fmt(cost, 3)}, paying back in ${pb} years.`,
    ` At about ${cur}${fmt(cost, 3)} installed, the payback is around ${pb} years.`,
  ]);
  return a;
}

function wrongDirection(d: DCtx): Answer | null {
  const cands = d.f.meters.filter((m) => Math.abs(m.r) >= 0.3);
  if (!cands.length) return null;
  const m = cands.reduce((x, y) => (Math.abs(y.r) > Math.abs(x.r) ? y : x));
  if (d.type === 'retrofit-plan' && d.f.meters.some((x) => x.name === 'gas') && m.name !== 'gas') {
    return good(d, { flipDirection: m.name });
  }
  return good(d, { flipDirection: m.name });
}

function missingEstimated(d: DCtx): Answer | null {
  const m = d.f.meters.find((x) => x.cpMissing);
  if (!m) return null;
  const a = good(d, { estimateMissing: m.name });
  if (d.rng.chance(0.4)) {
    const fi = a.findings.find((x) => /heating balance point/.test(x.detail));
    if (fi)
      fi.evidence.push({
        metric: `${m.name}.weather.changePoint.heatingBalancePointC`,
        value: Number((fi.detail.match(/balance point of about ([\d.]+)/) ?? ['', '15'])[1]),
        unit: '°C',
      });
  }
  return a;
}

function wrongType(d: DCtx): Answer {
  const others: AnalysisType[] = (['data-quality-triage', 'building-diagnostic', 'retrofit-plan'] as AnalysisType[]).filter((t) => t !== d.type);
  let t = d.rng.pick(others);
  if (d.type === 'data-quality-triage' && t === 'building-diagnostic' && d.rng.chance(0.5)) t = 'retrofit-plan';
  const a = good(d, {}, d.f, t);
  // keep the prompt's own data-issue list coverage consistent with the answered type
  a.dataIssuesAddressed = requiredIssues(d.f, t).map((is) => ({ issue: is.kind, response: issueResponse(new Ctx(d.f, d.st, d.rng, t, {}), is) }));
  return a;
}

export const DEFECTS: DefectDef[] = [
  { id: 'wrong-number', need: ['unexplained-number', 'binding'], allow: [], make: wrongNumber },
  { id: 'swapped-metrics', need: ['binding', 'evidence-value'], allow: [], make: swapped },
  { id: 'unit-confusion', need: ['unexplained-number', 'binding'], allow: [], make: unitConfusion },
  { id: 'wrong-derived-figure', need: ['unexplained-number'], allow: ['binding'], make: wrongDerived },
  { id: 'anomaly-wrong-date', need: ['unknown-date'], allow: ['largest-anomaly-missing'], make: wrongDate },
  { id: 'invented-anomaly', need: ['unknown-date'], allow: ['unexplained-number', 'evidence-metric'], make: inventedAnomaly },
  { id: 'savings-exceed-consumption', need: ['savings-exceed'], allow: [], make: savingsExceed },
  { id: 'confidence-contradicts-prose', need: ['confidence-contradiction'], allow: ['confidence-too-high'], make: confContra },
  { id: 'generic-advice', need: ['generic'], allow: ['largest-anomaly-missing', 'no-loadshape', 'no-coverage-finding'], make: generic },
  {
    id: 'wrong-analysis-type',
    need: ['no-coverage-finding', 'largest-anomaly-missing', 'no-loadshape', 'savings-missing', 'issue-missing'],
    allow: [],
    make: wrongType,
  },
  { id: 'other-building-figures', need: ['unexplained-number', 'binding', 'evidence-value'], allow: ['savings-inconsistent', 'savings-exceed', 'generic'], make: otherBuilding },
  {
    id: 'soft-refusal',
    need: ['refusal'],
    allow: ['generic', 'issue-missing', 'savings-missing', 'largest-anomaly-missing', 'no-loadshape', 'no-coverage-finding', 'parse'],
    make: refusal,
  },
  { id: 'ignored-data-issue', need: ['issue-missing'], allow: [], make: ignoredIssue },
  { id: 'ignored-largest-anomaly', need: ['largest-anomaly-missing'], allow: [], make: ignoredTop },
  { id: 'unquantified-savings', need: ['savings-missing'], allow: [], make: unquantified },
  { id: 'invented-costs', need: ['cost'], allow: ['unexplained-number'], make: costs },
  { id: 'wrong-weather-direction', need: ['direction'], allow: [], make: wrongDirection },
  { id: 'missing-metric-estimated', need: ['missing-metric'], allow: ['unexplained-number', 'evidence-metric'], make: missingEstimated },
];

export { clean };
