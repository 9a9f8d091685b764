import type { QueueName, Tier } from '@eaio/core';
import type { ChatRequest, ChatResult, EndpointConfig, FailoverAdvice, ProviderAdapter } from '@eaio/providers';
import type { AttemptSummary, GuardTicket, PipelineJobData } from '@eaio/queues';
import type { StoredJobPolicy } from '@eaio/db';

/**
 * The seams a tier worker talks through. `main.ts` wires them to the real providers,
 * gate, database and queues; tests can wire them to anything.
 */

/** The model a tier will use for one job, on one endpoint. */
export interface ModelChoice {
  endpoint: EndpointConfig;
  adapter: ProviderAdapter;
  model: string;
  maxTokens: number;
  timeoutMs: number;
  /** How `timeoutMs` was set (fixed, or derived from maxTokens and tokens/s). */
  timeoutReason?: string;
  /** The shared guard's admission of this call (breakers, pause, rate limit): its outcome is reported with it. */
  ticket?: GuardTicket;
  /** Breakers (or `pause`) this call probes for, when any. */
  probe?: string[];
}

/** Nothing can be called now, but a paused or rate-limited provider will take calls at `untilMs`. */
export interface SelectorWait {
  wait: { untilMs: number; reason: string };
}

export interface ModelSelector {
  /** `host` narrows local tiers to one inference host (the one whose slot is held). */
  choose(tier: Tier, data: PipelineJobData, host?: string): Promise<ModelChoice | SelectorWait | null>;
  /** A call could not reach the endpoint: skip it until its health is checked again. */
  unreachable?(endpointId: string, reason: string): void;
  /** A call answered: its generation figures feed the measured tokens/s of local models; its breakers close. */
  answered?(choice: ModelChoice, result: ChatResult): void | Promise<void>;
  /** A call failed: breakers count it, a 429 pauses the provider; says whether the next call should fail over. */
  failed?(choice: ModelChoice, error: unknown): Promise<FailoverAdvice>;
  /** The chosen call was never sent: its probe and rate-limit place go back. */
  notSent?(choice: ModelChoice): Promise<void>;
  /** Whether a candidate of the tier has not failed this job yet (see the attempt history). */
  hasFreshCandidate?(tier: Tier, data: Pick<PipelineJobData, 'history'>, host?: string): boolean;
}

/** The per-check breakdown the gate returns; stored with the attempt. */
export interface GateVerdict {
  score: number;
  pass: boolean;
  threshold: number;
  checks: Record<string, unknown>;
}

export interface Analyzer {
  /** Turns a job into the provider request (prompt, schema, token limit). */
  buildRequest(data: PipelineJobData): Omit<ChatRequest, 'model' | 'timeoutMs' | 'signal' | 'attemptId'>;
  evaluate(data: PipelineJobData, result: ChatResult): GateVerdict;
}

export interface AttemptStart {
  attemptId: string;
  jobId: string;
  batchId: string;
  tenant: string;
  tier: Tier;
  provider: string;
  endpoint: string;
  model: string;
  startedAt: Date;
  simulated: boolean;
  /** Worst-case cost reserved before the call (0 for local). */
  reservedMicroUsd: number;
  /** Set when the call re-asks its tier: what kind of repair, and the attempt it repairs. */
  repairKind?: 'gate' | 'format';
  repairOf?: string;
}

export interface AttemptEnd {
  finishedAt: Date;
  latencyMs: number;
  ttftMs?: number;
  result?: ChatResult;
  costMicroUsd: number;
  priceVersion: string;
  gate?: GateVerdict;
  outcome: 'passed' | 'failed-gate' | 'error';
  errorKind?: string;
  errorMessage?: string;
}

