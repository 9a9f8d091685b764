/**
 * Writer D: bad answers. Each defect starts from a good answer (or writes a whole answer)
 * and plants exactly one fault, returning a `proof` the independent checker re-verifies
 * against the data block.
 */
import { type Anomaly, type BuildingData, type Rng, fixed, isMissing, issueDates, roundSig, sig } from './data.js';
import { type Answer, type Mention, type Style, GOOD_STYLES, type Writer } from './writer.js';
import { goodAnswer } from './compose.js';

export type Proof =
  | { kind: 'number'; field: string; text: string; metric: string; truth: number }
  | { kind: 'unit'; field: string; fragment: string; truthKwh: number; base: 'kWh' | 'kW' }
  | { kind: 'evidence'; metric: string; claimed: number }
  | { kind: 'swap'; field: string; text: string; metric: string; truth: number; other: string }
  | { kind: 'anomaly-date'; wrong: string; right: string }
  | { kind: 'anomaly-swap'; field: string; fragment: string; date: string; order: 'actual-first' | 'expected-first' }
  | { kind: 'invented-anomaly'; date: string }
  | { kind: 'savings-over' }
  | { kind: 'coverage-over'; field: string; fragment: string }
  | { kind: 'confidence'; phrase: string; direction: 'says-low' | 'says-high' }
  | { kind: 'savings-mismatch'; index: number }
  | { kind: 'direction'; field: string; fragment: string; check: string }
  | { kind: 'count'; field: string; fragment: string; claimed: number; metric: string }
  | { kind: 'generic' }
  | { kind: 'wrong-type'; asType: string }
  | { kind: 'other-building'; otherId: string }
  | { kind: 'refusal' }
  | { kind: 'ignored-issues' }
  | { kind: 'ignored-top-anomaly'; date: string }
  | { kind: 'unquantified' }
  | { kind: 'missing-estimated'; field: string; fragment: string; metric: string }
  | { kind: 'money'; field: string; fragment: string }
  | { kind: 'invented-meter'; field: string; fragment: string; meter: string }
  | { kind: 'feature'; field: string; fragment: string }
  | { kind: 'period'; field: string; fragment: string }
  | { kind: 'truncated' }
  | { kind: 'pct-confusion'; field: string; fragment: string; metric: string };

export interface Other {
  buildingId: string;
  data: BuildingData;
}

export interface DefectContext {
  data: BuildingData;
  type: string;
  rng: Rng;
  style: Style;
  others: Other[];
}

export interface Planted {
  answer: Answer;
  proof: Proof;
  /** Applied to the rendered text (truncation). */
  cut?: number;
}

type Defect = (ctx: DefectContext) => Planted | undefined;

// ---------------------------------------------------------------- prose fields

export interface Field {
  path: string;
  get: () => string;
  set: (text: string) => void;
}

export const proseFields = (answer: Answer): Field[] => {
  const out: Field[] = [
    {
      path: 'summary',
      get: () => answer.summary,
      set: (t) => {
        answer.summary = t;
      },
    },
  ];
  answer.findings.forEach((f, i) => {
    out.push({
      path: `findings.${i}.title`,
      get: () => f.title,
      set: (t) => {
        f.title = t;
      },
    });
    out.push({
      path: `findings.${i}.detail`,
      get: () => f.detail,
      set: (t) => {
        f.detail = t;
      },
    });
  });
  answer.recommendations.forEach((r, i) => {
    out.push({
      path: `recommendations.${i}.action`,
      get: () => r.action,
      set: (t) => {
        r.action = t;
      },
    });
    out.push({
      path: `recommendations.${i}.rationale`,
      get: () => r.rationale,
      set: (t) => {
        r.rationale = t;
      },
    });
  });
  answer.dataIssuesAddressed.forEach((d, i) => {
    out.push({
      path: `dataIssuesAddressed.${i}.response`,
      get: () => d.response,
      set: (t) => {
        d.response = t;
      },
    });
  });
  return out;
};

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const numberPattern = (text: string): RegExp => new RegExp(`(?<![\\d.,])${escape(text)}(?![\\d]|[.,]\\d)`, 'g');

/** Fields holding `text` as a whole number, and how often in all. */
const locate = (answer: Answer, text: string): { fields: Field[]; total: number } => {
  const fields = proseFields(answer).filter((f) => numberPattern(text).test(f.get()));
  const total = proseFields(answer).reduce((n, f) => n + (f.get().match(numberPattern(text))?.length ?? 0), 0);
  return { fields, total };
};

/** Write `value` the way `like` is written (same decimals, separators, significant digits). */
export const formatLike = (like: string, value: number): string => {
  const separators = like.includes(',');
  const plain = like.replace(/,/g, '');
  const decimals = plain.includes('.') ? plain.split('.')[1].length : 0;
  if (decimals === 0) {
    const digits = plain.replace(/^-/, '').replace(/0+$/, '').length || 1;
    const trailing = plain.replace(/^-/, '').length - digits;
    const v = trailing > 0 ? roundSig(value, Math.max(1, String(Math.round(Math.abs(value))).length - trailing)) : Math.round(value);
    return fixed(v, 0, separators);
  }
  return fixed(value, decimals, separators);
};

const metricMentions = (w: Writer, answer: Answer): Mention[] =>
  w.mentions.filter((m) => !m.metric.startsWith('derived:') && w.data.metrics[m.metric] !== undefined && /\d/.test(m.text)).filter((m) => locate(answer, m.text).total === 1);

