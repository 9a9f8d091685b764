/**
 * Public types of the wire-level provider emulator. Everything here is data; the
 * server code lives in `host-server.ts` and `emulator.ts`.
 */

import type { TokenCounting } from './tokens';

/** The four wire formats every emulated host speaks. */
export type WireProvider = 'ollama' | 'openai' | 'anthropic' | 'gemini';

/** Which part of a provider API a request hit. */
export type Operation =
  | 'chat'
  | 'list-models'
  | 'show-model'
  | 'version'
  // Files + Batch API (OpenAI) and Message Batches (Anthropic); `batch-item` is one line of a batch answered by the host itself.
  | 'file-upload'
  | 'file-retrieve'
  | 'file-content'
  | 'batch-create'
  | 'batch-retrieve'
  | 'batch-cancel'
  | 'batch-results'
  | 'batch-item';

/** Faults injected at random, each a rate in 0..1 (their sum is capped at 1). */
export interface FaultRates {
  /** 429 with `retry-after` (Anthropic, OpenAI) or `RESOURCE_EXHAUSTED` (Gemini). @defaultValue 0 */
  rateLimit: number;
  /** 500 in the provider's error shape. @defaultValue 0 */
  serverError: number;
  /** 503 (OpenAI, Ollama, Gemini `UNAVAILABLE`) or 529 `overloaded_error` (Anthropic). @defaultValue 0 */
  unavailable: number;
  /** Headers never sent; the socket stays open until the client gives up. @defaultValue 0 */
  hang: number;
  /** 200 with a body that is not valid JSON (or a broken stream chunk). @defaultValue 0 */
  malformed: number;
  /** Text cut short with finish reason `length` / `max_tokens` / `MAX_TOKENS`. @defaultValue 0 */
  truncated: number;
  /** "I can't help with that." (Anthropic `stop_reason: "refusal"`, Gemini `SAFETY`). @defaultValue 0 */
  refusal: number;
  /**
   * The provider's auth error (401 OpenAI/Anthropic/Ollama, Gemini 400 `API_KEY_INVALID`) on chat while listings still
   * answer: a key revoked or lacking access to the model. Optional. @defaultValue 0
   */
  unauthorized?: number;
}

/** How the answer text behaves when no fault fires; rates in 0..1, the remainder is grounded. */
export interface AnswerRates {
  grounded: number;
  hallucination: number;
  invalidJson: number;
  missingSections: number;
}

/** Behaviour handed to an {@link AnswerSynthesizer}. */
export type AnswerBehaviour = 'grounded' | 'hallucination' | 'invalid-json' | 'missing-sections';

/** What one emulated model does: speed, faults and answer quality. */
export interface ModelBehaviour {
  /** Time to first token after the request arrived (before `timeScale`). */
  ttftMs: number;
  /** Output speed; total generation time is `outputTokens / tokensPerSecond`. `0` or `Infinity` = instant. */
  tokensPerSecond: number;
  /** Extra wait before any byte of the response (network round trip). */
  networkLatencyMs: number;
  faults: FaultRates;
  /** Value of `retry-after` on injected 429/503/529 responses. */
  retryAfterSeconds: number;
  answers: AnswerRates;
  /**
   * Answer rates for prompts of one template (the `[eaio-template <id>@<version>]` tag eaio puts
   * in every analysis prompt), merged over `answers`: a model can pass one analysis type and
   * fail another. @defaultValue none
   */
  answersByTemplate?: Record<string, Partial<AnswerRates>>;
  /** Prompt tokens the model accepts. Over it: 400 context-length error (Ollama truncates silently to `num_ctx`). */
  contextWindow: number;
  /**
   * Reasoning tokens reported per output token (`reasoning_tokens`, `thoughtsTokenCount`).
   * @defaultValue 0
   */
  reasoningTokensPerOutputToken?: number;
  /**
   * How this model counts tokens (see `TokenCounting`): `'per-character'` and `'o200k'` are
   * strict (the answer's JSON schema is billed as prompt too). @defaultValue `'chars/4'`
   */
  tokenCounting?: TokenCounting;
}

/** Partial behaviour used by `configure` and `POST /__emulator/config`: nested objects merge. */
export interface ModelBehaviourPatch extends Partial<Omit<ModelBehaviour, 'faults' | 'answers'>> {
  faults?: Partial<FaultRates>;
  answers?: Partial<AnswerRates>;
}

/**
 * Produces an analysis answer for a prompt; `@eaio/energy`'s `synthesizeAnswer` fits.
 * Returns `null` when the prompt is not one it knows (the emulator then answers generically).
 */
export type AnswerSynthesizer = (promptText: string, behaviour: AnswerBehaviour, random: () => number) => { text: string; label: string } | null;

export interface HostOptions {
  /** Name used in logs, stats and `stopHost`. */
  name: string;
  /** @defaultValue 0 (a free port) */
  port?: number;
  /**
   * API-style endpoints (OpenAI, Anthropic, Gemini) demand a key: `true` = any key but
   * `bad-key`; a string = exactly that key. The key `bad-key` is refused on every host.
   * @defaultValue false
   */
  requireApiKey?: boolean | string;
}

