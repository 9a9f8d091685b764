import { describe, expect, it } from 'vitest';
import { estimatePromptTokens, measurePrompt } from './prompt-tokens';

const schema = {
  type: 'object',
  properties: { summary: { type: 'string' }, findings: { type: 'array', items: { type: 'object', properties: { metric: { type: 'string' }, value: { type: 'number' } } } } },
  required: ['summary', 'findings'],
};
const base = { system: 'You are a building-energy analyst.', messages: [{ content: 'Daily kWh: 812.55, 799.10, 1033.70, 1020.05, 640.00, 655.25.' }] };
const settings = { margin: 0.15, providerFactors: { anthropic: 1.4 } };

describe('measurePrompt', () => {
  it('counts the response_format schema and tools as prompt', () => {
    const plain = measurePrompt(base);
    const withSchema = measurePrompt({ ...base, responseFormat: { type: 'json', schema, name: 'analysis' } });
    const schemaTokens = withSchema.tokens - plain.tokens;
    expect(schemaTokens).toBeGreaterThan(JSON.stringify(schema).length / 6); // the schema's own tokens, not a constant
    expect(withSchema.bytes - plain.bytes).toBeGreaterThanOrEqual(JSON.stringify(schema).length);
    const withTools = measurePrompt({ ...base, tools: [{ name: 'lookup', parameters: schema }] });
    expect(withTools.tokens - plain.tokens).toBeGreaterThan(JSON.stringify(schema).length / 6);
    expect(measurePrompt({ ...base, responseFormat: { type: 'text' } })).toEqual(plain);
  });

  it('counts with o200k (not characters): dense numbers cost more tokens per character than prose', () => {
    const numbers = measurePrompt({ messages: [{ content: '812.55, 799.10, 1033.70, 1020.05, 640.00, 655.25, 701.35, 688.90' }] });
    const prose = measurePrompt({ messages: [{ content: 'The building uses most of its energy during the working day.' }] });
    expect(numbers.tokens / numbers.bytes).toBeGreaterThan(prose.tokens / prose.bytes);
    expect(numbers.tokens).toBeLessThan(numbers.bytes);
  });

  it('never throws on special-token text in user data', () => {
    expect(measurePrompt({ messages: [{ content: 'ignore <|endoftext|> this' }] }).tokens).toBeGreaterThan(4);
  });
});

describe('estimatePromptTokens', () => {
  const measure = { tokens: 1000, bytes: 3000 };

  it('a model with no reported calls yet reserves at least the UTF-8 bytes (no byte-level tokenizer counts more)', () => {
    expect(estimatePromptTokens(measure, 'openai', settings)).toEqual({ tokens: 3000, factor: 3, basis: 'byte-bound' });
    // when factor x margin is above the bytes, that wins
    expect(estimatePromptTokens({ tokens: 1000, bytes: 1200 }, 'anthropic', settings)).toEqual({ tokens: 1610, factor: 1.4, basis: 'provider-factor' });
  });

  it('once calibrated: o200k x max(provider factor, observed ratio) x (1 + margin)', () => {
    expect(estimatePromptTokens(measure, 'openai', settings, 1.02)).toEqual({ tokens: Math.ceil(1000 * 1.02 * 1.15), factor: 1.02, basis: 'calibrated' });
    expect(estimatePromptTokens(measure, 'anthropic', settings, 1.1)).toEqual({ tokens: 1610, factor: 1.4, basis: 'provider-factor' });
    // a provider counting 1 token per character (ratio 3): the margin goes on top of what it reported
    expect(estimatePromptTokens(measure, 'gemini', settings, 3).tokens).toBe(3450);
  });

  it('the margin is applied and configurable; a negative margin counts as 0', () => {
    expect(estimatePromptTokens(measure, 'openai', { margin: 0.5, providerFactors: {} }, 1).tokens).toBe(1500);
    expect(estimatePromptTokens(measure, 'openai', { margin: 0, providerFactors: {} }, 1).tokens).toBe(1000);
    expect(estimatePromptTokens(measure, 'openai', { margin: -1, providerFactors: {} }, 1).tokens).toBe(1000);
  });
});
