import { countTokens, PRESETS, startEmulator, withBehaviour, type Emulator } from '@eaio/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import type { EndpointConfig } from '../types';
import { createGeminiAdapter, geminiUsage } from './gemini-adapter';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const SECRET = 'AIza-test-secret-24680';
const gemini = (url: string, patch: Partial<EndpointConfig> = {}): EndpointConfig => ({
  id: 'gemini',
  provider: 'gemini',
  kind: 'gemini',
  baseUrl: url,
  apiKey: SECRET,
  local: false,
  ...patch,
});
const base = {
  model: 'gemini-2.5-flash',
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

describe('Gemini adapter through @google/genai', () => {
  it('answers with usageMetadata (thoughts added to output), STOP → stop, and config sent', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      hosts: [{ name: 'api', requireApiKey: SECRET }],
      models: { 'gemini-2.5-flash': withBehaviour(PRESETS.instant, { reasoningTokensPerOutputToken: 0.5 }) },
    });
    const result = await createGeminiAdapter(gemini(emulator.url)).chat({ ...base, maxTokens: 600, temperature: 0.1, seed: 9, attemptId: 'job-4:1' });
    const visible = countTokens(result.text);
    expect(result.usage.inputTokens).toBe(countTokens(`${base.system}\n\n${base.messages[0].content}`));
    expect(result.usage.reasoningTokens).toBe(Math.round(visible * 0.5));
    expect(result.usage.outputTokens).toBe(visible + Math.round(visible * 0.5));
    expect(result.usage.totalTokens).toBe((result.usage.inputTokens ?? 0) + (result.usage.outputTokens ?? 0));
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'STOP' });
    expect(result.requestId).toBeTruthy();
    const [entry] = emulator.log();
    expect(entry).toMatchObject({ provider: 'gemini', attemptId: 'job-4:1', path: '/v1beta/models/gemini-2.5-flash:generateContent' });
    expect(entry.body).toMatchObject({ generationConfig: { maxOutputTokens: 600, temperature: 0.1, seed: 9 }, systemInstruction: { parts: [{ text: base.system }] } });
  });

  it('reports cachedContentTokenCount for a repeated long system prompt', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const adapter = createGeminiAdapter(gemini(emulator.url));
    const longSystem = 'Reference table of building benchmarks. '.repeat(200);
    await adapter.chat({ ...base, system: longSystem });
    const second = await adapter.chat({ ...base, system: longSystem, messages: [{ role: 'user', content: 'And 13?' }] });
    expect(second.usage.cachedInputTokens).toBeGreaterThanOrEqual(1024);
    expect(second.usage.cachedInputTokens).toBe(emulator.log()[1].usage?.cachedInputTokens);
  });

  it('keeps unknown usage fields undefined', () => {
    expect(geminiUsage({ promptTokenCount: 20, candidatesTokenCount: 5 })).toEqual({
      inputTokens: 20,
      outputTokens: 5,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
      totalTokens: undefined,
    });
    expect(geminiUsage(undefined)).toEqual({});
  });

  it('asks for JSON with responseMimeType + responseJsonSchema and parses it', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const result = await createGeminiAdapter(gemini(emulator.url)).chat({ ...base, responseFormat: { type: 'json', schema } });
    expect(['low', 'high']).toContain((result.json as { risk: string }).risk);
    expect(emulator.log()[0].body).toMatchObject({ generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema } });
  });

  it('maps RESOURCE_EXHAUSTED with RetryInfo, INTERNAL, UNAVAILABLE, 404, context length, SAFETY, malformed and API_KEY_INVALID', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      availableModels: { emulator: ['gemini-2.5-flash', 'busy', 'broken', 'overloaded', 'garbled', 'small', 'prude', 'cut'] },
      models: {
        busy: withBehaviour(PRESETS.instant, { faults: { rateLimit: 1 }, retryAfterSeconds: 7 }),
        broken: withBehaviour(PRESETS.instant, { faults: { serverError: 1 } }),
        overloaded: withBehaviour(PRESETS.instant, { faults: { unavailable: 1 } }),
        garbled: withBehaviour(PRESETS.instant, { faults: { malformed: 1 } }),
        small: withBehaviour(PRESETS.instant, { contextWindow: 5 }),
        prude: withBehaviour(PRESETS.instant, { faults: { refusal: 1 } }),
        cut: withBehaviour(PRESETS.instant, { faults: { truncated: 1 } }),
      },
    });
    const adapter = createGeminiAdapter(gemini(emulator.url));
    expect(await failure(adapter.chat({ ...base, model: 'busy' }))).toMatchObject({ kind: 'rate-limit', statusCode: 429, retryAfterMs: 7_000, code: 'RESOURCE_EXHAUSTED' });
    expect(await failure(adapter.chat({ ...base, model: 'broken' }))).toMatchObject({ kind: 'server', statusCode: 500 });
    expect(await failure(adapter.chat({ ...base, model: 'overloaded' }))).toMatchObject({ kind: 'server', statusCode: 503, code: 'UNAVAILABLE' });
    expect(await failure(adapter.chat({ ...base, model: 'gemini-9' }))).toMatchObject({ kind: 'model-not-found', statusCode: 404 });
    expect(await failure(adapter.chat({ ...base, model: 'small' }))).toMatchObject({ kind: 'context-length', statusCode: 400, isRetryable: false });
    expect(await failure(adapter.chat({ ...base, model: 'prude' }))).toMatchObject({ kind: 'content-filter', code: 'SAFETY' });
    expect(await failure(adapter.chat({ ...base, model: 'garbled' }))).toMatchObject({ kind: 'invalid-response' });
    expect((await adapter.chat({ ...base, model: 'cut' })).finishReason).toEqual({ unified: 'length', raw: 'MAX_TOKENS' });
    const auth = await failure(createGeminiAdapter(gemini(emulator.url, { apiKey: 'bad-key' })).chat(base));
    expect(auth).toMatchObject({ kind: 'auth', statusCode: 400, code: 'INVALID_ARGUMENT', isRetryable: false });
    expect(emulator.log().filter((entry) => entry.operation === 'chat')).toHaveLength(9); // no SDK retries
  });

  it('aborts a hung request at the timeout and the emulator sees the socket close', async () => {
    emulator = await startEmulator({ timeScale: 1, defaultModel: withBehaviour(PRESETS.instant, { faults: { hang: 1 } }) });
    const started = Date.now();
    const error = await failure(createGeminiAdapter(gemini(emulator.url)).chat({ ...base, timeoutMs: 300 }));
    expect(error).toMatchObject({ kind: 'timeout', isRetryable: true });
    await expect.poll(() => emulator?.log()[0]?.finishedAt, { timeout: 1_000, interval: 20 }).toBeDefined();
    expect(emulator.log()[0].clientAborted).toBe(true);
    expect((emulator.log()[0].finishedAt ?? Infinity) - started).toBeLessThan(1_000);
  });

  it('lists models without the models/ prefix', async () => {
    emulator = await startEmulator({ timeScale: 0, availableModels: { emulator: ['gemini-2.5-flash', 'gemini-2.5-pro'] } });
    expect((await createGeminiAdapter(gemini(emulator.url)).listModels()).sort()).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
  });
});
