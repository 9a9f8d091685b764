export type {
  AdapterOptions,
  ChatMessage,
  ChatRequest,
  ChatResult,
  EndpointConfig,
  FinishReason,
  GenerationStats,
  HealthResult,
  OutgoingRequest,
  ProviderAdapter,
  ProviderKind,
  ResponseFormat,
  UnifiedFinishReason,
  Usage,
} from './types';
export {
  AbortedError,
  AuthError,
  BadRequestError,
  ContentFilterError,
  ContextLengthError,
  createProviderError,
  InvalidResponseError,
  ModelNotFoundError,
  NetworkError,
  ProviderError,
  RateLimitError,
  redactSecrets,
  ServerError,
  TimeoutError,
  type ProviderErrorDetails,
  type ProviderErrorKind,
} from './errors';
export { failoverAdviceFor, kindForHttpFailure, type FailoverAdvice, type GuardEffect, type HttpFailure } from './classify-failure';
export { NO_RETRY, retryDelayMs, type RetryDelayOptions } from './retry-delay';
export { capRetryAfterMs, DEFAULT_RETRY_AFTER_MAX_MS, durationTextToMs, retryAfterMsFromHeaders, shouldRetryFromHeaders } from './retry-after';
export { ATTEMPT_ID_HEADER } from './request-scope';
export { EgressRecordError } from './egress-record-error';
export { parseJsonAnswer } from './json-answer';
export { finishReasonFrom } from './finish-reason';
export { servesModel } from './model-names';
export { createAdapter, type AdapterFactory, type CreateAdapterOptions } from './create-adapter';
export { createOllamaAdapter, type OllamaAdapter, type OllamaAdapterOptions, type OllamaModelDescription } from './adapters/ollama-adapter';
export { createOpenAiCompatibleAdapter, openAiUsage } from './adapters/openai-compatible-adapter';
export { anthropicUsage, createAnthropicAdapter, type AnthropicAdapterOptions } from './adapters/anthropic-adapter';
export { createGeminiAdapter, geminiUsage } from './adapters/gemini-adapter';
export { EndpointPool, type EndpointHealth, type EndpointPoolOptions, type PoolSelection } from './endpoint-pool';
export { checkProviders, formatGuardReport, formatProvidersReport, type CheckProvidersOptions, type GuardReport, type ModelNotice, type ProviderCheck } from './check-providers';
export * from './batch';
