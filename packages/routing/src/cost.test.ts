import { describe, expect, it } from 'vitest';
import { actualCostMicro, microToUsd, usdToMicro, worstCaseCostMicro, type ModelPrice } from './cost';
import { seededRandom } from './policy-fixture';

const gpt4oMini: ModelPrice = { inputPerMTok: 0.15, cachedInputPerMTok: 0.075, outputPerMTok: 0.6 };
const haiku: ModelPrice = { inputPerMTok: 0.8, cachedInputPerMTok: 0.08, cacheWritePerMTok: 1, outputPerMTok: 4 };
const reasoner: ModelPrice = { inputPerMTok: 1.1, outputPerMTok: 4.4, reasoningPerMTok: 8 };

describe('usdToMicro / microToUsd', () => {
  it.each([
    [1, 1_000_000],
    [0.15, 150_000],
    [0.1 + 0.2, 300_000],
    [50, 50_000_000],
    [0.0000004, 0],
    [0.0000006, 1],
  ])('%s USD = %s micro', (usd, micro) => {
    expect(usdToMicro(usd)).toBe(micro);
  });
  it('round-trips and rejects non-finite amounts', () => {
    expect(microToUsd(usdToMicro(12.345678))).toBe(12.345678);
    expect(() => usdToMicro(Number.NaN)).toThrow(RangeError);
    expect(() => usdToMicro(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('worstCaseCostMicro', () => {
  it.each([
    ['exact, no float drift (1000 × 0.15 = 150)', 1000, 0, gpt4oMini, 150],
    ['gpt-4o-mini 4000 in + 2048 out', 4000, 2048, gpt4oMini, 600 + 1228.8],
    ['rounds up a fraction of a micro-dollar', 1, 0, gpt4oMini, 1],
    ['zero tokens cost nothing', 0, 0, gpt4oMini, 0],
    ['cache-write price counts when higher than input', 1000, 0, haiku, 1000],
    ['reasoning price counts when higher than output', 0, 1000, reasoner, 8000],
  ])('%s', (_label, prompt, max, price, expected) => {
    expect(worstCaseCostMicro(prompt, max, price)).toBe(Math.ceil(expected));
  });

  it('rejects negative prices', () => {
    expect(() => worstCaseCostMicro(10, 10, { inputPerMTok: -1, outputPerMTok: 1 })).toThrow(RangeError);
  });
});

describe('actualCostMicro', () => {
  it.each([
    ['plain call', { inputTokens: 1000, outputTokens: 500 }, gpt4oMini, 150 + 300],
    ['cached input billed once, at the cached price', { inputTokens: 1000, cachedInputTokens: 800, outputTokens: 0 }, gpt4oMini, 200 * 0.15 + 800 * 0.075],
    ['anthropic cache read + write (normalized: input includes both)', { inputTokens: 3000, cachedInputTokens: 1000, cacheWriteTokens: 1500, outputTokens: 100 }, haiku, 500 * 0.8 + 1000 * 0.08 + 1500 * 1 + 100 * 4],
    ['reasoning tokens are part of output, billed at the reasoning price', { inputTokens: 0, outputTokens: 1000, reasoningTokens: 600 }, reasoner, 400 * 4.4 + 600 * 8],
    ['reasoning without its own price = output price', { outputTokens: 1000, reasoningTokens: 600 }, gpt4oMini, 1000 * 0.6],
    ['cached without its own price = input price', { inputTokens: 1000, cachedInputTokens: 500 }, { inputPerMTok: 2, outputPerMTok: 8 }, 2000],
    ['missing counts are zero', {}, gpt4oMini, 0],
    ['parts larger than their total clamp at zero', { inputTokens: 100, cachedInputTokens: 400, outputTokens: 10, reasoningTokens: 50 }, gpt4oMini, 400 * 0.075 + 50 * 0.6],
    ['garbage counts are zero', { inputTokens: -5, outputTokens: Number.NaN }, gpt4oMini, 0],
    ['rounds up once on the total', { inputTokens: 3, outputTokens: 1 }, gpt4oMini, 3 * 0.15 + 0.6],
  ])('%s', (_label, usage, price, expected) => {
    expect(actualCostMicro(usage, price)).toBe(Math.ceil(Math.round(expected * 1e6) / 1e6));
  });

  it('caching never makes a call dearer than no caching when the cached price is lower', () => {
    const uncached = actualCostMicro({ inputTokens: 10_000, outputTokens: 100 }, gpt4oMini);
    const cached = actualCostMicro({ inputTokens: 10_000, cachedInputTokens: 9000, outputTokens: 100 }, gpt4oMini);
    expect(cached).toBeLessThan(uncached);
  });
});

describe('cost properties', () => {
  it('costs are non-negative integers, round up, and actual never exceeds the worst case', () => {
    const random = seededRandom(2024);
    const price = (): ModelPrice => ({
      inputPerMTok: random.integer(3000) / 1000,
      outputPerMTok: random.integer(15000) / 1000,
      cachedInputPerMTok: random.next() < 0.5 ? random.integer(300) / 1000 : undefined,
      cacheWritePerMTok: random.next() < 0.3 ? random.integer(4000) / 1000 : undefined,
      reasoningPerMTok: random.next() < 0.3 ? random.integer(20000) / 1000 : undefined,
    });
    for (let index = 0; index < 3000; index += 1) {
      const p = price();
      const prompt = random.integer(200_000);
      const maxTokens = random.integer(8192);
      const output = random.integer(maxTokens);
      const cached = random.integer(prompt);
      const written = random.integer(prompt - cached);
      const reasoning = random.integer(output);
      const usage = { inputTokens: prompt, cachedInputTokens: cached, cacheWriteTokens: written, outputTokens: output, reasoningTokens: reasoning };
      const actual = actualCostMicro(usage, p);
      const worst = worstCaseCostMicro(prompt, maxTokens, p);
      expect(Number.isInteger(actual) && actual >= 0).toBe(true);
      expect(Number.isInteger(worst) && worst >= 0).toBe(true);
      expect(actual).toBeLessThanOrEqual(worst);
      // Rounded up: never below the exact amount, less than one micro-dollar above it.
      const exact =
        ((prompt - cached - written) * p.inputPerMTok +
          cached * (p.cachedInputPerMTok ?? p.inputPerMTok) +
          written * (p.cacheWritePerMTok ?? p.inputPerMTok) +
          (output - reasoning) * p.outputPerMTok +
          reasoning * (p.reasoningPerMTok ?? p.outputPerMTok));
      expect(actual).toBeGreaterThanOrEqual(exact - 1e-6);
      expect(actual - exact).toBeLessThan(1 + 1e-6);
    }
  });
});
