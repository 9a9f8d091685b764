// writer-a: independent self-check of generated answers against the data block.
// Returns a list of problems (category + detail). Good answers must have none; bad answers must have
// at least one in the category their defect implies (or be confirmed by construction).
import { type Facts, wordsToDigits, MONTHS } from './lib.ts';
import { dimOf } from './writer.ts';

export interface Problem {
  cat: string;
  msg: string;
}
type Groups = Record<string, number[]>;

export function extractJson(text: string): any | null {
  const a = text.indexOf('{'),
    b = text.lastIndexOf('}');
  if (a < 0 || b < a) return null;
  try {
    return JSON.parse(text.slice(a, b + 1));
  } catch {
    return null;
  }
}

function allowed(f: Facts, ans: any): Groups {
  const g: Groups = { energy: [], power: [], eui: [], wm2: [], hours: [], days: [], pct: [], temp: [], slope: [], area: [], unitless: [] };
  const m = f.m;
  const add = (grp: string, v: number) => {
    if (Number.isFinite(v)) g[grp].push(Math.abs(v));
  };
  for (const [k, v] of Object.entries(m)) {
    const d = dimOf(k);
    if (d === 'energy' || d === 'kwhday') add('energy', v);
    else if (d === 'power') add('power', v);
    else if (d === 'eui') {
      add('eui', v);
      add('wm2', (v * 1000) / 8760);
    } else if (d === 'hours') {
      add('hours', v);
      add('days', v / 24);
    } else if (d === 'days') add('days', v);
    else if (d === 'temp') add('temp', v);
    else if (d === 'slope') add('slope', v);
    else if (d === 'area') add('area', v);
    else if (d === 'pct') add('pct', v);
    else if (d === 'count') add('unitless', v);
    else {
      add('unitless', v);
      add('pct', v * 100);
    }
  }
  for (const meter of f.meters) {
    const ak = m[`${meter}.annualKwh`],
      tk = m[`${meter}.totalKwh`];
    if (ak) {
      add('energy', ak / 365);
      add('energy', ak / 12);
      add('power', ak / 8760);
      const days = m[`${meter}.weather.days`];
      if (days) add('energy', tk / days);
      const vh = m[`${meter}.coverage.validHours`];
      if (vh) add('power', tk / vh);
      const bl = m[`${meter}.load.baseloadKw`];
      if (bl !== undefined) add('pct', ((bl * 8760) / ak) * 100);
    }
    const bl = m[`${meter}.load.baseloadKw`],
      pk = m[`${meter}.load.peakKw`];
    if (bl && pk) {
      add('unitless', pk / bl);
      add('power', pk - bl);
    }
    const mo = Object.entries(m)
      .filter(([k]) => k.startsWith(`${meter}.monthly.`))
      .map(([, v]) => v);
    if (mo.length) {
      const mx = Math.max(...mo),
        mn = Math.min(...mo);
      add('pct', (mx / mn - 1) * 100);
      add('unitless', mx / mn);
      add('energy', mx - mn);
      for (const v of mo) if (ak) add('pct', (v / ak) * 100);
    }
    const e = m[`${meter}.euiKwhPerSqm`],
      med = m['peers.medianEuiKwhPerSqm'];
    if (e && med) {
      add('eui', e - med);
      add('pct', (e / med - 1) * 100);
      add('unitless', e / med);
    }
    const vh = m[`${meter}.coverage.validHours`],
      eh = m[`${meter}.coverage.expectedHours`];
    if (vh && eh) {
      add('hours', eh - vh);
      add('pct', (vh / eh) * 100);
    }
  }
  if (f.meters.length > 1) {
    add(
      'energy',
      f.meters.reduce((a, x) => a + (m[`${x}.annualKwh`] || 0), 0),
    );
    add(
      'eui',
      f.meters.reduce((a, x) => a + (m[`${x}.euiKwhPerSqm`] || 0), 0),
    );
  }
  for (const a of f.anomalies) {
    add('energy', a.actualKwh - a.expectedKwh);
    add('pct', Math.abs(a.deviationPct) * 100);
    add('unitless', a.actualKwh / a.expectedKwh);
    add('unitless', Math.abs(a.robustZ));
  }
  for (const i of f.issues) {
    for (const x of [i.hours, i.totalH, i.longestH])
      if (x !== undefined) {
        add('hours', x);
        add('days', x / 24);
      }
    if (i.pct !== undefined) add('pct', i.pct);
    if (i.runs !== undefined) add('unitless', i.runs);
  }
  add('hours', f.hours);
  add('days', f.hours / 24);
  add('days', 365);
  add('hours', 24);
  for (const v of [f.anomalies.length, f.issues.length, f.meters.length, 12, 2019, 2020, 1, 24]) add('unitless', v);
  // savings figures of this answer that are self-consistent
  const recs = Array.isArray(ans?.recommendations) ? ans.recommendations : [];
  let sk = 0,
    sp = 0;
  for (const r of recs) {
    const p = Number(r.estimatedSavingsPct),
      k = Number(r.estimatedAnnualSavingsKwh);
    if (r.estimatedSavingsPct == null || r.estimatedAnnualSavingsKwh == null) continue;
    const ok = f.meters.some((mt) => {
      const ak = m[`${mt}.annualKwh`];
      return ak && Math.abs((p / 100) * ak - k) <= 0.02 * k + 1;
    });
    if (ok && p <= 30) {
      add('pct', p);
      add('energy', k);
      add('unitless', p);
      sk += k;
      sp += p;
    }
  }
  if (sk) {
    add('energy', sk);
    const ak = m[`${f.meters[0]}.annualKwh`];
    if (ak) add('pct', (sk / ak) * 100);
    add('pct', sp);
  }
  if (recs.length) add('unitless', recs.length);
  if (Array.isArray(ans?.findings)) add('unitless', ans.findings.length);
  const c = Number(ans?.confidence);
  if (Number.isFinite(c)) {
    add('unitless', c);
    add('pct', c * 100);
  }
  return g;
}

