import type { Job } from 'bullmq';
import { DelayedError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { Tier } from '@eaio/core';
import { ProviderError, type ChatRequest, type ChatResult, type EndpointConfig, type FailoverAdvice, type ProviderAdapter } from '@eaio/providers';
import type { AttemptSummary, PipelineJobData } from '@eaio/queues';
import type { Egress } from './egress';
import type { AttemptEnd, AttemptStart, Failure, GateVerdict, ModelChoice, SelectorWait, SpendGuard } from './pipeline-ports';
import { type ProcessDeps, RetryableAttemptError, processPipelineJob } from './process-job';

/**
 * `processPipelineJob` through its ports only: every collaborator is an in-memory fake that
 * records what it was asked, so each test states which calls happened and which never did.
 */

const endpoint = (id: string, local: boolean): EndpointConfig => ({
  id,
  provider: id,
  kind: local ? 'ollama' : 'openai-compatible',
  baseUrl: `http://${id}.invalid`,
  local,
  enabled: true,
});

const answer = (text = '{"summary":"ok"}'): ChatResult => ({
  text,
  usage: { inputTokens: 100, outputTokens: 20 },
  finishReason: { unified: 'stop', raw: 'stop' },
  latencyMs: 12,
  provider: 'fake',
  model: 'fake-model',
  endpoint: 'fake',
});

const baseData = (over: Partial<PipelineJobData> = {}): PipelineJobData => ({
  jobId: 'job-1',
  batchId: 'batch-1',
  tenant: 'acme',
  kind: 'prompt',
  privacy: 'PUBLIC',
  taskType: 'summarization',
  chain: ['local-fast', 'local-quality', 'api'],
  tier: 'local-fast',
  complexity: 0.1,
  routeReason: 'test',
  history: [],
  prompt: 'Summarise the building',
  ...over,
});

interface FakeJob {
  job: Job<PipelineJobData>;
  logs: string[];
  updates: PipelineJobData[];
  delayedUntil: number[];
}

const fakeJob = (data: PipelineJobData, options: { attemptsMade?: number; attempts?: number } = {}): FakeJob => {
  const logs: string[] = [];
  const updates: PipelineJobData[] = [];
  const delayedUntil: number[] = [];
  const job = {
    id: `${data.jobId}.${data.tier}`,
    data,
    attemptsStarted: (options.attemptsMade ?? 0) + 1,
    attemptsMade: options.attemptsMade ?? 0,
    opts: { attempts: options.attempts ?? 3 },
    token: 'lock-token',
    async log(line: string) {
      logs.push(line);
      return 0;
    },
    async updateData(next: PipelineJobData) {
      updates.push(next);
      job.data = next;
    },
    async moveToDelayed(until: number) {
      delayedUntil.push(until);
    },
  };
  return { job: job as unknown as Job<PipelineJobData>, logs, updates, delayedUntil };
};

interface Options {
  /** The stored row (the truth for privacy and chain); `null`: no such job was submitted. */
  stored?: { privacy?: string; chain?: Tier[]; terminal?: boolean } | null;
  local?: boolean;
  chosen?: 'none' | SelectorWait;
  reserve?: Awaited<ReturnType<SpendGuard['reserve']>>;
  chat?: (request: ChatRequest) => Promise<ChatResult>;
  gate?: GateVerdict;
  advice?: FailoverAdvice;
  freshCandidate?: boolean;
  repair?: boolean;
  egress?: Egress;
  signal?: AbortSignal;
  withFinishAndComplete?: boolean;
}

const PASS: GateVerdict = { score: 0.91, pass: true, threshold: 0.7, checks: { schema: { score: 1 } } };
const FAIL: GateVerdict = { score: 0.42, pass: false, threshold: 0.7, checks: { schema: { score: 0.2 } } };
const NO_FAILOVER: FailoverAdvice = { failover: false, guard: { effect: 'none' }, endpointAnswered: true };

/** Every port as a recording fake; `events` is the order of the side effects that matter. */
const harness = (options: Options = {}) => {
  const events: string[] = [];
  const chats: ChatRequest[] = [];
  const reserved: string[] = [];
  const released: string[] = [];
  const settled: { attemptId: string; error?: unknown; answered: boolean }[] = [];
  const started: AttemptStart[] = [];
  const finished: { start: AttemptStart; end: AttemptEnd }[] = [];
  const completed: string[] = [];
  const moved: { to: string; reason: string }[] = [];
  const toTier: { tier: Tier; history: AttemptSummary[] }[] = [];
  const toReview: { reason: string; history: AttemptSummary[] }[] = [];
  const failures: Failure[] = [];
  const notSent: string[] = [];
  const answered: string[] = [];
  const failedCalls: string[] = [];
  const warnings: string[] = [];
  const local = options.local ?? true;
  const adapter: ProviderAdapter = {
    endpoint: endpoint(local ? 'ollama-1' : 'openai', local),
    async chat(request) {
      chats.push(request);
      events.push('chat');
      return options.chat ? options.chat(request) : answer();
    },
    listModels: async () => [],
    checkHealth: async () => ({ ok: true, latencyMs: 1, models: [] }),
  };
  const choice: ModelChoice = { endpoint: adapter.endpoint, adapter, model: local ? 'llama3.2:3b' : 'gpt-6-luna', maxTokens: 1024, timeoutMs: 30_000, timeoutReason: 'fixed 30 s' };
  const stored = options.stored === null ? undefined : options.stored;
  const deps: ProcessDeps = {
    selector: {
      async choose() {
        events.push('choose');
        if (options.chosen === 'none') return null;
        return options.chosen ?? choice;
      },
      async notSent(chosen) {
        notSent.push(chosen.endpoint.id);
      },
      async answered(chosen) {
        answered.push(chosen.endpoint.id);
      },
      async failed(chosen) {
        failedCalls.push(chosen.endpoint.id);
        return options.advice ?? NO_FAILOVER;
      },
      hasFreshCandidate: () => options.freshCandidate ?? false,
      unreachable: () => undefined,
    },
    analyzer: {
      buildRequest: (data) => ({ messages: [{ role: 'user', content: data.prompt ?? '' }], maxTokens: 4096, temperature: 0.2 }),
      evaluate: () => options.gate ?? PASS,
    },
    store: {
      isTerminal: async () => stored?.terminal ?? false,
      storedJob: async () =>
        options.stored === null
          ? undefined
          : {
              terminal: stored?.terminal ?? false,
              batchId: 'batch-1',
              tenant: 'acme',
              privacy: stored?.privacy ?? 'PUBLIC',
              chain: stored?.chain ?? ['local-fast', 'local-quality', 'api'],
            },
      async startAttempt(start) {
        events.push('startAttempt');
        started.push(start);
      },
      async finishAttempt(start, end) {
        events.push(`finishAttempt:${end.outcome}`);
        finished.push({ start, end });
      },
      ...(options.withFinishAndComplete
        ? {
            async finishAndComplete(start: AttemptStart, end: AttemptEnd, _data: PipelineJobData, _result: ChatResult, _gate: GateVerdict) {
              events.push('finishAndComplete');
              finished.push({ start, end });
              completed.push(start.attemptId);
            },
          }
        : {}),
      async complete(_data, attemptId) {
        events.push('complete');
        completed.push(attemptId);
      },
      async moved(_data, to, reason) {
        events.push(`moved:${to}`);
        moved.push({ to, reason });
      },
      markActive: async () => undefined,
      failed: async () => true,
    },
    escalation: {
      next(data, failure) {
        failures.push(failure);
        const at = data.chain.indexOf(data.tier);
        const next = data.chain[at + 1];
        return next ? { next, reason: `${failure.kind}: on to ${next}` } : { next: 'review', reason: `${failure.kind}: chain exhausted` };
      },
      repair: options.repair ? (data, failed) => ({ kind: 'gate', tier: data.tier, of: failed.attemptId, answer: failed.text, prompt: 'fix it' }) : () => undefined,
    },
    enqueuer: {
      async toTier(_data, tier, history) {
        events.push(`enqueue:${tier}`);
        toTier.push({ tier, history });
      },
      async toReview(_data, reason, history) {
        events.push('enqueue:review');
        toReview.push({ reason, history });
      },
    },
    spend: {
      async reserve({ attemptId }) {
        events.push('reserve');
        reserved.push(attemptId);
        return options.reserve ?? { ok: true, reservedMicroUsd: 15_600 };
      },
      async settle(attemptId, _choice, result, error) {
        events.push('settle');
        settled.push({ attemptId, error, answered: result !== undefined });
        return { costMicroUsd: result ? 1_234 : 0, priceVersion: 'price-test' };
      },
      async release(attemptId) {
        events.push('release');
        released.push(attemptId);
      },
    },
    egress: options.egress,
    now: () => new Date('2026-12-01T10:00:00Z'),
    signal: options.signal,
    log: { info: () => undefined, warn: (_obj, msg) => warnings.push(msg ?? '') },
  };
  return {
    deps,
    choice,
    events,
    chats,
    reserved,
    released,
    settled,
    started,
    finished,
    completed,
    moved,
    toTier,
    toReview,
    failures,
    notSent,
    answered,
    failedCalls,
    warnings,
  };
};

const serverError = (kind: 'server' | 'bad-request' | 'aborted' | 'rate-limit' = 'server', retryAfterMs?: number) =>
  new ProviderError(kind, {
    message: `HTTP ${kind === 'bad-request' ? 400 : kind === 'rate-limit' ? 429 : 503} from the fake`,
    provider: 'openai',
    endpoint: 'openai',
    retryAfterMs,
  });

describe('processPipelineJob: privacy guard', () => {
  it('a PRIVATE job on the api queue goes to review without choosing a model, reserving money or calling anything', async () => {
    // The stored chain wrongly lists api: only the PRIVATE check itself stands between the job and a paid API.
    const env = harness({ local: false, stored: { privacy: 'PRIVATE', chain: ['local-fast', 'api'] } });
    const { job } = fakeJob(baseData({ privacy: 'PRIVATE', tier: 'api', chain: ['local-fast', 'api'] }));
    const outcome = await processPipelineJob(job, env.deps);
    expect(outcome).toEqual({ status: 'review', reason: 'refused: PRIVATE job job-1 reached the api tier; sent to review without calling any API' });
    expect(env.events).toEqual(['enqueue:review', 'moved:review']);
    expect(env.chats).toHaveLength(0);
    expect(env.reserved).toHaveLength(0);
    expect(env.started).toHaveLength(0);
    expect(env.warnings).toEqual(['refused: PRIVATE job job-1 reached the api tier; sent to review without calling any API']);
  });

  it('privacy comes from the stored row: a queue payload rewritten to PUBLIC does not get a PRIVATE job to the api', async () => {
    const env = harness({ local: false, stored: { privacy: 'PRIVATE', chain: ['local-fast', 'api'] } });
    const { job } = fakeJob(baseData({ privacy: 'PUBLIC', tier: 'api', chain: ['local-fast', 'api'] }));
    const outcome = await processPipelineJob(job, env.deps);
    expect(outcome.status).toBe('review');
    expect(env.chats).toHaveLength(0);
    expect(env.reserved).toHaveLength(0);
  });

  it('a tier outside the stored chain is refused too (payload chain ignored)', async () => {
    const env = harness({ local: false, stored: { privacy: 'ENHANCED', chain: ['local-fast', 'local-quality'] } });
    const { job } = fakeJob(baseData({ privacy: 'ENHANCED', tier: 'api', chain: ['local-fast', 'local-quality', 'api'] }));
    const outcome = await processPipelineJob(job, env.deps);
    expect(outcome).toMatchObject({ status: 'review', reason: expect.stringMatching(/^refused: tier api is not in the stored chain of ENHANCED job job-1/) });
    expect(env.chats).toHaveLength(0);
  });

  it("the egress boundary's refusal sends an api job to review with its reason", async () => {
    const egress: Egress = { refusal: () => 'refused: ENHANCED may not leave (privacy.allowApiForEnhanced is off)', prepare: () => undefined };
    const env = harness({ local: false, stored: { privacy: 'ENHANCED' }, egress });
    const { job } = fakeJob(baseData({ privacy: 'ENHANCED', tier: 'api' }));
    const outcome = await processPipelineJob(job, env.deps);
    expect(outcome).toEqual({ status: 'review', reason: 'refused: ENHANCED may not leave (privacy.allowApiForEnhanced is off)' });
    expect(env.chats).toHaveLength(0);
    expect(env.reserved).toHaveLength(0);
  });

  it('a PUBLIC job on the api tier is called (the guard lets allowed jobs through)', async () => {
    const env = harness({ local: false, stored: { privacy: 'PUBLIC' } });
    const { job } = fakeJob(baseData({ tier: 'api' }));
    const outcome = await processPipelineJob(job, env.deps);
    expect(outcome).toEqual({ status: 'succeeded', attemptId: 'job-1.api#1', score: 0.91 });
    expect(env.chats).toHaveLength(1);
  });

  it('an unknown job and a finished job are skipped without any call', async () => {
    const unknown = harness({ stored: null });
    expect(await processPipelineJob(fakeJob(baseData()).job, unknown.deps)).toMatchObject({ status: 'skipped' });
    const finished = harness({ stored: { terminal: true } });
    expect(await processPipelineJob(fakeJob(baseData()).job, finished.deps)).toEqual({ status: 'skipped', reason: 'job already finished (re-delivery)' });
    expect([...unknown.events, ...finished.events]).toEqual([]);
  });
});

describe('processPipelineJob: budget', () => {
  it('a refused reservation with a retry time waits (delayed, reason on the job) and calls nothing', async () => {
    const env = harness({ local: false, reserve: { ok: false, reason: 'daily cap $5.00 reached', retryAt: 1_900_000_000_000 } });
    const fake = fakeJob(baseData({ tier: 'api' }));
    const error = await processPipelineJob(fake.job, env.deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DelayedError);
    expect(fake.delayedUntil).toEqual([1_900_000_000_000]);
    expect(fake.logs).toEqual(['waiting for budget: daily cap $5.00 reached']);
    expect(fake.updates[0].routeReason).toBe('test; waiting: daily cap $5.00 reached');
    expect(env.notSent).toEqual(['openai']);
    expect(env.events).toEqual(['choose', 'reserve']);
    expect(env.chats).toHaveLength(0);
    expect(env.failures).toEqual([]);
  });

  it('a refused reservation without a retry time moves the job on as a budget failure; nothing is called or recorded', async () => {
    const env = harness({ local: false, reserve: { ok: false, reason: 'monthly cap reached' } });
    const fake = fakeJob(baseData({ tier: 'api' }));
    const outcome = await processPipelineJob(fake.job, env.deps);
    expect(outcome).toEqual({ status: 'review', reason: 'budget: chain exhausted' });
    expect(env.failures).toEqual([{ kind: 'budget', message: 'monthly cap reached' }]);
    expect(env.events).toEqual(['choose', 'reserve', 'enqueue:review', 'moved:review']);
    expect(env.notSent).toEqual(['openai']);
    expect(env.chats).toHaveLength(0);
    expect(env.started).toHaveLength(0);
    expect(fake.delayedUntil).toEqual([]);
  });

  it('an api call reserves before it starts; the attempt row carries the reservation and the settled cost', async () => {
    const env = harness({ local: false });
    const outcome = await processPipelineJob(fakeJob(baseData({ tier: 'api' })).job, env.deps);
    expect(outcome.status).toBe('succeeded');
    expect(env.events).toEqual(['choose', 'reserve', 'startAttempt', 'chat', 'settle', 'finishAttempt:passed', 'complete']);
    expect(env.started[0]).toMatchObject({ attemptId: 'job-1.api#1', reservedMicroUsd: 15_600, provider: 'openai', endpoint: 'openai' });
    expect(env.finished[0].end).toMatchObject({ costMicroUsd: 1_234, priceVersion: 'price-test' });
  });

  it('a local call never touches the budget', async () => {
    const env = harness({ local: true, reserve: { ok: false, reason: 'would refuse' } });
    const outcome = await processPipelineJob(fakeJob(baseData()).job, env.deps);
    expect(outcome.status).toBe('succeeded');
    expect(env.reserved).toEqual([]);
    expect(env.settled).toEqual([]);
    expect(env.started[0].reservedMicroUsd).toBe(0);
    expect(env.finished[0].end).toMatchObject({ costMicroUsd: 0, priceVersion: 'local' });
  });
});

describe('processPipelineJob: provider errors', () => {
  it('a retryable error with attempts left is recorded once and thrown for BullMQ to retry the same tier', async () => {
    const env = harness({
      local: false,
      chat: async () => {
        throw serverError('server', 2_000);
      },
    });
    const fake = fakeJob(baseData({ tier: 'api' }), { attemptsMade: 0, attempts: 3 });
    const error = await processPipelineJob(fake.job, env.deps).catch((caught: unknown) => caught);
    expect(RetryableAttemptError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ errorKind: 'server', retryAfterMs: 2_000 });
    expect(env.finished.map(({ end }) => [end.outcome, end.errorKind, end.costMicroUsd])).toEqual([['error', 'server', 0]]);
    expect(env.settled).toEqual([{ attemptId: 'job-1.api#1', error: expect.any(ProviderError), answered: false }]);
    expect(fake.updates[0].history).toEqual([expect.objectContaining({ attemptId: 'job-1.api#1', outcome: 'error', errorKind: 'server', endpoint: 'openai' })]);
    expect(env.failures).toEqual([]);
    expect(env.toTier).toEqual([]);
    expect(env.moved).toEqual([]);
  });

  it('the same error on the last attempt moves the job on as retries-exhausted, carrying the history', async () => {
    const env = harness({
      local: true,
      chat: async () => {
        throw serverError('server');
      },
    });
    const outcome = await processPipelineJob(fakeJob(baseData(), { attemptsMade: 2, attempts: 3 }).job, env.deps);
    expect(outcome).toEqual({ status: 'escalated', to: 'local-quality', reason: 'retries-exhausted: on to local-quality' });
    expect(env.failures).toEqual([{ kind: 'retries-exhausted', errorKind: 'server', message: 'HTTP 503 from the fake' }]);
    expect(env.toTier).toEqual([{ tier: 'local-quality', history: [expect.objectContaining({ outcome: 'error', errorKind: 'server' })] }]);
    expect(env.moved).toEqual([{ to: 'local-quality', reason: 'retries-exhausted: on to local-quality' }]);
  });

  it('a final (non-retryable) error moves the job on at once, with attempts left', async () => {
    const env = harness({
      local: true,
      chat: async () => {
        throw serverError('bad-request');
      },
    });
    const outcome = await processPipelineJob(fakeJob(baseData(), { attemptsMade: 0, attempts: 3 }).job, env.deps);
    expect(outcome).toMatchObject({ status: 'escalated', to: 'local-quality' });
    expect(env.failures).toEqual([{ kind: 'provider-error', errorKind: 'bad-request', retryable: false, message: 'HTTP 400 from the fake' }]);
    expect(env.finished).toHaveLength(1);
  });

  it('a failed call with a fresh candidate fails over (delayed, history names the endpoint) without using an attempt', async () => {
    const env = harness({
      local: false,
      advice: { failover: true, guard: { effect: 'breaker', scope: 'model', open: false, message: 'HTTP 503' }, endpointAnswered: false },
      freshCandidate: true,
      chat: async () => {
        throw serverError('server');
      },
    });
    const fake = fakeJob(baseData({ tier: 'api' }), { attemptsMade: 2, attempts: 3 });
    const error = await processPipelineJob(fake.job, env.deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DelayedError);
    expect(env.failedCalls).toEqual(['openai']);
    expect(fake.updates[0].history).toEqual([expect.objectContaining({ endpoint: 'openai', outcome: 'error' })]);
    expect(fake.delayedUntil).toHaveLength(1);
    expect(env.failures).toEqual([]);
  });

  it('no model for the tier moves the job on without starting an attempt', async () => {
    const env = harness({ chosen: 'none' });
    const outcome = await processPipelineJob(fakeJob(baseData()).job, env.deps);
    expect(outcome.status).toBe('escalated');
    expect(env.failures).toEqual([{ kind: 'no-model', message: 'no healthy model configured for tier local-fast' }]);
    expect(env.started).toEqual([]);
  });

  it('every provider paused: the job waits until the soonest one, reason on the job', async () => {
    const env = harness({ local: false, chosen: { wait: { untilMs: 1_900_000_000_500, reason: 'openai paused after 429' } } });
    const fake = fakeJob(baseData({ tier: 'api' }));
    await expect(processPipelineJob(fake.job, env.deps)).rejects.toBeInstanceOf(DelayedError);
    expect(fake.delayedUntil).toEqual([1_900_000_000_500]);
    expect(fake.updates[0].waitReason).toBe('openai paused after 429');
    expect(env.reserved).toEqual([]);
  });
});

