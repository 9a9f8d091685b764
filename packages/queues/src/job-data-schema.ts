import { z } from 'zod';
import { PRIVACY_LEVELS, TIERS } from '@eaio/core';
import type { PipelineJobData } from './job-data';

/**
 * What a tier worker needs to read from a job before it can do anything with it: the
 * keys and the route. The payload (facts, prompt) is the analyzer's to judge. Extra
 * fields pass (older or newer producers).
 */
const pipelineJobDataSchema = z.looseObject({
  jobId: z.string().min(1),
  batchId: z.string().min(1),
  tenant: z.string().min(1),
  kind: z.enum(['building', 'prompt']),
  privacy: z.enum(PRIVACY_LEVELS),
  taskType: z.string().min(1),
  chain: z.array(z.enum(TIERS)),
  tier: z.enum(TIERS),
  complexity: z.number(),
  routeReason: z.string(),
  history: z.array(z.looseObject({ attemptId: z.string(), tier: z.string(), outcome: z.string() })),
});

export type JobDataCheck = { ok: true; data: PipelineJobData } | { ok: false; reason: string };

/** Checks a queue job's data; `reason` names the first fields that are missing or wrong. */
export const checkPipelineJobData = (value: unknown): JobDataCheck => {
  const parsed = pipelineJobDataSchema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data as unknown as PipelineJobData };
  const fields = parsed.error.issues.slice(0, 4).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  return { ok: false, reason: `unreadable job data (${fields.join('; ')})` };
};

/** The pipeline job id inside a queue job id (`<jobId>.<queue>`, see `queueJobId`). */
export const jobIdOfQueueJob = (queueJobIdValue: string | undefined): string | undefined => {
  if (!queueJobIdValue) return undefined;
  const dot = queueJobIdValue.lastIndexOf('.');
  return dot > 0 ? queueJobIdValue.slice(0, dot) : queueJobIdValue;
};
