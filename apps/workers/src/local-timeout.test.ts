import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '@eaio/core';
import { PRESETS, startEmulator, withBehaviour, type Emulator } from '@eaio/emulator';
import { EndpointPool, ProviderError, createOllamaAdapter, type EndpointConfig } from '@eaio/providers';
import { createLocalTimeouts, keepAliveMs } from './local-timeout';
import { createModelSelector } from './model-selector';

const SHIPPED = resolve(import.meta.dirname, '../../../config/eaio.yaml');
const MODEL = 'qwen2.5:7b-instruct';
/** The emulator and the timeouts both run at this fraction of real time, so a 70 s answer takes 0.7 s. */
const SCALE = 0.01;
/** 2,048 tokens at the emulator's 4 characters per token. */
const LONG_ANSWER = 'kwh '.repeat(2048);

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const shipped = (env: Record<string, string> = {}) => loadConfig({ path: SHIPPED, env });

describe('keepAliveMs', () => {
  it('reads Ollama durations', () => {
    expect(keepAliveMs('30m')).toBe(1_800_000);
    expect(keepAliveMs('1h')).toBe(3_600_000);
    expect(keepAliveMs('300')).toBe(300_000);
    expect(keepAliveMs(90)).toBe(90_000);
    expect(keepAliveMs('-1')).toBe(Number.POSITIVE_INFINITY);
    expect(keepAliveMs('0')).toBe(0);
    expect(() => keepAliveMs('soon')).toThrow(/not a duration/);
  });
});

describe('derived local timeout', () => {
  it('with the shipped defaults: 193 s for 2,048 tokens from a cold 7B model, 133 s once it answered within keep_alive', () => {
    let now = 1_000_000;
    const timeouts = createLocalTimeouts(shipped().localTimeout, () => now);
    const cold = timeouts.timeoutFor('ollama-1', MODEL, 2048);
    expect(cold).toMatchObject({ speedSource: 'configured', tokensPerSecond: 25, loadAllowanceMs: 60_000 });
    expect(cold.timeoutMs).toBe(Math.round(10_000 + 60_000 + (1.5 * 2048 * 1000) / 25));
    expect(cold.reason).toContain('1.5 × 2048 tokens at 25.0 tok/s (configured)');
    timeouts.observe('ollama-1', MODEL, undefined);
    expect(timeouts.timeoutFor('ollama-1', MODEL, 2048)).toMatchObject({ loadAllowanceMs: 0, timeoutMs: Math.round(10_000 + (1.5 * 2048 * 1000) / 25) });
    now += 31 * 60_000; // past keep_alive 30m: the model may have been unloaded
    expect(timeouts.timeoutFor('ollama-1', MODEL, 2048).loadAllowanceMs).toBe(60_000);
    // an unlisted model on another host: the default speed
    expect(timeouts.timeoutFor('ollama-2', 'mistral:7b', 1024)).toMatchObject({ speedSource: 'default', tokensPerSecond: 20 });
  });

  it('switches to the rolling measured speed per host and model after minSamples calls, and holds to min/max', () => {
    const timeouts = createLocalTimeouts({ ...shipped().localTimeout, minSamples: 3, rollingSamples: 4 });
    timeouts.observe('ollama-1', MODEL, { outputTokens: 1000, evalMs: 100_000 }); // 10 tok/s
    timeouts.observe('ollama-1', MODEL, { outputTokens: 8, evalMs: 1_000 }); // too short to count
    expect(timeouts.measuredTokensPerSecond('ollama-1', MODEL)).toBeUndefined();
    timeouts.observe('ollama-1', MODEL, { outputTokens: 1000, evalMs: 100_000 });
    timeouts.observe('ollama-1', MODEL, { outputTokens: 1000, evalMs: 100_000 });
    expect(timeouts.measuredTokensPerSecond('ollama-1', MODEL)).toBeCloseTo(10);
    expect(timeouts.measuredTokensPerSecond('ollama-2', MODEL)).toBeUndefined();
    expect(timeouts.timeoutFor('ollama-1', MODEL, 2048)).toMatchObject({ speedSource: 'measured', timeoutMs: 317_200 });
    // the window rolls: four fast calls push the slow ones out
    for (let index = 0; index < 4; index += 1) timeouts.observe('ollama-1', MODEL, { outputTokens: 2000, evalMs: 20_000 });
    expect(timeouts.measuredTokensPerSecond('ollama-1', MODEL)).toBeCloseTo(100);
    expect(timeouts.timeoutFor('ollama-1', MODEL, 100).timeoutMs).toBe(30_000); // minSec
    expect(timeouts.timeoutFor('ollama-1', 'slow:70b', 100_000).timeoutMs).toBe(900_000); // maxSec
  });

  it('LOCAL_TIMEOUT_SEC still overrides: the selector then uses the fixed timeout', async () => {
    emulator = await startEmulator({ timeScale: 0, availableModels: { emulator: [MODEL, 'llama3.2:3b'] } });
    const derived = shipped({ OLLAMA_BASE_URL: emulator.url });
    const fixed = shipped({ OLLAMA_BASE_URL: emulator.url, LOCAL_TIMEOUT_SEC: '45' });
    const choose = (config: typeof derived) =>
      createModelSelector({ config, pool: new EndpointPool({ endpoints: config.endpoints }) }).choose('local-quality', {} as never, 'ollama-1');
    expect(await choose(derived)).toMatchObject({ model: MODEL, timeoutMs: 192_880, timeoutReason: expect.stringContaining('tok/s (configured)') });
    expect(await choose(fixed)).toMatchObject({ model: MODEL, timeoutMs: 45_000, timeoutReason: 'fixed 45 s' });
  });
});

