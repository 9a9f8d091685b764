/**
 * Writer C: defects. Each takes a correct answer model and makes it wrong in exactly one
 * way a careful reviewer would reject. A defect returns undefined when it does not apply
 * to this prompt (no anomalies, no missing metric, no data issue, ...).
 */
import { type Block, type Rng, chance, pick, exact, intWords, approxWords, sig, sigStr, trimNum, withCommas, MONTH_NAMES } from './lib';
import { type AnswerM, type Ctx, type RecM, type Sent, type StyleName, type Fmt, confidenceWord, requiredIssues } from './compose';
import { buildGood, makeCtx, render } from './answer';
import type { Problem } from './verify';

export interface DefectOut {
  text: string;
  /** What the self-check must find: one of these problems, or a targeted claim. */
  expect: Problem[];
  claim?: { sentence: string; check: (b: Block) => boolean };
}

export interface DefectEnv {
  c: Ctx;
  good: AnswerM;
  others: Block[];
  attempt: number;
}

type DefectFn = (env: DefectEnv) => DefectOut | undefined;

const S = (text: string, ...keys: string[]): Sent => ({ text, keys });
const clone = (a: AnswerM): AnswerM => JSON.parse(JSON.stringify(a)) as AnswerM;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Every sentence slot in the model: [array, index]. */
function slots(a: AnswerM): [Sent[], number][] {
  const out: [Sent[], number][] = [];
  a.summary.forEach((_, i) => out.push([a.summary, i]));
  for (const f of a.findings) f.sents.forEach((_, i) => out.push([f.sents, i]));
  for (const r of a.recs) r.rationale.forEach((_, i) => out.push([r.rationale, i]));
  return out;
}
function slotsWithKey(a: AnswerM, pred: (k: string) => boolean): [Sent[], number][] {
  return slots(a).filter(([arr, i]) => arr[i].keys.some(pred));
}

/** Noun, dimension and sentence shapes for a metric. */
interface Label {
  noun: string;
  dim: 'energy' | 'power' | 'eui' | 'fraction' | 'ratio' | 'hours' | 'slope' | 'temp' | 'count';
}
function labelOf(metric: string): Label | undefined {
  const meter = metric.split('.')[0];
  const M = meter === 'gas' ? 'gas' : 'electricity';
  const last = metric.split('.').pop() ?? '';
  if (/\.anomaly\./.test(metric)) return { noun: `${M} use on ${metric.split('.')[3]}`, dim: 'energy' };
  if (/\.monthly\./.test(metric)) return { noun: `${M} use that month`, dim: 'energy' };
  const map: Record<string, Label> = {
    annualKwh: { noun: `annual ${M} consumption`, dim: 'energy' },
    totalKwh: { noun: `metered ${M} total`, dim: 'energy' },
    euiKwhPerSqm: { noun: meter === 'peers' ? 'peer median EUI' : `${M} EUI`, dim: 'eui' },
    medianEuiKwhPerSqm: { noun: 'peer median EUI', dim: 'eui' },
    baseloadKw: { noun: `${M} baseload`, dim: 'power' },
    peakKw: { noun: `${M} peak demand`, dim: 'power' },
    loadFactor: { noun: `${M} load factor`, dim: 'fraction' },
    coverageRatio: { noun: `${M} coverage`, dim: 'fraction' },
    nightDayRatio: { noun: `${M} night/day ratio`, dim: 'ratio' },
    weekdayWeekendRatio: { noun: `${M} weekday/weekend ratio`, dim: 'ratio' },
    longestGapHours: { noun: `longest ${M} gap`, dim: 'hours' },
    zeroHours: { noun: `${M} zero-reading hours`, dim: 'hours' },
    validHours: { noun: `valid ${M} hours`, dim: 'hours' },
    slopeKwhPerDegC: { noun: `${M} weather slope`, dim: 'slope' },
    heatingBalancePointC: { noun: `${M} heating balance point`, dim: 'temp' },
    coolingBalancePointC: { noun: `${M} cooling balance point`, dim: 'temp' },
  };
  return map[last];
}

