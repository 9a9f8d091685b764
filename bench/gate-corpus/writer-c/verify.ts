/**
 * Writer C's self-check. Reads an answer's raw text the way a careful reviewer would,
 * with its own parser, and lists what it finds wrong against the data block alone.
 * It never sees how the answer was written: only (block, type, text).
 */
import { parseBlock, type Block } from './lib';

export type Problem =
  | 'unparseable'
  | 'schema'
  | 'unsupported-number'
  | 'evidence-mismatch'
  | 'unknown-date'
  | 'direction'
  | 'count-mismatch'
  | 'issue-unaddressed'
  | 'anomaly-unaddressed'
  | 'diagnostic-incomplete'
  | 'missing-coverage-finding'
  | 'unquantified'
  | 'too-few-recommendations'
  | 'savings-mismatch'
  | 'impossible'
  | 'confidence-words'
  | 'refusal'
  | 'money'
  | 'missing-metric-used'
  | 'unmetered-meter'
  | 'generic';

export interface Finding {
  problem: Problem;
  note: string;
}

type Dim =
  | 'energy'
  | 'energy-year'
  | 'energy-month'
  | 'energy-week'
  | 'energy-day'
  | 'power'
  | 'eui'
  | 'wm2'
  | 'percent'
  | 'ratio'
  | 'hours'
  | 'days'
  | 'count'
  | 'temp'
  | 'slope'
  | 'area'
  | 'none';

interface Cand {
  v: number;
  dim: Dim;
  src: string;
}

// ---------------------------------------------------------------- JSON

/** The first JSON object in the text (code fences and preambles allowed). */
export function extractJson(text: string): any | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inStr = false;
  let esc = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (esc) esc = false;
      else if (c === '\\') esc = true;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) {
        try {
          return JSON.parse(text.slice(start, i + 1));
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

const asNum = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?[\d,]*\.?\d+\s*$/.test(v)) return Number(v.replace(/,/g, ''));
  return undefined;
};

// ---------------------------------------------------------------- candidates