const base = (ctx: DefectContext, style?: Style): { answer: Answer; w: Writer } => {
  const { answer, writer } = goodAnswer(ctx.data, ctx.type, style ?? ctx.style, ctx.rng);
  return { answer, w: writer };
};

const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-9);

// ---------------------------------------------------------------- number defects

const replaceMention = (ctx: DefectContext, mutate: (m: Mention, rng: Rng) => string | undefined, filter: (m: Mention) => boolean = () => true): Planted | undefined => {
  const { answer, w } = base(ctx);
  const candidates = ctx.rng.shuffle(metricMentions(w, answer).filter(filter));
  for (const m of candidates) {
    const replacement = mutate(m, ctx.rng);
    if (replacement === undefined || replacement === m.text) continue;
    const claimed = Number(replacement.replace(/,/g, ''));
    if (relDiff(claimed, m.value) < 0.04) continue;
    const field = locate(answer, m.text).fields[0];
    field.set(field.get().replace(numberPattern(m.text), replacement));
    return { answer, proof: { kind: 'number', field: field.path, text: replacement, metric: m.metric, truth: m.value } };
  }
  return undefined;
};

const wrongNumber: Defect = (ctx) =>
  replaceMention(
    ctx,
    (m, rng) => {
      const f = 1 + (rng.chance(0.5) ? 1 : -1) * (0.06 + rng.next() * 0.24);
      return formatLike(m.text, m.value * f);
    },
    (m) => Math.abs(m.value) >= 1 && !/coverage\.(missing|negative)/.test(m.metric),
  );

const transposed: Defect = (ctx) =>
  replaceMention(
    ctx,
    (m, rng) => {
      const chars = [...m.text];
      const digitIdx = chars.map((c, i) => (/\d/.test(c) ? i : -1)).filter((i) => i >= 0);
      const sigIdx = digitIdx.filter((i) => chars[i] !== '0' || digitIdx.indexOf(i) > 0).slice(0, 3);
      const pairs: [number, number][] = [];
      for (let j = 0; j + 1 < sigIdx.length; j += 1) {
        const [a, b] = [sigIdx[j], sigIdx[j + 1]];
        if (chars[a] !== chars[b] && !(a === digitIdx[0] && chars[b] === '0')) pairs.push([a, b]);
      }
      if (pairs.length === 0) return undefined;
      const [a, b] = rng.pick(pairs);
      [chars[a], chars[b]] = [chars[b], chars[a]];
      return chars.join('');
    },
    (m) => m.text.replace(/\D/g, '').length >= 3,
  );

const magnitude: Defect = (ctx) =>
  replaceMention(
    ctx,
    (m, rng) => {
      const f = rng.pick([10, 0.1]);
      const like = m.text.replace(/,/g, '');
      const decimals = like.includes('.') ? like.split('.')[1].length : 0;
      return fixed(m.value * f, f === 10 ? Math.max(0, decimals - 1) : decimals + 1, m.text.includes(','));
    },
    (m) => Math.abs(m.value) >= 5 && !/Ratio|ratio|Factor|percentile|groupSize|Count|\.r$|r2/.test(m.metric),
  );

const unitConfusion: Defect = (ctx) => {
  const { answer, w } = base(ctx, { ...ctx.style, energy: ctx.rng.pick(['sep', 'units', 'exact']) });
  for (const field of ctx.rng.shuffle(proseFields(answer))) {
    const text = field.get();
    const match = /(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?) ?(kWh|MWh|GWh|kW)\b(?!\/)/.exec(text);
    if (!match) continue;
    const value = Number(match[1].replace(/,/g, ''));
    const unit = match[2];
    const scale: Record<string, number> = { kWh: 1, MWh: 1000, GWh: 1e6, kW: 1 };
    const truthKwh = value * scale[unit];
    if (truthKwh < 20) continue;
    const wrongUnit = unit === 'kW' ? 'MW' : unit === 'kWh' ? 'MWh' : 'kWh';
    const fragment = `${match[1]} ${wrongUnit}`;
    field.set(text.slice(0, match.index) + fragment + text.slice(match.index + match[0].length));
    return { answer, proof: { kind: 'unit', field: field.path, fragment, truthKwh, base: unit === 'kW' ? 'kW' : 'kWh' } };
  }
  return undefined;
};

const wrongEvidence: Defect = (ctx) => {
  const { answer } = base(ctx);
  const entries = answer.findings.flatMap((f) => f.evidence).filter((e) => typeof e.value === 'number' && Math.abs(e.value) > 0.05);
  if (entries.length === 0) return undefined;
  const e = ctx.rng.pick(entries);
  const truth = e.value as number;
  const f = 1 + (ctx.rng.chance(0.5) ? 1 : -1) * (0.1 + ctx.rng.next() * 0.25);
  e.value = roundSig(truth * f, 4);
  return { answer, proof: { kind: 'evidence', metric: e.metric, claimed: e.value } };
};

/** Metrics a writer could plausibly confuse with each other. */
const family = (metric: string): string => {
  if (/\.monthly\./.test(metric)) return 'monthly';
  if (/\.anomaly\./.test(metric)) return 'anomaly';
  if (/euiKwhPerSqm$/.test(metric)) return 'eui';
  if (/\.(totalKwh|annualKwh)$/.test(metric)) return 'energy';
  return metric.split('.').slice(0, 2).join('.');
};

const sentenceOf = (text: string, needle: string): string => text.split(/(?<=[.;])\s+/).find((s) => numberPattern(needle).test(s)) ?? '';

