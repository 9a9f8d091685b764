import { insertJobs, loadRoutingEvidence, reuseCachedResults, setBatchJobCount, upsertBatch, type Database } from '@eaio/db';
import type { Tier } from '@eaio/core';
import type { TierEvidence } from '@eaio/routing';
import type { PipelineJobData } from '@eaio/queues';
import { evidenceKey, type IntakeStore, type RoutingEvidence } from './enqueue-jobs';

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
        factsHash: job.factsHash ?? null,
        promptVersion: job.promptVersion ?? null,
        routeClass: job.routeClass ?? null,
        adaptiveSavingMicroUsd: job.adaptiveSavingMicroUsd ?? null,
      })),
    ),
  setBatchJobCount: (batchId) => setBatchJobCount(database, batchId),
  routingEvidence: async (options) => {
    const evidence: RoutingEvidence = new Map();
    for (const row of await loadRoutingEvidence(database, options)) {
      const key = evidenceKey(row.taskType, row.routeClass);
      const tiers = evidence.get(key) ?? new Map<Tier, TierEvidence>();
      tiers.set(row.tier as Tier, { ...row, tier: row.tier as Tier });
      evidence.set(key, tiers);
    }
    return evidence;
  },
  reuseCached: (jobs, options) =>
    reuseCachedResults(
      database,
      jobs.map((job) => ({ jobId: job.jobId, batchId: job.batchId, tenant: job.tenant, taskType: job.taskType, factsHash: job.factsHash!, promptVersion: job.promptVersion!, chain: job.chain })),
      options,
    ),
});
