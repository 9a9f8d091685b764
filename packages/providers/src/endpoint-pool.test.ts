import { PRESETS, startEmulator, withBehaviour, type Emulator } from '@eaio/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointPool } from './endpoint-pool';
import { servesModel } from './model-names';
import type { EndpointConfig } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const start = () =>
  startEmulator({
    hosts: [{ name: 'ollama-1' }, { name: 'ollama-2' }],
    timeScale: 0.2,
    defaultModel: withBehaviour(PRESETS.instant, { ttftMs: 200 }),
    availableModels: { 'ollama-1': ['llama3.2:3b'], 'ollama-2': ['llama3.2:3b', 'qwen2.5:7b'] },
  });

const endpointsOf = (running: Emulator): EndpointConfig[] =>
  running.hosts.map((host) => ({ id: host.name, provider: 'ollama', kind: 'ollama', baseUrl: host.url, local: true, maxInFlight: 2 }));
const request = (model: string) => ({ model, messages: [{ role: 'user' as const, content: 'Hello' }], timeoutMs: 2_000 });
const tagChecks = (running: Emulator, host: string) => running.log().filter((entry) => entry.host === host && entry.path === '/api/tags').length;

describe('EndpointPool', () => {
  it('selects only endpoints that list the model, and caches health for the TTL', async () => {
    emulator = await start();
    let now = 1_000;
    const pool = new EndpointPool({ endpoints: endpointsOf(emulator), healthTtlMs: 10_000, now: () => now });
    expect((await pool.select('qwen2.5:7b'))?.endpoint.id).toBe('ollama-2');
    expect(await pool.select('mistral:7b')).toBeUndefined();
    await pool.select('llama3.2:3b');
    expect(tagChecks(emulator, 'ollama-1')).toBe(1);
    now += 10_001;
    await pool.select('llama3.2:3b');
    expect(tagChecks(emulator, 'ollama-1')).toBe(2);
    expect(pool.health().map((entry) => entry.maxInFlight)).toEqual([2, 2]);
  });

  it('spreads concurrent chats over the hosts serving the model', async () => {
    emulator = await start();
    const pool = new EndpointPool({ endpoints: endpointsOf(emulator) });
    await Promise.all(Array.from({ length: 4 }, () => pool.chat(request('llama3.2:3b'))));
    const stats = emulator.stats();
    expect(stats.chatRequestsByHost['ollama-1']).toBe(2);
    expect(stats.chatRequestsByHost['ollama-2']).toBe(2);
    expect(stats.maxInFlightByHost['ollama-1']).toBe(2);
  });

  it('marks a host unhealthy on a network error and routes around it until it is checked again', async () => {
    emulator = await start();
    let now = 0;
    const pool = new EndpointPool({ endpoints: endpointsOf(emulator), unhealthyTtlMs: 5_000, now: () => now });
    await pool.refresh();
    await emulator.stopHost('ollama-1');
    const results = await Promise.allSettled([pool.chat(request('llama3.2:3b')), pool.chat(request('llama3.2:3b'))]);
    expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.kind)).toEqual(['network']);
    expect(pool.health().find((entry) => entry.endpointId === 'ollama-1')).toMatchObject({ ok: false, error: expect.stringMatching(/network/) });
    for (let index = 0; index < 3; index += 1) expect((await pool.select('llama3.2:3b'))?.endpoint.id).toBe('ollama-2');
    await emulator.startHost('ollama-1');
    now += 5_001;
    const picks = new Set<string>();
    for (let index = 0; index < 4; index += 1) picks.add((await pool.select('llama3.2:3b'))?.endpoint.id ?? '');
    expect(picks).toEqual(new Set(['ollama-1', 'ollama-2']));
  });

  it('fails a chat with a network error when no healthy endpoint serves the model', async () => {
    emulator = await start();
    const pool = new EndpointPool({ endpoints: endpointsOf(emulator) });
    await expect(pool.chat(request('mistral:7b'))).rejects.toMatchObject({ kind: 'network', message: expect.stringContaining('mistral:7b') });
  });
});

describe('servesModel', () => {
  it('treats a bare Ollama name as :latest and strips models/', () => {
    expect(servesModel(['llama3.2:latest'], 'llama3.2')).toBe(true);
    expect(servesModel(['llama3.2'], 'llama3.2:latest')).toBe(true);
    expect(servesModel(['llama3.2:3b'], 'llama3.2')).toBe(false);
    expect(servesModel(['models/gemini-2.5-flash'], 'gemini-2.5-flash')).toBe(true);
  });
});
