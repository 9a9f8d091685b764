import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBudgetAlerter, createPriceCatalog, createSpendGuard, type SpendLogger } from '@eaio/spend';
import { apiChoice, budgetsConfig, freshSpendSchema, job, request } from './spend-fixtures';

// $10/MTok in, $40/MTok out; the fixture prompt reserves 311 tokens (its bytes) + 2000 out = 83 110 µUSD.
const catalog = createPriceCatalog({ overrides: [{ provider: 'openai', model: 'dear', inputPerMTok: 10, outputPerMTok: 40 }] });
const dear = apiChoice('openai', 'dear', 2000);
const at = new Date('2025-06-02T10:00:00Z');

let db: Awaited<ReturnType<typeof freshSpendSchema>>;
beforeEach(async () => {
  db = await freshSpendSchema();
});
afterEach(async () => {
  await db.drop();
});

describe('settle never passes a cap silently', () => {
  it('a call that cost more than its reservation and passed the cap: recorded, alerted (log, metric, webhook), the budget closed until the cap is raised or the day ends', async () => {
    const received: Record<string, unknown>[] = [];
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
    const errors: string[] = [];
    const logger: SpendLogger = { info: () => undefined, warn: () => undefined, error: (_fields, message) => errors.push(message) };
    const registry = new Registry();
    const budgets = budgetsConfig({ dailyUsd: 0.2, alertWebhookUrl: url, localOnlyBelowShare: 0, maxReservationShare: 1, alertThreshold: 1 });
    const guard = createSpendGuard({ db: db.pool, catalog, budgets, now: () => at, alerter: createBudgetAlerter({ db: db.pool, budgets, logger, registry }), logger });
    try {
      const first = await guard.reserve({ attemptId: 'a1', data: job('a1'), choice: dear, request: request() });
      const second = await guard.reserve({ attemptId: 'a2', data: job('a2'), choice: dear, request: request() });
      expect([first.ok, second.ok]).toEqual([true, true]); // 2 x 83 110 held of 200 000
      // The provider reports 9 000 prompt tokens for a1 (its tokenizer is not ours): 90 000 + 80 000 = 170 000 µUSD.
      const settled = await guard.settle('a1', dear, { usage: { inputTokens: 9_000, outputTokens: 2_000 } });
      expect(settled.costMicroUsd).toBe(170_000);

      const rows = (
        await db.pool.query(
          'SELECT attempt_id, scope, period, cap_micro_usd::int AS cap, spent_micro_usd::int AS spent, reserved_micro_usd::int AS reserved, over_micro_usd::int AS over, held_micro_usd::int AS held, cost_micro_usd::int AS cost FROM budget_overshoots',
        )
      ).rows;
      expect(rows).toEqual([
        { attempt_id: 'a1', scope: 'global', period: 'day:2025-06-02', cap: 200_000, spent: 170_000, reserved: 83_110, over: 53_110, held: 83_110, cost: 170_000 },
      ]);
      const counter = (await db.pool.query(`SELECT closed_at, closed_cap_micro_usd::int AS closed_cap FROM budget_counters WHERE scope = 'global' AND period = 'day:2025-06-02'`))
        .rows[0];
      expect(counter.closed_cap).toBe(200_000);
      expect(counter.closed_at).toBeInstanceOf(Date);
      expect(errors.filter((line) => line.startsWith('eaio budget OVERSHOOT'))).toHaveLength(1);
      expect(errors.join('\n')).not.toContain('secret-token');
      expect((await registry.getSingleMetric('eaio_budget_overshoots_total')!.get()).values).toEqual([{ value: 1, labels: { scope: 'global' } }]);
      expect(received).toEqual([expect.objectContaining({ scope: 'global', period: 'day:2025-06-02', capMicro: 200_000, text: expect.stringMatching(/OVERSHOOT/) })]);

      // The in-flight call still settles; the budget stays closed even once money is free again.
      await guard.settle('a2', dear, { usage: { inputTokens: 10, outputTokens: 10 } });
      const refused = await guard.reserve({ attemptId: 'a3', data: job('a3'), choice: dear, request: request(10) });
      expect(refused).toMatchObject({ ok: false, reason: expect.stringMatching(/daily budget \(global\) closed after an overshoot/), retryAt: Date.parse('2025-06-03T00:00:00Z') });
      const state = await guard.budgetRoutingState(at);
      expect(state.localOnly).toBe(true);
      expect(state.reason).toMatch(/closed after an overshoot/);
      expect(state.maxReservationMicro).toBe(0);

      // A person raises the cap: the budget reopens.
      const raised = createSpendGuard({ db: db.pool, catalog, budgets: { ...budgets, dailyUsd: 1 }, now: () => at });
      expect((await raised.reserve({ attemptId: 'a4', data: job('a4'), choice: dear, request: request() })).ok).toBe(true);
      expect(
        (await db.pool.query(`SELECT closed_cap_micro_usd FROM budget_counters WHERE scope = 'global' AND period = 'day:2025-06-02'`)).rows[0].closed_cap_micro_usd,
      ).toBeNull();
    } finally {
      server.close();
    }
  });

  it('the next day opens a fresh counter; a call within its reservation records nothing', async () => {
    const budgets = budgetsConfig({ dailyUsd: 0.1, localOnlyBelowShare: 0, maxReservationShare: 1 });
    let now = at;
    const guard = createSpendGuard({ db: db.pool, catalog, budgets, now: () => now });
    expect((await guard.reserve({ attemptId: 'b1', data: job('b1'), choice: dear, request: request() })).ok).toBe(true);
    await guard.settle('b1', dear, { usage: { inputTokens: 2_500, outputTokens: 2_000 } }); // 105 000 > 100 000 cap
    expect((await guard.reserve({ attemptId: 'b2', data: job('b2'), choice: dear, request: request(10) })).ok).toBe(false);
    now = new Date('2025-06-03T00:00:01Z');
    expect((await guard.reserve({ attemptId: 'b3', data: job('b3'), choice: dear, request: request(10) })).ok).toBe(true);
    await guard.settle('b3', dear, { usage: { inputTokens: 100, outputTokens: 10 } });
    expect((await db.pool.query('SELECT period FROM budget_overshoots')).rows).toEqual([{ period: 'day:2025-06-02' }]);
  });

  it('the provider-reported ratio calibrates later reservations: after a 1-token-per-character report the estimate covers it', async () => {
    const guard = createSpendGuard({ db: db.pool, catalog, budgets: budgetsConfig({ dailyUsd: 100 }), now: () => at });
    const prompt = { system: 'You are an analyst.', messages: [{ content: Array.from({ length: 200 }, (_, index) => (index * 7.31).toFixed(2)).join(', ') }], maxTokens: 10 };
    const chars = prompt.system.length + prompt.messages[0]!.content.length;
    await guard.reserve({ attemptId: 'c1', data: job('c1'), choice: dear, request: prompt });
    await guard.settle('c1', dear, { usage: { inputTokens: chars, outputTokens: 10 } });
    await guard.reserve({ attemptId: 'c2', data: job('c2'), choice: dear, request: prompt });
    const rows = (
      await db.pool.query<{ attempt_id: string; counted: number; reserved: number }>(
        'SELECT attempt_id, prompt_tokens_counted AS counted, prompt_tokens_reserved AS reserved FROM budget_reservations ORDER BY attempt_id',
      )
    ).rows;
    expect(rows[0]!.counted).toBeLessThan(chars * 0.7); // o200k on dense numbers: ~1.5 characters a token
    expect(rows[0]!.reserved).toBeGreaterThanOrEqual(chars); // first call: the byte bound
    expect(rows[1]!.reserved).toBeGreaterThanOrEqual(Math.floor(chars * 1.15)); // calibrated: the reported count + margin
  });
});