const swap =
  (sameField: boolean): Defect =>
  (ctx) => {
    const { answer, w } = base(ctx);
    const ms = metricMentions(w, answer);
    const unitOf = (m: Mention): string => {
      const field = locate(answer, m.text).fields[0];
      const after = field.get().split(m.text)[1] ?? '';
      return /^\s?(kWh|MWh|GWh|kW|%|h\b|hours|kWh\/m|kWh per)/.exec(after)?.[1] ?? 'none';
    };
    const pairs: [Mention, Mention][] = [];
    for (const a of ms) {
      for (const b of ms) {
        if (a.metric >= b.metric || relDiff(a.value, b.value) < 0.1) continue;
        const fa = locate(answer, a.text).fields[0];
        const fb = locate(answer, b.text).fields[0];
        if ((fa.path === fb.path) !== sameField) continue;
        if (family(a.metric) !== family(b.metric)) continue;
        if (sameField && !sentenceOf(fa.get(), a.text).includes(b.text)) continue;
        if (unitOf(a) !== unitOf(b)) continue;
        pairs.push([a, b]);
      }
    }
    if (pairs.length === 0) return undefined;
    const [a, b] = ctx.rng.pick(pairs);
    const fa = locate(answer, a.text).fields[0];
    const fb = locate(answer, b.text).fields[0];
    const marker = '\u0000';
    fa.set(fa.get().replace(numberPattern(a.text), marker));
    fb.set(fb.get().replace(numberPattern(b.text), a.text));
    fa.set(fa.get().replace(marker, b.text));
    return { answer, proof: { kind: 'swap', field: fa.path, text: b.text, metric: a.metric, truth: a.value, other: b.metric } };
  };

// ---------------------------------------------------------------- anomalies

const shiftDate = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

const knownDates = (data: BuildingData): Set<string> =>
  new Set([...data.anomalies.map((a) => a.date), ...data.dataIssues.flatMap(issueDates), data.period.start.slice(0, 10), data.period.end.slice(0, 10)]);

const ensureAnomalyFinding = (ctx: DefectContext, answer: Answer, w: Writer, a: Anomaly): void => {
  if (proseFields(answer).some((f) => f.get().includes(a.date))) return;
  const high = a.kind.endsWith('high');
  answer.findings.push({
    title: `Largest anomaly ${a.date}`,
    detail: w.sp(
      `The biggest outlier is ${a.kind.startsWith('week') ? 'the week beginning ' : ''}${a.date}: ${w.energyOf(a.actualMetric ?? 'a', a.actualKwh)} against an expected ${w.energyOf(a.expectedMetric ?? 'e', a.expectedKwh)} (${high ? 'high' : 'low'}).`,
    ),
    evidence: [w.evAnomaly(a, 'actual'), w.evAnomaly(a, 'expected')],
  });
};

const anomalyWrongDate: Defect = (ctx) => {
  const top = ctx.data.anomalies[0];
  if (!top) return undefined;
  const { answer, w } = base(ctx);
  const target = ctx.rng.pick(
    ctx.data.anomalies
      .slice(0, 3)
      .filter((a) => proseFields(answer).some((f) => f.get().includes(a.date)))
      .concat(top),
  );
  ensureAnomalyFinding(ctx, answer, w, target);
  const known = knownDates(ctx.data);
  const shifts = ctx.rng.shuffle([1, -1, 2, -2, 3, 7, -7, 10, 30, -30]);
  const wrong = shifts.map((s) => shiftDate(target.date, s)).find((d) => !known.has(d) && d.slice(0, 4) === target.date.slice(0, 4));
  if (!wrong) return undefined;
  for (const f of proseFields(answer)) f.set(f.get().split(target.date).join(wrong));
  return { answer, proof: { kind: 'anomaly-date', wrong, right: target.date } };
};

const anomalySwap: Defect = (ctx) => {
  if (ctx.data.anomalies.length === 0) return undefined;
  const a = ctx.rng.pick(ctx.data.anomalies.slice(0, 3));
  const { answer, w } = base(ctx);
  const act = w.energyOf('x', a.expectedKwh); // deliberately reversed
  const exp = w.energyOf('x', a.actualKwh);
  const when = a.kind.startsWith('week') ? `the week beginning ${a.date}` : a.date;
  const templates: [string, 'actual-first' | 'expected-first'][] = [
    [`On ${when} consumption was ${act} against an expected ${exp}.`, 'actual-first'],
    [`${a.date}: ${act} actual vs ${exp} expected.`, 'actual-first'],
    [`Expected use for ${when} was ${exp}; the meter recorded ${act}.`, 'expected-first'],
    [`The model expected ${exp} on ${when} but the building used ${act}.`, 'expected-first'],
  ];
  const [fragment, order] = ctx.rng.pick(templates);
  const idx = answer.findings.findIndex((f) => f.title.includes(a.date) || f.detail.includes(a.date));
  const finding = { title: `${a.kind.endsWith('high') ? 'High' : 'Low'} use ${a.date}`, detail: fragment, evidence: [w.evAnomaly(a, 'actual'), w.evAnomaly(a, 'expected')] };
  if (idx >= 0) answer.findings[idx] = finding;
  else answer.findings.push(finding);
  const at = idx >= 0 ? idx : answer.findings.length - 1;
  return { answer, proof: { kind: 'anomaly-swap', field: `findings.${at}.detail`, fragment, date: a.date, order } };
};

