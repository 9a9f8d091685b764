import type { PrivacyLevel, Tier } from '@eaio/core';
import { describe, expect, it } from 'vitest';
import { decide } from './decide';
import { makePolicy } from './policy-fixture';
import type { RouteJob } from './route-job';
import type { RoutingPolicy } from './routing-policy';

const ALL: Tier[] = ['local-fast', 'local-quality', 'api'];
const triage = (privacy: PrivacyLevel): RouteJob => ({
  kind: 'building',
  analysisType: 'data-quality-triage',
  privacy,
  features: { coverageRatio: 1, anomalyCount: 0, meterCount: 1, hasWeatherModel: false, dataIssueCount: 0 },
});
const withPrivacy = (privacy: RoutingPolicy['privacy']): RoutingPolicy => ({ ...makePolicy(), privacy });

describe('decide under LLM_STRATEGY and ALLOW_API_FOR_AGGREGATED', () => {
  it('local: no job of any privacy gets the api tier', () => {
    for (const privacy of ['PRIVATE', 'ENHANCED', 'PUBLIC'] as const) {
      const decision = decide(triage(privacy), withPrivacy({ strategy: 'local', allowApiForEnhanced: true }), { availableTiers: ALL });
      expect(decision.chain).toEqual(['local-fast', 'local-quality']);
      if (privacy !== 'PRIVATE') expect(decision.reason).toContain('LLM_STRATEGY is local');
    }
  });

  it('api-only: ENHANCED and PUBLIC skip the local tiers, PRIVATE stays local', () => {
    const policy = withPrivacy({ strategy: 'api-only', allowApiForEnhanced: true });
    for (const privacy of ['ENHANCED', 'PUBLIC'] as const) {
      const decision = decide(triage(privacy), policy, { availableTiers: ALL });
      expect(decision.startTier).toBe('api');
      expect(decision.chain).toEqual(['api']);
      expect(decision.reason).toContain('api-only');
    }
    expect(decide(triage('PRIVATE'), policy, { availableTiers: ALL }).chain).toEqual(['local-fast', 'local-quality']);
  });

  it('api-only with the api tier unavailable or budget-limited keeps the local tiers', () => {
    const policy = withPrivacy({ strategy: 'api-only', allowApiForEnhanced: true });
    expect(decide(triage('PUBLIC'), policy, { availableTiers: ['local-fast', 'local-quality'] }).chain).toEqual(['local-fast', 'local-quality']);
    expect(decide(triage('PUBLIC'), policy, { availableTiers: ALL, localOnly: { reason: 'budget' } }).chain).toEqual(['local-fast', 'local-quality']);
  });

  it('ALLOW_API_FOR_AGGREGATED=false keeps ENHANCED local, PUBLIC unaffected', () => {
    const policy = withPrivacy({ strategy: 'hybrid', allowApiForEnhanced: false });
    const enhanced = decide(triage('ENHANCED'), policy, { availableTiers: ALL });
    expect(enhanced.chain).toEqual(['local-fast', 'local-quality']);
    expect(enhanced.reason).toContain('ALLOW_API_FOR_AGGREGATED is false');
    expect(decide(triage('PUBLIC'), policy, { availableTiers: ALL }).chain).toContain('api');
    expect(decide(triage('ENHANCED'), withPrivacy({ strategy: 'api-only', allowApiForEnhanced: false }), { availableTiers: ALL }).chain).toEqual(['local-fast', 'local-quality']);
  });

  it('hybrid (and no privacy section) routes as before', () => {
    expect(decide(triage('ENHANCED'), makePolicy(), { availableTiers: ALL }).chain).toEqual(ALL);
    expect(decide(triage('ENHANCED'), withPrivacy({ strategy: 'hybrid', allowApiForEnhanced: true }), { availableTiers: ALL }).chain).toEqual(ALL);
  });
});
