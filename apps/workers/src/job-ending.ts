import type { PipelineJobData } from '@eaio/queues';
import type { Enqueuer, PipelineStore } from './pipeline-ports';

export interface EndJobDeps {
  store: PipelineStore;
  enqueuer: Enqueuer;
  /** Config `recovery.failedJobs`: where a job ends that cannot be processed at all. */
  failedJobs: 'failed' | 'review';
}

/**
 * Ends a job that cannot be processed (unreadable data, an error its attempts did not
 * cure, too many stalls) in Postgres, so its batch can close: `failed` with the reason, or,
 * when `recovery.failedJobs` is `review` and the job data is readable, the review queue.
 * Says what it did; `already-ended` when the job was terminal before.
 */
export const endUnprocessableJob = async (deps: EndJobDeps, job: { jobId: string; data?: PipelineJobData }, reason: string): Promise<'failed' | 'review' | 'already-ended'> => {
  if (deps.failedJobs === 'review' && job.data) {
    if (await deps.store.isTerminal(job.data.jobId)) return 'already-ended';
    await deps.enqueuer.toReview(job.data, reason, job.data.history);
    await deps.store.moved(job.data, 'review', reason);
    return 'review';
  }
  return (await deps.store.failed(job.jobId, reason)) ? 'failed' : 'already-ended';
};