const inventedAnomaly: Defect = (ctx) => {
  const { answer, w } = base(ctx);
  const known = knownDates(ctx.data);
  const year = ctx.data.period.start.slice(0, 4) || '2019';
  let date = '';
  for (let i = 0; i < 20 && (date === '' || known.has(date)); i += 1) {
    date = `${year}-${String(ctx.rng.int(1, 12)).padStart(2, '0')}-${String(ctx.rng.int(1, 28)).padStart(2, '0')}`;
  }
  const daily = (ctx.data.metrics[w.k('annualKwh')] ?? 100000) / 365;
  const actual = Math.round(daily * (1.5 + ctx.rng.next()));
  const expected = Math.round(daily * (0.9 + ctx.rng.next() * 0.2));
  const detail = ctx.rng.pick([
    `A further spike on ${date} reached ${actual.toLocaleString('en-US')} kWh against about ${expected.toLocaleString('en-US')} kWh expected, probably equipment left running.`,
    `${date} also stands out: ${actual} kWh used versus ${expected} kWh expected.`,
    `Anomalous consumption on ${date} (${actual} kWh, roughly double a normal day) should be checked.`,
  ]);
  answer.findings.splice(Math.min(answer.findings.length, ctx.rng.int(1, 3)), 0, {
    title: `Unusual use on ${date}`,
    detail,
    evidence: [{ metric: w.k('annualKwh'), value: ctx.data.metrics[w.k('annualKwh')] ?? 0, unit: 'kWh' }],
  });
  return { answer, proof: { kind: 'invented-anomaly', date } };
};

const ignoredTopAnomaly: Defect = (ctx) => {
  if (ctx.type !== 'building-diagnostic' || ctx.data.anomalies.length < 3) return undefined;
  const top = ctx.data.anomalies[0];
  const reduced = { ...ctx.data, anomalies: ctx.data.anomalies.slice(1) };
  const { answer } = goodAnswer(reduced, ctx.type, { ...ctx.style, lists: false }, ctx.rng);
  if (proseFields(answer).some((f) => f.get().includes(top.date))) return undefined;
  return { answer, proof: { kind: 'ignored-top-anomaly', date: top.date } };
};

// ---------------------------------------------------------------- savings, coverage, confidence

const savingsOver: Defect = (ctx) => {
  if (ctx.type === 'data-quality-triage') return undefined;
  const { answer, w } = base(ctx);
  const annualName = w.k('annualKwh');
  if (!w.has(annualName)) return undefined;
  const annual = w.v(annualName);
  const variant = ctx.rng.int(0, 2);
  if (variant === 0) {
    const pct = ctx.rng.pick([110, 125, 140, 180]);
    answer.recommendations.push({
      action: 'Replace the building services with a high-efficiency system',
      rationale: `A full replacement removes the baseload and most of the daytime peak, saving about ${pct} % of current use.`,
      estimatedAnnualSavingsKwh: Math.round((annual * pct) / 100),
      estimatedSavingsPct: pct,
      evidence: [w.ev(annualName, 'kWh')],
      priority: 'high',
    });
  } else if (variant === 1) {
    const r = answer.recommendations.find((x) => typeof x.estimatedAnnualSavingsKwh === 'number') ?? answer.recommendations[0];
    if (!r) return undefined;
    r.estimatedAnnualSavingsKwh = Math.round(annual * (1.1 + ctx.rng.next()));
    r.estimatedSavingsPct = Math.round((r.estimatedAnnualSavingsKwh / annual) * 100);
    r.rationale = r.rationale.replace(/ (Estimated saving|Worth roughly|That is about).*$/, '') + ` Saves ${r.estimatedAnnualSavingsKwh.toLocaleString('en-US')} kWh a year.`;
  } else {
    const pcts = [ctx.rng.pick([35, 40, 45]), ctx.rng.pick([30, 35]), ctx.rng.pick([30, 40])];
    answer.recommendations = pcts.map((pct, i) => ({
      action: ['Cut out-of-hours baseload', 'Retune HVAC controls', 'Upgrade lighting and controls'][i],
      rationale: ['Night and weekend consumption stays high.', 'Use responds strongly to temperature.', 'Daytime use dominates.'][i],
      estimatedAnnualSavingsKwh: Math.round((annual * pct) / 100),
      estimatedSavingsPct: pct,
      evidence: [w.ev(annualName, 'kWh')],
      priority: (['high', 'medium', 'low'] as const)[i],
    }));
  }
  return { answer, proof: { kind: 'savings-over' } };
};

const coverageOver: Defect = (ctx) => {
  const { answer, w } = base(ctx);
  const cov = w.k('coverage.coverageRatio');
  const exp = w.k('coverage.expectedHours');
  if (!w.has(cov) || !w.has(exp)) return undefined;
  const over = w.v(cov) * 100 + 1.5 + ctx.rng.next() * 6;
  const variant = ctx.rng.int(0, 2);
  const fragment =
    variant === 0
      ? `coverage of ${over.toFixed(1)} %`
      : variant === 1
        ? `${Math.round(w.v(exp) * (1.02 + ctx.rng.next() * 0.05)).toLocaleString('en-US')} of ${w.v(exp).toLocaleString('en-US')} hours`
        : `${over.toFixed(0)}% data coverage`;
  const sentence = variant === 1 ? `Valid readings: ${fragment}, so the meter is essentially complete.` : `The meter reports ${fragment}, so the record is complete.`;
  const target = answer.findings[0];
  target.detail = `${sentence} ${target.detail}`;
  return { answer, proof: { kind: 'coverage-over', field: 'findings.0.detail', fragment } };
};

