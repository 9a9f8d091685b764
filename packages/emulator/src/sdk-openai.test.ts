import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator';
import { PRESETS, withBehaviour } from './presets';
import type { Emulator } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const client = (url: string, apiKey = 'test-key'): OpenAI => new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are an energy analyst.' },
  { role: 'user', content: 'Is the baseload of building 7 high?' },
];

describe('OpenAI wire format through the openai SDK', () => {
  it('answers with usage details and the OpenAI headers', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const { data, response } = await client(emulator.url)
      .chat.completions.create({ model: 'gpt-4o-mini', messages, max_completion_tokens: 500 }, { headers: { 'x-eaio-attempt-id': 'job-1:1' } })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].finish_reason).toBe('stop');
    expect(data.choices[0].message.content?.length).toBeGreaterThan(10);
    expect(data.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    expect(data.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
    expect(data.usage?.total_tokens).toBe((data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0));
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expect(response.headers.get('openai-processing-ms')).not.toBeNull();
    expect(response.headers.get('x-ratelimit-remaining-requests')).not.toBeNull();
    expect(emulator.log()[0].attemptId).toBe('job-1:1');
  });

  it('streams chunks and a final usage chunk with stream_options.include_usage', async () => {
    emulator = await startEmulator({ timeScale: 0.01, defaultModel: PRESETS.api });
    const stream = await client(emulator.url).chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(Math.ceil(text.length / 4));
  });

  it('returns JSON for json_schema and cuts at max_tokens with finish_reason length', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const schema = { type: 'object', properties: { findings: { type: 'array', items: { type: 'string' } } }, required: ['findings'], additionalProperties: false };
    const json = await client(emulator.url).chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } },
    });
    expect(Array.isArray((JSON.parse(json.choices[0].message.content ?? '') as { findings: unknown }).findings)).toBe(true);
    const cut = await client(emulator.url).chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 3 });
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(cut.usage?.completion_tokens).toBe(3);
  });

  it('reports DeepSeek cache usage for deepseek models, with hits on a repeated prefix', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const system = 'Facts: '.repeat(100);
    const ask = (question: string) =>
      client(emulator!.url).chat.completions.create({
        model: 'deepseek-chat',
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: question },
        ],
      });
    const first = (await ask('first')).usage as unknown as Record<string, number>;
    const second = (await ask('second')).usage as unknown as Record<string, number>;
    expect(first.prompt_cache_hit_tokens).toBe(0);
    expect(first.prompt_cache_miss_tokens).toBe(first.prompt_tokens);
    expect(second.prompt_cache_hit_tokens).toBe(Math.floor(Math.ceil(system.length / 4) / 64) * 64);
    expect(second.prompt_cache_hit_tokens + second.prompt_cache_miss_tokens).toBe(second.prompt_tokens);
  });

  it('answers 429 with retry-after headers in the OpenAI error shape', async () => {
    emulator = await startEmulator({ timeScale: 0, defaultModel: withBehaviour(PRESETS.instant, { faults: { rateLimit: 1 }, retryAfterSeconds: 7 }) });
    const error = await client(emulator.url)
      .chat.completions.create({ model: 'gpt-4o-mini', messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiError.status).toBe(429);
    expect(apiError.code).toBe('rate_limit_exceeded');
    expect(apiError.headers?.get('retry-after')).toBe('7');
    expect(apiError.headers?.get('retry-after-ms')).toBe('7000');
    expect(emulator.log()[0].injected).toEqual(['rate-limit']);
  });

  it('refuses bad-key with 401 invalid_api_key, 404s a missing model, 400s an oversized prompt', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      hosts: [{ name: 'openai', requireApiKey: 'sk-right' }],
      availableModels: { openai: ['gpt-4o-mini'] },
      models: { 'gpt-4o-mini': withBehaviour(PRESETS.instant, { contextWindow: 50 }) },
    });
    const auth = await client(emulator.url, 'bad-key')
      .chat.completions.create({ model: 'gpt-4o-mini', messages })
      .catch((caught: unknown) => caught);
    expect(auth).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(String((auth as Error).message)).not.toContain('bad-key');
    const good = client(emulator.url, 'sk-right');
    await expect(good.chat.completions.create({ model: 'gpt-9', messages })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(good.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(400) }] })).rejects.toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      param: 'messages',
    });
    expect((await good.models.list()).data.map((model) => model.id)).toEqual(['gpt-4o-mini']);
  });
});
