import { DelayedError, type Job } from 'bullmq';
import type { ChatResult, EndpointConfig, ProviderAdapter } from '@eaio/providers';
import type { PipelineJobData } from '@eaio/queues';
import type { BatchLane } from './batch-lane';
import type { EgressPlan } from './egress';
import type { AttemptStart, ModelChoice } from './pipeline-ports';
import type { ProcessDeps, ProcessOutcome } from './process-deps';

export type ResumedBatchCall =
  | { kind: 'answer'; choice: ModelChoice; start: AttemptStart; egress: EgressPlan | undefined; result: ChatResult }
  | { kind: 'ended'; outcome: ProcessOutcome }
  | { kind: 'interactive' };

/** A batch answer is never re-sent: the adapter of its choice is not called. */
const NOT_CALLED: ProviderAdapter = {
  endpoint: undefined as unknown as EndpointConfig,
  chat: () => Promise.reject(new Error('a provider batch answer is not called again')),
  listModels: () => Promise.resolve([]),
  checkHealth: () => Promise.resolve({ ok: false, latencyMs: 0, models: [] }),
};

/** An error the provider answered (settles at $0, like any answered error status). */
class BatchItemError extends Error {
  readonly status = 400;
  readonly kind = 'batch-item';
}

/**
 * The delivery of a job parked in a provider batch (`batchAttempt`): still waiting → parked
 * again; answered → the answer, for the gate; errored, fallen back (deadline near) or never
 * found → the attempt closes ($0 when the provider answered an error or never got it) and the
 * job calls interactively now; cancelled (`eaio cancel`) → the job ends `failed`.
 */
export const resumeBatchCall = async (job: Job<PipelineJobData>, data: PipelineJobData, attemptId: string, deps: ProcessDeps, lane: BatchLane): Promise<ResumedBatchCall> => {
  let item = await lane.item(attemptId);
  if (!item) return { kind: 'interactive' };
  if (item.status === 'queued' || item.status === 'submitted' || (item.status as string) === 'submitting') {
    const fallbackAt = item.deadline.getTime() - lane.config.fallbackMarginSec * 1000;
    if (item.status === 'queued' && Date.now() >= fallbackAt) item = (await lane.fallBackIfUnsent(attemptId)) ?? item;
    if (item.status === 'queued' || item.status === 'submitted' || (item.status as string) === 'submitting') {
      // Woke before its provider batch ended (the lane promotes it when it does).
      await job.moveToDelayed(Date.now() + lane.config.pollSec * 1000, job.token);
      throw new DelayedError(`waiting in a provider batch: ${attemptId}`);
    }
  }
  const endpoint =
    lane.endpoint(item.endpoint) ?? ({ id: item.endpoint, provider: item.provider, local: false, baseUrl: '', kind: 'openai-compatible' } as unknown as EndpointConfig);
  const choice: ModelChoice = { endpoint, adapter: NOT_CALLED, model: item.model, maxTokens: 0, timeoutMs: 0 };
  const start: AttemptStart = {
    attemptId,
    jobId: data.jobId,
    batchId: data.batchId,
    tenant: data.tenant,
    tier: data.tier,
    provider: item.provider,
    endpoint: item.endpoint,
    model: item.model,
    startedAt: item.createdAt,
    simulated: data.simulated ?? false,
    reservedMicroUsd: 0,
  };
  if (item.status === 'done' && item.result) {
    return { kind: 'answer', choice, start, egress: deps.egress?.prepare(data, choice, attemptId), result: item.result };
  }
  // No answer: close the attempt. Sent and not answered (errored, cancelled mid-batch) is an
  // answered error at $0; never sent gives the reservation back.
  const sent = item.providerBatchId !== null;
  let spent: { costMicroUsd: number; priceVersion: string };
  if (sent) spent = await deps.spend.settle(attemptId, choice, undefined, new BatchItemError(item.error ?? item.status));
  else {
    await deps.spend.release(attemptId);
    spent = { costMicroUsd: 0, priceVersion: 'unsent' };
  }
  const finishedAt = deps.now();
  const errorKind = item.status === 'cancelled' ? 'cancelled' : item.status === 'errored' ? 'batch-error' : 'batch-fallback';
  await deps.store.finishAttempt(start, {
    finishedAt,
    latencyMs: finishedAt.getTime() - start.startedAt.getTime(),
    costMicroUsd: spent.costMicroUsd,
    priceVersion: spent.priceVersion,
    outcome: 'error',
    errorKind,
    errorMessage: `${errorKind}: ${item.error ?? ''}`.slice(0, 500),
  });
  if (item.status === 'cancelled') {
    const reason = 'cancelled by eaio cancel';
    await deps.store.failed(data.jobId, reason);
    return { kind: 'ended', outcome: { status: 'skipped', reason } };
  }
  deps.log.info({ jobId: data.jobId, attemptId, errorKind }, 'provider batch gave no answer: calling interactively');
  return { kind: 'interactive' };
};
