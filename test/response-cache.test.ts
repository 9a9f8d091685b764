import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PRESETS, withBehaviour, type ModelBehaviour } from '@eaio/emulator';
import { generatePortfolio } from '@eaio/energy';
import type { PrivacyLevel } from '@eaio/core';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { batchStatus } from '@eaio/db';
import { createPriceCatalog, generateCostReport } from '@eaio/spend';
import { formatStatus } from '../apps/producer/src/commands/status-command';
import { openTestPipeline, waitFor, type TestPipeline } from './support/pipeline-harness';

/** What the facts carry as their version; the test bumps it the way a new FACTS_VERSION would. */
const factsVersion = vi.hoisted(() => ({ override: undefined as string | undefined }));
vi.mock('@eaio/energy', async (importOriginal) => {
  const original = await importOriginal<typeof import('@eaio/energy')>();
  return {
    ...original,
    computePortfolioFacts: async (...args: Parameters<typeof original.computePortfolioFacts>) => {
      const portfolio = await original.computePortfolioFacts(...args);
      if (factsVersion.override === undefined) return portfolio;
      return { ...portfolio, facts: portfolio.facts.map((facts) => ({ ...facts, factsVersion: factsVersion.override! })) };
    },
  };
});

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const TAG = /\[eaio-template ([\w-]+)@\d+\]/;

/**
 * Issue 14, the response cache: a kept result is reused for the same facts (hash), analysis
 * type and prompt version on a tier of the new job's chain, across batches, and across
 * tenants only where `routing.cache.acrossTenants` allows; a new facts version re-runs every
 * job. Calls are counted in the emulator's request log (real SDKs, real Redis and PostgreSQL).
 */