const confidenceContradiction: Defect = (ctx) => {
  const { answer } = base(ctx);
  if (ctx.rng.chance(0.5)) {
    const phrase = ctx.rng.pick(['Confidence is low', 'low confidence', 'these results are unreliable']);
    answer.summary += ` ${phrase === 'low confidence' ? 'Treat this with low confidence given the data.' : `${phrase} given the data quality.`}`;
    answer.confidence = ctx.rng.pick([0.9, 0.92, 0.95]);
    return { answer, proof: { kind: 'confidence', phrase, direction: 'says-low' } };
  }
  const phrase = ctx.rng.pick(['high confidence', 'Confidence is high', 'fully reliable']);
  answer.summary += ` ${phrase === 'high confidence' ? 'These conclusions are drawn with high confidence.' : `${phrase}: the data support every figure.`}`;
  answer.confidence = ctx.rng.pick([0.2, 0.25, 0.3]);
  return { answer, proof: { kind: 'confidence', phrase, direction: 'says-high' } };
};

const savingsMismatch: Defect = (ctx) => {
  if (ctx.type === 'data-quality-triage') return undefined;
  const { answer, w } = base(ctx);
  const idx = answer.recommendations.findIndex((r) => typeof r.estimatedSavingsPct === 'number');
  if (idx < 0 || !w.has(w.k('annualKwh'))) return undefined;
  const r = answer.recommendations[idx];
  const pct = r.estimatedSavingsPct as number;
  const realPct = ctx.rng.chance(0.5) ? pct * ctx.rng.pick([3, 4, 10]) : pct / ctx.rng.pick([3, 5]);
  r.estimatedAnnualSavingsKwh = Math.round((w.v(w.k('annualKwh')) * realPct) / 100);
  r.rationale =
    r.rationale.replace(/ (Estimated saving|Worth roughly|That is about).*$/, '') +
    ` Estimated saving ${pct} % (${r.estimatedAnnualSavingsKwh.toLocaleString('en-US')} kWh a year).`;
  return { answer, proof: { kind: 'savings-mismatch', index: idx } };
};

// ---------------------------------------------------------------- direction words, counts

const direction: Defect = (ctx) => {
  const { answer, w } = base(ctx);
  const m = ctx.data.metrics;
  const options: { fragment: string; check: string }[] = [];
  const eui = m[w.k('euiKwhPerSqm')];
  const med = m['peers.medianEuiKwhPerSqm'];
  if (eui !== undefined && med !== undefined && relDiff(eui, med) > 0.03) {
    const pct = ((Math.abs(eui - med) / med) * 100).toFixed(0);
    options.push({ fragment: `${pct} % ${eui > med ? 'below' : 'above'} the peer median`, check: eui > med ? 'eui-below' : 'eui-above' });
  }
  const nd = m[w.k('load.nightDayRatio')];
  if (nd !== undefined && nd < 0.85) options.push({ fragment: `night-time demand is higher than daytime demand (ratio ${sig(nd, 3)})`, check: 'night-above-day' });
  const ww = m[w.k('load.weekdayWeekendRatio')];
  if (ww !== undefined && ww > 1.25) options.push({ fragment: `weekend use is higher than weekday use (ratio ${sig(ww, 3)})`, check: 'weekend-above-weekday' });
  const slope = m[w.k('weather.slopeKwhPerDegC')];
  const r = m[w.k('weather.r')];
  if (slope !== undefined && r !== undefined && Math.abs(r) > 0.2) {
    options.push(
      slope < 0
        ? { fragment: `consumption rises in warm weather (${sig(Math.abs(slope), 3)} kWh per °C)`, check: 'slope-positive' }
        : { fragment: `consumption rises as it gets colder (${sig(Math.abs(slope), 3)} kWh per °C)`, check: 'slope-negative' },
    );
  }
  const high = ctx.data.anomalies.find((a) => a.kind.endsWith('high'));
  if (high)
    options.push({ fragment: `a sharp drop on ${high.date} (${sig(high.actualKwh, 4)} kWh against ${sig(high.expectedKwh, 4)} kWh expected)`, check: `anomaly-low:${high.date}` });
  if (options.length === 0) return undefined;
  const o = ctx.rng.pick(options);
  const lead = ctx.rng.pick(['Notably, ', 'The data show that ', 'In addition, ', '']);
  const sentence = `${lead}${lead ? o.fragment : o.fragment[0].toUpperCase() + o.fragment.slice(1)}.`;
  const idx = ctx.rng.int(0, answer.findings.length - 1);
  answer.findings[idx].detail += ` ${sentence}`;
  return { answer, proof: { kind: 'direction', field: `findings.${idx}.detail`, fragment: o.fragment, check: o.check } };
};

