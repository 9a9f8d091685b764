import { describe, expect, it } from 'vitest';
import { createPriceCatalog, overridesFromConfig } from './price-catalog';
import { UnknownPriceError } from './spend-errors';

const at = new Date('2025-06-02T20:00:00Z');

describe('price catalog', () => {
  it('has a version naming the snapshot source and a hash of the overrides', () => {
    expect(createPriceCatalog().version).toMatch(/^genai-prices@\d+\.\d+\.\d+\+overrides:none$/);
    const one = createPriceCatalog({ overrides: [{ model: 'gpt-4o-mini', inputPerMTok: 1, outputPerMTok: 2 }] }).version;
    const two = createPriceCatalog({ overrides: [{ model: 'gpt-4o-mini', inputPerMTok: 1, outputPerMTok: 3 }] }).version;
    expect(one).toMatch(/\+overrides:[0-9a-f]{8}$/);
    expect(one).not.toBe(two);
    expect(createPriceCatalog({ overrides: [{ outputPerMTok: 2, inputPerMTok: 1, model: 'gpt-4o-mini' }] }).version).toBe(one);
  });

  it('config overrides win: provider/model over model alone over the snapshot; effectiveFrom picks the price in force', () => {
    const catalog = createPriceCatalog({
      overrides: [
        { model: 'gpt-4o-mini', inputPerMTok: 1, outputPerMTok: 2 },
        { provider: 'openai', model: 'gpt-4o-mini', inputPerMTok: 3, outputPerMTok: 4, effectiveFrom: '2025-01-01' },
        { provider: 'openai', model: 'gpt-4o-mini', inputPerMTok: 5, outputPerMTok: 6, effectiveFrom: '2025-07-01' },
      ],
    });
    expect(catalog.priceAt('openai', 'gpt-4o-mini', at).price).toEqual({ inputPerMTok: 3, outputPerMTok: 4 });
    expect(catalog.priceAt('openai', 'gpt-4o-mini', new Date('2025-08-01T00:00:00Z')).price).toEqual({ inputPerMTok: 5, outputPerMTok: 6 });
    expect(catalog.priceAt('openai', 'gpt-4o-mini', new Date('2024-06-01T00:00:00Z')).price).toEqual({ inputPerMTok: 1, outputPerMTok: 2 });
    expect(catalog.priceAt('azure', 'gpt-4o-mini', at).source).toBe('override');
    expect(createPriceCatalog().priceAt('openai', 'gpt-4o-mini', at)).toEqual({
      price: { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075 },
      source: expect.stringMatching(/^genai-prices@/),
    });
  });

  it('refuses to price an unknown API model as $0', () => {
    const catalog = createPriceCatalog();
    expect(() => catalog.priceAt('openai', 'no-such-model', at)).toThrow(UnknownPriceError);
    expect(catalog.find('openai', 'no-such-model', at)).toBeUndefined();
  });

  it('reads the config prices section, keyed by model or provider/model', () => {
    const overrides = overridesFromConfig(
      {
        'gpt-4o-mini': { inputPerMTok: 1, outputPerMTok: 2 },
        'anthropic/claude-x': { inputPerMTok: 3, outputPerMTok: 4 },
        'meta-llama/llama-3': { inputPerMTok: 0.1, outputPerMTok: 0.1 },
      },
      ['openai', 'anthropic'],
    );
    expect(overrides).toEqual([
      { model: 'gpt-4o-mini', inputPerMTok: 1, outputPerMTok: 2 },
      { provider: 'anthropic', model: 'claude-x', inputPerMTok: 3, outputPerMTok: 4 },
      { model: 'meta-llama/llama-3', inputPerMTok: 0.1, outputPerMTok: 0.1 },
    ]);
  });
});