function buildCandidates(b: Block, answer: any): Cand[] {
  const c: Cand[] = [];
  const add = (v: number | undefined, dim: Dim, src: string) => {
    if (v === undefined || !Number.isFinite(v)) return;
    c.push({ v: Math.abs(v), dim, src });
  };
  const m = b.metrics;
  const g = (k: string) => m[k];
  const hoursBoth = (v: number | undefined, src: string) => {
    add(v, 'hours', src);
    if (v !== undefined) add(v / 24, 'days', src + '/24');
  };
  const frac = (v: number | undefined, src: string) => {
    add(v, 'ratio', src);
    if (v !== undefined) add(v * 100, 'percent', src + '*100');
  };
  if (b.sqm !== null) add(b.sqm, 'area', 'floor');
  add(g('building.sqm'), 'area', 'building.sqm');
  hoursBoth(b.period.hours, 'period.hours');
  add(365, 'days', 'year');
  add(12, 'count', 'months');
  add(b.meters.length, 'count', 'meters');
  const annuals: number[] = [];
  const euis: number[] = [];
  for (const meter of b.meters) {
    const p = (k: string) => g(`${meter}.${k}`);
    const total = p('totalKwh');
    const annual = p('annualKwh');
    add(total, 'energy-year', 'total');
    add(annual, 'energy-year', 'annual');
    if (annual !== undefined) annuals.push(annual);
    add(p('euiKwhPerSqm'), 'eui', 'eui');
    if (p('euiKwhPerSqm') !== undefined) euis.push(p('euiKwhPerSqm'));
    for (const k of ['expectedHours', 'validHours', 'missingHours', 'zeroHours', 'negativeHours', 'longestGapHours']) hoursBoth(p(`coverage.${k}`), k);
    const exp = p('coverage.expectedHours');
    const val = p('coverage.validHours');
    if (exp !== undefined && val !== undefined) hoursBoth(exp - val, 'expected-valid');
    const cov = p('coverage.coverageRatio');
    frac(cov, 'coverage');
    if (cov !== undefined) add((1 - cov) * 100, 'percent', '1-coverage');
    add(p('coverage.outageCount'), 'count', 'outageCount');
    const base = p('load.baseloadKw');
    const peak = p('load.peakKw');
    add(base, 'power', 'baseload');
    add(peak, 'power', 'peak');
    const area = b.sqm ?? g('building.sqm');
    if (area) {
      if (base !== undefined) add((base * 1000) / area, 'wm2', 'baseload W/m2');
      if (peak !== undefined) add((peak * 1000) / area, 'wm2', 'peak W/m2');
    }
    if (base !== undefined && peak !== undefined && base > 0) {
      add(peak / base, 'ratio', 'peak/base');
      add((base / peak) * 100, 'percent', 'base/peak');
    }
    if (base !== undefined) {
      add(base * 8760, 'energy-year', 'base*8760');
      if (annual) add(((base * 8760) / annual) * 100, 'percent', 'base share');
    }
    frac(p('load.loadFactor'), 'loadFactor');
    for (const k of ['weekdayWeekendRatio', 'nightDayRatio']) {
      const r = p(`load.${k}`);
      frac(r, k);
      if (r !== undefined && r > 0) {
        frac(1 / r, '1/' + k);
        add(Math.abs(1 - r) * 100, 'percent', '|1-' + k + '|');
        add(Math.abs(1 - 1 / r) * 100, 'percent', '|1-1/' + k + '|');
      }
    }
    if (total !== undefined && val) {
      add(total / val, 'power', 'mean kW');
      add((total / val) * 24, 'energy-day', 'total per valid day');
    }
    if (annual !== undefined) {
      add(annual / 8760, 'power', 'annual mean kW');
      add(annual / 365, 'energy-day', 'annual/365');
      add(annual / 12, 'energy-month', 'annual/12');
      add(annual / 52, 'energy-week', 'annual/52');
    }
    if (total !== undefined) {
      add(total / 365, 'energy-day', 'total/365');
      add(total / 12, 'energy-month', 'total/12');
      if (annual !== undefined) {
        add(annual - total, 'energy-year', 'annual-total');
        add((total / annual) * 100, 'percent', 'total/annual');
      }
    }
    const wd = p('weather.days');
    add(wd, 'days', 'weather.days');
    add(wd, 'count', 'weather.days');
    if (wd !== undefined) add(365 - wd, 'days', 'year-weatherdays');
    add(p('weather.slopeKwhPerDegC'), 'slope', 'slope');
    const r = p('weather.r');
    add(r, 'ratio', 'r');
    if (r !== undefined) frac(r * r, 'r^2');
    add(p('weather.changePoint.heatingBalancePointC'), 'temp', 'hbp');
    add(p('weather.changePoint.coolingBalancePointC'), 'temp', 'cbp');
    add(p('weather.changePoint.heatingSlopeKwhPerDegC'), 'slope', 'hs');
    add(p('weather.changePoint.coolingSlopeKwhPerDegC'), 'slope', 'cs');
    add(p('weather.changePoint.baseKwhPerDay'), 'energy-day', 'cp base');
    frac(p('weather.changePoint.r2'), 'cp r2');
    add(p('anomalyCount'), 'count', 'anomalyCount');
    const months: number[] = [];
    for (const [k, v] of Object.entries(m)) {
      if (k.startsWith(`${meter}.monthly.`)) {
        add(v, 'energy-month', k);
        months.push(v);
        if (annual) add((v / annual) * 100, 'percent', k + ' share');
        if (total) add((v / total) * 100, 'percent', k + ' share of total');
      }
    }
    if (months.length) {
      add(months.filter((x) => x === 0).length, 'count', 'zero months');
      const mx = Math.max(...months);
      const mn = Math.min(...months);
      add(mx - mn, 'energy-month', 'month range');
      if (mn > 0) add(mx / mn, 'ratio', 'month max/min');
    }
  }
  if (annuals.length > 1) {
    const sum = annuals.reduce((a, x) => a + x, 0);
    add(sum, 'energy-year', 'combined annual');
    for (const a of annuals) add((a / sum) * 100, 'percent', 'share');
    add(annuals[1] / annuals[0], 'ratio', 'gas/elec');
    add(annuals[0] / annuals[1], 'ratio', 'elec/gas');
    add(
      euis.reduce((a, x) => a + x, 0),
      'eui',
      'combined eui',
    );
  }
  const med = g('peers.medianEuiKwhPerSqm');
  add(med, 'eui', 'peer median');
  add(g('peers.euiPercentile'), 'percent', 'percentile');
  add(g('peers.euiPercentile'), 'none', 'percentile');
  const gs = g('peers.groupSize');
  add(gs, 'count', 'groupSize');
  if (gs !== undefined) add(gs - 1, 'count', 'groupSize-1');
  const eui = g('electricity.euiKwhPerSqm') ?? euis[0];
  if (med !== undefined && eui !== undefined && med > 0) {
    add(eui - med, 'eui', 'eui-median');
    add((eui / med) * 100, 'percent', 'eui/median');
    add(Math.abs(eui / med - 1) * 100, 'percent', '|eui/median-1|');
    add(eui / med, 'ratio', 'eui/median');
  }
  for (const a of b.anomalies) {
    const dim: Dim = a.kind.startsWith('week') ? 'energy-week' : 'energy-day';
    add(a.actualKwh, dim, 'anomaly actual');
    add(a.expectedKwh, dim, 'anomaly expected');
    add(a.actualKwh - a.expectedKwh, dim, 'anomaly diff');
    add(a.deviationPct * 100, 'percent', 'deviation');
    add(a.robustZ, 'ratio', 'z');
    if (a.expectedKwh > 0) add(a.actualKwh / a.expectedKwh, 'ratio', 'actual/expected');
    if (a.expectedKwh > 0) add((a.actualKwh / a.expectedKwh) * 100, 'percent', 'actual/expected %');
    if (a.actualKwh > 0) add(a.expectedKwh / a.actualKwh, 'ratio', 'expected/actual');
  }
  add(b.anomalies.length, 'count', 'anomalies listed');
  for (const meter of b.meters) add(b.anomalies.filter((a) => a.meter === meter).length, 'count', 'anomalies listed ' + meter);
  add(b.issues.length, 'count', 'issues');
  for (const is of b.issues) {
    for (const n of readNumbers(is.message)) {
      if (n.dim === 'hours' || n.dim === 'none') hoursBoth(n.value, 'message');
      if (n.dim === 'count' || n.dim === 'none') add(n.value, 'count', 'message');
      add(n.value, n.dim, 'message');
    }
  }
  add(b.missing.length, 'count', 'missing');
  // The answer's own figures: confidence and (checked separately) savings.
  if (answer && typeof answer === 'object') {
    const conf = asNum(answer.confidence);
    if (conf !== undefined) frac(conf, 'confidence');
    const recs = Array.isArray(answer.recommendations) ? answer.recommendations : [];
    let sumK = 0;
    let sumP = 0;
    for (const r of recs) {
      const k = asNum(r?.estimatedAnnualSavingsKwh);
      const p = asNum(r?.estimatedSavingsPct);
      add(k, 'energy-year', 'savings');
      add(p, 'percent', 'savings pct');
      if (k !== undefined) sumK += k;
      if (p !== undefined) sumP += p;
      if (k !== undefined) add(k / 365, 'energy-day', 'savings per day');
    }
    add(sumK, 'energy-year', 'savings sum');
    add(sumP, 'percent', 'savings pct sum');
    for (const a of annuals) if (a > 0) add((sumK / a) * 100, 'percent', 'savings share');
  }
  return c;
}

