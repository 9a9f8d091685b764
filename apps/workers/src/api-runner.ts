import type { Job, Worker } from 'bullmq';
import type { PipelineJobData } from '@eaio/queues';

/**
 * The api tier: an ordinary BullMQ worker. `concurrency` caps this process;
 * the queue's global concurrency (`Queue.setGlobalConcurrency`, set by `main.ts`)
 * caps all processes together.
 */
export const startApiRunner = (worker: Worker<PipelineJobData>) => {
  worker.run().catch(() => undefined);
  return {
    async close(): Promise<void> {
      await worker.close();
    },
  };
};

export type ApiProcessor = (job: Job<PipelineJobData>) => Promise<unknown>;