export interface EmulatorOptions {
  /** @defaultValue `[{ name: 'emulator' }]` */
  hosts?: HostOptions[];
  /** Root of all randomness. @defaultValue 1 */
  seed?: number;
  /** Behaviour per model name; other names get `defaultModel`. @defaultValue {} */
  models?: Record<string, ModelBehaviour>;
  /** @defaultValue `PRESETS.instant` */
  defaultModel?: ModelBehaviour;
  /**
   * Models each host lists (`/api/tags`, `/v1/models`, `/v1beta/models`) and accepts;
   * a chat for another model gets the provider's 404. Hosts absent here accept any
   * model and list the keys of `models`.
   */
  availableModels?: Record<string, string[]>;
  /** Multiplies every wait; `0` = no waiting at all. @defaultValue 1 */
  timeScale?: number;
  /** Makes analysis answers; without it answers are generic. */
  answerSynthesizer?: AnswerSynthesizer;
  /** Kept log entries and timeline samples (oldest dropped first). @defaultValue 10_000 */
  maxLogEntries?: number;
  /** Keep request bodies in the log (turn off for big benchmarks). @defaultValue true */
  logBodies?: boolean;
  /** How long a created batch (OpenAI Batch API, Anthropic Message Batches) waits before it is processed, ms (not scaled by `timeScale`). @defaultValue 1000 */
  batchDelayMs?: number;
}

/** A patch for `configure` / `POST /__emulator/config`. `models` entries merge into the current ones. */
export interface EmulatorConfigPatch {
  seed?: number;
  timeScale?: number;
  batchDelayMs?: number;
  models?: Record<string, ModelBehaviourPatch>;
  defaultModel?: ModelBehaviourPatch;
  /** Per host; `null` removes the host's list (it then serves any model). */
  availableModels?: Record<string, string[] | null>;
  answerSynthesizer?: AnswerSynthesizer | null;
}

/** Token counts as the emulator reported them, normalized. */
export interface LoggedUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
}

export interface RequestLogEntry {
  /** 1, 2, 3… in arrival order. */
  id: number;
  host: string;
  provider: WireProvider;
  operation: Operation;
  /** Model name; `''` for listings and version. */
  model: string;
  method: string;
  path: string;
  /** Header `x-eaio-attempt-id`, when sent. */
  attemptId?: string;
  /** Parsed JSON body (`undefined` for GET or with `logBodies: false`, the raw text when it was not JSON). */
  body: unknown;
  /** Hex SHA-256 of the body bytes as received (of the empty body for none); kept with `logBodies: false` too. */
  bodySha256: string;
  /** Size of the body as received, bytes. */
  bodyBytes: number;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms; `undefined` while in flight. */
  finishedAt?: number;
  /** HTTP status sent; `0` when none was (hang, client gone before the answer). */
  status: number;
  /** True when the client closed the connection before the response ended. */
  clientAborted: boolean;
  stream: boolean;
  /** Fault and answer-behaviour labels injected, e.g. `['rate-limit']`, `['answer:hallucination']`. */
  injected: string[];
  /** The emulated batch a `batch-item` entry belongs to. */
  batchId?: string;
  /** Label of the answer text (from the synthesizer, or `generic-…`). */
  answerLabel?: string;
  usage?: LoggedUsage;
  /** How many times this exact body (same model) had been seen before this request. */
  repeat: number;
}

/** One change of in-flight generation requests. */
export interface InFlightSample {
  /** Epoch ms. */
  t: number;
  host: string;
  model: string;
  /** Generation requests in flight on the host after the change. */
  inFlight: number;
  /** Generation requests in flight for this host and model after the change. */
  modelInFlight: number;
}

export interface EmulatorStats {
  /** Highest number of concurrent generation requests seen per host. */
  maxInFlightByHost: Record<string, number>;
  /** Same per `host/model`. */
  maxInFlightByHostModel: Record<string, number>;
  inFlightByHost: Record<string, number>;
  /** All requests (any endpoint, control plane excluded) per host. */
  requestsByHost: Record<string, number>;
  /** Generation requests per host. */
  chatRequestsByHost: Record<string, number>;
  timeline: InFlightSample[];
}

export interface EmulatedHost {
  name: string;
  url: string;
  port: number;
  running: boolean;
}

export interface Emulator {
  /** URL of the first host. */
  url: string;
  hosts: EmulatedHost[];
  log(): RequestLogEntry[];
  stats(): EmulatorStats;
  /** Clears log, stats, repeat counters and prompt caches; keeps configuration. */
  reset(): void;
  configure(patch: EmulatorConfigPatch): void;
  /** Takes one host down (open connections are cut); its port stays reserved for `startHost`. */
  stopHost(name: string): Promise<void>;
  startHost(name: string): Promise<void>;
  close(): Promise<void>;
}
