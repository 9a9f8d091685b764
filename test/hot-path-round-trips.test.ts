import type { Job } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, insertJobs, migrate, upsertBatch, type Database } from '@eaio/db';
import type { ChatRequest, ChatResult, ProviderAdapter } from '@eaio/providers';
import type { PipelineJobData } from '@eaio/queues';
import { createPriceCatalog, createSpendGuard } from '@eaio/spend';
import { createPostgresPipelineStore } from '../apps/workers/src/postgres-pipeline-store';
import { processPipelineJob, type ProcessDeps } from '../apps/workers/src/process-job';
import type { ModelChoice } from '../apps/workers/src/pipeline-ports';
import { budgetsConfig } from './spend-fixtures';
import { freshDatabase } from './support/fresh-database';

/**
 * Postgres round trips of one delivery through the real store and the real spend guard,
 * counted statement by statement on an instrumented pool (every statement a client sends,
 * BEGIN and COMMIT included): ≤ 4 for a local delivery, ≤ 8 for an api one (issue 13).
 * The rows the delivery must leave are checked too, so a cheaper path that drops a write fails.
 */
const catalog = createPriceCatalog({ overrides: [{ provider: 'openai', model: 'dear', inputPerMTok: 10, outputPerMTok: 40 }] });

let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let database: Database;
const statements: string[] = [];

beforeAll(async () => {
  fresh = await freshDatabase('round_trips');
  const pool = new pg.Pool({ connectionString: fresh.url, max: 4 });
  // Every client the pool opens counts what it sends (pool.query goes through client.query).
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const first = args[0];
      statements.push(typeof first === 'string' ? first : (first as { text: string }).text);
      return query(...args);
    };
  });
  database = createDb(pool);
  await migrate(database);
  await upsertBatch(database, { id: 'b_rt', tenant: 'acme', name: 'round trips', source: {} });
}, 60_000);

afterAll(async () => {
  await database?.close();
  await fresh?.drop();
});

const answer: ChatResult = {
  text: '{"label":"normal"}',
  json: { label: 'normal' },
  provider: 'ollama',
  model: 'm',
  latencyMs: 5,
  usage: { inputTokens: 40, outputTokens: 10 },
  finishReason: { unified: 'stop', raw: 'stop' },
} as unknown as ChatResult;

const jobData = (id: string, tier: 'local-fast' | 'api'): PipelineJobData => ({
  jobId: id,
  batchId: 'b_rt',
  tenant: 'acme',
  kind: 'prompt',
  privacy: 'PUBLIC',
  taskType: 'classification',
  chain: [tier],
  tier,
  complexity: 0.2,
  routeReason: 'test',
  history: [],
  prompt: 'Classify 12 kWh as normal or unusual.',
});

const fakeJob = (data: PipelineJobData): Job<PipelineJobData> =>
  ({
    id: `${data.jobId}.${data.tier}`,
    data,
    opts: { attempts: 3 },
    attemptsStarted: 1,
    attemptsMade: 0,
    token: 't',
    log: async () => 0,
    updateData: async () => undefined,
    moveToDelayed: async () => undefined,
  }) as unknown as Job<PipelineJobData>;

