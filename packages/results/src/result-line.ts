import type { JobRecord } from './result-source';

/**
 * One line of a batch's results (JSONL), in the spirit of a batch API's output file:
 * one line per job, the kept answer or the reason there is none. Money is integer micro-USD.
 */
export interface ResultLine {
  jobId: string;
  batchId: string;
  /** The building analysed (building jobs), else null. */
  buildingId: string | null;
  /** The caller's id of the input line (prompt jobs) or the building id. */
  sourceId: string | null;
  /** Analysis type of a building job, task type of a prompt job. */
  analysisType: string;
  privacy: string;
  /** Final state: succeeded | review | failed (or queued | active while the batch runs). */
  state: string;
  /** The kept answer: the parsed JSON answer, else the answer text; null without a result. */
  answer: unknown;
  gate: {
    /** passed: the kept answer passed the gate; failed: the last gated answer did not; null: no answer was gated. */
    verdict: 'passed' | 'failed' | null;
    score: number | null;
    threshold: number | null;
  };
  /** Tier, provider and model of the kept answer (of the last call when nothing was kept). */
  tier: string | null;
  provider: string | null;
  model: string | null;
  /** Provider calls made for this job. */
  calls: number;
  /** What every call of this job cost, integer micro-USD. */
  costMicroUsd: number;
  /** What the kept call cost, integer micro-USD (0 without a result). */
  keptCostMicroUsd: number;
  /** True when the answers came from the provider emulator (`--rehearse`). */
  simulated: boolean;
  /** Why the job has no result (null when it has one). */
  reason: string | null;
  finishedAt: string | null;
}

/** Why a job without a result has none, in words. */
export const reasonWithoutResult = (record: JobRecord): string => {
  const last = record.lastAttempt;
  const lastCall = last ? `; last call: ${last.tier}/${last.model} ${last.outcome}${last.errorKind ? ` (${last.errorKind})` : ''}` : '';
  switch (record.state) {
    case 'review':
      return `waiting for review: ${record.reason}${lastCall}`;
    case 'failed':
      return `failed: ${record.reason}${lastCall}`;
    case 'succeeded':
      return 'succeeded but no result row is stored';
    default:
      return `not finished yet (${record.state}${record.currentTier ? ` on ${record.currentTier}` : ''})${lastCall}`;
  }
};

export const toResultLine = (record: JobRecord): ResultLine => {
  const result = record.result;
  const threshold = typeof record.qualityChecks?.threshold === 'number' ? record.qualityChecks.threshold : null;
  const verdict: ResultLine['gate']['verdict'] = result ? 'passed' : record.gateScore === null ? null : threshold !== null && record.gateScore >= threshold ? 'passed' : 'failed';
  const source = result ?? record.lastAttempt;
  return {
    jobId: record.jobId,
    batchId: record.batchId,
    buildingId: record.buildingId,
    sourceId: record.sourceId,
    analysisType: record.taskType,
    privacy: record.privacy,
    state: record.state,
    answer: result ? (result.answer ?? result.text) : null,
    gate: { verdict, score: record.gateScore, threshold },
    tier: source?.tier ?? null,
    provider: source?.provider ?? null,
    model: source?.model ?? null,
    calls: record.calls,
    costMicroUsd: record.costMicroUsd,
    keptCostMicroUsd: result?.costMicroUsd ?? 0,
    simulated: result?.simulated ?? record.simulated,
    reason: result ? null : reasonWithoutResult(record),
    finishedAt: record.finishedAt ? record.finishedAt.toISOString() : null,
  };
};