const wrongCount: Defect = (ctx) => {
  const { answer, w } = base(ctx);
  const m = ctx.data.metrics;
  const options: { fragment: string; claimed: number; metric: string }[] = [];
  const oc = m[w.k('coverage.outageCount')];
  if (oc !== undefined) {
    const claimed = oc + ctx.rng.pick([1, 2]);
    options.push({
      fragment: `${ctx.rng.chance(0.5) ? (['zero', 'one', 'two', 'three', 'four', 'five', 'six'][claimed] ?? claimed) : claimed} separate outages`,
      claimed,
      metric: w.k('coverage.outageCount'),
    });
  }
  const ac = m[w.k('anomalyCount')];
  if (ac !== undefined) {
    const claimed = ac + ctx.rng.pick([2, 3, -2]);
    if (claimed > 0) options.push({ fragment: `${claimed} anomalous periods were flagged in total`, claimed, metric: w.k('anomalyCount') });
  }
  const gs = m['peers.groupSize'];
  if (gs !== undefined) {
    const claimed = gs + ctx.rng.pick([2, 4, 10]);
    options.push({ fragment: `a peer group of ${claimed} buildings`, claimed, metric: 'peers.groupSize' });
  }
  if (options.length === 0) return undefined;
  const o = ctx.rng.pick(options);
  const sentence = o.fragment.startsWith('a peer') ? `Compared with ${o.fragment}, the building sits close to the median.` : `The record shows ${o.fragment}.`;
  const idx = ctx.rng.int(0, answer.findings.length - 1);
  answer.findings[idx].detail += ` ${sentence}`;
  return { answer, proof: { kind: 'count', field: `findings.${idx}.detail`, fragment: o.fragment, claimed: o.claimed, metric: o.metric } };
};

const pctConfusion: Defect = (ctx) => {
  const { answer, w } = base(ctx);
  const options = [w.k('coverage.coverageRatio'), w.k('load.loadFactor')].filter((n) => w.has(n) && w.v(n) < 1 && w.v(n) > 0.05);
  if (options.length === 0) return undefined;
  const metric = ctx.rng.pick(options);
  const value = w.v(metric);
  const fragment = metric.endsWith('coverageRatio') ? `coverage of only ${sig(value, 2)} %` : `a load factor of ${sig(value, 2)} %`;
  answer.findings[0].detail += ` The meter shows ${fragment}, which is very poor.`;
  return { answer, proof: { kind: 'pct-confusion', field: 'findings.0.detail', fragment, metric } };
};

// ---------------------------------------------------------------- whole-answer faults

const generic: Defect = (ctx) => {
  const use = (ctx.data.building.primaryUse ?? 'commercial').toLowerCase();
  const meter = ctx.data.meters[0] ?? 'electricity';
  const annual = ctx.data.metrics[`${meter}.annualKwh`];
  const euiName = `${meter}.euiKwhPerSqm`;
  const evidenceMetric = ctx.data.metrics[euiName] !== undefined ? euiName : `${meter}.annualKwh`;
  const ev = { metric: evidenceMetric, value: ctx.data.metrics[evidenceMetric] ?? 0 };
  const rec = (action: string, rationale: string, pct: number) => ({
    action,
    rationale,
    estimatedAnnualSavingsKwh: annual !== undefined ? Math.round((annual * pct) / 100) : null,
    estimatedSavingsPct: annual !== undefined ? pct : null,
    evidence: [ev],
    priority: 'medium' as const,
  });
  const answer: Answer = {
    summary: `Like most ${use} buildings, this one has clear opportunities to improve energy efficiency through better controls, upgraded equipment and occupant engagement.`,
    findings: [
      {
        title: 'Typical savings potential',
        detail: `${use[0].toUpperCase()}${use.slice(1)} buildings commonly waste energy through lighting left on, inefficient HVAC and plug loads; industry studies suggest typical savings of 10-30 %.`,
        evidence: [ev],
      },
      { title: 'Energy management', detail: 'Regular monitoring and an energy management system help identify waste and keep savings in place over time.', evidence: [ev] },
    ],
    recommendations: [
      rec('Install LED lighting', 'LED lighting uses far less energy than older lamps and lasts longer.', 5),
      rec('Upgrade HVAC equipment', 'Modern high-efficiency HVAC systems reduce energy consumption significantly.', 8),
      rec('Engage occupants', 'Awareness campaigns encourage staff to switch off equipment.', 2),
    ],
    dataIssuesAddressed: ctx.data.dataIssues.map((i) => ({ issue: i.kind, response: 'Data issues should be reviewed.' })),
    confidence: 0.7,
  };
  if (ctx.type === 'data-quality-triage') answer.recommendations = [];
  return { answer, proof: { kind: 'generic' } };
};

const wrongType: Defect = (ctx) => {
  const asType = ctx.type === 'building-diagnostic' ? 'data-quality-triage' : ctx.type === 'retrofit-plan' ? 'building-diagnostic' : 'retrofit-plan';
  const { answer } = goodAnswer(ctx.data, asType, ctx.style, ctx.rng);
  if (asType === 'building-diagnostic') {
    // a diagnostic's next steps: one investigation, nothing quantified
    answer.recommendations = answer.recommendations.filter((r) => r.estimatedAnnualSavingsKwh === null).slice(0, 1);
    if (answer.recommendations.length === 0) return undefined;
  }
  if (asType === 'data-quality-triage' && ctx.data.anomalies.length === 0) return undefined;
  if (asType === 'retrofit-plan') answer.findings = answer.findings.filter((f) => !f.evidence.some((e) => /coverage/.test(e.metric)));
  return { answer, proof: { kind: 'wrong-type', asType } };
};

const otherBuilding: Defect = (ctx) => {
  const candidates = ctx.others.filter((o) => o.buildingId !== ctx.data.building.id);
  if (candidates.length === 0) return undefined;
  const other = ctx.rng.pick(candidates);
  const { answer } = goodAnswer(other.data, ctx.type, { ...ctx.style, energy: 'sep' }, ctx.rng);
  return { answer, proof: { kind: 'other-building', otherId: other.buildingId } };
};

