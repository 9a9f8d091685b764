import { ANALYSIS_TYPES, GENERIC_TASK_TYPES, PRIVACY_LEVELS, TIERS, type PrivacyLevel, type Tier } from '@eaio/core';
import { describe, expect, it } from 'vitest';
import { decide } from './decide';
import { makePolicy, seededRandom } from './policy-fixture';
import type { BuildingFeatures, RouteJob } from './route-job';

const ALL: Tier[] = ['local-fast', 'local-quality', 'api'];
const LOCAL: Tier[] = ['local-fast', 'local-quality'];
const clean: BuildingFeatures = { coverageRatio: 1, anomalyCount: 0, meterCount: 1, hasWeatherModel: false, dataIssueCount: 0 };
const triage = (privacy: PrivacyLevel): RouteJob => ({ kind: 'building', analysisType: 'data-quality-triage', privacy, features: clean }); // 0.15
const diagnostic = (privacy: PrivacyLevel): RouteJob => ({ kind: 'building', analysisType: 'building-diagnostic', privacy, features: clean }); // 0.45
const retrofit = (privacy: PrivacyLevel): RouteJob => ({ kind: 'building', analysisType: 'retrofit-plan', privacy, features: clean }); // 0.70
const hardRetrofit = (privacy: PrivacyLevel): RouteJob => ({
  kind: 'building',
  analysisType: 'retrofit-plan',
  privacy,
  features: { coverageRatio: 0.6, anomalyCount: 4, meterCount: 2, hasWeatherModel: true, dataIssueCount: 2 },
}); // 1.0

describe('decide', () => {
  it.each([
    // job, available, expected start, expected chain
    ['PRIVATE triage', triage('PRIVATE'), ALL, 'local-fast', ['local-fast', 'local-quality']],
    ['PRIVATE diagnostic', diagnostic('PRIVATE'), ALL, 'local-quality', ['local-quality']],
    ['PRIVATE hard retrofit', hardRetrofit('PRIVATE'), ALL, 'local-quality', ['local-quality']],
    ['ENHANCED triage keeps api as last resort', triage('ENHANCED'), ALL, 'local-fast', ['local-fast', 'local-quality', 'api']],
    ['ENHANCED retrofit below apiAbove', retrofit('ENHANCED'), ALL, 'local-quality', ['local-quality', 'api']],
    ['ENHANCED hard retrofit at/above apiAbove', hardRetrofit('ENHANCED'), ALL, 'api', ['api']],
    ['PUBLIC triage stays local first', triage('PUBLIC'), ALL, 'local-fast', ['local-fast', 'local-quality', 'api']],
    ['PUBLIC retrofit above publicPreferApiAbove', retrofit('PUBLIC'), ALL, 'api', ['api']],
    ['PUBLIC diagnostic below publicPreferApiAbove', diagnostic('PUBLIC'), ALL, 'local-quality', ['local-quality', 'api']],
    ['ENHANCED hard retrofit without API keys', hardRetrofit('ENHANCED'), LOCAL, 'local-quality', ['local-quality']],
    ['PUBLIC retrofit without API keys', retrofit('PUBLIC'), LOCAL, 'local-quality', ['local-quality']],
    ['triage when local-fast is down', triage('ENHANCED'), ['local-quality', 'api'] as Tier[], 'local-quality', ['local-quality', 'api']],
    ['PRIVATE job with only api available goes to review', triage('PRIVATE'), ['api'] as Tier[], 'review', []],
    ['nothing available goes to review', diagnostic('PUBLIC'), [] as Tier[], 'review', []],
  ] as const)('%s', (_label, job, available, start, chain) => {
    const decision = decide(job, makePolicy(), { availableTiers: available });
    expect(decision.startTier).toBe(start);
    expect(decision.chain).toEqual(chain);
  });

  it('local-only context removes api for ENHANCED and PUBLIC and says why', () => {
    const decision = decide(hardRetrofit('PUBLIC'), makePolicy(), { availableTiers: ALL, localOnly: { reason: 'the daily budget is 93% used' } });
    expect(decision.chain).toEqual(['local-quality']);
    expect(decision.reason).toContain('the daily budget is 93% used');
  });

  it('EMERGENCY_LOCAL_ONLY (routing.emergencyLocalOnly) removes api too', () => {
    const decision = decide(retrofit('PUBLIC'), makePolicy({ emergencyLocalOnly: true }), { availableTiers: ALL });
    expect(decision.chain).toEqual(['local-quality']);
    expect(decision.reason).toContain('emergency local-only');
  });

  it('uses the configured default privacy when the job has none', () => {
    const job: RouteJob = { kind: 'building', analysisType: 'retrofit-plan', features: clean };
    expect(decide(job, makePolicy(), { availableTiers: ALL }).chain).not.toContain('api');
    expect(decide(job, makePolicy({ defaultPrivacy: 'PUBLIC' }), { availableTiers: ALL }).startTier).toBe('api');
  });

  it('applies per-task-type thresholds and minTier', () => {
    const policy = makePolicy({ taskTypes: { 'data-quality-triage': { minTier: 'local-quality' }, 'building-diagnostic': { apiAbove: 0.4 } } });
    expect(decide(triage('ENHANCED'), policy, { availableTiers: ALL }).startTier).toBe('local-quality');
    expect(decide(diagnostic('ENHANCED'), policy, { availableTiers: ALL }).startTier).toBe('api');
    const minApi = makePolicy({ taskTypes: { 'data-quality-triage': { minTier: 'api' } } });
    expect(decide(triage('PRIVATE'), minApi, { availableTiers: ALL }).startTier).toBe('local-quality'); // PRIVATE caps minTier
  });

  it('threshold edges are inclusive', () => {
    const atEdge = makePolicy({ localQualityAbove: 0.45, apiAbove: 0.7, publicPreferApiAbove: 0.7 });
    expect(decide(diagnostic('ENHANCED'), atEdge, { availableTiers: ALL }).startTier).toBe('local-quality');
    expect(decide(retrofit('ENHANCED'), atEdge, { availableTiers: ALL }).startTier).toBe('api');
  });

  it('gives one readable sentence naming privacy, complexity and thresholds', () => {
    const decision = decide(retrofit('ENHANCED'), makePolicy(), { availableTiers: ALL });
    expect(decision.reason).toBe(
      'ENHANCED retrofit-plan job with complexity 0.70 (analysis retrofit-plan +0.70) is at or above the local-quality threshold 0.35 and below the api threshold 0.80, so it starts at local-quality with chain local-quality → api.',
    );
    const privateDecision = decide(triage('PRIVATE'), makePolicy(), { availableTiers: ALL });
    expect(privateDecision.reason).toMatch(/^PRIVATE .*complexity 0\.15.*below the local-quality threshold 0\.35.*PRIVATE keeps it off the api tier\)\.$/);
  });
});

