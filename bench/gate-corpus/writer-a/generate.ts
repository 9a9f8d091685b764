// writer-a: labelled answer corpus generator for the quality gate.
// Usage: npx tsx bench/gate-corpus/writer-a/generate.ts --prompts P.jsonl --out OUT.jsonl --seed 1 [--per 20] [--debug DEBUG.jsonl]
import * as fs from 'node:fs';
import { Rng, hashStr, parsePrompt, type Facts, commas } from './lib.ts';
import { Writer, STYLES, type Style, type Mut, wrapText, britishify } from './writer.ts';
import { verify } from './verify.ts';

const argv = process.argv.slice(2);
const arg = (n: string, d?: string) => {
  const i = argv.indexOf('--' + n);
  return i >= 0 ? argv[i + 1] : d;
};
const PROMPTS = arg('prompts')!,
  OUT = arg('out')!,
  SEED = Number(arg('seed', '1')),
  PER = Number(arg('per', '20'));
const DEBUG = arg('debug');
if (!PROMPTS || !OUT) {
  console.error('usage: --prompts P --out O --seed N');
  process.exit(2);
}

const prompts = fs
  .readFileSync(PROMPTS, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const facts: Facts[] = prompts.map(parsePrompt);

export const DEFECTS = [
  'wrong-number-prose',
  'wrong-number-evidence',
  'unit-confusion',
  'metric-swap',
  'anomaly-wrong-date',
  'invented-anomaly',
  'impossible-savings',
  'contradiction',
  'savings-arithmetic',
  'generic-advice',
  'wrong-analysis-type',
  'wrong-building',
  'soft-refusal',
  'incomplete',
  'wrong-derivation',
  'wrong-direction',
  'missing-metric-used',
];
// problem categories from verify() that confirm each defect
const EXPECT: Record<string, string[]> = {
  'wrong-number-prose': ['num', 'unit'],
  'wrong-number-evidence': ['evid'],
  'unit-confusion': ['unit', 'num'],
  'metric-swap': ['evid', 'construction'],
  'anomaly-wrong-date': ['date'],
  'invented-anomaly': ['date'],
  'impossible-savings': ['savings', 'evid'],
  contradiction: ['contra'],
  'savings-arithmetic': ['savings'],
  'generic-advice': ['generic', 'evmetric'],
  'wrong-analysis-type': ['task'],
  'wrong-building': ['num', 'evid', 'evmetric', 'building', 'unit', 'date'],
  'soft-refusal': ['refusal'],
  incomplete: ['task'],
  'wrong-derivation': ['num', 'unit'],
  'wrong-direction': ['direction'],
  'missing-metric-used': ['missing'],
};

function applicable(f: Facts): string[] {
  const out = DEFECTS.filter((d) => {
    if (d === 'savings-arithmetic') return f.type === 'retrofit-plan';
    if (d === 'missing-metric-used') return f.missing.some((m) => /changePoint/.test(m.metric));
    if (d === 'wrong-direction') return f.type !== 'data-quality-triage';
    return true;
  });
  return out;
}

function allStrings(o: any, fn: (s: string) => string): any {
  if (typeof o === 'string') return fn(o);
  if (Array.isArray(o)) return o.map((x) => allStrings(x, fn));
  if (o && typeof o === 'object') {
    const r: any = {};
    for (const [k, v] of Object.entries(o)) r[k] = k === 'metric' || k === 'issue' || k === 'priority' ? v : allStrings(v, fn);
    return r;
  }
  return o;
}

function render(f: Facts, st: Style, seed: number, mu: Mut, wf?: Facts): { text: string; w: Writer; obj: any } {
  const w = new Writer(wf || f, new Rng(seed), st, mu);
  let obj = w.build();
  if (st === 'british') obj = allStrings(obj, britishify);
  const text = wrapText(obj, st, new Rng(seed ^ 0x9e3779b9), wf || f, mu.asType || f.type);
  return { text, w, obj };
}

const TYPE_NAME: Record<string, string> = { 'data-quality-triage': 'data-quality triage', 'building-diagnostic': 'diagnostic', 'retrofit-plan': 'retrofit plan' };

function genericAnswer(f: Facts, st: Style, rng: Rng): string {
  const use = f.use ? f.use.toLowerCase() : 'commercial';
  const pool = [
    {
      t: 'Lighting is a common source of waste',
      d: `In most ${use} buildings lighting accounts for a large share of electricity use; LED retrofits with occupancy sensing typically pay back quickly.`,
    },
    {
      t: 'HVAC scheduling',
      d: 'Heating, ventilation and air-conditioning often run longer than occupancy requires. Aligning schedules with actual use is usually the cheapest measure available.',
    },
    { t: 'Behavioural measures', d: 'Staff engagement campaigns, switch-off reminders and energy champions are proven low-cost ways to reduce consumption.' },
    { t: 'Building envelope', d: 'Improving insulation, draught-proofing and glazing reduces heating and cooling demand in almost every building.' },
    { t: 'Metering and monitoring', d: 'Sub-metering major loads helps identify where energy goes and supports continuous improvement.' },
  ];
  const fs_ = rng.shuffle(pool).slice(0, 2 + rng.int(2));
  const obj = {
    summary: rng.pick([
      `Energy use in ${use} buildings can usually be reduced through a combination of operational and capital measures. The recommendations below follow industry best practice.`,
      'There are several well-established opportunities to cut energy use in buildings of this kind, from lighting and controls to staff behaviour.',
      `A typical ${use} building can save energy through better controls, efficient lighting and good housekeeping. Key actions are set out below.`,
    ]),
    findings: fs_.map((x) => ({
      title: x.t,
      detail: x.d,
      evidence: [{ metric: rng.pick(['industry benchmark', 'best practice', 'typical savings range']), value: rng.pick([10, 15, 20, 25, 30]), unit: '%' }],
    })),
    recommendations: rng
      .shuffle([
        {
          action: 'Upgrade to LED lighting',
          rationale: 'LEDs use far less energy than older lamps and last longer.',
          estimatedAnnualSavingsKwh: null,
          estimatedSavingsPct: rng.pick([10, 15, 20]),
          evidence: [{ metric: 'typical savings', value: 15, unit: '%' }],
          priority: 'high',
        },
        {
          action: 'Install smart thermostats and controls',
          rationale: 'Smart controls avoid heating and cooling empty spaces.',
          estimatedAnnualSavingsKwh: null,
          estimatedSavingsPct: rng.pick([5, 8, 10]),
          evidence: [{ metric: 'industry benchmark', value: 10, unit: '%' }],
          priority: 'medium',
        },
        {
          action: 'Run an energy awareness campaign',
          rationale: 'Occupant behaviour has a large influence on consumption.',
          estimatedAnnualSavingsKwh: null,
          estimatedSavingsPct: rng.pick([3, 5]),
          evidence: [{ metric: 'best practice', value: 5, unit: '%' }],
          priority: 'low',
        },
      ])
      .slice(0, 2 + rng.int(2)),
    dataIssuesAddressed: rng.chance(0.5) ? [] : [{ issue: 'general', response: 'Ensure metering data is complete and accurate before acting on any analysis.' }],
    confidence: rng.pick([0.6, 0.7, 0.75]),
  };
  return wrapText(st === 'british' ? allStrings(obj, britishify) : obj, st, rng, f, f.type);
}

function refusalAnswer(f: Facts, st: Style, rng: Rng): string {
  const tn = TYPE_NAME[f.type];
  const filler = rng.chance(0.5);
  const openers = [
    `A meaningful ${tn} of this building is not possible from summary metrics alone.`,
    `I'm unable to provide a reliable ${tn} for ${f.id} on the basis of the aggregated data supplied.`,
    `With only computed summary figures, a robust ${tn} cannot be carried out; any conclusions would be speculative.`,
    `Unfortunately the information provided is insufficient to ${f.type === 'retrofit-plan' ? 'size retrofit measures' : 'draw firm conclusions'} for this building.`,
  ];
  const fill =
    ' ' +
    rng.pick([
      'A proper assessment would need interval data, an on-site survey of plant and controls, occupancy schedules and tariff information.',
      'Energy performance depends on many factors — occupancy, equipment, envelope, controls — that are not captured here, so I recommend commissioning a detailed audit.',
      'It is generally advisable to engage a qualified energy assessor who can inspect the building and its systems before committing to any measures.',
    ]);
  const open = rng.pick(openers) + (filler ? fill : '');
  if (rng.chance(0.3)) return open + (filler ? '\n\nIf you can share more detailed data I would be happy to look again.' : '');
  const obj = {
    summary: open,
    findings: [
      {
        title: rng.pick(['Insufficient data', 'Analysis limited', 'Data too aggregated']),
        detail:
          rng.pick([
            'The supplied metrics do not allow the drivers of consumption to be identified with confidence.',
            'Summary statistics alone are not a sufficient basis for this analysis.',
          ]) + (filler ? fill : ''),
        evidence: [{ metric: 'electricity.annualKwh', value: f.m['electricity.annualKwh'], unit: 'kWh' }],
      },
    ],
    recommendations: [
      {
        action: rng.pick(['Commission a detailed energy audit', 'Collect more detailed data', 'Engage an energy assessor']),
        rationale: 'A site visit and more granular data are needed before specific measures can be recommended.',
        estimatedAnnualSavingsKwh: null,
        estimatedSavingsPct: null,
        evidence: [{ metric: 'electricity.annualKwh', value: f.m['electricity.annualKwh'], unit: 'kWh' }],
        priority: 'high',
      },
    ],
    dataIssuesAddressed: f.issues.map((i) => ({ issue: i.kind, response: 'This limits any analysis; resolve before proceeding.' })),
    confidence: rng.pick([0.1, 0.15, 0.2]),
  };
  return wrapText(st === 'british' ? allStrings(obj, britishify) : obj, st, rng, f, f.type);
}

function shiftDate(d: string, days: number) {
  const t = new Date(d + 'T00:00:00Z');
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}
function perturb(v: number, rng: Rng): number {
  const fct = rng.pick([0.3, 0.45, 0.6, 1.45, 1.7, 2.2, 3.1]);
  let x = v * fct;
  if (Math.abs(v) >= 100) x = Math.round(x);
  else if (Math.abs(v) >= 10) x = Math.round(x * 10) / 10;
  else x = Math.round(x * 1000) / 1000;
  return x;
}
const PROSE_KEYS =
  /annualKwh$|euiKwhPerSqm$|baseloadKw$|peakKw$|loadFactor$|nightDayRatio$|weekdayWeekendRatio$|medianEui|monthly\.|anomaly\.|Hours$|slopeKwhPerDegC$|weather\.days$|BalancePointC$|baseKwhPerDay$/;

interface Attempt {
  text: string;
  mu?: Mut;
  note?: string;
  construction?: boolean;
}

function makeBad(defect: string, f: Facts, st: Style, seed: number, idx: number): Attempt | null {
  const rng = new Rng(seed ^ 0x51ed27);
  const base = render(f, st, seed, {});
  const usedP = [...base.w.used].filter((k) => PROSE_KEYS.test(k) && f.m[k] !== 0 && base.text.length);
  const usedE = [...base.w.evUsed].filter((k) => f.m[k] !== 0);
  switch (defect) {
    case 'wrong-number-prose': {
      if (!usedP.length) return null;
      const k = rng.pick(usedP);
      const mu: Mut = { over: { [k]: perturb(f.m[k], rng) } };
      return { text: render(f, st, seed, mu).text, mu, note: `${k}: ${f.m[k]} -> ${mu.over![k]}` };
    }
    case 'wrong-number-evidence': {
      if (!usedE.length) return null;
      const k = rng.pick(usedE);
      const mu: Mut = { eover: { [k]: perturb(f.m[k], rng) } };
      return { text: render(f, st, seed, mu).text, mu, note: `evidence ${k}: ${f.m[k]} -> ${mu.eover![k]}` };
    }
    case 'unit-confusion': {
      const opts: Mut['unitBug'][] = [];
      for (const k of usedP) {
        if (/annualKwh$/.test(k)) opts.push({ key: k, mode: 'kw' }, { key: k, mode: rng.pick(['x1000', 'div1000']) as any });
        if (/anomaly\..*Kwh$|monthly/.test(k)) opts.push({ key: k, mode: rng.pick(['x1000', 'div1000', 'kw']) as any });
        if (/euiKwhPerSqm$/.test(k)) opts.push({ key: k, mode: 'eui-kwh' });
        if (/longestGapHours$|missingHours$/.test(k)) opts.push({ key: k, mode: 'hours-days' });
      }
      if (f.issues.some((i) => i.kind === 'outage') && f.type === 'data-quality-triage') opts.push({ key: '__issue', mode: 'hours-days' });
      if (!opts.length) return null;
      const ub = rng.pick(opts)!;
      const mu: Mut = { unitBug: ub };
      return { text: render(f, st, seed, mu).text, mu, note: `${ub.key} as ${ub.mode}` };
    }
    case 'metric-swap': {
      const m0 = f.meters[0];
      const pairs: [string, string][] = [
        [`${m0}.load.baseloadKw`, `${m0}.load.peakKw`],
        [`${m0}.load.peakKw`, `${m0}.load.baseloadKw`],
        [`${m0}.load.nightDayRatio`, `${m0}.load.weekdayWeekendRatio`],
        [`${m0}.load.weekdayWeekendRatio`, `${m0}.load.nightDayRatio`],
        [`${m0}.load.loadFactor`, `${m0}.load.nightDayRatio`],
      ];
      const mo = Object.keys(f.m).filter((k) => k.startsWith(`${m0}.monthly.`));
      if (mo.length) pairs.push([`${m0}.annualKwh`, rng.pick(mo)]);
      for (const a of f.anomalies) pairs.push([a.actualMetric, a.expectedMetric]);
      const ok = (a: string, b: string) => f.m[a] && f.m[b] && Math.abs(f.m[a] - f.m[b]) / Math.max(Math.abs(f.m[a]), Math.abs(f.m[b])) > 0.2;
      const inEv = rng.chance(0.4);
      const cand = pairs.filter(([a, b]) => ok(a, b) && (inEv ? usedE.includes(a) : usedP.includes(a)));
      if (!cand.length) return null;
      const [a, b] = rng.pick(cand);
      const mu: Mut = inEv ? { eover: { [a]: f.m[b] } } : { over: { [a]: f.m[b] } };
      const text = render(f, st, seed, mu).text;
      if (text === base.text) return null;
      return { text, mu, note: `${inEv ? 'evidence' : 'prose'} ${a} given value of ${b} (${f.m[b]})`, construction: !inEv };
    }
    case 'anomaly-wrong-date': {
      const a = f.type === 'data-quality-triage' ? f.anomalies.find((x) => x.kind.endsWith('low')) || f.anomalies[0] : f.anomalies[0];
      if (!a) return null;
      const taken = new Set(f.anomalies.map((x) => x.date));
      let to = a.date;
      for (let i = 0; i < 20 && (taken.has(to) || to === a.date || !to.startsWith('2019')); i++)
        to = rng.chance(0.5) ? shiftDate(a.date, rng.pick([-1, 1, 2, -7, 7, 30, -30, 31, 61])) : a.date.slice(0, 8) + a.date.slice(8).split('').reverse().join('');
      if (taken.has(to) || !/^2019-\d\d-(0[1-9]|[12]\d|3[01])$/.test(to)) return null;
      const mu: Mut = { dateBug: { from: a.date, to }, forceAnomaly: true };
      return { text: render(f, st, seed, mu).text, mu, note: `${a.date} written as ${to}` };
    }
    case 'invented-anomaly': {
      const mu: Mut = { invent: true };
      return { text: render(f, st, seed, mu).text, mu };
    }
    case 'impossible-savings': {
      const mu: Mut = { impossible: true };
      return { text: render(f, st, seed, mu).text, mu };
    }
    case 'contradiction': {
      const mu: Mut = f.type === 'retrofit-plan' && rng.chance(0.6) ? { savingsContra: true } : { confContra: true };
      return { text: render(f, st, seed, mu).text, mu, note: mu.savingsContra ? 'rationale savings differ from fields' : 'confidence value vs prose' };
    }
    case 'savings-arithmetic': {
      const mu: Mut = { savingsArith: true };
      return { text: render(f, st, seed, mu).text, mu };
    }
    case 'generic-advice':
      return { text: genericAnswer(f, st, rng) };
    case 'soft-refusal':
      return { text: refusalAnswer(f, st, rng) };
    case 'wrong-analysis-type': {
      const other =
        f.type === 'data-quality-triage'
          ? rng.pick(['retrofit-plan', 'building-diagnostic'])
          : f.type === 'building-diagnostic'
            ? rng.pick(['retrofit-plan', 'data-quality-triage'])
            : 'data-quality-triage';
      const mu: Mut = { asType: other };
      return { text: render(f, st, seed, mu).text, mu, note: `answered as ${other}` };
    }
    case 'wrong-building': {
      const cands = facts.filter((g) => g.id !== f.id && g.type === f.type && Math.abs(g.m['electricity.annualKwh'] / f.m['electricity.annualKwh'] - 1) > 0.25);
      if (!cands.length) return null;
      const g = cands[(idx * 7 + seed) % cands.length];
      return { text: render(f, st, seed, {}, g).text, note: `data of ${g.id}` };
    }
    case 'incomplete': {
      let mu: Mut;
      if (f.type === 'data-quality-triage') mu = f.issues.length ? { dropIssues: true } : { dropCoverage: true };
      else if (f.type === 'building-diagnostic') mu = { dropAnomalies: true };
      else mu = { noSavings: true };
      return { text: render(f, st, seed, mu).text, mu, note: Object.keys(mu)[0] };
    }
    case 'wrong-derivation': {
      const opts: string[] = [];
      if (f.type === 'data-quality-triage') opts.push('mean');
      else {
        opts.push('mean', 'peakratio');
        const e = f.m['electricity.euiKwhPerSqm'],
          med = f.m['peers.medianEuiKwhPerSqm'];
        if (Math.abs(e / med - 1) >= 0.03) opts.push('gap');
        if (f.type === 'building-diagnostic') for (const a of f.anomalies.slice(0, 2)) opts.push('anom:' + a.date);
      }
      const mu: Mut = { derivBug: rng.pick(opts) };
      return { text: render(f, st, seed, mu).text, mu, note: mu.derivBug };
    }
    case 'wrong-direction': {
      const m0 = f.meters[0];
      const nd = f.m[`${m0}.load.nightDayRatio`],
        ww = f.m[`${m0}.load.weekdayWeekendRatio`];
      const e = f.m[`${m0}.euiKwhPerSqm`],
        med = f.m['peers.medianEuiKwhPerSqm'];
      const opts: string[] = [];
      if (nd < 0.85 || nd > 1.1) opts.push('nd');
      if (Math.abs(ww - 1) >= 0.1) opts.push('ww');
      if (Math.abs(e / med - 1) >= 0.05) opts.push('eui');
      if (!opts.length) return null;
      const mu: Mut = { dirBug: rng.pick(opts) };
      return { text: render(f, st, seed, mu).text, mu, note: mu.dirBug };
    }
    case 'missing-metric-used': {
      const mu: Mut = { missingUse: true };
      return { text: render(f, st, seed, mu).text, mu };
    }
  }
  return null;
}

// ---------------- main ----------------
const styleCount: Record<string, Record<string, number>> = { good: {}, bad: {} };
for (const l of ['good', 'bad']) for (const s of STYLES) styleCount[l][s] = 0;
const defectCount: Record<string, Record<string, number>> = {};
const out: any[] = [];
const debug: any[] = [];
const stats = { goodRejected: 0, badUnconfirmed: 0, badFallback: 0, catByDefect: {} as Record<string, Record<string, number>> };

function pickStyle(label: string, rng: Rng, usedHere: Set<string>): Style {
  const c = styleCount[label];
  const order = rng.shuffle([...STYLES]).sort((a, b) => (usedHere.has(a) ? 1 : 0) - (usedHere.has(b) ? 1 : 0) || c[a] - c[b]);
  return order[0];
}

facts.forEach((f, pi) => {
  const rng = new Rng((hashStr(f.id + '|' + f.type) ^ (SEED * 2654435761)) >>> 0);
  const nBad = Math.floor(PER / 2),
    nGood = PER - nBad;
  const dc = (defectCount[f.type] ||= {});
  const app = applicable(f);
  for (const d of app) dc[d] ||= 0;
  const defects = rng.shuffle(app).sort((a, b) => dc[a] - dc[b]);
  const usedStyles = { good: new Set<string>(), bad: new Set<string>() };
  let slot = 0;
  // good answers
  for (let i = 0; i < nGood; i++) {
    let done = false;
    for (let t = 0; t < 12 && !done; t++) {
      const st = pickStyle('good', rng, usedStyles.good);
      const seed = (hashStr(`${f.id}|${f.type}|g${i}|${t}`) ^ SEED) >>> 0;
      const { text } = render(f, st, seed, {});
      const probs = verify(f, text, f.type);
      if (probs.length) {
        stats.goodRejected++;
        debug.push({ buildingId: f.id, type: f.type, label: 'good-rejected', style: st, probs, text });
        continue;
      }
      styleCount.good[st]++;
      usedStyles.good.add(st);
      out.push({ buildingId: f.id, type: f.type, label: 'good', text, style: st, defect: 'none' });
      done = true;
      slot++;
    }
  }
  // bad answers
  let di = 0;
  const usedDefects = new Set<string>();
  for (let i = 0; i < nBad; i++) {
    let done = false;
    for (let tries = 0; tries < 40 && !done; tries++) {
      const pool = defects.filter((d) => !usedDefects.has(d));
      const defect = (pool.length ? pool : defects)[tries < 6 ? 0 : Math.min(pool.length - 1, Math.floor(tries / 6))] || defects[di++ % defects.length];
      const st = pickStyle('bad', rng, usedStyles.bad);
      const seed = (hashStr(`${f.id}|${f.type}|b${i}|${tries}`) ^ SEED) >>> 0;
      const att = makeBad(defect, f, st, seed, pi + i);
      if (!att) continue;
      const probs = verify(f, att.text, f.type);
      const cats = new Set(probs.map((p) => p.cat));
      if (att.construction) cats.add('construction');
      const confirmed = EXPECT[defect].some((c) => cats.has(c));
      if (!confirmed) {
        stats.badUnconfirmed++;
        debug.push({ buildingId: f.id, type: f.type, label: 'bad-unconfirmed', defect, style: st, note: att.note, probs, text: att.text });
        continue;
      }
      const cd = (stats.catByDefect[defect] ||= {});
      for (const c of cats) cd[c] = (cd[c] || 0) + 1;
      if (tries >= 6) stats.badFallback++;
      styleCount.bad[st]++;
      usedStyles.bad.add(st);
      usedDefects.add(defect);
      dc[defect]++;
      out.push({ buildingId: f.id, type: f.type, label: 'bad', text: att.text, style: st, defect });
      if (DEBUG) debug.push({ buildingId: f.id, type: f.type, label: 'bad', defect, style: st, note: att.note, probs });
      done = true;
    }
  }
});

fs.writeFileSync(OUT, out.map((o) => JSON.stringify(o)).join('\n') + '\n');
if (DEBUG) fs.writeFileSync(DEBUG, debug.map((o) => JSON.stringify(o)).join('\n') + '\n');
const tally = (key: string, filter: (o: any) => boolean = () => true) => {
  const c: Record<string, number> = {};
  for (const o of out.filter(filter)) c[o[key]] = (c[o[key]] || 0) + 1;
  return c;
};
console.log(
  JSON.stringify(
    {
      prompts: prompts.length,
      answers: out.length,
      label: tally('label'),
      type: tally('type'),
      style: { good: tally('style', (o) => o.label === 'good'), bad: tally('style', (o) => o.label === 'bad') },
      defect: tally('defect', (o) => o.label === 'bad'),
      defectByType: Object.fromEntries(Object.keys(defectCount).map((t) => [t, tally('defect', (o) => o.label === 'bad' && o.type === t)])),
      selfCheck: {
        goodRejectedAndRegenerated: stats.goodRejected,
        badUnconfirmedAndRegenerated: stats.badUnconfirmed,
        badFallback: stats.badFallback,
        verifierCategoriesByDefect: stats.catByDefect,
      },
    },
    null,
    1,
  ),
);
void commas;
