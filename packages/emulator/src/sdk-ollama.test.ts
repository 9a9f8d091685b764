import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator';
import { PRESETS, withBehaviour } from './presets';
import { countTokens } from './tokens';
import type { Emulator } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const messages = [
  { role: 'system', content: 'You are an energy analyst.' },
  { role: 'user', content: 'Summarise the load shape of building 12.' },
];

describe('Ollama wire format through the ollama SDK', () => {
  it('answers a non-streamed chat with Ollama usage fields and logs it', async () => {
    emulator = await startEmulator({ timeScale: 0, availableModels: { emulator: ['llama3.2:3b'] } });
    const client = new Ollama({ host: emulator.url });
    const response = await client.chat({ model: 'llama3.2:3b', messages, stream: false, keep_alive: '5m', options: { num_ctx: 8192 } });
    expect(response.done).toBe(true);
    expect(response.done_reason).toBe('stop');
    expect(response.message.role).toBe('assistant');
    expect(response.message.content.length).toBeGreaterThan(20);
    expect(response.prompt_eval_count).toBe(countTokens(`${messages[0].content}\n\n${messages[1].content}`));
    expect(response.eval_count).toBe(countTokens(response.message.content));
    const [entry] = emulator.log();
    expect(entry).toMatchObject({ host: 'emulator', provider: 'ollama', operation: 'chat', model: 'llama3.2:3b', status: 200, path: '/api/chat' });
    expect(entry.usage?.outputTokens).toBe(response.eval_count);
  });

  it('streams NDJSON chunks that add up to the answer, with counts on the final chunk', async () => {
    emulator = await startEmulator({
      timeScale: 0.01,
      defaultModel: withBehaviour(PRESETS.local3b, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } }),
    });
    const client = new Ollama({ host: emulator.url });
    const stream = await client.chat({ model: 'qwen2.5:7b', messages, stream: true });
    const parts: string[] = [];
    let last: { done: boolean; eval_count?: number; done_reason?: string } | undefined;
    for await (const part of stream) {
      parts.push(part.message.content);
      last = part;
    }
    expect(parts.length).toBeGreaterThan(2);
    expect(last?.done).toBe(true);
    expect(last?.done_reason).toBe('stop');
    expect(last?.eval_count).toBe(countTokens(parts.join('')));
  });

  it('returns JSON matching a requested schema', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const client = new Ollama({ host: emulator.url });
    const schema = { type: 'object', properties: { summary: { type: 'string' }, score: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['summary', 'score'] };
    const response = await client.chat({ model: 'llama3.2', messages, stream: false, format: schema });
    const parsed = JSON.parse(response.message.content) as { summary: string; score: number };
    expect(typeof parsed.summary).toBe('string');
    expect(Number.isInteger(parsed.score) && parsed.score >= 1 && parsed.score <= 5).toBe(true);
  });

  it('lists, shows and versions models per host, and 404s an unknown model the Ollama way', async () => {
    emulator = await startEmulator({
      timeScale: 0,
      hosts: [{ name: 'gpu-1' }, { name: 'gpu-2' }],
      availableModels: { 'gpu-1': ['llama3.2:3b'], 'gpu-2': ['qwen2.5:7b', 'llama3.2:3b'] },
    });
    const [first, second] = emulator.hosts.map((host) => new Ollama({ host: host.url }));
    expect((await first.list()).models.map((model) => model.name)).toEqual(['llama3.2:3b']);
    expect((await second.list()).models.map((model) => model.name)).toEqual(['qwen2.5:7b', 'llama3.2:3b']);
    expect((await second.show({ model: 'qwen2.5:7b' })).details.format).toBe('gguf');
    expect((await first.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    const error = await first.chat({ model: 'qwen2.5:7b', messages, stream: false }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ResponseError', status_code: 404, error: 'model "qwen2.5:7b" not found, try pulling it first' });
  });

  it('truncates a prompt longer than num_ctx silently, as Ollama does', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const client = new Ollama({ host: emulator.url });
    const long = 'kWh '.repeat(2000);
    const response = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: long }], stream: false, options: { num_ctx: 1024 } });
    expect(response.prompt_eval_count).toBe(1024);
    expect(emulator.log()[0].injected).toContain('context-truncated');
  });
});
