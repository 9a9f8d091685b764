import type { AnalysisType } from '@eaio/core';
import type { AnalysisAnswer } from '../answer-schema';
import { pick, type Random } from './random-tools';

/** Text that no lenient reader can turn into the answer object. */
export const breakJson = (json: string, random: Random): { text: string; how: string } => {
  const variant = Math.floor(random() * 4);
  if (variant === 0) {
    const cut = Math.floor(json.length * (0.3 + random() * 0.6));
    return { text: json.slice(0, cut), how: 'truncated' };
  }
  if (variant === 1) return { text: json.replace(/"([A-Za-z]+)":/g, '$1:'), how: 'unquoted-keys' };
  if (variant === 2) return { text: json.replace(/"/g, "'"), how: 'single-quotes' };
  return {
    text: `Summary of the analysis\n\n${pick(['- Consumption is high.', '* The baseload looks large.'], random)}\n- See recommendations below: {findings: [...]`,
    how: 'markdown',
  };
};

const REQUIRED: Record<AnalysisType, (keyof AnalysisAnswer)[]> = {
  'data-quality-triage': ['summary', 'findings', 'dataIssuesAddressed', 'confidence', 'recommendations'],
  'building-diagnostic': ['summary', 'findings', 'recommendations', 'dataIssuesAddressed', 'confidence'],
  'retrofit-plan': ['summary', 'findings', 'recommendations', 'dataIssuesAddressed'],
};

/** Drops one or two required sections, or empties the findings. */
export const dropSections = (answer: AnalysisAnswer, analysisType: AnalysisType, random: Random): { value: Record<string, unknown>; dropped: string[] } => {
  const value: Record<string, unknown> = { ...answer };
  const candidates = [...REQUIRED[analysisType]];
  const dropped: string[] = [];
  const count = random() < 0.7 ? 1 : 2;
  for (let index = 0; index < count && candidates.length > 0; index += 1) {
    const key = candidates.splice(Math.floor(random() * candidates.length), 1)[0];
    if (key === 'findings' && random() < 0.4) {
      value.findings = [];
      dropped.push('findings(empty)');
    } else if (key === 'recommendations' && analysisType === 'retrofit-plan' && random() < 0.4) {
      value.recommendations = (answer.recommendations ?? []).slice(0, 1);
      dropped.push('recommendations(only-one)');
    } else {
      delete value[key];
      dropped.push(key);
    }
  }
  return { value, dropped };
};
