/**
 * Regenerates `src/price-snapshot.ts` from `@pydantic/genai-prices` (bundled data, no
 * network): the prices of every API model eaio's config names, plus the report's
 * reference model and a few common extras. Run after bumping the package:
 *
 *   npx tsx packages/spend/scripts/snapshot-prices.ts [--config config/eaio.yaml]
 */
import { writeFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadConfig } from '@eaio/core';
import { calcPrice, type ModelPrice as GenaiPrice } from '@pydantic/genai-prices';
import type { SnapshotEntry } from '../src/price-snapshot';

const here = dirname(fileURLToPath(import.meta.url));
const configFlag = process.argv.indexOf('--config');
const config = loadConfig({ env: {}, path: configFlag > 0 ? process.argv[configFlag + 1] : undefined });
const version = (JSON.parse(readFileSync(join(here, '../../../node_modules/@pydantic/genai-prices/package.json'), 'utf8')) as { version: string }).version;

/** eaio provider name → genai-prices provider id. */
const providerIds: Record<string, string> = { openai: 'openai', deepseek: 'deepseek', anthropic: 'anthropic', gemini: 'google' };
const extras = [
  // Named by earlier configs: attempts priced with them keep resolving.
  { provider: 'openai', model: 'gpt-4o-mini' },
  { provider: 'anthropic', model: 'claude-3-5-haiku-latest' },
  { provider: 'gemini', model: 'gemini-2.0-flash' },
  { provider: 'openai', model: 'gpt-4o' },
  { provider: 'openai', model: 'o3-mini' },
  { provider: 'anthropic', model: 'claude-3-5-sonnet-latest' },
  { provider: 'gemini', model: 'gemini-2.5-flash' },
];

const endpointProvider = new Map(config.endpoints.map((endpoint) => [endpoint.id, endpoint.provider]));
const wanted = [
  ...config.tiers.api.candidates.map((candidate) => ({ provider: endpointProvider.get(candidate.endpoint) ?? candidate.endpoint, model: candidate.model })),
  config.report.referenceModel,
  ...extras,
].filter((item, index, all) => all.findIndex((other) => other.provider === item.provider && other.model === item.model) === index);

const toPrice = (raw: GenaiPrice) => {
  // Tiered prices (`{ base, tiers: [{ start, price }] }`, e.g. gpt-6-luna above 272K prompt
  // tokens) keep their base: eaio's prompts stay far below the first tier.
  const number = (key: string): number | undefined => {
    const value = raw[key] as unknown;
    if (typeof value === 'number') return value;
    if (typeof value === 'object' && value !== null && typeof (value as { base?: unknown }).base === 'number') return (value as { base: number }).base;
    return undefined;
  };
  const price: SnapshotEntry['price'] = { inputPerMTok: number('input_mtok') ?? 0, outputPerMTok: number('output_mtok') ?? 0 };
  if (number('cache_read_mtok') !== undefined) price.cachedInputPerMTok = number('cache_read_mtok');
  if (number('cache_write_mtok') !== undefined) price.cacheWritePerMTok = number('cache_write_mtok');
  return price;
};

const entries: SnapshotEntry[] = [];
for (const { provider, model } of wanted) {
  const providerId = providerIds[provider];
  const found = providerId === undefined ? null : calcPrice({ input_tokens: 0, output_tokens: 0 }, model, { providerId });
  if (!found) {
    console.warn(`no genai-prices entry for ${provider}/${model}; set it under prices: in the config`);
    continue;
  }
  const conditional = Array.isArray(found.model.prices) ? found.model.prices : [{ prices: found.model.prices }];
  const base = conditional.find((item) => item.constraint === undefined) ?? conditional[0]!;
  const entry: SnapshotEntry = { provider, model, effectiveFrom: '1970-01-01', price: toPrice(base.prices) };
  if (entry.price.inputPerMTok === 0 && entry.price.outputPerMTok === 0)
    throw new Error(`genai-prices gave ${provider}/${model} no token price; set it under prices: in the config`);
  for (const item of conditional) {
    if (item.constraint?.type === 'start_date') {
      entries.push({ provider, model, effectiveFrom: item.constraint.start_date, price: toPrice(item.prices) });
    } else if (item.constraint?.type === 'time_of_date') {
      (entry.timeOfDay ??= []).push({ startUtc: item.constraint.start_time.replace(/Z$/, ''), endUtc: item.constraint.end_time.replace(/Z$/, ''), price: toPrice(item.prices) });
    }
  }
  entries.push(entry);
}

const body = `/**
 * Prices snapshot taken from \`@pydantic/genai-prices\` by \`scripts/snapshot-prices.ts\`.
 * Generated: do not edit by hand (override prices in the config's \`prices:\` section).
 */
import type { ModelPrice } from '@eaio/core';

export interface SnapshotEntry {
  /** eaio provider name (\`openai\`, \`deepseek\`, \`anthropic\`, \`gemini\`). */
  provider: string;
  model: string;
  /** ISO date (UTC) from which this price applies. */
  effectiveFrom: string;
  price: ModelPrice;
  /** Prices that apply instead between two UTC times of day (\`HH:MM:SS\`, end exclusive). */
  timeOfDay?: { startUtc: string; endUtc: string; price: ModelPrice }[];
}

export interface PriceSnapshot {
  /** e.g. \`genai-prices@0.1.8\`; part of every catalog version. */
  source: string;
  entries: SnapshotEntry[];
}

export const PRICE_SNAPSHOT: PriceSnapshot = ${JSON.stringify({ source: `genai-prices@${version}`, entries }, null, 2)};
`;
writeFileSync(join(here, '../src/price-snapshot.ts'), body);
console.log(`wrote ${entries.length} prices from genai-prices@${version}`);
