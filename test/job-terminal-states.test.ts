import { randomUUID } from 'node:crypto';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@eaio/db';
import { queueJobId, type PipelineJobData } from '@eaio/queues';
import { reconcile } from '@eaio/workers';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { runReconcile } from '../apps/producer/src/commands/reconcile-command';
import { startTcpProxy } from '../bench/chaos/tcp-proxy';
import { waitFor, type TestPipeline } from './support/pipeline-harness';
import { openGroundedLocalPipeline, spawnWorkerProcess, submitClassifications } from './support/local-tier';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const LOCAL = ['local-fast', 'local-quality'] as const;

/**
 * Every way a job can fail outside the providers ends in a state: failures that retries
 * cannot cure end the job in Postgres (so its batch closes), store outages use up no
 * attempts, and what a lost queue or a killed worker leaves behind is found again by the
 * reconciler. Real Redis, a fresh PostgreSQL database, the emulator behind the real SDKs.
 */
describe('every job ends and nothing is lost', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    // Every answer passes the gate and takes about 300 ms, so calls are in flight when a fault lands.
    pipeline = await openGroundedLocalPipeline({ ttftMs: 300, overrides: { recovery: { abandonAttemptsAfterSec: 0.001, reconcileIntervalSec: 0 } } });
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  const db = () => pipeline.runtime.database.pool;
  const submit = (tag: string, n: number) => submitClassifications(pipeline, tag, n, (i) => `Classify reading ${tag} ${i} as normal or odd.`);
  const jobStates = async (batchId: string) => (await db().query('SELECT id, state, current_tier, route_reason FROM jobs WHERE batch_id = $1 ORDER BY source_id', [batchId])).rows;
  const batchStatusOf = async (batchId: string) => (await db().query('SELECT status, open_jobs FROM batches WHERE id = $1', [batchId])).rows[0];
  const localJobsFinished = async (ids: string[]) => {
    for (const id of ids) {
      const state = await pipeline.runtime.queues['local-fast'].getJobState(queueJobId(id, 'local-fast'));
      if (state !== 'completed' && state !== 'failed') return false;
    }
    return true;
  };

  it('unreadable job data and a processor that throws on every attempt end failed in Postgres with their reason; the batch closes', async () => {
    const { batchId } = await submit('throws', 3);
    const [unreadable, throwing, fine] = await jobStates(batchId);
    const queue = pipeline.runtime.queues['local-fast'];
    // Unreadable: the queue job no longer carries what a worker needs.
    await (await queue.getJob(queueJobId(unreadable.id, 'local-fast')))!.updateData({ jobId: unreadable.id, garbage: true } as unknown as PipelineJobData);
    // Throws on every attempt: a building job without facts (the analyzer refuses it).
    const job = (await queue.getJob(queueJobId(throwing.id, 'local-fast')))!;
    await job.updateData({ ...job.data, kind: 'building' });

    const workers = await composeWorkers(pipeline.runtime, { tiers: [...LOCAL], idlePollMs: 5 });
    try {
      await waitFor(() => localJobsFinished([unreadable.id, throwing.id, fine.id]), 30_000, 'the three queue jobs to finish');
      await waitFor(async () => (await batchStatusOf(batchId)).status === 'done', 10_000, 'the batch to close').catch(() => undefined);
    } finally {
      await workers.close();
    }
    const states = await jobStates(batchId);
    expect(states.map((row) => row.state)).toEqual(['failed', 'failed', 'succeeded']);
    expect(states[0].route_reason).toMatch(/unreadable job data/);
    expect(states[1].route_reason).toMatch(/carries no facts/);
    expect(await batchStatusOf(batchId)).toEqual({ status: 'done', open_jobs: 0 });
    // BullMQ agrees: unreadable failed at once, the throwing one after its two attempts.
    expect((await queue.getJob(queueJobId(unreadable.id, 'local-fast')))!.attemptsMade).toBe(1);
    expect((await queue.getJob(queueJobId(throwing.id, 'local-fast')))!.attemptsMade).toBe(2);
  }, 60_000);

  it('PostgreSQL unreachable mid-batch: no attempts are used up, the workers wait, every job succeeds once it is back', async () => {
    const { batchId } = await submit('pgdown', 10);
    const ids = (await jobStates(batchId)).map((row) => row.id);
    // The workers reach PostgreSQL through a proxy the test can cut; the server itself is never touched.
    const url = new URL(pipeline.env.DATABASE_URL);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    const database = createDb(url.toString());
    const workers = await composeWorkers({ ...pipeline.runtime, database }, { tiers: [...LOCAL], idlePollMs: 5 });
    try {
      await waitFor(async () => pipeline.rehearsal.emulator.stats().inFlightByHost['ollama-1'] === 2, 30_000, 'two calls in flight');
      await proxy.cut();
      // Calls in flight finish into a dead database; new deliveries meet refused connections.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await proxy.restore();
      await waitFor(() => localJobsFinished(ids), 60_000, 'every queue job to finish');
    } finally {
      await workers.close();
      await database.close();
      await proxy.close();
    }
    const queue = pipeline.runtime.queues['local-fast'];
    const finished = await Promise.all(ids.map((id) => queue.getJob(queueJobId(id, 'local-fast'))));
    expect(finished.map((job) => job!.finishedOn !== undefined && job!.failedReason === undefined)).toEqual(ids.map(() => true));
    // No attempt used up by the outage: each job's one finished attempt is its success (BullMQ
    // counts that one too); none failed or retried in BullMQ, none escalated.
    expect(finished.map((job) => job!.attemptsMade)).toEqual(ids.map(() => 1));
    expect(await Promise.all(ids.map((id) => queue.getJobState(queueJobId(id, 'local-fast'))))).toEqual(ids.map(() => 'completed'));
    expect((await jobStates(batchId)).map((row) => `${row.state} ${row.current_tier}`)).toEqual(ids.map(() => 'succeeded local-fast'));
    expect(await batchStatusOf(batchId)).toEqual({ status: 'done', open_jobs: 0 });
    // Calls whose ending was lost with the connection stay `started` until the reconciler abandons them.
    const report = await reconcile({ database: pipeline.runtime.database, queues: pipeline.runtime.queues, config: pipeline.config, graceMs: 0 });
    expect(report.ran).toBe(true);
    // The two calls in flight at the cut finished into the dead database: their attempts were left `started`.
    expect(report.abandonedAttempts).toBeGreaterThanOrEqual(1);
    const open = await db().query("SELECT count(*)::int AS n FROM attempts WHERE batch_id = $1 AND outcome = 'started'", [batchId]);
    expect(open.rows[0].n).toBe(0);
  }, 120_000);

  it('queue data lost (Redis without AOF): eaio reconcile re-enqueues every open job and the batch finishes', async () => {
    const { batchId } = await submit('lost', 6);
    for (const tier of LOCAL) await pipeline.runtime.queues[tier].obliterate({ force: true });
    expect(await pipeline.runtime.queues['local-fast'].getWaitingCount()).toBe(0);
    let printed = '';
    const out = {
      write: (text: string) => {
        printed += text;
        return true;
      },
    } as unknown as NodeJS.WritableStream;
    const report = await runReconcile(pipeline.runtime, { graceSec: '0' }, out);
    expect(report).toMatchObject({ ran: true, reEnqueued: 6, endedFailed: 0 });
    expect(printed).toContain('re-enqueued 6');
    expect(await pipeline.runtime.queues['local-fast'].getWaitingCount()).toBe(6);
    // A second run finds nothing to do.
    expect(await runReconcile(pipeline.runtime, { graceSec: '0' }, quiet)).toMatchObject({ reEnqueued: 0, restarted: 0, endedFailed: 0 });
    const workers = await composeWorkers(pipeline.runtime, { tiers: [...LOCAL], idlePollMs: 5 });
    try {
      await waitFor(async () => (await batchStatusOf(batchId)).status === 'done', 30_000, 'the batch to finish');
    } finally {
      await workers.close();
    }
    expect((await jobStates(batchId)).map((row) => row.state)).toEqual(Array(6).fill('succeeded'));
  }, 60_000);

  it('a resubmit after jobs failed in the queue while Postgres never heard of it puts them back, and says so', async () => {
    const { batchId, jsonl } = await submit('resubmit', 4);
    // What a database outage did to the landed code: BullMQ failed the jobs, their rows stayed queued.
    const worker = pipeline.runtime.store.createWorker<PipelineJobData>('local-fast', null, { lockDuration: 30_000 });
    const token = randomUUID();
    for (let i = 0; i < 4; i += 1) {
      const job = await worker.getNextJob(token, { block: false });
      await job!.moveToFailed(new UnrecoverableError('connect ECONNREFUSED 127.0.0.1:5432'), token, false);
    }
    await worker.close();
    expect(await pipeline.runtime.queues['local-fast'].getFailedCount()).toBeGreaterThanOrEqual(4);
    const again = await runSubmit(pipeline.runtime, { jsonl, tenant: 'resubmit', progress: false }, quiet);
    expect(await pipeline.runtime.queues['local-fast'].getWaitingCount()).toBe(4);
    expect(again.counts).toMatchObject({ created: 0, alreadyKnown: 4, requeued: 4 });
    expect(again.counts.byQueue['local-fast']).toBe(4);
    // The same resubmit once more adds nothing and says so.
    const third = await runSubmit(pipeline.runtime, { jsonl, tenant: 'resubmit', progress: false }, quiet);
    expect(third.counts).toMatchObject({ requeued: 0, alreadyQueued: 4 });
    expect(third.counts.byQueue['local-fast']).toBe(0);
    const workers = await composeWorkers(pipeline.runtime, { tiers: [...LOCAL], idlePollMs: 5 });
    try {
      await waitFor(async () => (await batchStatusOf(batchId)).status === 'done', 30_000, 'the batch to finish');
    } finally {
      await workers.close();
    }
  }, 60_000);

  it("a job failed in the queue whose row is still open is ended by the reconciler (failed, with BullMQ's reason)", async () => {
    const { batchId } = await submit('qfailed', 2);
    const worker = pipeline.runtime.store.createWorker<PipelineJobData>('local-fast', null, { lockDuration: 30_000 });
    const token = randomUUID();
    const job = await worker.getNextJob(token, { block: false });
    await job!.moveToFailed(new UnrecoverableError('stalled more than allowable limit'), token, false);
    await worker.close();
    const report = await reconcile({ database: pipeline.runtime.database, queues: pipeline.runtime.queues, config: pipeline.config, graceMs: 0 });
    expect(report.endedFailed).toBe(1);
    const failed = (await jobStates(batchId)).filter((row) => row.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].route_reason).toContain('stalled more than allowable limit');
  }, 60_000);
  it('attempts a SIGKILLed worker left started end abandoned; its jobs finish on another worker', async () => {
    const { batchId } = await submit('killed', 6);
    const child = spawnWorkerProcess(pipeline.env, ['--tier', 'local-fast,local-quality', '--no-reports', '--lock-duration', '1000', '--stalled-interval', '1000']);
    try {
      await waitFor(
        async () => {
          const started = await db().query("SELECT count(*)::int AS n FROM attempts WHERE batch_id = $1 AND outcome = 'started'", [batchId]);
          return started.rows[0].n === 2 && pipeline.rehearsal.emulator.stats().inFlightByHost['ollama-1'] === 2;
        },
        30_000,
        'the worker process to have two calls in flight',
      );
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    // Another worker takes the jobs back once their locks lapse (BullMQ's stalled check).
    const workers = await composeWorkers(pipeline.runtime, { tiers: [...LOCAL], idlePollMs: 5, lockDurationMs: 1000, stalledIntervalMs: 1000 });
    try {
      await waitFor(async () => (await batchStatusOf(batchId)).status === 'done', 60_000, 'the batch to finish');
    } finally {
      await workers.close();
    }
    expect((await jobStates(batchId)).map((row) => row.state)).toEqual(Array(6).fill('succeeded'));
    const report = await reconcile({ database: pipeline.runtime.database, queues: pipeline.runtime.queues, config: pipeline.config, graceMs: 0 });
    expect(report.abandonedAttempts).toBe(2);
    const outcomes = await db().query('SELECT outcome, count(*)::int AS n FROM attempts WHERE batch_id = $1 GROUP BY outcome ORDER BY outcome', [batchId]);
    expect(outcomes.rows).toEqual([
      { outcome: 'abandoned', n: 2 },
      { outcome: 'passed', n: 6 },
    ]);
  }, 120_000);
});
