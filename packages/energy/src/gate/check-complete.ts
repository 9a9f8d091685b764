import type { AnalysisType } from '@eaio/core';
import { majorAnomalies, type PromptData } from '../prompts/prompt-data';
import { asArray, asRecord, asText, evidenceItems } from './answer-view';
import type { CheckOutcome } from './check-types';

/**
 * Completeness: every required section is there and non-empty; every data issue the
 * analysis type must address is addressed (`dataIssuesAddressed[].issue` = its kind);
 * for a diagnostic, each major anomaly is named by date in a finding; the key metrics
 * of the type are cited. Nothing the facts mark missing (absent from `metrics`) is
 * demanded: a retrofit plan for a building without consumption need not give kWh
 * savings, a diagnostic without floor area need not cite EUI, and one without an annual
 * figure (all readings zero, a few days of data) need not cite consumption at all: the
 * metered `totalKwh` then counts as a citation but is not demanded on its own.
 * Score: share of requirements met.
 */
export interface CompletenessOptions {
  /**
   * Major anomalies a diagnostic must address.
   * @defaultValue 3
   */
  majorAnomalyCount?: number;
}

/** Cite at least one of `cite` (per meter suffix) when the facts hold any of `when`. */
interface KeyMetricGroup {
  cite: string[];
  when: string[];
}
const CONSUMPTION: KeyMetricGroup = { cite: ['annualKwh', 'euiKwhPerSqm', 'totalKwh'], when: ['annualKwh', 'euiKwhPerSqm'] };
const LOAD: KeyMetricGroup = { cite: ['load.baseloadKw', 'load.peakKw', 'load.loadFactor'], when: ['load.baseloadKw', 'load.peakKw', 'load.loadFactor'] };
const COVERAGE: KeyMetricGroup = {
  cite: ['coverage.coverageRatio', 'coverage.validHours', 'coverage.zeroHours', 'coverage.missingHours'],
  when: ['coverage.coverageRatio', 'coverage.validHours', 'coverage.zeroHours', 'coverage.missingHours'],
};
const KEY_METRICS: Record<AnalysisType, KeyMetricGroup[]> = {
  'data-quality-triage': [COVERAGE],
  'building-diagnostic': [CONSUMPTION, LOAD],
  // The retrofit task asks for quantified savings (checked above), not for consumption to be cited.
  'retrofit-plan': [],
};

const normalizeKind = (text: string): string => text.toLowerCase().replace(/[\s_]+/g, '-');

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const mentionsDate = (text: string, date: string): boolean => {
  if (text.includes(date)) return true;
  const [year, month, day] = date.split('-');
  const monthName = MONTH_NAMES[Number(month) - 1];
  const dayNumber = String(Number(day));
  const dayFirst = new RegExp(`\\b${dayNumber}(?:st|nd|rd|th)?\\s+${monthName}\\w*\\.?(?:\\s+${year})?\\b`, 'i');
  const monthFirst = new RegExp(`\\b${monthName}\\w*\\.?\\s+${dayNumber}(?:st|nd|rd|th)?\\b`, 'i');
  return dayFirst.test(text) || monthFirst.test(text);
};

/** Words that name a data issue of each kind, for answers that do not copy the kind verbatim. */
const ISSUE_WORDS: Record<string, RegExp> = {
  outage: /outage|gap|no valid reading|missing/i,
  'low-coverage': /coverage|complete|missing|gaps?/i,
  'zero-runs': /zero|0 kwh|no consumption|heating off/i,
  'no-data': /no data|no readings|no valid|empty/i,
};

const addressesIssue = (kind: string, texts: string[]): boolean => {
  const normalized = normalizeKind(kind);
  const words = ISSUE_WORDS[normalized] ?? new RegExp(normalized.replace(/-/g, '[- ]?'), 'i');
  return texts.some((text) => normalizeKind(text).includes(normalized) || words.test(text));
};

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

