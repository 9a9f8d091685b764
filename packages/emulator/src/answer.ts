import { valueFromSchema } from './json-from-schema';
import type { Random } from './random';
import type { AnswerBehaviour, AnswerSynthesizer } from './types';
import type { NormalizedChat } from './wire/wire-format';

export interface Answer {
  text: string;
  label: string;
}

export const REFUSAL_TEXT = "I'm sorry, but I can't help with that.";

/** The text an answer synthesizer sees: system text, then every turn, blank-line separated. */
export const promptTextOf = (chat: NormalizedChat): string => [chat.system, ...chat.messages.map((message) => message.content)].filter((part) => part !== '').join('\n\n');

const OPENINGS = ['Based on the figures provided,', 'Looking at the data you shared,', 'From the information in the request,'];
const BODIES = [
  'the pattern is consistent with a steady baseload and a clear daytime schedule.',
  'consumption tracks the occupied hours closely, with little activity overnight.',
  'the main driver appears to be the operating schedule rather than the weather.',
];
const CLOSINGS = [
  'A short review of controls and set-points would confirm this.',
  'Checking the schedule settings is a sensible next step.',
  'No further action is needed until more data is available.',
];

const pick = (items: readonly string[], random: Random): string => items[Math.floor(random() * items.length) % items.length];

const genericProse = (behaviour: AnswerBehaviour, random: Random): string => {
  const sentences = [pick(OPENINGS, random), pick(BODIES, random), pick(CLOSINGS, random)];
  if (behaviour === 'hallucination') {
    sentences.splice(2, 0, `The building used ${Math.round(1000 + random() * 9000)} MWh last year, ${Math.round(20 + random() * 60)}% above its peers.`);
  }
  if (behaviour === 'missing-sections') return sentences[0].replace(/,$/, '.');
  return sentences.join(' ');
};

const genericJson = (chat: NormalizedChat, behaviour: AnswerBehaviour, random: Random): string => {
  const base = chat.schema ? valueFromSchema(chat.schema, random) : { answer: genericProse('grounded', random), confidence: Math.round(random() * 100) / 100 };
  const value: Record<string, unknown> = base !== null && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : { answer: base };
  if (behaviour === 'hallucination') value.note = `Annual use was ${Math.round(1000 + random() * 9000)} MWh.`;
  if (behaviour === 'missing-sections') {
    const keys = Object.keys(value);
    for (const key of keys.slice(Math.max(1, Math.ceil(keys.length / 2)))) delete value[key];
    if (keys.length === 1) delete value[keys[0]];
  }
  const text = JSON.stringify(value, null, 2);
  if (behaviour === 'invalid-json') return `Here is the analysis:\n${text.slice(0, Math.max(1, text.length - 2))}`;
  return text;
};

/**
 * The answer for a request that suffered no fault: the synthesizer's when one is given and
 * knows the prompt, else a deterministic generic answer (prose, or JSON when asked for JSON).
 */
export const makeAnswer = (chat: NormalizedChat, behaviour: AnswerBehaviour, random: Random, synthesizer: AnswerSynthesizer | undefined): Answer => {
  const synthesized = synthesizer?.(promptTextOf(chat), behaviour, random) ?? null;
  if (synthesized) return synthesized;
  if (chat.json) return { text: genericJson(chat, behaviour, random), label: `generic-json-${behaviour}` };
  return { text: genericProse(behaviour, random), label: `generic-${behaviour}` };
};
