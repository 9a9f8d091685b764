import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPriceCatalog, createReportProcessor, generateCostReport, reportDayFor, scheduleNightlyReport } from '@eaio/spend';
import { freshSpendSchema } from './spend-fixtures';

let db: Awaited<ReturnType<typeof freshSpendSchema>>;
let dir: string;
beforeEach(async () => {
  db = await freshSpendSchema();
  dir = await mkdtemp(join(tmpdir(), 'eaio-report-'));
});
afterEach(async () => { await db.drop(); await rm(dir, { recursive: true, force: true }); });

type Seed = [id: string, tier: string, provider: string, model: string, startedAt: string, latency: number, input: number, output: number, cached: number, cost: number, outcome: string];
const seed = async (rows: Seed[]) => {
  for (const [id, tier, provider, model, startedAt, latency, input, output, cached, cost, outcome] of rows) {
    await db.pool.query(
      `INSERT INTO attempts (attempt_id, job_id, batch_id, endpoint, tenant, tier, provider, model, started_at, latency_ms, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_micro_usd, outcome)
       VALUES ($1, $1, 'batch', $3, 'acme', $2, $3, $4, $5, $6, $7, $8, $9, 0, 0, $10, $11)`,
      [id, tier, provider, model, startedAt, latency, input, output, cached, cost, outcome],
    );
  }
};

const catalog = createPriceCatalog();
const options = () => ({ date: '2025-06-02', timezone: 'UTC', db: db.pool, catalog, referenceModel: { provider: 'openai', model: 'gpt-4o-mini' }, outputDir: dir, windowDays: 3 });

