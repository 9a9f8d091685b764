import { createRequire } from 'node:module';

type CountTokens = (text: string, options: { disallowedSpecial: Set<string> }) => number;
let o200k: CountTokens | undefined;
/**
 * gpt-tokenizer's o200k table costs about 65 MB of memory: loaded on the first count, so
 * processes that never reserve spend (the intake, `eaio status`) do not carry it.
 */
const countO200k: CountTokens = (text, options) =>
  (o200k ??= (createRequire(import.meta.url)('gpt-tokenizer/encoding/o200k_base') as { countTokens: CountTokens }).countTokens)(text, options);

/** The parts of a request that reach the provider as prompt tokens (structural `ChatRequest`). */
export interface PromptParts {
  system?: string;
  messages: { content: string }[];
  /** JSON output: the schema travels with the request (`response_format`, `output_config`, `responseJsonSchema`, or in the system prompt). */
  responseFormat?: { type: string; schema?: Record<string, unknown>; name?: string };
  /** Tool definitions, when a request carries any; counted as their JSON. */
  tools?: unknown[];
}

/** What a prompt measures before it is sent. */
export interface PromptMeasure {
  /** o200k_base tokens of everything sent: text, schema/tools and the chat framing. */
  tokens: number;
  /** UTF-8 bytes of the same text plus the framing allowance: no byte-level tokenizer counts more. */
  bytes: number;
}

/**
 * Chat framing per message (role markers, separators: OpenAI documents 3 per message and
 * 3 to prime the reply) plus the wrapper of a JSON schema or tool list. Rounded up, and
 * counted both as tokens and as bytes (a marker is one token however many bytes it has).
 */
const PER_MESSAGE_TOKENS = 4;
const PER_REQUEST_TOKENS = 4;
/**
 * The instruction an adapter puts in the system prompt when an endpoint cannot take the
 * schema natively (`jsonInstruction` in `@eaio/providers`): counted in every case, so the
 * estimate holds whichever way the schema travels.
 */
const JSON_INSTRUCTION = 'Respond with a single JSON object only, no prose and no code fence, matching this JSON schema:\n';
const SCHEMA_WRAPPER_TOKENS = 12;

const utf8 = new TextEncoder();
const bytesOf = (text: string): number => utf8.encode(text).length;
/** o200k tokens; special-token text (`<|endoftext|>`) in user data is counted as plain text, never rejected. */
const tokensOf = (text: string): number => (text === '' ? 0 : countO200k(text, { disallowedSpecial: new Set() }));

/** The texts of a request as the provider sees them: system, messages, then schema and tools as JSON. */
export const promptTexts = (parts: PromptParts): string[] => {
  const texts = [parts.system ?? '', ...parts.messages.map((message) => message.content)];
  if (parts.responseFormat?.type === 'json') {
    texts.push(`${JSON_INSTRUCTION}${parts.responseFormat.schema ? JSON.stringify(parts.responseFormat.schema) : ''}${parts.responseFormat.name ?? ''}`);
  }
  if (parts.tools && parts.tools.length > 0) texts.push(JSON.stringify(parts.tools));
  return texts.filter((text) => text !== '');
};

/**
 * Measures a request's prompt with a real tokenizer (o200k_base, OpenAI's current
 * encoding, through `gpt-tokenizer`) and in UTF-8 bytes, the schema and tools included.
 */
export const measurePrompt = (parts: PromptParts): PromptMeasure => {
  const texts = promptTexts(parts);
  const framing =
    PER_REQUEST_TOKENS +
    PER_MESSAGE_TOKENS * (parts.messages.length + (parts.system ? 1 : 0)) +
    (parts.responseFormat?.type === 'json' || (parts.tools?.length ?? 0) > 0 ? SCHEMA_WRAPPER_TOKENS : 0);
  return {
    tokens: texts.reduce((sum, text) => sum + tokensOf(text), 0) + framing,
    bytes: texts.reduce((sum, text) => sum + bytesOf(text), 0) + framing,
  };
};

/** How reservations turn a measured prompt into the prompt tokens they hold money for. */
export interface PromptEstimateSettings {
  /** Safety margin on top of the tokenizer's count, e.g. `0.1` = +10 %. */
  margin: number;
  /** Provider tokenizer vs o200k (measured on the project's prompts); absent = 1. */
  providerFactors: Record<string, number>;
}

export interface PromptEstimate {
  /** Prompt tokens the reservation is priced at. */
  tokens: number;
  /** The multiplier applied to the o200k count (before the margin). */
  factor: number;
  /** How `factor` was chosen. */
  basis: 'calibrated' | 'provider-factor' | 'byte-bound';
}

/**
 * Prompt tokens to reserve for a call:
 *
 * - `observedRatio` known (the provider's own reported prompt tokens / our o200k count, the
 *   largest over its recent billed calls): o200k × max(provider factor, observed) × (1 + margin).
 * - not known yet (a model's first calls): the larger of o200k × provider factor × (1 + margin)
 *   and the prompt's UTF-8 byte count, the most any byte-level BPE tokenizer can produce. So a
 *   provider whose tokenizer is far worse than o200k on this data (1 token per character)
 *   cannot overspend in the calls it takes to learn its ratio.
 */
export const estimatePromptTokens = (measure: PromptMeasure, provider: string, settings: PromptEstimateSettings, observedRatio?: number): PromptEstimate => {
  const providerFactor = settings.providerFactors[provider] ?? 1;
  const margin = 1 + Math.max(0, settings.margin);
  if (observedRatio !== undefined && Number.isFinite(observedRatio) && observedRatio > 0) {
    const factor = Math.max(providerFactor, observedRatio);
    return { tokens: Math.ceil(measure.tokens * factor * margin), factor, basis: factor === providerFactor ? 'provider-factor' : 'calibrated' };
  }
  const byFactor = Math.ceil(measure.tokens * providerFactor * margin);
  return byFactor >= measure.bytes
    ? { tokens: byFactor, factor: providerFactor, basis: 'provider-factor' }
    : { tokens: measure.bytes, factor: measure.tokens > 0 ? measure.bytes / measure.tokens : providerFactor, basis: 'byte-bound' };
};