function shapeSentence(rng: Rng, f: Fmt, metric: string, v: number): string | undefined {
  const L = labelOf(metric);
  if (!L) return undefined;
  const n = L.noun;
  switch (L.dim) {
    case 'energy': {
      const shapes = [
        () => `${cap(n)}: ${exact(v)} kWh.`,
        () => `${cap(n)} is estimated at roughly ${trimNum(Number((v / 1000).toFixed(v >= 100000 ? 0 : 1)))} MWh.`,
        () => `${withCommas(Math.round(v))} kWh of ${n.replace(/^(annual|metered) /, '')} went through the meter.`,
        () => `${cap(n)} comes to about ${approxWords(v)} kWh.`,
        () => `${cap(n)} stands at ${f.E(v)}.`,
      ];
      return pick(rng, shapes)();
    }
    case 'power': {
      const isPeak = /peak/.test(n);
      const shapes = isPeak
        ? [() => `Demand tops out at ${exact(v)} kW.`, () => `${exact(v)} kW peak demand.`, () => `${cap(n)} reaches ${f.P(v)}.`, () => `The ${n} hits ${exact(v)} kW.`]
        : [() => `Baseload sits near ${exact(v)} kW.`, () => `${exact(v)} kW of baseload runs around the clock.`, () => `The overnight floor (${n}) is ${f.P(v)}.`];
      return pick(rng, shapes)();
    }
    case 'eui':
      return pick(rng, [() => `${cap(n)} comes out at ${exact(v)} kWh/m².`, () => `${exact(v)} kWh/m² ${n}.`, () => `The ${n} is ${f.EUI(v)}.`])();
    case 'fraction':
      return pick(rng, [() => `${cap(n)} is ${trimNum(Number((v * 100).toFixed(1)))}%.`, () => `${cap(n)}: ${trimNum(sig(v, 3))}.`])();
    case 'ratio':
      return `The ${n} is ${trimNum(sig(v, 3))}.`;
    case 'hours':
      return pick(rng, [() => `The ${n} runs to ${exact(Math.round(v))} hours.`, () => `${exact(Math.round(v))} h ${n}.`])();
    case 'slope':
      return `The ${n} is ${trimNum(sig(Math.abs(v), 3))} kWh per °C.`;
    case 'temp':
      return `The ${n} is ${trimNum(Number(v.toFixed(1)))} °C.`;
    default:
      return undefined;
  }
}

function wrongValue(rng: Rng, v: number, attempt: number, dim?: string): number {
  const subtle = [1.06, 0.93, 1.12, 0.88, 1.09];
  const medium = [1.3, 0.7, 1.5, 0.6, 1.25];
  const obvious = [10, 0.1, 2.5, 0.4];
  const r = rng();
  if (r < 0.25 && v >= 10) {
    // transpose two adjacent significant digits
    const s = String(sig(v, 4));
    const digits = s.replace(/\D/g, '');
    for (let i = 0; i < digits.length - 1; i++) {
      if (digits[i] !== digits[i + 1] && digits[i] !== '0') {
        let count = -1;
        const out = s.replace(/\d/g, (d) => {
          count++;
          return count === i ? digits[i + 1] : count === i + 1 ? digits[i] : d;
        });
        const w = Number(out);
        if (Math.abs(w / v - 1) > 0.03 && w > 0) return w;
      }
    }
  }
  const set = attempt % 3 === 0 ? subtle : attempt % 3 === 1 ? medium : obvious;
  const w = v * pick(rng, set);
  if (dim === 'fraction' && w >= 1) return v * 0.85;
  return Number(sig(w, Math.max(3, String(Math.round(Math.abs(v))).length >= 4 ? 4 : 3)));
}

const numericKey = (b: Block) => (k: string) => b.metrics[k] !== undefined && b.metrics[k] !== 0 && labelOf(k) !== undefined;

// ---------------------------------------------------------------- defects

const wrongNumberProse: DefectFn = ({ c, good, attempt }) => {
  const a = clone(good);
  const cands = slotsWithKey(a, numericKey(c.b));
  if (!cands.length) return undefined;
  const [arr, i] = pick(c.rng, cands);
  const key = arr[i].keys.filter(numericKey(c.b))[0];
  const v = c.b.metrics[key];
  const w = wrongValue(c.rng, v, attempt, labelOf(key)?.dim);
  const s = shapeSentence(c.rng, c.f, key, w);
  if (!s) return undefined;
  arr[i] = S(s, key);
  return { text: render(c, a), expect: ['unsupported-number'] };
};

const wrongEvidenceValue: DefectFn = ({ c, good, attempt }) => {
  const a = clone(good);
  const evs = [...a.findings.flatMap((f) => f.evidence), ...a.recs.flatMap((r) => r.evidence)].filter((e) => Number(e.value) !== 0 && Number.isFinite(Number(e.value)));
  if (!evs.length) return undefined;
  const e = pick(c.rng, evs);
  const w = wrongValue(c.rng, Number(e.value), attempt);
  e.value = typeof e.value === 'string' ? trimNum(w) : w;
  return { text: render(c, a), expect: ['evidence-mismatch'] };
};

