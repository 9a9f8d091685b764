import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogEntry } from '@eaio/emulator';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { waitFor, type TestPipeline } from './support/pipeline-harness';
import { openGroundedLocalPipeline, submitClassifications } from './support/local-tier';

const LOCAL = ['local-fast', 'local-quality'] as const;
const HEALTH_INTERVAL_MS = 400;

/** Most requests of any kind (chat, model listing, show) in flight at once at `host`, from the request log. */
const maxInFlight = (log: RequestLogEntry[], host: string): number => {
  const events = log
    .filter((entry) => entry.host === host)
    .flatMap((entry) => [
      { t: entry.startedAt, d: 1 },
      { t: entry.finishedAt ?? Number.POSITIVE_INFINITY, d: -1 },
    ])
    // Ends before starts at the same millisecond: a request that ended is no longer in flight.
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let most = 0;
  for (const event of events) {
    now += event.d;
    most = Math.max(most, now);
  }
  return most;
};

/**
 * Issue 10: health checks (`/api/tags`) never add a request beside a host's inference calls
 * above its cap, and run at most once per interval per host across processes. Three worker
 * "processes" (separate pools and health caches, one shared lease store) over two local hosts
 * with a cap of 2, health trusted for only 400 ms so checks are due all the time.
 */
describe('health checks hold no inference slot', () => {
  let pipeline: TestPipeline;

  beforeAll(async () => {
    pipeline = await openGroundedLocalPipeline({ ttftMs: 250, localHosts: 2, overrides: { recovery: { reconcileIntervalSec: 0 } } });
  }, 60_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  it('never more than the cap in flight at a host, checks included; one check per interval per host', async () => {
    const { batchId } = await submitClassifications(pipeline, 'health', 40);
    const workers = await Promise.all([1, 2, 3].map(() => composeWorkers(pipeline.runtime, { tiers: [...LOCAL], idlePollMs: 5, healthIntervalMs: HEALTH_INTERVAL_MS })));
    try {
      await waitFor(
        async () => (await pipeline.runtime.database.pool.query('SELECT status FROM batches WHERE id = $1', [batchId])).rows[0].status === 'done',
        120_000,
        'the batch to finish',
      );
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
    const log = pipeline.rehearsal.emulator.log();
    for (const host of ['ollama-1', 'ollama-2']) {
      const checks = log.filter((entry) => entry.host === host && entry.operation === 'list-models');
      const chats = log.filter((entry) => entry.host === host && entry.operation === 'chat');
      const most = maxInFlight(log, host);
      console.log(`${host}: ${chats.length} chats, ${checks.length} health checks, at most ${most} requests in flight (cap 2)`);
      expect(chats.length).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(2);
      // At most one check per interval per host, whatever the number of processes.
      const starts = checks.map((entry) => entry.startedAt).sort((a, b) => a - b);
      for (let index = 1; index < starts.length; index += 1) expect(starts[index] - starts[index - 1]).toBeGreaterThanOrEqual(HEALTH_INTERVAL_MS - 50);
    }
    const states = await pipeline.runtime.database.pool.query('SELECT state FROM jobs WHERE batch_id = $1', [batchId]);
    expect(states.rows.every((row) => row.state === 'succeeded')).toBe(true);
  }, 180_000);
});
