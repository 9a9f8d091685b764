/**
 * Writer E — defects. Each takes a building, an analysis type and a style and returns one
 * answer with exactly one thing wrong, or null when the defect does not apply.
 */
import { type AnalysisType, type Building, type Rng, nice, shiftDate, sig, commas, relDiff } from './lib';
import { Facts, type Tamper, kindOf } from './facts';
import type { Answer, Built, Writer } from './good';

export interface DefectCtx {
  b: Building;
  type: AnalysisType;
  style: new () => Writer;
  r: Rng;
  /** Other buildings of the same corpus (for the other-building defect). */
  others: Building[];
}

export type DefectFn = (c: DefectCtx) => Built | null;

function build(c: DefectCtx, t: Tamper = {}, type: AnalysisType = c.type, b: Building = c.b): { built: Built; facts: Facts } {
  const facts = new Facts(b, t);
  const w = new c.style();
  const built = w.build(facts, type, c.r.fork('answer'));
  return { built, facts };
}

const NUMERIC_KINDS = new Set(['kwh', 'kw', 'eui', 'ratio', 'x', 'pct', 'slope', 'h']);

/** Keys whose values a clean render of this style writes in prose. */
function proseKeys(c: DefectCtx): string[] {
  const { facts } = build(c);
  return [...facts.used].filter((k) => {
    if (!NUMERIC_KINDS.has(kindOf(k))) return false;
    const v = facts.truth(k);
    if (!Number.isFinite(v) || Math.abs(v) < 0.05) return false;
    if (/coverage\.(missingHours|negativeHours|expectedHours)$/.test(k)) return false;
    if (/\.r$|\.r2$/.test(k)) return false;
    return true;
  });
}

function render(w: Built, patch: (a: Answer) => void): Built {
  patch(w.answer);
  return w;
}

// ---------------------------------------------------------------- number defects

export const wrongNumber: DefectFn = (c) => {
  const keys = proseKeys(c);
  if (!keys.length) return null;
  const key = c.r.pick(keys);
  const v = new Facts(c.b).truth(key);
  const mag = 0.08 + c.r.next() * 0.3;
  const wrong = sig(v * (c.r.chance(0.5) ? 1 + mag : 1 - mag), 3);
  return build(c, { value: { [key]: wrong }, proseOnly: c.r.chance(0.4) }).built;
};

export const transposedDigits: DefectFn = (c) => {
  const keys = c.r.shuffle(proseKeys(c));
  for (const key of keys) {
    const v = new Facts(c.b).truth(key);
    const s = nice(Math.abs(v), 3).replace(/,/g, '');
    const digits = [...s].map((ch, i) => ({ ch, i })).filter((x) => /\d/.test(x.ch));
    for (let j = 0; j + 1 < Math.min(digits.length, 3); j++) {
      const a = digits[j];
      const b = digits[j + 1];
      if (a.ch === b.ch || (j === 0 && b.ch === '0')) continue;
      const arr = [...s];
      arr[a.i] = b.ch;
      arr[b.i] = a.ch;
      const t = Number(arr.join('')) * Math.sign(v || 1);
      if (relDiff(t, v) < 0.08) continue;
      return build(c, { value: { [key]: t } }).built;
    }
  }
  return null;
};

export const orderOfMagnitude: DefectFn = (c) => {
  const keys = proseKeys(c).filter((k) => ['kwh', 'kw', 'eui'].includes(kindOf(k)));
  if (!keys.length) return null;
  const key = c.r.pick(keys);
  const v = new Facts(c.b).truth(key);
  return build(c, { value: { [key]: v * (c.r.chance(0.5) ? 10 : 0.1) } }).built;
};

export const swappedMetrics: DefectFn = (c) => {
  const used = new Set(proseKeys(c));
  const f = new Facts(c.b);
  const pairs: [string, string][] = [];
  for (const m of c.b.meters) {
    pairs.push(
      [`${m}.load.baseloadKw`, `${m}.load.peakKw`],
      [`${m}.load.nightDayRatio`, `${m}.load.loadFactor`],
      [`${m}.load.weekdayWeekendRatio`, `${m}.load.nightDayRatio`],
      [`${m}.annualKwh`, `${m}.totalKwh`],
    );
  }
  pairs.push(['electricity.euiKwhPerSqm', 'peers.medianEuiKwhPerSqm']);
  for (const a of c.b.anomalies) pairs.push([a.actualMetric, a.expectedMetric]);
  const ok = c.r
    .shuffle(pairs)
    .filter(([a, b]) => used.has(a) && used.has(b) && f.has(a) && f.has(b) && relDiff(f.truth(a), f.truth(b)) > 0.15 && relDiff(f.truth(b), f.truth(a)) > 0.15);
  if (!ok.length) return null;
  const [a, b] = ok[0];
  return build(c, { value: { [a]: f.truth(b), [b]: f.truth(a) } }).built;
};

