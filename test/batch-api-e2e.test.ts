import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { scaledPrice, settledCostMicro } from '@eaio/spend';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runCancel } from '../apps/producer/src/commands/cancel-command';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';
import { API_MODEL, moneyFacts, TEST_PRICE, writePromptJobs, writeTestConfig } from './spend-e2e-support';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const JOBS = 10;
const CAP_USD = 1;
/** Fast lane for tests: no gathering wait, polls five times a second, falls back 60 s before the deadline. */
const LANE = { collectSec: 0, pollSec: 0.2, fallbackMarginSec: 60 };

const openBatchPipeline = async (dir: string): Promise<TestPipeline> =>
  openTestPipeline({
    queues: 'redis',
    database: 'fresh',
    timeScale: 0.05,
    env: { EAIO_CONFIG: writeTestConfig(dir, {}), LLM_DAILY_BUDGET: String(CAP_USD), LLM_MONTHLY_BUDGET: String(CAP_USD), MAX_CONCURRENT_API: '10' },
    overrides: { retries: { backoffBaseMs: 20, backoffMaxMs: 200 }, batchApi: LANE },
    models: () => ({ [API_MODEL]: withBehaviour(PRESETS.api, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }) }),
  });

const states = async (pipeline: TestPipeline, batchId: string) =>
  Object.fromEntries(
    (await pipeline.runtime.database.pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM jobs WHERE batch_id = $1 GROUP BY state', [batchId])).rows.map(
      (row) => [row.state, row.n],
    ),
  );

const items = async (pipeline: TestPipeline, batchId: string) =>
  Object.fromEntries(
    (
      await pipeline.runtime.database.pool.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM provider_batch_items WHERE batch_id = $1 GROUP BY status', [
        batchId,
      ])
    ).rows.map((row) => [row.status, row.n]),
  );

const ledgerOf = async (pipeline: TestPipeline, batchId: string) =>
  (
    await pipeline.runtime.database.pool.query<{
      attempt_id: string;
      kind: string;
      cost_micro_usd: string;
      input_tokens: number | null;
      output_tokens: number | null;
      cached_input_tokens: number | null;
      price_version: string;
    }>('SELECT attempt_id, kind, cost_micro_usd, input_tokens, output_tokens, cached_input_tokens, price_version FROM spend_ledger WHERE batch_id = $1 ORDER BY attempt_id', [
      batchId,
    ])
  ).rows;

