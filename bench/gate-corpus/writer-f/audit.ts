/**
 * Writer F audit: re-derives what is wrong with an answer text from the data block alone.
 * Returns a list of violations; a good answer must have none, a bad one must show its defect.
 */
import { type AnalysisType, buildUniverse, type Dim, explained, extractNumbers, type Facts, makeUniverse, type MeterFacts, matches, type NumTok, requiredIssues } from './lib';

export type ViolationKind =
  | 'parse'
  | 'schema'
  | 'unexplained-number'
  | 'binding'
  | 'evidence-metric'
  | 'evidence-value'
  | 'unknown-date'
  | 'largest-anomaly-missing'
  | 'no-loadshape'
  | 'no-coverage-finding'
  | 'issue-missing'
  | 'savings-missing'
  | 'savings-exceed'
  | 'savings-inconsistent'
  | 'confidence-contradiction'
  | 'confidence-too-high'
  | 'generic'
  | 'refusal'
  | 'cost'
  | 'direction'
  | 'missing-metric';

export interface Violation {
  kind: ViolationKind;
  msg: string;
}

export function extractJson(text: string): any | null {
  const a = text.indexOf('{');
  const b = text.lastIndexOf('}');
  if (a < 0 || b < a) return null;
  try {
    return JSON.parse(text.slice(a, b + 1));
  } catch {
    return null;
  }
}

export interface Prose {
  s: string;
  where: 'summary' | 'finding' | 'rec' | 'issue';
  idx: number;
}

function proseOf(ans: any): Prose[] {
  const out: Prose[] = [{ s: String(ans.summary ?? ''), where: 'summary', idx: 0 }];
  (ans.findings ?? []).forEach((f: any, i: number) => out.push({ s: `${f.title ?? ''}. ${f.detail ?? ''}`, where: 'finding', idx: i }));
  (ans.recommendations ?? []).forEach((r: any, i: number) => out.push({ s: `${r.action ?? ''}. ${r.rationale ?? ''}`, where: 'rec', idx: i }));
  (ans.dataIssuesAddressed ?? []).forEach((d: any, i: number) => out.push({ s: String(d.response ?? ''), where: 'issue', idx: i }));
  return out;
}

export function sentences(s: string): string[] {
  return s.split(/(?<=[.!?;])\s+|\n+/).filter((x) => x.trim().length > 0);
}

// ---------------------------------------------------------------- bindings

interface Family {
  name: string;
  re: RegExp;
  dims: Dim[];
  values: (m: MeterFacts, f: Facts) => [Dim, number][];
}

const pctOf = (v: number) => v * 100;