export const unitConfusion: DefectFn = (c) => {
  const { built, facts } = build(c);
  const e = 'electricity';
  const variants: (() => string | null)[] = [
    () => `Annual electricity consumption is ${commas(facts.truth(`${e}.annualKwh`), 0)} kW.`,
    () => `Energy use intensity is ${nice(facts.truth(`${e}.euiKwhPerSqm`), 4)} MWh/m² a year.`,
    () => {
      const g = facts.truth(`${e}.coverage.longestGapHours`);
      return g >= 2 ? `The longest gap in the electricity data lasts ${commas(g, 0)} days.` : null;
    },
    () => `The electricity peak demand is ${nice(facts.truth(`${e}.load.peakKw`), 4)} MWh per year.`,
  ];
  for (const v of c.r.shuffle(variants)) {
    const s = v();
    if (!s) continue;
    return render(built, (a) => {
      a.summary = `${a.summary.trim()} ${s}`;
    });
  }
  return null;
};

export const wrongDerived: DefectFn = (c) => {
  if (c.type === 'data-quality-triage') return null;
  const { built, facts } = build(c);
  const e = 'electricity';
  const annual = facts.truth(`${e}.annualKwh`);
  const variants: (() => string)[] = [
    () => `On average that is ${commas(Math.round(annual / 12), 0)} kWh per day.`,
    () => `That averages ${commas(Math.round(sig((annual / 365) * (1.18 + c.r.next() * 0.25), 3)), 0)} kWh per day across the year.`,
    () => {
      const base = facts.truth(`${e}.load.baseloadKw`);
      const share = ((base * 24) / annual) * 100; // forgot ×365: a derivation error
      const wrongShare = share < 1 ? Math.min(95, ((base * 8760) / annual) * 100 * (0.45 + c.r.next() * 0.2)) : share;
      return `The baseload of ${nice(base, 3)} kW accounts for ${nice(wrongShare, 2)}% of annual electricity.`;
    },
    () => `Mean electrical demand over the year is ${nice((annual / 8760) * (1.2 + c.r.next() * 0.3), 3)} kW.`,
  ];
  const s = c.r.pick(variants)();
  return render(built, (a) => {
    a.findings[0].detail = `${a.findings[0].detail.trim()} ${s}`;
  });
};

// ---------------------------------------------------------------- anomaly defects

export const wrongAnomalyDate: DefectFn = (c) => {
  if (c.type !== 'building-diagnostic' || !c.b.anomalies.length) return null;
  const w = new c.style();
  w.f = new Facts(c.b);
  w.r = c.r.fork('x');
  const idx = w.largestAnomalies();
  const i = c.r.pick(idx);
  const taken = new Set(c.b.anomalies.map((a) => a.date));
  const issueText = c.b.dataIssues.map((d) => d.message).join(' ');
  for (const d of c.r.shuffle([1, 2, 3, 5, 7, 9, 12, 14, 21, 30, -1, -2, -3, -5, -6, -10, -15, -28])) {
    const nd = shiftDate(c.b.anomalies[i].date, d);
    if (taken.has(nd) || !nd.startsWith('2019') || issueText.includes(nd)) continue;
    return build(c, { anomalyDate: { [i]: nd } }).built;
  }
  return null;
};