describe('processPipelineJob: quality gate', () => {
  it('an answer that passes is stored and the job succeeds; the request carries the choice and the attempt id', async () => {
    const env = harness({ local: true, gate: PASS });
    const outcome = await processPipelineJob(fakeJob(baseData()).job, env.deps);
    expect(outcome).toEqual({ status: 'succeeded', attemptId: 'job-1.local-fast#1', score: 0.91 });
    expect(env.completed).toEqual(['job-1.local-fast#1']);
    expect(env.finished.map(({ end }) => [end.outcome, end.gate?.score])).toEqual([['passed', 0.91]]);
    expect(env.answered).toEqual(['ollama-1']);
    expect(env.toTier).toEqual([]);
    expect(env.chats[0]).toMatchObject({ model: 'llama3.2:3b', timeoutMs: 30_000, attemptId: 'job-1.local-fast#1', maxTokens: 1024 });
  });

  it('a store with finishAndComplete gets one call for a passing answer', async () => {
    const env = harness({ gate: PASS, withFinishAndComplete: true });
    await processPipelineJob(fakeJob(baseData()).job, env.deps);
    expect(env.events).toEqual(['choose', 'startAttempt', 'chat', 'finishAndComplete']);
  });

  it('an answer that fails the gate is recorded as failed-gate and the job escalates with the score in its history', async () => {
    const env = harness({ local: true, gate: FAIL });
    const outcome = await processPipelineJob(fakeJob(baseData()).job, env.deps);
    expect(outcome).toEqual({ status: 'escalated', to: 'local-quality', reason: 'quality-gate: on to local-quality' });
    expect(env.completed).toEqual([]);
    expect(env.finished.map(({ end }) => end.outcome)).toEqual(['failed-gate']);
    expect(env.failures).toEqual([{ kind: 'quality-gate', score: 0.42, checks: FAIL.checks }]);
    expect(env.toTier[0].history).toEqual([expect.objectContaining({ outcome: 'failed-gate', qualityScore: 0.42, reason: 'quality gate 0.42 < 0.7' })]);
  });

  it('a failed answer the policy repairs is asked again on the same tier (delayed with the repair), not escalated', async () => {
    const env = harness({ local: true, gate: FAIL, repair: true });
    const fake = fakeJob(baseData());
    await expect(processPipelineJob(fake.job, env.deps)).rejects.toBeInstanceOf(DelayedError);
    expect(fake.updates[0].repair).toMatchObject({ kind: 'gate', tier: 'local-fast', of: 'job-1.local-fast#1' });
    expect(env.toTier).toEqual([]);
    expect(env.moved).toEqual([]);
  });
});

