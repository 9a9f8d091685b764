import type { EaioConfig, PrivacyLevel } from '@eaio/core';
import type { PipelineJobData } from '@eaio/queues';
import type { TierQueues } from '@eaio/workers';
import { emptyCounts, intakeRouteContext, routeJob, storeAndEnqueue, type IntakeStore, type RoutedCounts } from './enqueue-jobs';
import { batchIdFor, fileDigest, jobIdFor } from './job-identity';
import { readPromptJsonl, type IntakeIssue } from './prompt-intake';

export interface SubmitPromptsInput {
  jsonlFile: string;
  tenant: string;
  /** Privacy of lines that state none. @defaultValue config.routing.defaultPrivacy */
  privacy?: PrivacyLevel;
  simulated?: boolean;
  name?: string;
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
  onIssue?: (issue: IntakeIssue) => void;
  onProgress?: (progress: { rowsRead: number; jobsEnqueued: number }) => void;
}

export interface SubmitResult {
  batchId: string;
  counts: RoutedCounts;
  issues: IntakeIssue[];
}

const SLICE = 200;

/** Generic prompt jobs from JSONL, through the same routing and queues as building jobs. */
export const submitPrompts = async (input: SubmitPromptsInput, deps: SubmitDeps): Promise<SubmitResult> => {
  const privacy = input.privacy ?? deps.config.routing.defaultPrivacy;
  const batchId = batchIdFor({ tenant: input.tenant, fileDigests: [await fileDigest(input.jsonlFile)], options: { kind: 'prompts', privacy } });
  await deps.store.upsertBatch({ id: batchId, tenant: input.tenant, name: input.name ?? input.jsonlFile, source: { jsonl: input.jsonlFile, privacy } });
  const issues: IntakeIssue[] = [];
  const counts = emptyCounts();
  const context = await intakeRouteContext(deps, input.tenant);
  let rowsRead = 0;
  let slice: PipelineJobData[] = [];
  const flush = async () => {
    await storeAndEnqueue(slice, deps, counts);
    slice = [];
    deps.onProgress?.({ rowsRead, jobsEnqueued: counts.created + counts.alreadyKnown });
  };
  const record = (issue: IntakeIssue) => {
    issues.push(issue);
    deps.onIssue?.(issue);
  };
  for await (const line of readPromptJsonl(input.jsonlFile, { privacy }, record)) {
    rowsRead += 1;
    const route = routeJob(deps.config, { kind: 'prompt', prompt: line.prompt, taskType: line.taskType, privacy: line.privacy }, context);
    const jobId = jobIdFor({ tenant: input.tenant, kind: 'prompt', taskType: line.taskType, key: line.id, content: { prompt: line.prompt, privacy: line.privacy, json: line.wantsJson } });
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
      sourceId: line.id,
      simulated: input.simulated,
    });
    if (slice.length >= SLICE) await flush();
  }
  await flush();
  await deps.store.setBatchJobCount(batchId);
  return { batchId, counts, issues };
};
