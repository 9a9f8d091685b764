import type { Tier } from '@eaio/core';
import { describe, expect, it } from 'vitest';
import { adaptStart, buildingClassOf, expectedCost, type AdaptiveRoutingPolicy, type TierEvidence } from './adaptive';
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