describe('processPipelineJob: abort', () => {
  it('aborted after the reservation: no attempt row, no call, the reservation and the guard place go back, the error reaches BullMQ', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const env = harness({ local: false, signal: controller.signal });
    const error = await processPipelineJob(fakeJob(baseData({ tier: 'api' })).job, env.deps).catch((caught: unknown) => caught);
    expect(error).toEqual(new Error('shutting down'));
    expect(env.events).toEqual(['choose', 'reserve', 'release']);
    expect(env.released).toEqual(['job-1.api#1']);
    expect(env.notSent).toEqual(['openai']);
    expect(env.chats).toEqual([]);
  });

  it('aborted during the call: the attempt is recorded and the error rethrown, the job neither retried nor moved on', async () => {
    const controller = new AbortController();
    const env = harness({
      local: false,
      signal: controller.signal,
      chat: async () => {
        controller.abort();
        throw serverError('aborted');
      },
    });
    const fake = fakeJob(baseData({ tier: 'api' }), { attemptsMade: 0, attempts: 3 });
    const error = await processPipelineJob(fake.job, env.deps).catch((caught: unknown) => caught);
    expect(ProviderError.isInstance(error) && error.kind).toBe('aborted');
    expect(RetryableAttemptError.isInstance(error)).toBe(false);
    expect(env.finished.map(({ end }) => [end.outcome, end.errorKind])).toEqual([['error', 'aborted']]);
    expect(env.settled).toHaveLength(1);
    expect(env.failures).toEqual([]);
    expect(env.moved).toEqual([]);
    expect(fake.updates).toEqual([]);
  });
});
