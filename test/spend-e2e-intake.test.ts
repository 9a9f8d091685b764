import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpend } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, type TestPipeline } from './support/pipeline-harness';
import { API_MODEL, writePromptJobs } from './spend-e2e-support';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

/**
 * Budget-aware routing at intake: once less than `budgets.localOnlyBelowShare` (10 %) of a
 * global or tenant budget remains, `eaio submit` routes NEW jobs local-only and says why
 * in their route reason; other tenants keep their api route until the global cap is near.
 */
describe('spend end to end: intake routes local-only when a budget is nearly spent', () => {
  let pipeline: TestPipeline;
  let round = 0;

  beforeAll(async () => {
    pipeline = await openTestPipeline({
      queues: 'redis',
      database: 'fresh',
      env: { LLM_DAILY_BUDGET: '2', LLM_MONTHLY_BUDGET: '10' },
      overrides: {
        budgets: { maxReservationShare: 1, perTenant: { acme: { dailyUsd: 1 } } },
        prices: { [API_MODEL]: { inputPerMTok: 1000, outputPerMTok: 1000 } }, // $0.001 a token
      },
    });
  }, 60_000);

  afterAll(async () => {
    await pipeline?.close();
  });

  /** A real API call's money path (reserve, then settle at its usage) costing $0.95. */
  const spend = async (tenant: string) => {
    const { guard } = createSpend(pipeline.runtime, pipeline.runtime.log);
    const attemptId = `earlier-call-${tenant}-${(round += 1)}`;
    const choice = { endpoint: { id: 'openai', provider: 'openai', local: false }, model: API_MODEL, maxTokens: 940, timeoutMs: 30_000 };
    const reserved = await guard.reserve({
      attemptId,
      data: { jobId: attemptId, batchId: 'earlier', tenant, tier: 'api' },
      choice,
      request: { messages: [{ content: 'x'.repeat(30) }], maxTokens: 940 },
    });
    expect(reserved.ok).toBe(true);
    const settled = await guard.settle(attemptId, choice, { usage: { inputTokens: 10, outputTokens: 940 } });
    expect(settled.costMicroUsd).toBe(950_000);
  };

  const submit = async (tenant: string) => {
    const name = `${tenant}-${(round += 1)}`;
    const result = await runSubmit(pipeline.runtime, { jsonl: writePromptJobs(pipeline.dir, name, 3, 'PUBLIC'), tenant, progress: false, simulated: true }, quiet);
    const { rows } = await pipeline.runtime.database.pool.query<{ current_tier: string; route_reason: string; chain: string[] | null }>(
      'SELECT current_tier, route_reason FROM jobs WHERE batch_id = $1',
      [result.batchId],
    );
    expect(rows).toHaveLength(3);
    return { counts: result.counts.byQueue, rows };
  };

  it('a job that would start at api starts local-only, with the budget named in its route reason; per tenant, then globally', async () => {
    // Nothing spent: PUBLIC reasoning prompts start at the api tier.
    const before = await submit('acme');
    expect(before.counts.api).toBe(3);
    expect(before.rows.every((row) => row.current_tier === 'api' && !/api excluded/.test(row.route_reason))).toBe(true);

    // acme spends $0.95 of its $1.00 day: its new jobs stay local; another tenant's do not.
    await spend('acme');
    const acme = await submit('acme');
    expect(acme.counts).toEqual({ 'local-fast': 0, 'local-quality': 3, api: 0, review: 0 });
    for (const row of acme.rows) {
      expect(row.current_tier).toBe('local-quality');
      expect(row.route_reason).toMatch(/api excluded because .*acme.*95% used.*routing local-only/);
    }
    const other = await submit('other');
    expect(other.counts.api).toBe(3);

    // Another $0.95 (tenant other) puts the global $2.00 day at 95%: now every tenant stays local.
    await spend('other');
    const global = await submit('other');
    expect(global.counts.api).toBe(0);
    expect(global.counts['local-quality']).toBe(3);
    for (const row of global.rows) expect(row.route_reason).toMatch(/api excluded because .*global.*95% used/);
    console.log(`[spend-e2e-intake] ${acme.rows[0].route_reason}\n[spend-e2e-intake] ${global.rows[0].route_reason}`);
  }, 30_000);
});
