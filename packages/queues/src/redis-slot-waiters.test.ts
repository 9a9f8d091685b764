import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisSlotLeaser } from './redis-slot-leaser';
import { acquireSlot, type SlotLeaser } from './slot-leaser';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const HOST = 'ollama-1';

/**
 * FIFO hand-over of a freed slot across processes (each leaser has its own connections, as a
 * worker process does): a freed slot goes to the longest waiting, wherever it waits, and the
 * waiter is woken by the release, not by polling.
 */
describe('Redis slot leaser: FIFO waiters', () => {
  const leasers: SlotLeaser[] = [];
  afterEach(async () => {
    while (leasers.length) await leasers.pop()!.close();
  });
  const open = (prefix: string, leaseMs?: number) => {
    const leaser = createRedisSlotLeaser(REDIS, prefix, leaseMs === undefined ? {} : { leaseMs });
    leasers.push(leaser);
    return leaser;
  };
  const until = async (predicate: () => Promise<boolean>) => {
    while (!(await predicate())) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('hands a freed slot to the waiters in the order they queued, across processes, each woken by a release', async () => {
    const prefix = `eaio-test-${randomUUID()}`;
    const [holder, b, c, d] = [open(prefix), open(prefix), open(prefix), open(prefix)];
    const first = await holder.tryAcquire(HOST, 1, 'a');
    expect(first).not.toBeNull();
    const got: string[] = [];
    const waiting: Promise<unknown>[] = [];
    for (const [leaser, id] of [
      [b, 'b'],
      [c, 'c'],
      [d, 'd'],
    ] as const) {
      // A recheck far beyond the test's timeout: only a release can wake them.
      waiting.push(acquireSlot(leaser, HOST, 1, id, undefined, undefined, 3_600_000).then((lease) => got.push(lease!.leaseId)));
      await until(async () => (await holder.waiters!(HOST)).includes(id));
    }
    expect(await holder.waiters!(HOST)).toEqual(['b', 'c', 'd']);

    await holder.release(first!);
    await until(async () => got.length === 1);
    expect(got).toEqual(['b']);
    expect(await holder.waiters!(HOST)).toEqual(['c', 'd']);
    expect(await holder.held(HOST)).toBe(1);

    await b.release({ host: HOST, leaseId: 'b' });
    await until(async () => got.length === 2);
    await c.release({ host: HOST, leaseId: 'c' });
    await Promise.all(waiting);
    expect(got).toEqual(['b', 'c', 'd']);
    expect(await holder.waiters!(HOST)).toEqual([]);
    expect(await holder.held(HOST)).toBe(1);
  });

  it('a free slot goes to the first waiter, not to a caller that did not queue or queued later', async () => {
    const prefix = `eaio-test-${randomUUID()}`;
    const leaser = open(prefix);
    const held = await leaser.tryAcquire(HOST, 1, 'a');
    expect(await leaser.tryAcquire(HOST, 1, 'b', { wait: true })).toBeNull();
    expect(await leaser.tryAcquire(HOST, 1, 'c', { wait: true })).toBeNull();
    await leaser.release(held!);
    expect(await leaser.tryAcquire(HOST, 1, 'health-check')).toBeNull();
    expect(await leaser.tryAcquire(HOST, 1, 'c', { wait: true })).toBeNull();
    expect(await leaser.tryAcquire(HOST, 1, 'b', { wait: true })).toEqual({ host: HOST, leaseId: 'b' });
    expect(await leaser.waiters!(HOST)).toEqual(['c']);
    // One slot held by 'b': at cap 2 the free slot is the waiter's; at cap 3 one more caller fits beside it.
    expect(await leaser.tryAcquire(HOST, 2, 'x')).toBeNull();
    expect(await leaser.tryAcquire(HOST, 3, 'x')).toEqual({ host: HOST, leaseId: 'x' });
  });

  it('a waiter that leaves (aborted) or stops asking loses its place; the next one gets the slot', async () => {
    const prefix = `eaio-test-${randomUUID()}`;
    const leaser = open(prefix, 200);
    const held = await leaser.tryAcquire(HOST, 1, 'a');
    const abort = new AbortController();
    const aborted = acquireSlot(leaser, HOST, 1, 'b', abort.signal);
    await until(async () => (await leaser.waiters!(HOST)).includes('b'));
    abort.abort();
    expect(await aborted).toBeNull();
    expect(await leaser.waiters!(HOST)).toEqual([]);

    // 'c' queues once and never asks again (its process died): its place lapses after the lease time.
    expect(await leaser.tryAcquire(HOST, 1, 'c', { wait: true })).toBeNull();
    expect(await leaser.tryAcquire(HOST, 1, 'd', { wait: true })).toBeNull();
    await leaser.release(held!);
    expect(await leaser.tryAcquire(HOST, 1, 'd', { wait: true })).toBeNull();
    await until(async () => (await leaser.tryAcquire(HOST, 1, 'd', { wait: true })) !== null);
    expect(await leaser.waiters!(HOST)).toEqual([]);
  });

  it('after a job a lease is kept (renewed) while nobody waits, and handed to the first waiter once someone does', async () => {
    const prefix = `eaio-test-${randomUUID()}`;
    const [holder, other] = [open(prefix), open(prefix)];
    const lease = (await holder.tryAcquire(HOST, 1, 'a'))!;
    expect(await holder.keepUnlessWaited!(lease)).toBe(true);
    expect(await holder.held(HOST)).toBe(1);
    expect(await holder.renew(lease)).toBe(true);

    // 'b' queues in another process; the next keep hands the slot over and wakes it.
    const waiting = acquireSlot(other, HOST, 1, 'b', undefined, undefined, 3_600_000);
    await until(async () => (await holder.waiters!(HOST)).includes('b'));
    expect(await holder.keepUnlessWaited!(lease)).toBe(false);
    expect(await waiting).toEqual({ host: HOST, leaseId: 'b' });
    expect(await holder.renew(lease)).toBe(false);
    expect(await holder.waiters!(HOST)).toEqual([]);
    expect(await holder.held(HOST)).toBe(1);
    // A lease that is gone is not kept (nor taken back over 'b').
    expect(await holder.keepUnlessWaited!(lease)).toBe(false);
    expect(await holder.held(HOST)).toBe(1);
  });
});
