import type { EmulatorState } from './emulator-state';
import { hashText } from './random';
import type { WireProvider } from './types';

export interface CacheUse {
  cachedInputTokens: number;
  cacheWriteTokens: number;
}

/**
 * Emulated prompt caching of the system prefix, per host and model:
 * - Anthropic caches only with `cache_control`: the first request writes the prefix, later ones read it;
 * - OpenAI and Gemini cache implicitly from 1024 prefix tokens (OpenAI in 128-token steps);
 * - DeepSeek caches implicitly in 64-token units;
 * - Ollama reports no cache.
 */
export const usePromptCache = (
  state: EmulatorState,
  provider: WireProvider,
  host: string,
  model: string,
  system: string,
  systemTokens: number,
  cacheControl: boolean,
): CacheUse => {
  const none = { cachedInputTokens: 0, cacheWriteTokens: 0 };
  if (provider === 'ollama' || systemTokens === 0) return none;
  const key = `${host}\u0000${provider}\u0000${model}\u0000${hashText(system)}`;
  const seen = state.cachedPrefixes.has(key);
  if (provider === 'anthropic') {
    if (!cacheControl) return none;
    state.cachedPrefixes.add(key);
    return seen ? { cachedInputTokens: systemTokens, cacheWriteTokens: 0 } : { cachedInputTokens: 0, cacheWriteTokens: systemTokens };
  }
  state.cachedPrefixes.add(key);
  if (!seen) return none;
  if (provider === 'openai' && model.toLowerCase().startsWith('deepseek')) {
    return { cachedInputTokens: Math.floor(systemTokens / 64) * 64, cacheWriteTokens: 0 };
  }
  if (systemTokens < 1024) return none;
  const cached = provider === 'openai' ? Math.floor(systemTokens / 128) * 128 : systemTokens;
  return { cachedInputTokens: cached, cacheWriteTokens: 0 };
};
