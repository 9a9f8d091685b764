import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abandonStaleAttempts,
  batchById,
  batchStatus,
  completeJob,
  createDb,
  failJob,
  finishAttempt,
  insertJobs,
  isJobTerminal,
  markJobActive,
  migrate,
  moveJob,
  recordAttempt,
  setBatchJobCount,
  TimescaleSetupError,
  upsertBatch,
  type Database,
  type NewAttemptRow,
  type NewJobRow,
} from '@eaio/db';
import { freshDatabase } from './support/fresh-database';

describe('db: migrations and pipeline queries', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let database: Database;

  beforeAll(async () => {
    fresh = await freshDatabase('dbq');
    // One connection: migrate must not need a second one while it holds its lock.
    database = createDb(fresh.url, { max: 1 });
    const first = await migrate(database);
    expect(first).toEqual({ timescale: false, hypertable: false });
    // A second run applies nothing and does not fail.
    await migrate(database);
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  const job = (id: string, batchId = 'batch_1'): NewJobRow => ({
    id,
    batchId,
    tenant: 't',
    kind: 'prompt',
    taskType: 'generic',
    privacy: 'PRIVATE',
    complexity: 0.1,
    startTier: 'local-fast',
    chain: ['local-fast', 'local-quality'],
    routeReason: 'test',
    currentTier: 'local-fast',
    payload: { prompt: `question ${id}` },
  });
  const attempt = (attemptId: string, jobId: string, startedAt: Date): NewAttemptRow => ({
    attemptId,
    startedAt,
    jobId,
    batchId: 'batch_1',
    tenant: 't',
    tier: 'local-fast',
    provider: 'ollama',
    endpoint: 'ollama-1',
    model: 'm',
    outcome: 'started',
  });
  const count = async (sql: string, values: unknown[] = []) => (await database.pool.query(sql, values)).rows[0].n as number;

  it('creates the tables; every unique index of attempts holds started_at (hypertable-ready)', async () => {
    const tables = await database.pool.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.rows.map((row) => row.tablename)).toEqual(
      expect.arrayContaining([
        'attempts',
        'attempt_keys',
        'batches',
        'jobs',
        'results',
        'spend_ledger',
        'budget_reservations',
        'budget_counters',
        'cost_report_rollup',
        'cost_reports',
      ]),
    );
    const uniques = await database.pool.query(
      `SELECT i.indexrelid::regclass::text AS name,
              bool_or(a.attname = 'started_at') AS has_time
       FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
       WHERE i.indrelid = 'attempts'::regclass AND i.indisunique GROUP BY 1`,
    );
    expect(uniques.rows.length).toBeGreaterThan(0);
    expect(uniques.rows.every((row) => row.has_time)).toBe(true);
    const timestamps = await database.pool.query(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type = 'timestamp without time zone'`,
    );
    expect(timestamps.rows).toEqual([]);
  });

  it('takes the TimescaleDB branch only when the extension is reported available', async () => {
    expect(await migrate(database, { timescaleAvailable: async () => false })).toEqual({ timescale: false, hypertable: false });
    // Plain PostgreSQL here: the branch runs CREATE EXTENSION, which fails with a typed error.
    const error = await migrate(database, { timescaleAvailable: async () => true }).catch((caught: unknown) => caught);
    expect(TimescaleSetupError.isInstance(error)).toBe(true);
    expect((error as TimescaleSetupError).statement).toBe('CREATE EXTENSION IF NOT EXISTS timescaledb');
    expect((error as Error).message).toContain('timescaledb');
    // The lock was released: a later migrate still runs.
    expect((await migrate(database)).hypertable).toBe(false);
  });

  it('inserts jobs once (in chunks), keeps one result per job, and never leaves a terminal state', async () => {
    expect((await upsertBatch(database, { id: 'batch_1', tenant: 't', name: 'n', source: { files: ['a.csv'], format: 'bdg2-long' } })).existed).toBe(false);
    expect((await upsertBatch(database, { id: 'batch_1', tenant: 't', name: 'n', source: {} })).existed).toBe(true);
    const first = await insertJobs(database, [job('j1'), job('j2')]);
    expect([...first.values()].map((value) => value.state)).toEqual(['new', 'new']);
    const again = await insertJobs(database, [job('j1'), job('j3')]);
    expect(again.get('j1')).toEqual({ state: 'queued', currentTier: 'local-fast' });
    expect(again.get('j3')?.state).toBe('new');
    // A job id is unique across batches: another batch with the same job adds nothing.
    const other = await insertJobs(database, [job('j1', 'batch_2')]);
    expect(other.get('j1')?.state).toBe('queued');
    await setBatchJobCount(database, 'batch_1');
    expect((await batchById(database, 'batch_1'))?.jobCount).toBe(3);

    const result = {
      jobId: 'j1',
      batchId: 'batch_1',
      attemptId: 'j1:local-fast:1',
      tier: 'local-fast',
      provider: 'ollama',
      model: 'm',
      text: 'ok',
      answer: null,
      qualityScore: 0.9,
      simulated: true,
    };
    expect(await completeJob(database, result)).toBe(true);
    expect(await completeJob(database, { ...result, attemptId: 'j1:local-fast:2' })).toBe(false);
    expect(await count("SELECT count(*)::int AS n FROM results WHERE job_id = 'j1'")).toBe(1);
    expect(await isJobTerminal(database, 'j1')).toBe(true);
    await moveJob(database, { jobId: 'j1', batchId: 'batch_1', to: 'review', reason: 'late duplicate' });
    await markJobActive(database, 'j1', 'api');
    expect(await failJob(database, { jobId: 'j1', batchId: 'batch_1', reason: 'late' })).toBe(false);
    const stored = await database.pool.query("SELECT state, current_tier FROM jobs WHERE id = 'j1'");
    expect(stored.rows[0]).toEqual({ state: 'succeeded', current_tier: 'local-fast' });

    await markJobActive(database, 'j2', 'local-fast');
    await moveJob(database, { jobId: 'j2', batchId: 'batch_1', to: 'local-quality', reason: 'gate failed' });
    expect((await database.pool.query("SELECT state, current_tier FROM jobs WHERE id = 'j2'")).rows[0]).toEqual({ state: 'queued', current_tier: 'local-quality' });
    await moveJob(database, { jobId: 'j2', batchId: 'batch_1', to: 'review', reason: 'exhausted' });
    expect((await batchById(database, 'batch_1'))?.status).toBe('open');
    expect(await failJob(database, { jobId: 'j3', batchId: 'batch_1', reason: 'bad input' })).toBe(true);
    const done = await batchById(database, 'batch_1');
    expect(done?.status).toBe('done');
    expect(done?.completedAt).toBeInstanceOf(Date);
    // Resubmitting the finished batch keeps it done.
    await setBatchJobCount(database, 'batch_1');
    expect((await batchById(database, 'batch_1'))?.status).toBe('done');
  });

  it('stores an attempt id once even when a replay brings another clock reading, and the first finish wins', async () => {
    await insertJobs(database, [job('k1')]);
    const startedAt = new Date('2026-11-20T10:00:00Z');
    expect(await recordAttempt(database, attempt('k1:api:1', 'k1', startedAt))).toEqual({ inserted: true, startedAt });
    const replay = await recordAttempt(database, attempt('k1:api:1', 'k1', new Date('2026-11-20T10:05:00Z')));
    expect(replay).toEqual({ inserted: false, startedAt });
    expect(await count("SELECT count(*)::int AS n FROM attempts WHERE attempt_id = 'k1:api:1'")).toBe(1);
    expect(await count("SELECT attempt_count AS n FROM jobs WHERE id = 'k1'")).toBe(1);

    // Ten concurrent replays on ten connections: still one row, one count.
    const wide = createDb(fresh.url, { max: 10 });
    try {
      await Promise.all(Array.from({ length: 10 }, (_, index) => recordAttempt(wide, attempt('k1:api:2', 'k1', new Date(startedAt.getTime() + index)))));
    } finally {
      await wide.close();
    }
    expect(await count("SELECT count(*)::int AS n FROM attempts WHERE attempt_id = 'k1:api:2'")).toBe(1);
    expect(await count("SELECT attempt_count AS n FROM jobs WHERE id = 'k1'")).toBe(2);

    expect(await finishAttempt(database, { attemptId: 'k1:api:1' }, { outcome: 'passed', latencyMs: 120, inputTokens: 50, costMicroUsd: 7 })).toBe(true);
    expect(await finishAttempt(database, { attemptId: 'k1:api:1' }, { outcome: 'error', errorKind: 'timeout' })).toBe(false);
    expect(await finishAttempt(database, { attemptId: 'never-minted' }, { outcome: 'error' })).toBe(false);
    const row = (await database.pool.query("SELECT outcome, latency_ms, error_kind, reasoning_tokens FROM attempts WHERE attempt_id = 'k1:api:1'")).rows[0];
    expect(row).toEqual({ outcome: 'passed', latency_ms: 120, error_kind: null, reasoning_tokens: null });

    expect(await abandonStaleAttempts(database, new Date('2026-11-21T00:00:00Z'))).toBe(1);
    // An abandoned attempt can still be finished by a worker that comes back.
    expect(await finishAttempt(database, { attemptId: 'k1:api:2' }, { outcome: 'failed-gate' })).toBe(true);
  });

  it('reports per-tier states, attempts and ledger spend for a batch', async () => {
    await database.pool.query(
      `INSERT INTO spend_ledger (attempt_id, job_id, batch_id, tenant, tier, provider, endpoint, model, kind, cost_micro_usd, reserved_micro_usd, price_version, priced_at)
       VALUES ('k1:api:1', 'k1', 'batch_1', 't', 'api', 'openai', 'openai', 'm', 'billed', 1234, 2000, 'v1', now())`,
    );
    const status = await batchStatus(database, 'batch_1');
    expect(status?.byState).toEqual({ succeeded: 1, review: 1, failed: 1, queued: 1 });
    expect(status?.byTier['local-quality']).toBeUndefined();
    expect(status?.byTier.review).toEqual({ review: 1 });
    expect(status?.attempts.total).toBe(2);
    expect(status?.attempts.byTier['local-fast']).toMatchObject({ calls: 2, costMicroUsd: 7, passed: 1, failedGate: 1 });
    expect(status?.spendMicroUsd).toBe(1234);
    expect(await batchStatus(database, 'missing')).toBeUndefined();
  });

  it('inserts more jobs than one statement can bind', async () => {
    const many = Array.from({ length: 3500 }, (_, index) => job(`bulk-${index}`, 'batch_bulk'));
    const states = await insertJobs(database, many);
    expect(states.size).toBe(3500);
    expect([...states.values()].every((state) => state.state === 'new')).toBe(true);
    expect(await count("SELECT count(*)::int AS n FROM jobs WHERE batch_id = 'batch_bulk'")).toBe(3500);
  });
});
