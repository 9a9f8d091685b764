/**
 * Writer D: assembles a whole answer for one analysis type in one style, and renders it
 * as raw model output (bare JSON, code fence, preamble, trailing note).
 */
import { type BuildingData, type Rng, isMissing } from './data.js';
import {
  type Answer,
  type Finding,
  type Style,
  Writer,
  anomaliesCombined,
  anomalyFinding,
  confidenceFor,
  consumption,
  coverage,
  dataFixes,
  issueResponse,
  loadShape,
  monthly,
  nextSteps,
  peers,
  retrofitRecs,
  weather,
} from './writer.js';

export const TYPES = ['data-quality-triage', 'building-diagnostic', 'retrofit-plan'] as const;

const present = <T>(items: (T | undefined)[]): T[] => items.filter((x): x is T => x !== undefined);

const issuesFor = (w: Writer, type: string) =>
  w.data.dataIssues.filter((i) => type === 'data-quality-triage' || i.severity === 'warning' || i.severity === 'critical').map((i) => issueResponse(w, i, type));

const summaryFor = (w: Writer, type: string, answer: Answer): string => {
  const use = (w.data.building.primaryUse ?? 'building').toLowerCase();
  const annual = w.k('annualKwh');
  const issues = w.data.dataIssues.length;
  if (type === 'data-quality-triage') {
    const cov = w.k('coverage.coverageRatio');
    const fit = w.has(cov) && w.v(cov) >= 0.95 ? 'fit for analysis' : 'usable only with care';
    const outages = w.k('coverage.outageCount');
    const outageText = w.has(outages) && w.v(outages) > 0 ? `${w.count(outages)} outage${w.v(outages) === 1 ? '' : 's'}` : 'no outages';
    return w.sp(
      w.rng.pick([
        `The ${w.meter} data are ${fit}: coverage is ${w.pct(cov)} with ${outageText}.`,
        `Coverage of ${w.pct(cov)} and ${outageText}; the data are ${fit}${w.data.missing.length > 0 ? ', though some derived metrics are unavailable' : ''}.`,
      ]),
    );
  }
  if (type === 'building-diagnostic') {
    const parts = [`This ${use} building uses ${w.has(annual) ? w.kwh(annual) : 'an unknown amount of energy'} a year`];
    const eui = w.k('euiKwhPerSqm');
    if (w.has(eui) && w.has('peers.medianEuiKwhPerSqm')) {
      const diff = w.v(eui) - w.v('peers.medianEuiKwhPerSqm');
      parts.push(Math.abs(diff / w.v('peers.medianEuiKwhPerSqm')) < 0.005 ? 'in line with its peers' : diff > 0 ? 'above the peer median' : 'below the peer median');
    }
    const top = w.data.anomalies[0];
    const tail = top ? ` The largest anomaly is on ${top.date}.` : '';
    return w.sp(`${parts.join(', ')}.${tail}${issues > 0 ? ` ${issues === 1 ? 'One outage limits' : 'Outages limit'} some of the figures.` : ''}`);
  }
  const quantified = answer.recommendations.filter((r) => typeof r.estimatedAnnualSavingsKwh === 'number');
  const total = quantified.reduce((a, r) => a + (r.estimatedAnnualSavingsKwh ?? 0), 0);
  const pct = quantified.reduce((a, r) => a + (r.estimatedSavingsPct ?? 0), 0);
  return w.sp(
    w.rng.pick([
      `${answer.recommendations.length > 3 ? 'Several' : answer.recommendations.length === 2 ? 'Two' : 'Three'} measures are proposed, together worth about ${w.own(total)} kWh (${pct} %) a year; the largest is "${[...quantified].sort((a, b) => (b.estimatedAnnualSavingsKwh ?? 0) - (a.estimatedAnnualSavingsKwh ?? 0))[0]?.action ?? 'none'}".`,
      `A prioritised plan for this ${use} building: combined savings of roughly ${pct} % of annual use.`,
      `The plan puts "${answer.recommendations[0]?.action ?? 'none'}" first; estimated savings total ${w.own(total)} kWh a year.`,
    ]),
  );
};

