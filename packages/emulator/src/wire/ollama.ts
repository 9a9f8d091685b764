import { contentText, isRecord, jsonResponse, positiveInteger, type Generation, type NormalizedChat, type WireErrorDetails, type WireFormat } from './wire-format';

const DONE_REASON = { stop: 'stop', length: 'length', refusal: 'stop' } as const;

/** Ollama's default context when a request sets no `options.num_ctx`. */
export const OLLAMA_DEFAULT_NUM_CTX = 4096;

const ERRORS: Record<WireErrorDetails['kind'], number> = {
  auth: 401,
  'model-not-found': 404,
  'context-length': 400,
  'bad-request': 400,
  'rate-limit': 429,
  'server-error': 500,
  unavailable: 503,
  'route-not-found': 404,
};

const errorMessage = (details: WireErrorDetails): string => {
  switch (details.kind) {
    case 'auth':
      return 'unauthorized';
    case 'model-not-found':
      return `model "${details.model}" not found, try pulling it first`;
    case 'context-length':
      return `input length (${details.promptTokens} tokens) exceeds the model's maximum context length (${details.contextWindow} tokens)`;
    case 'rate-limit':
      return 'too many requests, please try again later';
    case 'server-error':
      return 'llama runner process has terminated: exit status 2';
    case 'unavailable':
      return 'server busy, please try again.  maximum pending requests exceeded';
    case 'route-not-found':
      return '404 page not found';
    case 'bad-request':
      return details.message ?? 'invalid request';
  }
};

const toNanoseconds = (ms: number): number => Math.round(ms * 1_000_000);

const timings = (generation: Generation): Record<string, number> => {
  const promptEvalMs = generation.ttftMs * 0.8;
  const loadMs = generation.ttftMs * 0.1;
  return {
    total_duration: toNanoseconds(generation.ttftMs + generation.generationMs),
    load_duration: toNanoseconds(loadMs),
    prompt_eval_count: generation.inputTokens,
    prompt_eval_duration: toNanoseconds(promptEvalMs),
    eval_count: generation.outputTokens,
    eval_duration: toNanoseconds(generation.generationMs),
  };
};

/** Ollama native chat (`POST /api/chat`); streams NDJSON unless `stream: false`. */
export const ollamaWire: WireFormat = {
  provider: 'ollama',

  parseChat(body) {
    if (typeof body.model !== 'string' || body.model === '') return 'model is required';
    const system: string[] = [];
    const messages: NormalizedChat['messages'] = [];
    for (const message of Array.isArray(body.messages) ? body.messages : []) {
      if (!isRecord(message)) return 'invalid message format';
      const text = contentText(message.content);
      if (message.role === 'system') system.push(text);
      else messages.push({ role: String(message.role), content: text });
    }
    const options = isRecord(body.options) ? body.options : {};
    return {
      model: body.model,
      system: system.join('\n\n'),
      messages,
      maxTokens: positiveInteger(options.num_predict),
      stream: body.stream !== false,
      json: body.format === 'json' || isRecord(body.format),
      schema: isRecord(body.format) ? body.format : undefined,
      strictSchema: false,
      numCtx: positiveInteger(options.num_ctx),
      cacheControl: false,
      includeUsage: true,
    };
  },

  renderChat(chat, generation, meta) {
    return {
      model: chat.model,
      created_at: new Date(meta.created * 1000).toISOString(),
      message: { role: 'assistant', content: generation.text },
      done_reason: DONE_REASON[generation.finish],
      done: true,
      ...timings(generation),
    };
  },

  streamWriter(chat, meta) {
    const line = (body: Record<string, unknown>): string => `${JSON.stringify({ model: chat.model, created_at: new Date(meta.created * 1000).toISOString(), ...body })}\n`;
    return {
      contentType: 'application/x-ndjson',
      start: () => [],
      delta: (piece) => line({ message: { role: 'assistant', content: piece }, done: false }),
      end: (generation) => [line({ message: { role: 'assistant', content: '' }, done_reason: DONE_REASON[generation.finish], done: true, ...timings(generation) })],
      malformed: () => '{"model":"broken","message":{"role":"assistant","content":"The buil\n',
    };
  },

  renderError(details) {
    const retry: Record<string, string> = details.kind === 'rate-limit' ? { 'retry-after': String(details.retryAfterSeconds ?? 1) } : {};
    return jsonResponse(ERRORS[details.kind], { error: errorMessage(details) }, retry);
  },

  chatHeaders() {
    return {};
  },

  malformedBody(chat, meta) {
    return `{"model":"${chat.model}","created_at":"${new Date(meta.created * 1000).toISOString()}","message":{"role":"assistant","content":"The buil`;
  },
};
