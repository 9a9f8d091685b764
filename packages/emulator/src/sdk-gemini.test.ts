import { ApiError, GoogleGenAI } from '@google/genai';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator';
import { PRESETS, withBehaviour } from './presets';
import type { Emulator } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const client = (url: string, apiKey = 'test-key'): GoogleGenAI => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: url } });
const contents = [{ role: 'user', parts: [{ text: 'Describe the weather sensitivity of building 9.' }] }];

describe('Gemini wire format through @google/genai', () => {
  it('answers generateContent with usageMetadata and finishReason STOP', async () => {
    emulator = await startEmulator({ timeScale: 0, models: { 'gemini-2.5-flash': withBehaviour(PRESETS.instant, { reasoningTokensPerOutputToken: 0.5 }) } });
    const response = await client(emulator.url).models.generateContent({
      model: 'gemini-2.5-flash',
      contents,
      config: { systemInstruction: 'You are an energy analyst.' },
    });
    expect(response.candidates?.[0].finishReason).toBe('STOP');
    expect(response.text?.length).toBeGreaterThan(10);
    const usage = response.usageMetadata;
    expect(usage?.candidatesTokenCount).toBe(Math.ceil((response.text ?? '').length / 4));
    expect(usage?.thoughtsTokenCount).toBe(Math.round((usage?.candidatesTokenCount ?? 0) * 0.5));
    expect(usage?.totalTokenCount).toBe((usage?.promptTokenCount ?? 0) + (usage?.candidatesTokenCount ?? 0) + (usage?.thoughtsTokenCount ?? 0));
    expect(emulator.log()[0]).toMatchObject({ provider: 'gemini', model: 'gemini-2.5-flash', path: '/v1beta/models/gemini-2.5-flash:generateContent' });
  });

  it('returns JSON for responseMimeType application/json with a responseJsonSchema', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const response = await client(emulator.url).models.generateContent({
      model: 'gemini-2.5-flash',
      contents,
      config: {
        responseMimeType: 'application/json',
        responseJsonSchema: { type: 'object', properties: { risk: { type: 'string', enum: ['low', 'high'] } }, required: ['risk'] },
      },
    });
    expect(['low', 'high']).toContain((JSON.parse(response.text ?? '') as { risk: string }).risk);
  });

  it('streams with alt=sse and ends with MAX_TOKENS when cut by maxOutputTokens', async () => {
    emulator = await startEmulator({ timeScale: 0.01, defaultModel: PRESETS.api });
    const stream = await client(emulator.url).models.generateContentStream({ model: 'gemini-2.5-flash', contents, config: { maxOutputTokens: 5 } });
    let text = '';
    let finish: string | undefined;
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    expect(finish).toBe('MAX_TOKENS');
    expect(text.length).toBe(20);
    expect(emulator.log()[0]).toMatchObject({ stream: true, path: '/v1beta/models/gemini-2.5-flash:streamGenerateContent' });
  });

  it('answers an injected rate limit with 429 RESOURCE_EXHAUSTED and a bad key with API_KEY_INVALID', async () => {
    emulator = await startEmulator({ timeScale: 0, defaultModel: withBehaviour(PRESETS.instant, { faults: { rateLimit: 1 } }) });
    const limited = await client(emulator.url)
      .models.generateContent({ model: 'gemini-2.5-flash', contents })
      .catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(ApiError);
    expect((limited as ApiError).status).toBe(429);
    expect((limited as ApiError).message).toContain('RESOURCE_EXHAUSTED');
    const refused = await client(emulator.url, 'bad-key')
      .models.generateContent({ model: 'gemini-2.5-flash', contents })
      .catch((caught: unknown) => caught);
    expect((refused as ApiError).status).toBe(400);
    expect((refused as ApiError).message).toContain('API_KEY_INVALID');
  });

  it('blocks a refusal with finishReason SAFETY and no text; lists models', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      defaultModel: withBehaviour(PRESETS.instant, { faults: { refusal: 1 } }),
      availableModels: { emulator: ['gemini-2.5-flash', 'gemini-2.5-pro'] },
    });
    const response = await client(emulator.url).models.generateContent({ model: 'gemini-2.5-pro', contents });
    expect(response.candidates?.[0].finishReason).toBe('SAFETY');
    expect(response.text).toBeUndefined();
    const names: string[] = [];
    for await (const model of await client(emulator.url).models.list()) names.push(model.name ?? '');
    expect(names).toEqual(['models/gemini-2.5-flash', 'models/gemini-2.5-pro']);
  });
});
