import type { WireProvider } from '../types';
import { anthropicWire } from './anthropic';
import { geminiWire } from './gemini';
import { ollamaWire } from './ollama';
import { openAiWire } from './openai';
import type { WireFormat } from './wire-format';

export const WIRE_FORMATS: Record<WireProvider, WireFormat> = {
  ollama: ollamaWire,
  openai: openAiWire,
  anthropic: anthropicWire,
  gemini: geminiWire,
};

export { OLLAMA_DEFAULT_NUM_CTX } from './ollama';
export type * from './wire-format';
