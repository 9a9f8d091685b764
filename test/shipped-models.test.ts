import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, TIERS } from '@eaio/core';
import { MODEL_CATALOGUE } from '@eaio/emulator';
import { PRICE_SNAPSHOT, createPriceCatalog, retirementNotice } from '@eaio/spend';

/** The day the shipped candidates were chosen from the providers' model and deprecation pages. */
const CHOSEN_ON = new Date('2026-11-30T00:00:00Z');

const config = loadConfig({ env: {}, path: resolve(import.meta.dirname, '../config/eaio.yaml') });
const providerOf = (endpoint: string) => config.endpoints.find((entry) => entry.id === endpoint)?.provider ?? endpoint;
const shipped = TIERS.flatMap((tier) => config.tiers[tier].candidates.map((candidate) => ({ tier, provider: providerOf(candidate.endpoint), model: candidate.model })));

describe('the shipped config, the emulator catalogue and the price snapshot agree', () => {
  it('names at least one model per tier and one per paid provider', () => {
    for (const tier of TIERS) expect(config.tiers[tier].candidates.length, tier).toBeGreaterThan(0);
    expect(new Set(shipped.filter((entry) => entry.tier === 'api').map((entry) => entry.provider))).toEqual(new Set(['openai', 'deepseek', 'anthropic', 'gemini']));
  });

  it.each(shipped)('$tier $provider/$model is in the emulator catalogue', ({ provider, model }) => {
    expect(MODEL_CATALOGUE.some((entry) => entry.provider === provider && entry.model === model)).toBe(true);
  });

  it.each(shipped.filter((entry) => entry.tier === 'api'))('$provider/$model has a snapshot price', ({ provider, model }) => {
    const entry = PRICE_SNAPSHOT.entries.find((item) => item.provider === provider && item.model === model);
    expect(entry).toBeDefined();
    expect(entry!.price.inputPerMTok).toBeGreaterThan(0);
    expect(entry!.price.outputPerMTok).toBeGreaterThan(0);
    expect(createPriceCatalog().priceAt(provider, model, CHOSEN_ON).source).toBe(PRICE_SNAPSHOT.source);
  });

  it.each(shipped)('$provider/$model was neither deprecated nor retired when chosen', ({ provider, model }) => {
    const notice = retirementNotice(provider, model, CHOSEN_ON);
    if (notice) expect(notice.status, notice.message).toBe('scheduled');
  });

  it('every catalogue model is one the shipped config names', () => {
    for (const entry of MODEL_CATALOGUE) {
      expect(
        shipped.some((item) => item.provider === entry.provider && item.model === entry.model),
        `${entry.provider}/${entry.model}`,
      ).toBe(true);
    }
  });

  it('the report reference model is priced and current', () => {
    const { provider, model } = config.report.referenceModel;
    expect(createPriceCatalog().find(provider, model, CHOSEN_ON)).toBeDefined();
    expect(retirementNotice(provider, model, CHOSEN_ON)).toBeUndefined();
  });
});

describe('retirement table', () => {
  it('reports claude-3-5-haiku-latest as retired with its replacement', () => {
    expect(retirementNotice('anthropic', 'claude-3-5-haiku-latest', CHOSEN_ON)).toMatchObject({
      status: 'retired',
      retiresOn: '2026-02-19',
      replacement: 'claude-haiku-4-5',
      message: 'anthropic/claude-3-5-haiku-latest was retired on 2026-02-19 (requests fail); use claude-haiku-4-5',
    });
  });

  it('reports a model before its date as deprecated, counting the days', () => {
    expect(retirementNotice('openai', 'gpt-4o-mini', CHOSEN_ON)).toMatchObject({
      status: 'deprecated',
      message: expect.stringContaining('retires on 2027-01-14 (in 45 days); use gpt-6-luna'),
    });
    expect(retirementNotice('openai', 'gpt-4o-mini', new Date('2027-01-14T00:00:00Z'))?.status).toBe('retired');
  });

  it('tells a planned end of a current model from a deprecation', () => {
    expect(retirementNotice('gemini', 'gemini-3.1-flash-lite', CHOSEN_ON)).toMatchObject({
      status: 'scheduled',
      message: 'gemini/gemini-3.1-flash-lite has a planned shutdown on 2027-05-07 (in 158 days)',
    });
  });

  it('knows nothing of models it does not list, and matches by provider', () => {
    expect(retirementNotice('anthropic', 'claude-haiku-4-5', CHOSEN_ON)).toBeUndefined();
    expect(retirementNotice('openai', 'claude-3-5-haiku-latest', CHOSEN_ON)).toBeUndefined();
    expect(retirementNotice('gemini', 'models/gemini-2.0-flash', CHOSEN_ON)?.status).toBe('retired');
  });
});
