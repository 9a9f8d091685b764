import { createHash } from 'node:crypto';
import type { ModelPrice } from '@eaio/core';
import { PRICE_SNAPSHOT, type PriceSnapshot, type SnapshotEntry } from './price-snapshot';
import { UnknownPriceError } from './spend-errors';

/** One user price, from the config's `prices:` section. Wins over the snapshot. */
export interface PriceOverride extends ModelPrice {
  /** Provider name; `undefined` = any provider serving `model`. */
  provider?: string;
  model: string;
  /** ISO date or date-time from which the price applies. @defaultValue `'1970-01-01'` */
  effectiveFrom?: string;
}

export interface PriceCatalogOptions {
  /** @defaultValue the bundled `PRICE_SNAPSHOT` (from `@pydantic/genai-prices`) */
  snapshot?: PriceSnapshot;
  /** @defaultValue `[]` */
  overrides?: PriceOverride[];
  /**
   * Energy cost of local inference, USD per million tokens (input and output alike);
   * reported apart, never charged against a money budget. @defaultValue `0`
   */
  localEnergyPerMTok?: number;
}

export interface ResolvedPrice {
  price: ModelPrice;
  /** `override` or the snapshot source, e.g. `genai-prices@0.1.8`. */
  source: string;
}

export interface PriceCatalog {
  /** Stored with every attempt, e.g. `genai-prices@0.1.8+overrides:3f2a9c1e` (`+overrides:none` without any). */
  readonly version: string;
  /** Energy price of local tokens, USD/MTok. */
  readonly localEnergyPerMTok: number;
  /** The price of an API model at a moment; throws `UnknownPriceError` when none is known. */
  priceAt(provider: string, model: string, at: Date): ResolvedPrice;
  /** Like `priceAt`, `undefined` when unknown. */
  find(provider: string, model: string, at: Date): ResolvedPrice | undefined;
}

/**
 * Config `prices:` (keyed by `model` or `provider/model`) → overrides. Model names may
 * hold a slash themselves (`meta-llama/…`), so a key is split at its first slash only
 * when the part before it names a known provider.
 */
export const overridesFromConfig = (prices: Record<string, ModelPrice>, providers: readonly string[]): PriceOverride[] =>
  Object.entries(prices).map(([key, price]) => {
    const slash = key.indexOf('/');
    const provider = slash > 0 ? key.slice(0, slash) : undefined;
    return provider !== undefined && providers.includes(provider) ? { ...price, provider, model: key.slice(slash + 1) } : { ...price, model: key };
  });

const startOf = (iso: string | undefined): number => Date.parse(iso ?? '1970-01-01T00:00:00Z');

const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : typeof value === 'object' && value !== null
      ? `{${Object.keys(value)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
          .join(',')}}`
      : JSON.stringify(value);

const secondsOfDay = (hms: string): number => {
  const [hours = 0, minutes = 0, seconds = 0] = hms.split(':').map(Number);
  return hours * 3600 + minutes * 60 + seconds;
};

const applyTimeOfDay = (entry: SnapshotEntry, at: Date): ModelPrice => {
  const now = at.getUTCHours() * 3600 + at.getUTCMinutes() * 60 + at.getUTCSeconds();
  const window = entry.timeOfDay?.find(({ startUtc, endUtc }) => {
    const start = secondsOfDay(startUtc);
    const end = secondsOfDay(endUtc);
    return start <= end ? now >= start && now < end : now >= start || now < end;
  });
  return window?.price ?? entry.price;
};

/** Latest item whose `effectiveFrom` is not after `at`. */
const latest = <T extends { effectiveFrom?: string }>(items: T[], at: Date): T | undefined =>
  items.filter((item) => startOf(item.effectiveFrom) <= at.getTime()).sort((a, b) => startOf(b.effectiveFrom) - startOf(a.effectiveFrom))[0];

/**
 * The versioned price catalog: the bundled genai-prices snapshot, with config
 * overrides on top (an override for `provider/model` beats one for `model` alone,
 * which beats the snapshot). Prices change over time by `effectiveFrom`; DeepSeek-style
 * time-of-day prices apply by the call's UTC start time.
 */
export const createPriceCatalog = (options: PriceCatalogOptions = {}): PriceCatalog => {
  const snapshot = options.snapshot ?? PRICE_SNAPSHOT;
  const overrides = options.overrides ?? [];
  const localEnergyPerMTok = options.localEnergyPerMTok ?? 0;
  const hash = overrides.length === 0 && localEnergyPerMTok === 0 ? 'none' : createHash('sha256').update(canonical({ overrides, localEnergyPerMTok })).digest('hex').slice(0, 8);
  const version = `${snapshot.source}+overrides:${hash}`;

  const find = (provider: string, model: string, at: Date): ResolvedPrice | undefined => {
    const exact = latest(
      overrides.filter((item) => item.provider === provider && item.model === model),
      at,
    );
    const loose =
      exact ??
      latest(
        overrides.filter((item) => item.provider === undefined && item.model === model),
        at,
      );
    if (loose) {
      const { provider: _provider, model: _model, effectiveFrom: _from, ...price } = loose;
      return { price, source: 'override' };
    }
    const entry = latest(
      snapshot.entries.filter((item) => item.provider === provider && item.model === model),
      at,
    );
    return entry ? { price: applyTimeOfDay(entry, at), source: snapshot.source } : undefined;
  };

  return {
    version,
    localEnergyPerMTok,
    find,
    priceAt(provider, model, at) {
      const found = find(provider, model, at);
      if (!found) throw new UnknownPriceError(provider, model);
      return found;
    },
  };
};
