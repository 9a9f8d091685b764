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
afterEach(async () => {
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

type Seed = [
  id: string,
  tier: string,
  provider: string,
  model: string,
  startedAt: string,
  latency: number,
  input: number,
  output: number,
  cached: number,
  cost: number,
  outcome: string,
];
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
    // The error counts against the provider: 1 passed of 2 calls that ended.
    expect(api).toMatchObject({
      calls: 2,
      inputTokens: 4000,
      cachedInputTokens: 2000,
      outputTokens: 1000,
      costMicro: 1050,
      meanLatencyMs: 2000,
      passRate: 0.5,
      escalations: 0,
      errors: 1,
      started: 0,
    });
    expect(api.p95LatencyMs).toBeCloseTo(2900, 6);
    expect(api.referenceCostMicro).toBe(300 + 150 + 600);
    // No job kept a result on this day (these attempts belong to no job row): nothing saved.
    expect(report.totals).toMatchObject({ calls: 5, costMicro: 1050, referenceCostMicro: 0, savingsMicro: 0, savingsShare: undefined, passRate: 0.6, escalations: 1, errors: 1 });
    expect(report.days.map((day) => [day.day, day.costMicro])).toEqual([
      ['2025-05-31', 0],
      ['2025-06-01', 10_000],
      ['2025-06-02', 1050],
    ]);

    expect(markdown).toContain('- Spend: $0.001050');
    expect(markdown).toContain('- Savings: $0.000000 (–) on the kept results');
    expect(markdown).toContain('| ollama | llama3.2:3b | local-fast | acme | 3 | 0 | 0 | 3000 | 0 | 0 | 600 | 0 | $0.000000 | $0.000810 | 200 | 290 | 66.7% | 1 |');
    expect(files.map((file) => file.slice(dir.length + 1))).toEqual(['cost-report-2025-06-02.md', 'cost-report-2025-06-02.csv', 'cost-report-2025-06-02.html']);
    const csv = (await readFile(files[1]!, 'utf8')).trim().split('\r\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toBe('2025-06-02,openai,gpt-4o-mini,api,acme,2,4000,1000,2000,0,0,0.001050,0.001050,0.000000,0.000000,2000.0,2900.0,0.5000,0,1,0,0');
    const html = await readFile(files[2]!, 'utf8');
    expect(html).toContain('<svg');
    expect(html.match(/class="spend"/g)).toHaveLength(3);
    const stored = await db.pool.query(`SELECT markdown, summary FROM cost_reports WHERE report_date = '2025-06-02'`);
    expect(stored.rows[0].markdown).toBe(markdown);
    expect(stored.rows[0].summary.savingsMicro).toBe(0);
  });

  it('savings compare the kept results with their pure-API cost; jobs without a result, errors and calls in flight are counted', async () => {
    const job = async (id: string, state: string, finishedAt: string | null) =>
      db.pool.query(
        `INSERT INTO jobs (id, batch_id, tenant, kind, task_type, privacy, complexity, start_tier, chain, route_reason, state, finished_at, payload)
         VALUES ($1, 'batch', 'acme', 'building', 'building-diagnostic', 'ENHANCED', 0.5, 'local-fast', '{local-fast,api}', 'seed', $2, $3, '{}')`,
        [id, state, finishedAt],
      );
    const attempt = async (
      id: string,
      jobId: string,
      tier: string,
      provider: string,
      model: string,
      startedAt: string,
      input: number,
      output: number,
      cached: number,
      cost: number,
      outcome: string,
    ) =>
      db.pool.query(
        `INSERT INTO attempts (attempt_id, job_id, batch_id, endpoint, tenant, tier, provider, model, started_at, latency_ms, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_micro_usd, outcome)
         VALUES ($1, $2, 'batch', $4, 'acme', $3, $4, $5, $6, 100, $7, $8, $9, 0, 0, $10, $11)`,
        [id, jobId, tier, provider, model, startedAt, input, output, cached, cost, outcome],
      );
    const result = (jobId: string, attemptId: string, tier: string) =>
      db.pool.query(`INSERT INTO results (job_id, attempt_id, batch_id, tier, provider, model, text, quality_score) VALUES ($1, $2, 'batch', $3, 'p', 'm', '{}', 0.9)`, [
        jobId,
        attemptId,
        tier,
      ]);
    // k1: local failed the gate, the api answer (525 µUSD, gpt-4o-mini itself) was kept: reference 525.
    await job('k1', 'succeeded', '2025-06-02T05:00:00Z');
    await attempt('k1#1', 'k1', 'local-fast', 'ollama', 'llama3.2:3b', '2025-06-02T04:00:00Z', 1000, 200, 0, 0, 'failed-gate');
    await attempt('k1#2', 'k1', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T04:30:00Z', 2000, 500, 1000, 525, 'passed');
    await result('k1', 'k1#2', 'api');
    // k2: kept a local answer, 1000 in + 200 out: 150 + 120 = 270 µUSD on the reference API.
    await job('k2', 'succeeded', '2025-06-02T06:00:00Z');
    await attempt('k2#1', 'k2', 'local-fast', 'ollama', 'llama3.2:3b', '2025-06-02T05:30:00Z', 1000, 200, 0, 0, 'passed');
    await result('k2', 'k2#1', 'local-fast');
    // Three jobs end without a result; n1's api call errored after being billed.
    await job('n1', 'review', '2025-06-02T07:00:00Z');
    await attempt('n1#1', 'n1', 'local-fast', 'ollama', 'llama3.2:3b', '2025-06-02T06:10:00Z', 1000, 200, 0, 0, 'failed-gate');
    await attempt('n1#2', 'n1', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T06:20:00Z', 2000, 500, 1000, 525, 'error');
    await job('n2', 'failed', '2025-06-02T08:00:00Z');
    await attempt('n2#1', 'n2', 'local-fast', 'ollama', 'llama3.2:3b', '2025-06-02T07:10:00Z', 1000, 200, 0, 0, 'abandoned');
    await job('n3', 'rejected', '2025-06-02T09:00:00Z');
    await job('open', 'active', null);
    await attempt('open#1', 'open', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T09:30:00Z', 0, 0, 0, 0, 'started');

    const { report, markdown } = await generateCostReport(options());
    expect(report.totals.jobs).toEqual({
      ended: 5,
      withResult: 2,
      keptCostMicro: 525,
      withoutResult: 3,
      withoutResultByState: { review: 1, failed: 1, rejected: 1 },
      withoutResultCostMicro: 525,
    });
    expect(report.totals).toMatchObject({ calls: 7, costMicro: 1050, referenceCostMicro: 795, savingsMicro: 270, errors: 1, abandoned: 1, started: 1 });
    expect(report.totals.savingsShare).toBeCloseTo(270 / 795, 10);
    // 2 passed of the 6 calls that ended (the one in flight is not counted yet).
    expect(report.totals.passRate).toBeCloseTo(2 / 6, 10);
    const api = report.rows.find((row) => row.tier === 'api')!;
    expect(api).toMatchObject({ calls: 3, errors: 1, started: 1, passRate: 0.5 });
    expect(markdown).toContain('- Calls: 7 (errors 1, abandoned 1, still in flight 1)');
    expect(markdown).toContain('without a result 3 (review 1, failed 1, rejected 1), their calls cost $0.000525');
    expect(markdown).toContain('- Savings: $0.000270 (34.0%) on the kept results');
  });

  it('the batch lever counts calls billed at batch prices, their saving against interactive prices, and fallbacks near the deadline', async () => {
    const attempt = (id: string, outcome: string, priceVersion: string, cost: number, input: number | null, output: number | null, startedAt = '2025-06-02T04:00:00Z') =>
      db.pool.query(
        `INSERT INTO attempts (attempt_id, job_id, batch_id, endpoint, tenant, tier, provider, model, started_at, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_micro_usd, price_version, outcome)
         VALUES ($1, $1, 'batch', 'openai', 'acme', 'api', 'openai', 'gpt-4o-mini', $2, $3, $4, 0, 0, 0, $5, $6, $7)`,
        [id, startedAt, input, output, cost, priceVersion, outcome],
      );
    const batchPrice = `${catalog.version}+batch:0.5`;
    // gpt-4o-mini interactive: 2000 in * 0.15 + 500 out * 0.6 = 600 µUSD; at the batch share 0.5: 300.
    await attempt('b1', 'passed', batchPrice, 300, 2000, 500);
    await attempt('b2', 'failed-gate', batchPrice, 300, 2000, 500);
    // Answered without token counts, charged 100 µUSD worst case at the batch price: 200 interactively.
    await attempt('b3', 'passed', batchPrice, 100, null, null);
    // Not billed at a batch price: an errored batch item ($0), an interactive call, a batch call of another day.
    await attempt('b4', 'error', batchPrice, 0, null, null);
    await attempt('i1', 'passed', catalog.version, 600, 2000, 500);
    await attempt('b5', 'passed', batchPrice, 300, 2000, 500, '2025-06-01T04:00:00Z');
    const item = (id: string, status: string, endedAt: string | null) =>
      db.pool.query(
        `INSERT INTO provider_batch_items (attempt_id, job_id, batch_id, queue_job_id, tier, provider, endpoint, model, request, deadline, status, ended_at)
         VALUES ($1, $1, 'batch', $1, 'api', 'openai', 'openai', 'gpt-4o-mini', '{}', '2025-06-03T00:00:00Z', $2, $3)`,
        [id, status, endedAt],
      );
    await item('f1', 'fallback', '2025-06-02T22:00:00Z');
    await item('f2', 'fallback', '2025-06-02T23:00:00Z');
    await item('f3', 'fallback', '2025-06-01T23:00:00Z');
    await item('d1', 'done', '2025-06-02T05:00:00Z');
    await item('q1', 'queued', null);
    await item('c1', 'cancelled', '2025-06-02T05:00:00Z');

    const { report, markdown } = await generateCostReport(options());
    expect(report.totals.levers.batch).toEqual({ calls: 3, costMicro: 700, interactiveCostMicro: 1400, savingsMicro: 700, fellBack: 2 });
    expect(markdown).toContain(
      '  - batch pricing: 3 calls billed at provider batch prices, cost $0.000700 against $0.001400 at interactive prices, saved $0.000700; 2 parked calls fell back to interactive near the deadline',
    );
  });

  it('the batch lever is zero on a day without batch calls', async () => {
    await seed([['a1', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T04:00:00Z', 1000, 2000, 500, 1000, 525, 'passed']]);
    const { report, markdown } = await generateCostReport(options());
    expect(report.totals.levers.batch).toEqual({ calls: 0, costMicro: 0, interactiveCostMicro: 0, savingsMicro: 0, fellBack: 0 });
    expect(markdown).toContain('  - batch pricing: 0 calls billed at provider batch prices');
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
    await scheduleNightlyReport(
      {
        upsertJobScheduler: async (...args) => {
          calls.push(args);
        },
      },
      { tz: 'Europe/Berlin' },
    );
    expect(calls).toEqual([['nightly-cost-report', { pattern: '0 2 * * *', tz: 'Europe/Berlin' }, { name: 'cost-report', data: { timezone: 'Europe/Berlin' } }]]);
    expect(reportDayFor(new Date('2025-06-03T00:30:00Z'), 'Europe/Berlin')).toBe('2025-06-02');
    await seed([['a1', 'api', 'openai', 'gpt-4o-mini', '2025-06-02T04:00:00Z', 1000, 2000, 500, 1000, 525, 'passed']]);
    const { date: _date, ...deps } = options();
    const processed = await createReportProcessor(deps)({ data: {}, timestamp: Date.parse('2025-06-03T02:00:00Z') });
    expect(processed).toMatchObject({ date: '2025-06-02', calls: 1, costMicro: 525 });
  });
});