const refusal: Defect = (ctx) => {
  const meter = ctx.data.meters[0] ?? 'electricity';
  const name = ctx.data.metrics[`${meter}.coverage.coverageRatio`] !== undefined ? `${meter}.coverage.coverageRatio` : Object.keys(ctx.data.metrics)[0];
  const answer: Answer = {
    summary: ctx.rng.pick([
      'I am unable to provide a reliable analysis of this building from aggregated metrics alone; a site visit and sub-metered data would be needed first.',
      "I can't responsibly draw conclusions here without more detailed information about the building's systems and occupancy.",
      'A meaningful assessment is not possible from the information provided. Please supply interval data and building details.',
    ]),
    findings: [
      {
        title: 'Insufficient information',
        detail: 'The data provided do not allow firm conclusions about how this building uses energy.',
        evidence: [{ metric: name, value: ctx.data.metrics[name] ?? 0 }],
      },
    ],
    recommendations:
      ctx.type === 'retrofit-plan'
        ? [
            {
              action: 'Commission a detailed energy audit',
              rationale: 'An audit is needed before any measure can be sized.',
              estimatedAnnualSavingsKwh: null,
              estimatedSavingsPct: null,
              evidence: [{ metric: name, value: ctx.data.metrics[name] ?? 0 }],
              priority: 'high',
            },
            {
              action: 'Collect more data',
              rationale: 'More information is needed to recommend measures.',
              estimatedAnnualSavingsKwh: null,
              estimatedSavingsPct: null,
              evidence: [{ metric: name, value: ctx.data.metrics[name] ?? 0 }],
              priority: 'medium',
            },
          ]
        : [],
    dataIssuesAddressed: ctx.data.dataIssues.map((i) => ({ issue: i.kind, response: 'Cannot be assessed without further information.' })),
    confidence: 0.2,
  };
  return { answer, proof: { kind: 'refusal' } };
};

const ignoredIssues: Defect = (ctx) => {
  if (!ctx.data.dataIssues.some((i) => i.severity === 'warning' || i.severity === 'critical')) return undefined;
  const { answer } = base(ctx);
  answer.dataIssuesAddressed = [];
  for (const f of proseFields(answer)) {
    if (/outage|gap|missing readings|zero readings/i.test(f.get())) {
      f.set(
        f
          .get()
          .split(/(?<=\.)\s+/)
          .filter((s) => !/outage|gap|missing|zero/i.test(s))
          .join(' ') || 'Data reviewed.',
      );
    }
  }
  answer.recommendations = answer.recommendations.filter((r) => !/outage|gap|missing|zero|readings/i.test(r.action + r.rationale));
  if (ctx.type === 'retrofit-plan' && answer.recommendations.length < 2) return undefined;
  if (proseFields(answer).some((f) => /outage|gap|missing|zero/i.test(f.get()))) return undefined;
  answer.findings = answer.findings.filter((f) => f.detail.length >= 10);
  if (answer.findings.length === 0) return undefined;
  answer.confidence = 0.9;
  return { answer, proof: { kind: 'ignored-issues' } };
};

const unquantified: Defect = (ctx) => {
  if (ctx.type !== 'retrofit-plan') return undefined;
  const { answer } = base(ctx);
  for (const r of answer.recommendations) {
    r.estimatedAnnualSavingsKwh = null;
    r.estimatedSavingsPct = null;
    r.rationale = r.rationale.replace(/ (Estimated saving|Worth roughly|That is about).*$/, '');
  }
  answer.summary = ctx.rng.pick(['The plan lists the measures in priority order.', 'Several operational and retrofit measures are recommended for this building.']);
  return { answer, proof: { kind: 'unquantified' } };
};

const missingEstimated: Defect = (ctx) => {
  if (ctx.data.missing.length === 0) return undefined;
  const { answer, w } = base(ctx);
  const miss = ctx.rng.pick(ctx.data.missing);
  let fragment: string;
  if (miss.metric.includes('euiPercentile')) fragment = `roughly the ${ctx.rng.pick([35, 40, 55, 60, 65, 70])}th percentile of its peer group`;
  else if (miss.metric.includes('changePoint')) fragment = `a heating balance point of about ${ctx.rng.pick([13, 14, 15, 16])} °C`;
  else if (/sqm|floor/i.test(miss.metric)) fragment = `a floor area of about ${ctx.rng.pick([2500, 4000, 6000])} m²`;
  else fragment = `${miss.metric} of roughly ${ctx.rng.int(10, 90)}`;
  const sentence = ctx.rng.pick([`We estimate ${fragment}.`, `Our estimate puts the building at ${fragment}.`, `By inference, ${fragment} is likely.`]);
  const idx = ctx.rng.int(0, answer.findings.length - 1);
  answer.findings[idx].detail = answer.findings[idx].detail.replace(/[^.]*(unavailable|not available|too small|beat the straight line)[^.]*\.\s?/g, '').trim() + ` ${sentence}`;
  for (const f of answer.findings) if (f.title === 'Unavailable metrics') f.detail = `Derived metrics reviewed; see ${w.meter} findings.`;
  return { answer, proof: { kind: 'missing-estimated', field: `findings.${idx}.detail`, fragment, metric: miss.metric } };
};

