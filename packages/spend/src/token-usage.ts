/**
 * Token counts of one call as `@eaio/providers` normalizes them (`ChatResult.usage`;
 * `undefined` = not reported, counted as 0 for money). The convention, shared with
 * `@eaio/routing` and required of every adapter:
 *
 * - `inputTokens` counts ALL prompt tokens, cache reads and cache writes included
 *   (as OpenAI's `prompt_tokens` and Gemini's `promptTokenCount` do). Anthropic's
 *   `input_tokens` excludes them, so its adapter adds them in.
 * - `outputTokens` counts ALL generated tokens, reasoning included (as OpenAI's
 *   `completion_tokens` does). Gemini's `thoughtsTokenCount` is billed as output but
 *   is not part of `candidatesTokenCount`, so its adapter adds it in.
 *
 * `usageFromWire` below is the reference mapping of each provider's raw usage object
 * onto this convention; the cost tests run every provider's shape through it.
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

export type WireUsageShape = 'openai' | 'deepseek' | 'anthropic' | 'gemini' | 'ollama';

type Raw = Record<string, unknown>;

const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const field = (raw: Raw, key: string): Raw => (typeof raw[key] === 'object' && raw[key] !== null ? (raw[key] as Raw) : {});
const sum = (...values: (number | undefined)[]): number | undefined =>
  values.every((value) => value === undefined) ? undefined : values.reduce<number>((total, value) => total + (value ?? 0), 0);

/**
 * Maps a provider's raw usage object onto `TokenUsage`:
 *
 * - `openai`: `{ prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens }`
 * - `deepseek`: OpenAI's shape plus `prompt_cache_hit_tokens` (cache reads; part of `prompt_tokens`)
 * - `anthropic`: `{ input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens }` (input excludes both cache kinds)
 * - `gemini`: `usageMetadata` `{ promptTokenCount, candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount }` (thoughts not in candidates)
 * - `ollama`: `{ prompt_eval_count, eval_count }`
 */
export const usageFromWire = (shape: WireUsageShape, raw: Raw): TokenUsage => {
  switch (shape) {
    case 'openai':
    case 'deepseek': {
      const cached =
        shape === 'deepseek'
          ? (count(raw.prompt_cache_hit_tokens) ?? count(field(raw, 'prompt_tokens_details').cached_tokens))
          : count(field(raw, 'prompt_tokens_details').cached_tokens);
      return {
        inputTokens: count(raw.prompt_tokens),
        outputTokens: count(raw.completion_tokens),
        cachedInputTokens: cached,
        reasoningTokens: count(field(raw, 'completion_tokens_details').reasoning_tokens),
      };
    }
    case 'anthropic': {
      const read = count(raw.cache_read_input_tokens);
      const write = count(raw.cache_creation_input_tokens);
      return {
        inputTokens: sum(count(raw.input_tokens), read, write),
        outputTokens: count(raw.output_tokens),
        cachedInputTokens: read,
        cacheWriteTokens: write,
      };
    }
    case 'gemini': {
      const thoughts = count(raw.thoughtsTokenCount);
      return {
        inputTokens: count(raw.promptTokenCount),
        outputTokens: sum(count(raw.candidatesTokenCount), thoughts),
        cachedInputTokens: count(raw.cachedContentTokenCount),
        reasoningTokens: thoughts,
      };
    }
    case 'ollama':
      return { inputTokens: count(raw.prompt_eval_count), outputTokens: count(raw.eval_count) };
  }
};
