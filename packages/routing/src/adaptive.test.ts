import type { Tier } from '@eaio/core';
import { describe, expect, it } from 'vitest';
import { adaptStart, buildingClassOf, expectedCost, exploreDraw, passRate, type AdaptiveRoutingPolicy, type TierEvidence } from './adaptive';
import { decide } from './decide';
import { makePolicy } from './policy-fixture';
import type { BuildingFeatures } from './route-job';

const ALL: Tier[] = ['local-fast', 'local-quality', 'api'];
const clean: BuildingFeatures = { coverageRatio: 1, anomalyCount: 0, meterCount: 1, hasWeatherModel: false, dataIssueCount: 0 };
const policy: AdaptiveRoutingPolicy = { minSamples: 20, localSlotMicroUsdPerHour: 50_000, reviewMicroUsd: 50_000 };
const evidence = (rows: [Tier, number, number, number, number][]): Map<Tier, TierEvidence> =>
  new Map(
    rows.map(([tier, samples, passShare, meanCostMicroUsd, meanSlotMs]) => [tier, { tier, samples, visits: samples, passes: samples * passShare, meanCostMicroUsd, meanSlotMs }]),
  );

describe('adaptStart', () => {
  const triage = decide({ kind: 'building', analysisType: 'data-quality-triage', privacy: 'ENHANCED', features: clean }, makePolicy(), { availableTiers: ALL });

  it('skips a local tier that nearly always fails when the cheaper expected cost is higher up', () => {
    const seen = evidence([
      ['local-fast', 100, 0.1, 0, 20_000],
      ['local-quality', 100, 0.2, 0, 60_000],
      ['api', 100, 0.98, 400, 0],
    ]);
    const adapted = adaptStart(triage, 'single-meter/clean', seen, policy);
    expect(triage.startTier).toBe('local-fast');
    expect(adapted.startTier).toBe('api');
    expect(adapted.chain).toEqual(['api']);
    expect(adapted.reason).toContain('Adaptive: data-quality-triage on single-meter/clean buildings pass local-fast 11 % of 100');
    expect(adapted.reason).toContain('so it starts at api');
  });

  it('keeps the fixed start when the local tier mostly passes', () => {
    const seen = evidence([
      ['local-fast', 100, 0.9, 0, 20_000],
      ['local-quality', 100, 0.9, 0, 60_000],
      ['api', 100, 0.98, 400, 0],
    ]);
    const adapted = adaptStart(triage, 'single-meter/clean', seen, policy);
    expect(adapted.startTier).toBe('local-fast');
    expect(adapted.chain).toEqual(triage.chain);
    expect(adapted.reason).toContain('keeps starting at local-fast');
  });

  it('below the minimum sample size the fixed start stands and the reason says why', () => {
    const seen = evidence([
      ['local-fast', 5, 0, 0, 20_000],
      ['local-quality', 100, 0.2, 0, 60_000],
      ['api', 100, 0.98, 400, 0],
    ]);
    const adapted = adaptStart(triage, 'single-meter/clean', seen, policy);
    // local-fast cannot be judged, but starting higher can: only judged starts compete, and the fixed one is not among them
    expect(adapted.startTier).toBe('local-fast');
    expect(adapted.reason).toContain('too little evidence');
    expect(adapted.reason).toContain('local-fast 5');
  });

  it('never gives a PRIVATE job the api tier, however cheap the evidence makes it', () => {
    const privateTriage = decide({ kind: 'building', analysisType: 'data-quality-triage', privacy: 'PRIVATE', features: clean }, makePolicy(), { availableTiers: ALL });
    const seen = evidence([
      ['local-fast', 100, 0.0, 0, 600_000],
      ['local-quality', 100, 0.1, 0, 600_000],
      ['api', 1000, 1, 1, 0],
    ]);
    const adapted = adaptStart(privateTriage, 'single-meter/clean', seen, policy);
    expect(adapted.chain).not.toContain('api');
    expect(adapted.startTier).not.toBe('api');
  });

  it('prices local slot time and review', () => {
    const seen = evidence([
      ['local-fast', 100, 0.5, 0, 3_600_000],
      ['api', 100, 1, 1000, 0],
    ]);
    const estimate = expectedCost(['local-fast', 'api'], seen, policy)!;
    // local-fast: one slot hour (50000) + half the jobs reach api (passRate with prior (50+1)/102) …
    const fastPass = 51 / 102;
    const apiPass = 101 / 102;
    expect(estimate.expectedMicroUsd).toBeCloseTo(50_000 + (1 - fastPass) * 1000 + (1 - fastPass) * (1 - apiPass) * 50_000, 6);
  });

  it('classes buildings by meters and anomalies', () => {
    expect(buildingClassOf(clean)).toBe('single-meter/clean');
    expect(buildingClassOf({ ...clean, meterCount: 2, anomalyCount: 3 })).toBe('multi-meter/anomalies');
  });
});