function halfUlp(s: string): number {
  const t = s.replace(/,/g, '');
  if (t.includes('.')) return 0.5 * 10 ** -t.split('.')[1].length;
  const tz = t.match(/0*$/)![0].length;
  return 0.5 * 10 ** Math.min(tz, Math.max(0, t.length - 1));
}

const MON = MONTHS.join('|');
const UNITS: [RegExp, string, number][] = [
  [/^(?:kWh\/m²|kWh\/m2|kWh per square met(?:re|er)|kWh\/sqm)/, 'eui', 1],
  [/^W\/m²/, 'wm2', 1],
  [/^(?:kWh\/day\/°C|kWh\/°C|kWh per day per °C|kWh per degree)/, 'slope', 1],
  [/^(?:kWh|kilowatt-hours)/, 'energy', 1],
  [/^MWh/, 'energy', 1e3],
  [/^GWh/, 'energy', 1e6],
  [/^(?:kW(?!h)|kilowatts)/, 'power', 1],
  [/^MW(?!h)/, 'power', 1e3],
  [/^-?(?:h\b|hours?\b|hrs?\b)/, 'hours', 1],
  [/^-?days?\b/, 'days', 1],
  [/^(?:%|per cent|percent)/, 'pct', 1],
  [/^(?:st|nd|rd|th)\b/, 'pct', 1],
  [/^°C/, 'temp', 1],
  [/^m²/, 'area', 1],
];

export interface NumHit {
  raw: string;
  value: number;
  unit: string;
  ok: boolean;
  ctx: string;
}

