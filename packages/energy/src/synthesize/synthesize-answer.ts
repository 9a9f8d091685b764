import { TEMPLATE_TAG_PATTERN } from '../prompts/build-prompt';
import { extractDataBlock } from '../prompts/data-block';
import { templateById } from '../prompts/prompt-templates';
import { breakJson, dropSections } from './answer-faults';
import { draftAnswer } from './draft-answer';
import { createNumberTeller, type Slot } from './number-teller';
import { chance, pick, type Random } from './random-tools';

/** What an emulated model should get wrong, if anything. */
export type AnswerBehaviour = 'grounded' | 'hallucination' | 'invalid-json' | 'missing-sections';

export interface SynthesizedAnswer {
  text: string;
  /**
   * What was produced: `grounded`, `hallucination:<metric>@<evidence|prose>,…`,
   * `invalid-json:<how>`, `missing-sections:<section>,…`.
   */
  label: string;
}

/** A small seeded generator (mulberry32), so a draft can be replayed exactly. */
const seeded = (seed: number): Random => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
};

const INVENTED = ['load.shoulderKw', 'load.eveningKw', 'coverage.qualityScore', 'benchmarkKwhPerSqm', 'load.standbyKw'];

/**
 * A realistic answer to one of eaio's analysis prompts, for the provider emulator.
 * Returns `null` when the prompt is not one of ours (no template tag or data block).
 * `random` drives every choice, so the same prompt, behaviour and random sequence give
 * the same answer.
 */
export const synthesizeAnswer = (promptText: string, behaviour: AnswerBehaviour, random: Random): SynthesizedAnswer | null => {
  const tag = TEMPLATE_TAG_PATTERN.exec(promptText);
  const template = tag ? templateById(tag[1]) : undefined;
  const data = extractDataBlock(promptText);
  if (!template || !data) return null;
  const analysisType = template.analysisType;
  const seed = Math.floor(random() * 2 ** 32);

  let label: string = behaviour;
  let answer = draftAnswer(analysisType, data, createNumberTeller(data.metrics, seeded(seed)), seeded(seed + 1));
  if (behaviour === 'hallucination') {
    const probe = createNumberTeller(data.metrics, seeded(seed));
    draftAnswer(analysisType, data, probe, seeded(seed + 1));
    const eligible = probe.slots.filter((slot) => slot.eligible);
    const wanted = 1 + Math.floor(random() * 3);
    const invent = chance(0.12, random) || eligible.length === 0;
    const targets = new Set<number>();
    while (targets.size < Math.min(invent ? wanted - 1 : wanted, eligible.length)) {
      targets.add(eligible[Math.floor(random() * eligible.length)].index);
    }
    const teller = createNumberTeller(data.metrics, seeded(seed), targets, random);
    answer = draftAnswer(analysisType, data, teller, seeded(seed + 1));
    const parts = teller.perturbed.map((slot: Slot) => `${slot.metric}@${slot.location}`);
    if (invent || parts.length === 0) {
      const meter = data.meters[0] ?? 'electricity';
      const metric = `${meter}.${pick(INVENTED, random)}`;
      answer.findings[0]?.evidence.push({ metric, value: Math.round(10 + random() * 500) });
      parts.push(`${metric}@invented`);
    }
    label = `hallucination:${parts.join(',')}`;
  }

  let json = JSON.stringify(answer, null, chance(0.5, random) ? 2 : undefined);
  if (behaviour === 'missing-sections') {
    const { value, dropped } = dropSections(answer, analysisType, random);
    json = JSON.stringify(value, null, 2);
    label = `missing-sections:${dropped.join(',')}`;
  }
  if (behaviour === 'invalid-json') {
    const broken = breakJson(json, random);
    return { text: broken.text, label: `invalid-json:${broken.how}` };
  }
  const wrapping = random();
  const text = wrapping < 0.2 ? `\`\`\`json\n${json}\n\`\`\`` : wrapping < 0.3 ? `Here is the analysis:\n${json}` : json;
  return { text, label };
};
