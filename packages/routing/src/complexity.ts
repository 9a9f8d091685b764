import { isAnalysisType, type AnalysisType, type GenericTaskType, type TaskType } from '@eaio/core';
import type { BuildingFeatures, RouteJob } from './route-job';
import { roundScore } from './tier-order';

/** One reason the score moved. Contributions add up (before clamping to 0..1) to the score. */
export interface ComplexityFactor {
  name: string;
  contribution: number;
  /** What was seen, e.g. the matched keywords. */
  detail?: string;
}

export interface ComplexityScore {
  /** 0 = trivial, 1 = hardest. */
  score: number;
  factors: ComplexityFactor[];
}

const ANALYSIS_BASE: Record<AnalysisType, number> = {
  'data-quality-triage': 0.15,
  'building-diagnostic': 0.45,
  'retrofit-plan': 0.7,
};

const GENERIC_BASE: Record<GenericTaskType, number> = {
  classification: 0.05,
  extraction: 0.1,
  summarization: 0.25,
  qa: 0.25,
  generic: 0.25,
  code: 0.45,
  reasoning: 0.5,
};

const baseFor = (taskType: TaskType): number => (isAnalysisType(taskType) ? ANALYSIS_BASE[taskType] : (GENERIC_BASE[taskType] ?? GENERIC_BASE.generic));

/** Words that ask for multi-step work. Each distinct match adds 0.06, at most 0.24. */
const COMPLEX_KEYWORDS: readonly [string, RegExp][] = [
  ['analyse', /\banaly[sz](e|es|ed|ing|is)\b/i],
  ['compare', /\bcompar(e|es|ed|ing|ison)\b/i],
  ['plan', /\bplan(s|ned|ning)?\b/i],
  ['derive', /\bderiv(e|es|ed|ing|ation)\b/i],
  ['optimize', /\boptimi[sz](e|es|ed|ing|ation)\b/i],
  ['evaluate', /\bevaluat(e|es|ed|ing|ion)\b/i],
  ['justify', /\bjustif(y|ies|ied|ication)\b/i],
  ['design', /\bdesign(s|ed|ing)?\b/i],
  ['prove', /\b(prove|proof)\b/i],
  ['trade-off', /\btrade-?offs?\b/i],
  ['recommend', /\brecommend(s|ed|ation|ations)?\b/i],
  ['diagnose', /\bdiagnos(e|es|ed|is|tic)\b/i],
  ['step by step', /\bstep[- ]by[- ]step\b/i],
  ['calculate', /\b(calculat|estimat)(e|es|ed|ing|ion)\b/i],
  ['explain why', /\b(explain why|why does|why do|why is)\b/i],
];

/** Words that ask for a short, closed answer. Each distinct match subtracts 0.05, at most 0.15. */
const SIMPLE_KEYWORDS: readonly [string, RegExp][] = [
  ['classify', /\bclassif(y|ies|ication)\b/i],
  ['extract', /\bextract(s|ed|ing)?\b/i],
  ['yes/no', /\byes\s*(\/|or)\s*no\b/i],
  ['true/false', /\btrue\s*(\/|or)\s*false\b/i],
  ['label', /\blabel(s|led)?\b/i],
  ['categorize', /\b(categori[sz]e|which category)\b/i],
  ['translate', /\btranslat(e|ion)\b/i],
  ['sentiment', /\bsentiment\b/i],
];

