import type { QueueName } from '@eaio/core';
import {
  completeJob,
  failJob,
  finishAndCompleteStatement,
  finishAttempt,
  isJobTerminal,
  markJobActive,
  moveJob,
  recordAttemptStatement,
  storedJobPolicy,
  type Database,
} from '@eaio/db';
import { parseAnswerText } from '@eaio/energy';
import type { ChatResult } from '@eaio/providers';
import type { PipelineJobData } from '@eaio/queues';
import type { AttemptEnd, AttemptStart, GateVerdict, PipelineStore } from './pipeline-ports';

/** The workers' view of Postgres: attempts, results and job states. */
export const createPostgresPipelineStore = (database: Database): PipelineStore => ({
  isTerminal: (jobId) => isJobTerminal(database, jobId),
  storedJob: (jobId) => storedJobPolicy(database, jobId),
  markActive: (data: PipelineJobData) => markJobActive(database, data.jobId, data.tier),
  async startAttempt(start: AttemptStart) {
    // The attempt row, the attempt counted and the job `active` at this tier: one round trip.
    await recordAttemptStatement(
      database,
      {
        attemptId: start.attemptId,
        startedAt: start.startedAt,
        jobId: start.jobId,
        batchId: start.batchId,
        tenant: start.tenant,
        tier: start.tier,
        provider: start.provider,
        endpoint: start.endpoint,
        model: start.model,
        reservedMicroUsd: start.reservedMicroUsd,
        simulated: start.simulated,
        repairKind: start.repairKind ?? null,
        repairOf: start.repairOf ?? null,
        outcome: 'started',
      },
      { markActive: true },
    );
  },
  async finishAttempt(start: AttemptStart, end: AttemptEnd) {
    await finishAttempt(database, start, attemptEnding(end));
  },
  async finishAndComplete(start: AttemptStart, end: AttemptEnd, data: PipelineJobData, result: ChatResult, gate: GateVerdict) {
    await finishAndCompleteStatement(database, attemptEnding(end), resultRow(data, start.attemptId, result, gate));
  },
  async complete(data: PipelineJobData, attemptId: string, result: ChatResult, gate: GateVerdict) {
    await completeJob(database, resultRow(data, attemptId, result, gate));
  },
  moved: (data: PipelineJobData, to: QueueName, reason: string) => moveJob(database, { jobId: data.jobId, batchId: data.batchId, to, reason }),
  failed: (jobId: string, reason: string) => failJob(database, { jobId, reason }),
});

/** The attempt row's fields an ending writes. */
const attemptEnding = (end: AttemptEnd) => {
  const usage = end.result?.usage;
  return {
    finishedAt: end.finishedAt,
    latencyMs: Math.round(end.latencyMs),
    ttftMs: end.ttftMs === undefined ? null : Math.round(end.ttftMs),
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    cachedInputTokens: usage?.cachedInputTokens ?? null,
    cacheWriteTokens: usage?.cacheWriteTokens ?? null,
    reasoningTokens: usage?.reasoningTokens ?? null,
    costMicroUsd: end.costMicroUsd,
    priceVersion: end.priceVersion,
    qualityScore: end.gate?.score ?? null,
    qualityChecks: end.gate ? { threshold: end.gate.threshold, checks: end.gate.checks } : null,
    answerText: end.result?.text ?? null,
    outcome: end.outcome,
    errorKind: end.errorKind ?? null,
    errorMessage: end.errorMessage ?? null,
    finishReason: end.result?.finishReason.raw ?? end.result?.finishReason.unified ?? null,
    requestId: end.result?.requestId ?? null,
  };
};

/** The result row of an accepted answer. */
const resultRow = (data: PipelineJobData, attemptId: string, result: ChatResult, gate: GateVerdict) => ({
  jobId: data.jobId,
  batchId: data.batchId,
  attemptId,
  tier: data.tier,
  provider: result.provider,
  model: result.model,
  text: result.text,
  answer: result.json ?? storedAnswer(result.text),
  qualityScore: gate.score,
  simulated: data.simulated ?? false,
});

/**
 * The answer as JSON, read the way the gate reads it (`parseAnswerText`: a code fence or a
 * sentence around the object, a trailing comma); null when the text holds no JSON object
 * (a plain-text answer to a prompt job).
 */
export const storedAnswer = (text: string): unknown => {
  const parsed = parseAnswerText(text);
  return parsed.ok ? parsed.value : null;
};