describe('exploration', () => {
  const diagnostic = decide({ kind: 'building', analysisType: 'data-quality-triage', privacy: 'ENHANCED', features: clean }, makePolicy(), { availableTiers: ALL });
  const exploring: AdaptiveRoutingPolicy = { ...policy, exploreShare: 0.1 };
  /** Keys whose draw falls under / over the share (found, not assumed). */
  const keys = Array.from({ length: 400 }, (_, index) => `bench|building-${index}|building-diagnostic`);
  const under = keys.find((key) => exploreDraw(key) < 0.1)!;
  const over = keys.find((key) => exploreDraw(key) >= 0.1)!;
  // local-fast and local-quality failed often, long ago: 100 visits each, decayed to 5 (four half-lives).
  const stale = (): Map<Tier, TierEvidence> =>
    new Map<Tier, TierEvidence>([
      ['local-fast', { tier: 'local-fast', samples: 100, visits: 5, passes: 0, meanCostMicroUsd: 0, meanSlotMs: 20_000 }],
      ['local-quality', { tier: 'local-quality', samples: 100, visits: 5, passes: 0, meanCostMicroUsd: 0, meanSlotMs: 30_000 }],
      ['api', { tier: 'api', samples: 200, visits: 200, passes: 199, meanCostMicroUsd: 500, meanSlotMs: 0 }],
    ]);

  it('draws are stable and in [0, 1)', () => {
    expect(exploreDraw('a|b|c')).toBe(exploreDraw('a|b|c'));
    for (const key of keys) {
      expect(exploreDraw(key)).toBeGreaterThanOrEqual(0);
      expect(exploreDraw(key)).toBeLessThan(1);
    }
    expect(under).toBeDefined();
    expect(over).toBeDefined();
  });

  it('a job under the share starts one tier below the learned start while that tier has too little recent evidence', () => {
    const learned = adaptStart(diagnostic, 'single-meter/clean', stale(), exploring, over);
    expect(learned.startTier).toBe('api');
    expect(learned.adaptive.explored).toBe(false);
    const explored = adaptStart(diagnostic, 'single-meter/clean', stale(), exploring, under);
    expect(explored.startTier).toBe('local-quality');
    expect(explored.chain).toEqual(['local-quality', 'api']);
    expect(explored.adaptive).toMatchObject({ explored: true, moved: true });
    expect(explored.reason).toContain('so it would start at api; exploring: local-quality has 5.0 recent visits (under 20)');
  });

  it('does not explore when the tier below has recent evidence, the share is 0 or no key is given', () => {
    const fresh = stale();
    fresh.set('local-quality', { tier: 'local-quality', samples: 100, visits: 100, passes: 10, meanCostMicroUsd: 0, meanSlotMs: 30_000 });
    expect(adaptStart(diagnostic, 'single-meter/clean', fresh, exploring, under)).toMatchObject({ startTier: 'api', adaptive: { explored: false } });
    expect(adaptStart(diagnostic, 'single-meter/clean', stale(), { ...policy, exploreShare: 0 }, under)).toMatchObject({ startTier: 'api', adaptive: { explored: false } });
    expect(adaptStart(diagnostic, 'single-meter/clean', stale(), exploring)).toMatchObject({ startTier: 'api', adaptive: { explored: false } });
  });

  it('moves the start back down once fresh visits show the cheaper tier recovered', () => {
    const recovered = stale();
    // 5 decayed weight of old failures + 30 fresh visits (exploration) of which 27 passed.
    recovered.set('local-quality', { tier: 'local-quality', samples: 130, visits: 35, passes: 27, meanCostMicroUsd: 0, meanSlotMs: 30_000 });
    const adapted = adaptStart(diagnostic, 'single-meter/clean', recovered, exploring, over);
    expect(adapted.startTier).toBe('local-quality');
    expect(adapted.chain).toEqual(['local-quality', 'api']);
    expect(adapted.adaptive.explored).toBe(false);
    expect(adapted.reason).toContain('so it starts at local-quality');
    // The same visits undecayed (the 100 old failures at full weight) keep it at api.
    const undecayed = stale();
    undecayed.set('local-quality', { tier: 'local-quality', samples: 130, visits: 130, passes: 27, meanCostMicroUsd: 0, meanSlotMs: 30_000 });
    expect(adaptStart(diagnostic, 'single-meter/clean', undecayed, exploring, over).startTier).toBe('api');
  });

  it('never explores off the chain: a PRIVATE job explores a local tier, never api', () => {
    const privateJob = decide({ kind: 'building', analysisType: 'data-quality-triage', privacy: 'PRIVATE', features: clean }, makePolicy(), { availableTiers: ALL });
    const seen = stale();
    // local-quality learned (local-fast stale and poor); the explored tier is local-fast, inside the chain.
    seen.set('local-quality', { tier: 'local-quality', samples: 100, visits: 100, passes: 99, meanCostMicroUsd: 0, meanSlotMs: 30_000 });
    for (const key of keys.slice(0, 100)) {
      const adapted = adaptStart(privateJob, 'single-meter/clean', seen, { ...policy, exploreShare: 0.5 }, key);
      expect(adapted.chain).not.toContain('api');
      expect(privateJob.chain).toEqual(expect.arrayContaining(adapted.chain));
    }
    expect(adaptStart(privateJob, 'single-meter/clean', seen, { ...policy, exploreShare: 0.5 }, under).startTier).toBe('local-fast');
  });
});

