import type { FinishReason, UnifiedFinishReason } from './types';

type Table = Record<string, UnifiedFinishReason>;

/** Each wire API's finish reasons (values not listed map to `other`). */
const TABLES = {
  /** Ollama `done_reason`. */
  ollama: { stop: 'stop', length: 'length', load: 'other', unload: 'other' },
  /** OpenAI-compatible `choices[0].finish_reason` (DeepSeek adds `insufficient_system_resource`). */
  openai: {
    stop: 'stop',
    length: 'length',
    content_filter: 'content-filter',
    tool_calls: 'tool-calls',
    function_call: 'tool-calls',
    insufficient_system_resource: 'error',
  },
  /** Anthropic `stop_reason`. */
  anthropic: {
    end_turn: 'stop',
    stop_sequence: 'stop',
    max_tokens: 'length',
    model_context_window_exceeded: 'length',
    refusal: 'content-filter',
    tool_use: 'tool-calls',
    pause_turn: 'other',
  },
  /** Gemini `candidates[0].finishReason`. */
  gemini: {
    STOP: 'stop',
    MAX_TOKENS: 'length',
    SAFETY: 'content-filter',
    RECITATION: 'content-filter',
    BLOCKLIST: 'content-filter',
    PROHIBITED_CONTENT: 'content-filter',
    SPII: 'content-filter',
    IMAGE_SAFETY: 'content-filter',
    MALFORMED_FUNCTION_CALL: 'error',
    FINISH_REASON_UNSPECIFIED: 'unknown',
  },
} satisfies Record<string, Table>;

export type FinishReasonDialect = keyof typeof TABLES;

/** `{ unified, raw }` for a raw finish reason; `unknown` when none was sent. */
export const finishReasonFrom = (dialect: FinishReasonDialect, raw: string | null | undefined): FinishReason => {
  if (raw === null || raw === undefined || raw === '') return { unified: 'unknown', raw: undefined };
  return { unified: (TABLES[dialect] as Table)[raw] ?? 'other', raw };
};
