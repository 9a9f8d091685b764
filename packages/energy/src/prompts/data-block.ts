import type { PromptData } from './prompt-data';

/**
 * The delimited data block inside a prompt. Everything between the markers is JSON
 * whose `<`, `>`, `&` and line separators are written as `\u` escapes, so no string
 * from the input (a building name, a note) can contain the end marker or anything
 * that looks like markup: the block cannot be broken out of.
 */
export const DATA_BLOCK_BEGIN = '<<<EAIO_BUILDING_DATA_BEGIN>>>';
export const DATA_BLOCK_END = '<<<EAIO_BUILDING_DATA_END>>>';

const UNSAFE = /[<>&\u2028\u2029]/g;

const escapeUnsafe = (json: string): string => json.replace(UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Rounds floats to 5 significant digits so the block stays short; integers stay exact. */
const roundForPrompt = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(5)) : value);

export const renderDataBlock = (data: PromptData): string => `${DATA_BLOCK_BEGIN}\n${escapeUnsafe(JSON.stringify(data, roundForPrompt, 1))}\n${DATA_BLOCK_END}`;

/**
 * Reads the data block back out of a prompt. Accepts the prompt as sent and the prompt
 * as it appears inside a JSON request body (quotes and newlines escaped once more).
 * Returns `undefined` when the text holds no readable block.
 */
export const extractDataBlock = (text: string): PromptData | undefined => {
  for (let begin = text.indexOf(DATA_BLOCK_BEGIN); begin >= 0; begin = text.indexOf(DATA_BLOCK_BEGIN, begin + 1)) {
    const end = text.indexOf(DATA_BLOCK_END, begin);
    if (end < 0) return undefined;
    const data = parseBlock(text.slice(begin + DATA_BLOCK_BEGIN.length, end));
    if (data) return data;
  }
  return undefined;
};

const parseBlock = (raw: string): PromptData | undefined => {
  const inner = raw.replace(/^(?:\\n|\s)+|(?:\\n|\s)+$/g, '');
  const candidates = [inner];
  try {
    candidates.push(JSON.parse(`"${inner}"`) as string);
  } catch {
    // not an escaped request body
  }
  for (const candidate of candidates) {
    try {
      const value = JSON.parse(candidate.trim()) as PromptData;
      if (value && typeof value === 'object' && value.metrics && typeof value.metrics === 'object') return value;
    } catch {
      // try the next reading
    }
  }
  return undefined;
};
