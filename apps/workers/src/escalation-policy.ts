import type { EaioConfig } from '@eaio/core';
import { escalate } from '@eaio/routing';
import type { PipelineJobData } from '@eaio/queues';
import type { EscalationPolicy, Failure } from './pipeline-ports';

/** The routing package's `escalate()`, fed the job's chain, tier and attempt count. */
export const createEscalationPolicy = (config: EaioConfig): EscalationPolicy => ({
  next(data: PipelineJobData, failure: Failure) {
    const attempts = data.history.length + 1;
    return escalate(
      { chain: data.chain, currentTier: data.tier, attempts, privacy: data.privacy },
      failure,
      { routing: config.routing, tiers: config.tiers, retries: config.retries },
    );
  },
});
