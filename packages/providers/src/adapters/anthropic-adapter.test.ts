import { countTokens, PRESETS, startEmulator, withBehaviour, type Emulator } from '@eaio/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import type { EndpointConfig } from '../types';
import { anthropicUsage, createAnthropicAdapter } from './anthropic-adapter';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const SECRET = ['sk', 'ant', 'test-secret-987654321'].join('-');
const anthropic = (url: string, patch: Partial<EndpointConfig> = {}): EndpointConfig => ({
  id: 'anthropic',
  provider: 'anthropic',
  kind: 'anthropic',
  baseUrl: url,
  apiKey: SECRET,
  local: false,
  ...patch,
});
const base = {
  model: 'claude-emulated-1',
  system: 'You are an energy analyst.',
  messages: [{ role: 'user' as const, content: 'Summarise the load shape of building 12.' }],
  timeoutMs: 5_000,
};
const schema = { type: 'object', properties: { risk: { type: 'string', enum: ['low', 'high'] } }, required: ['risk'] };

const failure = async (promise: Promise<unknown>): Promise<ProviderError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
};

describe('Anthropic adapter through @anthropic-ai/sdk', () => {
  it('answers with usage, end_turn → stop, request-id header and attempt id', async () => {
    emulator = await startEmulator({ timeScale: 0, hosts: [{ name: 'api', requireApiKey: SECRET }] });
    const result = await createAnthropicAdapter(anthropic(emulator.url)).chat({ ...base, maxTokens: 500, attemptId: 'job-3:1' });
    expect(result.text.length).toBeGreaterThan(20);
    expect(result.usage.inputTokens).toBe(countTokens(`${base.system}\n\n${base.messages[0].content}`));
    expect(result.usage.outputTokens).toBe(countTokens(result.text));
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
    expect(result.requestId).toMatch(/^req_/);
    const [entry] = emulator.log();
    expect(entry).toMatchObject({ provider: 'anthropic', attemptId: 'job-3:1', path: '/v1/messages' });
    expect(entry.body).toMatchObject({ max_tokens: 500, system: [{ type: 'text', text: base.system, cache_control: { type: 'ephemeral' } }] });
  });

  it('reports cache writes then cache reads for a repeated cacheable system prompt, inside inputTokens', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const adapter = createAnthropicAdapter(anthropic(emulator.url));
    const longSystem = 'Reference table of building benchmarks. '.repeat(200);
    const first = await adapter.chat({ ...base, system: longSystem });
    const second = await adapter.chat({ ...base, system: longSystem, messages: [{ role: 'user', content: 'And building 13?' }] });
    const [firstEntry, secondEntry] = emulator.log();
    expect(first.usage.cacheWriteTokens).toBe(firstEntry.usage?.cacheWriteTokens);
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(second.usage.cachedInputTokens).toBe(secondEntry.usage?.cachedInputTokens);
    expect(second.usage.cachedInputTokens).toBeGreaterThan(0);
    expect(second.usage.inputTokens).toBe(secondEntry.usage?.inputTokens);
  });

  it('maps usage fields onto the shared convention and keeps unknown as undefined', () => {
    expect(
      anthropicUsage({
        input_tokens: 1_500,
        cache_read_input_tokens: 10_000,
        cache_creation_input_tokens: 2_000,
        output_tokens: 700,
        output_tokens_details: { thinking_tokens: 300 },
      }),
    ).toEqual({ inputTokens: 13_500, outputTokens: 700, cachedInputTokens: 10_000, cacheWriteTokens: 2_000, reasoningTokens: 300, totalTokens: 14_200 });
    expect(anthropicUsage({ input_tokens: 10, output_tokens: 5 })).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cachedInputTokens: undefined,
      cacheWriteTokens: undefined,
      reasoningTokens: undefined,
      totalTokens: 15,
    });
  });

  it('uses output_config.format for a schema, else a system instruction', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const native = await createAnthropicAdapter(anthropic(emulator.url)).chat({ ...base, responseFormat: { type: 'json', schema } });
    expect(['low', 'high']).toContain((native.json as { risk: string }).risk);
    await createAnthropicAdapter(anthropic(emulator.url, { unsupportedParams: ['output_config.format'] }), { cacheSystemPrompt: false }).chat({
      ...base,
      seed: 4,
      responseFormat: { type: 'json', schema },
    });
    const [nativeBody, promptBody] = emulator.log().map((entry) => entry.body as Record<string, any>);
    expect(nativeBody.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(promptBody.output_config).toBeUndefined();
    expect(promptBody.system).toContain('"risk"');
    expect(promptBody.seed).toBeUndefined();
  });

  it('maps 429 with retry-after, 500, 529 overloaded, 404, context length, refusal, malformed and auth', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      availableModels: { emulator: ['claude-emulated-1', 'busy', 'broken', 'overloaded', 'garbled', 'small', 'prude', 'cut'] },
      models: {
        busy: withBehaviour(PRESETS.instant, { faults: { rateLimit: 1 }, retryAfterSeconds: 4 }),
        broken: withBehaviour(PRESETS.instant, { faults: { serverError: 1 } }),
        overloaded: withBehaviour(PRESETS.instant, { faults: { unavailable: 1 } }),
        garbled: withBehaviour(PRESETS.instant, { faults: { malformed: 1 } }),
        small: withBehaviour(PRESETS.instant, { contextWindow: 5 }),
        prude: withBehaviour(PRESETS.instant, { faults: { refusal: 1 } }),
        cut: withBehaviour(PRESETS.instant, { faults: { truncated: 1 } }),
      },
    });
    const adapter = createAnthropicAdapter(anthropic(emulator.url));
    expect(await failure(adapter.chat({ ...base, model: 'busy' }))).toMatchObject({ kind: 'rate-limit', statusCode: 429, retryAfterMs: 4_000, code: 'rate_limit_error' });
    expect(await failure(adapter.chat({ ...base, model: 'broken' }))).toMatchObject({ kind: 'server', statusCode: 500, isRetryable: true });
    expect(await failure(adapter.chat({ ...base, model: 'overloaded' }))).toMatchObject({ kind: 'server', statusCode: 529, isRetryable: true, code: 'overloaded_error' });
    expect(await failure(adapter.chat({ ...base, model: 'claude-9' }))).toMatchObject({ kind: 'model-not-found', statusCode: 404 });
    expect(await failure(adapter.chat({ ...base, model: 'small' }))).toMatchObject({ kind: 'context-length', statusCode: 400, isRetryable: false });
    expect(await failure(adapter.chat({ ...base, model: 'prude' }))).toMatchObject({ kind: 'content-filter', code: 'refusal', isRetryable: false });
    expect(await failure(adapter.chat({ ...base, model: 'garbled' }))).toMatchObject({ kind: 'invalid-response' });
    expect((await adapter.chat({ ...base, model: 'cut' })).finishReason).toEqual({ unified: 'length', raw: 'max_tokens' });
    const auth = await failure(createAnthropicAdapter(anthropic(emulator.url, { apiKey: 'bad-key' })).chat(base));
    expect(auth).toMatchObject({ kind: 'auth', statusCode: 401, isRetryable: false });
  });

  it('aborts a hung request at the timeout and the emulator sees the socket close', async () => {
    emulator = await startEmulator({ timeScale: 1, defaultModel: withBehaviour(PRESETS.instant, { faults: { hang: 1 } }) });
    const started = Date.now();
    const error = await failure(createAnthropicAdapter(anthropic(emulator.url)).chat({ ...base, timeoutMs: 300 }));
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: true });
    await expect.poll(() => emulator?.log()[0]?.finishedAt, { timeout: 1_000, interval: 20 }).toBeDefined();
    expect(emulator.log()[0].clientAborted).toBe(true);
    expect((emulator.log()[0].finishedAt ?? Infinity) - started).toBeLessThan(1_000);
    expect(emulator.log()).toHaveLength(1);
  });

  it('lists models when healthy', async () => {
    emulator = await startEmulator({ timeScale: 0, availableModels: { emulator: ['claude-emulated-1'] } });
    const health = await createAnthropicAdapter(anthropic(emulator.url)).checkHealth();
    expect(health).toMatchObject({ ok: true, models: ['claude-emulated-1'] });
  });
});
