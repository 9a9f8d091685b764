/**
 * The emulator's memory of uploaded files and provider batches (OpenAI Batch API, Anthropic
 * Message Batches), kept apart from the handler so the emulator's state can own it without
 * importing the handler that reads that state.
 */
export interface EmulatedFile {
  id: string;
  purpose: string;
  filename: string;
  bytes: Buffer;
  createdAt: number;
}

export interface BatchItem {
  customId: string;
  /** Chat request body (OpenAI `body`, Anthropic `params`). */
  body: unknown;
  result?: { status: number; body: unknown };
}

export interface EmulatedBatch {
  id: string;
  provider: 'openai' | 'anthropic';
  host: string;
  /** Where this host listens (for the batch's own chat calls). */
  port: number;
  apiKey: string | undefined;
  items: BatchItem[];
  createdAt: number;
  /** OpenAI: validating → in_progress → completed | cancelling → cancelled. Anthropic: in_progress → canceling → ended. */
  status: 'in_progress' | 'completed' | 'cancelling' | 'cancelled';
  endedAt?: number;
  cancelledAt?: number;
  inputFileId?: string;
  outputFileId?: string;
  errorFileId?: string;
  endpoint?: string;
  completionWindow?: string;
  metadata?: unknown;
  timer?: NodeJS.Timeout;
}

/** Emulator-wide batch memory (files and batches of every host). */
export interface BatchMemory {
  files: Map<string, EmulatedFile>;
  batches: Map<string, EmulatedBatch>;
}

export const createBatchMemory = (): BatchMemory => ({ files: new Map(), batches: new Map() });

export const clearBatchMemory = (memory: BatchMemory): void => {
  for (const batch of memory.batches.values()) if (batch.timer) clearTimeout(batch.timer);
  memory.files.clear();
  memory.batches.clear();
};
