import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBudgetAlerter, createPriceCatalog, createSpendGuard, usdToMicro, type SpendLogger } from '@eaio/spend';
import { apiChoice, budgetsConfig, freshSpendSchema, job, localChoice, request } from './spend-fixtures';

// A dear model so a handful of calls reach $1: $10/MTok in, $40/MTok out.
const catalog = createPriceCatalog({ overrides: [{ provider: 'openai', model: 'dear', inputPerMTok: 10, outputPerMTok: 40 }] });
const dear = apiChoice('openai', 'dear', 2000);
// Worst case of the model's first call (uncalibrated): the prompt's UTF-8 bytes as tokens,
// 299 + 12 framing = 311 → 311*10 + 2000*40 = 83 110 µUSD. Once a call reported 108 prompt
// tokens (ratio 108/136 o200k < provider factor 1): 136 * 1.15 = 157 → 81 570 µUSD.
const WORST = 83_110;
const CALIBRATED = 81_570;
const at = new Date('2025-06-02T10:00:00Z');

let db: Awaited<ReturnType<typeof freshSpendSchema>>;
beforeEach(async () => {
  db = await freshSpendSchema();
});
afterEach(async () => {
  await db.drop();
});

const openReservations = async () => Number((await db.pool.query(`SELECT count(*) FROM budget_reservations WHERE status = 'open'`)).rows[0].count);
const reservedTotal = async () => Number((await db.pool.query('SELECT coalesce(sum(reserved_micro_usd), 0) AS r FROM budget_counters')).rows[0].r);
const ledgerTotal = async () => Number((await db.pool.query('SELECT coalesce(sum(cost_micro_usd), 0) AS s FROM spend_ledger')).rows[0].s);

describe('hard cap under concurrency', () => {
  it('20 concurrent workers against a $1.00 cap never settle above $1.00; refused jobs wait until the next day', async () => {
    const guard = createSpendGuard({ db: db.pool, catalog, budgets: budgetsConfig({ dailyUsd: 1, localOnlyBelowShare: 0, maxReservationShare: 1 }), now: () => at });
    const refusals: { reason: string; retryAt?: number }[] = [];
    let calls = 0;
    const worker = async (index: number) => {
      for (let round = 0; ; round += 1) {
        const attemptId = `w${index}-r${round}`;
        const reserved = await guard.reserve({ attemptId, data: job(attemptId), choice: dear, request: request() });
        if (!reserved.ok) {
          refusals.push(reserved);
          return;
        }
        expect([WORST, CALIBRATED]).toContain(reserved.reservedMicroUsd);
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        // actual: the whole prompt and 1500..2000 output tokens
        const outputTokens = 1500 + ((index * 37 + round * 11) % 501);
        await guard.settle(attemptId, dear, { usage: { inputTokens: 108, outputTokens } });
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, index) => worker(index)));

    const spent = await ledgerTotal();
    expect(spent).toBeLessThanOrEqual(usdToMicro(1));
    expect(calls).toBeGreaterThanOrEqual(12); // ≥ $1 / worst case: the cap was really used
    expect(Number((await db.pool.query('SELECT count(*) FROM spend_ledger')).rows[0].count)).toBe(calls);
    expect(await openReservations()).toBe(0);
    expect(await reservedTotal()).toBe(0);
    expect(refusals).toHaveLength(20);
    for (const refusal of refusals) {
      expect(refusal.reason).toMatch(/daily budget \(global\) exhausted/);
      expect(refusal.retryAt).toBe(Date.parse('2025-06-03T00:00:00Z'));
    }
  });

  it('with onExhausted review, a refused job gets no retryAt (it goes to review); local calls are never blocked', async () => {
    const guard = createSpendGuard({ db: db.pool, catalog, budgets: budgetsConfig({ dailyUsd: 0.05, onExhausted: 'review' }), now: () => at });
    const refused = await guard.reserve({ attemptId: 'a1', data: job('j1'), choice: dear, request: request() });
    expect(refused).toEqual({ ok: false, reason: expect.stringMatching(/daily budget \(global\) exhausted/) });
    expect(await guard.reserve({ attemptId: 'l1', data: job('j2'), choice: localChoice, request: request() })).toEqual({ ok: true, reservedMicroUsd: 0 });
    expect(await guard.settle('l1', localChoice, { usage: { inputTokens: 10, outputTokens: 10 } })).toEqual({ costMicroUsd: 0, priceVersion: 'local' });
  });

  it('per-tenant and per-provider caps bind on their own; EMERGENCY_LOCAL_ONLY refuses every paid call', async () => {
    const budgets = budgetsConfig({
      perTenant: { small: { dailyUsd: 0.1, monthlyUsd: undefined } },
      perProvider: { anthropic: { dailyUsd: 0, monthlyUsd: undefined } },
      localOnlyBelowShare: 0,
      maxReservationShare: 1,
    });
    const guard = createSpendGuard({ db: db.pool, catalog, budgets, now: () => at });
    expect((await guard.reserve({ attemptId: 't1', data: job('t1', 'small'), choice: dear, request: request() })).ok).toBe(true);
    const second = await guard.reserve({ attemptId: 't2', data: job('t2', 'small'), choice: dear, request: request() });
    expect(second).toMatchObject({ ok: false, reason: expect.stringMatching(/daily budget \(tenant small\) exhausted/) });
    expect((await guard.reserve({ attemptId: 't3', data: job('t3', 'big'), choice: dear, request: request() })).ok).toBe(true);
    const claude = await guard.reserve({ attemptId: 'c1', data: job('c1', 'big'), choice: apiChoice('anthropic', 'claude-3-5-haiku-latest'), request: request() });
    expect(claude).toMatchObject({ ok: false, reason: expect.stringMatching(/provider anthropic/) });

    const emergency = createSpendGuard({ db: db.pool, catalog, budgets, emergencyLocalOnly: true, now: () => at });
    expect(await emergency.reserve({ attemptId: 'e1', data: job('e1'), choice: dear, request: request() })).toMatchObject({
      ok: false,
      reason: /EMERGENCY_LOCAL_ONLY/,
      retryAt: at.getTime() + 900_000,
    });
    expect((await emergency.budgetRoutingState(at)).localOnly).toBe(true);
  });

  it('an unknown API model is refused, not billed as $0', async () => {
    const guard = createSpendGuard({ db: db.pool, catalog, budgets: budgetsConfig(), now: () => at });
    expect(await guard.reserve({ attemptId: 'u1', data: job('u1'), choice: apiChoice('openai', 'gpt-unknown'), request: request() })).toEqual({
      ok: false,
      reason: expect.stringMatching(/no price known for openai\/gpt-unknown/),
    });
  });
});

