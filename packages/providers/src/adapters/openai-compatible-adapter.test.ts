import { countTokens, PRESETS, startEmulator, withBehaviour, type Emulator } from '@eaio/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import type { EndpointConfig } from '../types';
import { createOpenAiCompatibleAdapter, isStrictCompatible, openAiBaseUrl } from './openai-compatible-adapter';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const SECRET = ['sk', 'test-secret-0123456789'].join('-');
const openai = (url: string, patch: Partial<EndpointConfig> = {}): EndpointConfig => ({
  id: 'openai',
  provider: 'openai',
  kind: 'openai-compatible',
  baseUrl: `${url}/v1`,
  apiKey: SECRET,
  local: false,
  ...patch,
});
const base = {
  model: 'gpt-4o-mini',
  system: 'You are an energy analyst.',
  messages: [{ role: 'user' as const, content: 'Summarise the load shape of building 12.' }],
  timeoutMs: 5_000,
};
const strictSchema = { type: 'object', properties: { risk: { type: 'string', enum: ['low', 'high'] } }, required: ['risk'], additionalProperties: false };

const failure = async (promise: Promise<unknown>): Promise<ProviderError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!ProviderError.isInstance(error)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
};

describe('OpenAI-compatible adapter through the openai SDK', () => {
  it('answers with usage, finish reason, request id header and the attempt id sent', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      hosts: [{ name: 'api', requireApiKey: SECRET }],
      models: { 'gpt-4o-mini': withBehaviour(PRESETS.instant, { reasoningTokensPerOutputToken: 0.5 }) },
    });
    const result = await createOpenAiCompatibleAdapter(openai(emulator.url)).chat({ ...base, maxTokens: 400, temperature: 0, seed: 5, attemptId: 'job-7:2' });
    expect(result.text.length).toBeGreaterThan(20);
    expect(result.usage.inputTokens).toBe(countTokens(`${base.system}\n\n${base.messages[0].content}`));
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    // the emulator reports reasoning_tokens = round(0.5 × completion_tokens)
    expect(result.usage.reasoningTokens).toBe(Math.round((result.usage.outputTokens ?? 0) * 0.5));
    expect(result.usage.reasoningTokens).toBeGreaterThan(0);
    expect(result.usage.cachedInputTokens).toBe(0);
    expect(result.usage.totalTokens).toBe((result.usage.inputTokens ?? 0) + (result.usage.outputTokens ?? 0));
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(result.requestId).toMatch(/^req_/);
    expect(result.timeToFirstTokenMs).toBeUndefined();
    const [entry] = emulator.log();
    expect(entry).toMatchObject({ attemptId: 'job-7:2', path: '/v1/chat/completions' });
    expect(entry.body).toMatchObject({ max_tokens: 400, temperature: 0, seed: 5 });
    expect(entry.body).not.toHaveProperty('stream', true);
  });

  it('reports cached prompt tokens from prompt_tokens_details and DeepSeek prompt_cache_hit_tokens', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const longSystem = 'Reference table of building benchmarks. '.repeat(200);
    const adapter = createOpenAiCompatibleAdapter(openai(emulator.url));
    await adapter.chat({ ...base, system: longSystem });
    const second = await adapter.chat({ ...base, system: longSystem, messages: [{ role: 'user', content: 'And building 13?' }] });
    expect(second.usage.cachedInputTokens).toBeGreaterThanOrEqual(1024);
    expect(second.usage.cachedInputTokens! % 128).toBe(0);

    const deepseek = createOpenAiCompatibleAdapter(openai(emulator.url, { id: 'deepseek', provider: 'deepseek' }));
    await deepseek.chat({ ...base, model: 'deepseek-chat', system: longSystem });
    const hit = await deepseek.chat({ ...base, model: 'deepseek-chat', system: longSystem, messages: [{ role: 'user', content: 'And 14?' }] });
    expect(hit.usage.cachedInputTokens).toBeGreaterThan(0);
    expect(hit.usage.cachedInputTokens! % 64).toBe(0);
    expect(hit.provider).toBe('deepseek');
  });

  it('picks json_schema, json_object or prompt-only from unsupportedParams', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const json = { type: 'json' as const, schema: strictSchema, name: 'risk' };
    const full = await createOpenAiCompatibleAdapter(openai(emulator.url)).chat({ ...base, responseFormat: json });
    expect(['low', 'high']).toContain((full.json as { risk: string }).risk);
    await createOpenAiCompatibleAdapter(openai(emulator.url, { unsupportedParams: ['response_format.json_schema'] })).chat({ ...base, responseFormat: json });
    await createOpenAiCompatibleAdapter(openai(emulator.url, { unsupportedParams: ['response_format', 'seed', 'max_tokens'] })).chat({
      ...base,
      seed: 1,
      maxTokens: 50,
      responseFormat: json,
    });
    const [schemaBody, objectBody, promptBody] = emulator.log().map((entry) => entry.body as Record<string, any>);
    expect(schemaBody.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'risk', schema: strictSchema, strict: true } });
    expect(schemaBody.messages[0].content).toBe(base.system);
    expect(objectBody.response_format).toEqual({ type: 'json_object' });
    expect(objectBody.messages[0].content).toContain('JSON');
    expect(promptBody.response_format).toBeUndefined();
    expect(promptBody.seed).toBeUndefined();
    expect(promptBody.max_tokens).toBeUndefined();
    expect(promptBody.max_completion_tokens).toBe(50);
    expect(promptBody.messages[0].content).toContain('"risk"');
  });

  it('returns unparseable JSON answers as text with json undefined', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      defaultModel: withBehaviour(PRESETS.instant, { answers: { grounded: 0, invalidJson: 1, hallucination: 0, missingSections: 0 } }),
    });
    const result = await createOpenAiCompatibleAdapter(openai(emulator.url)).chat({ ...base, responseFormat: { type: 'json', schema: strictSchema } });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.json).toBeUndefined();
  });

  it('maps every error class and never leaks the key', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      hosts: [{ name: 'api', requireApiKey: SECRET }],
      availableModels: { api: ['gpt-4o-mini', 'busy', 'broken', 'overloaded', 'garbled', 'small', 'prude', 'cut'] },
      models: {
        busy: withBehaviour(PRESETS.instant, { faults: { rateLimit: 1 }, retryAfterSeconds: 3 }),
        broken: withBehaviour(PRESETS.instant, { faults: { serverError: 1 } }),
        overloaded: withBehaviour(PRESETS.instant, { faults: { unavailable: 1 }, retryAfterSeconds: 1 }),
        garbled: withBehaviour(PRESETS.instant, { faults: { malformed: 1 } }),
        small: withBehaviour(PRESETS.instant, { contextWindow: 5 }),
        prude: withBehaviour(PRESETS.instant, { faults: { refusal: 1 } }),
        cut: withBehaviour(PRESETS.instant, { faults: { truncated: 1 } }),
      },
    });
    const adapter = createOpenAiCompatibleAdapter(openai(emulator.url));
    expect(await failure(adapter.chat({ ...base, model: 'busy' }))).toMatchObject({
      kind: 'rate-limit',
      statusCode: 429,
      retryAfterMs: 3_000,
      isRetryable: true,
      code: 'rate_limit_exceeded',
    });
    expect(await failure(adapter.chat({ ...base, model: 'broken' }))).toMatchObject({ kind: 'server', statusCode: 500, isRetryable: true });
    expect(await failure(adapter.chat({ ...base, model: 'overloaded' }))).toMatchObject({ kind: 'server', statusCode: 503, retryAfterMs: 1_000 });
    expect(await failure(adapter.chat({ ...base, model: 'garbled' }))).toMatchObject({ kind: 'invalid-response', isRetryable: true });
    expect(await failure(adapter.chat({ ...base, model: 'small' }))).toMatchObject({ kind: 'context-length', statusCode: 400, isRetryable: false });
    expect(await failure(adapter.chat({ ...base, model: 'gpt-9' }))).toMatchObject({ kind: 'model-not-found', statusCode: 404, isRetryable: false });
    expect(await failure(adapter.chat({ ...base, model: 'prude', responseFormat: { type: 'json', schema: strictSchema } }))).toMatchObject({
      kind: 'content-filter',
      isRetryable: false,
    });
    const truncated = await adapter.chat({ ...base, model: 'cut' });
    expect(truncated.finishReason).toEqual({ unified: 'length', raw: 'length' });
    const wrongKey = ['sk', 'wrong-key-abcdef123456'].join('-');
    const auth = await failure(createOpenAiCompatibleAdapter(openai(emulator.url, { apiKey: wrongKey })).chat(base));
    expect(auth).toMatchObject({ kind: 'auth', statusCode: 401, isRetryable: false });
    expect(auth.message).not.toContain(wrongKey);
    const noKey = await failure(createOpenAiCompatibleAdapter(openai(emulator.url, { apiKey: undefined, apiKeyEnv: 'OPENAI_API_KEY' })).chat(base));
    expect(noKey.kind).toBe('auth');
    expect(noKey.message).toContain('OPENAI_API_KEY');
  });

  it('aborts a hung request at the timeout and the emulator sees the socket close', async () => {
    emulator = await startEmulator({ timeScale: 1, defaultModel: withBehaviour(PRESETS.instant, { faults: { hang: 1 } }) });
    const started = Date.now();
    const error = await failure(createOpenAiCompatibleAdapter(openai(emulator.url)).chat({ ...base, timeoutMs: 300 }));
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: true });
    await expect.poll(() => emulator?.log()[0]?.finishedAt, { timeout: 1_000, interval: 20 }).toBeDefined();
    const [entry] = emulator.log();
    expect(entry.clientAborted).toBe(true);
    expect((entry.finishedAt ?? Infinity) - started).toBeLessThan(1_000);
    expect(emulator.log()).toHaveLength(1); // no SDK retry
  });

  it('lists /v1/models, works for a keyless local server, and fails over a closed port as network', async () => {
    emulator = await startEmulator({ timeScale: 0, availableModels: { emulator: ['qwen2.5-7b-instruct'] } });
    const local = createOpenAiCompatibleAdapter({ id: 'lmstudio', provider: 'local-openai', kind: 'openai-compatible', baseUrl: emulator.url, local: true });
    expect(await local.listModels()).toEqual(['qwen2.5-7b-instruct']);
    expect((await local.chat({ ...base, model: 'qwen2.5-7b-instruct' })).provider).toBe('local-openai');
    const url = emulator.url;
    await emulator.close();
    emulator = undefined;
    expect(await failure(local.chat({ ...base, model: 'qwen2.5-7b-instruct' }))).toMatchObject({ kind: 'network', isRetryable: true });
    expect((await createOpenAiCompatibleAdapter(openai(url)).checkHealth({ timeoutMs: 500 })).ok).toBe(false);
  });
});

describe('OpenAI request helpers', () => {
  it('adds /v1 only to a bare origin', () => {
    expect(openAiBaseUrl('https://api.deepseek.com')).toBe('https://api.deepseek.com/v1');
    expect(openAiBaseUrl('http://127.0.0.1:8000/v1/')).toBe('http://127.0.0.1:8000/v1');
  });

  it('calls a schema strict-compatible only when every object is closed and fully required', () => {
    expect(isStrictCompatible(strictSchema)).toBe(true);
    expect(isStrictCompatible({ ...strictSchema, additionalProperties: undefined })).toBe(false);
    expect(isStrictCompatible({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'], additionalProperties: false })).toBe(false);
    expect(
      isStrictCompatible({
        type: 'object',
        properties: { list: { type: 'array', items: { type: 'object', properties: { x: { type: 'number' } } } } },
        required: ['list'],
        additionalProperties: false,
      }),
    ).toBe(false);
  });
});
