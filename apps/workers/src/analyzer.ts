import type { EaioConfig } from '@eaio/core';
import { buildPrompt, evaluateAnswer } from '@eaio/energy';
import type { ChatMessage, ChatResult } from '@eaio/providers';
import { passThreshold } from '@eaio/routing';
import type { PipelineJobData } from '@eaio/queues';
import { evaluateGenericAnswer } from './generic-gate';
import type { Analyzer, GateVerdict } from './pipeline-ports';

/**
 * Building jobs: the versioned analysis prompt and the grounded quality gate from
 * `@eaio/energy`. Prompt jobs: the prompt as given and the generic gate.
 */
/**
 * A repair on the tier the job is on (a second chance before escalation): the model's own
 * answer as its turn, then what was wrong with it. The JSON mode and schema stay on.
 */
const repairTurns = (data: PipelineJobData): ChatMessage[] =>
  data.repair && data.repair.tier === data.tier
    ? [
        { role: 'assistant', content: data.repair.answer },
        { role: 'user', content: data.repair.prompt },
      ]
    : [];

export const createAnalyzer = (config: EaioConfig): Analyzer => ({
  buildRequest(data: PipelineJobData) {
    if (data.kind === 'building') {
      if (!data.facts || !data.analysisType) throw new Error(`building job ${data.jobId} carries no facts or analysis type`);
      const prompt = buildPrompt(data.analysisType, data.facts);
      return {
        system: prompt.system,
        messages: [{ role: 'user' as const, content: prompt.user }, ...repairTurns(data)],
        maxTokens: prompt.maxTokens,
        temperature: 0.2,
        responseFormat: { type: 'json' as const, schema: prompt.jsonSchema, name: 'analysis' },
      };
    }
    return {
      messages: [{ role: 'user' as const, content: data.prompt ?? '' }, ...repairTurns(data)],
      temperature: 0.2,
      responseFormat: data.wantsJson ? { type: 'json' as const } : { type: 'text' as const },
    };
  },
  evaluate(data: PipelineJobData, result: ChatResult): GateVerdict {
    const threshold = passThreshold(config.quality, data.taskType);
    if (data.kind === 'building' && data.facts && data.analysisType) {
      const gate = evaluateAnswer(result.text, data.facts, data.analysisType, { threshold });
      // Every verdict explains itself: per-check scores and issues, the claims with what each matched, the slips read forgivingly.
      return { score: gate.score, pass: gate.pass, threshold: gate.threshold, checks: { ...gate.checks, claims: gate.claims, repairs: gate.repairs } as Record<string, unknown> };
    }
    return evaluateGenericAnswer(result, { wantsJson: data.wantsJson ?? false, threshold });
  },
});
