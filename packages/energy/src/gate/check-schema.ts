import type { AnalysisType } from '@eaio/core';
import { answerSchemaFor } from '../answer-schema';
import type { CheckOutcome } from './check-types';

/**
 * Schema validity of the parsed answer. Score 1 when valid; otherwise 1 − 0.25 per
 * top-level section with an issue (never below 0).
 */
export const checkSchema = (value: unknown, analysisType: AnalysisType): CheckOutcome => {
  const result = answerSchemaFor(analysisType).safeParse(value);
  if (result.success) return { score: 1, issues: [] };
  const issues = result.error.issues.slice(0, 12).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  const sections = new Set(result.error.issues.map((issue) => String(issue.path[0] ?? '(root)')));
  return { score: Math.max(0, 1 - 0.25 * sections.size), issues };
};