// ---------------------------------------------------------------- number reading

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

export const COUNT_NOUNS: Record<string, string> = {
  outage: 'outage',
  outages: 'outage',
  gap: 'outage',
  gaps: 'outage',
  anomaly: 'anomaly',
  anomalies: 'anomaly',
  anomalous: 'anomaly',
  run: 'run',
  runs: 'run',
  issue: 'issue',
  issues: 'issue',
  peer: 'peer',
  peers: 'peer',
  buildings: 'peer',
  month: 'month',
  months: 'month',
  meter: 'meter',
  meters: 'meter',
};
const COUNT_ADJ = new Set([
  'separate',
  'distinct',
  'recorded',
  'flagged',
  'logged',
  'listed',
  'meter',
  'logger',
  'data',
  'other',
  'more',
  'major',
  'large',
  'larger',
  'notable',
  'significant',
  'reported',
  'day',
  'week',
  'comparable',
  'similar',
  'peer',
  'zero',
  'zero-reading',
  'distinct',
]);

export interface ReadNumber {
  value: number;
  tol: number;
  dim: Dim;
  countNoun?: string;
  raw: string;
  index: number;
}

function unitAfter(rest: string): { dim: Dim; scale: number; countNoun?: string } {
  const r = rest.toLowerCase();
  const t = r.replace(/^\s+/, '');
  const energyPeriod = (after: string): Dim => {
    const a = after.replace(/^\s+/, '');
    if (/^(\/\s?day|\/d\b|per day|a day|each day|daily|on that day|that day|in a day)/.test(a)) return 'energy-day';
    if (/^(\/\s?week|per week|a week|that week|in a week)/.test(a)) return 'energy-week';
    if (/^(\/\s?month|per month|a month|each month|monthly)/.test(a)) return 'energy-month';
    if (/^(\/\s?(yr|year|a)\b|per year|a year|per annum|annually|each year|over the year|in the year|for the year)/.test(a)) return 'energy-year';
    return 'energy';
  };
  let mm: RegExpMatchArray | null;
  if (/^(%|per ?cent|pc\b)/.test(t)) return { dim: 'percent', scale: 1 };
  if (/^(st|nd|rd|th)\s+percentile/.test(t)) return { dim: 'percent', scale: 1 };
  if ((mm = t.match(/^([kmg])wh\s*(\/\s*(m²|m2|m\^2|sqm)|per (m²|m2|sqm|square met))/))) return { dim: 'eui', scale: mm[1] === 'k' ? 1 : mm[1] === 'm' ? 1e3 : 1e6 };
  if ((mm = t.match(/^([kmg])wh\s*(\/\s*°?\s?(c|k|degc)\b|per (°|degree|deg|kelvin|k\b))/))) return { dim: 'slope', scale: mm[1] === 'k' ? 1 : mm[1] === 'm' ? 1e3 : 1e6 };
  if ((mm = t.match(/^([kmg])wh\b/))) return { dim: energyPeriod(t.slice(mm[0].length)), scale: mm[1] === 'k' ? 1 : mm[1] === 'm' ? 1e3 : 1e6 };
  if (/^(kilowatt[- ]hours?)/.test(t)) return { dim: energyPeriod(t.replace(/^kilowatt[- ]hours?/, '')), scale: 1 };
  if (/^(megawatt[- ]hours?)/.test(t)) return { dim: energyPeriod(t.replace(/^megawatt[- ]hours?/, '')), scale: 1e3 };
  if (/^w\s*(\/\s*(m²|m2|sqm|m\^2)|per (m²|m2|square met))/.test(t)) return { dim: 'wm2', scale: 1 };
  if (/^(kw|kilowatts?)\b/.test(t)) return { dim: 'power', scale: 1 };
  if (/^(mw|megawatts?)\b/.test(t)) return { dim: 'power', scale: 1e3 };
  if (/^(h|hrs?|hours?)\b/.test(t)) return { dim: 'hours', scale: 1 };
  if (/^(days?)\b/.test(t)) return { dim: 'days', scale: 1 };
  if (/^(°\s?c|degrees?|deg\s?c|℃)/.test(t)) return { dim: 'temp', scale: 1 };
  if (/^(x\b|×|times\b|-fold|fold\b)/.test(t)) return { dim: 'ratio', scale: 1 };
  if (/^(m²|m2\b|sqm\b|square met)/.test(t)) return { dim: 'area', scale: 1 };
  const words = t
    .split(/[\s,;:.()]+/)
    .filter(Boolean)
    .slice(0, 3);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (COUNT_NOUNS[w] !== undefined) return { dim: 'count', scale: 1, countNoun: COUNT_NOUNS[w] };
    if (!COUNT_ADJ.has(w)) break;
  }
  return { dim: 'none', scale: 1 };
}

