import type { ChaosContext } from './harness';

/**
 * Makes the emulated api provider count one token per character of everything sent (what
 * a real tokenizer does on CJK text or dense numeric data): the emulator's strict
 * `tokenCounting: 'per-character'` mode.
 */
export const enableOneTokenPerCharacter = (context: ChaosContext): void => {
  context.emulator.configure({ models: { [context.models.api]: { tokenCounting: 'per-character' } } });
};
