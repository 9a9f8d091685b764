import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPriceCatalog, createSpendGuard } from '@eaio/spend';
import { apiChoice, budgetsConfig, freshSpendSchema, job, request } from './spend-fixtures';

const catalog = createPriceCatalog();
const mini = apiChoice('openai', 'gpt-4o-mini', 2000);
// worst case of a model's first (uncalibrated) call: the prompt's UTF-8 bytes as tokens
// (299 characters + 12 framing = 311): 311*0.15 + 2000*0.60 = 1246.65 → 1247 µUSD
const WORST = 1247;
let db: Awaited<ReturnType<typeof freshSpendSchema>>;
let clock: Date;
beforeEach(async () => {
  db = await freshSpendSchema();
  clock = new Date('2025-06-02T10:00:00Z');
});
afterEach(async () => {
  await db.drop();
});

const guardOf = () => createSpendGuard({ db: db.pool, catalog, budgets: budgetsConfig({ dailyUsd: 5 }), now: () => clock, reservationGraceMs: 60_000 });
const rows = async () => (await db.pool.query('SELECT attempt_id, kind, cost_micro_usd::int AS cost, input_tokens FROM spend_ledger ORDER BY attempt_id')).rows;
const counters = async () =>
  (await db.pool.query(`SELECT spent_micro_usd::int AS spent, reserved_micro_usd::int AS reserved FROM budget_counters WHERE scope = 'global' AND period = 'day:2025-06-02'`))
    .rows[0];

