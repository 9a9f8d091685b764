import OpenAI from 'openai';
import { Ollama } from 'ollama';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REFUSAL_TEXT } from './answer';
import { startEmulator } from './emulator';
import { PRESETS, withBehaviour } from './presets';
import type { AnswerBehaviour, Emulator } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const always = (behaviour: AnswerBehaviour) =>
  withBehaviour(PRESETS.instant, {
    answers: {
      grounded: 0,
      hallucination: behaviour === 'hallucination' ? 1 : 0,
      invalidJson: behaviour === 'invalid-json' ? 1 : 0,
      missingSections: behaviour === 'missing-sections' ? 1 : 0,
    },
  });

const openAi = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'k', maxRetries: 0 });

describe('answers and injected faults', () => {
  it('asks the injected synthesizer with the prompt text, behaviour and a request-seeded random', async () => {
    const synthesizer = vi.fn((prompt: string, behaviour: AnswerBehaviour, random: () => number) =>
      prompt.includes('BUILDING-FACTS') ? { text: `analysis ${behaviour} ${random().toFixed(6)}`, label: `energy-${behaviour}` } : null,
    );
    emulator = await startEmulator({ timeScale: 0, defaultModel: always('hallucination'), answerSynthesizer: synthesizer });
    const client = openAi(emulator.url);
    const energy = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Analyst.' },
        { role: 'user', content: 'BUILDING-FACTS: {...}' },
      ],
    });
    expect(synthesizer).toHaveBeenCalledWith('Analyst.\n\nBUILDING-FACTS: {...}', 'hallucination', expect.any(Function));
    expect(energy.choices[0].message.content).toMatch(/^analysis hallucination 0\.\d{6}$/);
    const generic = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(generic.choices[0].message.content).not.toMatch(/^analysis/);
    const [first, second] = emulator.log();
    expect(first).toMatchObject({ answerLabel: 'energy-hallucination', injected: ['answer:hallucination'] });
    expect(second.answerLabel).toBe('generic-hallucination');
  });

  it('generic JSON answers break or lose keys as the behaviour says', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' }, c: { type: 'boolean' }, d: { type: 'string' } }, required: ['a', 'b', 'c', 'd'] };
    const ask = async (behaviour: AnswerBehaviour): Promise<string> => {
      emulator?.configure({ defaultModel: always(behaviour) });
      const response = await new Ollama({ host: emulator!.url }).chat({ model: 'm', messages: [{ role: 'user', content: behaviour }], format: schema, stream: false });
      return response.message.content;
    };
    emulator = await startEmulator({ timeScale: 0 });
    expect(Object.keys(JSON.parse(await ask('grounded')) as object)).toEqual(['a', 'b', 'c', 'd']);
    expect(Object.keys(JSON.parse(await ask('missing-sections')) as object)).toEqual(['a', 'b']);
    const broken = await ask('invalid-json');
    expect(() => JSON.parse(broken)).toThrow();
    expect(JSON.parse(await ask('hallucination'))).toHaveProperty('note');
  });

  it('sends a malformed 200 body the SDK cannot parse', async () => {
    emulator = await startEmulator({ timeScale: 0, defaultModel: withBehaviour(PRESETS.instant, { faults: { malformed: 1 } }) });
    const raw = await fetch(`${emulator.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('application/json');
    await expect(raw.json()).rejects.toThrow();
    await expect(openAi(emulator.url).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    expect(emulator.log().every((entry) => entry.injected.includes('malformed'))).toBe(true);
  });

  it('truncates with finish reason length, and refuses in the provider style', async () => {
    emulator = await startEmulator({ timeScale: 0, defaultModel: withBehaviour(PRESETS.instant, { faults: { truncated: 1 } }) });
    const client = openAi(emulator.url);
    const cut = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(cut.choices[0].finish_reason).toBe('length');
    emulator.configure({ defaultModel: { faults: { truncated: 0, refusal: 1 } } });
    const refused = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(refused.choices[0].message.content).toBe(REFUSAL_TEXT);
    const strict = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: {} } } },
    });
    expect(strict.choices[0].message).toMatchObject({ content: null, refusal: REFUSAL_TEXT });
    expect(emulator.log().map((entry) => entry.injected)).toEqual([['truncated'], ['refusal'], ['refusal']]);
  });
});
