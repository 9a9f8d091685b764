import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';
import { API_MODEL, moneyFacts, writeTestConfig } from './spend-e2e-support';

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

/** JSONL prompt jobs carrying ~20,000 characters of dense numeric data each (a year of daily kWh and temperatures, twice). */
const writeNumericPromptJobs = (dir: string, count: number): string => {
  const lines = Array.from({ length: count }, (_, index) => {
    const days = Array.from({ length: 365 }, (_, day) => {
      const kwh = 800 + 250 * Math.sin((day + index) / 58) + ((day * 37 + index * 11) % 97);
      const temperature = 10 + 8 * Math.sin((day - 100) / 58) + ((day * 13) % 7) / 10;
      return `${day + 1}:${kwh.toFixed(2)}/${temperature.toFixed(1)}`;
    }).join(', ');
    return JSON.stringify({
      id: `numeric-${index}`,
      privacy: 'PUBLIC',
      taskType: 'reasoning',
      prompt: `Request numeric-${index}: analyse this building's year step by step; derive the baseload and the weather sensitivity. Daily kWh/mean °C by day of year: ${days}. Repeated for the gas meter: ${days}`,
    });
  });
  const path = join(dir, 'numeric.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
};
const CAP_MICRO = 1_000_000;
const API_JOBS = 30;

/**
 * A provider that counts 1 token per character of everything sent (emulator mode
 * `per-character`: ~3x what the old chars/3 estimate reserved) and prompts of ~20,000
 * characters of dense numeric data, so the prompt is most of a call's cost. $1.00 daily
 * and monthly cap, 20 api calls in flight, 600 output tokens (= characters here) allowed
 * so that answers are whole and pass the gate.
 */
describe('spend end to end: a $1.00 cap against a provider that counts 1 token per character', () => {
  const dirs: string[] = [];
  const pipelines: TestPipeline[] = [];
  afterAll(async () => {
    for (const pipeline of pipelines) await pipeline.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('settled spend stays ≤ cap, jobs beyond it go to review with the budget reason, none lost, nothing left reserved, no overshoot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eaio-spend-strict-'));
    dirs.push(dir);
    const pipeline = await openTestPipeline({
      queues: 'redis',
      database: 'fresh',
      timeScale: 0.5,
      env: {
        EAIO_CONFIG: writeTestConfig(dir, { onExhausted: 'review', maxReservationShare: 1 }, 600, { inputPerMTok: 35, outputPerMTok: 210 }),
        LLM_DAILY_BUDGET: '1',
        LLM_MONTHLY_BUDGET: '1',
        MAX_CONCURRENT_API: '20',
      },
      models: () => ({
        [API_MODEL]: withBehaviour(PRESETS.api, { ttftMs: 2000, tokenCounting: 'per-character', answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }),
      }),
    });
    pipelines.push(pipeline);
    const { runtime, rehearsal } = pipeline;
    const handles = [await composeWorkers(runtime, { tiers: ['api'] }), await composeWorkers(runtime, { tiers: ['api'] })];
    let batchId = '';
    const states = async () =>
      (await runtime.database.pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM jobs WHERE batch_id = $1 GROUP BY state', [batchId])).rows.reduce<
        Record<string, number>
      >((all, row) => Object.assign(all, { [row.state]: row.n }), {});
    try {
      const submitted = await runSubmit(runtime, { jsonl: writeNumericPromptJobs(dir, API_JOBS), tenant: 'strict', progress: false, simulated: true }, quiet);
      batchId = submitted.batchId;
      expect(submitted.counts.byQueue.api).toBe(API_JOBS);
      await waitFor(
        async () => {
          const now = await states();
          return (now.succeeded ?? 0) + (now.review ?? 0) === API_JOBS;
        },
        60_000,
        'every job to succeed or go to review',
      );
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }

    // The emulator really counted 1 token per character: far above the old estimate.
    const calls = rehearsal.emulator.log().filter((entry) => entry.operation === 'chat' && entry.status === 200);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const body = call.body as { messages: { content: string }[] };
      const chars = body.messages
        .map((message) => message.content)
        .filter((text) => text !== '')
        .join('\n\n').length;
      expect(call.usage!.inputTokens).toBe(chars);
    }

    const facts = await moneyFacts(runtime);
    const final = await states();
    const reviewed = await runtime.queues.review.getJobs(['waiting']);
    const overshoots = Number((await runtime.database.pool.query('SELECT count(*)::int AS n FROM budget_overshoots')).rows[0].n);
    console.log(
      `[spend-e2e-strict] settled ${facts.ledgerMicro} µUSD of ${CAP_MICRO}; billed ${facts.ledgerKinds.billed ?? 0}, review ${final.review ?? 0}, overshoots ${overshoots}, emulator calls ${calls.length}`,
    );

    expect(facts.ledgerMicro).toBeLessThanOrEqual(CAP_MICRO);
    for (const counter of facts.counters.filter((row) => row.scope === 'global')) {
      expect(counter.spentMicro).toBe(facts.ledgerMicro);
      expect(counter.spentMicro + counter.reservedMicro).toBeLessThanOrEqual(CAP_MICRO);
      expect(counter.reservedMicro).toBe(0);
    }
    expect(overshoots).toBe(0);
    expect(facts.byStatus.open ?? 0).toBe(0);
    // None lost: every job succeeded (one billed call each) or waits in review with the budget's reason.
    expect((final.succeeded ?? 0) + (final.review ?? 0)).toBe(API_JOBS);
    expect(final.review).toBeGreaterThan(0);
    expect(reviewed).toHaveLength(final.review!);
    for (const job of reviewed) expect(job.data.reason).toMatch(/exhausted|nearly spent|closed/);
    expect(facts.ledgerKinds.billed).toBe(final.succeeded);
    // The cap bound, not something else: every job not run was refused by the budget.
    expect(final.succeeded).toBeGreaterThan(0);
    expect(final.review).toBe(API_JOBS - final.succeeded!);
  }, 90_000);
});
