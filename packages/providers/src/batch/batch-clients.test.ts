import { startEmulator, type Emulator } from '@eaio/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointConfig } from '../types';
import { createBatchClient } from './index';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const endpointOf = (provider: 'openai' | 'anthropic', url: string): EndpointConfig =>
  ({
    id: `${provider}-main`,
    provider,
    kind: provider === 'openai' ? 'openai-compatible' : 'anthropic',
    baseUrl: provider === 'openai' ? `${url}/v1` : url,
    local: false,
    apiKey: 'test-key',
  }) as unknown as EndpointConfig;

const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 400 && !(await check()); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
};

describe.each(['openai', 'anthropic'] as const)('%s batch API through the official SDK against the emulator', (provider) => {
  it('uploads, creates, polls and maps every result back by custom id; the log shows batch calls and no chat calls', async () => {
    emulator = await startEmulator({ timeScale: 0, batchDelayMs: 50 });
    const client = createBatchClient(endpointOf(provider, emulator.url))!;
    const model = provider === 'openai' ? 'gpt-4o-mini' : 'claude-haiku-4-5';
    const items = ['a#1', 'b#1', 'c#1'].map((customId, index) => ({
      customId,
      request: { model, messages: [{ role: 'user' as const, content: `question ${index}` }], maxTokens: 200 },
    }));
    const id = await client.submit(items);
    expect((await client.state(id)).ended).toBe(false);
    await until(async () => (await client.state(id)).ended);
    const results = await client.results(id);
    expect(results.map((result) => result.customId).sort()).toEqual(['a#1', 'b#1', 'c#1']);
    for (const result of results) {
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.result.text.length).toBeGreaterThan(0);
        expect(result.result.usage.inputTokens).toBeGreaterThan(0);
        expect(result.result.usage.outputTokens).toBeGreaterThan(0);
      }
    }
    const operations = emulator.log().map((entry) => entry.operation);
    expect(operations).not.toContain('chat');
    expect(operations.filter((operation) => operation === 'batch-item')).toHaveLength(3);
    expect(operations).toContain('batch-create');
    if (provider === 'openai') expect(operations).toContain('file-upload');
    else expect(operations).toContain('batch-results');
  });

  it('cancels a batch that has not been processed: every request comes back canceled or errored, none answered', async () => {
    emulator = await startEmulator({ timeScale: 0, batchDelayMs: 60_000 });
    const client = createBatchClient(endpointOf(provider, emulator.url))!;
    const id = await client.submit([{ customId: 'x#1', request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } }]);
    const state = await client.cancel(id);
    expect(state.ended).toBe(true);
    const results = await client.results(id);
    expect(results.every((result) => !result.ok)).toBe(true);
    expect(emulator.log().some((entry) => entry.operation === 'batch-item')).toBe(false);
  });
});
