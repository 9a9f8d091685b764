import type { AnalysisType, PrivacyLevel, QueueName, TaskType, Tier } from '@eaio/core';
import type { BuildingFacts } from '@eaio/energy';

/** One provider call, as carried along with a job to the next tier. */
export interface AttemptSummary {
  attemptId: string;
  tier: Tier;
  provider: string;
  /** Endpoint id the call went to (failover skips an endpoint+model that failed this job in this tier). */
  endpoint?: string;
  model: string;
  outcome: 'passed' | 'failed-gate' | 'error';
  qualityScore?: number;
  errorKind?: string;
  reason: string;
  /** Set when this call re-asked its tier: `gate` (told what the gate found) or `format` (JSON mode). */
  repair?: 'gate' | 'format';
}

/**
 * A second try on the same tier (see `quality.repairsPerTier`, `quality.formatRetries`): the
 * answer that failed and what to fix, sent to the model after its own answer.
 */
export interface RepairRequest {
  kind: 'gate' | 'format';
  /** The tier that answered; the request applies only while the job is on it. */
  tier: Tier;
  /** Attempt id of the answer being repaired. */
  of: string;
  /** That answer's text (clipped). */
  answer: string;
  /** The repair prompt: what the gate found, or what was wrong with the format. */
  prompt: string;
}

/** What a tier queue's job carries. The same shape moves from tier to tier. */
export interface PipelineJobData {
  /** Deterministic job id (same input → same id), the key of `jobs` in Postgres. */
  jobId: string;
  batchId: string;
  tenant: string;
  kind: 'building' | 'prompt';
  privacy: PrivacyLevel;
  taskType: TaskType;
  /** Tiers this job may use, cheapest first; never contains `api` for PRIVATE. */
  chain: Tier[];
  /** The tier whose queue this job sits in. */
  tier: Tier;
  complexity: number;
  routeReason: string;
  /** Attempts made in earlier tiers. */
  history: AttemptSummary[];
  buildingId?: string;
  analysisType?: AnalysisType;
  /** Computed facts of a building job: what the prompt shows and the gate checks against. */
  facts?: BuildingFacts;
  /** The id the input gave this job (JSONL `id`, or the building id). */
  sourceId?: string;
  /** Generic prompt text (JSONL intake). */
  prompt?: string;
  /** Whether the generic prompt asks for JSON output. */
  wantsJson?: boolean;
  /** Marks runs against the built-in emulator. */
  simulated?: boolean;
  /** SHA-256 of `facts` (canonical JSON): the response cache's key, with the task type and `promptVersion`. */
  factsHash?: string;
  /** Prompt template and version the job is asked with (`<templateId>@<version>`). */
  promptVersion?: string;
  /** Building class adaptive routing groups the attempts history by. */
  routeClass?: string;
  /** Set when adaptive routing moved the start: expected saving against the fixed start, integer micro-USD. */
  adaptiveSavingMicroUsd?: number;
  /** The attempt waiting in a provider batch (its `provider_batch_items` row); set while the job waits for it. */
  batchAttempt?: string;
  /** Why the job last waited without using an attempt (provider paused, at its rate limit), for the board. */
  waitReason?: string;
  /** The next call on `repair.tier` re-asks it with what was wrong (a second chance before escalation). */
  repair?: RepairRequest;
}

/** What a job in the `review` queue carries. */
export interface ReviewJobData extends Omit<PipelineJobData, 'tier'> {
  reason: string;
  lastTier: Tier | null;
}

/**
 * BullMQ job id for a pipeline job in one queue: deterministic, so re-adding after a
 * crash (or resubmitting the same input) is a no-op.
 */
export const queueJobId = (jobId: string, queue: QueueName): string => `${jobId}.${queue}`;