describe('response cache', () => {
  let pipeline: TestPipeline;
  let files: { meter: string; metadata: string; weather: string };

  beforeAll(async () => {
    pipeline = await openTestPipeline({ queues: 'redis', database: 'fresh', timeScale: 0 });
    files = (await generatePortfolio({ buildings: 4, uses: ['Office'], outDir: `${pipeline.dir}/portfolio`, seed: 11 })).files;
    const grounded: ModelBehaviour = withBehaviour(PRESETS.local3b, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } });
    const { config } = pipeline;
    pipeline.rehearsal.emulator.configure({
      models: {
        [config.tiers['local-fast'].candidates[0].model]: grounded,
        [config.tiers['local-quality'].candidates[0].model]: withBehaviour(PRESETS.local7b, { answers: grounded.answers }),
      },
    });
  }, 120_000);
  afterAll(async () => {
    await pipeline?.close();
  });

  const db = () => pipeline.runtime.database.pool;
  const chats = () => pipeline.rehearsal.emulator.log().filter((entry) => entry.operation === 'chat');
  const templateOf = (entry: { body?: unknown }) => TAG.exec(JSON.stringify(entry.body ?? ''))?.[1];

  const run = async (tenant: string, analysis: string, options: { privacy?: PrivacyLevel; acrossTenants?: boolean } = {}) => {
    const before = chats().length;
    const runtime = options.acrossTenants
      ? { ...pipeline.runtime, config: { ...pipeline.runtime.config, routing: { ...pipeline.runtime.config.routing, cache: { enabled: true, acrossTenants: true } } } }
      : pipeline.runtime;
    const submitted = await runSubmit(
      runtime,
      { ...files, meter: [files.meter], privacy: options.privacy ?? 'PRIVATE', tenant, progress: false, simulated: true, analysis },
      quiet,
    );
    const workers = await composeWorkers(pipeline.runtime, { idlePollMs: 5 });
    try {
      await waitFor(
        async () => (await db().query('SELECT status FROM batches WHERE id = $1', [submitted.batchId])).rows[0]?.status === 'done',
        120_000,
        `batch of ${tenant} to finish`,
      );
    } finally {
      await workers.close();
    }
    const jobs = (
      await db().query('SELECT j.id, j.task_type, j.state, r.cached_from FROM jobs j LEFT JOIN results r ON r.job_id = j.id WHERE j.batch_id = $1', [submitted.batchId])
    ).rows as { id: string; task_type: string; state: string; cached_from: string | null }[];
    return { batchId: submitted.batchId, counts: submitted.counts, jobs, calls: chats().slice(before) };
  };

  it('a resubmission with one new analysis type calls models only for the new jobs; a new facts version re-runs them all', async () => {
    const first = await run('acme', 'data-quality-triage');
    expect(first.jobs.map((job) => job.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(first.calls.length).toBeGreaterThanOrEqual(4);
    expect(new Set(first.calls.map(templateOf))).toEqual(new Set(['data-quality-triage']));

    const second = await run('acme', 'data-quality-triage,building-diagnostic');
    // Only the diagnostic jobs reached a model: every call of this run carries the diagnostic template.
    expect(second.calls.length).toBeGreaterThanOrEqual(4);
    expect(new Set(second.calls.map(templateOf))).toEqual(new Set(['building-diagnostic']));
    expect(second.counts.alreadyFinished).toBe(4);
    const attemptsOfSecond = (await db().query('SELECT count(*)::int AS n FROM attempts WHERE batch_id = $1', [second.batchId])).rows[0].n;
    expect(attemptsOfSecond).toBe(second.calls.length);

    // Same facts, another privacy level (another job id, another batch): answered from the cache, no call at all.
    const enhanced = await run('acme', 'data-quality-triage,building-diagnostic', { privacy: 'ENHANCED' });
    expect(enhanced.calls).toEqual([]);
    expect(enhanced.counts.cacheHits).toBe(8);
    expect(enhanced.jobs.every((job) => job.state === 'succeeded' && job.cached_from !== null)).toBe(true);
    const status = await batchStatus(pipeline.runtime.database, enhanced.batchId);
    expect(status?.cacheHits.total).toBe(8);
    expect(status?.attempts.total).toBe(0);
    expect(formatStatus(status!)).toContain('cache hits: 8 jobs answered with a kept result, no call');
    const spent = (await db().query('SELECT count(*)::int AS n FROM spend_ledger WHERE batch_id = $1', [enhanced.batchId])).rows[0].n;
    expect(spent).toBe(0);

    // A new facts version: the same buildings are new jobs, and the cache does not answer them.
    factsVersion.override = 'facts-test-next';
    try {
      const rerun = await run('acme', 'data-quality-triage,building-diagnostic');
      expect(rerun.counts.cacheHits).toBe(0);
      // Same files and options: the same batch (its earlier diagnostic jobs stay in it), eight new jobs.
      expect(rerun.counts.created).toBe(8);
      const known = new Set(second.jobs.map((job) => job.id));
      const fresh = rerun.jobs.filter((job) => !known.has(job.id));
      expect(fresh.length).toBe(8);
      expect(fresh.every((job) => job.state === 'succeeded' && job.cached_from === null)).toBe(true);
      expect(rerun.calls.length).toBeGreaterThanOrEqual(8);
      expect(new Set(rerun.calls.map(templateOf))).toEqual(new Set(['data-quality-triage', 'building-diagnostic']));
    } finally {
      factsVersion.override = undefined;
    }
  }, 300_000);

  it('another tenant gets the cached answers only where config allows it', async () => {
    const isolated = await run('globex', 'data-quality-triage');
    expect(isolated.counts.cacheHits).toBe(0);
    expect(isolated.calls.length).toBeGreaterThanOrEqual(4);

    const shared = await run('initech', 'data-quality-triage', { acrossTenants: true });
    expect(shared.counts.cacheHits).toBe(4);
    expect(shared.calls).toEqual([]);
    const results = (await db().query(`SELECT r.cached_from, s.tenant AS source_tenant FROM results r JOIN jobs s ON s.id = r.cached_from WHERE r.batch_id = $1`, [shared.batchId]))
      .rows as { source_tenant: string }[];
    expect(results.length).toBe(4);
    expect(results.every((row) => row.source_tenant !== 'initech')).toBe(true);

    // The cost report counts the cache hits as a lever: results with no call and no spend, saved at the reference price.
    const { report, markdown } = await generateCostReport({
      date: new Date().toISOString().slice(0, 10),
      timezone: 'UTC',
      db: db(),
      catalog: createPriceCatalog(),
      referenceModel: { provider: 'openai', model: 'gpt-4o-mini' },
      windowDays: 1,
    });
    const cacheHits = (await db().query('SELECT count(*)::int AS n FROM results WHERE cached_from IS NOT NULL')).rows[0].n;
    expect(report.totals.levers.cache.results).toBe(cacheHits);
    expect(report.totals.levers.cache.costMicro).toBe(0);
    expect(report.totals.levers.cache.referenceCostMicro).toBeGreaterThan(0);
    expect(report.totals.levers.cache.savingsMicro).toBe(report.totals.levers.cache.referenceCostMicro);
    expect(report.totals.levers.local.results + report.totals.levers.cache.results + report.totals.levers.api.results).toBe(report.totals.jobs.withResult);
    expect(markdown).toContain(`response cache (no call): ${cacheHits} results`);
  }, 300_000);
});
