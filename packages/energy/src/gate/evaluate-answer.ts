import type { AnalysisType } from '@eaio/core';
import { parseAnswerText } from '../answer-parse';
import { promptData, type PromptData } from '../prompts/prompt-data';
import type { BuildingFacts } from '../types';
import { checkComplete } from './check-complete';
import { checkGrounded } from './check-grounded';
import { checkNotRefusal } from './check-not-refusal';
import { checkPlausible } from './check-plausible';
import { checkSchema } from './check-schema';
import { CHECK_NAMES, type CheckName, type CheckOutcome, type CheckResult } from './check-types';
import { HARD_CHECK_MARGIN, resolveGateOptions, type QualityGateOptions } from './gate-options';

export interface GateResult {
  /** Weighted score 0..1, capped below the threshold when a hard check has an issue. */
  score: number;
  pass: boolean;
  threshold: number;
  checks: Record<CheckName, CheckResult>;
  /** Notes about lenient parsing (code fence stripped, …). */
  repairs: string[];
}

/**
 * The grounded quality gate: scores a model's answer text against the facts the prompt
 * showed. Pure and synchronous; the same text, facts and options give the same result.
 */
export const evaluateAnswer = (
  text: string,
  facts: BuildingFacts | PromptData,
  analysisType: AnalysisType,
  options: QualityGateOptions = {},
): GateResult => {
  const resolved = resolveGateOptions(analysisType, options);
  const data = 'metrics' in facts ? facts : promptData(facts);
  const parsed = parseAnswerText(text);
  let outcomes: Record<CheckName, CheckOutcome>;
  if (!parsed.ok) {
    const unreadable = { score: 0, issues: ['answer is not readable JSON'] };
    outcomes = { schema: { score: 0, issues: [parsed.error] }, complete: unreadable, grounded: unreadable, plausible: unreadable, notRefusal: checkNotRefusal({}, text) };
  } else {
    const grounded = checkGrounded(parsed.value, data, resolved.tolerance);
    outcomes = {
      schema: checkSchema(parsed.value, analysisType),
      complete: checkComplete(parsed.value, data, analysisType, resolved.completeness),
      grounded: { score: grounded.score, issues: grounded.issues },
      plausible: checkPlausible(parsed.value, data),
      notRefusal: checkNotRefusal(parsed.value, text),
    };
  }
  const checks = Object.fromEntries(CHECK_NAMES.map((name) => [name, { ...outcomes[name], weight: resolved.weights[name] }])) as Record<CheckName, CheckResult>;
  let score = CHECK_NAMES.reduce((sum, name) => sum + checks[name].score * checks[name].weight, 0);
  if (resolved.hardChecks.some((name) => checks[name].issues.length > 0)) {
    score = Math.min(score, Math.max(0, resolved.threshold - HARD_CHECK_MARGIN));
  }
  score = Math.round(score * 1e4) / 1e4;
  return { score, pass: score >= resolved.threshold, threshold: resolved.threshold, checks, repairs: parsed.ok ? parsed.repaired : [] };
};
