import type { ChaosContext } from './harness';

/**
 * Makes the emulated api provider count one token per character (what a real tokenizer
 * does on CJK text or dense data), using the emulator's strict token counting mode.
 */
export const enableOneTokenPerCharacter = (context: ChaosContext): void => {
  throw new Error(`the emulator has no strict token counting mode yet (model ${context.models.api})`);
};
