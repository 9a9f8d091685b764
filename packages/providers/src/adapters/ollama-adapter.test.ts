import { countTokens, PRESETS, startEmulator, withBehaviour, type Emulator } from '@eaio/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import type { EndpointConfig } from '../types';
import { createOllamaAdapter } from './ollama-adapter';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const endpointAt = (url: string): EndpointConfig => ({ id: 'ollama-1', provider: 'ollama', kind: 'ollama', baseUrl: url, local: true });
const base = {
  model: 'llama3.2:3b',
  system: 'You are an energy analyst.',
  messages: [{ role: 'user' as const, content: 'Summarise the load shape of building 12.' }],
  timeoutMs: 5_000,
};

const failure = async (promise: Promise<unknown>): Promise<ProviderError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
};

describe('Ollama adapter through the ollama client', () => {
  it('answers with usage from prompt_eval_count/eval_count, derived TTFT and the sent options', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      defaultModel: withBehaviour(PRESETS.local3b, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }),
    });
    const adapter = createOllamaAdapter(endpointAt(emulator.url), { keepAlive: '5m', numCtx: 16_384 });
    const result = await adapter.chat({ ...base, maxTokens: 300, temperature: 0.2, seed: 7, attemptId: 'job-1:1' });
    expect(result.text.length).toBeGreaterThan(20);
    expect(result.usage.inputTokens).toBe(countTokens(`${base.system}\n\n${base.messages[0].content}`));
    expect(result.usage.outputTokens).toBe(countTokens(result.text));
    expect(result.usage.totalTokens).toBe((result.usage.inputTokens ?? 0) + (result.usage.outputTokens ?? 0));
    expect(result.usage.cachedInputTokens).toBeUndefined();
    expect(result.usage.reasoningTokens).toBeUndefined();
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(result.timeToFirstTokenMs).toBeGreaterThan(0);
    expect(result).toMatchObject({ provider: 'ollama', endpoint: 'ollama-1', model: 'llama3.2:3b' });
    const [entry] = emulator.log();
    expect(entry.attemptId).toBe('job-1:1');
    expect(entry.body).toMatchObject({ stream: false, keep_alive: '5m', options: { num_ctx: 16_384, num_predict: 300, temperature: 0.2, seed: 7 } });
  });

  it('sends a JSON schema as format and parses the answer', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const schema = { type: 'object', properties: { risk: { type: 'string', enum: ['low', 'high'] } }, required: ['risk'] };
    const result = await createOllamaAdapter(endpointAt(emulator.url)).chat({ ...base, responseFormat: { type: 'json', schema } });
    expect(['low', 'high']).toContain((result.json as { risk: string }).risk);
    expect(emulator.log()[0].body).toMatchObject({ format: schema });
  });

  it('falls back to format "json" when the endpoint does not take schemas', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const adapter = createOllamaAdapter({ ...endpointAt(emulator.url), unsupportedParams: ['format.schema', 'seed'] });
    const result = await adapter.chat({ ...base, seed: 3, responseFormat: { type: 'json', schema: { type: 'object', properties: { a: { type: 'number' } } } } });
    expect(result.json).toBeTypeOf('object');
    const body = emulator.log()[0].body as { format: unknown; options: Record<string, unknown> };
    expect(body.format).toBe('json');
    expect(body.options.seed).toBeUndefined();
  });

  it('maps 404, 500 and 429 with retry-after, and a malformed body', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      availableModels: { emulator: ['llama3.2:3b', 'busy', 'broken', 'garbled'] },
      models: {
        busy: withBehaviour(PRESETS.instant, { faults: { rateLimit: 1 }, retryAfterSeconds: 2 }),
        broken: withBehaviour(PRESETS.instant, { faults: { serverError: 1 } }),
        garbled: withBehaviour(PRESETS.instant, { faults: { malformed: 1 } }),
      },
    });
    const adapter = createOllamaAdapter(endpointAt(emulator.url));
    const missing = await failure(adapter.chat({ ...base, model: 'missing-model' }));
    expect(missing).toMatchObject({ kind: 'model-not-found', statusCode: 404, isRetryable: false, endpoint: 'ollama-1' });
    const server = await failure(adapter.chat({ ...base, model: 'broken' }));
    expect(server).toMatchObject({ kind: 'server', statusCode: 500, isRetryable: true });
    const limited = await failure(adapter.chat({ ...base, model: 'busy' }));
    expect(limited).toMatchObject({ kind: 'rate-limit', statusCode: 429, retryAfterMs: 2_000, isRetryable: true });
    const garbled = await failure(adapter.chat({ ...base, model: 'garbled' }));
    expect(garbled).toMatchObject({ kind: 'invalid-response', isRetryable: true, retryLimit: 1 });
  });

  it('refuses a prompt that clearly exceeds num_ctx instead of letting Ollama truncate it', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const adapter = createOllamaAdapter(endpointAt(emulator.url), { numCtx: 100 });
    const error = await failure(adapter.chat({ ...base, messages: [{ role: 'user', content: 'x'.repeat(1_000) }] }));
    expect(error).toMatchObject({ kind: 'context-length', isRetryable: false });
    expect(emulator.log()).toHaveLength(0);
  });

  it('aborts a hung request at the timeout and the emulator sees the socket close', async () => {
    emulator = await startEmulator({ timeScale: 1, defaultModel: withBehaviour(PRESETS.instant, { faults: { hang: 1 } }) });
    const started = Date.now();
    const error = await failure(createOllamaAdapter(endpointAt(emulator.url)).chat({ ...base, timeoutMs: 300 }));
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: true });
    expect(Date.now() - started).toBeLessThan(1_500);
    await expect.poll(() => emulator?.log()[0]?.finishedAt, { timeout: 1_000, interval: 20 }).toBeDefined();
    const [entry] = emulator.log();
    expect(entry.clientAborted).toBe(true);
    expect((entry.finishedAt ?? Infinity) - started).toBeLessThan(1_000);
    expect(emulator.stats().inFlightByHost.emulator ?? 0).toBe(0);
  });

  it('reports a caller abort as aborted, not timeout', async () => {
    emulator = await startEmulator({ timeScale: 1, defaultModel: withBehaviour(PRESETS.instant, { faults: { hang: 1 } }) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(createOllamaAdapter(endpointAt(emulator.url)).chat({ ...base, timeoutMs: 5_000, signal: controller.signal }));
    expect(error.kind).toBe('aborted');
    expect(error.isRetryable).toBe(false);
  });

  it('lists models from /api/tags, describes one via /api/show, and is unhealthy on a closed port', async () => {
    emulator = await startEmulator({ timeScale: 0, availableModels: { emulator: ['llama3.2:3b', 'qwen2.5:7b'] } });
    const adapter = createOllamaAdapter(endpointAt(emulator.url));
    expect((await adapter.listModels()).sort()).toEqual(['llama3.2:3b', 'qwen2.5:7b']);
    const description = await adapter.describeModel('qwen2.5:7b');
    expect(Array.isArray(description.capabilities)).toBe(true);
    const health = await adapter.checkHealth();
    expect(health).toMatchObject({ ok: true, models: expect.arrayContaining(['llama3.2:3b']) });
    const url = emulator.url;
    await emulator.close();
    emulator = undefined;
    const down = await createOllamaAdapter(endpointAt(url)).checkHealth({ timeoutMs: 1_000 });
    expect(down.ok).toBe(false);
    expect(down.error).toMatch(/network error/);
    const chatError = await failure(createOllamaAdapter(endpointAt(url)).chat(base));
    expect(chatError).toMatchObject({ kind: 'network', isRetryable: true });
  });
});
