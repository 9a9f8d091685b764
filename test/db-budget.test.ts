import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  budgetCounterStandings,
  createDb,
  migrate,
  releaseBudget,
  releaseExpiredBudgets,
  ReservationNotFoundError,
  reserveBudget,
  setBudgetCap,
  settleBudget,
  type BudgetCounterCap,
  type BudgetReservationInput,
  type Database,
} from '@eaio/db';
import { freshDatabase } from './support/fresh-database';

describe('db: budget reservations', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let database: Database;

  beforeAll(async () => {
    fresh = await freshDatabase('dbbudget');
    database = createDb(fresh.url, { max: 20 });
    await migrate(database);
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  const request = (attemptId: string, amountMicro: number, counters: BudgetCounterCap[], expiresAt = new Date(Date.now() + 60_000)): BudgetReservationInput => ({
    attemptId,
    jobId: attemptId.split(':')[0],
    batchId: 'b',
    tenant: 'acme',
    tier: 'api',
    provider: 'openai',
    endpoint: 'openai',
    model: 'gpt-x',
    amountMicro,
    counters,
    price: { inputPerMillion: 1 },
    priceVersion: 'v1',
    pricedAt: new Date(),
    expiresAt,
  });
  const ledgerRows = async (attemptId: string) =>
    (await database.pool.query('SELECT kind, cost_micro_usd::int AS cost, input_tokens FROM spend_ledger WHERE attempt_id = $1', [attemptId])).rows;

  it('never lets 50 concurrent reservations exceed a cap', async () => {
    const key = { scope: 'global', period: 'day:race', capMicro: 1_000 };
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, index) => reserveBudget(database, request(`race${index}:api:1`, 30, [key]))));
    const granted = outcomes.filter((outcome) => outcome.ok);
    expect(granted).toHaveLength(33); // 33 × 30 = 990 ≤ 1000 < 34 × 30
    const refused = outcomes.find((outcome) => !outcome.ok);
    expect(refused).toMatchObject({ ok: false, reason: 'cap', counter: { scope: 'global', capMicro: 1_000 } });
    const [standing] = await budgetCounterStandings(database, [key]);
    expect(standing).toEqual({ scope: 'global', period: 'day:race', capMicro: 1_000, spentMicro: 0, reservedMicro: 990 });
    const open = await database.pool.query("SELECT count(*)::int AS n, sum(amount_micro_usd)::int AS held FROM budget_reservations WHERE attempt_id LIKE 'race%' AND status = 'open'");
    expect(open.rows[0]).toEqual({ n: 33, held: 990 });
  });

  it('holds on every counter or none, across tenants sharing a global cap', async () => {
    const global = { scope: 'global', period: 'day:multi', capMicro: 500 };
    const tenantA = { scope: 'tenant:a', period: 'day:multi', capMicro: 300 };
    const tenantB = { scope: 'tenant:b', period: 'day:multi', capMicro: 300 };
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, (_, index) => reserveBudget(database, request(`multi${index}:api:1`, 20, [index % 2 ? tenantA : tenantB, global]))),
    );
    const standings = await budgetCounterStandings(database, [global, tenantA, tenantB]);
    const [g, a, b] = standings;
    expect(g.reservedMicro).toBeLessThanOrEqual(500);
    expect(a.reservedMicro).toBeLessThanOrEqual(300);
    expect(b.reservedMicro).toBeLessThanOrEqual(300);
    // A refusal on one counter left nothing behind on the other.
    expect(a.reservedMicro + b.reservedMicro).toBe(g.reservedMicro);
    expect(g.reservedMicro).toBe(outcomes.filter((outcome) => outcome.ok).length * 20);
    expect(g.reservedMicro).toBe(500);
  });

  it('is idempotent by attempt id: reserve, settle, release', async () => {
    const key = { scope: 'provider:openai', period: 'day:idem', capMicro: 10_000 };
    expect(await reserveBudget(database, request('j1:api:1', 400, [key]))).toEqual({ ok: true, amountMicro: 400, repeated: false });
    expect(await reserveBudget(database, request('j1:api:1', 400, [key]))).toEqual({ ok: true, amountMicro: 400, repeated: true });
    expect((await budgetCounterStandings(database, [key]))[0].reservedMicro).toBe(400);

    const settlements = await Promise.all(
      Array.from({ length: 8 }, () => settleBudget(database, 'j1:api:1', { kind: 'billed', costMicro: 123, usage: { inputTokens: 1000 } })),
    );
    expect(settlements.filter((settled) => settled.changed)).toHaveLength(1);
    expect(settlements.every((settled) => settled.costMicro === 123)).toBe(true);
    expect(await ledgerRows('j1:api:1')).toEqual([{ kind: 'billed', cost: 123, input_tokens: 1000 }]);
    expect((await budgetCounterStandings(database, [key]))[0]).toMatchObject({ spentMicro: 123, reservedMicro: 0 });

    expect(await releaseBudget(database, 'j1:api:1')).toBe(false);
    expect(await reserveBudget(database, request('j1:api:1', 400, [key]))).toEqual({ ok: false, reason: 'closed', status: 'settled' });

    expect((await reserveBudget(database, request('j2:api:1', 700, [key]))).ok).toBe(true);
    expect(await releaseBudget(database, 'j2:api:1')).toBe(true);
    expect(await releaseBudget(database, 'j2:api:1')).toBe(false);
    expect(await ledgerRows('j2:api:1')).toEqual([]);
    expect((await budgetCounterStandings(database, [key]))[0]).toMatchObject({ spentMicro: 123, reservedMicro: 0 });

    const error = await settleBudget(database, 'never:api:1', { kind: 'billed', costMicro: 1 }).catch((caught: unknown) => caught);
    expect(ReservationNotFoundError.isInstance(error)).toBe(true);
    await expect(reserveBudget(database, request('neg:api:1', -1, [key]))).rejects.toThrow(RangeError);
  });

  it('charges an unknown outcome the reserved worst case, and spend counts against the cap', async () => {
    const key = { scope: 'tenant:acme', period: 'day:unknown', capMicro: 1_000 };
    expect((await reserveBudget(database, request('u1:api:1', 600, [key]))).ok).toBe(true);
    expect(await settleBudget(database, 'u1:api:1', { kind: 'unknown', costMicro: 0 })).toMatchObject({ costMicro: 600, kind: 'unknown', changed: true });
    // 600 spent: 500 more does not fit, 400 does.
    expect(await reserveBudget(database, request('u2:api:1', 500, [key]))).toMatchObject({ ok: false, reason: 'cap', counter: { spentMicro: 600, reservedMicro: 0 } });
    expect((await reserveBudget(database, request('u3:api:1', 400, [key]))).ok).toBe(true);
  });

  it('sweeps expired reservations once, at the worst case, and a late settle corrects it', async () => {
    const key = { scope: 'global', period: 'day:sweep' };
    await setBudgetCap(database, key, 5_000);
    const past = new Date(Date.now() - 1_000);
    expect((await reserveBudget(database, request('s1:api:1', 900, [key], past))).ok).toBe(true);
    expect((await reserveBudget(database, request('s2:api:1', 800, [key], past))).ok).toBe(true);
    expect((await reserveBudget(database, request('s3:api:1', 700, [key]))).ok).toBe(true);
    // The stored cap applied (no cap passed): 5000 - 2400 held leaves room for 2600, not 2700.
    expect((await reserveBudget(database, request('s4:api:1', 2_700, [key]))).ok).toBe(false);

    const sweeps = await Promise.all([releaseExpiredBudgets(database, new Date()), releaseExpiredBudgets(database, new Date())]);
    expect(sweeps.reduce((total, sweep) => total + sweep.count, 0)).toBe(2);
    expect((await releaseExpiredBudgets(database, new Date())).count).toBe(0);
    expect(await ledgerRows('s1:api:1')).toEqual([{ kind: 'abandoned', cost: 900, input_tokens: null }]);
    expect((await budgetCounterStandings(database, [key]))[0]).toMatchObject({ spentMicro: 1_700, reservedMicro: 700, capMicro: 5_000 });

    expect(await settleBudget(database, 's1:api:1', { kind: 'billed', costMicro: 100, usage: { inputTokens: 10 } })).toMatchObject({ costMicro: 100, changed: true });
    expect(await ledgerRows('s1:api:1')).toEqual([{ kind: 'billed', cost: 100, input_tokens: 10 }]);
    expect((await budgetCounterStandings(database, [key]))[0]).toMatchObject({ spentMicro: 900, reservedMicro: 700 });
    expect(await settleBudget(database, 's1:api:1', { kind: 'billed', costMicro: 100 })).toMatchObject({ changed: false });
  });
});