export const FAMILIES: Family[] = [
  {
    name: 'baseload',
    re: /\bbase[- ]?load\b|\balways[- ]on (?:load|demand)\b/gi,
    dims: ['power', 'pd', 'pct', 'ratio', 'none'],
    values: (m, f) => [
      ['power', m.base],
      ['pd', (m.base * 1000) / f.sqm],
      ['pct', pctOf(m.base / m.peak)],
      ['pct', pctOf(m.base / (m.annual / 8760))],
      ['ratio', m.peak / m.base],
      ['ratio', m.annual / 8760 / m.base],
      ['ratio', m.base / m.peak],
      ['none', m.base],
      ['none', m.peak / m.base],
      ['none', m.base / m.peak],
    ],
  },
  {
    name: 'peak',
    re: /\bpeak(?: (?:demand|load|draw|power))?\b(?! month)/gi,
    dims: ['power', 'pd'],
    values: (m, f) => [
      ['power', m.peak],
      ['power', m.peak - m.base],
      ['pd', (m.peak * 1000) / f.sqm],
    ],
  },
  {
    name: 'loadFactor',
    re: /\bload factor\b/gi,
    dims: ['ratio', 'pct', 'none'],
    values: (m) => [
      ['ratio', m.lf],
      ['none', m.lf],
      ['pct', pctOf(m.lf)],
      ['ratio', 1 / m.lf],
    ],
  },
  {
    name: 'nightDay',
    re: /\bnight(?:[- /]|-to-| to )day\b|\bday(?:[- /]|-to-| to )night\b/gi,
    dims: ['ratio', 'pct', 'none'],
    values: (m) => [
      ['ratio', m.nd],
      ['none', m.nd],
      ['ratio', 1 / m.nd],
      ['none', 1 / m.nd],
      ['pct', pctOf(m.nd)],
      ['pct', pctOf(1 - m.nd)],
      ['pct', pctOf(1 / m.nd - 1)],
    ],
  },
  {
    name: 'weekdayWeekend',
    re: /\bweekday(?:[- /]|-to-| to )weekend\b|\bweekend(?:[- /]|-to-| to )weekday\b/gi,
    dims: ['ratio', 'pct', 'none'],
    values: (m) => [
      ['ratio', m.wdwe],
      ['none', m.wdwe],
      ['ratio', 1 / m.wdwe],
      ['none', 1 / m.wdwe],
      ['pct', pctOf(m.wdwe - 1)],
      ['pct', pctOf(1 - 1 / m.wdwe)],
      ['pct', pctOf(m.wdwe)],
      ['pct', pctOf(1 / m.wdwe)],
    ],
  },
  {
    name: 'eui',
    re: /\bEUI\b|\benergy use intensity\b|\bintensity\b/gi,
    dims: ['eui'],
    values: (m, f) => {
      const sum = f.meters.reduce((a, x) => a + x.eui, 0);
      return [
        ['eui', m.eui],
        ['eui', sum],
        ['eui', m.total / f.sqm],
      ];
    },
  },
  {
    name: 'median',
    re: /\bmedian\b/gi,
    dims: ['eui'],
    values: (_m, f) => [['eui', f.peers.median]],
  },
  {
    name: 'coverage',
    re: /\bcoverage\b/gi,
    dims: ['pct', 'ratio', 'none'],
    values: (m) => [
      ['pct', pctOf(m.cov)],
      ['pct', pctOf(1 - m.cov)],
      ['ratio', m.cov],
      ['none', m.cov],
    ],
  },
];

const FILLER = new Set(
  'of is was at sits sat stands stood runs ran reads reached reaches hits hit about around roughly approximately approx c circa near nearly just over under only some a an the its value ratio figure level comes in to measured recorded here has had been be equal equals registers registered tops topped out currently now still remains remained stays sitting hovering hovers reaching lies well'.split(
    ' ',
  ),
);
const ADJ = new Set('electrical electric electricity gas continuous constant overnight measured recorded maximum hourly metered building whole-building'.split(' '));

export interface Binding {
  family: Family;
  tok: NumTok;
  sentence: string;
}

