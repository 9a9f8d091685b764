/**
 * Writer D: the independent label check. It reads only the raw answer text and the
 * prompt's data block (parsed again here), never the writer's internals: a good answer
 * must parse, meet its task and carry only numbers the data supports; a bad answer must
 * really carry the fault its proof names.
 */
import type { Proof } from './defects.js';

interface Data {
  building: { id: string };
  period: { start: string; end: string; hours: number };
  meters: string[];
  metrics: Record<string, number>;
  anomalies: { date: string; kind: string; actualKwh: number; expectedKwh: number; deviationPct: number; robustZ: number }[];
  dataIssues: { kind: string; severity: string; message: string }[];
  missing: { metric: string; reason: string }[];
}

type Json = Record<string, unknown>;

export const dataOf = (user: string): Data => {
  const a = user.indexOf('<<<EAIO_BUILDING_DATA_BEGIN>>>');
  const b = user.indexOf('<<<EAIO_BUILDING_DATA_END>>>');
  return JSON.parse(user.slice(a + '<<<EAIO_BUILDING_DATA_BEGIN>>>'.length, b)) as Data;
};

/** The JSON object in a model's raw output (fences, preambles and trailing notes allowed). */
export const extractJson = (text: string): Json | undefined => {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  const body = fenced ? fenced[1] : text;
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed = JSON.parse(body.slice(start, end + 1)) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : undefined;
  } catch {
    return undefined;
  }
};

const arr = (x: unknown): Json[] => (Array.isArray(x) ? (x as Json[]) : []);
const str = (x: unknown): string => (typeof x === 'string' ? x : '');

/** Every prose string of an answer, by path. */
export const prose = (a: Json): Map<string, string> => {
  const out = new Map<string, string>([['summary', str(a.summary)]]);
  arr(a.findings).forEach((f, i) => {
    out.set(`findings.${i}.title`, str(f.title));
    out.set(`findings.${i}.detail`, str(f.detail));
  });
  arr(a.recommendations).forEach((r, i) => {
    out.set(`recommendations.${i}.action`, str(r.action));
    out.set(`recommendations.${i}.rationale`, str(r.rationale));
  });
  arr(a.dataIssuesAddressed).forEach((d, i) => out.set(`dataIssuesAddressed.${i}.response`, str(d.response)));
  return out;
};

// ---------------------------------------------------------------- numbers in prose

const WORD_VALUES: Record<string, number> = {
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

export interface Num {
  value: number;
  raw: string;
  tol: number;
  unit: string;
}

const tolOf = (raw: string): number => {
  const plain = raw.replace(/,/g, '').replace(/^-/, '');
  if (plain.includes('.')) return 0.5 * 10 ** -plain.split('.')[1].length + 1e-9;
  const trailing = plain.length - (plain.replace(/0+$/, '').length || 1);
  return 0.5 * 10 ** trailing * 1.0001 + 1e-9;
};

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December';

/** Numbers written in a prose string (digits and English number words), dates and names removed. */
export const numbersIn = (text: string, years: string[]): Num[] => {
  let t = text
    .replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?/g, ' ')
    .replace(/\b\d{4}-\d{2}\b/g, ' ')
    .replace(new RegExp(`\\b(${MONTHS}) (\\d{4})\\b`, 'g'), '$1')
    .replace(/\b[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)+/g, ' ')
    .replace(/\b[rR](²|2)\b/g, ' ');
  for (const y of years) t = t.replace(new RegExp(`\\b${y}\\b`, 'g'), ' ');
  const out: Num[] = [];
  const re = /(?<![\w.])(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)(?:\s?(GWh|MWh|kWh|kW|MW|W\/m²|%|h\b|hours|days|°C|degC|m²))?/g;
  for (const m of t.matchAll(re)) {
    out.push({ value: Number(m[1].replace(/,/g, '')), raw: m[1], tol: tolOf(m[1]), unit: m[2] ?? '' });
  }
  const wordRe =
    /\b((?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million)(?:[\s-]+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million))*)\b/gi;
  for (const m of t.matchAll(wordRe)) {
    let total = 0;
    let current = 0;
    for (const w of m[1].toLowerCase().split(/[\s-]+/)) {
      if (w === 'and') continue;
      if (w === 'hundred') current *= 100;
      else if (w === 'thousand') {
        total += current * 1000;
        current = 0;
      } else if (w === 'million') {
        total += current * 1e6;
        current = 0;
      } else current += WORD_VALUES[w] ?? 0;
    }
    const value = total + current;
    out.push({ value, raw: m[1], tol: tolOf(String(value)), unit: '' });
  }
  return out;
};

