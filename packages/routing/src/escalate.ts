import { REVIEW_QUEUE, type PrivacyLevel, type Tier } from '@eaio/core';
import { tierContextWindow, type RoutingPolicy } from './routing-policy';
import { formatScore } from './tier-order';

/** Where a failing job stands. */
export interface EscalationState {
  /** The job's chain from `decide()`; escalation never leaves it. */
  chain: readonly Tier[];
  currentTier: Tier;
  /** Provider calls made for this job so far, all tiers together. */
  attempts: number;
  /** When given, `PRIVATE` also filters `api` out of the chain (defence in depth). */
  privacy?: PrivacyLevel;
}

/** Why the current tier gave up. */
export type EscalationFailure =
  | { kind: 'quality-gate'; score: number; threshold?: number; checks?: readonly string[] | Record<string, unknown> }
  /** A non-retryable provider error (`auth`, `model-not-found`, `bad-request`, `content-filter`, …). */
  | { kind: 'provider-error'; errorKind: string; retryable?: boolean; message?: string }
  | { kind: 'retries-exhausted'; errorKind?: string; attempts?: number; message?: string }
  /** The prompt did not fit; `requiredTokens` (prompt + output) when known. */
  | { kind: 'context-length'; requiredTokens?: number; message?: string }
  | { kind: 'no-model'; message?: string }
  | { kind: 'budget'; message?: string };

export type EscalationDecision = { next: Tier; reason: string } | { next: typeof REVIEW_QUEUE; reason: string };

/** Names of failed checks: an array as is, or the keys of a record whose entry failed. */
const failedChecks = (checks: readonly string[] | Record<string, unknown> | undefined): string[] => {
  if (checks === undefined) return [];
  if (Array.isArray(checks)) return [...checks];
  return Object.entries(checks)
    .filter(([, value]) => {
      if (typeof value !== 'object' || value === null) return value === false;
      const entry = value as { pass?: unknown; passed?: unknown; issues?: unknown };
      return entry.pass === false || entry.passed === false || (Array.isArray(entry.issues) && entry.issues.length > 0);
    })
    .map(([name]) => name);
};

const describeFailure = (failure: EscalationFailure, tier: Tier): string => {
  switch (failure.kind) {
    case 'quality-gate': {
      const checks = failedChecks(failure.checks);
      const threshold = failure.threshold === undefined ? '' : ` below the pass threshold ${formatScore(failure.threshold)}`;
      return `the answer from ${tier} scored ${formatScore(failure.score)}${threshold}${checks.length > 0 ? ` (failed: ${checks.join(', ')})` : ''}`;
    }
    case 'provider-error':
      return `${tier} failed with a non-retryable ${failure.errorKind} error${failure.message ? ` (${failure.message})` : ''}`;
    case 'retries-exhausted':
      return `${tier} used up its retries${failure.errorKind ? ` (last error ${failure.errorKind})` : ''}`;
    case 'context-length':
      return `the prompt${failure.requiredTokens === undefined ? '' : ` (${failure.requiredTokens} tokens)`} does not fit ${tier}'s context window`;
    case 'no-model':
      return `${tier} has no usable model${failure.message ? ` (${failure.message})` : ''}`;
    case 'budget':
      return `${tier} has no budget left${failure.message ? ` (${failure.message})` : ''}`;
  }
};

/**
 * The next step for a job whose current tier failed: a later tier of its chain, or
 * `review`. Never returns a tier outside the chain, never the current tier again, and
 * never `api` for a PRIVATE job.
 *
 * - `context-length` (or a provider error of that kind) skips to the first later tier
 *   with a larger context window (and at least `requiredTokens`), else review.
 * - Everything else moves one step up the chain, else review.
 * - A job that made `retries.maxTotalAttempts` calls goes to review whatever failed.
 */
export const escalate = (state: EscalationState, failure: EscalationFailure, policy: RoutingPolicy): EscalationDecision => {
  const chain = state.chain.filter((tier, index) => state.chain.indexOf(tier) === index && (state.privacy !== 'PRIVATE' || tier !== 'api'));
  const what = describeFailure(failure, state.currentTier);
  const position = chain.indexOf(state.currentTier);
  if (position < 0) {
    return { next: REVIEW_QUEUE, reason: `${what}, and ${state.currentTier} is not in the job's chain (${chain.join(' → ') || 'empty'}), so it goes to review.` };
  }
  if (state.attempts >= policy.retries.maxTotalAttempts) {
    return { next: REVIEW_QUEUE, reason: `${what}, and the job has made ${state.attempts} attempts (limit ${policy.retries.maxTotalAttempts}), so it goes to review.` };
  }
  const later = chain.slice(position + 1);

  const contextLength = failure.kind === 'context-length' || (failure.kind === 'provider-error' && failure.errorKind === 'context-length');
  if (contextLength) {
    const currentWindow = tierContextWindow(policy, state.currentTier);
    const required = failure.kind === 'context-length' ? failure.requiredTokens : undefined;
    const next = later.find((tier) => {
      const window = tierContextWindow(policy, tier);
      return window > currentWindow && (required === undefined || window >= required);
    });
    if (next === undefined) {
      return { next: REVIEW_QUEUE, reason: `${what}, and no later tier in the chain has a context window larger than ${currentWindow} tokens, so it goes to review.` };
    }
    return { next, reason: `${what} (${currentWindow} tokens), so it moves to ${next} (${tierContextWindow(policy, next)} tokens).` };
  }

  const next = later[0];
  if (next === undefined) {
    return { next: REVIEW_QUEUE, reason: `${what}, and ${state.currentTier} is the last tier of the chain (${chain.join(' → ')}), so it goes to review.` };
  }
  return { next, reason: `${what}, so it escalates to ${next}.` };
};
