import { Ollama } from 'ollama';
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

const chat = (url: string, model: string, content = 'How is building 1 doing?') =>
  fetch(`${url}/api/chat`, { method: 'POST', body: JSON.stringify({ model, stream: false, messages: [{ role: 'user', content }] }) });

const slow = withBehaviour(PRESETS.instant, { ttftMs: 150 });

describe('in-flight accounting, hangs and host outages', () => {
  it('counts concurrent requests per host and per host+model, with a timeline of changes', async () => {
    emulator = await startEmulator({ hosts: [{ name: 'a' }, { name: 'b' }], defaultModel: slow });
    const [a, b] = emulator.hosts;
    const responses = await Promise.all([chat(a.url, 'fast'), chat(a.url, 'quality'), chat(b.url, 'fast')]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    const stats = emulator.stats();
    expect(stats.maxInFlightByHost).toEqual({ a: 2, b: 1 });
    expect(stats.maxInFlightByHostModel).toEqual({ 'a/fast': 1, 'a/quality': 1, 'b/fast': 1 });
    expect(stats.inFlightByHost).toEqual({ a: 0, b: 0 });
    expect(stats.chatRequestsByHost).toEqual({ a: 2, b: 1 });
    const onA = stats.timeline.filter((sample) => sample.host === 'a').map((sample) => sample.inFlight);
    expect(onA).toEqual([1, 2, 1, 0]);
    const times = stats.timeline.map((sample) => sample.t);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  it('really waits: ttft + tokens / tokensPerSecond, scaled by timeScale', async () => {
    emulator = await startEmulator({ timeScale: 0.5, defaultModel: withBehaviour(PRESETS.instant, { ttftMs: 100, tokensPerSecond: 100, networkLatencyMs: 40 }) });
    const started = performance.now();
    const response = await new Ollama({ host: emulator.url }).chat({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: false });
    const elapsed = performance.now() - started;
    const expected = (40 + 100 + (response.eval_count / 100) * 1000) * 0.5;
    expect(elapsed).toBeGreaterThanOrEqual(expected - 5);
    expect(elapsed).toBeLessThan(expected + 250);
  });

  it('holds a hung request open until the client aborts, then ends it in the log and stats', async () => {
    emulator = await startEmulator({ timeScale: 0, defaultModel: withBehaviour(PRESETS.instant, { faults: { hang: 1 } }) });
    const client = new OpenAI({ baseURL: `${emulator.url}/v1`, apiKey: 'k', maxRetries: 0, timeout: 300 });
    const started = performance.now();
    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await expect.poll(() => emulator!.stats().inFlightByHost.emulator).toBe(0);
    const [entry] = emulator.log();
    expect(entry).toMatchObject({ injected: ['hang'], status: 0, clientAborted: true });
    expect(entry.finishedAt! - entry.startedAt).toBeGreaterThanOrEqual(250);
    expect(emulator.stats().maxInFlightByHost.emulator).toBe(1);
  });

  it('closes promptly while a request hangs, failing that request', async () => {
    emulator = await startEmulator({ timeScale: 0, defaultModel: withBehaviour(PRESETS.instant, { faults: { hang: 1 } }) });
    const pending = chat(emulator.url, 'm').then(
      () => 'answered',
      () => 'failed',
    );
    await expect.poll(() => emulator!.stats().inFlightByHost.emulator).toBe(1);
    const started = performance.now();
    await emulator.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBe('failed');
    emulator = undefined;
  });

  it('takes one host down and brings it back on the same port', async () => {
    emulator = await startEmulator({ timeScale: 0, hosts: [{ name: 'ollama-1' }, { name: 'ollama-2' }] });
    const [first, second] = emulator.hosts;
    await emulator.stopHost('ollama-1');
    expect(emulator.hosts[0].running).toBe(false);
    await expect(chat(first.url, 'm')).rejects.toThrow();
    expect((await chat(second.url, 'm')).status).toBe(200);
    await emulator.startHost('ollama-1');
    expect(emulator.hosts[0]).toMatchObject({ running: true, port: first.port });
    expect((await chat(first.url, 'm')).status).toBe(200);
    await expect(emulator.stopHost('nope')).rejects.toThrow('no emulated host named "nope"');
  });

  it('cuts requests in flight when their host stops, and counts them out', async () => {
    emulator = await startEmulator({ hosts: [{ name: 'gpu' }], defaultModel: withBehaviour(PRESETS.instant, { ttftMs: 5_000 }) });
    const pending = chat(emulator.url, 'm').then(
      () => 'answered',
      () => 'failed',
    );
    await expect.poll(() => emulator!.stats().inFlightByHost.gpu).toBe(1);
    await emulator.stopHost('gpu');
    expect(await pending).toBe('failed');
    expect(emulator.stats().inFlightByHost.gpu).toBe(0);
    expect(emulator.log()[0].clientAborted).toBe(true);
  });
});
