import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchStatus,
  completeJob,
  createDb,
  insertAttemptStart,
  insertJobs,
  isJobTerminal,
  migrate,
  moveJob,
  upsertBatch,
  type Database,
} from '@eaio/db';
import { freshDatabase } from './support/fresh-database';

describe('db: migrations and pipeline queries', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let database: Database;

  beforeAll(async () => {
    fresh = await freshDatabase('dbq');
    database = createDb(fresh.url);
    const first = await migrate(database);
    expect(first).toEqual({ timescale: false, hypertable: false });
    // A second run applies nothing and does not fail.
    await migrate(database);
  });
  afterAll(async () => {
    await database.close();
    await fresh.drop();
  });

  const job = (id: string) => ({
    id,
    batchId: 'batch_1',
    tenant: 't',
    kind: 'prompt',
    taskType: 'generic',
    privacy: 'PRIVATE',
    complexity: 0.1,
    startTier: 'local-fast',
    chain: ['local-fast', 'local-quality'],
    routeReason: 'test',
    currentTier: 'local-fast',
    payload: { prompt: 'x' },
  });

  it('creates the tables, and TimescaleDB is used only when available', async () => {
    const tables = await database.pool.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    expect(tables.rows.map((row) => row.tablename)).toEqual(
      expect.arrayContaining(['attempts', 'batches', 'jobs', 'results', 'spend_ledger', 'budget_reservations', 'cost_report_rollup', 'host_slot_leases']),
    );
    const probe = await migrate(database, { timescaleAvailable: async () => false });
    expect(probe.hypertable).toBe(false);
  });

  it('inserts jobs once, keeps one result per job, and never leaves a terminal state', async () => {
    expect((await upsertBatch(database, { id: 'batch_1', tenant: 't', name: 'n', source: {} })).existed).toBe(false);
    expect((await upsertBatch(database, { id: 'batch_1', tenant: 't', name: 'n', source: {} })).existed).toBe(true);
    const first = await insertJobs(database, [job('j1'), job('j2')]);
    expect([...first.values()].map((value) => value.state)).toEqual(['new', 'new']);
    const again = await insertJobs(database, [job('j1'), job('j3')]);
    expect(again.get('j1')).toEqual({ state: 'queued', currentTier: 'local-fast' });
    expect(again.get('j3')?.state).toBe('new');

    const startedAt = new Date();
    await insertAttemptStart(database, { attemptId: 'a1', startedAt, jobId: 'j1', batchId: 'batch_1', tenant: 't', tier: 'local-fast', provider: 'ollama', endpoint: 'ollama-1', model: 'm', outcome: 'started' });
    await insertAttemptStart(database, { attemptId: 'a1', startedAt, jobId: 'j1', batchId: 'batch_1', tenant: 't', tier: 'local-fast', provider: 'ollama', endpoint: 'ollama-1', model: 'm', outcome: 'started' });
    expect((await database.pool.query("SELECT count(*)::int AS n FROM attempts WHERE attempt_id = 'a1'")).rows[0].n).toBe(1);

    const result = { jobId: 'j1', batchId: 'batch_1', attemptId: 'a1', tier: 'local-fast', provider: 'ollama', model: 'm', text: 'ok', answer: null, qualityScore: 0.9, simulated: true };
    expect(await completeJob(database, result)).toBe(true);
    expect(await completeJob(database, { ...result, attemptId: 'a2' })).toBe(false);
    expect(await isJobTerminal(database, 'j1')).toBe(true);
    await moveJob(database, { jobId: 'j1', batchId: 'batch_1', to: 'review', reason: 'late duplicate' });
    const stored = await database.pool.query("SELECT state FROM jobs WHERE id = 'j1'");
    expect(stored.rows[0].state).toBe('succeeded');

    await moveJob(database, { jobId: 'j2', batchId: 'batch_1', to: 'review', reason: 'exhausted' });
    const status = await batchStatus(database, 'batch_1');
    expect(status?.byState).toEqual({ succeeded: 1, review: 1, queued: 1 });
    expect(status?.attempts.total).toBe(1);
  });
});
