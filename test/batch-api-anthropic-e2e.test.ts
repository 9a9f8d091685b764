import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEFAULT_CONFIG_PATH } from '@eaio/core';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { scaledPrice, settledCostMicro } from '@eaio/spend';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';
import { API_MAX_TOKENS, moneyFacts, TEST_PRICE, writePromptJobs } from './spend-e2e-support';

/**
 * Issue 14, batch API tier through Anthropic's Message Batches: the workers' batch lane sends a
 * deadline batch's api calls with `messages.batches.create` (one request per call, custom id =
 * attempt id) to the emulator, polls `retrieve` until `ended`, reads `results` and maps each
 * answer back by custom id; the ledger bills usage × the batch price (half), the cap holds.
 */
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const MODEL = 'claude-haiku-4-5';
const JOBS = 6;
const CAP_USD = 1;
const LANE = { collectSec: 0, pollSec: 0.2, fallbackMarginSec: 60 };

/** The shipped config with Anthropic as the only api candidate, at test prices. */
const writeAnthropicConfig = (dir: string): string => {
  const config = parseYaml(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, any>;
  config.prices = { ...config.prices, [MODEL]: TEST_PRICE };
  config.tiers.api.candidates = [{ endpoint: 'anthropic', model: MODEL, maxTokens: API_MAX_TOKENS, contextWindow: 200_000 }];
  const path = join(dir, 'eaio.yaml');
  writeFileSync(path, stringifyYaml(config));
  return path;
};

describe('batch API tier through Anthropic Message Batches (emulator, Redis, PostgreSQL)', () => {
  let dir: string | undefined;
  let pipeline: TestPipeline | undefined;
  let workers: Awaited<ReturnType<typeof composeWorkers>> | undefined;
  afterAll(async () => {
    workers?.stopSweeper();
    await workers?.close();
    await pipeline?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a --deadline 24h batch: api calls go through messages.batches (no chat calls), answers map back by custom id, ledger = usage × batch price, cap held', async () => {
    dir = mkdtempSync(join(tmpdir(), 'eaio-batch-anthropic-'));
    pipeline = await openTestPipeline({
      queues: 'redis',
      database: 'fresh',
      timeScale: 0.05,
      env: { EAIO_CONFIG: writeAnthropicConfig(dir), LLM_DAILY_BUDGET: String(CAP_USD), LLM_MONTHLY_BUDGET: String(CAP_USD), MAX_CONCURRENT_API: '10' },
      overrides: { retries: { backoffBaseMs: 20, backoffMaxMs: 200 }, batchApi: LANE },
      models: () => ({ [MODEL]: withBehaviour(PRESETS.api, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }) }),
    });
    const { runtime, rehearsal } = pipeline;
    workers = await composeWorkers(runtime, { tiers: ['api'] });
    rehearsal.emulator.configure({ batchDelayMs: 1_500 });
    const submitted = await runSubmit(
      runtime,
      { jsonl: writePromptJobs(dir, 'anthropic', JOBS, 'PUBLIC'), tenant: 'batch', progress: false, simulated: true, deadline: '24h' },
      quiet,
    );
    expect(submitted.counts.byQueue.api).toBe(JOBS);
    const pool = runtime.database.pool;

    await waitFor(
      async () => (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state = 'succeeded'", [submitted.batchId])).rows[0].n === JOBS,
      90_000,
      'every job to succeed from its Message Batches answer',
    );

    const items = (
      await pool.query<{ attempt_id: string; status: string; endpoint: string; provider_batch_id: string | null }>(
        'SELECT attempt_id, status, endpoint, provider_batch_id FROM provider_batch_items WHERE batch_id = $1',
        [submitted.batchId],
      )
    ).rows;
    expect(items).toHaveLength(JOBS);
    expect(items.every((item) => item.status === 'done' && item.endpoint === 'anthropic' && item.provider_batch_id !== null)).toBe(true);

    const log = rehearsal.emulator.log().filter((entry) => entry.host === 'api');
    const attempts = (
      await pool.query<{ attempt_id: string; outcome: string; provider: string; model: string }>(
        "SELECT attempt_id, outcome, provider, model FROM attempts WHERE batch_id = $1 AND tier = 'api'",
        [submitted.batchId],
      )
    ).rows;
    const attemptIds = new Set(attempts.map((row) => row.attempt_id));
    expect(attempts).toHaveLength(JOBS);
    expect(attempts.every((row) => row.outcome === 'passed' && row.provider === 'anthropic' && row.model === MODEL)).toBe(true);
    expect(new Set(items.map((item) => item.attempt_id))).toEqual(attemptIds);
    // Created through Message Batches (no file upload: Anthropic takes the requests inline), answered there, never by a chat call.
    const creates = log.filter((entry) => entry.operation === 'batch-create' && entry.status === 200);
    expect(creates.length).toBeGreaterThanOrEqual(1);
    expect(creates.every((entry) => entry.provider === 'anthropic')).toBe(true);
    expect(log.some((entry) => entry.operation === 'file-upload')).toBe(false);
    expect(log.filter((entry) => entry.operation === 'chat' && attemptIds.has(entry.attemptId ?? ''))).toHaveLength(0);
    const lines = log.filter((entry) => entry.operation === 'batch-item');
    expect(new Set(lines.map((entry) => entry.attemptId))).toEqual(attemptIds);

    // Ledger: one billed row per call at half the interactive price, equal to the usage the emulator reported.
    const ledger = (
      await pool.query<{ attempt_id: string; kind: string; cost_micro_usd: string; input_tokens: number; output_tokens: number; price_version: string }>(
        'SELECT attempt_id, kind, cost_micro_usd, input_tokens, output_tokens, price_version FROM spend_ledger WHERE batch_id = $1',
        [submitted.batchId],
      )
    ).rows;
    expect(ledger).toHaveLength(JOBS);
    const batchPrice = scaledPrice(TEST_PRICE, 0.5);
    for (const row of ledger) {
      const logged = lines.find((entry) => entry.attemptId === row.attempt_id)!.usage!;
      expect(row.kind).toBe('billed');
      expect(row.price_version).toMatch(/\+batch:0\.5$/);
      expect(row.input_tokens).toBe(logged.inputTokens);
      expect(row.output_tokens).toBe(logged.outputTokens);
      expect(Number(row.cost_micro_usd)).toBe(
        settledCostMicro({ inputTokens: logged.inputTokens, outputTokens: logged.outputTokens, cachedInputTokens: logged.cachedInputTokens }, batchPrice),
      );
    }
    const money = await moneyFacts(runtime);
    expect(money.byStatus.open ?? 0).toBe(0);
    const total = ledger.reduce((sum, row) => sum + Number(row.cost_micro_usd), 0);
    for (const counter of money.counters.filter((row) => row.scope === 'global')) {
      expect(counter.reservedMicro).toBe(0);
      expect(counter.spentMicro).toBe(total);
      expect(counter.spentMicro).toBeLessThanOrEqual(CAP_USD * 1_000_000);
    }
  }, 150_000);
});
