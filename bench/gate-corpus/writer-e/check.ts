/**
 * Writer E — self-check. Re-reads each corpus line from its raw text and the building's data
 * block only (not the generator's internals) and verifies:
 *   good: every number is a data value, a conversion or a plain derivation of one; type
 *         requirements are met; directions, dates and savings are consistent with the data;
 *   bad:  the named defect is really present.
 *
 *   npx tsx bench/gate-corpus/writer-e/check.ts --prompts P.jsonl --corpus C.jsonl
 */
import { readFileSync } from 'node:fs';
import { type Building, DAYS_IN_MONTH_2019, type PromptLine, parseBuilding, readJsonl } from './lib';

interface Line {
  buildingId: string;
  type: string;
  label: string;
  text: string;
  style: string;
  defect: string | null;
}
type Json = any;

export function parseAnswerText(text: string): Json | null {
  const a = text.indexOf('{');
  const b = text.lastIndexOf('}');
  if (a < 0 || b < 0) return null;
  try {
    return JSON.parse(text.slice(a, b + 1));
  } catch {
    return null;
  }
}

function prose(ans: Json): string[] {
  const out: string[] = [String(ans.summary ?? '')];
  for (const f of ans.findings ?? []) out.push(String(f.title), String(f.detail));
  for (const r of ans.recommendations ?? []) out.push(String(r.action), String(r.rationale));
  for (const d of ans.dataIssuesAddressed ?? []) out.push(String(d.response));
  return out;
}

function evidence(ans: Json): { metric: string; value: number; unit?: string }[] {
  const out: { metric: string; value: number; unit?: string }[] = [];
  for (const f of ans.findings ?? []) for (const e of f.evidence ?? []) out.push({ metric: String(e.metric), value: Number(e.value), unit: e.unit });
  for (const r of ans.recommendations ?? []) for (const e of r.evidence ?? []) out.push({ metric: String(e.metric), value: Number(e.value), unit: e.unit });
  return out;
}

// ---------------------------------------------------------------- numbers in text

const W1: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** Numbers written in words ("six hundred and eighty-six"). */
function wordNumbers(s: string): number[] {
  const toks = s
    .toLowerCase()
    .replace(/-/g, ' ')
    .split(/[^a-z]+/);
  const out: number[] = [];
  let cur = 0,
    total = 0,
    active = false;
  const flush = () => {
    if (active) out.push(total + cur);
    cur = 0;
    total = 0;
    active = false;
  };
  for (const t of toks) {
    if (t in W1) {
      cur += W1[t];
      active = true;
    } else if (t === 'hundred' && active) cur *= 100;
    else if (t === 'thousand' && active) {
      total += cur * 1000;
      cur = 0;
    } else if (t === 'million' && active) {
      total += cur * 1_000_000;
      cur = 0;
    } else if (t === 'and' && active) continue;
    else flush();
  }
  flush();
  return out;
}

interface Num {
  v: number;
  unit: number;
  raw: string;
  pos: number;
}

function halfUnit(raw: string): number {
  const s = raw.replace(/,/g, '').replace(/^-/, '');
  if (s.includes('.')) return 0.5 * 10 ** -s.split('.')[1].length;
  const tz = /0*$/.exec(s)![0].length;
  return 0.5 * 10 ** Math.min(tz, Math.max(0, s.length - 1));
}

export function digitNumbers(s: string): Num[] {
  const clean = s
    .replace(/\d{4}-\d\d-\d\dT[\d:]+Z/g, ' ')
    .replace(/\d{4}-\d\d-\d\d/g, ' ')
    .replace(/\d{4}-\d\d/g, ' ')
    .replace(/m2\b|m²|CO2/g, ' ')
    .replace(/\b[a-z]+(\.[A-Za-z0-9_-]+)+/g, ' ')
    .replace(/24\/7/g, ' ');
  const out: Num[] = [];
  const re = /(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+(?:\.\d+)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(clean))) {
    const raw = m[0];
    out.push({ v: Number(raw.replace(/,/g, '')), unit: halfUnit(raw), raw, pos: m.index });
  }
  return out;
}

