import type { ChatResult } from '@eaio/providers';
import type { GateVerdict } from './pipeline-ports';

const REFUSAL = /\b(i can(?:'|no)t (?:help|assist|comply)|i(?:'m| am) (?:unable|not able) to|as an ai(?: language model)?,? i)\b/i;

/**
 * Quality gate for generic prompt jobs (JSONL intake), where no facts exist to ground
 * against: an answer must be non-empty, complete (not cut off), not a refusal, and valid
 * JSON when JSON was asked for. Weighted like the analysis gate; threshold from config.
 */
export const evaluateGenericAnswer = (result: ChatResult, options: { wantsJson: boolean; threshold: number }): GateVerdict => {
  const text = result.text.trim();
  const checks = {
    nonEmpty: { score: text.length >= 2 ? 1 : 0, weight: 0.2, issues: text.length >= 2 ? [] : ['empty answer'] },
    complete: {
      score: result.finishReason.unified === 'length' ? 0 : 1,
      weight: 0.3,
      issues: result.finishReason.unified === 'length' ? ['answer was cut off (max tokens reached)'] : [],
    },
    notRefusal: {
      score: REFUSAL.test(text) || result.finishReason.unified === 'content-filter' ? 0 : 1,
      weight: 0.3,
      issues: REFUSAL.test(text) ? ['answer is a refusal'] : [],
    },
    schema: { score: 1, weight: 0.2, issues: [] as string[] },
  };
  if (options.wantsJson) {
    const body = text.replace(/^```(?:json)?\s*/i, '').replace(/```\s*$/, '');
    try {
      JSON.parse(body);
    } catch {
      checks.schema = { score: 0, weight: 0.2, issues: ['JSON was requested but the answer is not valid JSON'] };
    }
  }
  const values = Object.values(checks);
  const score = values.reduce((sum, check) => sum + check.score * check.weight, 0) / values.reduce((sum, check) => sum + check.weight, 0);
  // Any failed hard check fails the answer outright.
  const hardFail = values.some((check) => check.score === 0 && check.weight >= 0.2);
  return { score: hardFail ? Math.min(score, options.threshold - 0.01) : score, pass: !hardFail && score >= options.threshold, threshold: options.threshold, checks };
};
