import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { createSpend } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';
import { API_MODEL, moneyFacts, startWorkerProcess, writePromptJobs, writeTestConfig, type WorkerProcess } from './spend-e2e-support';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const JOBS = 12;
/** Short job locks so that a SIGKILLed worker's jobs come back within seconds, not a minute. */
const FAST_STALL = ['--tier', 'api', '--lock-duration', '1500', '--stalled-interval', '1000'];

/**
 * Exactly one spend_ledger row (and one attempts row) per API chat request the emulator
 * saw, through BullMQ retries after 429/500 faults and through re-delivery of jobs whose
 * worker process was SIGKILLed mid-call.
 */
describe('spend end to end: one ledger row per provider request', () => {
  let pipeline: TestPipeline;
  let dir: string;
  const processes: WorkerProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eaio-spend-ledger-'));
    pipeline = await openTestPipeline({
      queues: 'redis',
      database: 'fresh',
      timeScale: 0.5,
      env: { EAIO_CONFIG: writeTestConfig(dir, {}), MAX_CONCURRENT_API: '20' },
      // First very slow (10 s per call), so the first worker is surely mid-call when killed.
      models: () => ({ [API_MODEL]: withBehaviour(PRESETS.api, { ttftMs: 20_000, answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }) }),
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((worker) => worker.stop(2_000)));
    await pipeline?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('retries and re-deliveries (worker SIGKILLed mid-call) leave exactly one ledger row and one attempts row per request in the emulator log', async () => {
    const { runtime, rehearsal } = pipeline;
    const first = startWorkerProcess(pipeline.env, FAST_STALL);
    processes.push(first);
    await first.workerId;
    const submitted = await runSubmit(runtime, { jsonl: writePromptJobs(pipeline.dir, 'ledger', JOBS, 'PUBLIC'), tenant: 'ledger', progress: false, simulated: true }, quiet);
    expect(submitted.counts.byQueue.api).toBe(JOBS);

    await waitFor(async () => rehearsal.emulator.stats().inFlightByHost.api === JOBS, 20_000, 'every job to be mid-call');
    first.child.kill('SIGKILL');
    await first.exited;

    // From now on: fast answers, and faults that make BullMQ retry on the same tier.
    rehearsal.emulator.configure({ models: { [API_MODEL]: { ttftMs: 400, retryAfterSeconds: 1, faults: { rateLimit: 0.2, serverError: 0.15 } } } });
    const second = startWorkerProcess(pipeline.env, FAST_STALL);
    processes.push(second);
    await second.workerId;

    await waitFor(
      async () => {
        const { rows } = await runtime.database.pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state IN ('succeeded', 'review')", [submitted.batchId]);
        return rows[0].n === JOBS;
      },
      40_000,
      'every job to finish after re-delivery',
    );
    await second.stop();

    // The killed calls' reservations are still open; the sweeper charges them (worst case) once.
    const { guard } = createSpend(runtime, runtime.log);
    expect(await guard.releaseExpired(new Date(Date.now() + 10 * 60_000))).toBe(JOBS);

    const chats = rehearsal.emulator.log().filter((entry) => entry.operation === 'chat' && entry.host === 'api');
    const requestIds = chats.map((entry) => entry.attemptId);
    expect(requestIds.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(requestIds).size).toBe(requestIds.length);

    const pool = runtime.database.pool;
    const ledger = (
      await pool.query<{ attempt_id: string; job_id: string; kind: string; cost_micro_usd: string }>(
        'SELECT attempt_id, job_id, kind, cost_micro_usd FROM spend_ledger WHERE batch_id = $1',
        [submitted.batchId],
      )
    ).rows;
    const attempts = (await pool.query<{ attempt_id: string }>("SELECT attempt_id FROM attempts WHERE batch_id = $1 AND tier = 'api'", [submitted.batchId])).rows;
    const sorted = [...requestIds].sort();
    expect(ledger.map((row) => row.attempt_id).sort()).toEqual(sorted);
    expect(attempts.map((row) => row.attempt_id).sort()).toEqual(sorted);

    // The killed calls: one abandoned row each, for a request the emulator saw cut off.
    const abandoned = ledger.filter((row) => row.kind === 'abandoned');
    expect(abandoned).toHaveLength(JOBS);
    const byId = new Map(chats.map((entry) => [entry.attemptId!, entry]));
    for (const row of abandoned) {
      expect(row.attempt_id.endsWith('#1')).toBe(true);
      expect(byId.get(row.attempt_id)?.clientAborted).toBe(true);
    }
    // Every job was delivered again after the kill, and the faults made BullMQ retry some.
    for (const jobId of new Set(ledger.map((row) => row.job_id))) {
      expect(ledger.filter((row) => row.job_id === jobId).length).toBeGreaterThanOrEqual(2);
    }
    const faulted = chats.filter((entry) => entry.injected.some((label) => label === 'rate-limit' || label === 'server-error'));
    expect(faulted.length).toBeGreaterThan(0);
    expect(ledger.filter((row) => row.kind === 'unbilled')).toHaveLength(faulted.length);
    const succeeded = (await pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state = 'succeeded'", [submitted.batchId])).rows[0].n;
    expect(ledger.filter((row) => row.kind === 'billed')).toHaveLength(succeeded);

    // Money agrees everywhere and nothing stays held.
    const facts = await moneyFacts(runtime);
    expect(facts.byStatus.open ?? 0).toBe(0);
    expect(facts.counters.every((counter) => counter.reservedMicro === 0)).toBe(true);
    const total = ledger.reduce((sum, row) => sum + Number(row.cost_micro_usd), 0);
    // Failover (issue 10) may move a call to another provider: each provider's counter holds its own rows.
    const byProvider = (
      await pool.query<{ provider: string; cost: string }>('SELECT provider, sum(cost_micro_usd)::bigint AS cost FROM spend_ledger WHERE batch_id = $1 GROUP BY provider', [
        submitted.batchId,
      ])
    ).rows;
    for (const counter of facts.counters) {
      const provider = counter.scope.startsWith('provider:') ? counter.scope.slice('provider:'.length) : undefined;
      expect(counter.spentMicro, counter.scope).toBe(provider ? Number(byProvider.find((row) => row.provider === provider)?.cost ?? 0) : total);
    }
    console.log(
      `[spend-e2e-ledger] ${chats.length} api requests = ${ledger.length} ledger rows = ${attempts.length} attempts rows; kinds ${JSON.stringify(facts.ledgerKinds)}; faults ${faulted.length}; succeeded ${succeeded}/${JOBS}`,
    );
  }, 58_000);
});