describe('moving a start down to a cheaper tier decide() allows', () => {
  const diagnostic = decide({ kind: 'building', analysisType: 'building-diagnostic', privacy: 'ENHANCED', features: clean }, makePolicy(), { availableTiers: ALL });
  const retrofitPolicy = makePolicy({ taskTypes: { 'retrofit-plan': { minTier: 'local-quality' } } });
  const anomalous: BuildingFeatures = { ...clean, meterCount: 3, anomalyCount: 4, hasWeatherModel: true };

  it('decide() names the tiers below the start the job may use: never under minTier, never api', () => {
    expect(diagnostic.startTier).toBe('local-quality');
    expect(diagnostic.lowerTiers).toEqual(['local-fast']);
    const retrofit = decide({ kind: 'building', analysisType: 'retrofit-plan', privacy: 'ENHANCED', features: anomalous }, retrofitPolicy, { availableTiers: ALL });
    expect(retrofit.startTier).toBe('api');
    expect(retrofit.lowerTiers).toEqual(['local-quality']);
    const unavailable = decide({ kind: 'building', analysisType: 'building-diagnostic', privacy: 'ENHANCED', features: clean }, makePolicy(), {
      availableTiers: ['local-quality', 'api'],
    });
    expect(unavailable.lowerTiers).toEqual([]);
  });

  it('starts a diagnostic at local-fast when that tier passes often enough to be cheaper, with the full chain above it', () => {
    const seen = evidence([
      ['local-fast', 100, 0.8, 0, 10_000],
      ['local-quality', 100, 0.9, 0, 30_000],
      ['api', 100, 0.98, 500, 0],
    ]);
    const adapted = adaptStart(diagnostic, 'single-meter/clean', seen, policy);
    expect(adapted.startTier).toBe('local-fast');
    expect(adapted.chain).toEqual(['local-fast', 'local-quality', 'api']);
    expect(adapted.adaptive.moved).toBe(true);
    expect(adapted.reason).toContain('pass local-fast 79 % of 100, local-quality 89 % of 100');
    expect(adapted.reason).toContain('so it starts at local-fast with chain local-fast → local-quality → api');
  });

  it('keeps the fixed start when the tier below fails too often, and never goes under a task type minTier', () => {
    const poor = evidence([
      ['local-fast', 100, 0.1, 0, 20_000],
      ['local-quality', 100, 0.9, 0, 30_000],
      ['api', 100, 0.98, 500, 0],
    ]);
    expect(adaptStart(diagnostic, 'single-meter/clean', poor, policy)).toMatchObject({ startTier: 'local-quality', adaptive: { moved: false } });
    const retrofit = decide({ kind: 'building', analysisType: 'retrofit-plan', privacy: 'ENHANCED', features: clean }, retrofitPolicy, { availableTiers: ALL });
    const cheapFast = evidence([
      ['local-fast', 100, 1, 0, 1_000],
      ['local-quality', 100, 0.5, 0, 30_000],
      ['api', 100, 0.98, 500, 0],
    ]);
    const adapted = adaptStart(retrofit, 'single-meter/clean', cheapFast, policy);
    expect(adapted.chain).not.toContain('local-fast');
  });

  it('with no judged evidence for the tier below, keeps the fixed start and explores it for the jobs under the share', () => {
    const thin = evidence([
      ['local-fast', 3, 1, 0, 10_000],
      ['local-quality', 100, 0.9, 0, 30_000],
      ['api', 100, 0.98, 500, 0],
    ]);
    const keys = Array.from({ length: 400 }, (_, index) => `t|b${index}|building-diagnostic`);
    const under = keys.find((key) => exploreDraw(key) < 0.05)!;
    const over = keys.find((key) => exploreDraw(key) >= 0.05)!;
    const exploring = { ...policy, exploreShare: 0.05 };
    expect(adaptStart(diagnostic, 'single-meter/clean', thin, exploring, over)).toMatchObject({ startTier: 'local-quality', adaptive: { moved: false, explored: false } });
    const explored = adaptStart(diagnostic, 'single-meter/clean', thin, exploring, under);
    expect(explored).toMatchObject({ startTier: 'local-fast', chain: ['local-fast', 'local-quality', 'api'], adaptive: { moved: true, explored: true } });
    expect(explored.reason).toContain('exploring: local-fast has 3.0 recent visits (under 20)');
  });
});

