import type { JobsOptions, Queue } from 'bullmq';
import type { PipelineJobData } from '@eaio/queues';

/** What `ensureQueued` found and did. */
export type QueuePresence =
  /** The queue had no such job (lost with Redis, or never added): added now. */
  | 'added'
  /** The job had finished in the queue while Postgres says it is open: put back to waiting. */
  | 'restarted'
  /** Waiting, delayed, prioritized or active: nothing to do. */
  | 'present'
  /** Failed in the queue and `failed: 'report'` was asked: left as it is. */
  | 'failed';

/**
 * Makes sure a job that Postgres (the source of truth) holds open sits in its tier queue
 * under its deterministic id. A plain `add` of a known id is a no-op in BullMQ, so a job
 * that finished or failed in the queue would never run again: it is retried instead
 * (`Job.retry`, attempts count reset, its delivery counter kept so attempt ids stay new).
 */
export const ensureQueued = async (
  queue: Queue<PipelineJobData>,
  data: PipelineJobData,
  options: JobsOptions & { jobId: string },
  onFailed: 'retry' | 'report',
): Promise<QueuePresence> => {
  const state = await queue.getJobState(options.jobId);
  if (state === 'unknown') {
    await queue.add(data.taskType, data, options);
    return 'added';
  }
  if (state === 'completed' || state === 'failed') {
    if (state === 'failed' && onFailed === 'report') return 'failed';
    const job = await queue.getJob(options.jobId);
    if (!job) {
      await queue.add(data.taskType, data, options);
      return 'added';
    }
    await job.retry(state, { resetAttemptsMade: true });
    return 'restarted';
  }
  return 'present';
};
