import type { EaioConfig } from '@eaio/core';
import { buildFormatRepairPrompt, buildRepairPrompt, failedOnFormatOnly } from '@eaio/energy';
import { escalate } from '@eaio/routing';
import type { AttemptSummary, PipelineJobData, RepairRequest } from '@eaio/queues';
import type { EscalationPolicy, FailedAnswer, Failure } from './pipeline-ports';

/** Longest previous answer sent back to the model with a repair prompt, characters. */
const MAX_ANSWER_CHARS = 12_000;

const repairsMade = (history: readonly AttemptSummary[], tier: string, kind: 'gate' | 'format'): number =>
  history.filter((entry) => entry.tier === tier && entry.repair === kind).length;

const schemaIssue = (checks: Record<string, unknown>): string | undefined => {
  const schema = checks.schema as { issues?: unknown } | undefined;
  return Array.isArray(schema?.issues) && typeof schema.issues[0] === 'string' ? schema.issues[0] : undefined;
};

/**
 * The routing package's `escalate()`, fed the job's chain, tier and attempt count, and the
 * second chance before it: an answer that failed the gate is asked again on the same tier
 * (`quality.repairsPerTier` times) with a repair prompt naming what the gate found; a local
 * answer that failed on format alone (not JSON, cut off) is first asked again in the
 * model's JSON mode (`quality.formatRetries` times) without counting as a failed answer.
 * Repairs count toward `retries.maxTotalAttempts` like every call.
 */
export const createEscalationPolicy = (config: EaioConfig): EscalationPolicy => ({
  next(data: PipelineJobData, failure: Failure) {
    const attempts = data.history.length + 1;
    return escalate({ chain: data.chain, currentTier: data.tier, attempts, privacy: data.privacy }, failure, {
      routing: config.routing,
      tiers: config.tiers,
      retries: config.retries,
    });
  },
  repair(data: PipelineJobData, failed: FailedAnswer): RepairRequest | undefined {
    if (failed.history.length >= config.retries.maxTotalAttempts) return undefined;
    const base = { tier: data.tier, of: failed.attemptId, answer: failed.text.slice(0, MAX_ANSWER_CHARS) };
    const formatOnly = failed.truncated || failedOnFormatOnly(failed.gate.checks);
    if (failed.local && formatOnly && repairsMade(failed.history, data.tier, 'format') < config.quality.formatRetries) {
      return { ...base, kind: 'format', prompt: buildFormatRepairPrompt({ truncated: failed.truncated, detail: schemaIssue(failed.gate.checks) }) };
    }
    if (repairsMade(failed.history, data.tier, 'gate') >= config.quality.repairsPerTier) return undefined;
    const claims = Array.isArray(failed.gate.checks.claims) ? (failed.gate.checks.claims as Parameters<typeof buildRepairPrompt>[0]['claims']) : undefined;
    const prompt = formatOnly
      ? buildFormatRepairPrompt({ truncated: failed.truncated, detail: schemaIssue(failed.gate.checks) })
      : buildRepairPrompt({ checks: failed.gate.checks, claims });
    return { ...base, kind: 'gate', prompt };
  },
});