describe('a 7B model at 30 tok/s writing 2,048-token answers (emulator, every wait × 0.01)', () => {
  const start = async () => {
    emulator = await startEmulator({
      timeScale: SCALE,
      hosts: [{ name: 'ollama-1' }],
      models: { [MODEL]: PRESETS.local7b },
      answerSynthesizer: () => ({ text: LONG_ANSWER, label: 'long' }),
    });
    const endpoint: EndpointConfig = { id: 'ollama-1', provider: 'ollama', kind: 'ollama', baseUrl: emulator.url, local: true };
    return createOllamaAdapter(endpoint, { numCtx: 32_768 });
  };
  const request = (timeoutMs: number) => ({ model: MODEL, messages: [{ role: 'user' as const, content: 'Analyse building 12.' }], maxTokens: 2048, timeoutMs });

  it('no timeout with the default settings, cold or measured; the old fixed 10 s would have cut every answer', async () => {
    expect(PRESETS.local7b.tokensPerSecond).toBe(30);
    const adapter = await start();
    const timeouts = createLocalTimeouts(shipped().localTimeout);
    for (let call = 0; call < 4; call += 1) {
      const limit = timeouts.timeoutFor('ollama-1', MODEL, 2048);
      const result = await adapter.chat(request(limit.timeoutMs * SCALE));
      expect(result.usage.outputTokens).toBe(2048);
      // emulated real time, as the server reports it (not this busy machine's wall clock): 350 ms to first
      // token + 2048 / 30 s = 68.6 s, inside the limit with room: 193 s cold, 133 s warm, 112 s once 30 tok/s is measured
      expect((result.timeToFirstTokenMs ?? 0) + (result.generation?.evalMs ?? Number.POSITIVE_INFINITY)).toBeLessThan(limit.timeoutMs * 0.75);
      timeouts.observe('ollama-1', MODEL, result.generation);
    }
    expect(timeouts.measuredTokensPerSecond('ollama-1', MODEL)).toBeCloseTo(30, 0);
    const measured = timeouts.timeoutFor('ollama-1', MODEL, 2048);
    expect(measured).toMatchObject({ speedSource: 'measured', loadAllowanceMs: 0 });
    expect(measured.timeoutMs).toBe(Math.round(10_000 + (1.5 * 2048 * 1000) / measured.tokensPerSecond)); // ≈ 112 s

    const old = await adapter.chat(request(10_000 * SCALE)).catch((error: unknown) => error);
    expect(ProviderError.isInstance(old) && old.kind).toBe('timeout');
  });

  it('a genuinely hung call still ends within its derived limit', async () => {
    const adapter = await start();
    emulator!.configure({ models: { [MODEL]: withBehaviour(PRESETS.local7b, { faults: { hang: 1 } }) } });
    const limit = createLocalTimeouts(shipped().localTimeout).timeoutFor('ollama-1', MODEL, 2048);
    const began = performance.now();
    const error = await adapter.chat(request(limit.timeoutMs * SCALE)).catch((caught: unknown) => caught);
    const waited = performance.now() - began;
    expect(ProviderError.isInstance(error) && error.kind).toBe('timeout');
    expect(waited).toBeGreaterThanOrEqual(limit.timeoutMs * SCALE - 5);
    expect(waited).toBeLessThan(limit.timeoutMs * SCALE + 1_000);
    expect(emulator!.log().find((entry) => entry.operation === 'chat')).toMatchObject({ injected: ['hang'], status: 0 });
  });
});
