import { createAnthropicAdapter, type AnthropicAdapterOptions } from './adapters/anthropic-adapter';
import { createGeminiAdapter } from './adapters/gemini-adapter';
import { createOllamaAdapter, type OllamaAdapterOptions } from './adapters/ollama-adapter';
import { createOpenAiCompatibleAdapter } from './adapters/openai-compatible-adapter';
import type { AdapterOptions, EndpointConfig, ProviderAdapter } from './types';

export interface CreateAdapterOptions extends AdapterOptions {
  /** Ollama-only settings (`keep_alive`, `num_ctx`). */
  ollama?: Omit<OllamaAdapterOptions, keyof AdapterOptions>;
  /** Anthropic-only settings (`max_tokens` default, system prompt caching). */
  anthropic?: Omit<AnthropicAdapterOptions, keyof AdapterOptions>;
}

/** Makes a factory that builds adapters of a given kind; used by `EndpointPool` and `checkProviders`. */
export type AdapterFactory = (endpoint: EndpointConfig) => ProviderAdapter;

/** The adapter for an endpoint's `kind`. */
export const createAdapter = (endpoint: EndpointConfig, options: CreateAdapterOptions = {}): ProviderAdapter => {
  const { ollama, anthropic, ...shared } = options;
  switch (endpoint.kind) {
    case 'ollama':
      return createOllamaAdapter(endpoint, { ...shared, ...ollama });
    case 'openai-compatible':
      return createOpenAiCompatibleAdapter(endpoint, shared);
    case 'anthropic':
      return createAnthropicAdapter(endpoint, { ...shared, ...anthropic });
    case 'gemini':
      return createGeminiAdapter(endpoint, shared);
    default: {
      const unknownKind: never = endpoint.kind;
      throw new Error(`unknown provider kind ${String(unknownKind)} for endpoint ${endpoint.id}`);
    }
  }
};
