import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { composeWorkers, createSpend } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';
import { API_MODEL, moneyFacts, startWorkerProcess, writePromptJobs, writeTestConfig, type WorkerProcess } from './spend-e2e-support';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const CAP_MICRO = 1_000_000;
// At ~15,600 µUSD billed a call, 50 calls (780,000) could all fit under the $1.00 cap on a run
// where few reservations overlapped; 80 (1.25 M) always reach it, so the cap is what binds.
const API_JOBS = 80;
const LOCAL_JOBS = 6;

/**
 * A $1.00 daily and monthly cap, 20 api calls in flight at once (the queue's global
 * concurrency), each call a few cents, against the emulator with API latency.
 * `maxReservationShare: 1` so that the cap itself (and the 10 % local-only floor) binds.
 */
const openCapPipeline = async (onExhausted: 'wait' | 'review', dir: string): Promise<TestPipeline> => {
  const configPath = writeTestConfig(dir, { onExhausted, maxReservationShare: 1 });
  return openTestPipeline({
    queues: 'redis',
    database: 'fresh',
    timeScale: 0.5,
    env: { EAIO_CONFIG: configPath, LLM_DAILY_BUDGET: '1', LLM_MONTHLY_BUDGET: '1', MAX_CONCURRENT_API: '20' },
    // ~3.3 s per api call (scaled): long enough that 20 are in flight together, even on a busy machine.
    models: () => ({ [API_MODEL]: withBehaviour(PRESETS.api, { ttftMs: 6000, answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }) }),
  });
};

const submitBoth = async (pipeline: TestPipeline) => {
  const api = await runSubmit(pipeline.runtime, { jsonl: writePromptJobs(pipeline.dir, 'api', API_JOBS, 'PUBLIC'), tenant: 'cap', progress: false, simulated: true }, quiet);
  expect(api.counts.byQueue.api).toBe(API_JOBS);
  const local = await runSubmit(pipeline.runtime, { jsonl: writePromptJobs(pipeline.dir, 'local', LOCAL_JOBS, 'PRIVATE'), tenant: 'cap', progress: false, simulated: true }, quiet);
  expect(local.counts.byQueue['local-quality']).toBe(LOCAL_JOBS);
  return { apiBatch: api.batchId, localBatch: local.batchId };
};

const jobStates = async (pipeline: TestPipeline, batchId: string) =>
  (
    await pipeline.runtime.database.pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM jobs WHERE batch_id = $1 GROUP BY state', [batchId])
  ).rows.reduce<Record<string, number>>((all, row) => Object.assign(all, { [row.state]: row.n }), {});

const assertUnderCap = (facts: Awaited<ReturnType<typeof moneyFacts>>) => {
  expect(facts.ledgerMicro).toBeLessThanOrEqual(CAP_MICRO);
  for (const counter of facts.counters.filter((row) => row.scope === 'global')) {
    expect(counter.spentMicro).toBe(facts.ledgerMicro); // counters agree with the ledger
    expect(counter.spentMicro + counter.reservedMicro).toBeLessThanOrEqual(CAP_MICRO);
  }
};