const unitConfusion: DefectFn = ({ c, good }) => {
  const a = clone(good);
  const m = c.b.metrics;
  const opts: (() => boolean)[] = [];
  const replaceOrAdd = (pred: (k: string) => boolean, s: string, key: string) => {
    const sl = slotsWithKey(a, pred);
    if (sl.length) {
      const [arr, i] = sl[0];
      arr[i] = S(s, key);
    } else (a.findings[0]?.sents ?? a.summary).push(S(s, key));
    return true;
  };
  const annual = m['electricity.annualKwh'];
  if (annual !== undefined)
    opts.push(() =>
      replaceOrAdd(
        (k) => k === 'electricity.annualKwh',
        pick(c.rng, [`Annual electricity consumption is ${exact(annual)} kW.`, `The building draws ${exact(annual)} kW of electricity over the year.`]),
        'electricity.annualKwh',
      ),
    );
  if (annual !== undefined) opts.push(() => replaceOrAdd((k) => k === 'electricity.annualKwh', `Annual electricity consumption is ${exact(annual)} MWh.`, 'electricity.annualKwh'));
  if (annual !== undefined)
    opts.push(() => replaceOrAdd((k) => k === 'electricity.annualKwh', `The building uses ${exact(annual)} kWh of electricity a month.`, 'electricity.annualKwh'));
  const eui = m['electricity.euiKwhPerSqm'];
  if (eui !== undefined)
    opts.push(() => replaceOrAdd((k) => k === 'electricity.euiKwhPerSqm', `Its energy use intensity is ${exact(eui)} kWh a year.`, 'electricity.euiKwhPerSqm'));
  const gap = m['electricity.coverage.longestGapHours'];
  if (gap !== undefined && gap >= 24)
    opts.push(() =>
      replaceOrAdd((k) => k === 'electricity.coverage.longestGapHours', `The longest electricity gap lasted ${exact(gap)} days.`, 'electricity.coverage.longestGapHours'),
    );
  const peak = m['electricity.load.peakKw'];
  if (peak !== undefined)
    opts.push(() => replaceOrAdd((k) => k === 'electricity.load.peakKw', `Peak electricity demand reached ${exact(peak)} kWh per day.`, 'electricity.load.peakKw'));
  const base = m['electricity.load.baseloadKw'];
  if (base !== undefined && c.b.sqm)
    opts.push(() => replaceOrAdd((k) => k === 'electricity.load.baseloadKw', `The baseload works out at ${exact(base)} W/m² of floor area.`, 'electricity.load.baseloadKw'));
  const zero = m['electricity.coverage.zeroHours'];
  if (zero !== undefined && zero >= 24)
    opts.push(() => replaceOrAdd((k) => k === 'electricity.coverage.zeroHours', `Electricity read zero for ${exact(zero)} days.`, 'electricity.coverage.zeroHours'));
  if (!opts.length) return undefined;
  pick(c.rng, opts)();
  return { text: render(c, a), expect: ['unsupported-number'] };
};

const SWAPS: [string, string, string][] = [
  ['load.baseloadKw', 'load.peakKw', 'power'],
  ['load.peakKw', 'load.baseloadKw', 'power'],
  ['euiKwhPerSqm', 'peers.medianEuiKwhPerSqm', 'eui'],
  ['annualKwh', 'totalKwh', 'energy'],
  ['load.nightDayRatio', 'load.weekdayWeekendRatio', 'ratio'],
  ['load.weekdayWeekendRatio', 'load.nightDayRatio', 'ratio'],
  ['coverage.longestGapHours', 'coverage.zeroHours', 'hours'],
  ['load.loadFactor', 'coverage.coverageRatio', 'fraction'],
];
const metricSwap: DefectFn = ({ c, good }) => {
  const a = clone(good);
  const m = c.b.metrics;
  const opts: { aKey: string; bKey: string }[] = [];
  for (const meter of c.b.meters)
    for (const [x, y] of SWAPS) {
      const aKey = `${meter}.${x}`;
      const bKey = y.startsWith('peers.') ? y : `${meter}.${y}`;
      if (m[aKey] !== undefined && m[bKey] !== undefined && Math.abs(m[aKey] - m[bKey]) > 0.03 * Math.max(Math.abs(m[aKey]), 1e-9)) opts.push({ aKey, bKey });
    }
  if (m['electricity.annualKwh'] !== undefined && m['gas.annualKwh'] !== undefined && Math.abs(m['electricity.annualKwh'] / m['gas.annualKwh'] - 1) > 0.03)
    opts.push({ aKey: 'gas.annualKwh', bKey: 'electricity.annualKwh' });
  if (!opts.length) return undefined;
  const { aKey, bKey } = pick(c.rng, opts);
  const s = shapeSentence(c.rng, c.f, aKey, m[bKey]);
  if (!s) return undefined;
  const sl = slotsWithKey(a, (k) => k === aKey);
  if (sl.length) {
    const [arr, i] = sl[0];
    arr[i] = S(s, aKey);
  } else (a.findings[0]?.sents ?? a.summary).push(S(s, aKey));
  const av = m[aKey];
  return { text: render(c, a), expect: [], claim: { sentence: s, check: (b) => Math.abs(b.metrics[bKey] - av) > 0.02 * Math.abs(av) } };
};

function shiftDate(d: string, days: number): string {
  const t = new Date(d + 'T00:00:00Z').getTime() + days * 86400000;
  return new Date(t).toISOString().slice(0, 10);
}
function blockDates(b: Block): Set<string> {
  const s = new Set<string>(b.anomalies.map((a) => a.date));
  for (const is of b.issues) for (const d of is.message.match(/\d{4}-\d{2}-\d{2}/g) ?? []) s.add(d);
  s.add(b.period.start.slice(0, 10));
  s.add(b.period.end.slice(0, 10));
  return s;
}