export const goodAnswer = (data: BuildingData, type: string, style: Style, rng: Rng): { answer: Answer; writer: Writer } => {
  const w = new Writer(data, style, rng);
  const answer: Answer = { summary: '', findings: [], recommendations: [], dataIssuesAddressed: [], confidence: 0 };
  const nTop = style.terse ? Math.min(3, data.anomalies.length) : rng.pick([3, 4, 5]);
  const top = data.anomalies.slice(0, Math.min(nTop, data.anomalies.length));
  if (type === 'data-quality-triage') {
    answer.findings = present<Finding>([coverage(w), style.terse ? undefined : weather(w), style.caveats || style.derived ? monthly(w) : undefined]);
    if (data.missing.length > 0 && !style.terse) {
      answer.findings.push({
        title: 'Unavailable metrics',
        detail: w.sp(`Not available: ${data.missing.map((m) => `${m.metric} (${m.reason})`).join('; ')}.`),
        evidence: [w.ev(w.k('coverage.coverageRatio'))],
      });
    }
    answer.recommendations = dataFixes(w);
  } else if (type === 'building-diagnostic') {
    const anomalyFindings = style.lists && top.length > 1 ? [anomaliesCombined(w, top)] : top.map((a) => anomalyFinding(w, a));
    const core = style.terse
      ? [consumption(w), loadShape(w), weather(w)]
      : [consumption(w), peers(w), loadShape(w), weather(w), style.derived || style.caveats ? monthly(w) : undefined];
    answer.findings = [...present<Finding>(core), ...anomalyFindings];
    answer.recommendations = nextSteps(w, data.anomalies[0]);
  } else {
    const core = style.terse ? [loadShape(w)] : [consumption(w), loadShape(w), rng.chance(0.5) ? weather(w) : peers(w)];
    answer.findings = present<Finding>(core);
    answer.recommendations = retrofitRecs(w, style.terse ? 2 : rng.int(2, 4));
  }
  if (answer.findings.length === 0) answer.findings.push(coverage(w));
  answer.dataIssuesAddressed = issuesFor(w, type);
  if (style.caveats) {
    const caveat = [
      'Costs cannot be estimated from these data (no tariff is given).',
      isMissing(data, 'peers.euiPercentile') ? 'The peer percentile is unavailable.' : '',
      data.meters.includes('gas') ? '' : 'Gas: not applicable, only electricity is metered.',
    ].filter(Boolean);
    answer.findings[0].detail += ` ${w.sp(rng.pick(caveat))}`;
  }
  answer.summary = summaryFor(w, type, answer);
  answer.confidence = confidenceFor(w);
  return { answer, writer: w };
};

/** The small-model format slips a good answer may carry. */
export const applySlip = (answer: Answer, style: Style, rng: Rng, meterCount = 1): void => {
  if (style.slip === 'confidence-word') {
    const c = Number(answer.confidence);
    answer.confidence = c >= 0.8 ? 'high' : c >= 0.5 ? 'medium' : 'low';
  }
  const entries = answer.findings.flatMap((f) => f.evidence).filter((e) => style.slip !== 'metric-variant' || !/\.(anomaly|monthly)\./.test(e.metric));
  if (entries.length === 0) return;
  const entry = rng.pick(entries);
  if (style.slip === 'number-string') entry.value = String(entry.value);
  if (style.slip === 'metric-variant' && entry.metric.includes('.')) {
    const parts = entry.metric.split('.');
    const variants = [
      parts.length > 2 ? `${parts[0]}.${parts[parts.length - 1]}` : meterCount > 1 ? entry.metric : parts[parts.length - 1],
      entry.metric.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      meterCount > 1 ? entry.metric : parts.slice(1).join('.'),
    ].filter((v) => v !== entry.metric && v.length > 0);
    entry.metric = rng.pick(variants);
  }
};

const PREAMBLES = [
  'Here is the analysis:',
  'Sure. Below is the JSON object for this building.',
  'Based on the data provided, here is my assessment.',
  'Here is the structured analysis you asked for:',
];
const TRAILERS = [
  'All figures are taken from the data block.',
  'Let me know if you need the analysis broken down further.',
  'Note: the confidence reflects the data issues listed above.',
];

export const render = (answer: unknown, wrapper: string, rng: Rng): string => {
  const pretty = JSON.stringify(answer, null, rng.pick([2, 2, 4]));
  switch (wrapper) {
    case 'compact':
      return JSON.stringify(answer);
    case 'fence':
      return `\`\`\`json\n${pretty}\n\`\`\``;
    case 'preamble':
      return `${rng.pick(PREAMBLES)}\n\n${pretty}`;
    case 'preamble-fence':
      return `${rng.pick(PREAMBLES)}\n\n\`\`\`${rng.pick(['json', ''])}\n${pretty}\n\`\`\``;
    case 'trailer':
      return `${pretty}\n\n${rng.pick(TRAILERS)}`;
    default:
      return pretty;
  }
};
