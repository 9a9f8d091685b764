import { PRESETS } from './presets';
import type { ModelBehaviour } from './types';

/** One model the emulator knows out of the box, and the behaviour it gets. */
export interface CatalogueModel {
  /** eaio provider name whose endpoint serves it (`ollama`, `openai`, `deepseek`, `anthropic`, `gemini`). */
  provider: string;
  model: string;
  behaviour: ModelBehaviour;
}

/**
 * The models eaio's shipped `config/eaio.yaml` names, with a behaviour each: what the
 * standalone emulator (`cli.ts --catalogue`) lists and serves, and what a test holds the
 * config and the price snapshot against. Retired names are absent on purpose, so a
 * config that still names one sees it missing, as it would against the real API.
 */
export const MODEL_CATALOGUE: readonly CatalogueModel[] = [
  { provider: 'ollama', model: 'llama3.2:3b', behaviour: PRESETS.local3b },
  { provider: 'ollama', model: 'qwen2.5:7b-instruct', behaviour: { ...PRESETS.local7b, contextWindow: 32_768 } },
  { provider: 'openai', model: 'gpt-6-luna', behaviour: { ...PRESETS.api, contextWindow: 1_050_000 } },
  { provider: 'deepseek', model: 'deepseek-chat', behaviour: { ...PRESETS.api, contextWindow: 64_000 } },
  { provider: 'anthropic', model: 'claude-haiku-4-5', behaviour: { ...PRESETS.api, contextWindow: 200_000 } },
  { provider: 'gemini', model: 'gemini-3.1-flash-lite', behaviour: { ...PRESETS.api, contextWindow: 1_048_576 } },
];

/** `EmulatorOptions.models` for the whole catalogue (or one provider's part of it). */
export const catalogueModels = (provider?: string): Record<string, ModelBehaviour> =>
  Object.fromEntries(MODEL_CATALOGUE.filter((entry) => provider === undefined || entry.provider === provider).map((entry) => [entry.model, entry.behaviour]));
