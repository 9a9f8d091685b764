import { jobPrivacy, type EaioConfig, type PrivacyLevel } from '@eaio/core';
import { readFileChunks } from '@eaio/energy';
import type { PipelineJobData } from '@eaio/queues';
import type { TierQueues } from '@eaio/workers';
import { emptyCounts, intakeRouteContext, routeJob, storeAndEnqueue, type IntakeStore, type RoutedCounts } from './enqueue-jobs';
import { batchIdFor, fileDigest, jobIdFor, promptHashOf, promptVersionOf } from './job-identity';
import { createIssueList, type IntakeIssue, type IssueCounts } from './issue-list';
import { readPromptJsonl } from './prompt-intake';

export interface SubmitPromptsInput {
  jsonlFile: string;
  tenant: string;
  /** Privacy of lines that state none. @defaultValue config.routing.defaultPrivacy */
  privacy?: PrivacyLevel;
  simulated?: boolean;
  name?: string;
  /** `eaio submit --deadline`: api calls may go through provider batch endpoints at batch prices until close to it (`batchApi`). */
  deadline?: Date;
  /** Name for the file in issues (the HTTP intake says `request body`). @defaultValue jsonlFile */
  displayName?: string;
  /** SHA-256 (hex) of the file when the caller already has it (the HTTP intake hashes the body as it arrives). */
  digest?: string;
}

/** Where a tenant's money budgets stand at intake (`SpendGuard.budgetRoutingState` fits). */
export type BudgetStateLookup = (tenant: string) => Promise<{ localOnly: boolean; reason: string | undefined }>;

export interface SubmitDeps {
  config: EaioConfig;
  store: IntakeStore;
  queues: TierQueues;
  /**
   * Asked once per submission: when less than `budgets.localOnlyBelowShare` of a global
   * or tenant budget remains, the new jobs route local-only (the reason lands in their
   * `routeReason`). @defaultValue none (budgets are not consulted at intake)
   */
  budgetState?: BudgetStateLookup;
  /** Called for each issue listed in the result (the first `config.intake.maxIssuesListed`); the rest are only counted. */
  onIssue?: (issue: IntakeIssue) => void;
  onProgress?: (progress: { rowsRead: number; jobsEnqueued: number }) => void;
}

export interface SubmitResult {
  /** The batch's id (deterministic from the input); stored only when `stored`. */
  batchId: string;
  /**
   * Whether the batch row exists: false when nothing in the input was usable (a
   * rejected submission writes nothing).
   */
  stored: boolean;
  counts: RoutedCounts;
  /** The first `config.intake.maxIssuesListed` issues. */
  issues: IntakeIssue[];
  /** All issues counted by kind and severity. */
  issueCounts: IssueCounts;
}

/**
 * Creates the batch row with the first slice of jobs, so an input with no usable line
 * or building leaves no row behind. Returns the flush to call per slice.
 */
export const lazyBatch = (deps: SubmitDeps, batch: { id: string; tenant: string; name: string; source: unknown; deadline?: Date }) => {
  let stored = false;
  return {
    stored: () => stored,
    async ensure(): Promise<void> {
      if (stored) return;
      await deps.store.upsertBatch(batch);
      stored = true;
    },
    async finish(): Promise<void> {
      if (stored) await deps.store.setBatchJobCount(batch.id);
    },
  };
};

const SLICE = 200;

/**
 * Generic prompt jobs from JSONL, through the same routing and queues as building jobs, and the
 * same response cache: a new job whose prompt (hash, with the JSON flag), task type and prompt
 * version were answered before on a tier of its chain reuses that kept result (`routing.cache`).
 */
export const submitPrompts = async (input: SubmitPromptsInput, deps: SubmitDeps): Promise<SubmitResult> => {
  // A line's own `privacy` field wins over this (see readPromptJsonl).
  const privacy = jobPrivacy({ submit: input.privacy, tenant: input.tenant }, deps.config);
  const batchId = batchIdFor({ tenant: input.tenant, fileDigests: [input.digest ?? (await fileDigest(input.jsonlFile))], options: { kind: 'prompts', privacy } });
  const batch = lazyBatch(deps, {
    id: batchId,
    tenant: input.tenant,
    name: input.name ?? input.jsonlFile,
    source: { jsonl: input.displayName ?? input.jsonlFile, privacy },
    deadline: input.deadline,
  });
  const issues = createIssueList(deps.config.intake.maxIssuesListed, deps.onIssue);
  const counts = emptyCounts();
  const context = await intakeRouteContext(deps, input.tenant);
  let rowsRead = 0;
  let slice: PipelineJobData[] = [];
  const flush = async () => {
    if (slice.length > 0) await batch.ensure();
    await storeAndEnqueue(slice, deps, counts);
    slice = [];
    deps.onProgress?.({ rowsRead, jobsEnqueued: counts.created + counts.alreadyKnown });
  };
  const source = input.displayName ? { stream: readFileChunks(input.jsonlFile), name: input.displayName } : input.jsonlFile;
  for await (const line of readPromptJsonl(source, { privacy, maxLineBytes: deps.config.intake.maxLineBytes }, issues)) {
    rowsRead += 1;
    const route = routeJob(deps.config, { kind: 'prompt', prompt: line.prompt, taskType: line.taskType, privacy: line.privacy }, context);
    const jobId = jobIdFor({
      tenant: input.tenant,
      kind: 'prompt',
      taskType: line.taskType,
      key: line.id,
      // A stated prompt version is part of the job (a new one is a new job); without one, ids stay as they were.
      content: { prompt: line.prompt, privacy: line.privacy, json: line.wantsJson, ...(line.promptVersion === undefined ? {} : { promptVersion: line.promptVersion }) },
    });
    slice.push({
      jobId,
      batchId,
      tenant: input.tenant,
      kind: 'prompt',
      privacy: route.privacy,
      taskType: line.taskType,
      chain: route.chain,
      tier: route.startTier === 'review' ? 'local-fast' : route.startTier,
      complexity: route.complexity.score,
      routeReason: route.reason,
      history: [],
      prompt: line.prompt,
      wantsJson: line.wantsJson,
      // The response cache's key (with the task type): a kept answer to the same prompt is reused without a call.
      factsHash: promptHashOf(line),
      promptVersion: promptVersionOf(line.promptVersion),
      sourceId: line.id,
      simulated: input.simulated,
    });
    if (slice.length >= SLICE) await flush();
  }
  await flush();
  await batch.finish();
  return { batchId, stored: batch.stored(), counts, issues: issues.listed, issueCounts: issues.counts() };
};