describe('batch API tier end to end (emulator, Redis, PostgreSQL)', () => {
  const dirs: string[] = [];
  const pipelines: TestPipeline[] = [];
  const closers: (() => Promise<void>)[] = [];
  const open = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eaio-batch-api-'));
    dirs.push(dir);
    const pipeline = await openBatchPipeline(dir);
    pipelines.push(pipeline);
    const workers = await composeWorkers(pipeline.runtime, { tiers: ['api'] });
    closers.push(async () => {
      workers.stopSweeper();
      await workers.close();
    });
    return pipeline;
  };
  afterAll(async () => {
    for (const close of closers) await close();
    for (const pipeline of pipelines) await pipeline.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a --deadline 24h batch: api jobs go through file upload + batch create (no chat calls), reservations cover the whole batch until settlement, ledger = usage × batch price', async () => {
    const pipeline = await open();
    const { runtime, rehearsal } = pipeline;
    // The emulated provider works on a batch for 3 s: long enough to look at the money while every call waits in it.
    rehearsal.emulator.configure({ batchDelayMs: 3_000 });
    const submitted = await runSubmit(
      runtime,
      { jsonl: writePromptJobs(pipeline.dir, 'deadline', JOBS, 'PUBLIC'), tenant: 'batch', progress: false, simulated: true, deadline: '24h' },
      quiet,
    );
    expect(submitted.counts.byQueue.api).toBe(JOBS);

    await waitFor(async () => (await items(pipeline, submitted.batchId)).submitted === JOBS, 30_000, 'every api call to wait in a provider batch');
    const parked = await moneyFacts(runtime);
    const held = (
      await runtime.database.pool.query<{ n: number; amount: string; expires: Date }>(
        "SELECT count(*)::int AS n, sum(amount_micro_usd)::bigint AS amount, min(expires_at) AS expires FROM budget_reservations WHERE status = 'open'",
      )
    ).rows[0];
    expect(held.n).toBe(JOBS); // one reservation per call, all held while the provider works
    expect(held.expires.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000); // held until the deadline, not a call timeout
    for (const counter of parked.counters.filter((row) => row.scope === 'global')) {
      expect(counter.reservedMicro).toBe(Number(held.amount));
      expect(counter.spentMicro + counter.reservedMicro).toBeLessThanOrEqual(CAP_USD * 1_000_000);
    }
    expect(parked.ledgerRows).toBe(0); // nothing settled before the provider answered

    await waitFor(async () => (await states(pipeline, submitted.batchId)).succeeded === JOBS, 60_000, 'every job to succeed from its batch answer');

    const log = rehearsal.emulator.log().filter((entry) => entry.host === 'api');
    const attempts = (
      await runtime.database.pool.query<{ attempt_id: string; outcome: string }>("SELECT attempt_id, outcome FROM attempts WHERE batch_id = $1 AND tier = 'api'", [
        submitted.batchId,
      ])
    ).rows;
    const attemptIds = new Set(attempts.map((row) => row.attempt_id));
    expect(attempts).toHaveLength(JOBS);
    expect(attempts.every((row) => row.outcome === 'passed')).toBe(true); // through the same gate as interactive answers
    expect(log.filter((entry) => entry.operation === 'file-upload' && entry.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(log.filter((entry) => entry.operation === 'batch-create' && entry.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(log.filter((entry) => entry.operation === 'chat' && attemptIds.has(entry.attemptId ?? ''))).toHaveLength(0);
    const lines = log.filter((entry) => entry.operation === 'batch-item');
    expect(new Set(lines.map((entry) => entry.attemptId))).toEqual(attemptIds);

    // Ledger: one billed row per call, at the batch price (half of the interactive one), equal to the usage the emulator reported.
    const ledger = await ledgerOf(pipeline, submitted.batchId);
    const batchPrice = scaledPrice(TEST_PRICE, 0.5);
    expect(ledger).toHaveLength(JOBS);
    for (const row of ledger) {
      const logged = lines.find((entry) => entry.attemptId === row.attempt_id)!.usage!;
      expect(row.kind).toBe('billed');
      expect(row.price_version).toMatch(/\+batch:0\.5$/);
      expect(row.input_tokens).toBe(logged.inputTokens);
      expect(row.output_tokens).toBe(logged.outputTokens);
      const usage = { inputTokens: logged.inputTokens, outputTokens: logged.outputTokens, cachedInputTokens: logged.cachedInputTokens };
      expect(Number(row.cost_micro_usd)).toBe(settledCostMicro(usage, batchPrice));
      expect(Number(row.cost_micro_usd) * 2).toBeGreaterThanOrEqual(settledCostMicro(usage, TEST_PRICE) - 1);
    }
    const after = await moneyFacts(runtime);
    expect(after.byStatus.open ?? 0).toBe(0);
    const total = ledger.reduce((sum, row) => sum + Number(row.cost_micro_usd), 0);
    for (const counter of after.counters.filter((row) => row.scope === 'global')) {
      expect(counter.reservedMicro).toBe(0);
      expect(counter.spentMicro).toBe(total);
    }
    console.log(
      `[batch-api-e2e] ${JOBS} jobs: ${log.filter((entry) => entry.operation === 'batch-create').length} provider batch(es), ${lines.length} batch lines, 0 chat calls; held while parked ${Number(held.amount)} µUSD; billed ${total} µUSD at batch price (interactive would be ${ledger.reduce((sum, row) => sum + settledCostMicro({ inputTokens: row.input_tokens ?? 0, outputTokens: row.output_tokens ?? 0, cachedInputTokens: row.cached_input_tokens ?? 0 }, TEST_PRICE), 0)} µUSD)`,
    );
  }, 120_000);

  it('deadline close: a batch inside the fallback margin calls interactively; a provider batch still running at the fallback moment is cancelled and its calls go interactive', async () => {
    const pipeline = await open();
    const { runtime, rehearsal } = pipeline;
    // Inside the margin from the start: never joins a provider batch.
    const near = await runSubmit(runtime, { jsonl: writePromptJobs(pipeline.dir, 'near', 3, 'PUBLIC'), tenant: 'batch', progress: false, simulated: true, deadline: '30s' }, quiet);
    await waitFor(async () => (await states(pipeline, near.batchId)).succeeded === 3, 60_000, 'the near-deadline jobs to succeed interactively');
    expect(await items(pipeline, near.batchId)).toEqual({});
    const nearLedger = await ledgerOf(pipeline, near.batchId);
    expect(nearLedger).toHaveLength(3);
    expect(nearLedger.every((row) => !row.price_version.includes('+batch'))).toBe(true);

    // Parked with 8 s before the fallback moment; the provider never gets to it.
    rehearsal.emulator.configure({ batchDelayMs: 600_000 });
    const late = await runSubmit(
      runtime,
      {
        jsonl: writePromptJobs(pipeline.dir, 'late', 3, 'PUBLIC'),
        tenant: 'batch',
        progress: false,
        simulated: true,
        deadline: new Date(Date.now() + (LANE.fallbackMarginSec + 8) * 1000).toISOString(),
      },
      quiet,
    );
    await waitFor(async () => (await items(pipeline, late.batchId)).submitted === 3, 30_000, 'the late jobs to wait in a provider batch');
    await waitFor(async () => (await states(pipeline, late.batchId)).succeeded === 3, 60_000, 'the late jobs to fall back and succeed');
    expect(await items(pipeline, late.batchId)).toEqual({ fallback: 3 });
    const log = rehearsal.emulator.log().filter((entry) => entry.host === 'api');
    expect(log.some((entry) => entry.operation === 'batch-cancel' && entry.status === 200)).toBe(true);
    const ledger = await ledgerOf(pipeline, late.batchId);
    // The batch attempts: sent, never answered, $0; then one interactive call each at the full price.
    expect(ledger.filter((row) => row.price_version.includes('+batch')).map((row) => [row.kind, Number(row.cost_micro_usd)])).toEqual([
      ['unbilled', 0],
      ['unbilled', 0],
      ['unbilled', 0],
    ]);
    const interactive = ledger.filter((row) => !row.price_version.includes('+batch'));
    expect(interactive.map((row) => row.kind)).toEqual(['billed', 'billed', 'billed']);
    const chats = log.filter((entry) => entry.operation === 'chat');
    for (const row of interactive) expect(chats.some((entry) => entry.attemptId === row.attempt_id)).toBe(true);
    expect((await moneyFacts(runtime)).byStatus.open ?? 0).toBe(0);
  }, 150_000);

  it('eaio cancel: calls waiting in a provider batch are cancelled there, their jobs end failed, their reservations are released ($0)', async () => {
    const pipeline = await open();
    const { runtime, rehearsal } = pipeline;
    rehearsal.emulator.configure({ batchDelayMs: 600_000 });
    const submitted = await runSubmit(
      runtime,
      { jsonl: writePromptJobs(pipeline.dir, 'cancel', 4, 'PUBLIC'), tenant: 'batch', progress: false, simulated: true, deadline: '24h' },
      quiet,
    );
    await waitFor(async () => (await items(pipeline, submitted.batchId)).submitted === 4, 30_000, 'the jobs to wait in a provider batch');
    const report = await runCancel(runtime, submitted.batchId, quiet);
    expect(report).toMatchObject({ found: true, parked: 4 });
    await waitFor(async () => (await states(pipeline, submitted.batchId)).failed === 4, 30_000, 'the cancelled jobs to end failed');
    expect(await items(pipeline, submitted.batchId)).toEqual({ cancelled: 4 });
    expect(rehearsal.emulator.log().some((entry) => entry.operation === 'batch-cancel')).toBe(true);
    expect(rehearsal.emulator.log().some((entry) => entry.operation === 'chat' || entry.operation === 'batch-item')).toBe(false);
    const ledger = await ledgerOf(pipeline, submitted.batchId);
    expect(ledger.map((row) => [row.kind, Number(row.cost_micro_usd)])).toEqual(Array(4).fill(['unbilled', 0]));
    const money = await moneyFacts(runtime);
    expect(money.byStatus.open ?? 0).toBe(0);
  }, 120_000);
});
