import type { ModelPrice } from '@eaio/core';

export type { ModelPrice } from '@eaio/core';

/**
 * Token counts of one call, as `@eaio/providers` normalizes them (`undefined` = not
 * reported, counted as 0 here). Conventions, which adapters must follow:
 *
 * - `inputTokens` counts ALL prompt tokens, cache reads and cache writes included (as
 *   OpenAI's `prompt_tokens` does). Anthropic reports `input_tokens` without them, so
 *   its adapter adds `cache_read_input_tokens` and `cache_creation_input_tokens` in.
 * - `outputTokens` counts ALL generated tokens, reasoning included (as OpenAI's
 *   `completion_tokens` does). Gemini reports `thoughtsTokenCount` apart from
 *   `candidatesTokenCount`, so its adapter adds them together.
 */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  /** Cache-read prompt tokens (part of `inputTokens`). */
  cachedInputTokens?: number;
  /** Cache-write prompt tokens (part of `inputTokens`; Anthropic). */
  cacheWriteTokens?: number;
  /** Reasoning tokens (part of `outputTokens`). */
  reasoningTokens?: number;
}

const MICRO_PER_USD = 1_000_000;

/** USD → integer micro-USD (rounded to nearest). */
export const usdToMicro = (usd: number): number => {
  if (!Number.isFinite(usd)) throw new RangeError(`usdToMicro: ${usd} is not a finite amount`);
  return Math.round(usd * MICRO_PER_USD);
};

/** Integer micro-USD → USD. */
export const microToUsd = (micro: number): number => micro / MICRO_PER_USD;

/**
 * A USD-per-million-token price as integer pico-USD per token (1 USD/MTok = 1 micro-USD
 * per token = 10^6 pico-USD per token), so sums are exact; prices finer than 10^-6
 * USD/MTok are rounded.
 */
const picoPerToken = (usdPerMTok: number, name: string): bigint => {
  if (!Number.isFinite(usdPerMTok) || usdPerMTok < 0) throw new RangeError(`price ${name} must be a non-negative number, got ${usdPerMTok}`);
  return BigInt(Math.round(usdPerMTok * 1_000_000));
};

/** A token count as a non-negative whole number (missing, negative or NaN → 0; fractions round up). */
const tokenCount = (value: number | undefined): bigint =>
  value === undefined || !Number.isFinite(value) || value <= 0 ? 0n : BigInt(Math.ceil(value));

/** Sum of pico-USD amounts → micro-USD, rounded UP. */
const picoToMicroCeil = (pico: bigint): number => Number((pico + 999_999n) / 1_000_000n);

const maxBig = (...values: bigint[]): bigint => values.reduce((a, b) => (b > a ? b : a));

/**
 * The most a call can cost: every prompt token at the highest input rate (no cache
 * discount; cache-read or cache-write price if higher) and `maxTokens` of output at the highest
 * output rate (reasoning price if higher). Integer micro-USD, rounded up. Used to
 * reserve budget before an API call.
 */
export const worstCaseCostMicro = (promptTokens: number, maxTokens: number, price: ModelPrice): number => {
  const input = maxBig(
    picoPerToken(price.inputPerMTok, 'inputPerMTok'),
    price.cachedInputPerMTok === undefined ? 0n : picoPerToken(price.cachedInputPerMTok, 'cachedInputPerMTok'),
    price.cacheWritePerMTok === undefined ? 0n : picoPerToken(price.cacheWritePerMTok, 'cacheWritePerMTok'),
  );
  const output = maxBig(picoPerToken(price.outputPerMTok, 'outputPerMTok'), price.reasoningPerMTok === undefined ? 0n : picoPerToken(price.reasoningPerMTok, 'reasoningPerMTok'));
  return picoToMicroCeil(tokenCount(promptTokens) * input + tokenCount(maxTokens) * output);
};

/**
 * What a call cost, per token kind, integer micro-USD rounded up (once, on the total):
 *
 * - cache-read tokens at `cachedInputPerMTok` (default: input price), cache-write
 *   tokens at `cacheWritePerMTok` (default: input price), the rest of `inputTokens`
 *   at `inputPerMTok` — a cached token is never billed twice;
 * - reasoning tokens at `reasoningPerMTok` (default: output price), the rest of
 *   `outputTokens` at `outputPerMTok`.
 *
 * See `TokenUsage` for what the counts must include. Missing counts are 0; parts
 * larger than their total (an adapter that did not normalize) clamp the remainder at 0.
 */
export const actualCostMicro = (usage: TokenUsage, price: ModelPrice): number => {
  const inputRate = picoPerToken(price.inputPerMTok, 'inputPerMTok');
  const outputRate = picoPerToken(price.outputPerMTok, 'outputPerMTok');
  const cachedRate = price.cachedInputPerMTok === undefined ? inputRate : picoPerToken(price.cachedInputPerMTok, 'cachedInputPerMTok');
  const writeRate = price.cacheWritePerMTok === undefined ? inputRate : picoPerToken(price.cacheWritePerMTok, 'cacheWritePerMTok');
  const reasoningRate = price.reasoningPerMTok === undefined ? outputRate : picoPerToken(price.reasoningPerMTok, 'reasoningPerMTok');

  const input = tokenCount(usage.inputTokens);
  const cached = tokenCount(usage.cachedInputTokens);
  const written = tokenCount(usage.cacheWriteTokens);
  const output = tokenCount(usage.outputTokens);
  const reasoning = tokenCount(usage.reasoningTokens);
  const uncachedInput = maxBig(0n, input - cached - written);
  const plainOutput = maxBig(0n, output - reasoning);

  return picoToMicroCeil(
    uncachedInput * inputRate + cached * cachedRate + written * writeRate + plainOutput * outputRate + reasoning * reasoningRate,
  );
};
