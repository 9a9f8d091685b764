import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator';
import { PRESETS, withBehaviour } from './presets';
import type { Emulator } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const client = (url: string, apiKey = 'test-key'): Anthropic => new Anthropic({ baseURL: url, apiKey, maxRetries: 0 });
const request = {
  model: 'claude-emulated-1',
  max_tokens: 800,
  system: 'You are an energy analyst.',
  messages: [{ role: 'user' as const, content: 'Why does building 3 use more at night?' }],
};

describe('Anthropic wire format through @anthropic-ai/sdk', () => {
  it('answers a message with usage and request-id', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const { data, response } = await client(emulator.url).messages.create(request).withResponse();
    expect(data.type).toBe('message');
    expect(data.stop_reason).toBe('end_turn');
    expect(data.content[0].type).toBe('text');
    expect(data.usage.input_tokens).toBe(Math.ceil(`${request.system}\n\n${request.messages[0].content}`.length / 4));
    expect(data.usage.cache_read_input_tokens).toBe(0);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });

  it('streams text deltas and a final message with usage', async () => {
    emulator = await startEmulator({ timeScale: 0.01, defaultModel: PRESETS.api });
    const stream = client(emulator.url).messages.stream(request);
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const start = new Promise<number>((resolve) => stream.on('streamEvent', (event) => event.type === 'message_start' && resolve(event.message.usage.input_tokens)));
    const final = await stream.finalMessage();
    expect(await start).toBe(final.usage.input_tokens);
    expect(final.usage.input_tokens).toBeGreaterThan(5);
    expect(final.stop_reason).toBe('end_turn');
    expect(text.length).toBeGreaterThan(10);
    expect(final.usage.output_tokens).toBe(Math.ceil(text.length / 4));
  });

  it('writes then reads the prompt cache when cache_control is set', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const system = [{ type: 'text' as const, text: 'Long shared instructions. '.repeat(50), cache_control: { type: 'ephemeral' as const } }];
    const first = await client(emulator.url).messages.create({ ...request, system });
    const second = await client(emulator.url).messages.create({ ...request, system, messages: [{ role: 'user', content: 'Another building' }] });
    const systemTokens = Math.ceil(system[0].text.length / 4);
    expect(first.usage.cache_creation_input_tokens).toBe(systemTokens);
    expect(second.usage.cache_read_input_tokens).toBe(systemTokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
  });

  it('answers an injected overload with 529 overloaded_error and retry-after', async () => {
    emulator = await startEmulator({ timeScale: 0, defaultModel: withBehaviour(PRESETS.instant, { faults: { unavailable: 1 }, retryAfterSeconds: 3 }) });
    const error = await client(emulator.url)
      .messages.create(request)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(529);
    expect((apiError.error as { error: { type: string } }).error.type).toBe('overloaded_error');
    expect(apiError.headers?.get('retry-after')).toBe('3');
  });

  it('refuses with stop_reason refusal, authenticates, requires max_tokens and lists models in its own shape', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      defaultModel: withBehaviour(PRESETS.instant, { faults: { refusal: 1 } }),
      availableModels: { emulator: ['claude-emulated-1'] },
    });
    const refused = await client(emulator.url).messages.create(request);
    expect(refused.stop_reason).toBe('refusal');
    await expect(client(emulator.url, 'bad-key').messages.create(request)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const { max_tokens: _dropped, ...withoutMax } = request;
    const raw = await fetch(`${emulator.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify(withoutMax),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const models = await client(emulator.url).models.list();
    expect(models.data.map((model) => [model.type, model.id])).toEqual([['model', 'claude-emulated-1']]);
  });
});