describe('spend end to end: a $1.00 cap under 20 concurrent api calls', () => {
  const dirs: string[] = [];
  const processes: WorkerProcess[] = [];
  const pipelines: TestPipeline[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'eaio-spend-e2e-'));
    dirs.push(dir);
    return dir;
  };

  afterAll(async () => {
    await Promise.all(processes.map((worker) => worker.stop(2_000)));
    for (const pipeline of pipelines) await pipeline.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('onExhausted wait: two worker processes, spend ≤ cap, refused jobs delayed with the reason, local jobs run, a SIGKILLed worker leaks no reservation', async () => {
    const pipeline = await openCapPipeline('wait', tempDir());
    pipelines.push(pipeline);
    const { runtime, rehearsal } = pipeline;
    // Both processes up before any job exists, so that both take a share of the first wave.
    const workers = [startWorkerProcess(pipeline.env, ['--tier', 'api']), startWorkerProcess(pipeline.env, ['--tier', 'api'])];
    processes.push(...workers);
    const ids = await Promise.all(workers.map((worker) => worker.workerId));
    const { apiBatch, localBatch } = await submitBoth(pipeline);

    // Both processes busy, many calls in flight: kill the one holding more of them, mid-call.
    let victim = -1;
    let victimJobs: string[] = [];
    await waitFor(
      async () => {
        const active = await runtime.queues.api.getJobs(['active']);
        const held = ids.map((id) => active.filter((job) => job.processedBy === id).map((job) => job.id!));
        const inFlight = rehearsal.emulator.stats().inFlightByHost.api ?? 0;
        // 20 calls in flight at once; kill the process holding more of them (under load one
        // process may have taken all 20: it is then the victim and the other one drains the rest).
        if (inFlight < 20 || held.every((jobs) => jobs.length === 0)) return false;
        victim = held[0].length >= held[1].length ? 0 : 1;
        victimJobs = held[victim];
        return true;
      },
      30_000,
      '20 api calls in flight',
    ).catch(async (error) => {
      const active = await runtime.queues.api.getJobs(['active']);
      console.log(
        ids,
        active.map((job) => job.processedBy),
        await runtime.queues.api.getJobCounts(),
        await moneyFacts(runtime),
        workers.map((worker) => worker.output().slice(-1500)),
      );
      throw error;
    });
    const inFlightAtKill = rehearsal.emulator.stats().inFlightByHost.api;
    workers[victim].child.kill('SIGKILL');
    await workers[victim].exited;

    // Local jobs start while the api budget is refusing work, and all finish.
    await waitFor(async () => (await runtime.queues.api.getJobCounts('delayed')).delayed > 0, 20_000, 'the first job refused by the budget');
    const local = await composeWorkers(runtime, { tiers: ['local-fast', 'local-quality'], idlePollMs: 5 });
    try {
      await waitFor(async () => (await jobStates(pipeline, localBatch)).succeeded === LOCAL_JOBS, 20_000, 'every local job to succeed');
    } finally {
      await local.close();
    }

    // The surviving process works through the rest: everything but the victim's stuck jobs is done or delayed.
    await waitFor(
      async () => {
        const counts = await runtime.queues.api.getJobCounts('waiting', 'active', 'prioritized');
        return counts.waiting === 0 && counts.prioritized === 0 && counts.active === victimJobs.length && (rehearsal.emulator.stats().inFlightByHost.api ?? 0) === 0;
      },
      30_000,
      'the surviving worker to drain the api queue',
    );

    const emulatorStats = rehearsal.emulator.stats();
    expect(emulatorStats.maxInFlightByHost.api).toBe(20);
    expect(inFlightAtKill).toBe(20);

    // Jobs over the cap wait: delayed, with the budget reason on the job and in its log.
    const delayed = await runtime.queues.api.getJobs(['delayed']);
    expect(delayed.length).toBeGreaterThan(0);
    for (const job of delayed) {
      expect(job.data.routeReason).toMatch(/waiting: .*(exhausted|nearly spent)/);
      expect(job.delay).toBeGreaterThan(0);
      const { logs } = await runtime.queues.api.getJobLogs(job.id!);
      expect(logs.some((line) => line.startsWith('waiting for budget:'))).toBe(true);
    }
    const states = await jobStates(pipeline, apiBatch);
    expect(states.review ?? 0).toBe(0); // wait mode: nothing dropped, nothing sent to review
    expect(states.succeeded).toBeGreaterThanOrEqual(20 - victimJobs.length); // the survivor's share of the first wave
    expect((states.succeeded ?? 0) + delayed.length + victimJobs.length).toBe(API_JOBS);

    // The victim's calls left open reservations; the sweeper (run with a `now` past their expiry) closes them.
    const before = await moneyFacts(runtime);
    expect(before.byStatus.open).toBe(victimJobs.length);
    assertUnderCap(before);
    const { guard } = createSpend(runtime, runtime.log);
    const swept = await guard.releaseExpired(new Date(Date.now() + 10 * 60_000));
    expect(swept).toBe(victimJobs.length);

    const after = await moneyFacts(runtime);
    expect(after.byStatus.open ?? 0).toBe(0);
    expect(after.byStatus.abandoned).toBe(victimJobs.length);
    expect(after.counters.every((counter) => counter.reservedMicro === 0)).toBe(true);
    assertUnderCap(after);
    expect(after.ledgerMicro).toBeGreaterThan(0.5 * CAP_MICRO); // the cap bound, not something else
    expect(after.ledgerKinds.billed).toBe(states.succeeded);
    console.log(
      `[spend-e2e-cap wait] settled ${after.ledgerMicro} µUSD of ${CAP_MICRO}; billed ${after.ledgerKinds.billed}, abandoned ${after.ledgerKinds.abandoned}, delayed ${delayed.length}; max in flight ${emulatorStats.maxInFlightByHost.api}, killed with ${victimJobs.length} calls`,
    );

    // Budget-aware routing at intake sees what is left now.
    const state = await guard.budgetRoutingState(new Date(), { tenant: 'cap' });
    expect(state.budgets.find((budget) => budget.scope === 'global' && budget.period.startsWith('day:'))?.spentMicro).toBe(after.ledgerMicro);
  }, 45_000);

  it('onExhausted review: jobs refused by the cap go to review with the reason, spend ≤ cap, local jobs run, nothing stays reserved', async () => {
    const pipeline = await openCapPipeline('review', tempDir());
    pipelines.push(pipeline);
    const { runtime, rehearsal } = pipeline;
    // Two api worker instances (in this process this time) and the local tiers, all at once.
    const handles = [
      await composeWorkers(runtime, { tiers: ['api'] }),
      await composeWorkers(runtime, { tiers: ['api'] }),
      await composeWorkers(runtime, { tiers: ['local-fast', 'local-quality'], idlePollMs: 5 }),
    ];
    let apiBatch = '';
    let localBatch = '';
    try {
      ({ apiBatch, localBatch } = await submitBoth(pipeline));
      await waitFor(
        async () => {
          const api = await jobStates(pipeline, apiBatch);
          const local = await jobStates(pipeline, localBatch);
          return (api.succeeded ?? 0) + (api.review ?? 0) === API_JOBS && (local.succeeded ?? 0) === LOCAL_JOBS;
        },
        30_000,
        'every job to finish',
      );
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
    expect(rehearsal.emulator.stats().maxInFlightByHost.api).toBe(20);

    const states = await jobStates(pipeline, apiBatch);
    expect(states.review).toBeGreaterThan(0);
    expect(await runtime.queues.api.getJobCounts('delayed')).toEqual({ delayed: 0 });
    const review = await runtime.queues.review.getJobs(['waiting']);
    expect(review).toHaveLength(states.review);
    for (const job of review) {
      expect(job.data.reason).toMatch(/exhausted|nearly spent/);
      expect(job.data.lastTier).toBe('api');
    }

    const facts = await moneyFacts(runtime);
    expect(facts.byStatus).toEqual({ settled: states.succeeded });
    expect(facts.counters.every((counter) => counter.reservedMicro === 0)).toBe(true);
    assertUnderCap(facts);
    expect(facts.ledgerMicro).toBeGreaterThan(0.5 * CAP_MICRO);
    console.log(`[spend-e2e-cap review] settled ${facts.ledgerMicro} µUSD of ${CAP_MICRO}; billed ${facts.ledgerKinds.billed}, review ${states.review}`);
  }, 40_000);
});