export interface PipelineStore {
  /** True when the job already reached a terminal state (a re-delivery must do nothing). */
  isTerminal(jobId: string): Promise<boolean>;
  /**
   * The stored job's state, tenant, privacy and allowed chain (`undefined`: no such job was
   * submitted). Every privacy decision of a worker reads these, never the queue payload,
   * which anyone with queue access (Bull Board's add/edit) could have written.
   */
  storedJob(jobId: string): Promise<StoredJobPolicy | undefined>;
  startAttempt(start: AttemptStart): Promise<void>;
  finishAttempt(start: AttemptStart, end: AttemptEnd): Promise<void>;
  /**
   * `finishAttempt` then `complete` for an answer that passed the gate, in one round trip
   * where the store can (absent: the worker calls the two).
   */
  finishAndComplete?(start: AttemptStart, end: AttemptEnd, data: PipelineJobData, result: ChatResult, gate: GateVerdict): Promise<void>;
  /** Stores the answer and marks the job succeeded; a second call for the job is a no-op. */
  complete(data: PipelineJobData, attemptId: string, result: ChatResult, gate: GateVerdict): Promise<void>;
  /** Records that the job moved to another queue (`review` is terminal). */
  moved(data: PipelineJobData, to: QueueName, reason: string): Promise<void>;
  /** Marks the job `active` at its tier. Not called per delivery: `startAttempt` marks it (one round trip fewer). */
  markActive(data: PipelineJobData): Promise<void>;
  /**
   * The job failed for good (unreadable data, an error its attempts did not cure, too many
   * stalls): terminal `failed` with `reason`. False when it already was terminal.
   */
  failed(jobId: string, reason: string): Promise<boolean>;
}

export type Failure =
  | { kind: 'quality-gate'; score: number; checks: Record<string, unknown> }
  | { kind: 'provider-error'; errorKind: string; retryable: boolean; message: string }
  | { kind: 'retries-exhausted'; errorKind: string; message: string }
  | { kind: 'no-model'; message: string }
  | { kind: 'budget'; message: string };

/** An answer that failed the gate, as the repair decision sees it (`RepairRequest`: `@eaio/queues`). */
export interface FailedAnswer {
  attemptId: string;
  text: string;
  /** The answer was cut off at the output limit (finish reason `length`). */
  truncated: boolean;
  /** Answered by a local model (format failures get a JSON-mode retry there). */
  local: boolean;
  gate: GateVerdict;
  /** The job's attempts, this one included (its summary last). */
  history: AttemptSummary[];
}

export interface EscalationPolicy {
  next(data: PipelineJobData, failure: Failure): { next: Tier | 'review'; reason: string };
  /**
   * A second chance on the same tier for an answer that failed the gate, before `next`: the
   * repair to ask for, or `undefined` when the tier's repairs are used up.
   */
  repair?(data: PipelineJobData, failed: FailedAnswer): import('@eaio/queues').RepairRequest | undefined;
}

export interface Enqueuer {
  toTier(data: PipelineJobData, tier: Tier, history: AttemptSummary[]): Promise<void>;
  toReview(data: PipelineJobData, reason: string, history: AttemptSummary[]): Promise<void>;
}

/** Money side of a call. Local calls cost nothing and are never blocked. */
export interface SpendGuard {
  /** Reserves the worst case before an API call; `ok: false` when a cap would be passed. */
  reserve(start: {
    attemptId: string;
    data: PipelineJobData;
    choice: ModelChoice;
    request: ChatRequest /** Provider batch endpoint: batch price, held until the deadline. */;
    batch?: { priceShare: number; holdUntil: Date };
  }): Promise<{ ok: true; reservedMicroUsd: number } | { ok: false; reason: string; retryAt?: number }>;
  /** Settles the actual cost (or releases the reservation when no call was billed). */
  settle(attemptId: string, choice: ModelChoice, result: ChatResult | undefined, error?: unknown): Promise<{ costMicroUsd: number; priceVersion: string }>;
  /** Returns a reservation whose request was never sent. */
  release(attemptId: string): Promise<void>;
}