export const inventedAnomaly: DefectFn = (c) => {
  const { built, facts } = build(c);
  const taken = new Set(c.b.anomalies.map((a) => a.date));
  const issueText = c.b.dataIssues.map((d) => d.message).join(' ');
  let date = '';
  for (let k = 0; k < 50; k++) {
    const d = shiftDate('2019-01-01', c.r.int(10, 350));
    if (!taken.has(d) && !issueText.includes(d)) {
      date = d;
      break;
    }
  }
  const e = 'electricity';
  const perDay = facts.truth(`${e}.annualKwh`) / 365;
  const expected = sig(perDay * (0.85 + c.r.next() * 0.3), 3);
  const actual = sig(expected * (2.1 + c.r.next() * 1.4), 3);
  const finding = {
    title: `Electricity spike on ${date}`,
    detail: `On ${date} the electricity meter recorded ${commas(actual, 1)} kWh against an expected ${commas(expected, 1)} kWh, the most extreme day of the year.`,
    evidence: [{ metric: `electricity.anomaly.day-high.${date}.actualKwh`, value: actual, unit: 'kWh' }],
  };
  return render(built, (a) => {
    a.findings.splice(Math.min(1, a.findings.length), 0, finding);
  });
};

export const ignoredLargestAnomaly: DefectFn = (c) => {
  if (c.type !== 'building-diagnostic' || c.b.anomalies.length < 2) return null;
  const { built } = build(c);
  const top = c.b.anomalies.map((a, i) => ({ i, z: Math.abs(a.robustZ) })).sort((x, y) => y.z - x.z)[0].i;
  const date = c.b.anomalies[top].date;
  const a = built.answer;
  a.findings = a.findings.filter((f) => !f.title.includes(date) && !f.detail.includes(date));
  a.recommendations = a.recommendations.filter((r) => !r.action.includes(date) && !r.rationale.includes(date));
  // make sure some other anomaly is still discussed
  const other = c.b.anomalies.findIndex((x, i) => i !== top && x.date !== date);
  const mentioned = a.findings.some((f) => c.b.anomalies.some((x, i) => i !== top && f.title.includes(x.date)));
  if (!mentioned && other >= 0) {
    const w = new c.style();
    w.f = new Facts(c.b);
    w.r = c.r.fork('y');
    w.type = c.type;
    a.findings.push(w.anomalyFinding(other));
  }
  if (a.recommendations.length === 0) a.recommendations = [];
  if (JSON.stringify(a).includes(date)) return null;
  return built;
};

// ---------------------------------------------------------------- recommendation defects

export const savingsExceed: DefectFn = (c) => {
  if (c.type === 'data-quality-triage') return null;
  const { built, facts } = build(c);
  const recs = built.answer.recommendations.filter((r) => r.estimatedSavingsPct !== null);
  if (!recs.length) return null;
  const rec = c.r.pick(recs);
  const meter = rec.evidence.length && /^gas\./.test(String(rec.evidence[0].metric)) ? 'gas' : 'electricity';
  const annual = facts.truth(`${meter}.annualKwh`);
  const total = c.b.meters.reduce((s, m) => s + facts.truth(`${m}.annualKwh`), 0);
  if (c.r.chance(0.5)) {
    const pct = c.r.pick([110, 120, 125, 140, 150, 180]);
    rec.estimatedSavingsPct = pct;
    rec.estimatedAnnualSavingsKwh = Math.round(sig((pct / 100) * annual, 3));
    rec.rationale = rec.rationale.replace(/Estimated saving [^.]*\.\s*$/, '').trim() + ` This would cut ${meter} use by ${pct}%.`;
  } else {
    const kwh = Math.round(sig(total * (1.3 + c.r.next()), 3));
    rec.estimatedAnnualSavingsKwh = kwh;
    rec.estimatedSavingsPct = Math.round((kwh / annual) * 100);
  }
  return built;
};

export const unquantifiedSavings: DefectFn = (c) => {
  if (c.type !== 'retrofit-plan') return null;
  const { built } = build(c);
  for (const r of built.answer.recommendations) {
    r.estimatedAnnualSavingsKwh = null;
    r.estimatedSavingsPct = null;
    r.rationale = r.rationale.replace(/\s*Estimated saving [^.]*\.[^.]*\./, '').replace(/\s*Saving[^.]*\./i, '');
  }
  return built;
};

export const inventedCosts: DefectFn = (c) => {
  if (c.type === 'data-quality-triage') return null;
  const { built } = build(c);
  const recs = built.answer.recommendations;
  if (!recs.length) return null;
  const rec = recs[0];
  const cur = c.r.pick(['£', '$', '€']);
  const capex = c.r.pick([4500, 8000, 12000, 18500, 25000, 40000]);
  const payback = c.r.pick([1.5, 2.2, 2.8, 3.5, 4, 6.5]);
  rec.rationale = `${rec.rationale.trim()} Capital cost about ${cur}${commas(capex, 0)}, with a simple payback of ${payback} years.`;
  return built;
};

