import { asArray, asRecord, asText } from './answer-view';
import type { CheckOutcome } from './check-types';

/**
 * Refusal against caveat. An answer fails when it declines the task — a hard refusal
 * ("I cannot help", "as an AI"), or a soft one ("a meaningful analysis … is not possible",
 * "the data is insufficient to provide …") in its summary — or when its summary is
 * boilerplate or every finding repeats one text. An honest caveat inside a full answer
 * ("I cannot provide cost estimates", "Gas: not applicable", "N/A" for one field) passes:
 * what decides is whether the answer still does the analysis, which the summary says.
 * Prose that states no figure of the building at all is generic advice and fails too.
 */
const HARD_REFUSAL =
  /\b(?:i\s*(?:'m|am)\s+(?:sorry|unable|not able)|i\s+(?:cannot|can't|can not|won't|will not)\s+(?:help|assist|comply|do (?:this|that))|as an ai\b|as a language model|i apologi[sz]e|unable to (?:assist|help|comply)|cannot (?:assist|comply) with)/i;
const TASK =
  '(?:analys[ie]s|analy[sz]e|assessment|assess|diagnos\\w*|evaluation|evaluate|plan|triage|review|conclusions?|recommendations?|insights?|judg(?:e)?ment|interpret\\w*|determin\\w*|characteri[sz]\\w*)';
const SOFT_REFUSAL = new RegExp(
  [
    `\\b(?:no|a|any)\\s+(?:meaningful|reliable|useful|proper|robust|credible|sound|definitive|valid)?\\s*${TASK}\\b[^.]{0,80}\\b(?:is|was|would be|can be|could be)\\s+(?:not\\s+)?(?:possible|feasible|impossible|infeasible|undertaken|produced|given|provided|made|drawn|offered)`,
    `\\b(?:cannot|can't|can ?not|could not|couldn't|unable to|not (?:possible|able|feasible) to|impossible to|decline to|refrain from|(?:is|are) insufficient to|do(?:es)? not (?:allow|permit|support)(?: (?:me|us))? to)\\s+(?:\\w+\\s+){0,3}?(?:provide|perform|produce|carry out|complete|offer|give|draw|make|reach|conduct|deliver|undertake)?\\s*(?:a|an|the|any|this|meaningful|reliable|useful|specific|definitive|\\s)*(?:(?!cost|financ|payback|pric|tariff|econom|invest|capital|carbon|emission)[\\w-]+\\s+){0,3}?${TASK}`,
    `\\b(?:not (?:in a position|comfortable)|beyond (?:my|the) (?:scope|ability))\\b`,
    `\\b(?:further|more|additional) (?:data|information|context) (?:is|are|would be) (?:needed|required) before (?:any|an?|the)\\s+(?:\\w+\\s+)?${TASK}`,
  ].join('|'),
  'i',
);
const BOILERPLATE = /\b(?:lorem ipsum|placeholder|todo|tbd|insert (?:summary|text) here)\b|^\s*(?:summary|none|null|n\/a|not applicable|\.+|-+)\s*$/i;

/** `substance`: figures of the facts the answer states correctly; a triage may say the data is unfit for analysis. */
export const checkNotRefusal = (answer: unknown, rawText: string, options: { triage?: boolean; substance?: number } = {}): CheckOutcome => {
  const issues: string[] = [];
  const root = asRecord(answer);
  const summary = asText(root.summary) ?? '';
  const findings = asArray(root.findings).map((raw) => asRecord(raw));
  const details = findings.map((finding) => (asText(finding.detail) ?? '').trim().toLowerCase()).filter(Boolean);
  if (HARD_REFUSAL.test(summary) || (summary === '' && HARD_REFUSAL.test(rawText))) issues.push('the answer is a refusal');
  else {
    const soft = SOFT_REFUSAL.exec(summary) ?? (summary === '' ? SOFT_REFUSAL.exec(rawText) : null);
    // A triage may say the data is unfit for analysis; declining the triage itself is still a refusal.
    const triageVerdict = options.triage && (options.substance ?? 0) >= 3 && !/\btriage\b|\bdata[- ]quality\b/i.test(soft?.[0] ?? '');
    if (soft && !triageVerdict) issues.push(`the summary declines the analysis: "${summary.slice(0, 140)}"`);
  }
  if (BOILERPLATE.test(summary)) issues.push('the summary is boilerplate');
  if (details.length >= 2 && new Set(details).size === 1) issues.push('every finding repeats the same text');
  const refusingFindings = details.filter((detail) => HARD_REFUSAL.test(detail) || SOFT_REFUSAL.test(detail));
  if (details.length > 0 && refusingFindings.length === details.length) issues.push('every finding declines the analysis');
  // Advice that never states a figure of this building ("LED lighting usually saves 20 %") is not an analysis of it.
  if (options.substance === 0 && details.length > 0) issues.push('the prose states no figure of this building: generic advice, not an analysis of its data');
  return { score: issues.length === 0 ? 1 : 0, issues };
};
