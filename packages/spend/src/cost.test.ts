import { describe, expect, it } from 'vitest';
import { createPriceCatalog } from './price-catalog';
import { settledCostMicro, worstCaseCostMicro } from './cost';
import { usageFromWire } from './token-usage';
import { picoToMicroHalfUp, usdToMicro } from './money';

const catalog = createPriceCatalog();
const noon = new Date('2025-06-02T12:00:00Z');
const evening = new Date('2025-06-02T20:00:00Z');
const price = (provider: string, model: string, at = noon) => catalog.priceAt(provider, model, at).price;

describe('cost per provider usage shape (hand-computed, micro-USD)', () => {
  it('OpenAI: prompt_tokens include cached ones, completion_tokens include reasoning', () => {
    const usage = usageFromWire('openai', {
      prompt_tokens: 10_000,
      completion_tokens: 2_000,
      prompt_tokens_details: { cached_tokens: 4_000 },
      completion_tokens_details: { reasoning_tokens: 500 },
    });
    expect(usage).toEqual({ inputTokens: 10_000, outputTokens: 2_000, cachedInputTokens: 4_000, reasoningTokens: 500 });
    // gpt-4o-mini $0.15 in, $0.075 cached, $0.60 out: 6000*0.15 + 4000*0.075 + 2000*0.6
    expect(settledCostMicro(usage, price('openai', 'gpt-4o-mini'))).toBe(900 + 300 + 1200);
    // with a reasoning price of its own: 1500*0.6 + 500*2.0 for output
    expect(settledCostMicro(usage, { ...price('openai', 'gpt-4o-mini'), reasoningPerMTok: 2 })).toBe(900 + 300 + 900 + 1000);
  });

  it('DeepSeek: prompt_cache_hit_tokens, priced by time of day', () => {
    const usage = usageFromWire('deepseek', { prompt_tokens: 3_000, completion_tokens: 1_000, prompt_cache_hit_tokens: 1_000, prompt_cache_miss_tokens: 2_000 });
    expect(usage.cachedInputTokens).toBe(1_000);
    // 12:00 UTC is inside 00:30–16:30: $0.27 in, $0.07 hit, $1.10 out
    expect(settledCostMicro(usage, price('deepseek', 'deepseek-chat', noon))).toBe(540 + 70 + 1100);
    // 20:00 UTC: discounted $0.135 / $0.035 / $0.55
    expect(settledCostMicro(usage, price('deepseek', 'deepseek-chat', evening))).toBe(270 + 35 + 550);
  });

  it('Anthropic: input_tokens exclude cache reads and writes, which are added in and priced apart', () => {
    const usage = usageFromWire('anthropic', { input_tokens: 1_500, cache_read_input_tokens: 10_000, cache_creation_input_tokens: 2_000, output_tokens: 700 });
    expect(usage).toEqual({ inputTokens: 13_500, outputTokens: 700, cachedInputTokens: 10_000, cacheWriteTokens: 2_000 });
    // haiku $0.80 in, $0.08 read, $1.00 write, $4.00 out
    expect(settledCostMicro(usage, price('anthropic', 'claude-3-5-haiku-latest'))).toBe(1200 + 800 + 2000 + 2800);
  });

  it('Gemini: thoughtsTokenCount is billed as output but not part of candidatesTokenCount', () => {
    const usage = usageFromWire('gemini', { promptTokenCount: 20_000, cachedContentTokenCount: 8_000, candidatesTokenCount: 1_000, thoughtsTokenCount: 3_000 });
    expect(usage).toEqual({ inputTokens: 20_000, outputTokens: 4_000, cachedInputTokens: 8_000, reasoningTokens: 3_000 });
    // gemini-2.0-flash $0.10 in, $0.025 cached, $0.40 out
    expect(settledCostMicro(usage, price('gemini', 'gemini-2.0-flash'))).toBe(1200 + 200 + 1600);
  });

  it('missing counts are 0 and parts larger than their totals never bill a token twice', () => {
    expect(settledCostMicro({}, price('openai', 'gpt-4o-mini'))).toBe(0);
    // unnormalized Anthropic-style numbers (cache larger than input): plain input clamps at 0
    expect(settledCostMicro({ inputTokens: 100, cachedInputTokens: 1_000 }, { inputPerMTok: 1, outputPerMTok: 1, cachedInputPerMTok: 0.5 })).toBe(500);
  });
});

describe('rounding', () => {
  it('settlement rounds half-up, reservation rounds up', () => {
    expect(settledCostMicro({ inputTokens: 5, outputTokens: 0 }, { inputPerMTok: 0.1, outputPerMTok: 0 })).toBe(1); // 0.5 µUSD
    expect(settledCostMicro({ inputTokens: 4, outputTokens: 0 }, { inputPerMTok: 0.1, outputPerMTok: 0 })).toBe(0); // 0.4 µUSD
    expect(worstCaseCostMicro(1, 0, { inputPerMTok: 0.1, outputPerMTok: 0 })).toBe(1); // 0.1 µUSD → 1
    expect(picoToMicroHalfUp(1_499_999n)).toBe(1);
    expect(usdToMicro(1)).toBe(1_000_000);
    expect(usdToMicro(0.0000015)).toBe(2);
  });

  it('worst case: prompt at the dearest input rate, max_tokens at the dearest output rate', () => {
    // 1000*0.15 + 2048*0.60 = 1378.8 → 1379
    expect(worstCaseCostMicro(1_000, 2_048, price('openai', 'gpt-4o-mini'))).toBe(1379);
    // haiku: cache-write $1.00 beats input $0.80; 1000*1.0 + 100*4.0
    expect(worstCaseCostMicro(1_000, 100, price('anthropic', 'claude-3-5-haiku-latest'))).toBe(1400);
    // reasoning dearer than output: 10 * 10.0
    expect(worstCaseCostMicro(0, 10, { inputPerMTok: 1, outputPerMTok: 2, reasoningPerMTok: 10 })).toBe(100);
  });
});