export function findBindings(sentence: string): Binding[] {
  const toks = extractNumbers(sentence);
  const keys: { fam: Family; start: number; end: number }[] = [];
  for (const fam of FAMILIES) {
    fam.re.lastIndex = 0;
    for (let m = fam.re.exec(sentence); m; m = fam.re.exec(sentence)) keys.push({ fam, start: m.index, end: m.index + m[0].length });
  }
  const out: Binding[] = [];
  const bound = new Set<NumTok>();
  // keyword first
  for (const k of keys) {
    let pos = k.end;
    let words = 0;
    while (pos < sentence.length && words <= 6) {
      const rest = sentence.slice(pos);
      const p = rest.match(/^[\s*:=≈~(,–—-]+/);
      if (p) {
        pos += p[0].length;
        continue;
      }
      const tok = toks.find((t) => t.index === pos);
      if (tok) {
        if (k.fam.dims.includes(tok.dim) && !bound.has(tok)) {
          out.push({ family: k.fam, tok, sentence });
          bound.add(tok);
        }
        break;
      }
      const w = rest.match(/^[A-Za-z.]+/);
      if (!w) break;
      const word = w[0].toLowerCase().replace(/\.$/, '');
      if (!FILLER.has(word)) break;
      pos += w[0].length;
      words++;
    }
  }
  // number first
  for (const tok of toks) {
    if (bound.has(tok)) continue;
    let rest = sentence.slice(tok.end);
    const sp = rest.match(/^\s+/);
    if (!sp) continue;
    rest = rest.slice(sp[0].length);
    const adj = rest.match(/^([A-Za-z-]+)\s+/);
    const candStarts = [tok.end + sp[0].length];
    if (adj && ADJ.has(adj[1].toLowerCase())) candStarts.push(tok.end + sp[0].length + adj[0].length);
    const k = keys.find((x) => candStarts.includes(x.start));
    if (k?.fam.dims.includes(tok.dim)) {
      out.push({ family: k.fam, tok, sentence });
      bound.add(tok);
    }
  }
  return out;
}

function metersOfSentence(s: string, f: Facts): MeterFacts[] {
  const gas = /\bgas\b/i.test(s);
  const el = /\belectric/i.test(s);
  if (gas && !el) return f.meters.filter((m) => m.name === 'gas');
  if (el && !gas) return f.meters.filter((m) => m.name === 'electricity');
  return f.meters;
}

// ---------------------------------------------------------------- direction

const TEMP_CTX = /temperature|weather|colder|warmer|hotter|cooler|°c|degree/i;
const NEG_RE = [
  /\b(?:rise|rises|rising|increase|increases|increasing|climb|climbs|goes up|go up|is higher|are higher|more)\b[^.;]{0,60}\b(?:colder|cooler|temperatures? (?:fall|falls|drop|drops|decrease|decreases)|it gets cold)/i,
  /\b(?:fall|falls|falling|drop|drops|decrease|decreases|declines?|goes down|go down|is lower|are lower|less)\b[^.;]{0,60}\b(?:warmer|hotter|temperatures? (?:rise|rises|increase|increases|climb|climbs)|it warms|it gets warm)/i,
  /\b(?:colder|cooler) (?:days|weather|periods|months|spells?) (?:drive|drives|push|pushes|raise|raises|bring|brings|mean|means|use|uses)\b/i,
  /\bheating[- ](?:driven|dominated|led)\b/i,
];
const POS_RE = [
  /\b(?:rise|rises|rising|increase|increases|increasing|climb|climbs|goes up|go up|is higher|are higher|more)\b[^.;]{0,60}\b(?:warmer|hotter|temperatures? (?:rise|rises|increase|increases|climb|climbs)|it warms|it gets warm)/i,
  /\b(?:fall|falls|falling|drop|drops|decrease|decreases|declines?|goes down|go down|is lower|are lower|less)\b[^.;]{0,60}\b(?:colder|cooler|temperatures? (?:fall|falls|drop|drops|decrease|decreases)|it gets cold)/i,
  /\b(?:warmer|hotter) (?:days|weather|periods|months|spells?) (?:drive|drives|push|pushes|raise|raises|bring|brings|mean|means|use|uses)\b/i,
  /\bcooling[- ](?:driven|dominated|led)\b/i,
];

export function directionClaims(s: string): ('neg' | 'pos')[] {
  const out: ('neg' | 'pos')[] = [];
  if (!TEMP_CTX.test(s) && !/heating[- ]driven|cooling[- ]driven/i.test(s)) return out;
  if (NEG_RE.some((r) => r.test(s))) out.push('neg');
  if (POS_RE.some((r) => r.test(s))) out.push('pos');
  return out;
}

// ---------------------------------------------------------------- audit

const REFUSAL =
  /\b(?:I(?:'m| am) (?:sorry|unable|not able)|unable to (?:provide|give|offer|perform|complete|produce|carry out)|can(?:no|')t (?:provide|give|offer|perform|complete|produce|reliably)|as an AI\b|without (?:more|additional|further) (?:context|information|details)[^.]*(?:cannot|can't|unable|not possible)|not possible to (?:provide|give|draw|perform))/i;

function tol3(m: number): number {
  if (m === 0) return 1e-9;
  return 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(m))) - 2) * 1.0001 + 1e-9;
}

