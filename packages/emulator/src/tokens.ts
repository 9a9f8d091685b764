import { decode as decodeO200k, encode as encodeO200k } from 'gpt-tokenizer/encoding/o200k_base';

/**
 * Token arithmetic of the emulator. The default (`'chars/4'`): one token per 4 characters,
 * rounded up (the usual rule of thumb for English with BPE tokenizers), over the prompt text
 * only; tests can predict every figure exactly.
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

/**
 * How an emulated model counts tokens (`ModelBehaviour.tokenCounting`):
 *
 * - `'chars/4'` (default): 4 characters a token, prompt text only (system + messages).
 * - `'per-character'`: strict — 1 token per character (code point) of everything sent,
 *   the JSON schema of the requested output included. What a provider reports for CJK text,
 *   or a tokenizer that splits dense numeric data digit by digit: prompts cost 3x their
 *   o200k count on this project's data. Tests use it to see under-reservation.
 * - `'o200k'`: strict — OpenAI's o200k_base (through `gpt-tokenizer`), schema included.
 */
export type TokenCounting = 'chars/4' | 'per-character' | 'o200k';

export interface TokenCounter {
  mode: TokenCounting;
  count(text: string): number;
  /** The first `tokens` tokens of `text`. */
  take(text: string, tokens: number): string;
  /** `text` in pieces of `tokensPerPiece` tokens (at least one piece). */
  split(text: string, tokensPerPiece: number): string[];
  /** Whether the schema of a JSON answer is part of the prompt count. */
  countsSchema: boolean;
}

const chunk = <T>(items: T[], size: number): T[][] => {
  const step = Math.max(1, Math.floor(size));
  const pieces: T[][] = [];
  for (let start = 0; start < items.length; start += step) pieces.push(items.slice(start, start + step));
  return pieces;
};

const o200k = (text: string): number[] => (text === '' ? [] : encodeO200k(text, { disallowedSpecial: new Set() }));

export const tokenCounter = (mode: TokenCounting = 'chars/4'): TokenCounter => {
  switch (mode) {
    case 'per-character':
      return {
        mode,
        countsSchema: true,
        count: (text) => [...text].length,
        take: (text, tokens) => [...text].slice(0, Math.max(0, tokens)).join(''),
        split: (text, perPiece) => {
          const pieces = chunk([...text], perPiece).map((piece) => piece.join(''));
          return pieces.length > 0 ? pieces : [''];
        },
      };
    case 'o200k':
      return {
        mode,
        countsSchema: true,
        count: (text) => o200k(text).length,
        take: (text, tokens) => decodeO200k(o200k(text).slice(0, Math.max(0, tokens))),
        split: (text, perPiece) => {
          const pieces = chunk(o200k(text), perPiece).map((piece) => decodeO200k(piece));
          return pieces.length > 0 ? pieces : [''];
        },
      };
    case 'chars/4':
      return { mode, countsSchema: false, count: countTokens, take: takeTokens, split: splitIntoPieces };
  }
};
