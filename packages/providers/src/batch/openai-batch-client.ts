import OpenAI, { toFile } from 'openai';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { AuthError, InvalidResponseError } from '../errors';
import { finishReasonFrom } from '../finish-reason';
import { parseJsonAnswer } from '../json-answer';
import { openAiBaseUrl, openAiRequestBody, openAiUsage } from '../adapters/openai-compatible-adapter';
import type { EndpointConfig } from '../types';
import { jsonLines, type BatchClient, type BatchItemOutcome, type BatchState } from './batch-client';

const ENDED = new Set(['completed', 'cancelled', 'expired', 'failed']);

/**
 * OpenAI's Batch API through the `openai` SDK: the requests as a JSONL file
 * (`files.create`, purpose `batch`), `batches.create` on `/v1/chat/completions` with a 24 h
 * window, `batches.retrieve`, the output and error files by `files.content`, `batches.cancel`.
 */
export const createOpenAiBatchClient = (endpoint: EndpointConfig): BatchClient => {
  const client = (timeoutMs = 60_000) => {
    if (!endpoint.apiKey) {
      throw new AuthError({
        provider: endpoint.provider,
        endpoint: endpoint.id,
        message: `${endpoint.provider} (${endpoint.id}): no API key configured${endpoint.apiKeyEnv ? ` (set ${endpoint.apiKeyEnv})` : ''}`,
      });
    }
    return new OpenAI({ apiKey: endpoint.apiKey, baseURL: openAiBaseUrl(endpoint.baseUrl), maxRetries: 2, timeout: timeoutMs, organization: endpoint.organization ?? null });
  };
  const stateOf = (batch: { id: string; status: string }): BatchState => ({ id: batch.id, status: batch.status, ended: ENDED.has(batch.status) });
  /** The chat request each custom id carried (for `json` parsing of the answers). */
  const wantsJson = new Map<string, boolean>();

  return {
    endpoint,
    async submit(items, options = {}) {
      const lines = items.map(({ customId, request }) => {
        wantsJson.set(customId, request.responseFormat?.type === 'json');
        return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: openAiRequestBody(endpoint, { ...request, timeoutMs: 0 }) });
      });
      const api = client(options.timeoutMs);
      const file = await api.files.create({ file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'eaio-batch.jsonl'), purpose: 'batch' });
      const batch = await api.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        ...(options.metadata ? { metadata: options.metadata } : {}),
      });
      return batch.id;
    },
    async state(batchId, options = {}) {
      return stateOf(await client(options.timeoutMs).batches.retrieve(batchId));
    },
    async cancel(batchId, options = {}) {
      return stateOf(await client(options.timeoutMs).batches.cancel(batchId));
    },
    async results(batchId, options = {}) {
      const api = client(options.timeoutMs);
      const batch = await api.batches.retrieve(batchId);
      const outcomes: BatchItemOutcome[] = [];
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (!fileId) continue;
        const text = await (await api.files.content(fileId)).text();
        for (const raw of jsonLines(text)) {
          const line = raw as { custom_id: string; response?: { status_code: number; request_id?: string; body?: unknown } | null; error?: { message?: string } | null };
          const status = line.response?.status_code;
          const completion = line.response?.body as ChatCompletion | undefined;
          const choice = completion?.choices?.[0];
          if (status !== 200 || !choice?.message) {
            const body = line.response?.body as { error?: { message?: string } } | undefined;
            outcomes.push({ customId: line.custom_id, ok: false, kind: 'errored', status, message: body?.error?.message ?? line.error?.message ?? `status ${status ?? 'none'}` });
            continue;
          }
          const text = choice.message.content ?? '';
          outcomes.push({
            customId: line.custom_id,
            ok: true,
            result: {
              text,
              json: wantsJson.get(line.custom_id) !== false && text.trim().startsWith('{') ? parseJsonAnswer(text) : undefined,
              usage: openAiUsage(completion!.usage as Parameters<typeof openAiUsage>[0]),
              finishReason: finishReasonFrom('openai', choice.finish_reason),
              latencyMs: 0,
              provider: endpoint.provider,
              model: completion!.model,
              endpoint: endpoint.id,
              requestId: line.response?.request_id ?? completion!.id,
            },
          });
        }
      }
      if (!ENDED.has(batch.status))
        throw new InvalidResponseError({ provider: endpoint.provider, endpoint: endpoint.id, message: `batch ${batchId} has not ended (${batch.status})` });
      return outcomes;
    },
  };
};
