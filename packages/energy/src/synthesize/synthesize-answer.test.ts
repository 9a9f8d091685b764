import { describe, expect, it } from 'vitest';
import { ANALYSIS_TYPES } from '@eaio/core';
import { evaluateAnswer } from '../gate/evaluate-answer';
import { buildPrompt } from '../prompts/build-prompt';
import { badDataFacts, healthyFacts } from '../prompts/fixture-facts';
import { synthesizeAnswer, type AnswerBehaviour } from './synthesize-answer';

const seeded = (seed: number) => {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
};

const run = (behaviour: AnswerBehaviour, samples: number) => {
  const random = seeded(42);
  const outcomes: { pass: boolean; label: string }[] = [];
  for (const facts of [healthyFacts(), badDataFacts()]) {
    for (const type of ANALYSIS_TYPES) {
      const prompt = buildPrompt(type, facts);
      for (let index = 0; index < samples; index += 1) {
        const answer = synthesizeAnswer(`${prompt.system}\n\n${prompt.user}`, behaviour, random);
        if (!answer) throw new Error('no answer');
        outcomes.push({ pass: evaluateAnswer(answer.text, facts, type).pass, label: answer.label });
      }
    }
  }
  return outcomes;
};

describe('synthesizeAnswer', () => {
  it('returns null for prompts that are not analysis prompts', () => {
    expect(synthesizeAnswer('Summarise this email please.', 'grounded', seeded(1))).toBeNull();
  });

  it('is deterministic for the same random sequence and varied across draws', () => {
    const prompt = buildPrompt('building-diagnostic', healthyFacts());
    const text = `${prompt.system}\n\n${prompt.user}`;
    expect(synthesizeAnswer(text, 'grounded', seeded(5))).toEqual(synthesizeAnswer(text, 'grounded', seeded(5)));
    const random = seeded(9);
    const texts = new Set(Array.from({ length: 10 }, () => synthesizeAnswer(text, 'grounded', random)?.text));
    expect(texts.size).toBe(10);
  });

  it('writes grounded answers that pass the gate', () => {
    const outcomes = run('grounded', 25);
    expect(outcomes.filter((outcome) => outcome.pass).length / outcomes.length).toBeGreaterThanOrEqual(0.98);
    expect(outcomes.every((outcome) => outcome.label === 'grounded')).toBe(true);
  });

  it('writes hallucinations the gate fails, labelled with the metrics changed', () => {
    const outcomes = run('hallucination', 25);
    expect(outcomes.filter((outcome) => !outcome.pass).length / outcomes.length).toBeGreaterThanOrEqual(0.95);
    for (const outcome of outcomes) expect(outcome.label).toMatch(/^hallucination:[\w.-]+@(evidence|prose|invented)/);
  });

  it('writes invalid JSON and answers with missing sections that fail', () => {
    for (const behaviour of ['invalid-json', 'missing-sections'] as const) {
      const outcomes = run(behaviour, 10);
      expect(outcomes.every((outcome) => !outcome.pass)).toBe(true);
      expect(outcomes[0].label.startsWith(behaviour)).toBe(true);
    }
  });
});
