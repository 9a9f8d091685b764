import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrate, type Database } from '@eaio/db';
import { createPostgresGuardStore, createProviderGuard, createRedisGuardStore, type GuardStateStore, type ProviderGuard } from '@eaio/queues';
import { formatGuardReport } from '@eaio/providers';
import { freshDatabase } from './support/fresh-database';

const OPTIONS = {
  breaker: { failureThreshold: 3, windowMs: 60_000, coolDownMs: 60_000, probeTimeoutMs: 60_000 },
  limits: { openai: { requestsPerMinute: 25 } },
  limitWindowMs: 60_000,
  limitMarginMs: 0,
};
const target = { provider: 'openai', endpoint: 'openai', model: 'gpt-6-luna' };

/**
 * The guard's two stores, each as three "processes" (own connections) at once: the request
 * limit holds across them under contention, and a breaker one opens is open for the others.
 */
const describeStore = (name: string, open: () => Promise<{ stores: GuardStateStore[]; close(): Promise<void> }>) =>
  describe(`provider guard on ${name}`, () => {
    let guards: ProviderGuard[];
    let stores: GuardStateStore[];
    let close: () => Promise<void>;
    beforeAll(async () => {
      const opened = await open();
      stores = opened.stores;
      guards = opened.stores.map((store) => createProviderGuard(store, OPTIONS));
      close = opened.close;
    }, 60_000);
    afterAll(async () => {
      await Promise.all(guards.map((guard) => guard.close()));
      await close?.();
    });

    it('three processes admitting 20 calls each at once: exactly the limit gets through', async () => {
      const results = await Promise.all(guards.flatMap((guard) => Array.from({ length: 20 }, () => guard.admit(target, 10))));
      expect(results.filter((result) => result.ok)).toHaveLength(25);
      const refused = results.filter((result) => !result.ok);
      expect(refused.every((result) => !result.ok && result.cause === 'rate-limit')).toBe(true);
      expect((await guards[2].snapshot()).requestsInWindow).toEqual({ openai: 25 });
    });

    it('a provider without limits: a quiet call is admitted from one read and reports its success with nothing written; once a failure counts, the locked path runs and a success resets it', async () => {
      const updates: string[] = [];
      const counting: GuardStateStore = Object.assign(Object.create(stores[0]) as GuardStateStore, {
        update: (provider: string, change: Parameters<GuardStateStore['update']>[1]) => {
          updates.push(provider);
          return stores[0].update(provider, change);
        },
      });
      const guard = createProviderGuard(counting, OPTIONS);
      const local = { provider: 'ollama', endpoint: 'ollama-q', model: 'llama3.2:3b' };
      for (let i = 0; i < 3; i += 1) {
        const ticket = await guard.admit(local, 100);
        expect(ticket).toMatchObject({ ok: true, probe: [], quiet: true });
        if (ticket.ok) await guard.succeeded(ticket, 42);
      }
      expect(updates).toEqual([]);
      // Another process counts a failure: the next admission is not quiet, and its success (locked) clears the count.
      await guards[1].failed({ ...local, slice: 0, tokens: 0, probe: [] }, { effect: 'breaker', scope: 'endpoint', open: false, message: 'HTTP 503' });
      const loud = await guard.admit(local, 100);
      expect(loud).toMatchObject({ ok: true, probe: [] });
      expect(loud.ok && loud.quiet).toBeFalsy();
      if (loud.ok) await guard.succeeded(loud);
      expect(updates).toEqual(['ollama']);
      expect((await guard.snapshot()).breakers.find((breaker) => breaker.key === 'ollama-q')).toMatchObject({ state: 'closed', failures: 0 });
      // Open breaker: refused from the read, nothing written.
      for (const g of guards) await g.failed({ ...local, slice: 0, tokens: 0, probe: [] }, { effect: 'breaker', scope: 'endpoint', open: false, message: 'HTTP 503' });
      updates.length = 0;
      expect(await guard.admit(local, 100)).toMatchObject({ ok: false, cause: 'breaker-open' });
      expect(updates).toEqual([]);
      // Limited providers still go through the lock on every admission (the window changes).
      const limited = await guard.admit({ ...target, provider: 'openai' }, 10);
      expect(updates).toEqual(['openai']);
      expect(limited.ok && limited.quiet).toBeFalsy();
    });

    it('a breaker opened through one process is open for the others, and shows in the report', async () => {
      const ticket = { ...target, provider: 'openai-b', endpoint: 'openai-b', slice: 0, tokens: 0, probe: [] };
      for (const guard of guards) await guard.failed(ticket, { effect: 'breaker', scope: 'model', open: false, message: 'HTTP 503' });
      const refused = await guards[0].admit({ ...target, provider: 'openai-b', endpoint: 'openai-b' }, 10);
      expect(refused).toMatchObject({ ok: false, cause: 'breaker-open' });
      const snapshot = await guards[1].snapshot();
      expect(snapshot.breakers.find((breaker) => breaker.key === 'openai-b/gpt-6-luna')).toMatchObject({ state: 'open', failures: 3, opens: 1 });
      const report = formatGuardReport(snapshot);
      expect(report).toMatch(/openai-b\/gpt-6-luna\s+open\s+3\s+1x/);
      expect(report).toContain('openai: 25 requests in its current rate-limit window');
    });
  });

describeStore('Redis', async () => {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  return { stores: [0, 1, 2].map(() => createRedisGuardStore('redis://127.0.0.1:6379', prefix)), close: async () => undefined };
});

describeStore('PostgreSQL', async () => {
  const fresh = await freshDatabase('guard');
  const database: Database = createDb(fresh.url);
  await migrate(database);
  const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: fresh.url, max: 5 }));
  // Dropping the database ends idle connections with 57P01: expected, not a test failure.
  for (const pool of [...pools, database.pool as pg.Pool]) pool.on('error', () => undefined);
  return {
    stores: pools.map((pool) => createPostgresGuardStore(pool, 'eaio')),
    async close() {
      await Promise.all(pools.map((pool) => pool.end()));
      await database.close();
      await fresh.drop();
    },
  };
});