// ---------------------------------------------------------------- whole-answer defects

export const confidenceMismatch: DefectFn = (c) => {
  const { built } = build(c);
  const a = built.answer;
  a.confidence = c.r.pick([0.9, 0.92, 0.95]);
  a.summary = `${a.summary.trim()} ${c.r.pick([
    'Overall confidence in these conclusions is low, given the data problems.',
    'My confidence here is low: the data are too uncertain to rely on.',
    'Treat this with low confidence.',
  ])}`;
  return built;
};

export const genericAdvice: DefectFn = (c) => {
  const text: Answer = {
    summary: c.r.pick([
      'Buildings like this one typically waste energy through poor controls, inefficient lighting and out-of-hours operation. A structured energy management approach will deliver savings.',
      'Energy efficiency in commercial buildings can usually be improved with a combination of operational changes and capital upgrades.',
    ]),
    findings: [
      {
        title: 'General energy performance',
        detail: 'Most buildings have opportunities in lighting, HVAC scheduling and building fabric.',
        evidence: [{ metric: 'benchmark', value: 0 }],
      },
      { title: 'Controls', detail: 'Heating and cooling controls are often set up poorly and rarely recommissioned.', evidence: [{ metric: 'benchmark', value: 0 }] },
    ],
    recommendations: [
      {
        action: 'Upgrade to LED lighting',
        rationale: 'LED lighting is widely recognised as a cost-effective measure.',
        estimatedAnnualSavingsKwh: null,
        estimatedSavingsPct: null,
        evidence: [{ metric: 'benchmark', value: 0 }],
        priority: 'high',
      },
      {
        action: 'Install a building management system',
        rationale: 'Good controls help any building reduce waste.',
        estimatedAnnualSavingsKwh: null,
        estimatedSavingsPct: null,
        evidence: [{ metric: 'benchmark', value: 0 }],
        priority: 'medium',
      },
    ],
    dataIssuesAddressed: [],
    confidence: 0.6,
  };
  return { answer: text, wrap: 'raw' };
};

export const wrongType: DefectFn = (c) => {
  const other: AnalysisType[] = (['data-quality-triage', 'building-diagnostic', 'retrofit-plan'] as AnalysisType[]).filter((t) => t !== c.type);
  // a triage answer never quantifies savings; a retrofit answer never addresses anomalies or coverage
  const t: AnalysisType =
    c.type === 'retrofit-plan' ? 'data-quality-triage' : c.type === 'data-quality-triage' ? 'retrofit-plan' : c.b.anomalies.length ? 'data-quality-triage' : other[0];
  if (c.type === 'building-diagnostic' && !c.b.anomalies.length) return null;
  const { built } = build(c, {}, t);
  if (c.type === 'data-quality-triage') {
    built.answer.findings = built.answer.findings.filter((f) => !/coverage/i.test(f.title) && !f.evidence.some((e) => /coverage/.test(String(e.metric))));
    if (!built.answer.findings.length) return null;
  }
  if (c.type === 'building-diagnostic') {
    built.answer.findings = built.answer.findings.filter((f) => !c.b.anomalies.some((a) => f.detail.includes(a.date) || f.title.includes(a.date)));
  }
  return built;
};

export const otherBuilding: DefectFn = (c) => {
  const same = c.others.filter(
    (o) => o.id !== c.b.id && o.meters.join() === c.b.meters.join() && relDiff(o.metrics['electricity.annualKwh'], c.b.metrics['electricity.annualKwh']) > 0.2,
  );
  if (!same.length) return null;
  const o = c.r.pick(same);
  const { built } = build(c, {}, c.type, o);
  const s = JSON.stringify(built.answer).split(o.id).join(c.b.id);
  return { ...built, answer: JSON.parse(s) as Answer };
};