describe("pass rates shrunk toward the tier's wider rate", () => {
  const retrofitPolicy = makePolicy({ taskTypes: { 'retrofit-plan': { minTier: 'local-quality' } } });
  const anomalous: BuildingFeatures = { ...clean, meterCount: 3, anomalyCount: 4, hasWeatherModel: true };
  const retrofit = decide({ kind: 'building', analysisType: 'retrofit-plan', privacy: 'ENHANCED', features: anomalous }, retrofitPolicy, { availableTiers: ALL });
  // api passed all of its 82 visits; local-quality 62 % of 11, each visit 45 s of a slot.
  const seen = (apiPrior?: number): Map<Tier, TierEvidence> =>
    new Map<Tier, TierEvidence>([
      ['local-quality', { tier: 'local-quality', samples: 11, visits: 11, passes: 6.82, meanCostMicroUsd: 0, meanSlotMs: 45_000 }],
      ['api', { tier: 'api', samples: 82, visits: 82, passes: 82, meanCostMicroUsd: 600, meanSlotMs: 0, priorPassRate: apiPrior }],
    ]);
  const tenSamples = { ...policy, minSamples: 10 };

  it('passRate: one pass in two as prior without a wider rate, the wider rate with one', () => {
    expect(passRate({ visits: 82, passes: 82 })).toBeCloseTo(83 / 84, 10);
    expect(passRate({ visits: 82, passes: 82, priorPassRate: 0.997 })).toBeCloseTo((82 + 2 * 0.997) / 84, 10);
    expect(passRate({ visits: 0, passes: 0, priorPassRate: 0.9 })).toBeCloseTo(0.9, 10);
  });

  it('does not buy a local visit as insurance against a failure the api tier was never seen to have', () => {
    // One pass in two as prior: api "fails" 1/84 of the time, at a review price of $0.05 the
    // local-quality visit in front of it looks cheaper (the move the default-rates bench made).
    expect(adaptStart(retrofit, 'single-meter/anomalies', seen(), tenSamples).startTier).toBe('local-quality');
    // Shrunk toward the tier's wider rate (99.7 %), api stays the start.
    const adapted = adaptStart(retrofit, 'single-meter/anomalies', seen(0.997), tenSamples);
    expect(adapted.startTier).toBe('api');
    expect(adapted.adaptive.moved).toBe(false);
  });
});