// ---------------------------------------------------------------- what the data supports

const daysIn = (key: string): number => {
  const [y, m] = key.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};

export const supportedValues = (d: Data, answer?: Json): number[] => {
  const m = d.metrics;
  const vals: number[] = [...Object.values(m), d.period.hours, 365, 24, 12, 7];
  const meters = d.meters.length > 0 ? d.meters : ['electricity'];
  for (const mt of meters) {
    const g = (s: string): number | undefined => m[`${mt}.${s}`];
    const annual = g('annualKwh');
    const total = g('totalKwh');
    const bl = g('load.baseloadKw');
    const pk = g('load.peakKw');
    const sqm = m['building.sqm'];
    if (annual !== undefined) vals.push(annual / 365, annual / 12, annual / 8760);
    if (total !== undefined) vals.push(total / 365, total / 12);
    if (bl !== undefined && pk !== undefined) vals.push(pk / bl, (bl / pk) * 100, pk - bl);
    if (bl !== undefined && annual !== undefined) vals.push(bl * 8760, ((bl * 8760) / annual) * 100, bl * 24);
    if (bl !== undefined && sqm) vals.push((bl * 1000) / sqm);
    if (pk !== undefined && sqm) vals.push((pk * 1000) / sqm);
    const eui = g('euiKwhPerSqm');
    const med = m['peers.medianEuiKwhPerSqm'];
    if (eui !== undefined && med !== undefined) vals.push(Math.abs(eui - med), (Math.abs(eui - med) / med) * 100, eui / med);
    const gap = g('coverage.longestGapHours');
    if (gap !== undefined) vals.push(gap / 24);
    const valid = g('coverage.validHours');
    const expected = g('coverage.expectedHours');
    if (valid !== undefined && expected !== undefined) vals.push(expected - valid, (valid / expected) * 100);
    const zero = g('coverage.zeroHours');
    if (zero !== undefined && expected) vals.push((zero / expected) * 100);
    for (const r of ['load.loadFactor', 'load.nightDayRatio', 'load.weekdayWeekendRatio', 'coverage.coverageRatio']) {
      const v = g(r);
      if (v !== undefined) vals.push(v * 100, Math.abs(1 - v) * 100);
    }
    const base = g('weather.changePoint.baseKwhPerDay');
    if (base !== undefined) vals.push(base * 365);
    const months = Object.keys(m)
      .map((k) => new RegExp(`^${mt}\\.monthly\\.(\\d{4}-\\d{2})\\.kwh$`).exec(k)?.[1])
      .filter((k): k is string => !!k);
    const monthVals = months.map((k) => m[`${mt}.monthly.${k}.kwh`]);
    for (const k of months) {
      const v = m[`${mt}.monthly.${k}.kwh`];
      vals.push(v / daysIn(k));
      if (annual) vals.push((v / annual) * 100);
      if (total) vals.push((v / total) * 100);
    }
    if (monthVals.length > 0) vals.push(Math.max(...monthVals) - Math.min(...monthVals), Math.max(...monthVals) / Math.min(...monthVals));
  }
  for (const a of d.anomalies) {
    vals.push(a.actualKwh, a.expectedKwh, Math.abs(a.actualKwh - a.expectedKwh), a.actualKwh / a.expectedKwh, Math.abs(a.deviationPct) * 100, Math.abs(a.robustZ));
  }
  const hours = d.dataIssues
    .map((i) => /(\d+(?:\.\d+)?)\s*h\b/.exec(i.message)?.[1])
    .filter((h): h is string => !!h)
    .map(Number);
  vals.push(
    ...hours,
    hours.reduce((x, y) => x + y, 0),
  );
  vals.push(d.anomalies.length, d.dataIssues.length, d.meters.length, d.missing.length);
  if (answer) {
    const recs = arr(answer.recommendations);
    let kwh = 0;
    let pct = 0;
    for (const r of recs) {
      if (typeof r.estimatedAnnualSavingsKwh === 'number') {
        vals.push(r.estimatedAnnualSavingsKwh);
        kwh += r.estimatedAnnualSavingsKwh;
      }
      if (typeof r.estimatedSavingsPct === 'number') {
        vals.push(r.estimatedSavingsPct);
        pct += r.estimatedSavingsPct;
      }
    }
    vals.push(kwh, pct, recs.length, arr(answer.findings).length);
  }
  return vals.filter((v) => Number.isFinite(v));
};

