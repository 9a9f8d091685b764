import { REVIEW_QUEUE, TIERS, type PrivacyLevel, type QueueName, type RoutingThresholds, type TaskType, type Tier } from '@eaio/core';
import { scoreComplexity, type ComplexityScore } from './complexity';
import { taskTypeOf, type RouteJob } from './route-job';
import type { RouteContext, RoutingPolicy } from './routing-policy';
import { formatScore, orderTiers, tierRank } from './tier-order';

export interface RouteDecision {
  /** Queue the job starts in: the first tier of `chain`, or `review` when `chain` is empty. */
  startTier: QueueName;
  /** Tiers the job may use, cheapest first, starting at `startTier`. Never contains `api` for PRIVATE jobs. */
  chain: Tier[];
  /**
   * Tiers below `startTier` the job may also use (available, allowed for its privacy and mode, not
   * under its task type's `minTier`), cheapest first: where adaptive routing may move a start down
   * when the evidence says a cheaper tier pays. Below the start, so never `api`.
   */
  lowerTiers?: Tier[];
  privacy: PrivacyLevel;
  taskType: TaskType;
  complexity: ComplexityScore;
  /** One sentence: privacy, complexity, thresholds and the outcome. */
  reason: string;
}

const thresholdsFor = (policy: RoutingPolicy, taskType: TaskType): RoutingThresholds & { minTier?: Tier } => {
  const override = policy.routing.taskTypes[taskType] ?? {};
  return {
    localQualityAbove: override.localQualityAbove ?? policy.routing.localQualityAbove,
    apiAbove: override.apiAbove ?? policy.routing.apiAbove,
    publicPreferApiAbove: override.publicPreferApiAbove ?? policy.routing.publicPreferApiAbove,
    minTier: override.minTier,
  };
};

const topFactors = (complexity: ComplexityScore): string =>
  complexity.factors
    .filter((factor) => factor.contribution !== 0)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, 3)
    .map((factor) => `${factor.name} ${factor.contribution >= 0 ? '+' : ''}${formatScore(factor.contribution)}`)
    .join(', ');

/**
 * Chooses where a job starts and which tiers it may climb through.
 *
 * - `PRIVATE`: local tiers only, always.
 * - `ENHANCED`: starts at `api` only at complexity ≥ `apiAbove`; otherwise api stays
 *   at the end of the chain as the last resort.
 * - `PUBLIC`: starts at `api` at complexity ≥ `publicPreferApiAbove` (or `apiAbove`, whichever is lower).
 * - Below that: `local-quality` at complexity ≥ `localQualityAbove`, else `local-fast`;
 *   a task type's `minTier` raises the start.
 * - Local-only mode (`routing.emergencyLocalOnly`, `context.localOnly` or the `local`
 *   strategy) removes `api` for every privacy level; `privacy.allowApiForEnhanced: false`
 *   removes it for ENHANCED. The `api-only` strategy gives a job that may use the api
 *   tier, and finds it available, the chain `[api]` (no local tier). Unavailable tiers are skipped: the start moves up to the
 *   next available tier, or down to the best available one when none is above.
 *
 * Pure: same job, policy and context, same decision.
 */
export const decide = (job: RouteJob, policy: RoutingPolicy, context: RouteContext): RouteDecision => {
  const privacy = job.privacy ?? policy.routing.defaultPrivacy;
  const taskType = taskTypeOf(job);
  const complexity = scoreComplexity(job);
  const score = complexity.score;
  const thresholds = thresholdsFor(policy, taskType);

  const strategy = policy.privacy?.strategy ?? 'hybrid';
  const localOnlyReason = policy.routing.emergencyLocalOnly
    ? 'emergency local-only mode is on'
    : strategy === 'local'
      ? 'LLM_STRATEGY is local'
      : context.localOnly
        ? context.localOnly.reason
        : privacy === 'ENHANCED' && policy.privacy?.allowApiForEnhanced === false
          ? 'ALLOW_API_FOR_AGGREGATED is false'
          : undefined;
  const apiAllowed = privacy !== 'PRIVATE' && localOnlyReason === undefined;
  const apiOnly = strategy === 'api-only' && apiAllowed && context.availableTiers.includes('api');
  const allowed = TIERS.filter((tier) => (tier !== 'api' || apiAllowed) && (tier === 'api' || !apiOnly));
  const usable = orderTiers(context.availableTiers).filter((tier) => allowed.includes(tier));

  const apiThreshold = privacy === 'PUBLIC' ? Math.min(thresholds.publicPreferApiAbove, thresholds.apiAbove) : thresholds.apiAbove;
  const notes: string[] = [];
  let wanted: Tier;
  let clause: string;
  if (apiOnly) {
    wanted = 'api';
    clause = 'allowed on the api tier under LLM_STRATEGY api-only';
    notes.push('api-only skips the local tiers');
  } else if (apiAllowed && score >= apiThreshold) {
    wanted = 'api';
    clause = `at or above the ${privacy === 'PUBLIC' ? 'PUBLIC prefer-api' : 'api'} threshold ${formatScore(apiThreshold)}`;
  } else if (score >= thresholds.localQualityAbove) {
    wanted = 'local-quality';
    clause = `at or above the local-quality threshold ${formatScore(thresholds.localQualityAbove)}${apiAllowed ? ` and below the api threshold ${formatScore(apiThreshold)}` : ''}`;
  } else {
    wanted = 'local-fast';
    clause = `below the local-quality threshold ${formatScore(thresholds.localQualityAbove)}`;
  }
  if (thresholds.minTier !== undefined && tierRank(thresholds.minTier) > tierRank(wanted)) {
    const raised = allowed.includes(thresholds.minTier) ? thresholds.minTier : allowed[allowed.length - 1];
    if (tierRank(raised) > tierRank(wanted)) {
      notes.push(`${taskType} starts no lower than ${raised}`);
      wanted = raised;
    }
  }
  if (privacy === 'PRIVATE') notes.push('PRIVATE keeps it off the api tier');
  else if (localOnlyReason !== undefined) notes.push(`api excluded because ${localOnlyReason}`);

  const start = usable.find((tier) => tierRank(tier) >= tierRank(wanted)) ?? usable[usable.length - 1];
  if (start !== undefined && start !== wanted) notes.push(`${wanted} is unavailable so it starts at ${start}`);
  const chain = start === undefined ? [] : usable.filter((tier) => tierRank(tier) >= tierRank(start));
  const floor = thresholds.minTier;
  const lowerTiers = start === undefined ? [] : usable.filter((tier) => tierRank(tier) < tierRank(start) && (floor === undefined || tierRank(tier) >= tierRank(floor)));

  const subject = `${privacy} ${taskType} job with complexity ${formatScore(score)}${complexity.factors.length > 0 ? ` (${topFactors(complexity)})` : ''}`;
  const outcome =
    start === undefined
      ? `no allowed tier is available (allowed: ${allowed.join(', ')}; available: ${context.availableTiers.join(', ') || 'none'}), so it goes to review`
      : `starts at ${start} with chain ${chain.join(' → ')}`;
  const reason = `${subject} is ${clause}, so it ${outcome}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`;

  return { startTier: start ?? REVIEW_QUEUE, chain, lowerTiers, privacy, taskType, complexity, reason };
};
