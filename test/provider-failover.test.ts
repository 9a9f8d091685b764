import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { PRESETS, withBehaviour, type ModelBehaviourPatch } from '@eaio/emulator';
import type { EaioConfig } from '@eaio/core';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';
import { writePromptJobs } from './spend-e2e-support';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const JOBS = 20;
const THRESHOLD = 3;
const CONCURRENCY = 10;

/** Every api model answers well; the scenario then breaks the first api candidate. */
const cleanApi = (config: EaioConfig) =>
  Object.fromEntries(
    config.tiers.api.candidates.map((candidate) => [
      candidate.model,
      withBehaviour(PRESETS.api, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }),
    ]),
  );

interface Scenario {
  name: string;
  /** The first api candidate's behaviour, set before the workers start. */
  fault?: ModelBehaviourPatch;
  /** Set once the first call reached it (a listing cached as healthy, then 404). */
  afterFirstCall?: (pipeline: TestPipeline, model: string) => void;
  errorKind: string;
  /** The breaker that opens (`undefined`: a 429 pauses the provider instead). */
  breaker?: (model: string) => string;
}

const SCENARIOS: Scenario[] = [
  { name: '503 on every call', fault: { faults: { unavailable: 1 } }, errorKind: 'server', breaker: (model) => `openai/${model}` },
  { name: '429 with retry-after on every call', fault: { faults: { rateLimit: 1 }, retryAfterSeconds: 1 }, errorKind: 'rate-limit' },
  { name: 'hangs past the timeout', fault: { faults: { hang: 1 } }, errorKind: 'timeout', breaker: (model) => `openai/${model}` },
  {
    name: '404 model-not-found while its listing is still cached',
    afterFirstCall: (pipeline, model) => {
      const others = pipeline.config.tiers.api.candidates.map((candidate) => candidate.model).filter((name) => name !== model);
      pipeline.rehearsal.emulator.configure({ availableModels: { api: others } });
    },
    errorKind: 'model-not-found',
    breaker: (model) => `openai/${model}`,
  },
  { name: '401 (key refused) on every chat', fault: { faults: { unauthorized: 1 } }, errorKind: 'auth', breaker: () => 'openai' },
];

/**
 * Issue 10: the first api candidate (OpenAI) fails every call in one way; Anthropic and
 * Gemini are healthy. Every api-bound job must succeed on another provider, the failing
 * one's breaker open after the configured failures, its calls stay bounded, nothing go to review.
 * On the code before failover every job called OpenAI until its attempts ran out and went to review.
 */
