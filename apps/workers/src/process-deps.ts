import type { Egress } from './egress';
import type { BatchLane } from './batch-lane';
import type { Analyzer, Enqueuer, EscalationPolicy, ModelSelector, PipelineStore, SpendGuard } from './pipeline-ports';

/** What `processPipelineJob` needs, and what it answers: apart from it so the batch resume path can share them. */
export interface ProcessDeps {
  selector: ModelSelector;
  analyzer: Analyzer;
  store: PipelineStore;
  escalation: EscalationPolicy;
  enqueuer: Enqueuer;
  spend: SpendGuard;
  /** Privacy boundary for non-local endpoints: refusal, anonymisation, audit (see `createEgress`). Absent: requests go as built, unrecorded. */
  egress?: Egress;
  /** Provider batch endpoints for the api calls of deadline batches (see `createBatchLane`). Absent: every call is interactive. */
  batchLane?: BatchLane;
  now: () => Date;
  /** Cancels in-flight calls on forced shutdown. */
  signal?: AbortSignal;
  log: { info: (obj: object, msg?: string) => void; warn: (obj: object, msg?: string) => void };
}

export type ProcessOutcome =
  | { status: 'succeeded'; attemptId: string; score: number }
  | { status: 'escalated'; to: string; reason: string }
  | { status: 'review'; reason: string }
  | { status: 'skipped'; reason: string };
