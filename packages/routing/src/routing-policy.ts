import type { ModelCandidate, PrivacyConfig, RetriesConfig, RoutingConfig, Tier } from '@eaio/core';

/**
 * The part of `EaioConfig` routing reads; a whole `EaioConfig` fits. Kept narrow so
 * tests and callers can build one by hand.
 */
export interface RoutingPolicy {
  routing: RoutingConfig;
  /** Candidates per tier: their context windows decide `context-length` escalation. */
  tiers: Record<Tier, { candidates: readonly Pick<ModelCandidate, 'contextWindow' | 'enabled'>[] }>;
  retries: Pick<RetriesConfig, 'maxTotalAttempts'>;
  /** `LLM_STRATEGY` and `ALLOW_API_FOR_AGGREGATED`. @defaultValue `{ strategy: 'hybrid', allowApiForEnhanced: true }` */
  privacy?: Pick<PrivacyConfig, 'strategy' | 'allowApiForEnhanced'>;
}

/** Runtime facts routing cannot know from config; passed in by the caller. */
export interface RouteContext {
  /** Tiers with at least one usable model now (e.g. no API key → no `api`). See `availableTiers(config)`. */
  availableTiers: readonly Tier[];
  /** Set when spend or an operator forces local-only routing; `reason` ends up in the decision. @defaultValue `undefined` */
  localOnly?: { reason: string } | false;
}

/** Largest context window among a tier's enabled candidates (0 when none). */
export const tierContextWindow = (policy: Pick<RoutingPolicy, 'tiers'>, tier: Tier): number =>
  policy.tiers[tier].candidates.reduce((largest, candidate) => (candidate.enabled ? Math.max(largest, candidate.contextWindow) : largest), 0);
