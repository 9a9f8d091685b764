import type { AnalysisType } from '@eaio/core';
import type { CheckName } from './check-types';
import type { CompletenessOptions } from './check-complete';
import type { NumberToleranceOptions } from './number-tolerance';

export type CheckWeights = Record<CheckName, number>;

/** Threshold and weights for one analysis type. */
export interface GateTypeOptions {
  /**
   * Pass when the score is at least this.
   * @defaultValue 0.7
   */
  threshold?: number;
  /**
   * Weight of each check in the score; normalised to sum 1.
   * @defaultValue `{ schema: 0.15, complete: 0.2, grounded: 0.3, consistent: 0.1, plausible: 0.15, notRefusal: 0.1 }`
   */
  weights?: Partial<CheckWeights>;
  /**
   * Checks that must be perfect: any issue in one caps the score just below the
   * threshold, so one hallucinated number fails the answer however good the rest is.
   * @defaultValue every check: `['schema', 'complete', 'grounded', 'consistent', 'plausible', 'notRefusal']`
   */
  hardChecks?: CheckName[];
}

export interface QualityGateOptions extends GateTypeOptions {
  /** Per analysis type overrides of threshold, weights and hard checks. */
  byAnalysisType?: Partial<Record<AnalysisType, GateTypeOptions>>;
  /** Tolerance for matching cited numbers to facts. */
  tolerance?: NumberToleranceOptions;
  completeness?: CompletenessOptions;
}

export const DEFAULT_THRESHOLD = 0.7;
export const DEFAULT_WEIGHTS: CheckWeights = { schema: 0.15, complete: 0.2, grounded: 0.3, consistent: 0.1, plausible: 0.15, notRefusal: 0.1 };
export const DEFAULT_HARD_CHECKS: CheckName[] = ['schema', 'complete', 'grounded', 'consistent', 'plausible', 'notRefusal'];
/** Deducted from the score per format slip read forgivingly (metric-name variant, number as string, confidence word). */
export const SLIP_DEDUCTION = 0.01;
/** At most this much is deducted for slips together. */
export const MAX_SLIP_DEDUCTION = 0.05;
/** How far below the threshold a hard-check failure caps the score. */
export const HARD_CHECK_MARGIN = 0.01;

export interface ResolvedGateOptions {
  threshold: number;
  weights: CheckWeights;
  hardChecks: CheckName[];
  tolerance: NumberToleranceOptions;
  completeness: CompletenessOptions;
}

export const resolveGateOptions = (analysisType: AnalysisType, options: QualityGateOptions = {}): ResolvedGateOptions => {
  const specific = options.byAnalysisType?.[analysisType] ?? {};
  const weights = { ...DEFAULT_WEIGHTS, ...options.weights, ...specific.weights };
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  const normalised = Object.fromEntries(Object.entries(weights).map(([name, weight]) => [name, total > 0 ? weight / total : 0])) as CheckWeights;
  return {
    threshold: specific.threshold ?? options.threshold ?? DEFAULT_THRESHOLD,
    weights: normalised,
    hardChecks: specific.hardChecks ?? options.hardChecks ?? DEFAULT_HARD_CHECKS,
    tolerance: options.tolerance ?? {},
    completeness: options.completeness ?? {},
  };
};
