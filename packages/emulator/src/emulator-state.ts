import { clearBatchMemory, createBatchMemory, type BatchMemory } from './batch-memory';
import { InFlightTracker } from './in-flight-tracker';
import { PRESETS, withBehaviour } from './presets';
import { RequestLog } from './request-log';
import type { AnswerSynthesizer, EmulatorConfigPatch, EmulatorOptions, ModelBehaviour } from './types';

/** Configuration after defaults, shared by every host of one emulator. */
export interface EmulatorConfig {
  seed: number;
  timeScale: number;
  models: Record<string, ModelBehaviour>;
  defaultModel: ModelBehaviour;
  availableModels: Record<string, string[]>;
  answerSynthesizer?: AnswerSynthesizer;
  logBodies: boolean;
  batchDelayMs: number;
}

/** Everything one emulator remembers; owned by `startEmulator`, handed to each host server. */
export interface EmulatorState {
  config: EmulatorConfig;
  log: RequestLog;
  inFlight: InFlightTracker;
  /** Times each (model, body hash) has been seen: part of the random seed of a request. */
  seenBodies: Map<string, number>;
  /** Prompt prefixes seen per host+model (emulated prompt caching). */
  cachedPrefixes: Set<string>;
  /** Uploaded files and batches (see `batch-handler`). */
  batches: BatchMemory;
}

export const createEmulatorState = (options: EmulatorOptions): EmulatorState => ({
  config: {
    seed: options.seed ?? 1,
    timeScale: options.timeScale ?? 1,
    models: { ...options.models },
    defaultModel: options.defaultModel ?? PRESETS.instant,
    availableModels: { ...options.availableModels },
    answerSynthesizer: options.answerSynthesizer,
    logBodies: options.logBodies ?? true,
    batchDelayMs: options.batchDelayMs ?? 1000,
  },
  log: new RequestLog(options.maxLogEntries ?? 10_000),
  inFlight: new InFlightTracker(options.maxLogEntries ?? 10_000),
  seenBodies: new Map(),
  cachedPrefixes: new Set(),
  batches: createBatchMemory(),
});

/** Lays a patch over the configuration; model entries merge into what is there. */
export const applyConfigPatch = (state: EmulatorState, patch: EmulatorConfigPatch): void => {
  const config = state.config;
  if (typeof patch.seed === 'number') config.seed = patch.seed;
  if (typeof patch.timeScale === 'number') config.timeScale = patch.timeScale;
  if (typeof patch.batchDelayMs === 'number') config.batchDelayMs = patch.batchDelayMs;
  if (patch.defaultModel) config.defaultModel = withBehaviour(config.defaultModel, patch.defaultModel);
  for (const [name, behaviour] of Object.entries(patch.models ?? {})) {
    config.models[name] = withBehaviour(config.models[name] ?? config.defaultModel, behaviour);
  }
  for (const [host, models] of Object.entries(patch.availableModels ?? {})) {
    if (models === null) delete config.availableModels[host];
    else config.availableModels[host] = [...models];
  }
  if (patch.answerSynthesizer !== undefined) config.answerSynthesizer = patch.answerSynthesizer ?? undefined;
};

export const resetState = (state: EmulatorState): void => {
  state.log.clear();
  state.inFlight.reset();
  state.seenBodies.clear();
  state.cachedPrefixes.clear();
  clearBatchMemory(state.batches);
};

/** `llama3.2` and `llama3.2:latest` name the same Ollama model. */
const nameVariants = (model: string): string[] => (model.endsWith(':latest') ? [model, model.slice(0, -':latest'.length)] : [model, `${model}:latest`]);

export const behaviourFor = (config: EmulatorConfig, model: string): ModelBehaviour => {
  for (const name of nameVariants(model)) {
    const behaviour = config.models[name];
    if (behaviour) return behaviour;
  }
  return config.defaultModel;
};

/** Models a host lists: its `availableModels` entry, else every configured model. */
export const modelsOnHost = (config: EmulatorConfig, host: string): string[] => config.availableModels[host] ?? Object.keys(config.models);

/** A host without an `availableModels` entry serves any model. */
export const hostServes = (config: EmulatorConfig, host: string, model: string): boolean => {
  const available = config.availableModels[host];
  return available === undefined || nameVariants(model).some((name) => available.includes(name));
};
