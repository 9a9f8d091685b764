import type { JobsOptions, Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { AttemptSummary, PipelineJobData, ReviewJobData } from '@eaio/queues';
import { createQueueEnqueuer, type TierQueues, tierJobOptions } from './queue-enqueuer';

/** Queues that record each `add` instead of talking to Redis or PostgreSQL. */
const fakeQueues = () => {
  const added: { queue: string; name: string; data: unknown; options: JobsOptions | undefined }[] = [];
  const queue = (queueName: string) =>
    ({
      async add(name: string, data: unknown, options?: JobsOptions) {
        added.push({ queue: queueName, name, data, options });
        return { id: options?.jobId };
      },
    }) as unknown as Queue;
  const queues = { 'local-fast': queue('local-fast'), 'local-quality': queue('local-quality'), api: queue('api'), review: queue('review') } as TierQueues;
  return { queues, added };
};

const data: PipelineJobData = {
  jobId: 'job-7',
  batchId: 'batch-1',
  tenant: 'acme',
  kind: 'prompt',
  privacy: 'ENHANCED',
  taskType: 'extraction',
  chain: ['local-fast', 'local-quality', 'api'],
  tier: 'local-fast',
  complexity: 0.3,
  routeReason: 'test',
  history: [],
  prompt: 'List the meters',
};

const failed: AttemptSummary = {
  attemptId: 'job-7.local-fast.local-fast#1',
  tier: 'local-fast',
  provider: 'ollama',
  model: 'llama3.2:3b',
  outcome: 'failed-gate',
  reason: 'quality gate 0.40 < 0.7',
};

describe('queue enqueuer', () => {
  it("toTier adds the job to that tier's queue with its deterministic id, the tier's attempts and the new history", async () => {
    const { queues, added } = fakeQueues();
    const enqueuer = createQueueEnqueuer(queues, { 'local-fast': 2, 'local-quality': 2, api: 3 });
    await enqueuer.toTier(data, 'api', [failed]);
    expect(added).toEqual([{ queue: 'api', name: 'extraction', data: { ...data, tier: 'api', history: [failed] }, options: { ...tierJobOptions(3), jobId: 'job-7.api' } }]);
    expect(added[0].options).toMatchObject({ attempts: 3, backoff: { type: 'provider' } });
  });

  it('the same move twice gives the same queue job id (a crash between steps cannot duplicate the job)', async () => {
    const { queues, added } = fakeQueues();
    const enqueuer = createQueueEnqueuer(queues, { 'local-fast': 2, 'local-quality': 4, api: 3 });
    await enqueuer.toTier(data, 'local-quality', [failed]);
    await enqueuer.toTier({ ...data, history: [failed] }, 'local-quality', [failed, failed]);
    expect(added.map((entry) => [entry.queue, entry.options?.jobId, entry.options?.attempts])).toEqual([
      ['local-quality', 'job-7.local-quality', 4],
      ['local-quality', 'job-7.local-quality', 4],
    ]);
  });

  it('toReview adds a review job kept until a person handles it: reason, last tier and history, no tier', async () => {
    const { queues, added } = fakeQueues();
    await createQueueEnqueuer(queues, { 'local-fast': 2, 'local-quality': 2, api: 3 }).toReview({ ...data, tier: 'local-quality' }, 'chain exhausted', [failed]);
    const { tier: _tier, ...rest } = data;
    const review: ReviewJobData = { ...rest, history: [failed], reason: 'chain exhausted', lastTier: 'local-quality' };
    expect(added).toEqual([{ queue: 'review', name: 'review', data: review, options: { jobId: 'job-7.review', removeOnComplete: false, removeOnFail: false } }]);
    expect(added[0].data).not.toHaveProperty('tier');
  });

  it('tier jobs keep finished jobs long enough to de-duplicate re-adds', () => {
    expect(tierJobOptions(2)).toEqual({ attempts: 2, backoff: { type: 'provider' }, removeOnComplete: { age: 604_800, count: 100_000 }, removeOnFail: { age: 2_592_000 } });
  });
});
