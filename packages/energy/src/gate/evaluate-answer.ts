import type { AnalysisType } from '@eaio/core';
import { parseAnswerText } from '../answer-parse';
import { promptData, type PromptData } from '../prompts/prompt-data';
import type { BuildingFacts } from '../types';
import { checkComplete } from './check-complete';
import { checkConsistent } from './check-consistent';
import { checkGrounded, type GateClaim } from './check-grounded';
import { checkNotRefusal } from './check-not-refusal';
import { checkPlausible } from './check-plausible';
import { checkSchema } from './check-schema';
import { CHECK_NAMES, type CheckName, type CheckOutcome, type CheckResult } from './check-types';
import { HARD_CHECK_MARGIN, MAX_SLIP_DEDUCTION, resolveGateOptions, SLIP_DEDUCTION, type QualityGateOptions } from './gate-options';
import { normalizeAnswer } from './normalize-answer';

export interface GateResult {
  /** Weighted score 0..1, capped below the threshold when a hard check has an issue. */
  score: number;
  pass: boolean;
  threshold: number;
  checks: Record<CheckName, CheckResult>;
  /** Notes about lenient parsing (code fence stripped, …) and format slips read forgivingly. */
  repairs: string[];
  /** Every figure the answer states, with what it matched or why it did not. */
  claims: GateClaim[];
}

/**
 * The grounded quality gate: scores a model's answer text against the facts the prompt
 * showed. Pure and synchronous; the same text, facts and options give the same result.
 * Every verdict explains itself: per-check scores and issues, and the list of claims.
 */
export const evaluateAnswer = (text: string, facts: BuildingFacts | PromptData, analysisType: AnalysisType, options: QualityGateOptions = {}): GateResult => {
  const resolved = resolveGateOptions(analysisType, options);
  const data = 'metrics' in facts ? facts : promptData(facts);
  const parsed = parseAnswerText(text);
  let outcomes: Record<CheckName, CheckOutcome>;
  let claims: GateClaim[] = [];
  let repairs: string[] = [];
  let slips: string[] = [];
  if (!parsed.ok) {
    const unreadable = { score: 0, issues: ['answer is not readable JSON'] };
    outcomes = {
      schema: { score: 0, issues: [parsed.error] },
      complete: unreadable,
      grounded: unreadable,
      consistent: unreadable,
      plausible: unreadable,
      notRefusal: checkNotRefusal({}, text),
    };
  } else {
    const normalized = normalizeAnswer(parsed.value);
    const answer = normalized.value;
    const grounded = checkGrounded(answer, data, resolved.tolerance);
    claims = grounded.claims;
    slips = [...normalized.slips, ...grounded.slips];
    repairs = parsed.repaired;
    outcomes = {
      schema: checkSchema(answer, analysisType),
      complete: checkComplete(answer, data, analysisType, resolved.completeness, grounded.matchedMetrics),
      grounded: { score: grounded.score, issues: grounded.issues },
      consistent: checkConsistent(answer, data, analysisType),
      plausible: checkPlausible(answer, data),
      notRefusal: checkNotRefusal(answer, text, { triage: analysisType === 'data-quality-triage', substance: grounded.matchedProse }),
    };
  }
  const checks = Object.fromEntries(CHECK_NAMES.map((name) => [name, { ...outcomes[name], weight: resolved.weights[name] }])) as Record<CheckName, CheckResult>;
  let score = CHECK_NAMES.reduce((sum, name) => sum + checks[name].score * checks[name].weight, 0);
  score -= Math.min(MAX_SLIP_DEDUCTION, SLIP_DEDUCTION * slips.length);
  if (resolved.hardChecks.some((name) => checks[name].issues.length > 0)) {
    score = Math.min(score, Math.max(0, resolved.threshold - HARD_CHECK_MARGIN));
  }
  score = Math.max(0, Math.round(score * 1e4) / 1e4);
  return { score, pass: score >= resolved.threshold, threshold: resolved.threshold, checks, repairs: [...repairs, ...slips], claims };
};
