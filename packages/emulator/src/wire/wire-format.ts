import type { WireProvider } from '../types';

/** A chat request reduced to what the emulator needs, whatever wire format it came in. */
export interface NormalizedChat {
  model: string;
  /** System text (all system/developer parts joined). */
  system: string;
  /** User and assistant turns, text only. */
  messages: { role: string; content: string }[];
  /** Output cap the client asked for, in tokens. */
  maxTokens?: number;
  stream: boolean;
  /** JSON output was requested (`format`, `response_format`, `responseMimeType`, `output_format`). */
  json: boolean;
  /** JSON schema of the requested output, when one was given. */
  schema?: Record<string, unknown>;
  /** OpenAI `json_schema` with a schema: refusals go to `message.refusal`. */
  strictSchema: boolean;
  /** Ollama `options.num_ctx`. */
  numCtx?: number;
  /** Anthropic `cache_control` present somewhere in the prompt. */
  cacheControl: boolean;
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean;
}

/** Why generation stopped, before each provider spells it. */
export type Finish = 'stop' | 'length' | 'refusal';

/** A finished generation: text and token counts (see `tokens.ts`). */
export interface Generation {
  text: string;
  finish: Finish;
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the emulated prompt cache. */
  cachedInputTokens: number;
  /** Prompt tokens written to the cache (Anthropic `cache_control`). */
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Milliseconds the emulated work took (for Ollama durations, `openai-processing-ms`). */
  ttftMs: number;
  generationMs: number;
}

/** Error kinds every wire format can render in its own shape. */
export type WireErrorKind = 'auth' | 'model-not-found' | 'context-length' | 'bad-request' | 'rate-limit' | 'server-error' | 'unavailable' | 'route-not-found';

export interface WireErrorDetails {
  kind: WireErrorKind;
  model?: string;
  message?: string;
  retryAfterSeconds?: number;
  promptTokens?: number;
  contextWindow?: number;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Per-response identity shared by headers and bodies. */
export interface ResponseMeta {
  requestId: string;
  /** Epoch seconds. */
  created: number;
}

/** Strings to write for a streamed generation, in order; the host paces `delta`s. */
export interface StreamWriter {
  contentType: string;
  start(generation: Generation): string[];
  delta(piece: string, index: number): string;
  end(generation: Generation): string[];
  /** A chunk that breaks the format (injected `malformed` fault while streaming). */
  malformed(): string;
}

/** One provider's wire format. */
export interface WireFormat {
  provider: WireProvider;
  /** Reads a chat body; a string is a validation message (400 in the provider's shape). */
  parseChat(body: Record<string, unknown>, pathModel?: string, streamFromPath?: boolean): NormalizedChat | string;
  renderChat(chat: NormalizedChat, generation: Generation, meta: ResponseMeta): unknown;
  streamWriter(chat: NormalizedChat, meta: ResponseMeta): StreamWriter;
  renderError(details: WireErrorDetails, meta: ResponseMeta): WireResponse;
  /** Headers every chat response of this provider carries. */
  chatHeaders(meta: ResponseMeta, generation?: Generation): Record<string, string>;
  /** A 200 body that looks like the provider's but does not parse. */
  malformedBody(chat: NormalizedChat, meta: ResponseMeta): string;
}

export const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): WireResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Text of a message `content` that is a string or an array of `{ type: 'text', text }` parts. */
export const contentText = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => {
        if (typeof part === 'string') return part;
        if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
          return (part as { text: string }).text;
        }
        return '';
      })
      .join('');
  }
  return '';
};

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

export const positiveInteger = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined);
