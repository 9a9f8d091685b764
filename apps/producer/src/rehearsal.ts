import { synthesizeAnswer } from '@eaio/energy';
import { PRESETS, startEmulator, withBehaviour, type AnswerSynthesizer, type Emulator, type EmulatorOptions, type ModelBehaviour } from '@eaio/emulator';
import type { EaioConfig } from '@eaio/core';

/** Key the rehearsal gives the emulated paid APIs; the emulator accepts any key but `bad-key`. */
export const REHEARSAL_KEY = 'rehearsal-not-a-real-key';

export interface RehearsalOptions {
  /** Scales every emulated wait (1 = realistic, 0 = instant). @defaultValue 0.25 */
  timeScale?: number;
  seed?: number;
  /** Behaviour per model; defaults: 3B local preset for local-fast, 7B for local-quality, api preset for paid models. */
  models?: Record<string, ModelBehaviour>;
  /** Emulated local inference hosts. @defaultValue 1 */
  localHosts?: number;
  /** Writes the answers to analysis prompts (tests). @defaultValue `synthesizeAnswer` of `@eaio/energy` */
  answerSynthesizer?: AnswerSynthesizer;
}

export interface Rehearsal {
  emulator: Emulator;
  /** Environment variables that point every endpoint at the emulator. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the built-in provider emulator and returns the environment that points eaio at
 * it: `ollama-*` hosts for the local tiers and one host for every paid API. Answers to
 * analysis prompts come from `synthesizeAnswer` (grounded or faulty, at the presets'
 * rates), so the gate and escalation are exercised for real. Every result is labelled simulated.
 */
export const startRehearsal = async (config: Pick<EaioConfig, 'tiers'>, options: RehearsalOptions = {}): Promise<Rehearsal> => {
  const localHosts = Array.from({ length: options.localHosts ?? 1 }, (_, index) => ({ name: `ollama-${index + 1}` }));
  const models: Record<string, ModelBehaviour> = {};
  for (const candidate of config.tiers['local-fast'].candidates) models[candidate.model] = PRESETS.local3b;
  for (const candidate of config.tiers['local-quality'].candidates) models[candidate.model] = PRESETS.local7b;
  for (const candidate of config.tiers.api.candidates) models[candidate.model] = PRESETS.api;
  const emulatorOptions: EmulatorOptions = {
    hosts: [...localHosts, { name: 'api' }],
    seed: options.seed ?? 1,
    models: { ...models, ...options.models },
    defaultModel: withBehaviour(PRESETS.api, {}),
    timeScale: options.timeScale ?? 0.25,
    answerSynthesizer: options.answerSynthesizer ?? synthesizeAnswer,
  };
  const emulator = await startEmulator(emulatorOptions);
  const url = (name: string) => emulator.hosts.find((host) => host.name === name)!.url;
  const api = url('api');
  return {
    emulator,
    env: {
      OLLAMA_BASE_URL: localHosts.map((host) => url(host.name)).join(','),
      OPENAI_API_KEY: REHEARSAL_KEY,
      OPENAI_BASE_URL: `${api}/v1`,
      ANTHROPIC_API_KEY: REHEARSAL_KEY,
      ANTHROPIC_BASE_URL: api,
      GOOGLE_API_KEY: REHEARSAL_KEY,
      GEMINI_BASE_URL: api,
    },
    close: () => emulator.close(),
  };
};
