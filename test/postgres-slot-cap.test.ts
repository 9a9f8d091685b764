import pg from 'pg';
import type { Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, type Database } from '@eaio/db';
import { createPostgresSlotLeaser, createQueueStore, type PipelineJobData, type SlotLeaser } from '@eaio/queues';
import { startLocalRunner } from '../apps/workers/src/local-runner';
import { freshDatabase } from './support/fresh-database';

/**
 * The local host cap on the embedded default, where no Redis runs: slot leases in
 * PostgreSQL (`host_slot_leases`), queues in PostgreSQL. The same checks as the Redis
 * leaser's in `apps/workers/src/local-runner.test.ts`: two worker "processes" (each its
 * own pool, leaser and workers) on both local queues never have more than the cap in
 * flight at one host; and the leaser itself, raced by three processes, grants exactly the cap.
 */
let fresh: Awaited<ReturnType<typeof freshDatabase>>;
let database: Database;
const pools: pg.Pool[] = [];

const newPool = () => {
  const pool = new pg.Pool({ connectionString: fresh.url, max: 4 });
  // Dropping the database ends idle connections with 57P01: expected, not a test failure.
  pool.on('error', () => undefined);
  pools.push(pool);
  return pool;
};

beforeAll(async () => {
  fresh = await freshDatabase('slot_cap');
  database = createDb(fresh.url);
  (database.pool as pg.Pool).on('error', () => undefined);
  await migrate(database);
}, 60_000);

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
  await database?.close();
  await fresh?.drop();
});

describe('PostgreSQL slot leaser: the cap under contention', () => {
  it('three processes racing for 30 leases on a host with cap 2: exactly 2 granted, and held() says 2', async () => {
    const leasers = [0, 1, 2].map(() => createPostgresSlotLeaser(newPool()));
    const results = await Promise.all(leasers.flatMap((leaser, process) => Array.from({ length: 10 }, (_, index) => leaser.tryAcquire('race-host', 2, `p${process}-${index}`))));
    const granted = results.filter((lease) => lease !== null);
    expect(granted).toHaveLength(2);
    expect(await leasers[1].held('race-host')).toBe(2);
    // Another host has its own cap.
    expect(await leasers[0].tryAcquire('other-host', 2, 'other-1')).not.toBeNull();
    // A released slot can be taken once, by one process.
    await leasers[0].release(granted[0]!);
    const again = await Promise.all(leasers.map((leaser, process) => leaser.tryAcquire('race-host', 2, `again-${process}`)));
    expect(again.filter((lease) => lease !== null)).toHaveLength(1);
    expect(await leasers[2].held('race-host')).toBe(2);
  });

  it('a lease that is not renewed expires: its slot is free again and its owner is told it lost it', async () => {
    const leaser = createPostgresSlotLeaser(newPool(), { leaseMs: 1_000 });
    const first = await leaser.tryAcquire('expiry-host', 1, 'e-1');
    expect(first).not.toBeNull();
    expect(await leaser.tryAcquire('expiry-host', 1, 'e-2')).toBeNull();
    expect(await leaser.renew(first!)).toBe(true);
    // No heartbeat from here: wait (by state, not by a fixed sleep) until the lease is gone.
    const until = Date.now() + 15_000;
    while ((await leaser.held('expiry-host')) > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await leaser.held('expiry-host')).toBe(0);
    expect(await leaser.renew(first!)).toBe(false);
    expect(await leaser.tryAcquire('expiry-host', 1, 'e-2')).not.toBeNull();
  });
});

describe('local runner on PostgreSQL: one cap per host across both local queues and processes', () => {
  const waitFor = async (predicate: () => boolean, timeoutMs = 60_000) => {
    const until = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('never exceeds 2 in flight with two runners and both queues busy', async () => {
    const store = createQueueStore({ kind: 'postgres', url: fresh.url, schema: 'slot_cap_queues' });
    const fast = store.createQueue<PipelineJobData>('local-fast');
    const quality = store.createQueue<PipelineJobData>('local-quality');
    let inFlight = 0;
    const timeline: number[] = [];
    const done: string[] = [];
    const closers: (() => Promise<void>)[] = [];
    try {
      for (let i = 0; i < 8; i += 1) {
        await fast.add('job', { jobId: `f${i}` } as PipelineJobData, { jobId: `f${i}` });
        await quality.add('job', { jobId: `q${i}` } as PipelineJobData, { jobId: `q${i}` });
      }
      for (const _process of [0, 1]) {
        const workers = {
          'local-fast': store.createWorker<PipelineJobData>('local-fast', null),
          'local-quality': store.createWorker<PipelineJobData>('local-quality', null),
        } as const;
        const leaser: SlotLeaser = createPostgresSlotLeaser(newPool());
        const runner = startLocalRunner({
          hosts: [{ id: 'ollama-a', maxInFlight: 2, tiers: ['local-quality', 'local-fast'] }],
          workers,
          leaser,
          idlePollMs: 5,
          onError: (error) => {
            throw error;
          },
          process: async (job: Job<PipelineJobData>) => {
            inFlight += 1;
            timeline.push(inFlight);
            await new Promise((resolve) => setTimeout(resolve, 40));
            inFlight -= 1;
            timeline.push(inFlight);
            done.push(String(job.id));
            return { ok: true };
          },
        });
        closers.push(async () => {
          await runner.close();
          await workers['local-fast'].close();
          await workers['local-quality'].close();
          await leaser.close();
        });
      }
      await waitFor(() => done.length === 16);
      expect(Math.max(...timeline)).toBe(2);
      expect(new Set(done).size).toBe(16);
    } finally {
      for (const close of closers.reverse()) await close();
      for (const queue of [fast, quality] as Queue[]) {
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close();
      }
    }
  });
});
