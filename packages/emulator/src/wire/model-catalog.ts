import { createHash } from 'node:crypto';

/** Model listings in each provider's shape. Sizes and dates are fixed, plausible values. */

const CREATED = 1_715_367_049;
const MODIFIED_AT = '2025-05-01T10:00:00.000000000Z';

const digest = (name: string): string => createHash('sha256').update(name).digest('hex');

const family = (name: string): string => name.split(/[:.\-\d]/)[0] || name;

const parameterSize = (name: string): string => /(\d+(?:\.\d+)?)b\b/i.exec(name)?.[1]?.concat('B') ?? '3.2B';

const ollamaDetails = (name: string): Record<string, unknown> => ({
  parent_model: '',
  format: 'gguf',
  family: family(name),
  families: [family(name)],
  parameter_size: parameterSize(name),
  quantization_level: 'Q4_K_M',
});

/** `GET /api/tags`. */
export const ollamaTags = (models: string[]): unknown => ({
  models: models.map((name) => ({
    name,
    model: name,
    modified_at: MODIFIED_AT,
    size: 2_019_393_189,
    digest: digest(name),
    details: ollamaDetails(name),
  })),
});

/** `POST /api/show`. */
export const ollamaShow = (name: string, contextWindow: number): unknown => ({
  modelfile: `FROM ${name}\n`,
  parameters: 'stop "<|eot_id|>"',
  template: '{{ .Prompt }}',
  details: ollamaDetails(name),
  model_info: {
    'general.architecture': family(name),
    'general.parameter_count': 3_212_749_888,
    [`${family(name)}.context_length`]: contextWindow,
  },
  capabilities: ['completion'],
  modified_at: MODIFIED_AT,
});

/** `GET /v1/models` (OpenAI shape). */
export const openAiModels = (models: string[]): unknown => ({
  object: 'list',
  data: models.map((id) => openAiModel(id)),
});

export const openAiModel = (id: string): unknown => ({ id, object: 'model', created: CREATED, owned_by: 'emulator' });

/** `GET /v1/models` when the request carries `anthropic-version`. */
export const anthropicModels = (models: string[]): unknown => ({
  data: models.map((id) => anthropicModel(id)),
  has_more: false,
  first_id: models[0] ?? null,
  last_id: models[models.length - 1] ?? null,
});

export const anthropicModel = (id: string): unknown => ({
  type: 'model',
  id,
  display_name: id,
  created_at: new Date(CREATED * 1000).toISOString(),
});

/** `GET /v1beta/models`. */
export const geminiModels = (models: string[], contextWindow: (name: string) => number): unknown => ({
  models: models.map((name) => geminiModel(name, contextWindow(name))),
});

export const geminiModel = (name: string, contextWindow: number): unknown => ({
  name: `models/${name}`,
  version: '001',
  displayName: name,
  description: `Emulated ${name}`,
  inputTokenLimit: contextWindow,
  outputTokenLimit: 8192,
  supportedGenerationMethods: ['generateContent', 'countTokens'],
  temperature: 1,
  topP: 0.95,
  topK: 40,
});
