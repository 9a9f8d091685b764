import { insertJobs, setBatchJobCount, upsertBatch, type Database } from '@eaio/db';
import type { PipelineJobData } from '@eaio/queues';
import type { IntakeStore } from './enqueue-jobs';

/** Intake's view of Postgres: batches and jobs. */
export const createPostgresIntakeStore = (database: Database): IntakeStore => ({
  upsertBatch: (batch) => upsertBatch(database, batch),
  insertJobs: (jobs: PipelineJobData[]) =>
    insertJobs(
      database,
      jobs.map((job) => ({
        id: job.jobId,
        batchId: job.batchId,
        tenant: job.tenant,
        kind: job.kind,
        buildingId: job.buildingId ?? null,
        sourceId: job.sourceId ?? null,
        taskType: job.taskType,
        privacy: job.privacy,
        complexity: job.complexity,
        startTier: job.chain.length === 0 ? 'review' : job.tier,
        chain: job.chain,
        routeReason: job.routeReason,
        state: job.chain.length === 0 ? 'review' : 'queued',
        currentTier: job.chain.length === 0 ? 'review' : job.tier,
        simulated: job.simulated ?? false,
        payload: job.kind === 'building' ? { facts: job.facts, analysisType: job.analysisType } : { prompt: job.prompt, wantsJson: job.wantsJson },
        finishedAt: job.chain.length === 0 ? new Date() : null,
      })),
    ),
  setBatchJobCount: (batchId) => setBatchJobCount(database, batchId),
});