const SCALE_WORDS: [RegExp, number][] = [
  [/^\s*(million|m\b)/i, 1e6],
  [/^\s*(thousand|k\b)/i, 1e3],
];

function maskText(s: string): string {
  // dates, months, timestamps, clock times, metric names, ids and years
  return s
    .replace(/\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?/g, (x) => ' '.repeat(x.length))
    .replace(/\b\d{4}-\d{2}\b/g, (x) => ' '.repeat(x.length))
    .replace(/\b\d{1,2}:\d{2}\b/g, (x) => ' '.repeat(x.length))
    .replace(/[A-Za-z_][\w-]*(\.[\w-]+)+/g, (x) => (/\d/.test(x) || x.split('.').length > 2 ? ' '.repeat(x.length) : x))
    .replace(/\b(19|20)\d{2}\b(?!\s*(kwh|mwh|kw|h\b|hours|days|%))/gi, (x) => ' '.repeat(x.length));
}

/** Every number a reader sees in a prose string, with its unit dimension and rounding tolerance. */
export function readNumbers(text: string): ReadNumber[] {
  const out: ReadNumber[] = [];
  const s = maskText(text);
  const re = /(?<![\w.])[-−+]?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const intPart = m[1].replace(/,/g, '');
    const frac = m[2] ? m[2].slice(1) : '';
    let value = Number(intPart + (frac ? '.' + frac : ''));
    let rest = s.slice(m.index + m[0].length);
    let tol: number;
    if (frac) tol = 0.5 * 10 ** -frac.length;
    else {
      const tz = intPart.length > 1 ? (intPart.match(/0+$/)?.[0].length ?? 0) : 0;
      tol = 0.5 * 10 ** Math.min(tz, intPart.length - 1);
    }
    for (const [sre, f] of SCALE_WORDS) {
      const sm = rest.match(sre);
      if (sm && !/^\s*(m²|m2)/i.test(rest)) {
        value *= f;
        tol *= f;
        rest = rest.slice(sm[0].length);
        break;
      }
    }
    const u = unitAfter(rest);
    out.push({ value: value * u.scale, tol: tol * u.scale + 1e-9, dim: u.dim, countNoun: u.countNoun, raw: m[0], index: m.index });
  }
  // numbers in words
  const wre =
    /\b((?:(?:seventeen|thirteen|fourteen|fifteen|sixteen|eighteen|nineteen|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|one|two|three|four|five|six|seven|eight|nine|ten|point|and)\b|-|\s)+)/gi;
  while ((m = wre.exec(s))) {
    const phrase = m[1];
    const toks = phrase
      .toLowerCase()
      .split(/[\s-]+/)
      .filter(Boolean);
    while (toks.length && (toks[0] === 'and' || toks[0] === 'point' || toks[0] === 'hundred' || toks[0] === 'thousand' || toks[0] === 'million')) toks.shift();
    while (toks.length && (toks[toks.length - 1] === 'and' || toks[toks.length - 1] === 'point')) toks.pop();
    if (!toks.length) continue;
    const parsed = parseWordNumber(toks);
    if (parsed === undefined) continue;
    const end = m.index + m[0].length;
    const rest = s.slice(end);
    const u = unitAfter(rest.startsWith(' ') ? rest : ' ' + rest);
    out.push({ value: parsed.value * u.scale, tol: parsed.tol * u.scale + 1e-9, dim: u.dim, countNoun: u.countNoun, raw: phrase.trim(), index: m.index });
  }
  return out;
}

function parseWordNumber(toks: string[]): { value: number; tol: number } | undefined {
  let total = 0;
  let cur = 0;
  let i = 0;
  let any = false;
  let decimals = '';
  for (; i < toks.length; i++) {
    const t = toks[i];
    if (t === 'and') continue;
    if (t === 'point') {
      i++;
      while (i < toks.length && WORD_VALUES[toks[i]] !== undefined && WORD_VALUES[toks[i]] < 10) decimals += String(WORD_VALUES[toks[i++]]);
      i--;
      continue;
    }
    if (WORD_VALUES[t] !== undefined) {
      cur += WORD_VALUES[t];
      any = true;
    } else if (t === 'hundred') cur *= 100;
    else if (t === 'thousand' || t === 'million') {
      const f = t === 'thousand' ? 1e3 : 1e6;
      const v = (cur + (decimals ? Number('0.' + decimals) : 0)) * f;
      total += v;
      cur = 0;
      if (decimals) {
        const tol = 0.5 * 10 ** -decimals.length * f;
        decimals = '';
        return { value: total, tol };
      }
    } else return undefined;
  }
  if (!any) return undefined;
  const value = total + cur + (decimals ? Number('0.' + decimals) : 0);
  let tol = 0.5;
  if (decimals) tol = 0.5 * 10 ** -decimals.length;
  else {
    const digits = String(Math.round(value));
    const tz = digits.length > 1 ? (digits.match(/0+$/)?.[0].length ?? 0) : 0;
    tol = 0.5 * 10 ** Math.min(tz, digits.length - 1);
  }
  return { value, tol };
}

