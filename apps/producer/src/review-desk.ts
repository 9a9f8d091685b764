import { TIERS, isLocalTier, type EaioConfig, type PrivacyLevel, type Tier } from '@eaio/core';
import {
  ReviewConflictError,
  acceptReviewedAnswer,
  listReviewJobs,
  rejectReviewJob,
  retryReviewJob,
  reviewJobDetail,
  type Database,
  type ReviewJobDetail,
  type ReviewListItem,
} from '@eaio/db';
import { orderTiers } from '@eaio/routing';
import { queueJobId } from '@eaio/queues';
import { ensureQueued, jobDataOf, storedAnswer, tierJobOptions, type OpenJobRow, type TierQueues } from '@eaio/workers';

/** Tiers a job of this privacy may be retried on: never an api tier for PRIVATE. */
export const retryTiersFor = (privacy: string, config: Pick<EaioConfig, 'tiers'>): Tier[] =>
  TIERS.filter((tier) => (privacy === 'PRIVATE' ? isLocalTier(tier) : true) && (config.tiers[tier]?.candidates.length ?? 0) > 0);

/** A decision the desk refuses (wrong state, unknown attempt, a tier the privacy forbids, no reason). */
export class ReviewDecisionError extends Error {
  readonly status: number;
  constructor(message: string, status = 409) {
    super(message);
    this.name = 'ReviewDecisionError';
    this.status = status;
  }
  static isInstance(value: unknown): value is ReviewDecisionError {
    return value instanceof Error && value.name === 'ReviewDecisionError';
  }
}

export interface ReviewJobView extends ReviewJobDetail {
  /** Tiers `retry` accepts for this job. */
  retryTiers: Tier[];
}

export interface ReviewDesk {
  list(options?: { batchId?: string; limit?: number }): Promise<ReviewListItem[]>;
  show(jobId: string): Promise<ReviewJobView | undefined>;
  accept(input: { jobId: string; attemptId?: string; by: string; reason: string }): Promise<{ decisionId: number; attemptId: string }>;
  reject(input: { jobId: string; by: string; reason: string }): Promise<{ decisionId: number }>;
  retry(input: { jobId: string; tier: string; by: string; reason: string }): Promise<{ decisionId: number; tier: Tier; chain: Tier[] }>;
}

const needReason = (reason: string): string => {
  const trimmed = reason.trim();
  if (!trimmed) throw new ReviewDecisionError('say why: every review decision is recorded with its reason', 400);
  return trimmed.slice(0, 2000);
};

const conflicts = async <T>(work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (ReviewConflictError.isInstance(error)) throw new ReviewDecisionError(error.message, /^no job/.test(error.message) ? 404 : 409);
    throw error;
  }
};

/**
 * The review desk: jobs that used up their chain wait here for a person, who accepts one
 * of their answers (it becomes the result, marked reviewed), rejects the job (terminal, no
 * result) or sends it back to a tier its privacy allows. Every decision is a row in
 * `review_decisions` (who, when, what, why), written in the transaction that changes the job.
 */
export const createReviewDesk = (deps: { database: Database; queues: TierQueues; config: EaioConfig }): ReviewDesk => {
  const { database, queues, config } = deps;
  const removeFromReviewQueue = async (jobId: string) => {
    // The review queue's entry has done its work once a person decided; a later review adds it again.
    await queues.review.remove(queueJobId(jobId, 'review')).catch(() => undefined);
  };
  return {
    list: (options) => listReviewJobs(database, options),
    async show(jobId) {
      const detail = await reviewJobDetail(database, jobId);
      return detail && { ...detail, retryTiers: retryTiersFor(detail.privacy, config) };
    },
    async accept(input) {
      const reason = needReason(input.reason);
      let attemptId = input.attemptId;
      if (!attemptId) {
        // Without an attempt named: the answer the gate scored highest.
        const detail = await reviewJobDetail(database, input.jobId);
        if (!detail) throw new ReviewDecisionError(`no job "${input.jobId}"`, 404);
        const answered = detail.attemptList.filter((attempt) => attempt.answerText !== null);
        answered.sort((a, b) => (b.qualityScore ?? -1) - (a.qualityScore ?? -1));
        if (answered.length === 0) throw new ReviewDecisionError(`job ${input.jobId} has no answer to accept: reject it or retry it on a tier`);
        attemptId = answered[0].attemptId;
      }
      const chosen = attemptId;
      const { decisionId } = await conflicts(() => acceptReviewedAnswer(database, { jobId: input.jobId, attemptId: chosen, decidedBy: input.by, reason, answer: storedAnswer }));
      await removeFromReviewQueue(input.jobId);
      return { decisionId, attemptId: chosen };
    },
    async reject(input) {
      const reason = needReason(input.reason);
      const result = await conflicts(() => rejectReviewJob(database, { jobId: input.jobId, decidedBy: input.by, reason }));
      await removeFromReviewQueue(input.jobId);
      return result;
    },
    async retry(input) {
      const reason = needReason(input.reason);
      const detail = await reviewJobDetail(database, input.jobId);
      if (!detail) throw new ReviewDecisionError(`no job "${input.jobId}"`, 404);
      const allowed = retryTiersFor(detail.privacy, config);
      if (!(allowed as string[]).includes(input.tier)) {
        const why = detail.privacy === 'PRIVATE' && input.tier === 'api' ? 'a PRIVATE job never goes to an API' : `${input.tier} is not a configured tier`;
        throw new ReviewDecisionError(`cannot retry ${input.jobId} on ${input.tier}: ${why}; allowed: ${allowed.join(', ')}`, 400);
      }
      const tier = input.tier as Tier;
      const chain = orderTiers([...(detail.chain as Tier[]), tier]).filter((item) => detail.privacy !== ('PRIVATE' satisfies PrivacyLevel) || isLocalTier(item));
      const { decisionId } = await conflicts(() => retryReviewJob(database, { jobId: input.jobId, tier, chain, decidedBy: input.by, reason }));
      // The job row is queued on the tier now; put it into the tier's queue with its history.
      // A known queue id (the tier ran it before) is restarted with the new data, its delivery
      // counter kept so attempt ids stay new. A crash before this line is repaired by the reconciler.
      const { rows } = await database.pool.query<OpenJobRow>(
        `SELECT id, batch_id, tenant, kind, building_id, source_id, task_type, privacy, complexity, start_tier, chain,
                route_reason, current_tier, simulated, payload, updated_at::text AS version FROM jobs WHERE id = $1`,
        [input.jobId],
      );
      const data = await jobDataOf(database, rows[0], tier);
      const id = queueJobId(input.jobId, tier);
      const existing = await queues[tier].getJob(id);
      if (existing) await existing.updateData(data);
      await ensureQueued(queues[tier], data, { ...tierJobOptions(config.retries.attemptsPerTier[tier]), jobId: id }, 'retry');
      await removeFromReviewQueue(input.jobId);
      return { decisionId, tier, chain };
    },
  };
};
