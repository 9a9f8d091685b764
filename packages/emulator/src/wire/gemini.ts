import {
  contentText,
  isRecord,
  jsonResponse,
  positiveInteger,
  type Generation,
  type NormalizedChat,
  type ResponseMeta,
  type WireErrorDetails,
  type WireFormat,
} from './wire-format';

const FINISH_REASON = { stop: 'STOP', length: 'MAX_TOKENS', refusal: 'SAFETY' } as const;

const ERRORS: Record<WireErrorDetails['kind'], { status: number; grpc: string }> = {
  // Gemini answers a bad key with 400 INVALID_ARGUMENT + ErrorInfo reason API_KEY_INVALID, not 401.
  auth: { status: 400, grpc: 'INVALID_ARGUMENT' },
  'model-not-found': { status: 404, grpc: 'NOT_FOUND' },
  'context-length': { status: 400, grpc: 'INVALID_ARGUMENT' },
  'bad-request': { status: 400, grpc: 'INVALID_ARGUMENT' },
  'rate-limit': { status: 429, grpc: 'RESOURCE_EXHAUSTED' },
  'server-error': { status: 500, grpc: 'INTERNAL' },
  unavailable: { status: 503, grpc: 'UNAVAILABLE' },
  'route-not-found': { status: 404, grpc: 'NOT_FOUND' },
};

const errorMessage = (details: WireErrorDetails): string => {
  switch (details.kind) {
    case 'auth':
      return 'API key not valid. Please pass a valid API key.';
    case 'model-not-found':
      return `models/${details.model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`;
    case 'context-length':
      return `The input token count (${details.promptTokens}) exceeds the maximum number of tokens allowed (${details.contextWindow}).`;
    case 'rate-limit':
      return 'You exceeded your current quota, please check your plan and billing details.';
    case 'server-error':
      return 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting';
    case 'unavailable':
      return 'The model is overloaded. Please try again later.';
    case 'route-not-found':
      return 'Method not found.';
    case 'bad-request':
      return details.message ?? 'Invalid JSON payload received.';
  }
};

const errorDetails = (details: WireErrorDetails): unknown[] | undefined => {
  if (details.kind === 'auth') {
    return [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ];
  }
  if (details.kind === 'rate-limit') {
    return [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${details.retryAfterSeconds ?? 1}s` }];
  }
  return undefined;
};

const renderUsage = (generation: Generation): Record<string, unknown> => ({
  promptTokenCount: generation.inputTokens,
  candidatesTokenCount: generation.outputTokens,
  totalTokenCount: generation.inputTokens + generation.outputTokens + generation.reasoningTokens,
  ...(generation.cachedInputTokens > 0 ? { cachedContentTokenCount: generation.cachedInputTokens } : {}),
  ...(generation.reasoningTokens > 0 ? { thoughtsTokenCount: generation.reasoningTokens } : {}),
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: generation.inputTokens }],
});

const renderCandidate = (text: string | undefined, finish?: Generation['finish']): Record<string, unknown> => {
  if (finish === 'refusal') {
    return {
      finishReason: 'SAFETY',
      index: 0,
      safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
    };
  }
  return {
    content: { parts: [{ text: text ?? '' }], role: 'model' },
    ...(finish ? { finishReason: FINISH_REASON[finish] } : {}),
    index: 0,
  };
};

const responseId = (meta: ResponseMeta): string => meta.requestId.replace(/^req_/, '');

/** Gemini API (`POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent?alt=sse`). */
export const geminiWire: WireFormat = {
  provider: 'gemini',

  parseChat(body, pathModel, streamFromPath) {
    if (!pathModel) return 'model is required';
    if (!Array.isArray(body.contents) || body.contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified';
    const messages: NormalizedChat['messages'] = [];
    for (const content of body.contents) {
      if (!isRecord(content)) return 'Invalid JSON payload received. Unknown name "contents".';
      messages.push({ role: content.role === 'model' ? 'assistant' : 'user', content: contentText(content.parts) });
    }
    const config = isRecord(body.generationConfig) ? body.generationConfig : {};
    const schema = isRecord(config.responseJsonSchema) ? config.responseJsonSchema : isRecord(config.responseSchema) ? config.responseSchema : undefined;
    return {
      model: pathModel,
      system: isRecord(body.systemInstruction) ? contentText(body.systemInstruction.parts) : '',
      messages,
      maxTokens: positiveInteger(config.maxOutputTokens),
      stream: streamFromPath === true,
      json: config.responseMimeType === 'application/json',
      schema,
      strictSchema: false,
      cacheControl: typeof body.cachedContent === 'string',
      includeUsage: true,
    };
  },

  renderChat(chat, generation, meta) {
    return {
      candidates: [renderCandidate(generation.text, generation.finish)],
      usageMetadata: renderUsage(generation),
      modelVersion: chat.model,
      responseId: responseId(meta),
    };
  },

  streamWriter(chat, meta) {
    const chunk = (body: Record<string, unknown>): string => `data: ${JSON.stringify({ ...body, modelVersion: chat.model, responseId: responseId(meta) })}\r\n\r\n`;
    return {
      contentType: 'text/event-stream',
      start: () => [],
      delta: (piece) => chunk({ candidates: [renderCandidate(piece)] }),
      end: (generation) => [
        chunk({
          candidates: [renderCandidate(generation.finish === 'refusal' ? undefined : '', generation.finish)],
          usageMetadata: renderUsage(generation),
        }),
      ],
      malformed: () => 'data: {"candidates":[{"content":{"parts":[{"text":"The buil\r\n\r\n',
    };
  },

  renderError(details) {
    const shape = ERRORS[details.kind];
    const extra = errorDetails(details);
    return jsonResponse(shape.status, {
      error: { code: shape.status, message: errorMessage(details), status: shape.grpc, ...(extra ? { details: extra } : {}) },
    });
  },

  chatHeaders() {
    return { 'server-timing': 'gfet4t7; dur=1' };
  },

  malformedBody(_chat) {
    return `{"candidates":[{"content":{"parts":[{"text":"The buil`;
  },
};