const describeFailover = (queues: 'redis' | 'postgres', scenarios: Scenario[], storm: boolean) =>
  describe(`failover inside the api tier (queues and breakers on ${queues})`, () => {
    let pipeline: TestPipeline;
    let redis: Redis;
    /** A clean slate for the shared breakers and pauses (Redis keys, or provider_guard_states rows). */
    const resetGuard = async () => {
      if (queues === 'postgres') {
        await pipeline.runtime.database.pool.query('DELETE FROM provider_guard_states');
        return;
      }
      const guardKeys = await redis.keys(`${pipeline.namespace}:provider-guard*`);
      if (guardKeys.length > 0) await redis.del(...guardKeys);
    };
    const counts: string[] = [];
    beforeAll(async () => {
      pipeline = await openTestPipeline({
        queues,
        database: 'fresh',
        timeScale: 0.02,
        models: cleanApi,
        env: { MAX_CONCURRENT_API: String(CONCURRENCY) },
        overrides: {
          limits: { apiTimeoutSec: 1 },
          circuitBreaker: { failureThreshold: THRESHOLD, windowSec: 60, coolDownSec: 600 },
        },
      });
      redis = new Redis('redis://127.0.0.1:6379');
    }, 120_000);
    afterAll(async () => {
      console.log(counts.join('\n'));
      await redis?.quit();
      await pipeline?.close();
    });

    for (const [index, scenario] of scenarios.entries()) {
      it(`${scenario.name}: every job succeeds on another provider, the breaker opens, calls to it stay bounded`, async () => {
        const { runtime, rehearsal } = pipeline;
        const model = pipeline.config.tiers.api.candidates[0].model;
        expect(pipeline.config.tiers.api.candidates[0].endpoint).toBe('openai');
        // A clean slate: the emulator's behaviour and log, the shared breakers and pauses.
        rehearsal.emulator.configure({ models: cleanApi(pipeline.config), availableModels: { api: null } });
        if (scenario.fault) rehearsal.emulator.configure({ models: { [model]: scenario.fault } });
        rehearsal.emulator.reset();
        await resetGuard();

        const jsonl = writePromptJobs(pipeline.dir, `failover-${queues}-${index}`, JOBS, 'PUBLIC');
        const { batchId } = await runSubmit(runtime, { jsonl, tenant: `failover-${queues}-${index}`, progress: false, simulated: true }, quiet);
        const workers = await composeWorkers(runtime, { tiers: ['api'] });
        try {
          if (scenario.afterFirstCall) {
            await waitFor(async () => rehearsal.emulator.log().some((entry) => entry.operation === 'chat' && entry.model === model), 30_000, 'a first call to the first candidate');
            scenario.afterFirstCall(pipeline, model);
          }
          await waitFor(
            async () => {
              const { rows } = await runtime.database.pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state IN ('succeeded', 'review', 'failed')", [
                batchId,
              ]);
              return rows[0].n === JOBS;
            },
            90_000,
            'every job to end',
          );
        } finally {
          await workers.close();
        }

        const { rows: jobs } = await runtime.database.pool.query('SELECT state FROM jobs WHERE batch_id = $1', [batchId]);
        expect(jobs.map((job) => job.state)).toEqual(Array(JOBS).fill('succeeded'));
        const { rows: attempts } = await runtime.database.pool.query('SELECT provider, endpoint, outcome, error_kind FROM attempts WHERE batch_id = $1', [batchId]);
        const failed = attempts.filter((attempt) => attempt.outcome === 'error');
        // The attempt history names the provider that failed and why.
        expect(failed.length).toBeGreaterThan(0);
        for (const attempt of failed) expect([attempt.endpoint, attempt.error_kind]).toEqual(['openai', scenario.errorKind]);
        const passed = attempts.filter((attempt) => attempt.outcome === 'passed');
        expect(passed).toHaveLength(JOBS);
        // Only the 404 case had answers from openai (before its model went away).
        if (!scenario.afterFirstCall) expect(passed.filter((attempt) => attempt.endpoint === 'openai')).toEqual([]);
        expect(passed.every((attempt) => ['openai', 'anthropic', 'gemini'].includes(attempt.endpoint))).toBe(true);

        const callsToFailing = rehearsal.emulator
          .log()
          .filter((entry) => entry.operation === 'chat' && entry.model === model && (entry.status >= 400 || entry.status === 0)).length;
        counts.push(`${scenario.name}: ${callsToFailing} failing calls to openai for ${JOBS} jobs (threshold ${THRESHOLD}, concurrency ${CONCURRENCY})`);
        // Bounded by the breaker (or the pause), not by the number of jobs: at most the calls in flight when it opened.
        expect(callsToFailing).toBeLessThanOrEqual(THRESHOLD + CONCURRENCY);
        const snapshot = await runtime.guard.snapshot();
        if (scenario.breaker) {
          const breaker = snapshot.breakers.find((entry) => entry.key === scenario.breaker!(model));
          expect(breaker?.state).toBe('open');
          expect(breaker?.opens).toBe(1);
          for (const other of snapshot.breakers.filter((entry) => !entry.key.startsWith('openai'))) expect(other.state).toBe('closed');
        } else {
          // A 429 pauses the provider for every worker: one call probes per pause, the other jobs go elsewhere.
          expect(snapshot.breakers.every((entry) => entry.state === 'closed')).toBe(true);
        }
      }, 150_000);
    }

    it.runIf(storm)(
      'a storm of 429s at every api provider: jobs wait it out (delayed, reason on the job), none goes to review, calls are bounded by the pause',
      async () => {
        const { runtime, rehearsal } = pipeline;
        // The full form: FAILOVER_STORM_SEC=60 npx vitest run test/provider-failover.test.ts
        const STORM_MS = Number(process.env.FAILOVER_STORM_SEC ?? 5) * 1000;
        const STORM_JOBS = 40;
        const models = pipeline.config.tiers.api.candidates.filter((candidate) => candidate.enabled).map((candidate) => candidate.model);
        rehearsal.emulator.configure({ models: cleanApi(pipeline.config), availableModels: { api: null } });
        rehearsal.emulator.configure({ models: Object.fromEntries(models.map((model) => [model, { faults: { rateLimit: 1 }, retryAfterSeconds: 1 }])) });
        rehearsal.emulator.reset();
        await resetGuard();
        const jsonl = writePromptJobs(pipeline.dir, 'storm', STORM_JOBS, 'PUBLIC');
        const { batchId } = await runSubmit(runtime, { jsonl, tenant: 'storm', progress: false, simulated: true }, quiet);
        const workers = await composeWorkers(runtime, { tiers: ['api'] });
        let waiting: { reason?: string; attemptsMade: number }[] = [];
        try {
          const stormStart = Date.now();
          // During the storm: jobs sit delayed with the reason, no attempt used.
          await waitFor(
            async () => {
              const delayed = await runtime.queues.api.getJobs(['delayed']);
              waiting = delayed.filter((job) => job.data.waitReason?.includes('paused')).map((job) => ({ reason: job.data.waitReason, attemptsMade: job.attemptsMade }));
              return waiting.length >= 5;
            },
            STORM_MS,
            'jobs waiting on the paused providers',
          );
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, STORM_MS - (Date.now() - stormStart))));
          rehearsal.emulator.configure({ models: Object.fromEntries(models.map((model) => [model, { faults: { rateLimit: 0 } }])) });
          await waitFor(
            async () => {
              const { rows } = await runtime.database.pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state IN ('succeeded', 'review', 'failed')", [
                batchId,
              ]);
              return rows[0].n === STORM_JOBS;
            },
            90_000,
            'every job to end after the storm',
          );
        } finally {
          await workers.close();
        }
        const { rows: jobs } = await runtime.database.pool.query('SELECT state FROM jobs WHERE batch_id = $1', [batchId]);
        expect(jobs.map((job) => job.state)).toEqual(Array(STORM_JOBS).fill('succeeded'));
        expect(waiting.every((job) => job.attemptsMade === 0)).toBe(true);
        const rateLimited = rehearsal.emulator.log().filter((entry) => entry.operation === 'chat' && entry.status === 429);
        // Per provider: the calls in flight when its first 429 came back, then one probe per pause (1 s) of the storm.
        const bound = models.length * (CONCURRENCY + Math.ceil(STORM_MS / 1000) + 2);
        counts.push(
          `429 storm of ${STORM_MS / 1000} s at ${models.length} providers: ${rateLimited.length} calls answered 429 for ${STORM_JOBS} jobs (bound ${bound}; retries per job would make ${STORM_JOBS * 3}); waiting: ${waiting[0]?.reason}`,
        );
        expect(rateLimited.length).toBeLessThanOrEqual(bound);
      },
      150_000 + Number(process.env.FAILOVER_STORM_SEC ?? 5) * 1000,
    );
  });

describeFailover('redis', SCENARIOS, true);
// The embedded default: queues, breakers and pauses in PostgreSQL.
describeFailover(
  'postgres',
  SCENARIOS.filter((scenario) => scenario.errorKind === 'server' || scenario.errorKind === 'auth'),
  false,
);
