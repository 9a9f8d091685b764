import type { Job } from 'bullmq';
import { DelayedError } from 'bullmq';
import { ProviderError, type ChatRequest, type ChatResult } from '@eaio/providers';
import type { AttemptSummary, PipelineJobData } from '@eaio/queues';
import type { AttemptEnd, AttemptStart, Failure, ModelChoice } from './pipeline-ports';
import type { EgressPlan } from './egress';
import { batchLineDigest } from './batch-lane';
import { resumeBatchCall } from './batch-resume';

export type { ProcessDeps, ProcessOutcome } from './process-deps';
import type { ProcessDeps, ProcessOutcome } from './process-deps';

/** Thrown to let BullMQ retry the same tier with its backoff (retry-after honoured). */
export class RetryableAttemptError extends Error {
  readonly retryAfterMs: number | undefined;
  readonly errorKind: string;
  constructor(message: string, errorKind: string, retryAfterMs: number | undefined) {
    super(message);
    this.name = 'RetryableAttemptError';
    this.errorKind = errorKind;
    this.retryAfterMs = retryAfterMs;
  }
  static isInstance(value: unknown): value is RetryableAttemptError {
    return value instanceof Error && value.name === 'RetryableAttemptError';
  }
}

const attemptIdFor = (job: Job<PipelineJobData>): string => `${job.id}#${job.attemptsStarted}`;

const summary = (start: AttemptStart, outcome: AttemptSummary['outcome'], reason: string, extra: Partial<AttemptSummary> = {}): AttemptSummary => ({
  attemptId: start.attemptId,
  tier: start.tier,
  provider: start.provider,
  model: start.model,
  outcome,
  reason,
  ...extra,
});

/**
 * Runs one delivery of a tier job: choose a model, reserve spend, call the provider,
 * gate the answer, then store the result or move the job on. Each provider call is
 * recorded exactly once (attempt id = BullMQ job id + delivery number).
 */
