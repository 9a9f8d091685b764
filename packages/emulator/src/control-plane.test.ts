import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator';
import type { Emulator, EmulatorStats, RequestLogEntry } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const openAiChat = (url: string, model = 'gpt-4o-mini') =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k', 'x-eaio-attempt-id': 'attempt-9' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });

describe('control plane over HTTP', () => {
  it('serves the shared log and stats from every host, and resets them', async () => {
    emulator = await startEmulator({ timeScale: 0, hosts: [{ name: 'one' }, { name: 'two' }] });
    const [one, two] = emulator.hosts;
    await (await openAiChat(one.url)).text();
    await (await fetch(`${two.url}/api/tags`)).text();

    const log = (await (await fetch(`${two.url}/__emulator/log`)).json()) as RequestLogEntry[];
    expect(log.map((entry) => [entry.host, entry.provider, entry.operation])).toEqual([
      ['one', 'openai', 'chat'],
      ['two', 'ollama', 'list-models'],
    ]);
    expect(log[0]).toMatchObject({ attemptId: 'attempt-9', model: 'gpt-4o-mini', status: 200, body: { model: 'gpt-4o-mini' } });
    expect(log[0].usage?.inputTokens).toBe(2);
    const since = (await (await fetch(`${one.url}/__emulator/log?since=${log[0].id}`)).json()) as RequestLogEntry[];
    expect(since.map((entry) => entry.id)).toEqual([log[1].id]);

    const stats = (await (await fetch(`${one.url}/__emulator/stats`)).json()) as EmulatorStats;
    expect(stats.requestsByHost).toEqual({ one: 1, two: 1 });
    expect(stats.maxInFlightByHost).toEqual({ one: 1 });

    expect((await fetch(`${one.url}/__emulator/reset`, { method: 'POST' })).status).toBe(200);
    expect(emulator.log()).toEqual([]);
    expect(emulator.stats().requestsByHost).toEqual({});
  });

  it('applies a JSON config patch that later requests obey', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const patch = { models: { 'gpt-4o-mini': { faults: { serverError: 1 } } }, availableModels: { emulator: ['gpt-4o-mini'] } };
    const applied = await fetch(`${emulator.url}/__emulator/config`, { method: 'POST', body: JSON.stringify(patch) });
    expect(applied.status).toBe(200);
    const failing = await openAiChat(emulator.url);
    expect(failing.status).toBe(500);
    expect(await failing.json()).toMatchObject({ error: { type: 'server_error' } });
    expect((await openAiChat(emulator.url, 'gpt-4o')).status).toBe(404);
    const config = (await (await fetch(`${emulator.url}/__emulator/config`)).json()) as { models: Record<string, { faults: { serverError: number; hang: number } }> };
    expect(config.models['gpt-4o-mini'].faults).toMatchObject({ serverError: 1, hang: 0 });
    expect((await fetch(`${emulator.url}/__emulator/config`, { method: 'POST', body: '{nope' })).status).toBe(400);
    emulator.configure({ models: { 'gpt-4o-mini': { faults: { serverError: 0 } } } });
    expect((await openAiChat(emulator.url)).status).toBe(200);
  });

  it('leaves bodies out of the log with logBodies: false', async () => {
    emulator = await startEmulator({ timeScale: 0, logBodies: false });
    await (await openAiChat(emulator.url)).text();
    const [entry] = emulator.log();
    expect(entry.body).toBeUndefined();
    expect(entry.model).toBe('gpt-4o-mini');
  });
});