const CANNOT_QUANTIFY = /\b(?:cannot|can't|can ?not|not possible to|unable to)\s+(?:be\s+)?(?:quantif|estimat)|\bunknown\b|\bnot (?:be )?quantifi|\bmissing\b|\bunavailable\b/i;

/** `citedInProse`: metrics the answer's prose states correctly (from the grounded check). */
export const checkComplete = (
  answer: unknown,
  data: PromptData,
  analysisType: AnalysisType,
  options: CompletenessOptions = {},
  citedInProse: Set<string> = new Set(),
): CheckOutcome => {
  const root = asRecord(answer);
  const issues: string[] = [];
  let required = 0;
  const require = (ok: boolean, issue: string) => {
    required += 1;
    if (!ok) issues.push(issue);
  };

  const summary = asText(root.summary) ?? '';
  require(summary.trim().length >= 20, 'summary is missing or too short');
  const findings = asArray(root.findings);
  require(findings.length >= 1, 'no findings');
  const recommendations = asArray(root.recommendations);
  require(Array.isArray(root.recommendations), 'recommendations section is missing');
  require(Array.isArray(root.dataIssuesAddressed), 'dataIssuesAddressed section is missing');
  require(typeof root.confidence === 'number' || typeof root.confidence === 'string', 'confidence is missing');

  if (analysisType === 'retrofit-plan') {
    require(recommendations.length >= 2, `retrofit plan needs at least 2 recommendations, has ${recommendations.length}`);
    const consumptionKnown = data.meters.some((meter) => `${meter}.annualKwh` in data.metrics);
    recommendations.forEach((raw, index) => {
      const recommendation = asRecord(raw);
      const explained = CANNOT_QUANTIFY.test(`${asText(recommendation.rationale) ?? ''} ${asText(recommendation.action) ?? ''}`);
      require(typeof recommendation.estimatedSavingsPct === 'number' ||
        !consumptionKnown ||
        explained, `recommendations[${index}] has no estimatedSavingsPct and does not say why`);
      if (consumptionKnown) {
        require(typeof recommendation.estimatedAnnualSavingsKwh === 'number' || explained, `recommendations[${index}] has no estimatedAnnualSavingsKwh and does not say why`);
      }
    });
  }

  const entries = asArray(root.dataIssuesAddressed).map((entry) => ({ issue: asText(asRecord(entry).issue) ?? '', response: asText(asRecord(entry).response) ?? '' }));
  const knownKinds = new Set(data.dataIssues.map((issue) => normalizeKind(issue.kind)));
  const mustAddress = data.dataIssues.filter((issue) => analysisType === 'data-quality-triage' || issue.severity !== 'info');
  for (const kind of new Set(mustAddress.map((issue) => issue.kind))) {
    // An entry labelled with a kind answers that kind; an unlabelled one is read by its words.
    const answering = entries.filter((entry) =>
      knownKinds.has(normalizeKind(entry.issue)) ? normalizeKind(entry.issue).includes(normalizeKind(kind)) : addressesIssue(kind, [entry.issue, entry.response]),
    );
    const count = mustAddress.filter((issue) => issue.kind === kind).length;
    // Several issues of one kind (five outages) need an entry each, or one that speaks of them all.
    const coversAll = answering.some((entry) => new RegExp(`\\b(?:all|each|every|both|${count}|${NUMBER_WORDS[count] ?? count})\\b`, 'i').test(entry.response));
    if (answering.length === 0) require(false, `data issue ${kind} is not addressed`);
    else require(answering.length >= count || coversAll, `${count} ${kind} issues, ${answering.length} addressed`);
  }

  if (analysisType === 'data-quality-triage' && data.meters.some((meter) => `${meter}.coverage.coverageRatio` in data.metrics)) {
    const coverageCited = findings.some((raw) => asArray(asRecord(raw).evidence).some((entry) => /coverage|hours/i.test(asText(asRecord(entry).metric) ?? '')));
    require(coverageCited, 'no finding cites coverage evidence (the task asks for one)');
  }

  if (analysisType === 'building-diagnostic') {
    const findingText = findings
      .map((raw) => {
        const finding = asRecord(raw);
        const evidence = asArray(finding.evidence)
          .map((entry) => asText(asRecord(entry).metric) ?? '')
          .join(' ');
        return `${asText(finding.title) ?? ''} ${asText(finding.detail) ?? ''} ${evidence}`;
      })
      .join('\n');
    // "Address each of the largest anomalies": the largest (by |robustZ|) must be addressed, and
    // at least `majorAnomalyCount` − 1 of the largest `majorAnomalyCount + 2` (writers rank them
    // by robustZ, by kWh or by deviation; a terse answer covers two).
    const count = options.majorAnomalyCount ?? 3;
    const largest = majorAnomalies(data, count + 2);
    if (largest.length > 0) {
      require(mentionsDate(findingText, largest[0].date), `the largest anomaly (${largest[0].kind} on ${largest[0].date}) is not addressed`);
      const needed = Math.min(Math.max(1, count - 1), largest.length);
      const named = largest.filter((anomaly) => mentionsDate(findingText, anomaly.date));
      require(named.length >= needed, `addresses ${named.length} of the largest anomalies (${largest.map((anomaly) => anomaly.date).join(', ')}); at least ${needed} expected`);
    }
  }

  const cited = new Set([...evidenceItems(answer).map((item) => item.metric), ...citedInProse]);
  for (const group of KEY_METRICS[analysisType]) {
    const present = (suffixes: string[]) => data.meters.flatMap((meter) => suffixes.map((suffix) => `${meter}.${suffix}`)).filter((name) => name in data.metrics);
    if (present(group.when).length === 0) continue;
    require(present(group.cite).some((name) => cited.has(name)), `cites none of ${group.cite.join(' / ')}`);
  }

  return { score: required === 0 ? 1 : (required - issues.length) / required, issues };
};