describe('decide properties (random jobs, policies and contexts)', () => {
  it('PRIVATE never gets api; chains start at startTier, are cheapest-first subsets of the available tiers', () => {
    const random = seededRandom(42);
    for (let index = 0; index < 2000; index += 1) {
      const privacy = random.pick(PRIVACY_LEVELS);
      const job: RouteJob =
        random.next() < 0.5
          ? { kind: 'prompt', privacy, taskType: random.pick(GENERIC_TASK_TYPES), prompt: 'analyse compare classify plan '.repeat(random.integer(30)) }
          : {
              kind: 'building',
              privacy,
              analysisType: random.pick(ANALYSIS_TYPES),
              features: {
                coverageRatio: random.next(),
                anomalyCount: random.integer(10),
                meterCount: 1 + random.integer(3),
                hasWeatherModel: random.next() < 0.5,
                dataIssueCount: random.integer(5),
              },
            };
      const [low, high] = [random.next(), random.next()].sort((a, b) => a - b);
      const policy = makePolicy({
        localQualityAbove: low,
        apiAbove: high,
        publicPreferApiAbove: random.next(),
        emergencyLocalOnly: random.next() < 0.1,
        taskTypes: random.next() < 0.3 ? { [job.kind === 'prompt' ? job.taskType : job.analysisType]: { minTier: random.pick(TIERS) } } : {},
      });
      const available = TIERS.filter(() => random.next() < 0.8);
      const localOnly = random.next() < 0.1 ? { reason: 'budget' } : undefined;
      const decision = decide(job, policy, { availableTiers: available, localOnly });

      if (privacy === 'PRIVATE' || policy.routing.emergencyLocalOnly || localOnly) expect(decision.chain).not.toContain('api');
      if (decision.chain.length === 0) expect(decision.startTier).toBe('review');
      else expect(decision.chain[0]).toBe(decision.startTier);
      expect(decision.chain.every((tier) => available.includes(tier))).toBe(true);
      const ranks = decision.chain.map((tier) => TIERS.indexOf(tier));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      expect(new Set(decision.chain).size).toBe(decision.chain.length);
      expect(decision.reason).toContain(decision.privacy);
      expect(decide(job, policy, { availableTiers: available, localOnly })).toEqual(decision);
    }
  });
});
