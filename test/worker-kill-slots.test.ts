import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '@eaio/workers';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { waitFor, type TestPipeline } from './support/pipeline-harness';
import { openGroundedLocalPipeline, spawnWorkerProcess, submitClassifications } from './support/local-tier';

const LOCAL = ['local-fast', 'local-quality'] as const;
const HOST = 'ollama-1';

/**
 * Issue 10: a worker killed while it holds both slots of a local host. The slot leases are
 * short and renewed by their owner (heartbeat), so another worker gets the host's slots a
 * few seconds after the kill while jobs wait, instead of after a fixed 30 s lease. Measured
 * from the kill to the next call at that host in the emulator's request log.
 */
describe('a SIGKILLed worker frees its host slots within seconds', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    // Every answer passes and takes ~4 s, so the kill lands while both calls are in flight.
    pipeline = await openGroundedLocalPipeline({ ttftMs: 4_000, overrides: { recovery: { abandonAttemptsAfterSec: 0.001, reconcileIntervalSec: 0 } } });
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  const db = () => pipeline.runtime.database.pool;

  it('the host serves the next job within the lease after the kill; the killed attempts end abandoned', async () => {
    const { batchId } = await submitClassifications(pipeline, 'kill', 6);

    const child = spawnWorkerProcess(pipeline.env, ['--tier', LOCAL.join(','), '--no-reports', '--metrics-port', '0', '--lock-duration', '8000', '--stalled-interval', '1000']);
    let survivor: Awaited<ReturnType<typeof composeWorkers>> | undefined;
    let killedAt = 0;
    let killedJobs: string[] = [];
    try {
      await waitFor(
        async () => {
          const started = await db().query("SELECT count(*)::int AS n FROM attempts WHERE batch_id = $1 AND outcome = 'started'", [batchId]);
          return started.rows[0].n === 2 && pipeline.rehearsal.emulator.stats().inFlightByHost[HOST] === 2;
        },
        60_000,
        'the worker process to hold both slots of the host',
      );
      // A second worker waits for the host's slots while the first holds them.
      survivor = await composeWorkers(pipeline.runtime, { tiers: [...LOCAL], idlePollMs: 5, lockDurationMs: 8000, stalledIntervalMs: 1000 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const held = await db().query("SELECT attempt_id, job_id FROM attempts WHERE batch_id = $1 AND outcome = 'started'", [batchId]);
      expect(held.rows).toHaveLength(2); // the survivor got no slot while the first worker lived
      killedJobs = held.rows.map((row) => row.job_id as string);
      killedAt = Date.now();
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      await waitFor(async () => (await db().query('SELECT status FROM batches WHERE id = $1', [batchId])).rows[0].status === 'done', 120_000, 'the batch to finish');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await survivor?.close();
    }

    const chats = pipeline.rehearsal.emulator.log().filter((entry) => entry.host === HOST && entry.operation === 'chat' && entry.startedAt >= killedAt);
    expect(chats.length).toBeGreaterThan(0);
    const next = chats[0];
    const gapMs = next.startedAt - killedAt;
    console.log(`kill → next call at ${HOST}: ${gapMs} ms (slot lease ${pipeline.config.limits.slotLeaseMs} ms)`);
    // The next call serves a job that was waiting, not one of the killed worker's jobs (those
    // come back only when their BullMQ locks lapse, 8 s): the slots came free on their own.
    const jobOf = (attemptId: string | undefined) => attemptId?.replace(/\.[a-z-]+#\d+$/, '');
    expect(killedJobs).not.toContain(jobOf(next.attemptId));
    const redelivered = chats.filter((entry) => killedJobs.includes(jobOf(entry.attemptId) ?? ''));
    expect(redelivered.length).toBe(2);
    expect(Math.min(...redelivered.map((entry) => entry.startedAt))).toBeGreaterThan(next.startedAt);
    // Within the lease (4 s by default) plus generous slack for a busy machine; the fixed 30 s lease took ~25-30 s.
    expect(gapMs).toBeLessThan(pipeline.config.limits.slotLeaseMs + 5_000);

    const report = await reconcile({ database: pipeline.runtime.database, queues: pipeline.runtime.queues, config: pipeline.config, graceMs: 0 });
    expect(report.abandonedAttempts).toBe(2);
    const outcomes = await db().query('SELECT job_id, outcome FROM attempts WHERE batch_id = $1 AND outcome = $2', [batchId, 'abandoned']);
    expect(outcomes.rows.map((row) => row.job_id).sort()).toEqual([...killedJobs].sort());
    const states = await db().query('SELECT state FROM jobs WHERE batch_id = $1', [batchId]);
    expect(states.rows.every((row) => row.state === 'succeeded')).toBe(true);
  }, 240_000);
});
