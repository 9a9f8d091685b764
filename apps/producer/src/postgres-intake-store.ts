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
    // Each (type, class) row, pooled into (type, *) and (*, *): sums, means weighted by visits.
    const add = (key: string, row: Omit<TierEvidence, 'tier'> & { tier: string }) => {
      const tiers = evidence.get(key) ?? new Map<Tier, TierEvidence>();
      const seen = tiers.get(row.tier as Tier);
      const samples = (seen?.samples ?? 0) + row.samples;
      tiers.set(row.tier as Tier, {
        tier: row.tier as Tier,
        samples,
        visits: (seen?.visits ?? 0) + row.visits,
        passes: (seen?.passes ?? 0) + row.passes,
        meanCostMicroUsd: ((seen?.meanCostMicroUsd ?? 0) * (seen?.samples ?? 0) + row.meanCostMicroUsd * row.samples) / samples,
        meanSlotMs: ((seen?.meanSlotMs ?? 0) * (seen?.samples ?? 0) + row.meanSlotMs * row.samples) / samples,
      });
      evidence.set(key, tiers);
    };
    for (const row of await loadRoutingEvidence(database, options)) {
      add(evidenceKey(row.taskType, row.routeClass), row);
      add(evidenceKey(row.taskType, '*'), row);
      add(evidenceKey('*', '*'), row);
    }
    return evidence;
  },
  reuseCached: (jobs, options) =>
    reuseCachedResults(
      database,
      jobs.map((job) => ({
        jobId: job.jobId,
        batchId: job.batchId,
        tenant: job.tenant,
        taskType: job.taskType,
        factsHash: job.factsHash!,
        promptVersion: job.promptVersion!,
        chain: job.chain,
      })),
      options,
    ),
});
