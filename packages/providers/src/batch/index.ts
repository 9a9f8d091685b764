export { jsonLines, type BatchClient, type BatchItemOutcome, type BatchRequestItem, type BatchState } from './batch-client';
export { createOpenAiBatchClient } from './openai-batch-client';
export { createAnthropicBatchClient } from './anthropic-batch-client';

import type { EndpointConfig } from '../types';
import type { BatchClient } from './batch-client';
import { createAnthropicBatchClient } from './anthropic-batch-client';
import { createOpenAiBatchClient } from './openai-batch-client';

/** The batch client of an endpoint whose provider has a batch API (`openai`, `anthropic`); `undefined` otherwise. */
export const createBatchClient = (endpoint: EndpointConfig): BatchClient | undefined =>
  endpoint.local
    ? undefined
    : endpoint.provider === 'openai'
      ? createOpenAiBatchClient(endpoint)
      : endpoint.provider === 'anthropic'
        ? createAnthropicBatchClient(endpoint)
        : undefined;
