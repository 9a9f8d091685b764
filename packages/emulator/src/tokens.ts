/**
 * Token arithmetic of the emulator: one token per 4 characters, rounded up (the usual
 * rule of thumb for English with BPE tokenizers). Every usage figure the emulator
 * reports is computed with it, so tests can predict them exactly.
 */
export const CHARS_PER_TOKEN = 4;

export const countTokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);

/** The first `tokens` tokens of `text`. */
export const takeTokens = (text: string, tokens: number): string => text.slice(0, Math.max(0, tokens) * CHARS_PER_TOKEN);

/** `text` split into pieces of `tokensPerPiece` tokens (at least one piece). */
export const splitIntoPieces = (text: string, tokensPerPiece: number): string[] => {
  const size = Math.max(1, Math.floor(tokensPerPiece)) * CHARS_PER_TOKEN;
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces.length > 0 ? pieces : [''];
};