// ---------------------------------------------------------------- what a number may be

export function explainable(b: Building, ans: Json | null): number[] {
  const m = b.metrics;
  const E: number[] = [];
  const add = (...xs: number[]) => {
    for (const x of xs) if (Number.isFinite(x)) E.push(x);
  };
  for (const [k, v] of Object.entries(m)) {
    add(v, v / 1000, v / 1e6);
    if (Math.abs(v) <= 1.5) add(v * 100);
    if (/Hours$/.test(k)) add(v / 24);
  }
  for (const a of b.anomalies) {
    add(a.actualKwh, a.expectedKwh, a.deviationPercent, a.robustZ, a.actualKwh - a.expectedKwh);
    if (a.expectedKwh > 0) add(a.actualKwh / a.expectedKwh);
  }
  for (const d of b.dataIssues) for (const n of digitNumbers(d.message)) add(n.v, n.v / 24);
  if (b.floorAreaSqm) add(b.floorAreaSqm);
  let total = 0;
  for (const meter of b.meters) {
    const an = m[`${meter}.annualKwh`];
    if (an === undefined) continue;
    total += an;
    add(an / 365, an / 12, an / 8760, an / 365 / 1000);
    const base = m[`${meter}.load.baseloadKw`],
      peak = m[`${meter}.load.peakKw`];
    if (base !== undefined) add(base * 8760, (base * 8760) / 1000, ((base * 8760) / an) * 100);
    if (base && peak) add(peak / base);
    const months = Object.entries(m).filter(([k]) => k.startsWith(`${meter}.monthly.`));
    const vals = months.map(([, v]) => v);
    if (vals.length) {
      const mx = Math.max(...vals),
        mn = Math.min(...vals);
      if (mn > 0) add(mx / mn);
      add(mx - mn, (mx - mn) / 1000);
      for (const [k, v] of months) add(v / DAYS_IN_MONTH_2019[Number(k.split('.')[2].slice(5)) - 1]);
    }
    if (m[`${meter}.weather.days`] !== undefined) add(365 - m[`${meter}.weather.days`]);
  }
  const eui = m['electricity.euiKwhPerSqm'],
    med = m['peers.medianEuiKwhPerSqm'];
  if (eui !== undefined && med) add(eui / med, eui - med, (eui / med - 1) * 100);
  if (m['peers.euiPercentile'] !== undefined) add(100 - m['peers.euiPercentile']);
  if (b.meters.length > 1) {
    add(total, total / 1000);
    for (const meter of b.meters) add((m[`${meter}.annualKwh`] / total) * 100);
    if (b.floorAreaSqm) add(total / b.floorAreaSqm);
  }
  for (let i = 0; i <= 12; i++) add(i);
  add(24, 7, 365, 8760, 100, 2019, 2020, b.anomalies.length, b.dataIssues.length);
  if (ans) {
    let sum = 0;
    for (const r of ans.recommendations ?? []) {
      const p = Number(r.estimatedSavingsPct);
      if (r.estimatedSavingsPct !== null && Number.isFinite(p)) {
        add(p);
        for (const meter of b.meters) if (m[`${meter}.annualKwh`] !== undefined) add((p / 100) * m[`${meter}.annualKwh`], ((p / 100) * m[`${meter}.annualKwh`]) / 1000);
      }
      if (r.estimatedAnnualSavingsKwh !== null && Number.isFinite(Number(r.estimatedAnnualSavingsKwh))) sum += Number(r.estimatedAnnualSavingsKwh);
    }
    add(sum, sum / 1000);
  }
  return E;
}

function matches(x: number, unit: number, E: number[]): boolean {
  for (const v of E) {
    const d = Math.abs(Math.abs(x) - Math.abs(v));
    if (d <= unit + 1e-9 || d <= 0.02 * Math.abs(v)) return true;
  }
  return false;
}

