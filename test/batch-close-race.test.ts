import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeJob, createDb, failJob, insertJobs, migrate, moveJob, recountOpenBatches, setBatchJobCount, upsertBatch, type Database, type NewJobRow } from '@eaio/db';
import { freshDatabase } from './support/fresh-database';

/**
 * The last jobs of a batch ending at the same moment: each ending transaction used to
 * check "no other job open" under READ COMMITTED and see the other one still open, so
 * the batch stayed `open` for ever. The open-jobs counter closes every batch.
 */
describe('batch completion without races', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let database: Database;

  beforeAll(async () => {
    fresh = await freshDatabase('race');
    database = createDb(fresh.url, { max: 24 });
    await migrate(database);
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  const job = (id: string, batchId: string): NewJobRow => ({
    id,
    batchId,
    tenant: 't',
    kind: 'prompt',
    taskType: 'generic',
    privacy: 'PRIVATE',
    complexity: 0.1,
    startTier: 'local-fast',
    chain: ['local-fast'],
    routeReason: 'test',
    currentTier: 'local-fast',
    payload: { prompt: id },
  });

  const batchOf = async (prefix: string, index: number, jobsPerBatch: number) => {
    const batchId = `${prefix}_${index}`;
    await upsertBatch(database, { id: batchId, tenant: 't', name: batchId, source: {} });
    const ids = Array.from({ length: jobsPerBatch }, (_, j) => `${batchId}_j${j}`);
    await insertJobs(
      database,
      ids.map((id) => job(id, batchId)),
    );
    await setBatchJobCount(database, batchId);
    return { batchId, ids };
  };

  const statuses = async (prefix: string) =>
    Object.fromEntries(
      (await database.pool.query(`SELECT status, count(*)::int AS n FROM batches WHERE id LIKE $1 GROUP BY status`, [`${prefix}_%`])).rows.map((row) => [row.status, row.n]),
    ) as Record<string, number>;

  it('100 batches whose last jobs end at once (success, review, failure) all end done', async () => {
    const created = [];
    for (let i = 0; i < 100; i += 1) created.push(await batchOf('race', i, 3));
    expect(await statuses('race')).toEqual({ open: 100 });
    // Ten batches at a time, the three jobs of each ending concurrently in three ways.
    for (let start = 0; start < created.length; start += 8) {
      await Promise.all(
        created.slice(start, start + 8).flatMap(({ batchId, ids }) => [
          completeJob(database, {
            jobId: ids[0],
            batchId,
            attemptId: `${ids[0]}#1`,
            tier: 'local-fast',
            provider: 'p',
            model: 'm',
            text: 'ok',
            answer: null,
            qualityScore: 1,
            simulated: true,
          }),
          moveJob(database, { jobId: ids[1], batchId, to: 'review', reason: 'chain used up' }),
          failJob(database, { jobId: ids[2], batchId, reason: 'processor threw' }),
        ]),
      );
    }
    expect(await statuses('race')).toEqual({ done: 100 });
    const counters = await database.pool.query("SELECT count(*)::int AS n FROM batches WHERE id LIKE 'race_%' AND (open_jobs <> 0 OR completed_at IS NULL)");
    expect(counters.rows[0].n).toBe(0);
  });

  it('a resubmit adds only new jobs to the counter; a finished batch stays done', async () => {
    const { batchId, ids } = await batchOf('again', 0, 2);
    await insertJobs(
      database,
      ids.map((id) => job(id, batchId)),
    );
    await setBatchJobCount(database, batchId);
    expect((await database.pool.query('SELECT open_jobs, job_count FROM batches WHERE id = $1', [batchId])).rows[0]).toEqual({ open_jobs: 2, job_count: 2 });
    for (const id of ids) await failJob(database, { jobId: id, reason: 'x' });
    await insertJobs(
      database,
      ids.map((id) => job(id, batchId)),
    );
    await setBatchJobCount(database, batchId);
    expect((await database.pool.query('SELECT open_jobs, status FROM batches WHERE id = $1', [batchId])).rows[0]).toEqual({ open_jobs: 0, status: 'done' });
  });

  it('the reconciler recount repairs a wrong counter and closes a finished batch', async () => {
    const { batchId, ids } = await batchOf('drift', 0, 2);
    for (const id of ids) await failJob(database, { jobId: id, reason: 'x' });
    // A counter left wrong (written by hand, or before migration 0002).
    await database.pool.query("UPDATE batches SET open_jobs = 5, status = 'open', completed_at = NULL WHERE id = $1", [batchId]);
    const recount = await recountOpenBatches(database);
    expect(recount.closed).toBeGreaterThanOrEqual(1);
    expect((await database.pool.query('SELECT open_jobs, status FROM batches WHERE id = $1', [batchId])).rows[0]).toEqual({ open_jobs: 0, status: 'done' });
  });
});
