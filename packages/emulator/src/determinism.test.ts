import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator';
import { PRESETS, withBehaviour } from './presets';
import type { Emulator, EmulatorOptions } from './types';

const emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

const flaky = withBehaviour(PRESETS.instant, {
  faults: { rateLimit: 0.2, serverError: 0.1, truncated: 0.1, refusal: 0.1 },
  answers: { hallucination: 0.2, missingSections: 0.2 },
});

const start = async (options: EmulatorOptions): Promise<Emulator> => {
  const emulator = await startEmulator({ timeScale: 0, defaultModel: flaky, ...options });
  emulators.push(emulator);
  return emulator;
};

const ask = async (url: string, question: string): Promise<string> => {
  const response = await fetch(`${url}/api/chat`, {
    method: 'POST',
    body: JSON.stringify({ model: 'llama3.2', stream: false, messages: [{ role: 'user', content: question }] }),
  });
  return `${response.status}:${await response.text()}`.replace(/"created_at":"[^"]+"/, '');
};

const questions = Array.from({ length: 30 }, (_, index) => `Building ${index}: what stands out?`);

describe('determinism', () => {
  it('gives the same outcomes for the same seed whatever the concurrency order', async () => {
    const first = await start({ seed: 42 });
    const second = await start({ seed: 42 });
    const sequential: string[] = [];
    for (const question of questions) sequential.push(await ask(first.url, question));
    const concurrent = await Promise.all([...questions].reverse().map((question) => ask(second.url, question)));
    expect(concurrent.reverse()).toEqual(sequential);
    const labels = (emulator: Emulator) => Object.fromEntries(emulator.log().map((entry) => [JSON.stringify(entry.body), `${entry.injected.join()}|${entry.answerLabel ?? ''}`]));
    expect(labels(second)).toEqual(labels(first));
    const injected = first.log().flatMap((entry) => entry.injected);
    expect(injected.length).toBeGreaterThan(5);
  });

  it('differs between seeds', async () => {
    const first = await start({ seed: 1 });
    const second = await start({ seed: 2 });
    const a = await Promise.all(questions.map((question) => ask(first.url, question)));
    const b = await Promise.all(questions.map((question) => ask(second.url, question)));
    expect(a).not.toEqual(b);
  });

  it('lets a retried identical request get a different, but repeatable, outcome', async () => {
    const runs = async (): Promise<string[]> => {
      const emulator = await start({ seed: 7, defaultModel: withBehaviour(PRESETS.instant, { faults: { serverError: 0.5 } }) });
      const outcomes: string[] = [];
      for (let attempt = 0; attempt < 12; attempt += 1) outcomes.push((await ask(emulator.url, 'same question')).slice(0, 3));
      expect(emulator.log().map((entry) => entry.repeat)).toEqual([...Array(12).keys()]);
      return outcomes;
    };
    const first = await runs();
    expect(new Set(first)).toEqual(new Set(['200', '500']));
    expect(await runs()).toEqual(first);
  });

  it('resets repeat counters with reset()', async () => {
    const emulator = await start({ seed: 3 });
    const before = [await ask(emulator.url, 'q'), await ask(emulator.url, 'q')];
    emulator.reset();
    const after = [await ask(emulator.url, 'q'), await ask(emulator.url, 'q')];
    expect(after).toEqual(before);
  });
});