function nearest(x: number, E: number[]): number {
  let best = Infinity;
  for (const v of E) {
    if (v === 0) continue;
    best = Math.min(best, Math.abs(Math.abs(x) - Math.abs(v)) / Math.abs(v));
  }
  return best;
}

/** Prose numbers that no data value explains (ranges are accepted when they contain one). */
export function unexplained(b: Building, ans: Json): { prose: Num[]; evidence: { metric: string; value: number }[] } {
  const E = explainable(b, ans);
  const bad: Num[] = [];
  for (const s0 of prose(ans)) {
    let s = s0;
    s = s.replace(/between (-?[\d,.]+) and (-?[\d,.]+)/g, (all, lo, hi) => {
      const L = Number(lo.replace(/,/g, '')),
        H = Number(hi.replace(/,/g, ''));
      const ok = E.some((v) => v >= L && v <= H) && (H - L) / ((H + L) / 2) <= 0.25;
      return ok ? ' ' : all;
    });
    for (const n of digitNumbers(s)) if (!matches(n.v, n.unit, E)) bad.push(n);
    for (const w of wordNumbers(s)) if (!matches(w, 0.5, E)) bad.push({ v: w, unit: 0.5, raw: String(w), pos: -1 });
  }
  const badEv = evidence(ans).filter((e) => !Number.isFinite(e.value) || !matches(e.value, Math.abs(e.value) * 1e-4, E));
  return { prose: bad, evidence: badEv };
}

// ---------------------------------------------------------------- specific checks

const DATE = /\b2019-\d\d-\d\d\b/g;

function allText(ans: Json): string {
  return JSON.stringify(ans);
}

function directionErrors(b: Building, ans: Json): string[] {
  const errs: string[] = [];
  const text = prose(ans).join(' ');
  for (const meter of b.meters) {
    const slope = b.metrics[`${meter}.weather.slopeKwhPerDegC`];
    if (slope === undefined) continue;
    const re = new RegExp(`${meter}[^.]*?\\b(rises|falls)\\b (as|with) outdoor temperature`, 'gi');
    for (const m of text.matchAll(re)) {
      const says = m[1].toLowerCase() === 'rises' ? 1 : -1;
      if (says !== Math.sign(slope)) errs.push(`${meter} ${m[1]} vs slope ${slope}`);
    }
    const re2 = new RegExp(`${meter}[^.]*?higher on (warmer|colder) days`, 'gi');
    for (const m of text.matchAll(re2)) {
      const says = m[1].toLowerCase() === 'warmer' ? 1 : -1;
      if (says !== Math.sign(slope)) errs.push(`${meter} higher on ${m[1]} days vs slope ${slope}`);
    }
    const re3 = new RegExp(`${meter} rises in cold weather`, 'gi');
    if (re3.test(text) && slope > 0) errs.push('rises in cold weather vs positive slope');
  }
  return errs;
}

