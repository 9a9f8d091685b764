import type { ModelPrice } from '@eaio/core';
import { picoPerToken, picoToMicroCeil, picoToMicroHalfUp } from './money';
import type { TokenUsage } from './token-usage';

/** A token count as a non-negative whole number (missing, negative or NaN → 0; fractions round up). */
const tokens = (value: number | undefined): bigint => (value === undefined || !Number.isFinite(value) || value <= 0 ? 0n : BigInt(Math.ceil(value)));

const larger = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** Per-token rates of a price in pico-USD, defaults applied. */
const rates = (price: ModelPrice) => {
  const input = picoPerToken(price.inputPerMTok, 'inputPerMTok');
  const output = picoPerToken(price.outputPerMTok, 'outputPerMTok');
  return {
    input,
    output,
    cached: price.cachedInputPerMTok === undefined ? input : picoPerToken(price.cachedInputPerMTok, 'cachedInputPerMTok'),
    write: price.cacheWritePerMTok === undefined ? input : picoPerToken(price.cacheWritePerMTok, 'cacheWritePerMTok'),
    reasoning: price.reasoningPerMTok === undefined ? output : picoPerToken(price.reasoningPerMTok, 'reasoningPerMTok'),
  };
};

/**
 * The most a call can cost, integer micro-USD rounded UP: every prompt token at the
 * dearest input rate (input or cache-write, no cache discount) and `maxTokens` of
 * output at the dearest output rate (output or reasoning). What `reserve` holds.
 */
export const worstCaseCostMicro = (promptTokens: number, maxTokens: number, price: ModelPrice): number => {
  const rate = rates(price);
  return picoToMicroCeil(tokens(promptTokens) * larger(rate.input, rate.write) + tokens(maxTokens) * larger(rate.output, rate.reasoning));
};

/**
 * What a call cost, per token kind, integer micro-USD rounded HALF-UP once on the total:
 * cache reads at `cachedInputPerMTok`, cache writes at `cacheWritePerMTok`, the rest of
 * `inputTokens` at `inputPerMTok`; reasoning at `reasoningPerMTok`, the rest of
 * `outputTokens` at `outputPerMTok` (see `TokenUsage` for what totals include). A part
 * larger than its total (an adapter that did not normalize) clamps the rest at 0, so a
 * token is never billed twice.
 */
export const settledCostMicro = (usage: TokenUsage, price: ModelPrice): number => {
  const rate = rates(price);
  const cached = tokens(usage.cachedInputTokens);
  const written = tokens(usage.cacheWriteTokens);
  const reasoning = tokens(usage.reasoningTokens);
  const plainInput = larger(0n, tokens(usage.inputTokens) - cached - written);
  const plainOutput = larger(0n, tokens(usage.outputTokens) - reasoning);
  return picoToMicroHalfUp(plainInput * rate.input + cached * rate.cached + written * rate.write + plainOutput * rate.output + reasoning * rate.reasoning);
};