export function checkProseNumbers(f: Facts, text: string, g: Groups, dates: Set<string>): { hits: NumHit[]; probs: Problem[] } {
  const probs: Problem[] = [];
  let t = wordsToDigits(text);
  // dates
  t = t.replace(/\b(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2})?Z?)?/g, (_m, d) => {
    if (!dates.has(d)) probs.push({ cat: 'date', msg: `unknown date ${d}` });
    return ' DATE ';
  });
  t = t.replace(/\b(\d{4}-\d{2})\b/g, (_m, d) => {
    if (!dates.has(d)) probs.push({ cat: 'date', msg: `unknown month ${d}` });
    return ' DATE ';
  });
  t = t.replace(new RegExp(`\\b(\\d{1,2}) (${MON}) (\\d{4})`, 'g'), (_m, d, mo, y) => {
    const iso = `${y}-${String(MONTHS.indexOf(mo) + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    if (!dates.has(iso)) probs.push({ cat: 'date', msg: `unknown date ${iso}` });
    return ' DATE ';
  });
  t = t.replace(new RegExp(`\\b(${MON}) (\\d{1,2}), (\\d{4})`, 'g'), (_m, mo, d, y) => {
    const iso = `${y}-${String(MONTHS.indexOf(mo) + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    if (!dates.has(iso)) probs.push({ cat: 'date', msg: `unknown date ${iso}` });
    return ' DATE ';
  });
  t = t.replace(/\b\d{2}:\d{2}\b/g, ' TIME ');
  // ids and metric-like tokens
  t = t.replace(/\b([a-z]+)(\d+)\b/gi, (mm) => {
    if (/^(syn\d+|b\d+)$/i.test(mm) && mm.toLowerCase() !== f.id.toLowerCase()) probs.push({ cat: 'building', msg: `mentions ${mm}` });
    return ' ID ';
  });
  t = t.replace(/\b[a-z]+(?:\.[A-Za-z0-9_-]+)+/g, ' METRIC ');
  t = t.replace(/R²/g, ' RSQ ');
  const hits: NumHit[] = [];
  const re = /(?<![\w.])([-−+]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s?(million|M|k)(?![A-Za-z]))?/g;
  let mm: RegExpExecArray | null;
  while ((mm = re.exec(t))) {
    const rawNum = mm[2] + (mm[3] || '');
    let value = Number(rawNum.replace(/,/g, ''));
    let tol = halfUlp(rawNum);
    const mult = mm[4] === 'million' || mm[4] === 'M' ? 1e6 : mm[4] === 'k' ? 1e3 : 1;
    const after = t.slice(re.lastIndex).replace(/^\s+/, '');
    let unit = 'unitless',
      scale = 1;
    for (const [ure, grp, sc] of UNITS)
      if (ure.test(after)) {
        unit = grp;
        scale = sc;
        break;
      }
    value *= mult * scale;
    tol *= mult * scale;
    tol = tol * 1.001 + 1e-9;
    const cands = unit === 'unitless' ? Object.values(g).flat() : g[unit];
    const ok = cands.some((v) => Math.abs(Math.abs(value) - v) <= tol);
    const ctx = t.slice(Math.max(0, mm.index - 40), re.lastIndex + 20);
    hits.push({ raw: mm[0], value, unit, ok, ctx });
    if (!ok) {
      const other = Object.values(g)
        .flat()
        .some((v) => Math.abs(Math.abs(value) - v) <= tol);
      probs.push({ cat: other ? 'unit' : 'num', msg: `${mm[0]} ${unit} unsupported: …${ctx.replace(/\s+/g, ' ')}…` });
    }
  }
  return { hits, probs };
}

export function resolveMetric(f: Facts, name: string): string | null {
  if (f.m[name] !== undefined) return name;
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const parts = name.split(/[._]/);
  const meter = ['electricity', 'gas'].find((x) => name.toLowerCase().startsWith(x));
  const tail = norm(name.replace(/^(electricity|gas)[._]/i, ''));
  const cands = Object.keys(f.m).filter((k) => {
    if (meter && !k.startsWith(meter + '.') && !k.startsWith('peers.') && !k.startsWith('building.')) return false;
    const last = norm(k.split('.').pop()!);
    return last === tail || norm(k.split('.').slice(1).join('.')) === tail || norm(k) === norm(name);
  });
  if (!meter) {
    const e = cands.filter((k) => k.startsWith('electricity.') || !/^(gas)\./.test(k));
    return e[0] || cands[0] || null;
  }
  return cands[0] || null;
  void parts;
}

export function verify(f: Facts, text: string, expectType: string): Problem[] {
  const probs: Problem[] = [];
  const ans = extractJson(text);
  if (
    /not possible|cannot be (?:performed|carried out|produced|determined)|unable to (?:provide|perform|produce)|insufficient (?:data|information) to|is insufficient to|would be speculative/i.test(
      text,
    )
  )
    probs.push({ cat: 'refusal', msg: 'refusal phrasing' });
  if (!ans || typeof ans !== 'object') {
    probs.push({ cat: 'json', msg: 'no JSON object' });
    return probs;
  }
  for (const k of ['summary', 'findings', 'recommendations', 'dataIssuesAddressed', 'confidence']) if (!(k in ans)) probs.push({ cat: 'schema', msg: `missing ${k}` });
  const findings: any[] = Array.isArray(ans.findings) ? ans.findings : [];
  const recs: any[] = Array.isArray(ans.recommendations) ? ans.recommendations : [];
  const dia: any[] = Array.isArray(ans.dataIssuesAddressed) ? ans.dataIssuesAddressed : [];
  const g = allowed(f, ans);
  const dates = new Set<string>();
  for (const a of f.anomalies) dates.add(a.date);
  for (const i of f.issues) {
    for (const d of [i.from, i.to]) if (d) dates.add(d.slice(0, 10));
  }
  dates.add(f.start.slice(0, 10));
  dates.add(f.end.slice(0, 10));
  for (const k of Object.keys(f.m)) {
    const mm = k.match(/monthly\.(\d{4}-\d{2})/);
    if (mm) dates.add(mm[1]);
  }
  // prose
  const outside = text.slice(0, text.indexOf('{')) + ' ' + text.slice(text.lastIndexOf('}') + 1);
  const prose: string[] = [String(ans.summary ?? ''), outside];
  for (const x of findings) prose.push(String(x.title ?? ''), String(x.detail ?? ''));
  for (const r of recs) prose.push(String(r.action ?? ''), String(r.rationale ?? ''));
  for (const d of dia) prose.push(String(d.response ?? ''));
  const all = prose.join('\n');
  const { hits, probs: np } = checkProseNumbers(f, all, g, dates);
  probs.push(...np);
  // evidence
  let goodEv = 0;
  const evs: any[] = [];
  for (const x of [...findings, ...recs]) for (const e of Array.isArray(x.evidence) ? x.evidence : []) evs.push(e);
  for (const e of evs) {
    const key = resolveMetric(f, String(e.metric));
    const val = typeof e.value === 'string' ? Number(e.value) : e.value;
    if (!key) {
      probs.push({ cat: 'evmetric', msg: `unknown metric ${e.metric}` });
      continue;
    }
    const tv = f.m[key];
    const tol = Math.max(halfUlp(String(e.value)), Math.abs(tv) * 0.0051) + 1e-9; // ≥3 s.f.
    if (!Number.isFinite(val) || Math.abs(val - tv) > tol) probs.push({ cat: 'evid', msg: `evidence ${e.metric}=${e.value} but data ${tv}` });
    else goodEv++;
  }
  if (goodEv < 2) probs.push({ cat: 'generic', msg: `only ${goodEv} evidence items match the data` });
  if (hits.filter((h) => h.ok).length < 2 && expectType !== 'data-quality-triage') probs.push({ cat: 'generic', msg: 'prose cites almost no data' });
  // missing metrics
  for (const ms of f.missing)
    if (/changePoint/.test(ms.metric) && /balance[- ]point[^.]{0,40}\d/i.test(all)) probs.push({ cat: 'missing', msg: 'quotes a balance point although change-point is missing' });
  // confidence
  const c = typeof ans.confidence === 'number' ? ans.confidence : ({ high: 0.85, medium: 0.6, moderate: 0.6, low: 0.3 } as any)[String(ans.confidence).toLowerCase()];
  if (c === undefined || c < 0 || c > 1) probs.push({ cat: 'schema', msg: `confidence ${ans.confidence}` });
  if (/confidence (?:is|:) low|low confidence|confidence: low|Confidence is low/i.test(all) && c >= 0.6) probs.push({ cat: 'contra', msg: `low confidence in prose vs ${c}` });
  if (/confidence (?:is|:) high|high confidence|confidence: high|firm conclusions/i.test(all) && c <= 0.45) probs.push({ cat: 'contra', msg: `high confidence in prose vs ${c}` });
  const sev = f.issues.filter((i) => i.severity !== 'info');
  if (typeof ans.confidence === 'number' && sev.some((i) => i.severity === 'critical') && c > 0.75)
    probs.push({ cat: 'contra', msg: 'confidence too high for critical data issue' });
  // savings
  let sum = 0;
  const totalAnnual = f.meters.reduce((a, x) => a + (f.m[`${x}.annualKwh`] || 0), 0);
  for (const r of recs) {
    const p = r.estimatedSavingsPct,
      k = r.estimatedAnnualSavingsKwh;
    if (p == null && k == null) continue;
    if (typeof p !== 'number' || typeof k !== 'number') {
      probs.push({ cat: 'savings', msg: 'one savings field null' });
      continue;
    }
    if (p > 100 || p <= 0) probs.push({ cat: 'savings', msg: `pct ${p}` });
    if (p > 30 && p <= 100) probs.push({ cat: 'savings', msg: `unrealistic pct ${p}` });
    const meterOk = f.meters.some((mt) => {
      const ak = f.m[`${mt}.annualKwh`];
      return ak && Math.abs((p / 100) * ak - k) <= 0.02 * k + 1;
    });
    if (!meterOk) probs.push({ cat: 'savings', msg: `kWh ${k} != ${p}% of annual` });
    if (k > totalAnnual) probs.push({ cat: 'savings', msg: `kWh ${k} above consumption ${totalAnnual}` });
    sum += k;
    // prose vs fields
    const sentences = String(r.rationale ?? '')
      .split(/(?<=\.)\s+/)
      .filter((s) => /sav|estimate/i.test(s));
    for (const s of sentences) {
      const ss = wordsToDigits(s);
      for (const mm of ss.matchAll(/(\d+(?:\.\d+)?)\s?%/g)) if (Math.abs(Number(mm[1]) - p) > 0.051) probs.push({ cat: 'contra', msg: `rationale says ${mm[1]}% but field ${p}` });
      for (const mm of ss.matchAll(/(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(million )?(kWh|MWh)/g)) {
        const v = Number((mm[1] + (mm[2] || '')).replace(/,/g, '')) * (mm[3] ? 1e6 : 1) * (mm[4] === 'MWh' ? 1000 : 1);
        const tol = halfUlp(mm[1] + (mm[2] || '')) * (mm[3] ? 1e6 : 1) * (mm[4] === 'MWh' ? 1000 : 1) + 1;
        if (Math.abs(v - k) > Math.max(tol, 0.006 * k)) probs.push({ cat: 'contra', msg: `rationale says ${mm[0]} but field ${k}` });
      }
    }
  }
  if (sum > totalAnnual) probs.push({ cat: 'savings', msg: 'total savings above consumption' });
  // coverage above 100%
  for (const mm of all.matchAll(/\b(1\d\d(?:\.\d+)?)% of (?:the )?hours/gi)) if (Number(mm[1]) > 100) probs.push({ cat: 'savings', msg: 'coverage above 100%' });
  if (/coverage[^.]{0,30}?\b(1\d\d(?:\.\d)?)%/i.test(all) && Number(all.match(/coverage[^.]{0,30}?\b(1\d\d(?:\.\d)?)%/i)![1]) > 100)
    probs.push({ cat: 'savings', msg: 'coverage above 100%' });
  // direction claims
  const m0 = f.meters[0];
  const nd = f.m[`${m0}.load.nightDayRatio`],
    ww = f.m[`${m0}.load.weekdayWeekendRatio`],
    e0 = f.m[`${m0}.euiKwhPerSqm`],
    med = f.m['peers.medianEuiKwhPerSqm'];
  if (/night-time use is higher than daytime/i.test(all) && nd < 1) probs.push({ cat: 'direction', msg: 'night > day claimed' });
  if (/night use drops well below daytime/i.test(all) && nd >= 0.9) probs.push({ cat: 'direction', msg: 'night << day claimed' });
  if (/weekend use is higher than weekday/i.test(all) && ww > 1) probs.push({ cat: 'direction', msg: 'weekend > weekday claimed' });
  if (/weekday use is higher than weekend/i.test(all) && ww < 1) probs.push({ cat: 'direction', msg: 'weekday > weekend claimed' });
  if (/\babove (?:the )?(?:peer )?median|above peer/i.test(all) && e0 < med * 0.99) probs.push({ cat: 'direction', msg: 'above median claimed' });
  if (/\bbelow (?:the )?(?:peer )?median|below peer/i.test(all) && e0 > med * 1.01) probs.push({ cat: 'direction', msg: 'below median claimed' });
  // task requirements
  const evKeys = (x: any) => (Array.isArray(x.evidence) ? x.evidence : []).map((e: any) => resolveMetric(f, String(e.metric)));
  const needDia = expectType === 'data-quality-triage' ? f.issues : sev;
  const kinds = new Map<string, number>();
  for (const i of needDia) kinds.set(i.kind, (kinds.get(i.kind) || 0) + 1);
  for (const [k, n] of kinds) {
    const got = dia.filter((d) => d.issue === k).length;
    if (got < Math.min(n, 1) || (expectType === 'data-quality-triage' && got < n)) probs.push({ cat: 'task', msg: `dataIssue ${k} not addressed (${got}/${n})` });
  }
  if (expectType === 'data-quality-triage') {
    if (!findings.some((x) => evKeys(x).some((k: any) => k && /\.coverage\./.test(k)))) probs.push({ cat: 'task', msg: 'no coverage evidence' });
  } else if (expectType === 'building-diagnostic') {
    for (const a of f.anomalies) {
      const ok = findings.some((x) => (String(x.title) + ' ' + String(x.detail)).includes(a.date) && evKeys(x).includes(a.actualMetric) && evKeys(x).includes(a.expectedMetric));
      if (!ok) probs.push({ cat: 'task', msg: `anomaly ${a.date} not addressed` });
    }
    if (!findings.some((x) => evKeys(x).some((k: any) => k && /baseloadKw|peakKw/.test(k)))) probs.push({ cat: 'task', msg: 'no load shape' });
    if (recs.length < 1 || recs.length > 3) probs.push({ cat: 'task', msg: `${recs.length} next steps` });
  } else {
    const ws = recs.filter((r) => typeof r.estimatedAnnualSavingsKwh === 'number' && typeof r.estimatedSavingsPct === 'number');
    if (recs.length < 2) probs.push({ cat: 'task', msg: 'fewer than 2 recommendations' });
    if (ws.length < recs.length || ws.length < 2) probs.push({ cat: 'task', msg: 'recommendations without savings' });
  }
  return probs;
}
