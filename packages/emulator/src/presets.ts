import type { AnswerRates, FaultRates, ModelBehaviour, ModelBehaviourPatch } from './types';

const NO_FAULTS: FaultRates = {
  rateLimit: 0,
  serverError: 0,
  unavailable: 0,
  hang: 0,
  malformed: 0,
  truncated: 0,
  refusal: 0,
};

const ALL_GROUNDED: AnswerRates = { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 };

/**
 * Ready-made behaviours. None injects faults (add them with `withBehaviour`); the local
 * presets answer worse than the API one so that quality gates and escalation have work.
 */
export const PRESETS = {
  /** A 3B model on a CPU/GPU box: ~50 tokens/s, 8k context, weakest answers. */
  local3b: {
    ttftMs: 200,
    tokensPerSecond: 50,
    networkLatencyMs: 1,
    faults: NO_FAULTS,
    retryAfterSeconds: 1,
    answers: { grounded: 0.75, hallucination: 0.1, invalidJson: 0.05, missingSections: 0.1 },
    contextWindow: 8_192,
  },
  /** A 7B model: ~30 tokens/s, 32k context. */
  local7b: {
    ttftMs: 350,
    tokensPerSecond: 30,
    networkLatencyMs: 1,
    faults: NO_FAULTS,
    retryAfterSeconds: 1,
    answers: { grounded: 0.88, hallucination: 0.05, invalidJson: 0.02, missingSections: 0.05 },
    contextWindow: 32_768,
  },
  /** A hosted API: ~300 ms network, fast tokens, 128k context, rarely wrong. */
  api: {
    ttftMs: 250,
    tokensPerSecond: 120,
    networkLatencyMs: 300,
    faults: NO_FAULTS,
    retryAfterSeconds: 2,
    answers: { grounded: 0.98, hallucination: 0.01, invalidJson: 0, missingSections: 0.01 },
    contextWindow: 128_000,
  },
  /**
   * The hosted API, counting 1 token per character of everything sent (schema included):
   * a provider whose tokenizer is far less efficient than the one reservations start from
   * (CJK text, digit-by-digit tokenizers on numeric data). For budget tests.
   */
  apiStrictTokens: {
    ttftMs: 250,
    tokensPerSecond: 120,
    networkLatencyMs: 300,
    faults: NO_FAULTS,
    retryAfterSeconds: 2,
    answers: { grounded: 0.98, hallucination: 0.01, invalidJson: 0, missingSections: 0.01 },
    contextWindow: 128_000,
    tokenCounting: 'per-character',
  },
  /** No waiting, always grounded: for benchmarks of everything but the model. */
  instant: {
    ttftMs: 0,
    tokensPerSecond: 0,
    networkLatencyMs: 0,
    faults: NO_FAULTS,
    retryAfterSeconds: 1,
    answers: ALL_GROUNDED,
    contextWindow: 1_000_000,
  },
} satisfies Record<string, ModelBehaviour>;

/** `base` with `patch` laid over it; `faults` and `answers` merge key by key. */
export const withBehaviour = (base: ModelBehaviour, patch: ModelBehaviourPatch = {}): ModelBehaviour => ({
  ...base,
  ...patch,
  faults: { ...base.faults, ...patch.faults },
  answers: { ...base.answers, ...patch.answers },
});
