import type { Random } from './random';
import type { AnswerBehaviour, FaultRates, ModelBehaviour } from './types';

export type FaultKind = 'rate-limit' | 'server-error' | 'unavailable' | 'hang' | 'malformed' | 'truncated' | 'refusal' | 'unauthorized';

/** What one request will suffer, drawn before any waiting. */
export interface RequestPlan {
  fault?: FaultKind;
  answer: AnswerBehaviour;
  /** Fraction of the answer kept when `fault` is `truncated`, 0.3..0.7. */
  truncateAt: number;
}

const FAULT_ORDER: [keyof FaultRates, FaultKind][] = [
  ['rateLimit', 'rate-limit'],
  ['serverError', 'server-error'],
  ['unavailable', 'unavailable'],
  ['hang', 'hang'],
  ['malformed', 'malformed'],
  ['truncated', 'truncated'],
  ['refusal', 'refusal'],
  ['unauthorized', 'unauthorized'],
];

const clampRate = (rate: number | undefined): number => Math.min(1, Math.max(0, rate ?? 0));

/**
 * Draws the fault (one uniform number against cumulative rates, in `FAULT_ORDER`) and the
 * answer behaviour (a second number against hallucination, invalid-json, missing-sections;
 * the remainder is grounded). Always consumes exactly three numbers so later draws stay aligned.
 */
export const drawPlan = (behaviour: ModelBehaviour, random: Random): RequestPlan => {
  const faultDraw = random();
  const answerDraw = random();
  const truncateAt = 0.3 + random() * 0.4;

  let fault: FaultKind | undefined;
  let cumulative = 0;
  for (const [key, kind] of FAULT_ORDER) {
    cumulative += clampRate(behaviour.faults[key]);
    if (faultDraw < cumulative) {
      fault = kind;
      break;
    }
  }

  const { hallucination, invalidJson, missingSections } = behaviour.answers;
  const answerOrder: [number, AnswerBehaviour][] = [
    [clampRate(hallucination), 'hallucination'],
    [clampRate(invalidJson), 'invalid-json'],
    [clampRate(missingSections), 'missing-sections'],
  ];
  let answer: AnswerBehaviour = 'grounded';
  cumulative = 0;
  for (const [rate, kind] of answerOrder) {
    cumulative += rate;
    if (answerDraw < cumulative) {
      answer = kind;
      break;
    }
  }
  return { fault, answer, truncateAt };
};
