import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator';
import { PRESETS, withBehaviour } from './presets';
import { countTokens, tokenCounter } from './tokens';
import type { Emulator } from './types';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const system = 'You are an energy analyst.';
const user = 'Hourly kWh 2019-03-04: 12.5, 13.75, 0.004, 118.2, 97.05, 101.3; floor area 5321 m2.';
const schema = { type: 'object', properties: { summary: { type: 'string' }, eui: { type: 'number' } }, required: ['summary', 'eui'], additionalProperties: false };
const prompt = `${system}\n\n${user}`;

const openAiUsage = async (url: string, maxTokens = 400) => {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'k', maxRetries: 0 });
  const answer = await client.chat.completions.create({
    model: 'gpt-test',
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    max_tokens: maxTokens,
    response_format: { type: 'json_schema', json_schema: { name: 'analysis', schema, strict: true } },
  });
  return { usage: answer.usage!, text: answer.choices[0]!.message.content ?? '' };
};

describe('token counting modes', () => {
  it('chars/4 (default) counts the prompt text only, 4 characters a token', async () => {
    emulator = await startEmulator({ timeScale: 0 });
    const { usage, text } = await openAiUsage(emulator.url);
    expect(usage.prompt_tokens).toBe(countTokens(prompt));
    expect(usage.completion_tokens).toBe(countTokens(text));
  });

  it('per-character (strict) bills every character sent, the response_format schema included; output capped at max_tokens characters', async () => {
    emulator = await startEmulator({ timeScale: 0, models: { 'gpt-test': withBehaviour(PRESETS.instant, { tokenCounting: 'per-character' }) } });
    const { usage, text } = await openAiUsage(emulator.url, 60);
    expect(usage.prompt_tokens).toBe(prompt.length + JSON.stringify(schema).length);
    expect(usage.prompt_tokens).toBeGreaterThan(3 * countTokens(prompt)); // what the default mode would have said
    expect(usage.completion_tokens).toBe([...text].length);
    expect(usage.completion_tokens).toBeLessThanOrEqual(60);
    expect(emulator.log()[0].usage?.inputTokens).toBe(usage.prompt_tokens);
  });

  it('o200k (strict) counts with the real tokenizer, through the Anthropic SDK too', async () => {
    emulator = await startEmulator({ timeScale: 0, models: { 'claude-test': withBehaviour(PRESETS.instant, { tokenCounting: 'o200k' }) } });
    const client = new Anthropic({ baseURL: emulator.url, apiKey: 'k', maxRetries: 0 });
    const message = await client.messages.create({ model: 'claude-test', system, messages: [{ role: 'user', content: user }], max_tokens: 300 });
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0) + (message.usage.cache_creation_input_tokens ?? 0)).toBe(encode(prompt).length);
    expect(message.usage.output_tokens).toBe(encode(text).length);
  });

  it('the preset apiStrictTokens counts per character; take and split keep whole tokens', () => {
    expect(PRESETS.apiStrictTokens.tokenCounting).toBe('per-character');
    const strict = tokenCounter('per-character');
    expect(strict.count('能源分析')).toBe(4);
    expect(strict.take('能源分析', 2)).toBe('能源');
    expect(strict.split('abcde', 2)).toEqual(['ab', 'cd', 'e']);
    const real = tokenCounter('o200k');
    const pieces = real.split('The baseload is 42.5 kW overnight.', 3);
    expect(pieces.join('')).toBe('The baseload is 42.5 kW overnight.');
    expect(real.count(real.take('The baseload is 42.5 kW overnight.', 4))).toBe(4);
  });
});
