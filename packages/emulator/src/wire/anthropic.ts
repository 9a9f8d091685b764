import { contentText, isRecord, jsonResponse, positiveInteger, type Generation, type NormalizedChat, type WireErrorDetails, type WireFormat } from './wire-format';

const STOP_REASON = { stop: 'end_turn', length: 'max_tokens', refusal: 'refusal' } as const;

const ERRORS: Record<WireErrorDetails['kind'], { status: number; type: string }> = {
  auth: { status: 401, type: 'authentication_error' },
  'model-not-found': { status: 404, type: 'not_found_error' },
  'context-length': { status: 400, type: 'invalid_request_error' },
  'bad-request': { status: 400, type: 'invalid_request_error' },
  'rate-limit': { status: 429, type: 'rate_limit_error' },
  'server-error': { status: 500, type: 'api_error' },
  unavailable: { status: 529, type: 'overloaded_error' },
  'route-not-found': { status: 404, type: 'not_found_error' },
};

const errorMessage = (details: WireErrorDetails): string => {
  switch (details.kind) {
    case 'auth':
      return 'invalid x-api-key';
    case 'model-not-found':
      return `model: ${details.model}`;
    case 'context-length':
      return `prompt is too long: ${details.promptTokens} tokens > ${details.contextWindow} maximum`;
    case 'rate-limit':
      return 'This request would exceed the rate limit for your organization of 50 requests per minute. Please try again later.';
    case 'server-error':
      return 'Internal server error';
    case 'unavailable':
      return 'Overloaded';
    case 'route-not-found':
      return 'Not found';
    case 'bad-request':
      return details.message ?? 'Invalid request';
  }
};

const hasCacheControl = (value: unknown): boolean => {
  if (Array.isArray(value)) return value.some(hasCacheControl);
  if (!isRecord(value)) return false;
  return 'cache_control' in value || Object.values(value).some(hasCacheControl);
};

/** Anthropic `usage`: `input_tokens` counts only the uncached part of the prompt. */
const renderUsage = (generation: Generation): Record<string, unknown> => ({
  input_tokens: generation.inputTokens - generation.cachedInputTokens - generation.cacheWriteTokens,
  cache_creation_input_tokens: generation.cacheWriteTokens,
  cache_read_input_tokens: generation.cachedInputTokens,
  output_tokens: generation.outputTokens,
  service_tier: 'standard',
});

const messageId = (requestId: string): string => requestId.replace(/^req_/, 'msg_');

const event = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** Anthropic Messages API (`POST /v1/messages`). */
export const anthropicWire: WireFormat = {
  provider: 'anthropic',

  parseChat(body) {
    if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
    if (positiveInteger(body.max_tokens) === undefined) return 'max_tokens: Field required';
    if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: Field required';
    const messages: NormalizedChat['messages'] = [];
    for (const message of body.messages) {
      if (!isRecord(message)) return 'messages.0: Input should be an object';
      messages.push({ role: String(message.role), content: contentText(message.content) });
    }
    const format = isRecord(body.output_format) ? body.output_format : isRecord(body.output_config) && isRecord(body.output_config.format) ? body.output_config.format : undefined;
    return {
      model: body.model,
      system: contentText(body.system),
      messages,
      maxTokens: positiveInteger(body.max_tokens),
      stream: body.stream === true,
      json: format?.type === 'json_schema',
      schema: format && isRecord(format.schema) ? format.schema : undefined,
      strictSchema: false,
      cacheControl: hasCacheControl(body.system) || hasCacheControl(body.messages) || 'cache_control' in body,
      includeUsage: true,
    };
  },

  renderChat(chat, generation, meta) {
    return {
      id: messageId(meta.requestId),
      type: 'message',
      role: 'assistant',
      model: chat.model,
      content: [{ type: 'text', text: generation.text }],
      stop_reason: STOP_REASON[generation.finish],
      stop_sequence: null,
      usage: renderUsage(generation),
    };
  },

  streamWriter(chat, meta) {
    return {
      contentType: 'text/event-stream; charset=utf-8',
      start: (generation) => [
        event('message_start', {
          type: 'message_start',
          message: {
            id: messageId(meta.requestId),
            type: 'message',
            role: 'assistant',
            model: chat.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { ...renderUsage(generation), output_tokens: 1 },
          },
        }),
        event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
        event('ping', { type: 'ping' }),
      ],
      delta: (piece) => event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }),
      end: (generation) => [
        event('content_block_stop', { type: 'content_block_stop', index: 0 }),
        event('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: STOP_REASON[generation.finish], stop_sequence: null },
          usage: renderUsage(generation),
        }),
        event('message_stop', { type: 'message_stop' }),
      ],
      malformed: () => 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_de\n\n',
    };
  },

  renderError(details, meta) {
    const shape = ERRORS[details.kind];
    const retry: Record<string, string> = details.kind === 'rate-limit' || details.kind === 'unavailable' ? { 'retry-after': String(details.retryAfterSeconds ?? 1) } : {};
    return jsonResponse(
      shape.status,
      { type: 'error', error: { type: shape.type, message: errorMessage(details) }, request_id: meta.requestId },
      { 'request-id': meta.requestId, ...retry },
    );
  },

  chatHeaders(meta) {
    return {
      'request-id': meta.requestId,
      'anthropic-ratelimit-requests-limit': '4000',
      'anthropic-ratelimit-requests-remaining': '3999',
      'anthropic-ratelimit-tokens-limit': '400000',
      'anthropic-ratelimit-tokens-remaining': '399000',
    };
  },

  malformedBody(chat, meta) {
    return `{"id":"${messageId(meta.requestId)}","type":"message","role":"assistant","model":"${chat.model}","content":[{"type":"text","text":"The buil`;
  },
};