const money: Defect = (ctx) => {
  const { answer, w } = base(ctx);
  const annual = ctx.data.metrics[w.k('annualKwh')] ?? 100000;
  const cost = Math.round((annual * ctx.rng.pick([0.12, 0.15, 0.18, 0.22])) / 100) * 100;
  const fragment = ctx.rng.pick([
    `£${cost.toLocaleString('en-US')} a year`,
    `$${cost.toLocaleString('en-US')} per year`,
    `€${cost.toLocaleString('en-US')} annually`,
    `a payback of ${ctx.rng.pick([2, 3, 4])} years`,
  ]);
  const sentence = fragment.startsWith('a payback') ? `At typical tariffs the measures have ${fragment}.` : `At current tariffs the electricity bill is roughly ${fragment}.`;
  if (answer.recommendations.length > 0 && ctx.rng.chance(0.6)) {
    answer.recommendations[0].rationale += ` ${sentence}`;
    return { answer, proof: { kind: 'money', field: 'recommendations.0.rationale', fragment } };
  }
  answer.summary += ` ${sentence}`;
  return { answer, proof: { kind: 'money', field: 'summary', fragment } };
};

const inventedMeter: Defect = (ctx) => {
  const meter = ['gas', 'water', 'steam', 'chilledwater'].find((m) => !ctx.data.meters.includes(m));
  if (!meter) return undefined;
  const { answer, w } = base(ctx);
  const annual = ctx.data.metrics[w.k('annualKwh')] ?? 100000;
  const value = Math.round(annual * (0.4 + ctx.rng.next() * 0.8));
  const label = meter === 'chilledwater' ? 'chilled water' : meter;
  const fragment = meter === 'water' ? `water use of ${Math.round(value / 500).toLocaleString('en-US')} m³` : `${label} consumption of ${value.toLocaleString('en-US')} kWh`;
  const idx = ctx.rng.int(0, answer.findings.length - 1);
  answer.findings[idx].detail += ` ${ctx.rng.pick(['The', 'Separately, the'])} ${label} meter shows ${fragment} over the same period.`;
  if (ctx.rng.chance(0.5)) answer.findings[idx].evidence.push({ metric: `${meter}.annualKwh`, value, unit: 'kWh' });
  return { answer, proof: { kind: 'invented-meter', field: `findings.${idx}.detail`, fragment, meter: label } };
};

const feature: Defect = (ctx) => {
  const { answer, w } = base(ctx);
  const peak = ctx.data.metrics[w.k('load.peakKw')] ?? 200;
  const fragment = ctx.rng.pick([
    `the ${Math.round(peak * 0.45)} kW chiller plant`,
    `the 2015 refurbishment, which cut use by ${ctx.rng.pick([8, 12, 15])} %`,
    `the ${ctx.rng.pick([50, 80, 120])} kWp rooftop PV array`,
    `its ${ctx.rng.pick([3, 4, 6])} air handling units`,
    `the ${ctx.rng.pick([20, 30, 40])}-year-old boiler plant`,
    `the data centre on the ${ctx.rng.pick(['second', 'third', 'ground'])} floor drawing ${Math.round(peak * 0.2)} kW`,
  ]);
  const sentence = ctx.rng.pick([`Much of the load comes from ${fragment}.`, `This is consistent with ${fragment}.`, `The profile reflects ${fragment}.`]);
  const idx = ctx.rng.int(0, answer.findings.length - 1);
  answer.findings[idx].detail += ` ${sentence}`;
  return { answer, proof: { kind: 'feature', field: `findings.${idx}.detail`, fragment } };
};

const period: Defect = (ctx) => {
  const { answer } = base(ctx);
  const year = Number(ctx.data.period.start.slice(0, 4) || '2019');
  const fragment = ctx.rng.pick([`during ${year - 1}`, `over the ${year - 2} calendar year`, 'over the 18 months of data', `since ${year - 3}`]);
  answer.summary = `${answer.summary.replace(/\.$/, '')} ${fragment}.`;
  return { answer, proof: { kind: 'period', field: 'summary', fragment } };
};

const truncated: Defect = (ctx) => {
  const { answer } = base(ctx);
  return { answer, proof: { kind: 'truncated' }, cut: 0.45 + ctx.rng.next() * 0.4 };
};

export const DEFECTS: Record<string, Defect> = {
  'wrong-number': wrongNumber,
  'digits-transposed': transposed,
  'order-of-magnitude': magnitude,
  'unit-confusion': unitConfusion,
  'wrong-evidence-value': wrongEvidence,
  'swap-same-sentence': swap(true),
  'swap-separate-sentences': swap(false),
  'anomaly-wrong-date': anomalyWrongDate,
  'anomaly-actual-expected-swapped': anomalySwap,
  'invented-anomaly': inventedAnomaly,
  'ignored-largest-anomaly': ignoredTopAnomaly,
  'impossible-savings': savingsOver,
  'impossible-coverage': coverageOver,
  'confidence-contradiction': confidenceContradiction,
  'savings-kwh-pct-mismatch': savingsMismatch,
  'direction-word-wrong': direction,
  'wrong-count': wrongCount,
  'fraction-as-percent': pctConfusion,
  'generic-advice': generic,
  'wrong-analysis-type': wrongType,
  'other-building': otherBuilding,
  'soft-refusal': refusal,
  'ignored-data-issues': ignoredIssues,
  'unquantified-savings': unquantified,
  'missing-metric-estimated': missingEstimated,
  'invented-cost': money,
  'invented-meter': inventedMeter,
  'hallucinated-feature': feature,
  'wrong-period': period,
  'truncated-output': truncated,
};

export const cleanStyles = (): Style[] => GOOD_STYLES.filter((s) => s.slip === undefined);
export { isMissing };