describe('routing state and reservation share', () => {
  it('under 10% left routes local-only with a reason; one call may reserve at most 5% of what remains', async () => {
    const guard = createSpendGuard({ db: db.pool, catalog, budgets: budgetsConfig({ monthlyUsd: 10 }), now: () => at });
    let state = await guard.budgetRoutingState(at);
    expect(state).toMatchObject({ localOnly: false, reason: undefined, maxReservationMicro: 500_000 });
    // Spend $9.20 through the ledger's counters.
    await db.pool.query(`INSERT INTO budget_counters (scope, period, spent_micro_usd) VALUES ('global', 'month:2025-06', 9200000)`);
    state = await guard.budgetRoutingState(at);
    expect(state.localOnly).toBe(true);
    expect(state.reason).toBe('monthly budget (global) 92% used ($0.80 left): routing local-only');
    expect(state.maxReservationMicro).toBe(40_000);
    const refused = await guard.reserve({ attemptId: 'x', data: job('x'), choice: dear, request: request() });
    expect(refused).toMatchObject({ ok: false, reason: /monthly budget \(global\) nearly spent/, retryAt: Date.parse('2025-07-01T00:00:00Z') });

    // at 50% used, $5 remains: 5% = $0.25; a call whose worst case is $0.32 is refused
    await db.pool.query(`UPDATE budget_counters SET spent_micro_usd = 5000000`);
    const big = await guard.reserve({ attemptId: 'y', data: job('y'), choice: apiChoice('openai', 'dear', 8000), request: request(8000) });
    expect(big).toMatchObject({ ok: false, reason: /more than 5% of what remains/ });
    expect((await guard.reserve({ attemptId: 'z', data: job('z'), choice: dear, request: request() })).ok).toBe(true);
  });
});

describe('alerts', () => {
  it('fire once per scope and period: log line, eaio_budget_alerts_total{scope}, webhook POST', async () => {
    const received: unknown[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret-token`;
    const lines: string[] = [];
    const logger: SpendLogger = { info: () => undefined, warn: (_fields, message) => lines.push(message), error: (_fields, message) => lines.push(message) };
    const registry = new Registry();
    const budgets = budgetsConfig({ dailyUsd: 0.2, alertWebhookUrl: url, localOnlyBelowShare: 0, maxReservationShare: 1 });
    const guard = createSpendGuard({ db: db.pool, catalog, budgets, now: () => at, alerter: createBudgetAlerter({ db: db.pool, budgets, logger, registry }), logger });
    try {
      // each call: 108*10 + 2000*40 = 81 080 µUSD actual; 2 calls = 81%
      for (const id of ['a', 'b', 'c']) {
        const reserved = await guard.reserve({ attemptId: id, data: job(id), choice: dear, request: request() });
        if (reserved.ok) await guard.settle(id, dear, { usage: { inputTokens: 108, outputTokens: 2000 } });
      }
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ scope: 'global', period: 'day:2025-06-02', spentMicro: 162_160, capMicro: 200_000 });
      expect(lines.filter((line) => line.startsWith('eaio budget alert'))).toEqual(['eaio budget alert: global day:2025-06-02 spent $0.16 of $0.20 (81%, threshold 80%)']);
      expect(lines.join('\n')).not.toContain('secret-token');
      const metric = await registry.getSingleMetric('eaio_budget_alerts_total')!.get();
      expect(metric.values).toEqual([{ value: 1, labels: { scope: 'global' } }]);
    } finally {
      server.close();
    }
  });
});