const SCALES = [1, 1e3, 1e-3, 1e6, 1e-6, 100, 0.01, 24, 1 / 24];

export const isSupported = (n: Num, values: number[]): boolean => {
  if (Number.isInteger(n.value) && n.value >= 0 && n.value <= 5 && n.unit === '') return true;
  return values.some((v) => SCALES.some((s) => Math.abs(Math.abs(n.value) - Math.abs(v) * s) <= Math.max(n.tol, Math.abs(v * s) * 1e-6)));
};

const near = (n: number, v: number, tol: number): boolean => SCALES.some((s) => Math.abs(Math.abs(n) - Math.abs(v) * s) <= Math.max(tol, Math.abs(v * s) * 0.0005));

const yearsOf = (d: Data): string[] => [...new Set([d.period.start.slice(0, 4), d.period.end.slice(0, 4)])].filter(Boolean);

const knownDates = (d: Data): Set<string> =>
  new Set([...d.anomalies.map((a) => a.date), ...d.dataIssues.flatMap((i) => i.message.match(/\d{4}-\d{2}-\d{2}/g) ?? []), d.period.start.slice(0, 10), d.period.end.slice(0, 10)]);

const isMissingMetric = (d: Data, name: string): boolean => d.missing.some((x) => name === x.metric || name.startsWith(`${x.metric}.`));

/** Resolve an evidence metric name, allowing the variants a small model writes. */
const resolveMetric = (d: Data, name: string, lenient: boolean): string | undefined => {
  if (d.metrics[name] !== undefined) return name;
  if (!lenient) return undefined;
  const norm = (s: string): string => s.toLowerCase().replace(/[_\s]/g, '');
  const n = norm(name);
  const exact = Object.keys(d.metrics).filter((k) => norm(k) === n);
  if (exact.length === 1) return exact[0];
  const hits = Object.keys(d.metrics).filter(
    (k) => norm(k) === n || norm(k).endsWith(`.${n}`) || (n.includes('.') && norm(k).split('.').pop() === n.split('.').pop() && norm(k).startsWith(n.split('.')[0])),
  );
  return hits.length === 1 ? hits[0] : undefined;
};

// ---------------------------------------------------------------- good answers