function compatible(numDim: Dim, candDim: Dim): boolean {
  if (numDim === 'none') return true;
  if (numDim === candDim) return true;
  if (numDim === 'energy') return candDim.startsWith('energy');
  if (numDim === 'count') return candDim === 'count';
  if (numDim === 'ratio' && candDim === 'ratio') return true;
  return false;
}

// ---------------------------------------------------------------- prose

interface ProseBit {
  text: string;
  where: string;
}

function proseOf(a: any): ProseBit[] {
  const out: ProseBit[] = [];
  const push = (t: unknown, where: string) => {
    if (typeof t === 'string') out.push({ text: t, where });
  };
  push(a.summary, 'summary');
  (Array.isArray(a.findings) ? a.findings : []).forEach((f: any, i: number) => {
    push(f?.title, `findings[${i}].title`);
    push(f?.detail, `findings[${i}].detail`);
  });
  (Array.isArray(a.recommendations) ? a.recommendations : []).forEach((r: any, i: number) => {
    push(r?.action, `recommendations[${i}].action`);
    push(r?.rationale, `recommendations[${i}].rationale`);
  });
  (Array.isArray(a.dataIssuesAddressed) ? a.dataIssuesAddressed : []).forEach((d: any, i: number) => push(d?.response, `dataIssuesAddressed[${i}].response`));
  if (typeof a.confidence === 'string') push('confidence ' + a.confidence, 'confidence');
  return out;
}

export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+|;\s+|\s+—\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function meterOf(sentence: string, meters: string[]): string | undefined {
  const l = sentence.toLowerCase();
  const gas = /\bgas\b/.test(l);
  const el = /electric/.test(l);
  if (gas && el) return undefined;
  if (gas) return 'gas';
  if (el) return 'electricity';
  return meters.length === 1 ? meters[0] : 'electricity';
}

// ---------------------------------------------------------------- checks

export interface CheckResult {
  answer: any;
  problems: Finding[];
}

const REFUSAL =
  /\b(i cannot|i can't|i can ?not|i'm unable|i am unable|i'm not able|i am not able|unable to (provide|give|produce|complete|offer)|cannot (provide|give|produce|offer) (a|an|the|any|meaningful|reliable)|not (be )?able to (provide|give|offer)|would need (more|additional|fuller|complete) (data|information)|recommend (consulting|engaging|hiring) (a|an) (qualified|professional|certified|accredited)|beyond (the scope|what i)|i'd suggest consulting|i would suggest consulting|please (consult|provide|share))/i;
const MONEY = /([£$€]\s?\d)|(\d[\d,.]*\s?(k\s)?(gbp|usd|eur|pounds|dollars|euros)\b)/i;