export const processPipelineJob = async (job: Job<PipelineJobData>, deps: ProcessDeps, host?: string): Promise<ProcessOutcome> => {
  // The stored job is the truth: privacy, allowed chain, tenant and batch come from its row,
  // not from the queue payload (which a queue-level add or edit could have rewritten).
  const stored = await deps.store.storedJob(job.data.jobId);
  if (!stored) {
    deps.log.warn({ jobId: job.data.jobId, queueJob: job.id }, 'a queue job names no submitted job; nothing is called');
    return { status: 'skipped', reason: `no submitted job ${job.data.jobId}: not processed` };
  }
  if (stored.terminal) {
    return { status: 'skipped', reason: 'job already finished (re-delivery)' };
  }
  // `batchAttempt` names a call parked in a provider batch; it never travels on with the job.
  const { batchAttempt, ...payload } = job.data;
  const data: PipelineJobData = {
    ...payload,
    batchId: stored.batchId,
    tenant: stored.tenant,
    privacy: stored.privacy as PipelineJobData['privacy'],
    chain: stored.chain as PipelineJobData['chain'],
  };

  const moveOn = async (failure: Failure, history: AttemptSummary[]): Promise<ProcessOutcome> => {
    const decision = deps.escalation.next(data, failure);
    if (decision.next === 'review') {
      await deps.enqueuer.toReview(data, decision.reason, history);
      await deps.store.moved(data, 'review', decision.reason);
      return { status: 'review', reason: decision.reason };
    }
    await deps.enqueuer.toTier(data, decision.next, history);
    await deps.store.moved(data, decision.next, decision.reason);
    return { status: 'escalated', to: decision.next, reason: decision.reason };
  };

  // Defence in depth: routing never puts a PRIVATE job on the api queue; if anything
  // ever does, the job goes to a person instead of to a paid API.
  const refusal = data.tier === 'api' ? deps.egress?.refusal(data) : undefined;
  const offChain = !data.chain.includes(data.tier);
  if (offChain || (data.tier === 'api' && (data.privacy === 'PRIVATE' || refusal !== undefined))) {
    const reason = offChain
      ? `refused: tier ${data.tier} is not in the stored chain of ${data.privacy} job ${data.jobId} (${data.chain.join(' > ')}); sent to review without calling any model`
      : (refusal ?? `refused: ${data.privacy} job ${data.jobId} reached the api tier; sent to review without calling any API`);
    deps.log.warn({ jobId: data.jobId }, reason);
    await deps.enqueuer.toReview(data, reason, data.history);
    await deps.store.moved(data, 'review', reason);
    return { status: 'review', reason };
  }

  // A call that waited in a provider batch: gate its answer like any other, or call interactively.
  let interactiveOnly = false;
  if (batchAttempt !== undefined && deps.batchLane && data.tier === 'api') {
    const resumed = await resumeBatchCall(job, data, batchAttempt, deps, deps.batchLane);
    if (resumed.kind === 'answer') return afterStart(resumed.choice, resumed.start, resumed.egress, async () => resumed.result, true);
    if (resumed.kind === 'ended') return resumed.outcome;
    interactiveOnly = true;
  }

  // The job turns `active` with its attempt row (`startAttempt`): one round trip fewer per delivery.
  const chosen = await deps.selector.choose(data.tier, data, host);
  if (!chosen) {
    return moveOn({ kind: 'no-model', message: `no healthy model configured for tier ${data.tier}` }, data.history);
  }
  if ('wait' in chosen) {
    // Every candidate is paused (429) or at its rate limit: wait (delayed, reason on the job) without using an attempt.
    await job.log(`waiting for a provider: ${chosen.wait.reason}`);
    await job.updateData({ ...data, waitReason: chosen.wait.reason });
    await job.moveToDelayed(Math.max(chosen.wait.untilMs, Date.now() + 1), job.token);
    throw new DelayedError(`waiting for a provider: ${chosen.wait.reason}`);
  }
  const choice = chosen;

  const attemptId = attemptIdFor(job);
  // Off this host: anonymised when ENHANCED, each request recorded before it leaves; the answer is mapped back below.
  const egress = deps.egress?.prepare(data, choice, attemptId);
  const request: ChatRequest = {
    ...(egress ? egress.request : deps.analyzer.buildRequest(data)),
    ...(egress?.beforeSend ? { beforeSend: egress.beforeSend } : {}),
    model: choice.model,
    timeoutMs: choice.timeoutMs,
    signal: deps.signal,
    attemptId,
  };
  request.maxTokens = Math.min(request.maxTokens ?? choice.maxTokens, choice.maxTokens);

  // Deadline batches: the call goes through the provider's batch endpoint at its batch price.
  const lane = data.tier === 'api' && deps.batchLane && !interactiveOnly && !choice.endpoint.local ? await deps.batchLane.eligible(data, choice) : undefined;
  const batch = lane?.ok ? lane : undefined;
  const reservation = choice.endpoint.local
    ? ({ ok: true, reservedMicroUsd: 0 } as const)
    : await deps.spend.reserve({ attemptId, data, choice, request, ...(batch ? { batch: { priceShare: batch.priceShare, holdUntil: batch.deadline } } : {}) });
  if (!reservation.ok) {
    await deps.selector.notSent?.(choice);
    if (reservation.retryAt !== undefined) {
      // Wait (delayed, reason visible on the job) instead of dropping.
      await job.log(`waiting for budget: ${reservation.reason}`);
      await job.updateData({ ...data, routeReason: `${data.routeReason}; waiting: ${reservation.reason}` });
      await job.moveToDelayed(reservation.retryAt, job.token);
      throw new DelayedError(reservation.reason);
    }
    return moveOn({ kind: 'budget', message: reservation.reason }, data.history);
  }

  const start: AttemptStart = {
    attemptId,
    jobId: data.jobId,
    batchId: data.batchId,
    tenant: data.tenant,
    tier: data.tier,
    provider: choice.endpoint.provider,
    endpoint: choice.endpoint.id,
    model: choice.model,
    startedAt: deps.now(),
    simulated: data.simulated ?? false,
    reservedMicroUsd: reservation.reservedMicroUsd,
    ...(data.repair?.tier === data.tier ? { repairKind: data.repair.kind, repairOf: data.repair.of } : {}),
  };
  // Between the reservation and the call nothing has been sent: a throw here (shutdown, the
  // attempt row not written) gives the money back instead of leaving it to the sweeper,
  // which would charge the worst case.
  try {
    deps.signal?.throwIfAborted();
    await deps.store.startAttempt(start);
  } catch (error) {
    await deps.selector.notSent?.(choice);
    if (!choice.endpoint.local) {
      await deps.spend
        .release(attemptId)
        .catch((releaseError: unknown) =>
          deps.log.warn(
            { attemptId, error: releaseError instanceof Error ? releaseError.message : String(releaseError) },
            'could not release the reservation of a call never sent; the sweeper will close it',
          ),
        );
    }
    throw error;
  }
  if (batch && deps.batchLane) {
    // Parked until its provider batch answers (the lane promotes it) or the fallback moment.
    try {
      await deps.selector.notSent?.(choice);
      if (egress?.beforeSend)
        await egress.beforeSend({ method: 'POST', url: `${choice.endpoint.baseUrl.replace(/\/+$/, '')} (batch request ${attemptId})`, ...batchLineDigest(attemptId, request) });
      await deps.batchLane.enqueue({ attemptId, data, queueJobId: job.id ?? '', choice, request, deadline: batch.deadline });
    } catch (error) {
      await deps.spend.release(attemptId).catch(() => undefined);
      throw error;
    }
    await job.updateData({ ...job.data, batchAttempt: attemptId });
    await job.log(`waiting in a provider batch (${choice.endpoint.id}, ${choice.model}) until ${batch.deadline.toISOString()} at most`);
    await job.moveToDelayed(Math.max(Date.now() + 1, batch.deadline.getTime() - deps.batchLane.config.fallbackMarginSec * 1000), job.token);
    throw new DelayedError(`waiting in a provider batch: ${attemptId}`);
  }
  return afterStart(choice, start, egress, () => choice.adapter.chat(request), false);

  /**
   * The call and what follows it: settle, record, gate, store or move on. `batched`: the answer
   * came from a provider batch (no breaker or rate-limit ticket to report to).
   */
  async function afterStart(choice: ModelChoice, start: AttemptStart, egress: EgressPlan | undefined, call: () => Promise<ChatResult>, batched: boolean): Promise<ProcessOutcome> {
    const attemptId = start.attemptId;
    // Local calls cost nothing and never touch the budget.
    const settle = (answer: ChatResult | undefined, error?: unknown) =>
      choice.endpoint.local ? Promise.resolve({ costMicroUsd: 0, priceVersion: 'local' }) : deps.spend.settle(attemptId, choice, answer, error);

    let result: ChatResult;
    try {
      result = await call();
      if (egress) result = egress.reveal(result);
    } catch (error) {
      const finishedAt = deps.now();
      const spent = await settle(undefined, error);
      const providerError = ProviderError.isInstance(error) ? error : undefined;
      const errorKind = providerError?.kind ?? 'unknown';
      const message = `${error instanceof Error ? error.message : String(error)}${errorKind === 'timeout' && choice.timeoutReason ? ` (timeout ${choice.timeoutReason})` : ''}`;
      if (errorKind === 'network') deps.selector.unreachable?.(choice.endpoint.id, message);
      // Breakers count it, a 429 pauses the provider for every worker.
      const advice = batched ? undefined : await deps.selector.failed?.(choice, error);
      await deps.store.finishAttempt(start, {
        finishedAt,
        latencyMs: finishedAt.getTime() - start.startedAt.getTime(),
        costMicroUsd: spent.costMicroUsd,
        priceVersion: spent.priceVersion,
        outcome: 'error',
        errorKind,
        errorMessage: message.slice(0, 500),
      });
      if (deps.signal?.aborted) throw error; // shutting down: BullMQ re-delivers the job
      const history = [...data.history, summary(start, 'error', message, { errorKind, endpoint: choice.endpoint.id })];
      // Failover: the next call goes to another candidate of the tier (the history names the one
      // that failed) without using an attempt; a 429 never uses one (the provider is paused for
      // every worker and the job waits it out). Once every candidate failed, attempts decide.
      if (advice?.failover && (errorKind === 'rate-limit' || deps.selector.hasFreshCandidate?.(data.tier, { history }, host))) {
        deps.log.info({ jobId: data.jobId, endpoint: choice.endpoint.id, model: choice.model, errorKind }, 'failing over to the next candidate of the tier');
        await job.updateData({ ...data, history });
        await job.moveToDelayed(Date.now() + 1, job.token);
        throw new DelayedError(`failover after ${errorKind} at ${choice.endpoint.id}`);
      }
      const attemptsAllowed = job.opts.attempts ?? 1;
      const retryable = providerError?.isRetryable ?? false;
      if (retryable && job.attemptsMade + 1 < attemptsAllowed) {
        await job.updateData({ ...data, history });
        throw new RetryableAttemptError(message, errorKind, providerError?.retryAfterMs);
      }
      const failure: Failure = retryable ? { kind: 'retries-exhausted', errorKind, message } : { kind: 'provider-error', errorKind, retryable, message };
      return moveOn(failure, history);
    }

    if (!batched) await deps.selector.answered?.(choice, result);
    const gate = deps.analyzer.evaluate(data, result);
    const spent = await settle(result);
    const finishedAt = deps.now();
    const ending: AttemptEnd = {
      finishedAt,
      latencyMs: result.latencyMs,
      ttftMs: result.timeToFirstTokenMs,
      result,
      costMicroUsd: spent.costMicroUsd,
      priceVersion: spent.priceVersion,
      gate,
      outcome: gate.pass ? 'passed' : 'failed-gate',
    };
    if (gate.pass) {
      // Attempt ending, result, job state and batch counter: one round trip where the store has it.
      if (deps.store.finishAndComplete) await deps.store.finishAndComplete(start, ending, data, result, gate);
      else {
        await deps.store.finishAttempt(start, ending);
        await deps.store.complete(data, attemptId, result, gate);
      }
      return { status: 'succeeded', attemptId, score: gate.score };
    }
    await deps.store.finishAttempt(start, ending);
    const reason = `quality gate ${gate.score.toFixed(2)} < ${gate.threshold}`;
    const history = [...data.history, summary(start, 'failed-gate', reason, { qualityScore: gate.score, ...(start.repairKind ? { repair: start.repairKind } : {}) })];
    // Second chance before escalation: the same tier again, told what the gate found.
    const repair = deps.escalation.repair?.(data, {
      attemptId,
      text: result.text,
      truncated: result.finishReason.unified === 'length',
      local: choice.endpoint.local,
      gate,
      history,
    });
    if (repair) {
      await job.log(`${reason}: asking ${data.tier} again (${repair.kind} repair of ${attemptId})`);
      await job.updateData({ ...data, history, repair });
      await job.moveToDelayed(Date.now() + 1, job.token);
      throw new DelayedError(`${repair.kind} repair on ${data.tier}`);
    }
    return moveOn({ kind: 'quality-gate', score: gate.score, checks: gate.checks }, history);
  }
};