export const checkGood = (text: string, d: Data, type: string, style: string): string[] => {
  const errors: string[] = [];
  const a = extractJson(text);
  if (!a) return ['no JSON object'];
  const lenient = style.startsWith('small-model');
  if (str(a.summary).length < 20) errors.push('summary too short');
  const findings = arr(a.findings);
  const recs = arr(a.recommendations);
  if (findings.length < 1) errors.push('no findings');
  const conf = a.confidence;
  if (typeof conf === 'number') {
    if (conf < 0 || conf > 1) errors.push('confidence out of range');
  } else if (!(lenient && typeof conf === 'string' && /^(low|medium|high)$/.test(conf))) errors.push('confidence not a number');
  const evidence = [...findings, ...recs].flatMap((x) => arr(x.evidence));
  for (const f of findings) if (str(f.title).length < 3 || str(f.detail).length < 10 || arr(f.evidence).length < 1) errors.push('finding shape');
  for (const e of evidence) {
    const name = resolveMetric(d, str(e.metric), lenient);
    if (!name) {
      errors.push(`evidence metric ${str(e.metric)} not in data`);
      continue;
    }
    if (isMissingMetric(d, name)) errors.push(`evidence on missing metric ${name}`);
    const value = typeof e.value === 'number' ? e.value : lenient && typeof e.value === 'string' ? Number(e.value) : NaN;
    if (!Number.isFinite(value) || !near(value, d.metrics[name], 0)) errors.push(`evidence ${name}=${String(e.value)} vs ${d.metrics[name]}`);
  }
  const values = supportedValues(d, a);
  const years = yearsOf(d);
  const known = knownDates(d);
  const all = [...prose(a).values()].join('\n');
  for (const [path, s] of prose(a)) {
    for (const n of numbersIn(s, years)) if (!isSupported(n, values)) errors.push(`unsupported ${n.raw}${n.unit} in ${path}: ${s}`);
    for (const date of s.match(/\d{4}-\d{2}-\d{2}/g) ?? []) if (!known.has(date)) errors.push(`unknown date ${date} in ${path}`);
  }
  if (/[£$€]|\bpayback\b|\bUSD\b|\bGBP\b/.test(all)) errors.push('money');
  for (const meter of ['gas', 'water', 'steam']) {
    if (!d.meters.includes(meter) && new RegExp(`\\b${meter}\\b[^.]*\\d`, 'i').test(all)) errors.push(`mentions ${meter} with a number`);
  }
  if (isMissingMetric(d, 'peers.euiPercentile') && /\d+(st|nd|rd|th) percentile/.test(all)) errors.push('missing percentile estimated');
  if (d.missing.some((x) => x.metric.endsWith('changePoint')) && !Object.keys(d.metrics).some((k) => k.includes('.changePoint.')) && /balance point[^.;\n]*\d/.test(all))
    errors.push('missing change point estimated');
  if (
    typeof conf === 'number' &&
    ((conf >= 0.8 && /low confidence|confidence is low|unreliable/i.test(all)) || (conf <= 0.35 && /high confidence|confidence is high|fully reliable/i.test(all)))
  )
    errors.push('confidence contradiction');
  // the task
  const meter = d.meters[0] ?? 'electricity';
  const annual = d.metrics[`${meter}.annualKwh`];
  const issueKinds = arr(a.dataIssuesAddressed).map((x) => str(x.issue));
  if (type === 'data-quality-triage') {
    if (issueKinds.length < d.dataIssues.length || d.dataIssues.some((i) => !issueKinds.includes(i.kind))) errors.push('triage: data issue not addressed');
    if (!findings.some((f) => arr(f.evidence).some((e) => /coverage/.test(str(e.metric))))) errors.push('triage: no coverage evidence');
    if (recs.some((r) => r.estimatedAnnualSavingsKwh !== null)) errors.push('triage: savings on a data fix');
  } else {
    const needed = d.dataIssues.filter((i) => i.severity === 'warning' || i.severity === 'critical');
    if (needed.some((i) => !issueKinds.includes(i.kind)) || issueKinds.length < needed.length) errors.push('data issue not addressed');
  }
  if (type === 'building-diagnostic') {
    const top = d.anomalies[0];
    if (top) {
      const f = findings.find((x) => (str(x.title) + str(x.detail)).includes(top.date));
      if (!f) errors.push('diagnostic: largest anomaly not addressed');
      else {
        const nums = numbersIn(str(f.detail), years).map((n) => n.value);
        const cites = arr(f.evidence).map((e) => Number(e.value));
        const has = (v: number): boolean => [...nums, ...cites].some((n) => near(n, v, Math.abs(v) * 0.01));
        if (!has(top.actualKwh) || !has(top.expectedKwh)) errors.push('diagnostic: largest anomaly without actual/expected');
      }
    }
    if (recs.length < 1 || recs.length > 3) errors.push('diagnostic: 1 to 3 next steps');
  }
  if (type !== 'retrofit-plan' && annual !== undefined) {
    let sum = 0;
    for (const r of recs) {
      const kwh = r.estimatedAnnualSavingsKwh;
      const pct = r.estimatedSavingsPct;
      if (typeof kwh !== 'number' || typeof pct !== 'number') continue;
      if (Math.abs(kwh - (pct / 100) * annual) > Math.max(2, annual * 0.002) || pct > 100) errors.push('kWh and % disagree');
      sum += kwh;
    }
    if (sum > annual * 0.6) errors.push('savings implausible');
  }
  if (type === 'retrofit-plan') {
    if (recs.length < 2) errors.push('retrofit: fewer than 2 recommendations');
    let sum = 0;
    for (const r of recs) {
      const kwh = r.estimatedAnnualSavingsKwh;
      const pct = r.estimatedSavingsPct;
      if (annual !== undefined && (typeof kwh !== 'number' || typeof pct !== 'number')) {
        errors.push('retrofit: unquantified');
        continue;
      }
      if (typeof kwh === 'number' && typeof pct === 'number' && annual !== undefined) {
        if (Math.abs(kwh - (pct / 100) * annual) > Math.max(2, annual * 0.002)) errors.push('retrofit: kWh and % disagree');
        if (pct > 100 || pct <= 0) errors.push('retrofit: impossible %');
        sum += kwh;
      }
    }
    if (annual !== undefined && sum > annual * 0.6) errors.push('retrofit: savings implausible');
  }
  return errors;
};