function perDayErrors(b: Building, ans: Json): string[] {
  const m = b.metrics;
  const ok: number[] = [];
  for (const meter of b.meters) {
    if (m[`${meter}.annualKwh`] !== undefined) ok.push(m[`${meter}.annualKwh`] / 365);
    for (const [k, v] of Object.entries(m)) {
      if (k.startsWith(`${meter}.monthly.`)) ok.push(v / DAYS_IN_MONTH_2019[Number(k.split('.')[2].slice(5)) - 1]);
      if (/baseKwhPerDay$/.test(k)) ok.push(v);
    }
  }
  const kw: number[] = [];
  for (const meter of b.meters) {
    for (const k of ['load.baseloadKw', 'load.peakKw']) if (m[`${meter}.${k}`] !== undefined) kw.push(m[`${meter}.${k}`]);
    if (m[`${meter}.annualKwh`] !== undefined) kw.push(m[`${meter}.annualKwh`] / 8760);
  }
  const errs: string[] = [];
  const text = prose(ans).join(' ');
  for (const mm of text.matchAll(/([\d,]+(?:\.\d+)?) kWh (?:per|a) day/g)) {
    const v = Number(mm[1].replace(/,/g, ''));
    if (!ok.some((o) => Math.abs(v - o) <= 0.02 * o + 0.5)) errs.push(`per-day ${mm[1]}`);
  }
  for (const mm of text.matchAll(/[Mm]ean electrical demand over the year is ([\d,.]+) kW/g)) {
    const v = Number(mm[1].replace(/,/g, ''));
    if (!kw.some((o) => Math.abs(v - o) <= 0.02 * o)) errs.push(`mean kW ${mm[1]}`);
  }
  for (const mm of text.matchAll(/baseload of ([\d,.]+) kW accounts for ([\d.]+)% of annual/g)) {
    const share = ((m['electricity.load.baseloadKw'] * 8760) / m['electricity.annualKwh']) * 100;
    if (Math.abs(Number(mm[2]) - share) > Math.max(1, 0.05 * share)) errs.push(`base share ${mm[2]}`);
  }
  return errs;
}

function largestAnomaly(b: Building) {
  return b.anomalies.slice().sort((x, y) => Math.abs(y.robustZ) - Math.abs(x.robustZ))[0];
}

function issueCoverageErrors(b: Building, type: string, ans: Json): string[] {
  const need = b.dataIssues.filter((i) => type === 'data-quality-triage' || i.severity !== 'info');
  const have: Record<string, number> = {};
  for (const d of ans.dataIssuesAddressed ?? []) have[d.issue] = (have[d.issue] ?? 0) + 1;
  const want: Record<string, number> = {};
  for (const i of need) want[i.kind] = (want[i.kind] ?? 0) + 1;
  return Object.entries(want)
    .filter(([k, n]) => (have[k] ?? 0) < (type === 'data-quality-triage' ? n : 1))
    .map(([k]) => `issue ${k} not addressed`);
}

function dataFit(b: Building): boolean {
  return !b.dataIssues.some((i) => i.severity === 'critical') && b.meters.every((m) => b.metrics[`${m}.coverage.coverageRatio`] >= 0.9);
}

// ---------------------------------------------------------------- verdicts