export function checkAnswer(user: string, type: string, text: string): CheckResult {
  const b = parseBlock(user);
  const problems: Finding[] = [];
  const p = (problem: Problem, note: string) => problems.push({ problem, note });
  const a = extractJson(text);
  if (!a || typeof a !== 'object') {
    p('unparseable', 'no JSON object');
    return { answer: a, problems };
  }
  // schema (forgiving: confidence as a word, numbers as strings)
  if (typeof a.summary !== 'string' || a.summary.length < 20) p('schema', 'summary');
  const findings: any[] = Array.isArray(a.findings) ? a.findings : [];
  const recs: any[] = Array.isArray(a.recommendations) ? a.recommendations : [];
  const dia: any[] = Array.isArray(a.dataIssuesAddressed) ? a.dataIssuesAddressed : [];
  if (!findings.length) p('schema', 'no findings');
  for (const f of findings) if (!Array.isArray(f?.evidence) || !f.evidence.length) p('schema', 'finding without evidence');
  let conf = asNum(a.confidence);
  if (conf === undefined && typeof a.confidence === 'string') {
    const w = a.confidence.toLowerCase();
    conf = /high/.test(w) ? 0.85 : /low/.test(w) ? 0.3 : /medium|moderate/.test(w) ? 0.6 : undefined;
  }
  if (conf === undefined || conf < 0 || conf > 1) p('schema', 'confidence');

  const cands = buildCandidates(b, a);
  const prose = proseOf(a);
  const allProse = prose.map((x) => x.text).join('\n');
  const annuals = b.meters.map((mt) => b.metrics[`${mt}.annualKwh`]).filter((x): x is number => x !== undefined);

  // evidence values
  const evidences: any[] = [...findings, ...recs].flatMap((x) => (Array.isArray(x?.evidence) ? x.evidence : []));
  const resolvedEvidence: string[] = [];
  for (const e of evidences) {
    const name = String(e?.metric ?? '');
    const v = asNum(e?.value);
    if (v === undefined) {
      p('evidence-mismatch', `${name}: value not a number`);
      continue;
    }
    const names = resolveMetric(b, name);
    if (!names.length) {
      p('evidence-mismatch', `${name}: no such metric`);
      continue;
    }
    resolvedEvidence.push(...names);
    const unit = String(e?.unit ?? '');
    const scale = /%|per ?cent/i.test(unit) ? 0.01 : /^\s*mwh/i.test(unit) ? 1000 : /^\s*gwh/i.test(unit) ? 1e6 : 1;
    const ok = names.some((n) => closeTo(v * scale, b.metrics[n]) || closeTo(v, b.metrics[n]));
    if (!ok) p('evidence-mismatch', `${name}=${v} vs ${names.map((n) => b.metrics[n]).join('/')}`);
  }

  // prose numbers
  let supportedCount = 0;
  for (const bit of prose) {
    for (const n of readNumbers(bit.text)) {
      if (n.dim === 'none' && Number.isInteger(n.value) && n.value <= 3 && n.tol <= 0.5) continue;
      if (n.dim === 'count') {
        const ok = countSupported(b, n);
        if (!ok) p('count-mismatch', `${n.raw} ${n.countNoun} in ${bit.where}`);
        continue;
      }
      const hit = cands.find((c) => compatible(n.dim, c.dim) && Math.abs(c.v - n.value) <= n.tol + Math.abs(c.v) * 1e-9);
      if (hit) {
        if (!/confidence|savings/.test(hit.src) && n.value > 3) supportedCount++;
      } else p('unsupported-number', `"${n.raw}" (${n.dim}) in ${bit.where}`);
    }
  }

  // dates
  const dateSet = new Set<string>();
  for (const an of b.anomalies) dateSet.add(an.date);
  for (const is of b.issues) for (const d of is.message.match(/\d{4}-\d{2}-\d{2}/g) ?? []) dateSet.add(d);
  dateSet.add(b.period.start.slice(0, 10));
  dateSet.add(b.period.end.slice(0, 10));
  for (const d of allProse.match(/\d{4}-\d{2}-\d{2}/g) ?? []) if (!dateSet.has(d)) p('unknown-date', d);

  // directions, missing metrics, unmetered meters, money, refusal, confidence words
  const m = b.metrics;
  const euiE = m['electricity.euiKwhPerSqm'];
  const med = m['peers.medianEuiKwhPerSqm'];
  for (const bit of prose) {
    for (const s of sentences(bit.text)) {
      const l = s.toLowerCase();
      const meter = meterOf(s, b.meters);
      if (euiE !== undefined && med !== undefined && Math.abs(euiE / med - 1) > 0.001) {
        const above =
          /((above|higher than|more than|exceeds|over) (the |its )?(peer|peers'?|portfolio|group) median)|(above (its |the )?peers)|(more (energy-)?intensive than (its |the )?(typical )?peers)|(median[^.]{0,20}(is|sits) below (this|the) building)/.test(
            l,
          );
        const below =
          /((below|lower than|less than|under) (the |its )?(peer|peers'?|portfolio|group) median)|(below (its |the )?peers)|(less (energy-)?intensive than (its |the )?(typical )?peers)/.test(
            l,
          );
        if (above && !below && euiE < med) p('direction', 'peer: above claimed');
        if (below && !above && euiE > med) p('direction', 'peer: below claimed');
      }
      if (meter) {
        const nd = m[`${meter}.load.nightDayRatio`];
        if (nd !== undefined && Math.abs(nd - 1) > 0.005) {
          const lower =
            /(night[- ]?time|overnight|night)[a-z ]{0,6}(use|demand|load|consumption)[^.;]{0,40}?\b(lower|less|below|falls|drops|under)\b|\b(drops|falls|eases) (back )?(at night|overnight)/.test(
              l,
            );
          const higher =
            /(night[- ]?time|overnight|night)[a-z ]{0,6}(use|demand|load|consumption)[^.;]{0,40}?\b(higher|more|above|exceeds|rises|over)\b|\b(rises|climbs|increases) (at night|overnight)/.test(
              l,
            );
          if (lower && !higher && nd > 1) p('direction', `${meter} night lower claimed`);
          if (higher && !lower && nd < 1) p('direction', `${meter} night higher claimed`);
        }
        const ww = m[`${meter}.load.weekdayWeekendRatio`];
        if (ww !== undefined && Math.abs(ww - 1) > 0.005) {
          const wkLower =
            /weekends? (use|demand|load|consumption)[^.;]{0,40}?\b(lower|less|below|falls|drops)\b|\b(lower|less|drops|falls) (at|on|over) (the )?weekends?|weekdays? (use|demand|load|consumption)[^.;]{0,30}?\b(higher|more|exceeds|above)\b/.test(
              l,
            );
          const wkHigher =
            /weekends? (use|demand|load|consumption)[^.;]{0,40}?\b(higher|more|above|exceeds|rises)\b|\b(higher|more|rises|climbs) (at|on|over) (the )?weekends?|weekdays? (use|demand|load|consumption)[^.;]{0,30}?\b(lower|less|below)\b/.test(
              l,
            );
          if (wkLower && !wkHigher && ww < 1) p('direction', `${meter} weekend lower claimed`);
          if (wkHigher && !wkLower && ww > 1) p('direction', `${meter} weekend higher claimed`);
        }
        const slope = m[`${meter}.weather.slopeKwhPerDegC`];
        if (slope !== undefined && slope !== 0) {
          const heat =
            /(rises|increases|goes up|climbs) (as|when) (it gets colder|(the )?(outdoor |outside )?(air )?temperatures? (falls?|drops?))|(falls|decreases|drops) (as|when) (the )?(outdoor |outside )?(air )?temperatures? rises?|heating[- ](driven|dominated)|more in cold weather/.test(
              l,
            );
          const cool =
            /(rises|increases|goes up|climbs) (as|when|with) (it gets warmer|warmer weather|(the )?(outdoor |outside )?(air )?temperatures? rises?)|(falls|decreases|drops) (as|when) it gets colder|cooling[- ](driven|dominated)|more in warm weather/.test(
              l,
            );
          if (heat && !cool && slope > 0) p('direction', `${meter} heating-like claimed`);
          if (cool && !heat && slope < 0) p('direction', `${meter} cooling-like claimed`);
        }
      }
      const datesHere = [...new Set(s.match(/\d{4}-\d{2}-\d{2}/g) ?? [])];
      const anHere = b.anomalies.filter((x) => datesHere.includes(x.date));
      if (anHere.length === 1 && datesHere.length === 1) {
        const an = anHere[0];
        const hi = /\b(spike|spiked|surge|jump|above (the )?expect|higher than expect|more than expect|exceed|over expect|overshoot)/.test(l);
        const lo = /\b(dip|dipped|below (the )?expect|lower than expect|less than expect|drop|dropped|fell short|shortfall|under expect|undershoot)/.test(l);
        if (hi && !lo && an.actualKwh < an.expectedKwh) p('direction', `${an.date} called high`);
        if (lo && !hi && an.actualKwh > an.expectedKwh) p('direction', `${an.date} called low`);
      }
      // missing metrics named with a figure
      for (const mi of b.missing) {
        const [mMeter] = mi.metric.split('.');
        const kw = missingKeywords(mi.metric);
        if (kw.test(l) && (meter === mMeter || (meter === undefined && false))) {
          const nums = readNumbers(s).filter((n) => !(n.dim === 'none' && n.value <= 3));
          if (nums.length) p('missing-metric-used', `${mi.metric}: "${s.slice(0, 80)}"`);
        }
      }
      for (const mt of ['gas', 'electricity']) {
        if (!b.meters.includes(mt) && new RegExp(`\\b${mt === 'gas' ? 'gas' : 'electric'}`).test(l)) {
          const nums = readNumbers(s).filter((n) => ['energy', 'energy-year', 'energy-month', 'energy-day', 'eui', 'percent', 'power'].includes(n.dim));
          if (nums.length) p('unmetered-meter', `${mt}: "${s.slice(0, 80)}"`);
        }
      }
      if (MONEY.test(s)) p('money', s.slice(0, 80));
      if (conf !== undefined) {
        if (/\b(high confidence|confidence is high|confidence: high|highly confident)\b/.test(l) && conf < 0.65) p('confidence-words', `high vs ${conf}`);
        if (/\b(low confidence|confidence is low|confidence: low|limited confidence)\b/.test(l) && conf > 0.5) p('confidence-words', `low vs ${conf}`);
        if (/\b(moderate confidence|medium confidence|confidence is moderate|confidence is medium)\b/.test(l) && (conf < 0.35 || conf > 0.8))
          p('confidence-words', `moderate vs ${conf}`);
      }
      const pctNums = readNumbers(s).filter((n) => n.dim === 'percent' && n.value > 100);
      if (pctNums.length && /(cut|reduc|sav|coverage|valid|of hours)/.test(l)) p('impossible', `>100 % in "${s.slice(0, 80)}"`);
    }
  }
  for (const mi of b.missing) for (const e of evidences) if (String(e?.metric ?? '').startsWith(mi.metric)) p('missing-metric-used', `evidence ${e.metric}`);
  if (REFUSAL.test(allProse)) p('refusal', 'refusal phrase');
  if (supportedCount === 0) p('generic', 'no building figure in prose');

  // data issues addressed
  const required = b.issues.filter((i) => type === 'data-quality-triage' || i.severity === 'warning' || i.severity === 'critical');
  const need = new Map<string, number>();
  for (const r of required) need.set(r.kind, (need.get(r.kind) ?? 0) + 1);
  for (const [kind, n] of need) {
    const got = dia.filter(
      (d) =>
        String(d?.issue ?? '')
          .trim()
          .toLowerCase() === kind.toLowerCase(),
    ).length;
    if (got < n) p('issue-unaddressed', `${kind}: ${got} of ${n}`);
  }

  // savings
  for (const r of recs) {
    const k = r?.estimatedAnnualSavingsKwh;
    const pc = r?.estimatedSavingsPct;
    const kn = asNum(k);
    const pn = asNum(pc);
    if (kn === undefined || pn === undefined) {
      if (type === 'retrofit-plan' && annuals.length) p('unquantified', `"${String(r?.action).slice(0, 40)}" has no savings`);
      continue;
    }
    if (pn > 100 || pn < 0 || (annuals.length && kn > Math.max(...annuals)) || kn < 0) p('impossible', `savings ${kn} kWh / ${pn} %`);
    else if (!annuals.some((an) => Math.abs((pn / 100) * an - kn) <= 0.02 * Math.max(kn, 1) + 1)) p('savings-mismatch', `${kn} kWh vs ${pn} %`);
  }
  if (type === 'retrofit-plan') {
    const quantified = recs.filter((r) => asNum(r?.estimatedAnnualSavingsKwh) !== undefined && asNum(r?.estimatedSavingsPct) !== undefined).length;
    if (recs.length < 2) p('too-few-recommendations', `${recs.length}`);
    else if (annuals.length && quantified < 2) p('unquantified', `${quantified} quantified`);
  }
  if (type === 'data-quality-triage') {
    const cov = findings.some((f) =>
      (Array.isArray(f?.evidence) ? f.evidence : []).some((e: any) => resolveMetric(b, String(e?.metric ?? '')).some((n) => n.includes('coverage'))),
    );
    if (!cov) p('missing-coverage-finding', 'no coverage evidence in findings');
  }
  if (type === 'building-diagnostic') {
    const fText = findings.map((f) => `${f?.title ?? ''} ${f?.detail ?? ''}`).join('\n');
    if (b.anomalies.length) {
      const largest = [...b.anomalies].sort((x, y) => Math.abs(y.robustZ) - Math.abs(x.robustZ))[0];
      if (!fText.includes(largest.date)) p('anomaly-unaddressed', largest.date);
    }
    const lt = allProse.toLowerCase();
    if (m['electricity.load.baseloadKw'] !== undefined && !/base ?load/.test(lt)) p('diagnostic-incomplete', 'no baseload');
    if (m['electricity.load.peakKw'] !== undefined && !/peak/.test(lt)) p('diagnostic-incomplete', 'no peak');
    if (m['peers.medianEuiKwhPerSqm'] !== undefined && !/peer|median/.test(lt)) p('diagnostic-incomplete', 'no peers');
  }
  return { answer: a, problems };
}

function missingKeywords(metric: string): RegExp {
  if (/changePoint/.test(metric)) return /change[- ]?point|balance[- ]point|base (load )?per day|heating slope|cooling slope|r²|r2\b/;
  const last = metric.split('.').pop() ?? metric;
  const words = last
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/ (kwh|kw|per|sqm|c)\b.*$/, '');
  return new RegExp(words.replace(/\s+/g, '[- ]?'));
}

function closeTo(v: number, target: number | undefined): boolean {
  if (target === undefined) return false;
  if (target === 0) return Math.abs(v) < 1e-6;
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(target))) - 2);
  return Math.abs(v - target) <= 0.5 * unit + Math.abs(target) * 1e-9;
}

