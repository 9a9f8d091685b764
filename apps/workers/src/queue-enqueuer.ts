import type { JobsOptions, Queue } from 'bullmq';
import type { Tier } from '@eaio/core';
import { queueJobId, type AttemptSummary, type PipelineJobData, type ReviewJobData } from '@eaio/queues';
import type { Enqueuer } from './pipeline-ports';

export interface TierQueues {
  'local-fast': Queue<PipelineJobData>;
  'local-quality': Queue<PipelineJobData>;
  api: Queue<PipelineJobData>;
  review: Queue<ReviewJobData>;
}

/**
 * Options every tier job gets: retries owned by BullMQ with the provider-aware backoff
 * (`settings.backoffStrategy` on the workers), finished jobs kept long enough for the
 * board and for deterministic ids to keep de-duplicating.
 */
export const tierJobOptions = (attempts: number): JobsOptions => ({
  attempts,
  backoff: { type: 'provider' },
  removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
});

/** Moves jobs between queues with deterministic ids, so a crash between steps cannot duplicate. */
export const createQueueEnqueuer = (queues: TierQueues, attemptsPerTier: Record<Tier, number>): Enqueuer => ({
  async toTier(data: PipelineJobData, tier: Tier, history: AttemptSummary[]) {
    const next: PipelineJobData = { ...data, tier, history };
    await queues[tier].add(data.taskType, next, { ...tierJobOptions(attemptsPerTier[tier]), jobId: queueJobId(data.jobId, tier) });
  },
  async toReview(data: PipelineJobData, reason: string, history: AttemptSummary[]) {
    const { tier, ...rest } = data;
    const review: ReviewJobData = { ...rest, history, reason, lastTier: tier };
    // Review jobs wait for a person: nothing processes this queue automatically.
    await queues.review.add('review', review, { jobId: queueJobId(data.jobId, 'review'), removeOnComplete: false, removeOnFail: false });
  },
});
