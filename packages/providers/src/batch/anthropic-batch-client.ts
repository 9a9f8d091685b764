import Anthropic from '@anthropic-ai/sdk';
import { anthropicRequestBody, anthropicUsage } from '../adapters/anthropic-adapter';
import { AuthError } from '../errors';
import { finishReasonFrom } from '../finish-reason';
import { parseJsonAnswer } from '../json-answer';
import type { EndpointConfig } from '../types';
import type { BatchClient, BatchItemOutcome, BatchState } from './batch-client';

/**
 * Anthropic's Message Batches through `@anthropic-ai/sdk`: `messages.batches.create` with
 * `requests: [{ custom_id, params }]`, `retrieve` until `processing_status` is `ended`,
 * `results` (a JSONL stream of succeeded / errored / canceled / expired), `cancel`.
 */
export const createAnthropicBatchClient = (endpoint: EndpointConfig, settings: { defaultMaxTokens?: number; cacheSystemPrompt?: boolean } = {}): BatchClient => {
  const body = { defaultMaxTokens: settings.defaultMaxTokens ?? 4096, cacheSystemPrompt: settings.cacheSystemPrompt ?? true };
  const client = (timeoutMs = 60_000) => {
    if (!endpoint.apiKey) {
      throw new AuthError({
        provider: endpoint.provider,
        endpoint: endpoint.id,
        message: `${endpoint.provider} (${endpoint.id}): no API key configured${endpoint.apiKeyEnv ? ` (set ${endpoint.apiKeyEnv})` : ''}`,
      });
    }
    return new Anthropic({ apiKey: endpoint.apiKey, baseURL: endpoint.baseUrl.replace(/\/+$/, ''), maxRetries: 2, timeout: timeoutMs });
  };
  const stateOf = (batch: { id: string; processing_status: string }): BatchState => ({ id: batch.id, status: batch.processing_status, ended: batch.processing_status === 'ended' });

  return {
    endpoint,
    async submit(items, options = {}) {
      const batch = await client(options.timeoutMs).messages.batches.create({
        requests: items.map(({ customId, request }) => ({ custom_id: customId, params: anthropicRequestBody(endpoint, { ...request, timeoutMs: 0 }, body) })),
      });
      return batch.id;
    },
    async state(batchId, options = {}) {
      return stateOf(await client(options.timeoutMs).messages.batches.retrieve(batchId));
    },
    async cancel(batchId, options = {}) {
      return stateOf(await client(options.timeoutMs).messages.batches.cancel(batchId));
    },
    async results(batchId, options = {}) {
      const outcomes: BatchItemOutcome[] = [];
      for await (const line of await client(options.timeoutMs).messages.batches.results(batchId)) {
        const result = line.result;
        if (result.type === 'succeeded') {
          const message = result.message;
          const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
          outcomes.push({
            customId: line.custom_id,
            ok: true,
            result: {
              text,
              json: text.trim().startsWith('{') ? parseJsonAnswer(text) : undefined,
              usage: anthropicUsage(message.usage as Parameters<typeof anthropicUsage>[0]),
              finishReason: finishReasonFrom('anthropic', message.stop_reason),
              latencyMs: 0,
              provider: endpoint.provider,
              model: message.model,
              endpoint: endpoint.id,
              requestId: message.id,
            },
          });
        } else if (result.type === 'errored') {
          const error = result.error as unknown as { error?: { type?: string; message?: string } };
          outcomes.push({ customId: line.custom_id, ok: false, kind: 'errored', message: error.error?.message ?? error.error?.type ?? 'errored' });
        } else {
          outcomes.push({ customId: line.custom_id, ok: false, kind: result.type, message: result.type });
        }
      }
      return outcomes;
    },
  };
};
