import type { Tier } from '@eaio/core';
import type { RouteDecision } from './decide';
import type { BuildingFeatures, RouteJob } from './route-job';
import { tierRank } from './tier-order';

/**
 * What the attempts history says about one tier for one (analysis type, building class):
 * every time a job of that kind was on the tier counts as one visit, its repairs included.
 * `visits` and `passes` are decayed weights (old evidence counts less); `samples` is the raw
 * count the minimum sample size is checked against.
 */
export interface TierEvidence {
  tier: Tier;
  /** Raw number of job visits to the tier (not decayed). */
  samples: number;
  /** Decayed visits. */
  visits: number;
  /** Decayed visits that ended with the gate passing on this tier. */
  passes: number;
  /** Mean provider cost of one visit, integer micro-USD (all its calls; 0 on local tiers). */
  meanCostMicroUsd: number;
  /** Mean time a visit held a local slot, ms (sum of its calls' latencies; 0 on api). */
  meanSlotMs: number;
  /**
   * Pass rate the visits are shrunk toward, worth two visits: the tier's rate over a wider pool
   * (the analysis type's, or every job's). Absent: one pass in two.
   */
  priorPassRate?: number;
}

/** How adaptive routing prices a start. Money in integer micro-USD. */
export interface AdaptiveRoutingPolicy {
  /** Fewer visits than this on any tier of a candidate chain: that start is not judged. */
  minSamples: number;
  /** A local slot's price per hour (the inference host's cost), micro-USD. */
  localSlotMicroUsdPerHour: number;
  /** What a job that ends in review costs (a person's time), micro-USD. */
  reviewMicroUsd: number;
  /**
   * Exploration: the share of jobs (0–1, picked by `exploreDraw` of their key) started one tier
   * below the learned start while that tier's recent evidence is thin, its decayed visits under
   * `minSamples`. A tier below the start gets no visits and its evidence only ages (or never
   * builds up); this keeps a small, bounded trickle going there, so a tier whose pass rate
   * recovers is seen and the start moves back down. Absent or 0: no exploration.
   */
  exploreShare?: number;
}

export interface StartEstimate {
  start: Tier;
  /** Expected cost of the job starting here, micro-USD. */
  expectedMicroUsd: number;
  /** Chance the job ends in review when it starts here. */
  reviewChance: number;
}

/** Class of a building for routing statistics: meters and anomalies, the features that move pass rates most. */
export const buildingClassOf = (features: BuildingFeatures): string =>
  `${features.meterCount > 1 ? 'multi-meter' : 'single-meter'}/${features.anomalyCount > 0 ? 'anomalies' : 'clean'}`;

/** Class of any route job: a building's class, or `prompt` for generic prompts. */
export const routeClassOf = (job: RouteJob): string => (job.kind === 'building' ? buildingClassOf(job.features) : 'prompt');

/**
 * Pass rate shrunk toward a prior worth two visits, so a handful of decayed visits cannot say 0
 * or 1: the tier's wider rate (`priorPassRate`) when known, else one pass in two. The prior
 * matters most in the tail: with one pass in two as prior, a tier that passed 82 visits of 82
 * is taken to fail 1.2 % of the time, and at a review price of 100 API calls that phantom
 * failure outweighs the call itself (the router then bought local visits as insurance against
 * it); shrunk toward the tier's wider rate, it fails as often as the tier has been seen to.
 */
export const passRate = (evidence: Pick<TierEvidence, 'visits' | 'passes' | 'priorPassRate'>): number =>
  (evidence.passes + 2 * (evidence.priorPassRate ?? 0.5)) / (evidence.visits + 2);

const visitCost = (evidence: TierEvidence, policy: AdaptiveRoutingPolicy): number =>
  evidence.meanCostMicroUsd + (evidence.meanSlotMs / 3_600_000) * policy.localSlotMicroUsdPerHour;

/**
 * Expected cost of a job that starts at `chain[0]` and climbs `chain`: each tier's visit cost
 * times the chance the job gets that far, plus the review cost times the chance it fails them all.
 */
export const expectedCost = (chain: readonly Tier[], evidence: ReadonlyMap<Tier, TierEvidence>, policy: AdaptiveRoutingPolicy): StartEstimate | undefined => {
  let reach = 1;
  let total = 0;
  for (const tier of chain) {
    const tierEvidence = evidence.get(tier);
    if (!tierEvidence || tierEvidence.samples < policy.minSamples) return undefined;
    total += reach * visitCost(tierEvidence, policy);
    reach *= 1 - passRate(tierEvidence);
  }
  if (chain.length === 0) return undefined;
  return { start: chain[0], expectedMicroUsd: total + reach * policy.reviewMicroUsd, reviewChance: reach };
};

/**
 * A stable draw in [0, 1) from a job's key (32-bit FNV-1a): whether a job explores depends on
 * the job alone, so routing stays pure and a resubmission routes the same way.
 */
