import { contentText, isRecord, jsonResponse, positiveInteger, type Generation, type NormalizedChat, type WireErrorDetails, type WireFormat } from './wire-format';

const FINISH_REASON = { stop: 'stop', length: 'length', refusal: 'stop' } as const;

const isDeepSeek = (model: string): boolean => model.toLowerCase().startsWith('deepseek');

/** OpenAI `usage`, or DeepSeek's when the model name starts with `deepseek`. */
const renderUsage = (model: string, generation: Generation): Record<string, unknown> => {
  const base = {
    prompt_tokens: generation.inputTokens,
    completion_tokens: generation.outputTokens,
    total_tokens: generation.inputTokens + generation.outputTokens,
  };
  if (isDeepSeek(model)) {
    return {
      ...base,
      prompt_tokens_details: { cached_tokens: generation.cachedInputTokens },
      ...(generation.reasoningTokens > 0 ? { completion_tokens_details: { reasoning_tokens: generation.reasoningTokens } } : {}),
      prompt_cache_hit_tokens: generation.cachedInputTokens,
      prompt_cache_miss_tokens: generation.inputTokens - generation.cachedInputTokens,
    };
  }
  return {
    ...base,
    prompt_tokens_details: { cached_tokens: generation.cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: generation.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
};

const renderMessage = (chat: NormalizedChat, generation: Generation): Record<string, unknown> => {
  if (isDeepSeek(chat.model)) return { role: 'assistant', content: generation.text };
  const refusedIntoField = generation.finish === 'refusal' && chat.strictSchema;
  return {
    role: 'assistant',
    content: refusedIntoField ? null : generation.text,
    refusal: refusedIntoField ? generation.text : null,
    annotations: [],
  };
};

const ERRORS: Record<WireErrorDetails['kind'], { status: number; type: string; code: string | null; param: string | null }> = {
  auth: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key', param: null },
  'model-not-found': { status: 404, type: 'invalid_request_error', code: 'model_not_found', param: null },
  'context-length': { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' },
  'bad-request': { status: 400, type: 'invalid_request_error', code: null, param: null },
  'rate-limit': { status: 429, type: 'requests', code: 'rate_limit_exceeded', param: null },
  'server-error': { status: 500, type: 'server_error', code: null, param: null },
  unavailable: { status: 503, type: 'server_error', code: null, param: null },
  'route-not-found': { status: 404, type: 'invalid_request_error', code: null, param: null },
};

const errorMessage = (details: WireErrorDetails): string => {
  switch (details.kind) {
    case 'auth':
      return 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.';
    case 'model-not-found':
      return `The model \`${details.model}\` does not exist or you do not have access to it.`;
    case 'context-length':
      return `This model's maximum context length is ${details.contextWindow} tokens. However, your messages resulted in ${details.promptTokens} tokens. Please reduce the length of the messages.`;
    case 'rate-limit':
      return `Rate limit reached for ${details.model} on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${details.retryAfterSeconds ?? 1}s.`;
    case 'server-error':
      return 'The server had an error while processing your request. Sorry about that!';
    case 'unavailable':
      return 'The engine is currently overloaded, please try again later.';
    case 'route-not-found':
      return 'Invalid URL';
    case 'bad-request':
      return details.message ?? 'Invalid request.';
  }
};

/** `x-ratelimit-*` headers with fixed, plausible values. */
const rateLimitHeaders = (): Record<string, string> => ({
  'x-ratelimit-limit-requests': '10000',
  'x-ratelimit-remaining-requests': '9999',
  'x-ratelimit-reset-requests': '6ms',
  'x-ratelimit-limit-tokens': '2000000',
  'x-ratelimit-remaining-tokens': '1999000',
  'x-ratelimit-reset-tokens': '30ms',
});

/** OpenAI Chat Completions (`POST /v1/chat/completions`), also DeepSeek's dialect. */
export const openAiWire: WireFormat = {
  provider: 'openai',

  parseChat(body) {
    if (typeof body.model !== 'string' || body.model === '') return 'you must provide a model parameter';
    if (!Array.isArray(body.messages) || body.messages.length === 0) return "Missing required parameter: 'messages'.";
    const system: string[] = [];
    const messages: NormalizedChat['messages'] = [];
    for (const message of body.messages) {
      if (!isRecord(message)) return "Invalid type for 'messages': expected an object.";
      const role = String(message.role);
      const text = contentText(message.content);
      if (role === 'system' || role === 'developer') system.push(text);
      else messages.push({ role, content: text });
    }
    const format = isRecord(body.response_format) ? body.response_format : undefined;
    const jsonSchema = format?.type === 'json_schema' && isRecord(format.json_schema) ? format.json_schema : undefined;
    const streamOptions = isRecord(body.stream_options) ? body.stream_options : undefined;
    return {
      model: body.model,
      system: system.join('\n\n'),
      messages,
      maxTokens: positiveInteger(body.max_completion_tokens) ?? positiveInteger(body.max_tokens),
      stream: body.stream === true,
      json: format?.type === 'json_object' || format?.type === 'json_schema',
      schema: jsonSchema && isRecord(jsonSchema.schema) ? jsonSchema.schema : undefined,
      strictSchema: jsonSchema !== undefined,
      cacheControl: false,
      includeUsage: streamOptions?.include_usage === true,
    };
  },

  renderChat(chat, generation, meta) {
    return {
      id: meta.requestId.replace(/^req_/, 'chatcmpl-'),
      object: 'chat.completion',
      created: meta.created,
      model: chat.model,
      choices: [
        {
          index: 0,
          message: renderMessage(chat, generation),
          logprobs: null,
          finish_reason: FINISH_REASON[generation.finish],
        },
      ],
      usage: renderUsage(chat.model, generation),
      ...(isDeepSeek(chat.model) ? {} : { service_tier: 'default' }),
      system_fingerprint: 'fp_emulator',
    };
  },

  streamWriter(chat, meta) {
    const id = meta.requestId.replace(/^req_/, 'chatcmpl-');
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created: meta.created,
        model: chat.model,
        service_tier: 'default',
        system_fingerprint: 'fp_emulator',
        choices,
        ...(chat.includeUsage ? { usage: null } : {}),
        ...extra,
      })}\n\n`;
    return {
      contentType: 'text/event-stream; charset=utf-8',
      start: () => [chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }])],
      delta: (piece) => chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]),
      end: (generation) => [
        chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: FINISH_REASON[generation.finish] }]),
        ...(chat.includeUsage ? [chunk([], { usage: renderUsage(chat.model, generation) })] : []),
        'data: [DONE]\n\n',
      ],
      malformed: () => `data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"\n\n`,
    };
  },

  renderError(details, meta) {
    const shape = ERRORS[details.kind];
    const retryHeaders: Record<string, string> =
      details.kind === 'rate-limit' || details.kind === 'unavailable'
        ? {
            'retry-after': String(details.retryAfterSeconds ?? 1),
            'retry-after-ms': String((details.retryAfterSeconds ?? 1) * 1000),
          }
        : {};
    return jsonResponse(
      shape.status,
      { error: { message: errorMessage(details), type: shape.type, param: shape.param, code: shape.code } },
      { 'x-request-id': meta.requestId, ...rateLimitHeaders(), ...retryHeaders },
    );
  },

  chatHeaders(meta, generation) {
    return {
      'x-request-id': meta.requestId,
      'openai-processing-ms': String(Math.round((generation?.ttftMs ?? 0) + (generation?.generationMs ?? 0))),
      'openai-version': '2020-10-01',
      ...rateLimitHeaders(),
    };
  },

  malformedBody(chat, meta) {
    return `{"id":"${meta.requestId}","object":"chat.completion","created":${meta.created},"model":"${chat.model}","choices":[{"index":0,"message":{"role":"assistant","content":"The buil`;
  },
};