export function evidenceMatches(metricValue: number, v: number, unit: string | undefined): boolean {
  const cands = [v];
  const u = (unit ?? '').trim();
  if (/^MWh|^MW$/.test(u)) cands.push(v * 1000);
  if (u === '%' && Math.abs(metricValue) <= 1.5) cands.push(v / 100);
  return cands.some((c) => Math.abs(c - metricValue) <= tol3(metricValue));
}

function isTrivial(v: number): boolean {
  const a = Math.abs(v);
  return (Number.isInteger(a) && a <= 12) || [24, 52, 100, 365, 8760, 168, 1000].includes(a);
}

export function audit(text: string, f: Facts, type: AnalysisType): Violation[] {
  const v: Violation[] = [];
  const add = (kind: ViolationKind, msg: string) => v.push({ kind, msg });
  const ans = extractJson(text);
  if (!ans || typeof ans !== 'object') {
    add('parse', 'no JSON object');
    if (REFUSAL.test(text)) add('refusal', 'plain-text refusal');
    return v;
  }
  // schema
  const okStr = (x: any, n: number) => typeof x === 'string' && x.length >= n;
  const okEv = (e: any) => e && typeof e.metric === 'string' && e.metric.length > 0 && typeof e.value === 'number' && (e.unit === undefined || typeof e.unit === 'string');
  if (!okStr(ans.summary, 20)) add('schema', 'summary');
  if (!Array.isArray(ans.findings) || ans.findings.length < 1) add('schema', 'findings');
  for (const fi of ans.findings ?? [])
    if (!okStr(fi.title, 3) || !okStr(fi.detail, 10) || !Array.isArray(fi.evidence) || fi.evidence.length < 1 || !fi.evidence.every(okEv)) add('schema', 'finding');
  if (!Array.isArray(ans.recommendations)) add('schema', 'recommendations');
  for (const r of ans.recommendations ?? []) {
    if (
      !okStr(r.action, 3) ||
      !okStr(r.rationale, 10) ||
      !Array.isArray(r.evidence) ||
      r.evidence.length < 1 ||
      !r.evidence.every(okEv) ||
      !['high', 'medium', 'low'].includes(r.priority)
    )
      add('schema', 'recommendation');
    if (!(r.estimatedAnnualSavingsKwh === null || typeof r.estimatedAnnualSavingsKwh === 'number')) add('schema', 'savings kWh type');
    if (!(r.estimatedSavingsPct === null || typeof r.estimatedSavingsPct === 'number')) add('schema', 'savings pct type');
  }
  if (!Array.isArray(ans.dataIssuesAddressed)) add('schema', 'dataIssuesAddressed');
  for (const d of ans.dataIssuesAddressed ?? []) if (!okStr(d.issue, 1) || !okStr(d.response, 5)) add('schema', 'dataIssue');
  if (typeof ans.confidence !== 'number' || ans.confidence < 0 || ans.confidence > 1) add('schema', 'confidence');
  if (v.length) return v;

  const recs: any[] = ans.recommendations;
  const prose = proseOf(ans);
  const allProse = prose.map((p) => p.s).join('\n');
  const u = buildUniverse(f);
  // answer-internal numbers: savings and confidence
  const inner: [Dim, number][] = [
    ['ratio', ans.confidence],
    ['none', ans.confidence],
    ['pct', ans.confidence * 100],
  ];
  const byMeterPct = new Map<string, number>();
  let sumKwh = 0;
  let sumPct = 0;
  for (const r of recs) {
    if (typeof r.estimatedSavingsPct === 'number') {
      inner.push(['pct', r.estimatedSavingsPct]);
      sumPct += r.estimatedSavingsPct;
    }
    if (typeof r.estimatedAnnualSavingsKwh === 'number') {
      inner.push(['energy', r.estimatedAnnualSavingsKwh]);
      sumKwh += r.estimatedAnnualSavingsKwh;
    }
  }
  inner.push(['pct', sumPct], ['energy', sumKwh]);
  for (const m of f.meters) {
    let mp = 0;
    let mk = 0;
    for (const r of recs) {
      if (typeof r.estimatedSavingsPct !== 'number' || typeof r.estimatedAnnualSavingsKwh !== 'number') continue;
      if (Math.abs((r.estimatedSavingsPct / 100) * m.annual - r.estimatedAnnualSavingsKwh) <= Math.max(0.02 * r.estimatedAnnualSavingsKwh, 1)) {
        mp += r.estimatedSavingsPct;
        mk += r.estimatedAnnualSavingsKwh;
      }
    }
    inner.push(['pct', mp], ['energy', mk]);
  }
  for (const m of f.meters) if (m.annual > 0) inner.push(['pct', (sumKwh / m.annual) * 100]);
  inner.push(['pct', (sumKwh / f.meters.reduce((a, m) => a + m.annual, 0)) * 100]);
  const innerU = makeUniverse(inner);
  const grid: [Dim, number][] = [];
  for (let p = 0.5; p <= 60; p += 0.5) grid.push(['pct', p]);
  for (const m of f.meters) for (let p = 1; p <= 60; p += 1) grid.push(['energy', (m.annual * p) / 100]);
  const gridU = makeUniverse(grid);
  void byMeterPct;

  // numbers in prose
  const specific = new Set<string>();
  for (const p of prose) {
    for (const t of extractNumbers(p.s)) {
      if (t.dim === 'money') {
        add('cost', `money figure "${t.raw}"`);
        continue;
      }
      const ok = p.where === 'rec' ? explained(t, u, innerU, gridU) : explained(t, u, innerU);
      if (!ok) add('unexplained-number', `"${t.raw}" in ${p.where}${p.idx}`);
      else if (!isTrivial(t.base)) specific.add(t.raw);
    }
    if (/\bpay(?:s)?[- ]?back\b|\bpay for itself\b|\bROI\b|\breturn on investment\b|\bcapital cost of\b|\bcapex of\b/i.test(p.s))
      add('cost', `cost/payback wording in ${p.where}${p.idx}`);
  }

  // bindings
  for (const p of prose) {
    for (const sen of sentences(p.s)) {
      const ms = metersOfSentence(sen, f);
      for (const b of findBindings(sen)) {
        if (b.family.name === 'median' || b.family.name === 'eui') {
          // building-level
        }
        const ok = ms.some((m) =>
          b.family
            .values(m, f)
            .filter(([d]) => d === b.tok.dim || (b.tok.dim === 'none' && d === 'ratio') || (b.tok.dim === 'ratio' && d === 'none'))
            .some(([, val]) => matches(b.tok, val)),
        );
        if (!ok) add('binding', `${b.family.name} bound to "${b.tok.raw}" in: ${sen.slice(0, 120)}`);
      }
      // confidence numbers in prose
      const cm = sen.match(/\bconfidence\b[^.;\d]{0,30}?(\d?\.\d+|\d+ ?%)/i);
      if (cm) {
        const val = cm[1].includes('%') ? Number.parseFloat(cm[1]) / 100 : Number.parseFloat(cm[1]);
        if (Math.abs(val - ans.confidence) > 0.051) add('confidence-contradiction', `prose confidence ${cm[1]} vs field ${ans.confidence}`);
      }
    }
  }

  // evidence
  const allEvidence: any[] = [];
  for (const fi of ans.findings) allEvidence.push(...fi.evidence);
  for (const r of recs) allEvidence.push(...r.evidence);
  for (const e of allEvidence) {
    const miss = f.missing.find((x) => e.metric === x.metric || e.metric.startsWith(`${x.metric}.`));
    if (miss) {
      add('missing-metric', `evidence cites missing ${e.metric}`);
      continue;
    }
    if (!(e.metric in f.metrics)) {
      add('evidence-metric', `unknown metric ${e.metric}`);
      continue;
    }
    if (!evidenceMatches(f.metrics[e.metric], e.value, e.unit)) add('evidence-value', `${e.metric}=${e.value} vs ${f.metrics[e.metric]}`);
  }

  // dates
  const allowedDates = new Set<string>();
  for (const a of f.anomalies) allowedDates.add(a.date);
  for (const is of f.issues) for (const d of is.message.match(/\d{4}-\d{2}-\d{2}/g) ?? []) allowedDates.add(d);
  allowedDates.add(f.start.slice(0, 10));
  allowedDates.add(f.end.slice(0, 10));
  const endMinus = new Date(Date.parse(f.end) - 86400000).toISOString().slice(0, 10);
  allowedDates.add(endMinus);
  for (const d of allProse.match(/\b\d{4}-\d{2}-\d{2}\b/g) ?? []) if (!allowedDates.has(d)) add('unknown-date', d);

  // required data issues
  const req = requiredIssues(f, type);
  const need = new Map<string, number>();
  for (const i of req) need.set(i.kind, (need.get(i.kind) ?? 0) + 1);
  for (const [kind, n] of need) {
    const have = ans.dataIssuesAddressed.filter((d: any) => String(d.issue).trim().toLowerCase() === kind.toLowerCase()).length;
    if (have < n) add('issue-missing', `${kind}: ${have}/${n}`);
  }

  // type-specific
  if (type === 'data-quality-triage') {
    if (!ans.findings.some((fi: any) => fi.evidence.some((e: any) => /\.coverage\./.test(e.metric)))) add('no-coverage-finding', 'no coverage evidence');
  }
  if (type === 'building-diagnostic') {
    if (f.anomalies.length) {
      const a = f.anomalies[0];
      const ok = ans.findings.some((fi: any) => {
        const s = `${fi.title} ${fi.detail}`;
        if (!s.includes(a.date)) return false;
        const toks = extractNumbers(s);
        const has = (metric: string, val: number) =>
          fi.evidence.some((e: any) => e.metric === metric && evidenceMatches(val, e.value, e.unit)) ||
          toks.some((t) => (t.dim === 'energy' || t.dim === 'none') && matches(t, val));
        return has(a.actualMetric, a.actualKwh) && has(a.expectedMetric, a.expectedKwh);
      });
      if (!ok) add('largest-anomaly-missing', a.date);
    }
    const hasBase = /\bbase[- ]?load\b/i.test(allProse);
    const hasPeak = /\bpeak\b/i.test(allProse);
    if (!hasBase || !hasPeak) add('no-loadshape', 'no baseload/peak discussion');
  }
  const annuals = f.meters.map((m) => m.annual);
  const totalAnnual = annuals.reduce((a, b) => a + b, 0);
  if (type === 'retrofit-plan') {
    if (recs.length < 2) add('savings-missing', 'fewer than 2 recommendations');
    for (const r of recs) if (r.estimatedSavingsPct === null || r.estimatedAnnualSavingsKwh === null) add('savings-missing', `null savings: ${r.action}`);
  }
  for (const r of recs) {
    const p = r.estimatedSavingsPct;
    const k = r.estimatedAnnualSavingsKwh;
    if (typeof p === 'number' && (p > 100 || p < 0)) add('savings-exceed', `pct ${p}`);
    if (typeof k === 'number' && (k > totalAnnual || k < 0)) add('savings-exceed', `kWh ${k}`);
    if (typeof p === 'number' && typeof k === 'number' && p <= 100 && k <= totalAnnual) {
      const consistent = [...annuals, totalAnnual].some((a) => Math.abs((p / 100) * a - k) <= Math.max(0.02 * k, (0.05 / 100) * a, 1));
      if (!consistent) add('savings-inconsistent', `${p}% vs ${k} kWh`);
    }
  }
  const pctByMeter = new Map<string, number>();
  for (const r of recs) {
    if (typeof r.estimatedSavingsPct !== 'number' || typeof r.estimatedAnnualSavingsKwh !== 'number') continue;
    const m = f.meters.find((x) => Math.abs((r.estimatedSavingsPct / 100) * x.annual - r.estimatedAnnualSavingsKwh) <= Math.max(0.02 * r.estimatedAnnualSavingsKwh, 1));
    if (m) pctByMeter.set(m.name, (pctByMeter.get(m.name) ?? 0) + r.estimatedSavingsPct);
  }
  for (const [mn, p] of pctByMeter) if (p > 100) add('savings-exceed', `${mn} savings sum ${p}%`);

  // confidence
  const c = ans.confidence;
  for (const sen of sentences(allProse)) {
    if (!/\bconfiden(?:ce|t)\b/i.test(sen)) continue;
    const low = /\b(?:low|limited|poor|weak)\b[^.;]{0,25}\bconfiden|\bconfiden(?:ce|t)\b[^.;]{0,25}\b(?:is|remains|stays|as|:)?\s*(?:low|limited|poor|weak)\b/i.test(sen);
    const high = /\b(?:high|strong)\b[^.;]{0,25}\bconfiden|\bconfiden(?:ce|t)\b[^.;]{0,25}\b(?:is|remains|stays|as|:)?\s*(?:high|strong)\b|\bhighly confident\b/i.test(sen);
    if (low && !high && c > 0.55) add('confidence-contradiction', `prose low, field ${c}`);
    if (high && !low && c < 0.7) add('confidence-contradiction', `prose high, field ${c}`);
  }
  const minCov = Math.min(...f.meters.map((m) => m.cov));
  const critical = f.issues.some((i) => i.severity === 'critical') || minCov < 0.9;
  const warning = f.issues.some((i) => i.severity === 'warning');
  if (critical && c > 0.75) add('confidence-too-high', `critical data issue, confidence ${c}`);
  else if (warning && c > 0.9) add('confidence-too-high', `warning data issue, confidence ${c}`);

  // refusal / generic
  if (REFUSAL.test(allProse)) add('refusal', 'refusal wording');
  const dateHits = f.anomalies.filter((a) => allProse.includes(a.date)).length;
  if (specific.size + dateHits < 2) add('generic', `only ${specific.size} building-specific numbers`);

  // direction
  for (const sen of sentences(allProse)) {
    const claims = directionClaims(sen);
    if (!claims.length) continue;
    let ms = metersOfSentence(sen, f);
    if (ms.length > 1) ms = [];
    for (const m of ms) {
      if (Math.abs(m.r) < 0.15) continue;
      const want = m.slope < 0 ? 'neg' : 'pos';
      for (const cl of claims) if (cl !== want) add('direction', `${m.name} slope ${m.slope} but says ${cl}: ${sen.slice(0, 100)}`);
    }
  }

  // missing metrics estimated
  for (const m of f.meters) {
    if (!m.cpMissing) continue;
    for (const sen of sentences(allProse)) {
      if (!/balance[- ]point|change[- ]?point|changepoint|heating slope|cooling slope/i.test(sen)) continue;
      const ms = metersOfSentence(sen, f);
      if (!ms.includes(m)) continue;
      if (ms.length > 1 && f.meters.some((x) => x !== m && !x.cpMissing)) continue;
      const toks = extractNumbers(sen).filter((t) => t.dim === 'temp' || t.dim === 'slope');
      if (toks.length) add('missing-metric', `${m.name} change-point figure in: ${sen.slice(0, 100)}`);
    }
  }
  return v;
}