export const exploreDraw = (key: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index += 1) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 2 ** 32;
};

const usd = (microUsd: number): string => `$${(microUsd / 1e6).toFixed(microUsd < 10_000 ? 5 : 4)}`;
const percent = (share: number): string => `${Math.round(share * 100)} %`;

/**
 * Adaptive start: among the tiers the fixed decision allows (its chain, and the `lowerTiers`
 * below its start), the start with the lowest expected cost under the observed pass rates. Up
 * the chain, or down to a cheaper tier `decide()` also allowed (never under a task type's
 * `minTier`, never `api`, which is no lower tier), so privacy (PRIVATE never gets `api`),
 * local-only mode and unavailable tiers hold exactly as `decide()` ruled; the tiers above the
 * start stay the escalation path. A start is judged only when every tier from it to the chain's end has
 * `minSamples` visits; without that the fixed start stays and the reason says what is missing.
 * With `policy.exploreShare` and an `exploreKey`, a job whose draw falls under the share starts
 * one tier below the learned start (a tier of the chain or of `lowerTiers`), while that tier's
 * decayed visits are under `minSamples` (exploration; among the allowed tiers, so privacy holds there too).
 *
 * Pure: same decision, evidence and policy, same answer.
 */
export const adaptStart = (
  decision: RouteDecision,
  routeClass: string,
  evidence: ReadonlyMap<Tier, TierEvidence>,
  policy: AdaptiveRoutingPolicy,
  exploreKey?: string,
): RouteDecision & { adaptive: { estimates: StartEstimate[]; moved: boolean; explored: boolean } } => {
  const chain = decision.chain;
  // Every start the job may have: the tiers below the fixed start it may use, then the fixed chain.
  const full = [...(decision.lowerTiers ?? []).filter((tier) => tierRank(tier) < tierRank(chain[0] ?? 'api')), ...chain];
  const label = `${decision.taskType} on ${routeClass} buildings`;
  if (full.length <= 1) {
    return { ...decision, adaptive: { estimates: [], moved: false, explored: false } };
  }
  const estimates = full.map((_, index) => expectedCost(full.slice(index), evidence, policy)).filter((estimate): estimate is StartEstimate => estimate !== undefined);
  const fixed = estimates.find((estimate) => estimate.start === chain[0]);
  if (estimates.length === 0 || fixed === undefined) {
    const thin = chain.map((tier) => `${tier} ${evidence.get(tier)?.samples ?? 0}`).join(', ');
    return {
      ...decision,
      reason: `${decision.reason} Adaptive: too little evidence for ${label} (visits ${thin}; ${policy.minSamples} needed on every tier), so the fixed start stands.`,
      adaptive: { estimates, moved: false, explored: false },
    };
  }
  const best = estimates.reduce((cheapest, estimate) => (estimate.expectedMicroUsd < cheapest.expectedMicroUsd ? estimate : cheapest));
  const rates = full
    .map((tier) => {
      const tierEvidence = evidence.get(tier);
      return tierEvidence ? `${tier} ${percent(passRate(tierEvidence))} of ${tierEvidence.samples}` : `${tier} unknown`;
    })
    .join(', ');
  const compared = estimates.map((estimate) => `from ${estimate.start} ${usd(estimate.expectedMicroUsd)}`).join(', ');
  const learned = `${decision.reason} Adaptive: ${label} pass ${rates}; expected cost ${compared}`;
  // Exploration: the tier one below the learned start, while its recent (decayed) evidence is thin.
  const below = full[full.indexOf(best.start) - 1];
  const recentBelow = below === undefined ? 0 : (evidence.get(below)?.visits ?? 0);
  const share = policy.exploreShare ?? 0;
  if (below !== undefined && exploreKey !== undefined && share > 0 && recentBelow < policy.minSamples && exploreDraw(exploreKey) < share) {
    const exploreChain = full.filter((tier) => tierRank(tier) >= tierRank(below));
    return {
      ...decision,
      startTier: below,
      chain: exploreChain,
      reason: `${learned}, so it would start at ${best.start}; exploring: ${below} has ${recentBelow.toFixed(1)} recent visits (under ${policy.minSamples}), so this job (one in ${Math.round(1 / share)}) starts one tier lower at ${below} with chain ${exploreChain.join(' → ')}.`,
      adaptive: { estimates, moved: below !== chain[0], explored: true },
    };
  }
  if (best.start === chain[0]) {
    return {
      ...decision,
      reason: `${learned}, so it keeps starting at ${chain[0]}.`,
      adaptive: { estimates, moved: false, explored: false },
    };
  }
  const newChain = full.filter((tier) => tierRank(tier) >= tierRank(best.start));
  return {
    ...decision,
    startTier: best.start,
    chain: newChain,
    reason: `${learned}, so it starts at ${best.start} with chain ${newChain.join(' → ')}.`,
    adaptive: { estimates, moved: true, explored: false },
  };
};