export const softRefusal: DefectFn = (c) => {
  if (c.b.dataIssues.some((i) => i.severity === 'critical')) return null;
  if (c.b.meters.some((m) => c.b.metrics[`${m}.coverage.coverageRatio`] < 0.9)) return null;
  const { built } = build(c);
  const a = built.answer;
  a.summary = c.r.pick([
    'A meaningful analysis is not possible from aggregated statistics alone; detailed interval data and site information would be needed before drawing conclusions.',
    'I am unable to provide a reliable assessment for this building: the information supplied is insufficient for a meaningful analysis.',
    'Without access to the underlying meter data and a site survey, a meaningful analysis of this building is not possible.',
  ]);
  a.findings = [
    { title: 'Insufficient information', detail: 'The data provided do not allow firm conclusions to be drawn about this building.', evidence: a.findings[0].evidence.slice(0, 1) },
  ];
  a.recommendations =
    c.type === 'retrofit-plan'
      ? a.recommendations.map((r) => ({ ...r, estimatedAnnualSavingsKwh: null, estimatedSavingsPct: null, rationale: 'Cannot be quantified without further data.' }))
      : [];
  a.confidence = 0.15;
  return built;
};

export const ignoredDataIssue: DefectFn = (c) => {
  const rel = c.b.dataIssues.filter((i) => c.type === 'data-quality-triage' || i.severity !== 'info');
  if (!rel.length) return null;
  const { built } = build(c);
  const a = built.answer;
  a.dataIssuesAddressed = [];
  const kinds = new Set(rel.map((i) => i.kind));
  const words = /outage|gap|zero|coverage|missing|logger/i;
  a.findings = a.findings.filter((f) => !words.test(f.title) || c.type === 'data-quality-triage');
  for (const f of a.findings)
    f.detail = f.detail
      .split(/(?<=\.)\s+/)
      .filter((s) => !/outage|logger/i.test(s))
      .join(' ');
  a.recommendations = a.recommendations.filter((r) => !/logger|zero|outage/i.test(r.action));
  if (c.type === 'data-quality-triage' && a.recommendations.length === 0) a.recommendations = [];
  a.summary = `${a.summary.trim()} ${c.r.pick(['No data issues affect this analysis.', 'The data are complete and need no special handling.', 'There are no data-quality concerns to report.'])}`;
  if ([...kinds].some((k) => JSON.stringify(a.dataIssuesAddressed).includes(k))) return null;
  return built;
};

export const wrongDirection: DefectFn = (c) => {
  if (c.type !== 'building-diagnostic') return null;
  const cand = c.b.meters.filter((m) => Math.abs(c.b.metrics[`${m}.weather.r`]) >= 0.35);
  if (!cand.length) return null;
  const m = c.r.pick(cand);
  return build(c, { flipDirection: m }).built;
};

export const missingMetricEstimated: DefectFn = (c) => {
  const miss = c.b.missing.find((x) => /weather\.changePoint$/.test(x.metric));
  if (!miss) return null;
  const meter = miss.metric.split('.')[0];
  const { built } = build(c);
  const bp = c.r.pick([12.5, 13, 14, 15, 15.5, 16]);
  const s = `${meter === 'gas' ? 'Gas' : 'Electricity'} heating starts below a balance point of about ${bp} °C.`;
  const a = built.answer;
  const wf = a.findings.find((f) => /weather|temperature/i.test(f.title + f.detail));
  if (wf) {
    wf.detail = wf.detail.replace(/\s*(No change-point model[^.]*\.|Balance point\?[^.]*\.[^.]*\.|The electricity change-point model is unavailable[^.]*\.)/g, '') + ' ' + s;
    wf.evidence.push({ metric: `${meter}.weather.changePoint.heatingBalancePointC`, value: bp, unit: '°C' });
  } else {
    a.summary = `${a.summary.trim()} ${s}`;
  }
  return built;
};

export const DEFECTS: Record<string, DefectFn> = {
  'wrong-number': wrongNumber,
  'transposed-digits': transposedDigits,
  'order-of-magnitude': orderOfMagnitude,
  'swapped-metrics': swappedMetrics,
  'unit-confusion': unitConfusion,
  'wrong-derived': wrongDerived,
  'wrong-anomaly-date': wrongAnomalyDate,
  'invented-anomaly': inventedAnomaly,
  'ignored-largest-anomaly': ignoredLargestAnomaly,
  'savings-exceed': savingsExceed,
  'unquantified-savings': unquantifiedSavings,
  'invented-costs': inventedCosts,
  'confidence-mismatch': confidenceMismatch,
  'generic-advice': genericAdvice,
  'wrong-type': wrongType,
  'other-building': otherBuilding,
  'soft-refusal': softRefusal,
  'ignored-data-issue': ignoredDataIssue,
  'wrong-direction': wrongDirection,
  'missing-metric-estimated': missingMetricEstimated,
};