const CODE_PATTERN = /```|\bfunction\s+\w+\s*\(|\bdef\s+\w+\s*\(|\bclass\s+\w+|=>\s*[{(]|#include\s*<|\bimport\s+[\w{].*\bfrom\b|\bSELECT\b[\s\S]+\bFROM\b|;\s*\n\s*[\w$]+\s*[=(]/;

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));
const finiteOr = (value: number, fallback: number): number => (Number.isFinite(value) ? value : fallback);

/** Approximate tokens as characters / 4 (no tokenizer in a pure function). */
export const approximateTokens = (text: string): number => Math.ceil(text.length / 4);

const promptFactors = (prompt: string, taskType: TaskType): ComplexityFactor[] => {
  const tokens = approximateTokens(prompt);
  // 0 up to ~250 tokens, rising on a log scale to 0.25 at ~8000 tokens.
  const length = 0.25 * clamp(Math.log2(Math.max(tokens, 1) / 250) / 5, 0, 1);
  const complex = COMPLEX_KEYWORDS.filter(([, pattern]) => pattern.test(prompt)).map(([name]) => name);
  const simple = SIMPLE_KEYWORDS.filter(([, pattern]) => pattern.test(prompt)).map(([name]) => name);
  const hasCode = CODE_PATTERN.test(prompt);
  return [
    { name: `task type ${taskType}`, contribution: baseFor(taskType) },
    { name: 'length', contribution: roundScore(length), detail: `~${tokens} tokens` },
    { name: 'complex keywords', contribution: roundScore(Math.min(0.24, 0.06 * complex.length)), detail: complex.join(', ') || 'none' },
    { name: 'simple keywords', contribution: roundScore(-Math.min(0.15, 0.05 * simple.length)), detail: simple.join(', ') || 'none' },
    { name: 'code', contribution: hasCode ? 0.1 : 0, detail: hasCode ? 'code present' : 'none' },
  ];
};

const buildingFactors = (analysisType: AnalysisType, features: BuildingFeatures): ComplexityFactor[] => {
  const coverage = clamp(finiteOr(features.coverageRatio, 0), 0, 1);
  const anomalies = Math.max(0, finiteOr(features.anomalyCount, 0));
  const meters = Math.max(1, finiteOr(features.meterCount, 1));
  const issues = Math.max(0, finiteOr(features.dataIssueCount, 0));
  return [
    { name: `analysis ${analysisType}`, contribution: ANALYSIS_BASE[analysisType] ?? ANALYSIS_BASE['building-diagnostic'] },
    { name: 'coverage gaps', contribution: roundScore(clamp((0.95 - coverage) * 0.2, 0, 0.1)), detail: `coverage ${coverage.toFixed(2)}` },
    { name: 'anomalies', contribution: roundScore(Math.min(0.12, 0.03 * anomalies)), detail: `${anomalies} anomalies` },
    { name: 'meters', contribution: roundScore(Math.min(0.1, 0.05 * (meters - 1))), detail: `${meters} meters` },
    { name: 'weather model', contribution: features.hasWeatherModel ? 0.05 : 0, detail: features.hasWeatherModel ? 'fitted' : 'none' },
    { name: 'data issues', contribution: roundScore(Math.min(0.08, 0.02 * issues)), detail: `${issues} issues` },
  ];
};

/**
 * How hard a job is, 0..1, with the factors that made it so. Deterministic: the same
 * job always scores the same.
 *
 * - Prompts: task type base (classification 0.05 … reasoning 0.5), length (up to
 *   +0.25), complex keywords (analyse, compare, plan, derive, optimize …; up to
 *   +0.24), closed-answer keywords (classify, extract, yes/no …; down to −0.15),
 *   code present (+0.1).
 * - Buildings: analysis base (triage 0.15, diagnostic 0.45, retrofit 0.7), coverage
 *   gaps (up to +0.1), anomalies (+0.03 each, up to 0.12), extra meters (+0.05 each,
 *   up to 0.1), weather model to interpret (+0.05), data issues (+0.02 each, up to 0.08).
 */
export const scoreComplexity = (job: RouteJob): ComplexityScore => {
  const factors = job.kind === 'prompt' ? promptFactors(job.prompt, job.taskType) : buildingFactors(job.analysisType, job.features);
  const total = factors.reduce((sum, factor) => sum + factor.contribution, 0);
  return { score: roundScore(clamp(total, 0, 1)), factors };
};

/** Base complexity of each analysis type (exported for tests and docs). */
export const ANALYSIS_COMPLEXITY: Readonly<Record<AnalysisType, number>> = ANALYSIS_BASE;
