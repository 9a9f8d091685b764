import type { RoutingConfig, Tier } from '@eaio/core';
import type { RoutingPolicy } from './routing-policy';

/** Test support: a routing policy like the shipped config, with parts replaced. */
export const makePolicy = (routing: Partial<RoutingConfig> = {}, windows: Partial<Record<Tier, number[]>> = {}, maxTotalAttempts = 10): RoutingPolicy => {
  const candidates = (tier: Tier, fallback: number[]) => (windows[tier] ?? fallback).map((contextWindow) => ({ contextWindow, enabled: true }));
  return {
    routing: {
      localQualityAbove: 0.35,
      apiAbove: 0.8,
      publicPreferApiAbove: 0.55,
      defaultPrivacy: 'PRIVATE',
      emergencyLocalOnly: false,
      taskTypes: {},
      adaptive: { enabled: false, minSamples: 20, halfLifeDays: 14, localSlotUsdPerHour: 0.05, reviewUsd: 0.05, exploreShare: 0 },
      cache: { enabled: true, acrossTenants: false },
      ...routing,
    },
    tiers: {
      'local-fast': { candidates: candidates('local-fast', [8192]) },
      'local-quality': { candidates: candidates('local-quality', [32768]) },
      api: { candidates: candidates('api', [128000, 64000]) },
    },
    retries: { maxTotalAttempts },
  };
};

/** Test support: small deterministic PRNG (mulberry32) for property-style checks. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const integer = (max: number): number => Math.floor(next() * (max + 1));
  return { next, pick, integer };
};