// ---------------------------------------------------------------- bad answers

const firstNumber = (s: string, years: string[]): Num | undefined => numbersIn(s, years)[0];

export const checkBad = (text: string, d: Data, type: string, proof: Proof, others: Map<string, Data>): string[] => {
  if (proof.kind === 'truncated') return extractJson(text) ? ['truncated answer still parses'] : [];
  const a = extractJson(text);
  if (!a) return ['bad answer does not parse'];
  const p = prose(a);
  const all = [...p.values()].join('\n');
  const years = yearsOf(d);
  const values = supportedValues(d, a);
  const field = 'field' in proof ? (p.get(proof.field) ?? '') : '';
  const inField = (frag: string): boolean => field.includes(frag);
  const fail = (msg: string): string[] => [`${proof.kind}: ${msg}`];
  const recs = arr(a.recommendations);
  const meter = d.meters[0] ?? 'electricity';
  const annual = d.metrics[`${meter}.annualKwh`];
  switch (proof.kind) {
    case 'number': {
      if (!new RegExp(`(?<![\\d.,])${proof.text.replace(/[.,]/g, '\\$&')}(?![\\d])`).test(field)) return fail('text not in field');
      const n = numbersIn(proof.text, years)[0];
      if (!n) return fail('no number');
      const truth = d.metrics[proof.metric];
      if (truth === undefined) return fail('metric not in data');
      if (near(n.value, truth, n.tol)) return fail('claimed equals truth');
      if (isSupported(n, values)) return fail(`claimed ${n.raw} is supported by the data`);
      return [];
    }
    case 'unit': {
      if (!inField(proof.fragment)) return fail('fragment not in field');
      const m = /([\d,.]+) (MWh|kWh|GWh|MW|kW)/.exec(proof.fragment);
      if (!m) return fail('no unit');
      const scale: Record<string, number> = { kWh: 1, MWh: 1e3, GWh: 1e6, kW: 1, MW: 1e3 };
      const claimed = Number(m[1].replace(/,/g, '')) * scale[m[2]];
      const ratio = claimed / proof.truthKwh;
      if (ratio < 10 && ratio > 0.1) return fail('not an order of magnitude off');
      if (!values.some((v) => Math.abs(v - proof.truthKwh) <= Math.abs(v) * 0.01)) return fail('truth not in data');
      return [];
    }
    case 'evidence': {
      const e = [...arr(a.findings), ...recs].flatMap((x) => arr(x.evidence)).find((x) => x.metric === proof.metric && x.value === proof.claimed);
      const truth = d.metrics[proof.metric];
      if (!e || truth === undefined) return fail('entry not found');
      return Math.abs(proof.claimed - truth) / Math.abs(truth) >= 0.08 ? [] : fail('evidence close to truth');
    }
    case 'swap': {
      if (!field.includes(proof.text)) return fail('text not in field');
      const n = numbersIn(proof.text, years)[0];
      const truth = d.metrics[proof.metric];
      const other = d.metrics[proof.other];
      if (!n || truth === undefined || other === undefined) return fail('missing');
      if (near(n.value, truth, n.tol)) return fail('equals own metric');
      return near(n.value, other, n.tol) ? [] : fail('not the other metric');
    }
    case 'anomaly-date': {
      const known = knownDates(d);
      if (known.has(proof.wrong)) return fail('wrong date is known');
      if (!all.includes(proof.wrong)) return fail('wrong date absent');
      return all.includes(proof.right) ? fail('right date still present') : [];
    }
    case 'anomaly-swap': {
      if (!inField(proof.fragment)) return fail('fragment not in field');
      const an = d.anomalies.find((x) => x.date === proof.date);
      if (!an) return fail('no anomaly');
      const nums = numbersIn(proof.fragment, years).map((n) => n);
      if (nums.length < 2) return fail('two numbers needed');
      const [n1, n2] = nums;
      const [actualSlot, expectedSlot] = proof.order === 'actual-first' ? [n1, n2] : [n2, n1];
      if (Math.abs(an.actualKwh - an.expectedKwh) / an.expectedKwh < 0.05) return fail('actual close to expected');
      return near(actualSlot.value, an.expectedKwh, actualSlot.tol) && near(expectedSlot.value, an.actualKwh, expectedSlot.tol) ? [] : fail('not swapped');
    }
    case 'invented-anomaly':
      return all.includes(proof.date) && !knownDates(d).has(proof.date) ? [] : fail('date known or absent');
    case 'ignored-top-anomaly':
      return type === 'building-diagnostic' && d.anomalies[0]?.date === proof.date && !all.includes(proof.date) ? [] : fail('top anomaly present');
    case 'savings-over': {
      if (annual === undefined) return fail('no annual');
      const kwh = recs.map((r) => (typeof r.estimatedAnnualSavingsKwh === 'number' ? r.estimatedAnnualSavingsKwh : 0));
      const pct = recs.map((r) => (typeof r.estimatedSavingsPct === 'number' ? r.estimatedSavingsPct : 0));
      const over = kwh.some((x) => x > annual) || pct.some((x) => x > 100) || kwh.reduce((x, y) => x + y, 0) > annual || pct.reduce((x, y) => x + y, 0) > 100;
      return over ? [] : fail('savings within consumption');
    }
    case 'coverage-over': {
      if (!inField(proof.fragment)) return fail('fragment not in field');
      const nums = numbersIn(proof.fragment, years);
      if (proof.fragment.includes('%')) return nums[0] && nums[0].value > 100 ? [] : fail('not over 100 %');
      return nums.length >= 2 && nums[0].value > nums[1].value ? [] : fail('valid not above expected');
    }
    case 'confidence': {
      const c = a.confidence;
      if (typeof c !== 'number' || !all.includes(proof.phrase)) return fail('phrase or number');
      return (proof.direction === 'says-low' && c >= 0.8) || (proof.direction === 'says-high' && c <= 0.35) ? [] : fail('consistent');
    }
    case 'savings-mismatch': {
      const r = recs[proof.index];
      if (!r || annual === undefined || typeof r.estimatedAnnualSavingsKwh !== 'number' || typeof r.estimatedSavingsPct !== 'number') return fail('rec');
      const implied = (r.estimatedAnnualSavingsKwh / annual) * 100;
      return Math.abs(implied - r.estimatedSavingsPct) / r.estimatedSavingsPct >= 0.5 ? [] : fail('consistent');
    }
    case 'direction': {
      if (!inField(proof.fragment)) return fail('fragment not in field');
      const m = d.metrics;
      const g = (s: string): number => m[`${meter}.${s}`];
      const eui = g('euiKwhPerSqm');
      const med = m['peers.medianEuiKwhPerSqm'];
      const ok =
        proof.check === 'eui-below'
          ? /below/.test(proof.fragment) && eui > med
          : proof.check === 'eui-above'
            ? /above/.test(proof.fragment) && eui < med
            : proof.check === 'night-above-day'
              ? g('load.nightDayRatio') < 1
              : proof.check === 'weekend-above-weekday'
                ? g('load.weekdayWeekendRatio') > 1
                : proof.check === 'slope-positive'
                  ? g('weather.slopeKwhPerDegC') < 0
                  : proof.check === 'slope-negative'
                    ? g('weather.slopeKwhPerDegC') > 0
                    : proof.check.startsWith('anomaly-low:')
                      ? d.anomalies.find((x) => x.date === proof.check.slice(12))?.kind.endsWith('high') === true
                      : false;
      return ok ? [] : fail(`direction ${proof.check} holds`);
    }
    case 'count': {
      if (!inField(proof.fragment)) return fail('fragment not in field');
      const n = firstNumber(proof.fragment, years);
      const truth = d.metrics[proof.metric];
      return n && n.value === proof.claimed && truth !== undefined && truth !== proof.claimed ? [] : fail('count right');
    }
    case 'pct-confusion': {
      if (!inField(proof.fragment)) return fail('fragment not in field');
      const n = firstNumber(proof.fragment, years);
      const v = d.metrics[proof.metric];
      return n && n.unit === '%' && v < 1 && Math.abs(n.value - v) < 0.01 ? [] : fail('not a fraction read as percent');
    }
    case 'generic': {
      const baseVals = Object.values(d.metrics);
      const specific = [...p.values()].flatMap((s) => numbersIn(s, years)).filter((n) => !(n.value <= 5) && baseVals.some((v) => near(n.value, v, n.tol)));
      if (specific.length > 0) return fail(`building figure ${specific[0].raw} present`);
      if (d.anomalies.some((x) => all.includes(x.date))) return fail('anomaly date present');
      return /typical|commonly|most .* buildings|industry/i.test(all) ? [] : fail('not generic');
    }
    case 'wrong-type': {
      if (type === 'data-quality-triage') {
        const coverageEvidence = arr(a.findings).some((f) => arr(f.evidence).some((e) => /coverage/.test(str(e.metric))));
        return !coverageEvidence && recs.some((r) => typeof r.estimatedAnnualSavingsKwh === 'number') ? [] : fail('looks like a triage');
      }
      if (type === 'building-diagnostic') {
        const top = d.anomalies[0];
        return top && !all.includes(top.date) && !/peak/i.test(all) ? [] : fail('looks like a diagnostic');
      }
      const quantified = recs.filter((r) => typeof r.estimatedAnnualSavingsKwh === 'number');
      return quantified.length < 2 ? [] : fail('looks like a retrofit plan');
    }
    case 'other-building': {
      const od = others.get(proof.otherId);
      if (!od) return fail('other building unknown');
      const nums = [...p.values()].flatMap((s) => numbersIn(s, years));
      const foreign = nums.filter((n) => !isSupported(n, values) && isSupported(n, supportedValues(od, a)));
      const ev = [...arr(a.findings), ...recs].flatMap((x) => arr(x.evidence));
      const wrongEv = ev.filter((e) => typeof e.value === 'number' && d.metrics[str(e.metric)] !== undefined && !near(e.value, d.metrics[str(e.metric)], 0));
      return foreign.length + wrongEv.length >= 2 ? [] : fail(`only ${foreign.length}+${wrongEv.length} foreign figures`);
    }
    case 'refusal': {
      if (!/unable|can't|cannot|not possible/i.test(all)) return fail('no refusal');
      return [...p.values()].some((s) => numbersIn(s, years).length > 0) ? fail('has figures') : [];
    }
    case 'ignored-issues': {
      const needed = d.dataIssues.filter((i) => i.severity === 'warning' || i.severity === 'critical');
      return needed.length > 0 && arr(a.dataIssuesAddressed).length === 0 && !/outage|gap/i.test(all) ? [] : fail('issues addressed');
    }
    case 'unquantified': {
      if (type !== 'retrofit-plan' || annual === undefined) return fail('not applicable');
      const any = recs.some((r) => r.estimatedAnnualSavingsKwh !== null || r.estimatedSavingsPct !== null);
      return !any && !/unknown|unavailable|cannot be (estimated|quantified)|missing/i.test(recs.map((r) => str(r.rationale)).join(' ')) ? [] : fail('quantified or explained');
    }
    case 'missing-estimated': {
      if (!inField(proof.fragment) || (!isMissingMetric(d, proof.metric) && !d.missing.some((x) => x.metric === proof.metric))) return fail('fragment or metric');
      return numbersIn(proof.fragment, years).length > 0 ? [] : fail('no number');
    }
    case 'money':
      return inField(proof.fragment) && /[£$€]|payback/.test(proof.fragment) ? [] : fail('no money');
    case 'invented-meter':
      return inField(proof.fragment) && !d.meters.some((m) => proof.meter.replace(' ', '').startsWith(m)) && /\d/.test(proof.fragment) ? [] : fail('meter exists');
    case 'feature': {
      if (!inField(proof.fragment)) return fail('fragment not in field');
      const key = /chiller|refurbishment|PV|air handling|boiler|data centre/.exec(proof.fragment)?.[0];
      return key && !JSON.stringify(d).toLowerCase().includes(key.toLowerCase()) && /\d/.test(proof.fragment) ? [] : fail('feature in data');
    }
    case 'period': {
      if (!inField(proof.fragment)) return fail('fragment not in field');
      const year = /\b(19|20)\d{2}\b/.exec(proof.fragment)?.[0];
      if (year) return years.includes(year) ? fail('year in period') : [];
      const months = /(\d+) months/.exec(proof.fragment);
      return months && Math.abs(Number(months[1]) - d.period.hours / 730) > 1.5 ? [] : fail('period right');
    }
    default:
      return fail('unknown proof');
  }
};