const anomalyWrongDate: DefectFn = ({ c, good }) => {
  if (c.type !== 'building-diagnostic' || !c.b.anomalies.length) return undefined;
  const a = clone(good);
  const used = c.b.anomalies.filter((x) => JSON.stringify(a.findings).includes(x.date));
  if (!used.length) return undefined;
  const target = pick(c.rng, used);
  const dates = blockDates(c.b);
  let nd = '';
  for (const delta of [pick(c.rng, [1, -1, 2, 7, -7, 30, 31]), 3, -3, 10, 14, -14, 40]) {
    const x = shiftDate(target.date, delta);
    if (!dates.has(x) && x.startsWith(target.date.slice(0, 4))) {
      nd = x;
      break;
    }
  }
  if (!nd) return undefined;
  // Replace the date in the anomaly's finding only (the data claim), everywhere in it.
  for (const f of a.findings) {
    if (f.title.includes(target.date) || f.sents.some((s) => s.text.includes(target.date))) {
      f.title = f.title.split(target.date).join(nd);
      f.sents = f.sents.map((s) => ({ ...s, text: s.text.split(target.date).join(nd) }));
    }
  }
  return { text: render(c, a), expect: ['unknown-date'] };
};

const inventedAnomaly: DefectFn = ({ c, good }) => {
  const a = clone(good);
  const m = c.b.metrics;
  const dates = blockDates(c.b);
  const year = (c.b.period.start || '2019').slice(0, 4);
  const months = Object.keys(m).filter((k) => /^electricity\.monthly\./.test(k));
  const anomalyMonths = new Set(c.b.anomalies.map((x) => x.date.slice(0, 7)));
  const freeMonths = months.filter((k) => !anomalyMonths.has(k.split('.')[2]) && m[k] > 0);
  if (freeMonths.length && chance(c.rng, 0.5)) {
    const k = pick(c.rng, freeMonths);
    const ym = k.split('.')[2];
    const label = `${MONTH_NAMES[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;
    const s = `${label} stands out as an anomaly: electricity spiked to ${exact(m[k])} kWh, well above the expected level.`;
    a.findings.push({ title: `Anomalous month ${ym}`, sents: [S(s, k)], evidence: [{ metric: k, value: m[k], unit: 'kWh' }], tag: 'invented' });
    return { text: render(c, a), expect: [], claim: { sentence: s, check: (b) => !b.anomalies.some((x) => x.date.startsWith(ym)) } };
  }
  const peak = m['electricity.load.peakKw'];
  let d = '';
  for (let i = 0; i < 20 && !d; i++) {
    const x = `${year}-${String(1 + Math.floor(c.rng() * 12)).padStart(2, '0')}-${String(1 + Math.floor(c.rng() * 28)).padStart(2, '0')}`;
    if (!dates.has(x)) d = x;
  }
  if (!d || peak === undefined) return undefined;
  const s = pick(c.rng, [
    `An unusual spike on ${d} drove demand to the ${exact(peak)} kW peak, far above the normal profile.`,
    `On ${d} the building hit its ${exact(peak)} kW peak in an anomalous surge that should be investigated.`,
  ]);
  a.findings.push({
    title: `Spike on ${d}`,
    sents: [S(s, 'electricity.load.peakKw')],
    evidence: [{ metric: 'electricity.load.peakKw', value: peak, unit: 'kW' }],
    tag: 'invented',
  });
  return { text: render(c, a), expect: ['unknown-date'] };
};

const impossibleValue: DefectFn = ({ c, good }) => {
  const a = clone(good);
  const m = c.b.metrics;
  const quantified = a.recs.filter((r) => r.kwh !== null && r.meter);
  const v = c.rng();
  if (quantified.length && v < 0.4) {
    const r = pick(c.rng, quantified);
    const annual = m[`${r.meter}.annualKwh`];
    const pct = pick(c.rng, [120, 135, 150, 180]);
    r.pct = pct;
    r.kwh = Math.round((pct / 100) * annual);
    r.rationale = [...r.rationale.slice(0, -1), S(`Estimated saving: ${pct}% of annual ${r.meter}, about ${exact(r.kwh)} kWh a year.`)];
    return { text: render(c, a), expect: ['impossible'] };
  }
  const cov = m['electricity.coverage.coverageRatio'];
  if (cov !== undefined && v < 0.7) {
    const s = `Electricity coverage is ${pick(c.rng, ['103.2', '104', '112.5', '101.7'])}% of expected hours.`;
    const sl = slotsWithKey(a, (k) => k === 'electricity.coverage.coverageRatio');
    if (sl.length) sl[0][0][sl[0][1]] = S(s, 'electricity.coverage.coverageRatio');
    else (a.findings[0]?.sents ?? a.summary).push(S(s));
    return { text: render(c, a), expect: ['impossible'] };
  }
  const s = pick(c.rng, [
    `Tighter controls could cut electricity use by ${pick(c.rng, [150, 120, 200])}%.`,
    `Scheduling alone would reduce consumption by ${pick(c.rng, [130, 175])} per cent.`,
  ]);
  if (a.recs.length) a.recs[0].rationale.push(S(s));
  else a.summary.push(S(s));
  return { text: render(c, a), expect: ['impossible'] };
};

const confidenceContradiction: DefectFn = ({ c, good }) => {
  const a = clone(good);
  a.summary = a.summary.filter((s) => !/^Confidence is/.test(s.text));
  a.confidenceWord = undefined;
  const cf = a.confidence;
  if (cf >= 0.65 && chance(c.rng, 0.5)) a.summary.push(S(pick(c.rng, ['This is a low confidence assessment.', 'Confidence is low: treat the figures as indicative only.'])));
  else if (cf >= 0.65) {
    a.confidence = pick(c.rng, [0.2, 0.25, 0.3]);
    a.summary.push(S('We have high confidence in these figures.'));
  } else a.summary.push(S(pick(c.rng, ['We have high confidence in these figures.', 'Confidence is high despite the gaps.'])));
  return { text: render(c, a), expect: ['confidence-words'] };
};

const savingsMismatch: DefectFn = ({ c, good }) => {
  const a = clone(good);
  let quantified = a.recs.filter((r) => r.kwh !== null && r.meter);
  const annualE = c.b.metrics['electricity.annualKwh'];
  if (!quantified.length) {
    if (annualE === undefined || !a.recs.length) return undefined;
    const r = a.recs[0];
    r.meter = 'electricity';
    r.pct = 3;
    r.kwh = Math.round(0.03 * annualE);
    quantified = [r];
  }
  const r = pick(c.rng, quantified);
  const annual = c.b.metrics[`${r.meter}.annualKwh`];
  const f = pick(c.rng, [2.5, 3, 0.3, 10, 0.1, 1.6]);
  r.kwh = Math.round(((r.pct ?? 3) / 100) * annual * f);
  r.rationale = [...r.rationale.slice(0, -1), S(`Estimated saving: ${r.pct}% of annual ${r.meter}, about ${exact(r.kwh)} kWh a year.`)];
  return { text: render(c, a), expect: ['savings-mismatch'] };
};

const wrongDirection: DefectFn = ({ c, good }) => {
  const a = clone(good);
  const m = c.b.metrics;
  const f = c.f;
  const opts: (() => void)[] = [];
  const put = (pred: (k: string) => boolean, s: string) => {
    const sl = slotsWithKey(a, pred);
    if (sl.length) sl[0][0][sl[0][1]] = S(s);
    else (a.findings[0]?.sents ?? a.summary).push(S(s));
  };
  const eui = m['electricity.euiKwhPerSqm'];
  const med = m['peers.medianEuiKwhPerSqm'];
  if (eui !== undefined && med !== undefined && Math.abs(eui / med - 1) > 0.002)
    opts.push(() => {
      a.summary = a.summary.filter((s) => !s.keys.includes('electricity.euiKwhPerSqm'));
      put((k) => k === 'electricity.euiKwhPerSqm', `At ${f.EUI(eui)} the building sits ${eui > med ? 'below' : 'above'} the peer median of ${f.EUI(med)}.`);
    });
  for (const meter of c.b.meters) {
    const nd = m[`${meter}.load.nightDayRatio`];
    if (nd !== undefined && Math.abs(nd - 1) > 0.01)
      opts.push(() => put((k) => k === `${meter}.load.nightDayRatio`, `Night-time ${meter} use is ${nd < 1 ? 'higher' : 'lower'} than daytime use (night/day ratio ${f.R(nd)}).`));
    const ww = m[`${meter}.load.weekdayWeekendRatio`];
    if (ww !== undefined && Math.abs(ww - 1) > 0.01)
      opts.push(() =>
        put((k) => k === `${meter}.load.weekdayWeekendRatio`, `Weekend ${meter} use is ${ww > 1 ? 'higher' : 'lower'} than weekday use (weekday/weekend ratio ${f.R(ww)}).`),
      );
    const sl = m[`${meter}.weather.slopeKwhPerDegC`];
    if (sl !== undefined && sl !== 0)
      opts.push(() => put((k) => k === `${meter}.weather.slopeKwhPerDegC`, `Daily ${meter} use rises as outdoor temperature ${sl < 0 ? 'rises' : 'falls'} (slope ${f.S(sl)}).`));
  }
  if (c.type === 'building-diagnostic') {
    const used = c.b.anomalies.filter((x) => slots(a).some(([arr, i]) => arr[i].text.includes(x.date) && arr[i].keys.includes(x.actualMetric)));
    if (used.length)
      opts.push(() => {
        const x = pick(c.rng, used);
        const hi = x.actualKwh > x.expectedKwh;
        put((k) => k === x.actualMetric, `On ${x.date} ${x.meter} use came in ${hi ? 'below expected' : 'above expected'}: ${f.E(x.actualKwh)} against ${f.E(x.expectedKwh)}.`);
      });
  }
  if (!opts.length) return undefined;
  pick(c.rng, opts)();
  return { text: render(c, a), expect: ['direction'] };
};

const wrongCount: DefectFn = ({ c, good, attempt }) => {
  const a = clone(good);
  const m = c.b.metrics;
  const opts: (() => void)[] = [];
  const words = c.f.words || chance(c.rng, 0.4);
  const say = (n: number) => (words ? intWords(n) : String(n));
  const oc = m['electricity.coverage.outageCount'];
  if (oc !== undefined) {
    const w = oc + pick(c.rng, [2, 3, 4]) + attempt;
    opts.push(() => {
      const s = `There were ${say(w)} outages on the electricity meter.`;
      const sl = slotsWithKey(a, (k) => k === 'electricity.coverage.outageCount');
      if (sl.length) sl[0][0][sl[0][1]] = S(s);
      else (a.findings[0]?.sents ?? a.summary).push(S(s));
    });
  }
  const ac = m['electricity.anomalyCount'];
  if (ac !== undefined) {
    const w = ac + pick(c.rng, [3, 5, 6]) + attempt;
    opts.push(() => (a.findings[a.findings.length - 1]?.sents ?? a.summary).push(S(`In all, ${say(w)} anomalies were flagged on the electricity meter.`)));
  }
  const gs = m['peers.groupSize'];
  if (gs !== undefined) {
    const w = gs + pick(c.rng, [4, 12, 20]) + attempt;
    opts.push(() => a.summary.push(S(`The comparison is against ${say(w)} peer buildings.`)));
  }
  if (!opts.length) return undefined;
  pick(c.rng, opts)();
  return { text: render(c, a), expect: ['count-mismatch'] };
};

const genericAdvice: DefectFn = ({ c, good }) => {
  const a = clone(good);
  a.summary = [
    S(
      pick(c.rng, [
        'Buildings of this type usually have significant savings potential through better controls, efficient lighting and an improved envelope.',
        'Energy efficiency can typically be improved through a combination of operational and capital measures.',
      ]),
    ),
  ];
  a.findings = [
    {
      title: 'General observations',
      sents: [S('Commercial buildings typically waste energy outside occupied hours.'), S('Heating and cooling are usually the largest end uses, followed by lighting.')],
      evidence: a.findings[0]?.evidence.slice(0, 1) ?? [],
      tag: 'generic',
    },
    {
      title: 'Typical opportunities',
      sents: [S('Most buildings benefit from LED lighting, BMS optimisation and regular maintenance.')],
      evidence: a.findings[0]?.evidence.slice(0, 1) ?? [],
      tag: 'generic',
    },
  ];
  for (const r of a.recs)
    r.rationale = [
      S(
        pick(c.rng, [
          'This is a well-established measure in most buildings.',
          'Industry experience shows this is usually cost-effective.',
          'A common first step for any energy programme.',
        ]),
      ),
    ];
  a.issues = a.issues.map((i) => ({ issue: i.issue, response: 'Data issues should be reviewed before any analysis.' }));
  return { text: render(c, a), expect: ['generic'] };
};

const wrongAnalysisType: DefectFn = ({ c }) => {
  const other =
    c.type === 'data-quality-triage'
      ? pick(c.rng, ['building-diagnostic', 'retrofit-plan'])
      : c.type === 'building-diagnostic'
        ? 'data-quality-triage'
        : pick(c.rng, ['data-quality-triage', 'building-diagnostic']);
  const c2 = makeCtx(c.b, other, c.style, c.rng);
  const a = buildGood(c2);
  const expect: Problem[] =
    c.type === 'data-quality-triage'
      ? ['missing-coverage-finding']
      : c.type === 'building-diagnostic'
        ? ['diagnostic-incomplete', 'anomaly-unaddressed']
        : ['unquantified', 'too-few-recommendations'];
  return { text: render(c2, a), expect };
};

const otherBuilding: DefectFn = ({ c, others }) => {
  let ob = others.filter((o) => o.id !== c.b.id && JSON.stringify(o.meters) === JSON.stringify(c.b.meters));
  if (!ob.length) ob = others.filter((o) => o.id !== c.b.id);
  let b2: Block;
  if (ob.length) b2 = pick(c.rng, ob);
  else {
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(c.b.metrics)) metrics[k] = /Ratio|Count|Hours|groupSize|Percentile|r2|\.r$/.test(k) ? v : Number(sig(v * 1.37, 5));
    b2 = { ...c.b, metrics, anomalies: c.b.anomalies.map((x) => ({ ...x, actualKwh: Number(sig(x.actualKwh * 1.37, 5)), expectedKwh: Number(sig(x.expectedKwh * 1.37, 5)) })) };
  }
  const c2 = makeCtx({ ...b2, id: c.b.id }, c.type, c.style, c.rng);
  return { text: render(c2, buildGood(c2)), expect: ['unsupported-number', 'evidence-mismatch', 'unknown-date'] };
};

const softRefusal: DefectFn = ({ c, good }) => {
  const a = clone(good);
  const kind = c.type.replace(/-/g, ' ');
  a.summary = [
    S(
      pick(c.rng, [
        `I'm unable to provide a reliable ${kind} for this building from summary metrics alone; I'd suggest consulting a qualified energy assessor.`,
        `Without site surveys and tariff data I cannot provide a meaningful ${kind}; please provide more complete information.`,
        `A proper ${kind} would need more data than is available here, so I am not able to give firm conclusions.`,
      ]),
    ),
  ];
  a.findings = a.findings.slice(0, 1).map((f) => ({ ...f, sents: f.sents.slice(0, 1) }));
  a.recs = c.type === 'retrofit-plan' ? a.recs.slice(0, 2).map((r) => ({ ...r, kwh: null, pct: null, rationale: [S('Savings cannot be estimated without a site visit.')] })) : [];
  a.confidence = 0.2;
  a.confidenceWord = undefined;
  return { text: render(c, a), expect: ['refusal'] };
};

const ignoredDataIssue: DefectFn = ({ c, good }) => {
  const req = requiredIssues(c.b, c.type);
  if (!req.length) return undefined;
  const a = clone(good);
  const sev = (k: string) => req.find((r) => r.kind === k)?.severity;
  const order = a.issues.map((x, i) => i).sort((x, y) => (sev(a.issues[y].issue) === 'critical' ? 1 : 0) - (sev(a.issues[x].issue) === 'critical' ? 1 : 0));
  const idx = chance(c.rng, 0.6) ? order[0] : pick(c.rng, order);
  a.issues.splice(idx, 1);
  return { text: render(c, a), expect: ['issue-unaddressed'] };
};

const ignoredAnomaly: DefectFn = ({ c, good }) => {
  if (c.type !== 'building-diagnostic' || !c.b.anomalies.length) return undefined;
  const a = clone(good);
  const largest = [...c.b.anomalies].sort((x, y) => Math.abs(y.robustZ) - Math.abs(x.robustZ))[0];
  for (const f of a.findings) {
    f.sents = f.sents.filter((s) => !s.text.includes(largest.date));
    f.evidence = f.evidence.filter((e) => !String(e.metric).includes(largest.date));
  }
  a.findings = a.findings.filter((f) => f.sents.length && f.evidence.length && !f.title.includes(largest.date));
  a.summary = a.summary.filter((s) => !s.text.includes(largest.date));
  a.recs = a.recs.filter((r) => !r.action.includes(largest.date));
  if (!a.recs.length)
    a.recs.push({
      action: 'Review the load profile with the site team',
      rationale: [S('A walk-round would confirm the drivers of the load shape.')],
      kwh: null,
      pct: null,
      evidence: a.findings[0].evidence.slice(0, 1),
      priority: 'medium',
    });
  return { text: render(c, a), expect: ['anomaly-unaddressed'] };
};

const unquantifiedSavings: DefectFn = ({ c, good }) => {
  if (c.type !== 'retrofit-plan') return undefined;
  const a = clone(good);
  for (const r of a.recs) {
    r.kwh = null;
    r.pct = null;
    r.rationale = r.rationale.slice(0, -1);
  }
  a.summary = a.summary.filter((s) => !/worth about/.test(s.text));
  return { text: render(c, a), expect: ['unquantified'] };
};

const missingMetricEstimated: DefectFn = ({ c, good }) => {
  const cp = c.b.missing.find((x) => /changePoint/.test(x.metric));
  if (!cp) return undefined;
  const meter = cp.metric.split('.')[0];
  const a = clone(good);
  const annual = c.b.metrics[`${meter}.annualKwh`];
  const hbp = pick(c.rng, [13.5, 14, 15, 15.5, 16]);
  const s = pick(c.rng, [
    `The ${meter} heating balance point is around ${hbp} °C.`,
    `From the slope, the ${meter} change-point sits near ${hbp} °C${annual !== undefined ? ` with a base of roughly ${sigStr((annual / 365) * 0.7, 2)} kWh per day` : ''}.`,
    `We estimate a ${meter} balance point of about ${hbp} °C even though no change-point model was fitted.`,
  ]);
  a.findings = a.findings.map((f) => ({ ...f, sents: f.sents.filter((x) => !(/change-point|balance point/.test(x.text) && x.text.includes(meter))) }));
  const wf = a.findings.find((f) => f.tag === 'weather' || f.tag === 'context') ?? a.findings[0];
  wf.sents.push(S(s));
  return { text: render(c, a), expect: ['missing-metric-used'] };
};

const inventedMeter: DefectFn = ({ c, good }) => {
  if (c.b.meters.includes('gas')) return undefined;
  const a = clone(good);
  const ae = c.b.metrics['electricity.annualKwh'] ?? 500000;
  const g = Number(sig(ae * pick(c.rng, [0.6, 0.9, 1.4]), 2));
  const s = pick(c.rng, [
    `Gas consumption is estimated at about ${withCommas(g)} kWh a year, mostly for space heating.`,
    `Gas heating likely adds around ${trimNum(sig(g / 1000, 2))} MWh a year on top of the electricity.`,
  ]);
  a.findings[0].sents.push(S(s));
  return { text: render(c, a), expect: ['unmetered-meter'] };
};

const inventedCost: DefectFn = ({ c, good }) => {
  const a = clone(good);
  const q = a.recs.find((r) => r.kwh !== null);
  const kwh = q?.kwh ?? c.b.metrics['electricity.annualKwh'] ?? 100000;
  const rate = pick(c.rng, [0.14, 0.18, 0.25]);
  const money = withCommas(Math.round(kwh * rate));
  const s = pick(c.rng, [
    `At typical tariffs this is worth about £${money} a year.`,
    `That equates to roughly $${money} in annual bill savings.`,
    `The measure would pay back in under ${pick(c.rng, [2, 3, 4])} years, saving €${money} a year.`,
  ]);
  if (q) q.rationale.push(S(s));
  else a.summary.push(S(`Annual energy spend is about £${money}.`));
  return { text: render(c, a), expect: ['money'] };
};

const wrongDerived: DefectFn = ({ c, good, attempt }) => {
  const a = clone(good);
  const m = c.b.metrics;
  const opts: (() => string)[] = [];
  const bad = (v: number) => v * pick(c.rng, attempt % 2 ? [1.25, 0.8, 1.4] : [1.1, 0.9, 2]);
  const annual = m['electricity.annualKwh'];
  if (annual !== undefined) opts.push(() => `That averages ${sigStr(bad(annual / 365), 3)} kWh a day.`);
  if (annual !== undefined) opts.push(() => `That is about ${sigStr(bad(annual / 12), 3)} kWh a month on average.`);
  const base = m['electricity.load.baseloadKw'];
  const peak = m['electricity.load.peakKw'];
  if (base && peak) opts.push(() => `The peak is ${trimNum(sig(bad(peak / base), 3))} times the baseload.`);
  const valid = m['electricity.coverage.validHours'];
  const exp = m['electricity.coverage.expectedHours'];
  if (valid !== undefined && exp)
    opts.push(() => `${exact(valid)} of ${exact(exp)} hours are valid, i.e. ${trimNum(Number(Math.min(99.9, bad((valid / exp) * 100) * 0.97).toFixed(1)))}% coverage.`);
  const x = c.b.anomalies[0];
  if (x && c.type === 'building-diagnostic')
    opts.push(() => `On ${x.date} use was ${sigStr(bad(Math.abs(x.actualKwh - x.expectedKwh)), 3)} kWh ${x.actualKwh > x.expectedKwh ? 'more' : 'less'} than expected.`);
  if (!opts.length) return undefined;
  const s = pick(c.rng, opts)();
  (a.findings[0]?.sents ?? a.summary).push(S(s));
  return { text: render(c, a), expect: ['unsupported-number'] };
};

const anomalySwapped: DefectFn = ({ c, good }) => {
  if (c.type !== 'building-diagnostic') return undefined;
  const a = clone(good);
  const used = c.b.anomalies.filter(
    (x) => slots(a).some(([arr, i]) => arr[i].keys.includes(x.actualMetric)) && Math.abs(x.actualKwh - x.expectedKwh) > 0.05 * Math.max(x.expectedKwh, 1),
  );
  if (!used.length) return undefined;
  const x = pick(c.rng, used);
  const s = `On ${x.date} ${x.meter} use was ${exact(x.expectedKwh)} kWh against an expected ${exact(x.actualKwh)} kWh.`;
  const sl = slotsWithKey(a, (k) => k === x.actualMetric);
  for (const [arr, i] of sl) arr[i] = S(s, x.actualMetric);
  return {
    text: render(c, a),
    expect: [],
    claim: {
      sentence: s,
      check: (b) => b.anomalies.some((y) => y.date === x.date && y.actualKwh === x.actualKwh && y.expectedKwh === x.expectedKwh && y.actualKwh !== y.expectedKwh),
    },
  };
};

export const DEFECTS: Record<string, DefectFn> = {
  'wrong-number-prose': wrongNumberProse,
  'wrong-evidence-value': wrongEvidenceValue,
  'unit-confusion': unitConfusion,
  'metric-swap': metricSwap,
  'anomaly-wrong-date': anomalyWrongDate,
  'invented-anomaly': inventedAnomaly,
  'impossible-value': impossibleValue,
  'confidence-contradiction': confidenceContradiction,
  'savings-mismatch': savingsMismatch,
  'wrong-direction': wrongDirection,
  'wrong-count': wrongCount,
  'generic-advice': genericAdvice,
  'wrong-analysis-type': wrongAnalysisType,
  'other-building': otherBuilding,
  'soft-refusal': softRefusal,
  'ignored-data-issue': ignoredDataIssue,
  'ignored-anomaly': ignoredAnomaly,
  'unquantified-savings': unquantifiedSavings,
  'missing-metric-estimated': missingMetricEstimated,
  'invented-meter': inventedMeter,
  'invented-cost': inventedCost,
  'wrong-derived-figure': wrongDerived,
  'anomaly-values-swapped': anomalySwapped,
};

export type { StyleName, RecM };
export { confidenceWord };