describe('exactly one ledger row per provider call', () => {
  it('a repeated reserve/settle of one attempt (retried step, re-run handler) counts once', async () => {
    const guard = guardOf();
    const first = await guard.reserve({ attemptId: 'job1.api#1', data: job('job1'), choice: mini, request: request() });
    const again = await guard.reserve({ attemptId: 'job1.api#1', data: job('job1'), choice: mini, request: request() });
    expect(first).toEqual({ ok: true, reservedMicroUsd: WORST });
    expect(again).toEqual(first);
    expect(await counters()).toEqual({ spent: 0, reserved: WORST });
    const usage = { inputTokens: 108, outputTokens: 400 }; // 16.2 + 240 = 256.2 → 256
    const settled = await guard.settle('job1.api#1', mini, { usage });
    expect(settled).toEqual({ costMicroUsd: 256, priceVersion: catalog.version });
    expect(await guard.settle('job1.api#1', mini, { usage })).toEqual(settled);
    expect(await rows()).toEqual([{ attempt_id: 'job1.api#1', kind: 'billed', cost: 256, input_tokens: 108 }]);
    expect(await counters()).toEqual({ spent: 256, reserved: 0 });
    // a settled attempt id cannot open a second call
    expect(await guard.reserve({ attemptId: 'job1.api#1', data: job('job1'), choice: mini, request: request() })).toMatchObject({ ok: false, reason: /already settled/ });
  });

  it('a BullMQ retry (new attempt id) is its own row; provider error status → 0, unknown outcome → worst case', async () => {
    const guard = guardOf();
    for (const id of ['j.api#1', 'j.api#2', 'j.api#3']) await guard.reserve({ attemptId: id, data: job('j'), choice: mini, request: request() });
    expect(await guard.settle('j.api#1', mini, undefined, Object.assign(new Error('429'), { statusCode: 429 }))).toMatchObject({ costMicroUsd: 0 });
    expect(await guard.settle('j.api#2', mini, undefined, Object.assign(new Error('timed out'), { kind: 'timeout' }))).toMatchObject({ costMicroUsd: WORST });
    expect(await guard.settle('j.api#3', mini, { usage: { inputTokens: 108, outputTokens: 100 } })).toMatchObject({ costMicroUsd: 76 }); // 16.2 + 60
    expect(await rows()).toEqual([
      { attempt_id: 'j.api#1', kind: 'unbilled', cost: 0, input_tokens: null },
      { attempt_id: 'j.api#2', kind: 'unknown', cost: WORST, input_tokens: null },
      { attempt_id: 'j.api#3', kind: 'billed', cost: 76, input_tokens: 108 },
    ]);
    expect(await counters()).toEqual({ spent: WORST + 76, reserved: 0 });
  });

  it('a worker killed mid-call: its reservation expires, the sweeper charges the worst case once, the re-delivery gets its own row', async () => {
    const crashed = guardOf();
    await crashed.reserve({ attemptId: 'k.api#1', data: job('k'), choice: mini, request: request() });
    // the process dies here; nobody settles.
    const survivor = guardOf();
    expect(await survivor.releaseExpired(new Date(clock.getTime() + 30_000 + 59_000))).toBe(0); // not yet expired
    clock = new Date(clock.getTime() + 30_000 + 60_000);
    expect(await survivor.releaseExpired()).toBe(1);
    expect(await survivor.releaseExpired()).toBe(0); // a second sweep (another worker) finds nothing
    // BullMQ re-delivers the stalled job: attemptsStarted grew, so a new attempt id
    await survivor.reserve({ attemptId: 'k.api#2', data: job('k'), choice: mini, request: request() });
    await survivor.settle('k.api#2', mini, { usage: { inputTokens: 108, outputTokens: 100 } });
    expect(await rows()).toEqual([
      { attempt_id: 'k.api#1', kind: 'abandoned', cost: WORST, input_tokens: null },
      { attempt_id: 'k.api#2', kind: 'billed', cost: 76, input_tokens: 108 },
    ]);
    expect(await counters()).toEqual({ spent: WORST + 76, reserved: 0 });
    expect(Number((await db.pool.query(`SELECT count(*) FROM budget_reservations WHERE status = 'open'`)).rows[0].count)).toBe(0);
  });

  it('a slow worker settling after the sweeper corrects the worst-case charge to the actual cost, still one row', async () => {
    const guard = guardOf();
    await guard.reserve({ attemptId: 's.api#1', data: job('s'), choice: mini, request: request() });
    clock = new Date(clock.getTime() + 120_000);
    expect(await guard.releaseExpired()).toBe(1);
    expect(await counters()).toEqual({ spent: WORST, reserved: 0 });
    expect(await guard.settle('s.api#1', mini, { usage: { inputTokens: 108, outputTokens: 100 } })).toMatchObject({ costMicroUsd: 76 });
    expect(await rows()).toEqual([{ attempt_id: 's.api#1', kind: 'billed', cost: 76, input_tokens: 108 }]);
    expect(await counters()).toEqual({ spent: 76, reserved: 0 });
  });

  it('concurrent duplicate deliveries of one attempt settle into one row', async () => {
    const guard = guardOf();
    await Promise.all(Array.from({ length: 8 }, () => guard.reserve({ attemptId: 'd.api#1', data: job('d'), choice: mini, request: request() })));
    expect(await counters()).toEqual({ spent: 0, reserved: WORST });
    const settled = await Promise.all(Array.from({ length: 8 }, () => guard.settle('d.api#1', mini, { usage: { inputTokens: 108, outputTokens: 100 } })));
    expect(new Set(settled.map((item) => item.costMicroUsd))).toEqual(new Set([76]));
    expect(await rows()).toHaveLength(1);
    expect(await counters()).toEqual({ spent: 76, reserved: 0 });
  });

  it('release gives a reservation back without a ledger row when no call was made', async () => {
    const guard = guardOf();
    await guard.reserve({ attemptId: 'r.api#1', data: job('r'), choice: mini, request: request() });
    expect(await guard.release('r.api#1')).toBe(true);
    expect(await guard.release('r.api#1')).toBe(false);
    expect(await rows()).toEqual([]);
    expect(await counters()).toEqual({ spent: 0, reserved: 0 });
  });
});
