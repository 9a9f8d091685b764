/**
 * Prices snapshot taken from `@pydantic/genai-prices` by `scripts/snapshot-prices.ts`.
 * Generated: do not edit by hand (override prices in the config's `prices:` section).
 */
import type { ModelPrice } from '@eaio/core';

export interface SnapshotEntry {
  /** eaio provider name (`openai`, `deepseek`, `anthropic`, `gemini`). */
  provider: string;
  model: string;
  /** ISO date (UTC) from which this price applies. */
  effectiveFrom: string;
  price: ModelPrice;
  /** Prices that apply instead between two UTC times of day (`HH:MM:SS`, end exclusive). */
  timeOfDay?: { startUtc: string; endUtc: string; price: ModelPrice }[];
}

export interface PriceSnapshot {
  /** e.g. `genai-prices@0.1.8`; part of every catalog version. */
  source: string;
  entries: SnapshotEntry[];
}

export const PRICE_SNAPSHOT: PriceSnapshot = {
  source: 'genai-prices@0.1.8',
  entries: [
    {
      provider: 'openai',
      model: 'gpt-6-luna',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 0.1,
        outputPerMTok: 0.5,
        cachedInputPerMTok: 0.01,
        cacheWritePerMTok: 0.125,
      },
    },
    {
      provider: 'deepseek',
      model: 'deepseek-chat',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 0.135,
        outputPerMTok: 0.55,
        cachedInputPerMTok: 0.035,
      },
      timeOfDay: [
        {
          startUtc: '00:30:00',
          endUtc: '16:30:00',
          price: {
            inputPerMTok: 0.27,
            outputPerMTok: 1.1,
            cachedInputPerMTok: 0.07,
          },
        },
      ],
    },
    {
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 1,
        outputPerMTok: 5,
        cachedInputPerMTok: 0.1,
        cacheWritePerMTok: 1.25,
      },
    },
    {
      provider: 'gemini',
      model: 'gemini-3.1-flash-lite',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 0.25,
        outputPerMTok: 1.5,
        cachedInputPerMTok: 0.025,
      },
    },
    {
      provider: 'openai',
      model: 'gpt-4o-mini',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 0.15,
        outputPerMTok: 0.6,
        cachedInputPerMTok: 0.075,
      },
    },
    {
      provider: 'anthropic',
      model: 'claude-3-5-haiku-latest',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 0.8,
        outputPerMTok: 4,
        cachedInputPerMTok: 0.08,
        cacheWritePerMTok: 1,
      },
    },
    {
      provider: 'gemini',
      model: 'gemini-2.0-flash',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 0.1,
        outputPerMTok: 0.4,
        cachedInputPerMTok: 0.025,
      },
    },
    {
      provider: 'openai',
      model: 'gpt-4o',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 2.5,
        outputPerMTok: 10,
        cachedInputPerMTok: 1.25,
      },
    },
    {
      provider: 'openai',
      model: 'o3-mini',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 1.1,
        outputPerMTok: 4.4,
        cachedInputPerMTok: 0.55,
      },
    },
    {
      provider: 'anthropic',
      model: 'claude-3-5-sonnet-latest',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 3,
        outputPerMTok: 15,
        cachedInputPerMTok: 0.3,
        cacheWritePerMTok: 3.75,
      },
    },
    {
      provider: 'gemini',
      model: 'gemini-2.5-flash',
      effectiveFrom: '1970-01-01',
      price: {
        inputPerMTok: 0.3,
        outputPerMTok: 2.5,
        cachedInputPerMTok: 0.03,
      },
    },
  ],
};
