import { asArray, asRecord, asText } from './answer-view';
import type { CheckOutcome } from './check-types';

/**
 * Not a refusal, an apology or boilerplate: the summary must say something about this
 * building (not "I cannot help", "as an AI", "lorem ipsum", "N/A", placeholders), and
 * findings must not all repeat one text.
 */
const REFUSAL = /\b(?:i\s*(?:'m|am)\s+(?:sorry|unable|not able)|i\s+(?:cannot|can't|can not|won't)\s+(?:help|assist|provide|comply|do)|as an ai\b|as a language model|i apologi[sz]e|unable to (?:assist|help|comply)|cannot (?:assist|comply) with)/i;
const BOILERPLATE = /\b(?:lorem ipsum|placeholder|todo|tbd|insert (?:summary|text) here|not applicable|n\/a)\b|^\s*(?:summary|none|null|\.+|-+)\s*$/i;

export const checkNotRefusal = (answer: unknown, rawText: string): CheckOutcome => {
  const issues: string[] = [];
  const root = asRecord(answer);
  const summary = asText(root.summary) ?? '';
  if (REFUSAL.test(summary) || (summary === '' && REFUSAL.test(rawText))) issues.push('the answer is a refusal');
  if (BOILERPLATE.test(summary)) issues.push('the summary is boilerplate');
  const details = asArray(root.findings).map((raw) => (asText(asRecord(raw).detail) ?? '').trim().toLowerCase()).filter(Boolean);
  if (details.length >= 2 && new Set(details).size === 1) issues.push('every finding repeats the same text');
  if (details.some((detail) => REFUSAL.test(detail))) issues.push('a finding is a refusal');
  return { score: issues.length === 0 ? 1 : 0, issues };
};
