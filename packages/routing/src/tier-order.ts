import { TIERS, type Tier } from '@eaio/core';

/** Position of a tier, cheapest first (`local-fast` = 0). */
export const tierRank = (tier: Tier): number => TIERS.indexOf(tier);

/** The given tiers, deduplicated, in cheapest-first order. */
export const orderTiers = (tiers: Iterable<Tier>): Tier[] => {
  const wanted = new Set(tiers);
  return TIERS.filter((tier) => wanted.has(tier));
};

/** Rounds a score for display and stable comparisons (3 decimals). */
export const roundScore = (value: number): number => Math.round(value * 1000) / 1000;

export const formatScore = (value: number): string => value.toFixed(2);