const deliver = async (id: string, tier: 'local-fast' | 'api') => {
  const data = jobData(id, tier);
  await insertJobs(database, [
    {
      id,
      batchId: 'b_rt',
      tenant: 'acme',
      kind: 'prompt',
      taskType: 'classification',
      privacy: 'PUBLIC',
      complexity: 0.2,
      startTier: tier,
      chain: [tier],
      routeReason: 'test',
      payload: {},
    },
  ]);
  await database.pool.query(
    "UPDATE batches SET open_jobs = (SELECT count(*) FROM jobs WHERE batch_id = 'b_rt' AND state NOT IN ('succeeded', 'review', 'failed', 'rejected')), status = 'open' WHERE id = 'b_rt'",
  );
  const local = tier !== 'api';
  const adapter = { chat: async (_request: ChatRequest) => ({ ...answer, provider: local ? 'ollama' : 'openai', model: local ? 'm' : 'dear' }) } as unknown as ProviderAdapter;
  const choice = {
    endpoint: local
      ? { id: 'ollama-1', provider: 'ollama', local: true, baseUrl: 'http://127.0.0.1:1' }
      : { id: 'openai', provider: 'openai', local: false, baseUrl: 'http://127.0.0.1:1' },
    adapter,
    model: local ? 'm' : 'dear',
    maxTokens: 200,
    timeoutMs: 30_000,
  } as unknown as ModelChoice;
  const spend = createSpendGuard({ db: database.pool, catalog, budgets: budgetsConfig({ dailyUsd: 10 }) });
  const deps = {
    selector: { choose: async () => choice },
    analyzer: { buildRequest: () => ({ messages: [{ role: 'user', content: data.prompt! }] }), evaluate: () => ({ score: 1, pass: true, threshold: 0.7, checks: {} }) },
    store: createPostgresPipelineStore(database),
    escalation: { next: () => ({ next: 'review', reason: 'test' }) },
    enqueuer: { toTier: async () => undefined, toReview: async () => undefined },
    spend: {
      reserve: spend.reserve,
      settle: spend.settle,
      release: async (attemptId: string) => {
        await spend.release(attemptId);
      },
    },
    now: () => new Date(),
    log: { info: () => undefined, warn: () => undefined },
  } as unknown as ProcessDeps;
  statements.length = 0;
  const outcome = await processPipelineJob(fakeJob(data), deps);
  const sent = [...statements];
  expect(outcome).toMatchObject({ status: 'succeeded' });
  return sent;
};

describe('Postgres round trips per delivery', () => {
  it('a local delivery: at most 4 statements, and the attempt, result, job state and batch counter are all written', async () => {
    const sent = await deliver('rt_local', 'local-fast');
    expect(sent.length, sent.join('\n---\n')).toBeLessThanOrEqual(4);
    const job = (await database.pool.query("SELECT state, current_tier, attempt_count FROM jobs WHERE id = 'rt_local'")).rows[0];
    expect(job).toEqual({ state: 'succeeded', current_tier: 'local-fast', attempt_count: 1 });
    const attempt = (await database.pool.query("SELECT outcome, quality_score, input_tokens FROM attempts WHERE job_id = 'rt_local'")).rows;
    expect(attempt).toEqual([{ outcome: 'passed', quality_score: 1, input_tokens: 40 }]);
    const result = (await database.pool.query("SELECT answer FROM results WHERE job_id = 'rt_local'")).rows;
    expect(result).toEqual([{ answer: { label: 'normal' } }]);
    const batch = (await database.pool.query("SELECT open_jobs, status FROM batches WHERE id = 'b_rt'")).rows[0];
    expect(batch).toEqual({ open_jobs: 0, status: 'done' });
  });

  it('an api delivery: at most 8 statements, with the reservation settled into the ledger', async () => {
    const sent = await deliver('rt_api', 'api');
    expect(sent.length, sent.join('\n---\n')).toBeLessThanOrEqual(8);
    const ledger = (await database.pool.query("SELECT kind, input_tokens FROM spend_ledger WHERE job_id = 'rt_api'")).rows;
    expect(ledger).toEqual([{ kind: 'billed', input_tokens: 40 }]);
    const reservation = (await database.pool.query("SELECT status FROM budget_reservations WHERE job_id = 'rt_api'")).rows;
    expect(reservation).toEqual([{ status: 'settled' }]);
    const counters = (await database.pool.query('SELECT sum(reserved_micro_usd)::int AS reserved, sum(spent_micro_usd)::int AS spent FROM budget_counters')).rows[0];
    expect(counters.reserved).toBe(0);
    expect(counters.spent).toBeGreaterThan(0);
    expect((await database.pool.query("SELECT state FROM jobs WHERE id = 'rt_api'")).rows[0].state).toBe('succeeded');
  });

  it('a second api delivery in the same period: at most 6 (its counters exist, the prompt-token ratio is fresh)', async () => {
    const sent = await deliver('rt_api_2', 'api');
    expect(sent.length, sent.join('\n---\n')).toBeLessThanOrEqual(6);
    expect((await database.pool.query("SELECT kind FROM spend_ledger WHERE job_id = 'rt_api_2'")).rows).toEqual([{ kind: 'billed' }]);
  });
});
