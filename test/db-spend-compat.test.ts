import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetCounterStandings, createDb, migrate, releaseBudget, reserveBudget, settleBudget, type Database } from '@eaio/db';
import { createSpendLedger, ensureReportSchema, ensureSpendSchema } from '@eaio/spend';
import { freshDatabase } from './support/fresh-database';

/** `@eaio/spend` writes the same tables with its own SQL: the migrated schema must fit it, and both must agree. */
describe('db: migrated schema shared with @eaio/spend', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let database: Database;

  beforeAll(async () => {
    fresh = await freshDatabase('dbspend');
    database = createDb(fresh.url);
    await migrate(database);
    // Spend's own DDL is IF NOT EXISTS: a no-op on the migrated tables.
    await ensureSpendSchema(database.pool);
    await ensureReportSchema(database.pool);
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  const call = (attemptId: string) => ({ attemptId, jobId: 'j', batchId: 'b', tenant: 'acme', tier: 'api', provider: 'openai', endpoint: 'openai', model: 'm' });
  const key = { scope: 'global', period: 'day:compat' };

  it('a reservation made by the spend ledger settles through the db queries, and the other way round', async () => {
    const ledger = createSpendLedger(database.pool);
    const reserved = await ledger.reserve({
      ...call('spend-made:api:1'),
      amountMicro: 500,
      keys: [{ ...key, capMicro: 10_000, endsAt: new Date(Date.now() + 86_400_000), name: 'daily budget (global)' }],
      price: { inputPerMillion: 1, outputPerMillion: 2 } as never,
      priceVersion: 'v1',
      pricedAt: new Date(),
      expiresAt: new Date(Date.now() + 60_000),
      localOnlyBelowShare: 0,
      maxReservationShare: 1,
    });
    expect(reserved).toMatchObject({ ok: true });
    expect(await settleBudget(database, 'spend-made:api:1', { kind: 'billed', costMicro: 200 })).toMatchObject({ costMicro: 200, changed: true });

    expect((await reserveBudget(database, { ...call('db-made:api:1'), amountMicro: 300, counters: [{ ...key, capMicro: 10_000 }], price: {}, priceVersion: 'v1', pricedAt: new Date(), expiresAt: new Date(Date.now() + 60_000) })).ok).toBe(true);
    expect(await ledger.reservation('db-made:api:1')).toMatchObject({ amountMicro: 300, status: 'open' });
    expect(await ledger.settle('db-made:api:1', { kind: 'billed', costMicro: 100 })).toMatchObject({ costMicroUsd: 100, kind: 'billed' });
    expect(await releaseBudget(database, 'db-made:api:1')).toBe(false);

    expect((await budgetCounterStandings(database, [key]))[0]).toEqual({ ...key, capMicro: 10_000, spentMicro: 300, reservedMicro: 0 });
    const rows = await database.pool.query('SELECT attempt_id, cost_micro_usd::int AS cost FROM spend_ledger ORDER BY attempt_id');
    expect(rows.rows).toEqual([{ attempt_id: 'db-made:api:1', cost: 100 }, { attempt_id: 'spend-made:api:1', cost: 200 }]);
  });
});
