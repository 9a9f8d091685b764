export { startEmulator, UnknownHostError } from './emulator';
export { BAD_API_KEY } from './host-server';
export { PRESETS, withBehaviour } from './presets';
export { MODEL_CATALOGUE, catalogueModels, type CatalogueModel } from './model-catalogue';
export { CHARS_PER_TOKEN, countTokens, tokenCounter, type TokenCounter, type TokenCounting } from './tokens';
export { REFUSAL_TEXT } from './answer';
export { EMULATED_OLLAMA_VERSION } from './catalog-handler';
export type {
  AnswerBehaviour,
  AnswerRates,
  AnswerSynthesizer,
  EmulatedHost,
  Emulator,
  EmulatorConfigPatch,
  EmulatorOptions,
  EmulatorStats,
  FaultRates,
  HostOptions,
  InFlightSample,
  LoggedUsage,
  ModelBehaviour,
  ModelBehaviourPatch,
  Operation,
  RequestLogEntry,
  WireProvider,
} from './types';
