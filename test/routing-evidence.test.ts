import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Tier } from '@eaio/core';
import { createDb, loadRoutingEvidence, migrate, type Database } from '@eaio/db';
import { createPostgresIntakeStore } from '../apps/producer/src/postgres-intake-store';
import { exploreDraw, type TierEvidence } from '@eaio/routing';
import { evidenceKey, routeJob, type RoutingEvidence } from '../apps/producer/src/enqueue-jobs';
import { freshDatabase } from './support/fresh-database';

/**
 * Issue 14, adaptive routing's evidence: pass rates per (analysis type, building class, tier)
 * read from real `attempts` rows, visits counted once per job and tier (repairs included),
 * old visits decayed, visits still waiting on their tier not counted; then the intake route
 * of a new job moves its start where the evidence says so, and never onto api for PRIVATE.
 */
describe('routing evidence from the attempts history', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let database: Database;
  const now = new Date('2026-11-30T12:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

  beforeAll(async () => {
    fresh = await freshDatabase('routing_evidence');
    database = createDb(fresh.url);
    await migrate(database);
    const pool = database.pool;
    await pool.query(`INSERT INTO batches (id, tenant, name, source) VALUES ('b1', 't', 'history', '{}')`);
    let serial = 0;
    const job = async (id: string, state: string, currentTier: string | null, routeClass = 'multi-meter/anomalies', taskType = 'retrofit-plan') =>
      pool.query(
        `INSERT INTO jobs (id, batch_id, tenant, kind, task_type, privacy, complexity, start_tier, chain, route_reason, state, current_tier, payload, route_class)
         VALUES ($1, 'b1', 't', 'building', $5, 'ENHANCED', 0.7, 'local-quality', ARRAY['local-quality','api'], 'r', $2, $3, '{}', $4)`,
        [id, state, currentTier, routeClass, taskType],
      );
    const attempt = async (jobId: string, tier: string, outcome: string, at: Date, cost = 0, latencyMs = 1000) => {
      serial += 1;
      await pool.query(
        `INSERT INTO attempts (attempt_id, started_at, job_id, batch_id, tenant, tier, provider, endpoint, model, finished_at, latency_ms, cost_micro_usd, outcome)
         VALUES ($1, $2, $3, 'b1', 't', $4, 'p', 'e', 'm', $2, $5, $6, $7)`,
        [`a${serial}`, at, jobId, tier, latencyMs, cost, outcome],
      );
    };
    // 30 recent jobs: local-quality fails twice (gate, then the repair; a slot minute each), api passes at 500 micro-USD.
    for (let index = 0; index < 30; index += 1) {
      const id = `recent-${index}`;
      await job(id, 'succeeded', 'api');
      await attempt(id, 'local-quality', 'failed-gate', daysAgo(1), 0, 60_000);
      await attempt(id, 'local-quality', 'failed-gate', daysAgo(1), 0, 60_000);
      await attempt(id, 'api', 'passed', daysAgo(1), 500, 2000);
    }
    // 30 old jobs (two half-lives ago) that passed on local-quality: they weigh a quarter each.
    for (let index = 0; index < 30; index += 1) {
      const id = `old-${index}`;
      await job(id, 'succeeded', 'local-quality');
      await attempt(id, 'local-quality', 'passed', daysAgo(28));
    }
    // A job whose local-quality visit is still going (a repair pending): not a failure yet.
    await job('open-1', 'queued', 'local-quality');
    await attempt('open-1', 'local-quality', 'failed-gate', daysAgo(0));
    // Another class: no evidence leaks across.
    await job('other-1', 'succeeded', 'local-quality', 'single-meter/clean');
    await attempt('other-1', 'local-quality', 'passed', daysAgo(1));
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it('counts one visit per job and tier, decays old ones, skips open visits', async () => {
    const rows = await loadRoutingEvidence(database, { halfLifeDays: 14, now });
    const quality = rows.find((row) => row.routeClass === 'multi-meter/anomalies' && row.tier === 'local-quality')!;
    expect(quality.samples).toBe(60); // 30 recent + 30 old; the open visit is not counted
    expect(quality.passes).toBeCloseTo(30 * 0.25, 3);
    expect(quality.visits).toBeCloseTo(30 * 0.5 ** (1 / 14) + 30 * 0.25, 3);
    expect(quality.meanSlotMs).toBeCloseTo((30 * 120_000 + 30 * 1000) / 60, 3);
    const api = rows.find((row) => row.routeClass === 'multi-meter/anomalies' && row.tier === 'api')!;
    expect(api.samples).toBe(30);
    expect(api.meanCostMicroUsd).toBe(500);
    expect(api.meanSlotMs).toBe(0);
    expect(rows.find((row) => row.routeClass === 'single-meter/clean')?.samples).toBe(1);
  });

  it('intake moves an ENHANCED start to api on that evidence, keeps PRIVATE local, and says why', async () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-test', ROUTING_ADAPTIVE: 'true' } });
    const store = createPostgresIntakeStore(database);
    const evidence = await store.routingEvidence!({ halfLifeDays: 14 });
    const features = { coverageRatio: 1, anomalyCount: 1, meterCount: 2, hasWeatherModel: false, dataIssueCount: 0 };
    const context = { availableTiers: ['local-fast', 'local-quality', 'api'] as const };
    const enhanced = routeJob(
      config,
      { kind: 'building', analysisType: 'retrofit-plan', features, privacy: 'ENHANCED' },
      { availableTiers: [...context.availableTiers] },
      evidence,
    );
    expect(enhanced.startTier).toBe('api');
    expect(enhanced.adaptiveMoved).toBe(true);
    expect(enhanced.adaptiveSavingMicroUsd).toBeGreaterThan(0);
    expect(enhanced.reason).toContain('Adaptive: retrofit-plan on multi-meter/anomalies buildings');
    const fixed = routeJob(
      { ...config, routing: { ...config.routing, adaptive: { ...config.routing.adaptive, enabled: false } } },
      { kind: 'building', analysisType: 'retrofit-plan', features, privacy: 'ENHANCED' },
      { availableTiers: [...context.availableTiers] },
      evidence,
    );
    expect(fixed.startTier).toBe('local-quality');
    const privateJob = routeJob(
      config,
      { kind: 'building', analysisType: 'retrofit-plan', features, privacy: 'PRIVATE' },
      { availableTiers: [...context.availableTiers] },
      evidence,
    );
    expect(privateJob.chain).not.toContain('api');
    expect(privateJob.startTier).toBe('local-quality');
  });

  it("a start moves down only on the analysis type's own evidence for the lower tier, never on every job's", () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-test', ROUTING_ADAPTIVE: 'true', ROUTING_ADAPTIVE_EXPLORE_SHARE: '0' } });
    const tier = (name: Tier, samples: number, passShare: number, meanCostMicroUsd: number, meanSlotMs: number): [Tier, TierEvidence] => [
      name,
      { tier: name, samples, visits: samples, passes: samples * passShare, meanCostMicroUsd, meanSlotMs },
    ];
    // Every job's pool: local-fast passes 95 % (triage). Diagnostics' own: local-quality and api only.
    const pooled: RoutingEvidence = new Map([
      [evidenceKey('*', '*'), new Map([tier('local-fast', 500, 0.95, 0, 10_000), tier('local-quality', 300, 0.9, 0, 30_000), tier('api', 300, 0.98, 500, 0)])],
      [evidenceKey('building-diagnostic', '*'), new Map([tier('local-quality', 100, 0.9, 0, 30_000), tier('api', 100, 0.98, 500, 0)])],
    ]);
    const features = { coverageRatio: 1, anomalyCount: 0, meterCount: 1, hasWeatherModel: false, dataIssueCount: 0 };
    const route = (evidence: RoutingEvidence) =>
      routeJob(
        config,
        { kind: 'building', analysisType: 'building-diagnostic', features, privacy: 'ENHANCED' },
        { availableTiers: ['local-fast', 'local-quality', 'api'] },
        evidence,
      );
    const kept = route(pooled);
    expect(kept.startTier).toBe('local-quality');
    expect(kept.reason).toContain('local-fast unknown');
    // With diagnostics' own local-fast visits passing as often, the start does move down.
    const own: RoutingEvidence = new Map(pooled);
    own.set(evidenceKey('building-diagnostic', '*'), new Map([...pooled.get(evidenceKey('building-diagnostic', '*'))!, tier('local-fast', 100, 0.95, 0, 10_000)]));
    expect(route(own)).toMatchObject({ startTier: 'local-fast', chain: ['local-fast', 'local-quality', 'api'], adaptiveMoved: true });
  });

  it("a class's api rate is shrunk toward the analysis type's, so a never-failing api start is not traded for local insurance", () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-test', ROUTING_ADAPTIVE: 'true', ROUTING_ADAPTIVE_MIN_SAMPLES: '10', ROUTING_ADAPTIVE_EXPLORE_SHARE: '0' } });
    const entry = (name: Tier, samples: number, passes: number, meanCostMicroUsd: number, meanSlotMs: number): [Tier, TierEvidence] => [
      name,
      { tier: name, samples, visits: samples, passes, meanCostMicroUsd, meanSlotMs },
    ];
    const features = { coverageRatio: 1, anomalyCount: 4, meterCount: 3, hasWeatherModel: true, dataIssueCount: 0 };
    const evidence: RoutingEvidence = new Map([
      [evidenceKey('retrofit-plan', 'multi-meter/anomalies'), new Map([entry('local-quality', 11, 6.82, 0, 45_000), entry('api', 82, 82, 600, 0)])],
      [evidenceKey('retrofit-plan', '*'), new Map([entry('local-quality', 11, 6.82, 0, 45_000), entry('api', 400, 399, 600, 0)])],
    ]);
    const route = routeJob(
      config,
      { kind: 'building', analysisType: 'retrofit-plan', features, privacy: 'ENHANCED' },
      { availableTiers: ['local-fast', 'local-quality', 'api'] },
      evidence,
    );
    expect(route.startTier).toBe('api');
    expect(route.reason).toContain('keeps starting at api');
  });

  it('intake explores local-quality for the jobs under the share once its evidence has aged, the rest start at api', async () => {
    const config = loadConfig({ env: { OPENAI_API_KEY: 'sk-test', ROUTING_ADAPTIVE: 'true', ROUTING_ADAPTIVE_EXPLORE_SHARE: '0.2' } });
    const store = createPostgresIntakeStore(database);
    // A one-day half-life: the day-old failures weigh a half (15 visits' worth, under minSamples 20).
    const evidence = await store.routingEvidence!({ halfLifeDays: 1, now });
    const features = { coverageRatio: 1, anomalyCount: 1, meterCount: 2, hasWeatherModel: false, dataIssueCount: 0 };
    const route = (key: string, privacy: 'ENHANCED' | 'PRIVATE' = 'ENHANCED') =>
      routeJob(config, { kind: 'building', analysisType: 'retrofit-plan', features, privacy }, { availableTiers: ['local-fast', 'local-quality', 'api'] }, evidence, key);
    const keys = Array.from({ length: 200 }, (_, index) => `t|building-${index}|retrofit-plan`);
    const under = keys.find((key) => exploreDraw(key) < 0.2)!;
    const over = keys.find((key) => exploreDraw(key) >= 0.2)!;
    expect(route(over)).toMatchObject({ startTier: 'api', chain: ['api'] });
    const explored = route(under);
    expect(explored).toMatchObject({ startTier: 'local-quality', chain: ['local-quality', 'api'] });
    expect(explored.reason).toContain('so it would start at api; exploring: local-quality has 15.0 recent visits (under 20), so this job (one in 5) starts one tier lower');
    expect(route(under)).toEqual(explored); // the same job routes the same way
    // Exploration off: every job starts at the learned tier.
    const off = { ...config, routing: { ...config.routing, adaptive: { ...config.routing.adaptive, exploreShare: 0 } } };
    expect(
      routeJob(off, { kind: 'building', analysisType: 'retrofit-plan', features, privacy: 'ENHANCED' }, { availableTiers: ['local-fast', 'local-quality', 'api'] }, evidence, under)
        .startTier,
    ).toBe('api');
  });
});