export function verifyLine(line: Line, b: Building, others: Building[]): { ok: boolean; why: string[] } {
  const ans = parseAnswerText(line.text);
  if (!ans) return { ok: false, why: ['unparseable'] };
  const text = prose(ans).join(' ');
  const why: string[] = [];
  const m = b.metrics;
  const anomalyDates = new Set(b.anomalies.map((a) => a.date));
  const issueText = b.dataIssues.map((d) => d.message).join(' ');
  const strayDates = [...new Set(allText(ans).match(DATE) ?? [])].filter((d) => !anomalyDates.has(d) && !issueText.includes(d));
  const recs: Json[] = ans.recommendations ?? [];
  const annuals = b.meters.map((x) => m[`${x}.annualKwh`]).filter((x) => x !== undefined);
  const totalAnnual = annuals.reduce((s, x) => s + x, 0);

  if (line.label === 'good') {
    const u = unexplained(b, ans);
    if (u.prose.length) why.push(`unexplained prose ${u.prose.map((n) => n.raw).join(',')}`);
    if (u.evidence.length) why.push(`unexplained evidence ${u.evidence.map((e) => `${e.metric}=${e.value}`).join(',')}`);
    why.push(...directionErrors(b, ans), ...perDayErrors(b, ans), ...issueCoverageErrors(b, line.type, ans));
    if (strayDates.length) why.push(`stray dates ${strayDates}`);
    if (/[£$€]\s?\d|payback of/i.test(text)) why.push('costs');
    const c = ans.confidence;
    if (!(typeof c === 'number' ? c >= 0 && c <= 1 : ['low', 'medium', 'high'].includes(c))) why.push('confidence');
    for (const r of recs) {
      if (r.estimatedSavingsPct === null) continue;
      const p = Number(r.estimatedSavingsPct),
        k = Number(r.estimatedAnnualSavingsKwh);
      if (p <= 0 || p > 30) why.push(`pct ${p}`);
      if (!annuals.some((a) => Math.abs((p / 100) * a - k) <= 0.015 * k + 1)) why.push(`kwh ${k} not ${p}% of a meter`);
    }
    for (const x of b.missing) {
      const meter = x.metric.split('.')[0];
      if (new RegExp(`${meter}[^.]*balance point (of|at)`, 'i').test(text)) why.push('missing metric quoted');
      if (evidence(ans).some((e) => e.metric.startsWith(x.metric))) why.push('missing metric cited');
    }
    if (line.type === 'data-quality-triage' && !evidence(ans).some((e) => /coverage/.test(e.metric))) why.push('no coverage evidence');
    if (line.type === 'building-diagnostic' && b.anomalies.length && !allText(ans).includes(largestAnomaly(b).date)) why.push('largest anomaly not addressed');
    if (line.type === 'building-diagnostic' && (recs.length < 1 || recs.length > 3)) why.push('diagnostic rec count');
    if (line.type === 'retrofit-plan' && (recs.length < 2 || recs.some((r) => r.estimatedAnnualSavingsKwh === null))) why.push('retrofit savings');
    if (/not possible|unable to provide/i.test(text)) why.push('refusal wording');
    return { ok: why.length === 0, why };
  }

  // ------------------------------------------------------------ bad: the defect must be present
  const u = unexplained(b, ans);
  const E = explainable(b, ans);
  const farOff = u.prose.some((n) => nearest(n.v, E) >= 0.04) || u.evidence.some((e) => nearest(e.value, E) >= 0.04);
  let present = false;
  switch (line.defect) {
    case 'wrong-number':
    case 'transposed-digits':
    case 'order-of-magnitude':
      present = farOff;
      break;
    case 'swapped-metrics':
      present = evidence(ans).some(
        (e) =>
          e.metric in m &&
          Math.abs(e.value - m[e.metric]) > 0.15 * Math.abs(m[e.metric]) &&
          Object.entries(m).some(([k, v]) => k !== e.metric && Math.abs(e.value - v) <= 1e-3 * Math.max(1, Math.abs(v))),
      );
      break;
    case 'unit-confusion':
      present =
        (/[\d,]+ kW\./.test(text) && new RegExp(`${Math.round(m['electricity.annualKwh']).toLocaleString('en-US')} kW\\.`).test(text)) ||
        /MWh\/m²/.test(text) ||
        (/longest gap in the electricity data lasts [\d,]+ days/.test(text) && m['electricity.coverage.longestGapHours'] >= 2) ||
        /peak demand is [\d.,]+ MWh/.test(text);
      break;
    case 'wrong-derived':
      present = perDayErrors(b, ans).length > 0;
      break;
    case 'wrong-anomaly-date':
      present = (ans.findings ?? []).some((f: Json) => {
        const ds = `${f.title} ${f.detail}`.match(DATE) ?? [];
        return ds.some((d: string) => !anomalyDates.has(d)) && (f.evidence ?? []).some((e: Json) => /\.anomaly\./.test(e.metric));
      });
      break;
    case 'invented-anomaly':
      present =
        strayDates.length > 0 &&
        (ans.findings ?? []).some((f: Json) => strayDates.some((d) => f.detail.includes(d)) && digitNumbers(f.detail).some((n) => !matches(n.v, n.unit, E)));
      break;
    case 'ignored-largest-anomaly':
      present = line.type === 'building-diagnostic' && !allText(ans).includes(largestAnomaly(b).date) && b.anomalies.some((a) => allText(ans).includes(a.date));
      break;
    case 'savings-exceed':
      present = recs.some((r) => Number(r.estimatedSavingsPct) > 100 || Number(r.estimatedAnnualSavingsKwh) > totalAnnual);
      break;
    case 'unquantified-savings':
      present = line.type === 'retrofit-plan' && annuals.length > 0 && recs.every((r) => r.estimatedAnnualSavingsKwh === null && r.estimatedSavingsPct === null);
      break;
    case 'invented-costs':
      present = /[£$€]\s?\d/.test(text) && /payback of [\d.]+ years/.test(text);
      break;
    case 'confidence-mismatch':
      present = typeof ans.confidence === 'number' && ans.confidence >= 0.85 && /confidence[^.]*\blow\b|low confidence/i.test(text);
      break;
    case 'generic-advice': {
      const dataVals = Object.values(m).filter((v) => Math.abs(v) > 12);
      const nums = [...prose(ans).flatMap((s) => digitNumbers(s).map((n) => n.v)), ...evidence(ans).map((e) => e.value)];
      present = !nums.some((x) => dataVals.some((v) => Math.abs(x - v) <= 0.02 * Math.abs(v))) && !evidence(ans).some((e) => e.metric in m) && !text.includes(b.id);
      break;
    }
    case 'wrong-type':
      if (line.type === 'data-quality-triage') present = !evidence(ans).some((e) => /coverage/.test(e.metric)) && recs.some((r) => r.estimatedAnnualSavingsKwh !== null);
      else if (line.type === 'retrofit-plan') present = recs.every((r) => r.estimatedAnnualSavingsKwh === null);
      else present = b.anomalies.length > 0 && !b.anomalies.some((a) => allText(ans).includes(a.date));
      break;
    case 'other-building': {
      const mine = u.prose.length + u.evidence.length;
      const theirs = others
        .filter((o) => o.id !== b.id)
        .some((o) => {
          const uo = unexplained(o, ans);
          return uo.prose.length + uo.evidence.length === 0;
        });
      present = mine >= 2 && theirs;
      break;
    }
    case 'soft-refusal':
      present = /not possible|unable to provide|insufficient/i.test(text) && dataFit(b);
      break;
    case 'ignored-data-issue':
      present = issueCoverageErrors(b, line.type, ans).length > 0 && /no data issues|data are complete|no data-quality concerns/i.test(text);
      break;
    case 'wrong-direction':
      present = directionErrors(b, ans).length > 0;
      break;
    case 'missing-metric-estimated':
      present = b.missing.some((x) => {
        const meter = x.metric.split('.')[0];
        return new RegExp(`${meter}[^.]*balance point of about`, 'i').test(text) || evidence(ans).some((e) => e.metric.startsWith(x.metric));
      });
      break;
    default:
      why.push(`unknown defect ${line.defect}`);
  }
  if (!present) why.push(`defect ${line.defect} not found`);
  return { ok: why.length === 0, why };
}

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || !process.argv[i + 1]) throw new Error(`missing --${name}`);
  return process.argv[i + 1];
}

if (process.argv[1] && /check\.ts$/.test(process.argv[1])) {
  const prompts = readJsonl<PromptLine>(readFileSync(arg('prompts'), 'utf8'));
  const bs = new Map<string, Building>();
  for (const p of prompts) if (!bs.has(p.buildingId)) bs.set(p.buildingId, parseBuilding(p.user));
  const all = [...bs.values()];
  const lines = readJsonl<Line>(readFileSync(arg('corpus'), 'utf8'));
  let fail = 0;
  for (const l of lines) {
    const v = verifyLine(l, bs.get(l.buildingId)!, all);
    if (!v.ok) {
      fail++;
      if (fail <= 20) console.log(`${l.buildingId} ${l.type} ${l.label} ${l.style} ${l.defect}: ${v.why.join('; ')}`);
    }
  }
  console.log(`${lines.length} lines, ${fail} failed`);
  process.exit(fail ? 1 : 0);
}