describe('nightly cost report', () => {
  it('computes calls, tokens, cost, latency, pass rate, escalations and savings for a seeded day', async () => {
    await seed([
      ['l1', 'local-fast', 'ollama', 'llama3.2:3b', '2025-06-02T01:00:00Z', 100, 1000, 200, 0, 0, 'passed'],
      ['l2', 'local-fast', 'ollama', 'llama3.2:3b', '2025-06-02T02:00:00Z', 200, 1000, 200, 0, 0, 'passed'],
      ['l3', 'local-fast', 'ollama', 'llama3.2:3b', '2025-06-02T03:00:00Z', 300, 1000, 200, 0, 0, 'failed-gate'],
      // gpt-4o-mini: 1000*0.15 + 1000*0.075 + 500*0.6 = 525 µUSD each
      ['a1', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T04:00:00Z', 1000, 2000, 500, 1000, 525, 'passed'],
      ['a2', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T23:59:59Z', 3000, 2000, 500, 1000, 525, 'error'],
      ['y1', 'api', 'openai', 'gpt-4o-mini', '2025-06-01T12:00:00Z', 500, 0, 0, 0, 10_000, 'passed'],
      ['t1', 'api', 'openai', 'gpt-4o-mini', '2025-06-03T00:00:00Z', 500, 0, 0, 0, 99_999, 'passed'],
    ]);
    const { report, markdown, files, rolledUpDays } = await generateCostReport(options());
    expect(rolledUpDays).toEqual(['2025-05-31', '2025-06-01', '2025-06-02']);
    expect(report.rows).toHaveLength(2);
    const [local, api] = [report.rows.find((row) => row.tier === 'local-fast')!, report.rows.find((row) => row.tier === 'api')!];
    expect(local).toMatchObject({ calls: 3, inputTokens: 3000, outputTokens: 600, costMicro: 0, meanLatencyMs: 200, escalations: 1 });
    expect(local.p95LatencyMs).toBeCloseTo(290, 6); // 200 + 0.9 * (300 - 200)
    expect(local.passRate).toBeCloseTo(2 / 3, 10);
    expect(local.referenceCostMicro).toBe(450 + 360); // 3000*0.15 + 600*0.6
    expect(api).toMatchObject({ calls: 2, inputTokens: 4000, cachedInputTokens: 2000, outputTokens: 1000, costMicro: 1050, meanLatencyMs: 2000, passRate: 1, escalations: 0 });
    expect(api.p95LatencyMs).toBeCloseTo(2900, 6);
    expect(api.referenceCostMicro).toBe(300 + 150 + 600);
    expect(report.totals).toMatchObject({ calls: 5, costMicro: 1050, referenceCostMicro: 1860, savingsMicro: 810, passRate: 0.75, escalations: 1 });
    expect(report.days.map((day) => [day.day, day.costMicro])).toEqual([['2025-05-31', 0], ['2025-06-01', 10_000], ['2025-06-02', 1050]]);

    expect(markdown).toContain('- Spend: $0.001050');
    expect(markdown).toContain('- Savings: $0.000810 (43.5%)');
    expect(markdown).toContain('| ollama | llama3.2:3b | local-fast | acme | 3 | 3000 | 0 | 0 | 600 | 0 | $0.000000 | $0.000810 | 200 | 290 | 66.7% | 1 |');
    expect(files.map((file) => file.slice(dir.length + 1))).toEqual(['cost-report-2025-06-02.md', 'cost-report-2025-06-02.csv', 'cost-report-2025-06-02.html']);
    const csv = (await readFile(files[1]!, 'utf8')).trim().split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toBe('2025-06-02,openai,gpt-4o-mini,api,acme,2,4000,1000,2000,0,0,0.001050,0.001050,0.000000,0.000000,2000.0,2900.0,1.0000,0');
    const html = await readFile(files[2]!, 'utf8');
    expect(html).toContain('<svg');
    expect(html.match(/class="spend"/g)).toHaveLength(3);
    const stored = await db.pool.query(`SELECT markdown, summary FROM cost_reports WHERE report_date = '2025-06-02'`);
    expect(stored.rows[0].markdown).toBe(markdown);
    expect(stored.rows[0].summary.savingsMicro).toBe(810);
  });

  it('rolls up incrementally: a second run re-reads only the target day, and sees its late attempts', async () => {
    await seed([['a1', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T04:00:00Z', 1000, 2000, 500, 1000, 525, 'passed']]);
    expect((await generateCostReport(options())).rolledUpDays).toHaveLength(3);
    await seed([['a2', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T05:00:00Z', 1000, 2000, 500, 1000, 525, 'passed']]);
    const second = await generateCostReport(options());
    expect(second.rolledUpDays).toEqual(['2025-06-02']);
    expect(second.report.totals.costMicro).toBe(1050);
    expect(Number((await db.pool.query('SELECT count(*) FROM cost_reports')).rows[0].count)).toBe(1);
  });

  it('days follow the report time zone', async () => {
    // 23:30 UTC on 06-01 is 01:30 on 06-02 in Europe/Berlin (UTC+2)
    await seed([['b1', 'api', 'openai', 'gpt-4o-mini', '2025-06-01T23:30:00Z', 1000, 0, 0, 0, 7, 'passed']]);
    expect((await generateCostReport({ ...options(), timezone: 'Europe/Berlin' })).report.totals.costMicro).toBe(7);
    expect((await generateCostReport({ ...options(), timezone: 'UTC' })).report.totals.costMicro).toBe(0);
  });

  it('is scheduled with upsertJobScheduler and the processor reports on the previous day', async () => {
    const calls: unknown[] = [];
    await scheduleNightlyReport({ upsertJobScheduler: async (...args) => { calls.push(args); } }, { tz: 'Europe/Berlin' });
    expect(calls).toEqual([['nightly-cost-report', { pattern: '0 2 * * *', tz: 'Europe/Berlin' }, { name: 'cost-report', data: { timezone: 'Europe/Berlin' } }]]);
    expect(reportDayFor(new Date('2025-06-03T00:30:00Z'), 'Europe/Berlin')).toBe('2025-06-02');
    await seed([['a1', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T04:00:00Z', 1000, 2000, 500, 1000, 525, 'passed']]);
    const { date: _date, ...deps } = options();
    const processed = await createReportProcessor(deps)({ data: {}, timestamp: Date.parse('2025-06-03T02:00:00Z') });
    expect(processed).toMatchObject({ date: '2025-06-02', calls: 1, costMicro: 525 });
  });
});