/** Metric names the reader would take a cited name to mean (exact, or a clear variant). */
export function resolveMetric(b: Block, name: string): string[] {
  if (b.metrics[name] !== undefined) return [name];
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const n = norm(name);
  if (!n) return [];
  const lastSeg = (s: string) => norm(s.split('.').pop() ?? s);
  const given = name.split(/[.\s/]/).filter(Boolean);
  const gMeter = given.find((x) => b.meters.includes(x.toLowerCase()));
  const out = Object.keys(b.metrics).filter((k) => {
    if (/\.monthly\.|\.anomaly\./.test(k)) return norm(k) === n;
    const km = k.split('.')[0];
    if (gMeter && km !== gMeter && km !== 'peers' && km !== 'building') return false;
    return norm(k).endsWith(n) || lastSeg(k) === lastSeg(name);
  });
  return out;
}

function countSupported(b: Block, n: ReadNumber): boolean {
  const m = b.metrics;
  const vals: number[] = [];
  const meters = b.meters;
  switch (n.countNoun) {
    case 'outage': {
      let sum = 0;
      for (const mt of meters) {
        const v = m[`${mt}.coverage.outageCount`];
        if (v !== undefined) {
          vals.push(v);
          sum += v;
        }
        vals.push(b.issues.filter((i) => i.kind === 'outage' && i.message.startsWith(mt)).length);
      }
      vals.push(sum, b.issues.filter((i) => i.kind === 'outage').length);
      break;
    }
    case 'anomaly': {
      let sum = 0;
      for (const mt of meters) {
        const v = m[`${mt}.anomalyCount`];
        if (v !== undefined) {
          vals.push(v);
          sum += v;
        }
        vals.push(b.anomalies.filter((a) => a.meter === mt).length);
      }
      vals.push(sum, b.anomalies.length);
      for (let i = 1; i <= b.anomalies.length; i++) vals.push(i); // "the three largest anomalies"
      break;
    }
    case 'run':
      for (const is of b.issues) for (const mm of is.message.matchAll(/([\d,]+) runs?/g)) vals.push(Number(mm[1].replace(/,/g, '')));
      break;
    case 'issue':
      vals.push(b.issues.length);
      for (const sev of ['info', 'warning', 'critical']) vals.push(b.issues.filter((i) => i.severity === sev).length);
      vals.push(b.issues.filter((i) => i.severity !== 'info').length);
      for (const k of new Set(b.issues.map((i) => i.kind))) vals.push(b.issues.filter((i) => i.kind === k).length);
      break;
    case 'peer': {
      const gs = m['peers.groupSize'];
      if (gs !== undefined) vals.push(gs, gs - 1);
      break;
    }
    case 'month':
      vals.push(12, 1);
      for (const mt of meters) {
        const months = Object.entries(m).filter(([k]) => k.startsWith(`${mt}.monthly.`));
        vals.push(months.length, months.filter(([, v]) => v === 0).length);
      }
      break;
    case 'meter':
      vals.push(meters.length, 1);
      break;
  }
  return vals.some((v) => Math.abs(v - n.value) <= n.tol);
}
