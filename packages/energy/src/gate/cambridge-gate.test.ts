import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ANALYSIS_TYPES } from '@eaio/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { computePortfolioFacts } from '../facts/portfolio-facts';
import { buildPrompt } from '../prompts/build-prompt';
import { synthesizeAnswer, type AnswerBehaviour } from '../synthesize/synthesize-answer';
import type { BuildingFacts } from '../types';
import { evaluateAnswer } from './evaluate-answer';

/**
 * The gate on the project's own facts for the 60 real Cambridge Estates buildings
 * (electricity and gas, real outages, zeros and buildings without a change-point model):
 * grounded answers pass and numeric hallucinations fail for every building and type.
 * `bench/quality-gate.ts` runs the same at scale; this keeps a small sample in CI.
 */
const DATA = resolve(import.meta.dirname, '../../../../../shared/data/cambridge_estates');
const hasData = existsSync(join(DATA, 'electricity.csv'));

const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
};

describe.skipIf(!hasData)('quality gate on the Cambridge Estates facts', () => {
  let facts: BuildingFacts[];
  beforeAll(async () => {
    facts = (
      await computePortfolioFacts({
        meters: [
          { meter: 'electricity', source: join(DATA, 'electricity.csv') },
          { meter: 'gas', source: join(DATA, 'gas.csv.gz') },
        ],
        metadata: join(DATA, 'metadata.csv'),
        weather: join(DATA, 'weather.csv'),
      })
    ).facts;
  }, 30_000);

  const run = (behaviour: AnswerBehaviour, samples: number): { pass: number; fail: number; wrong: string[] } => {
    const tally = { pass: 0, fail: 0, wrong: [] as string[] };
    for (const building of facts) {
      for (const type of ANALYSIS_TYPES) {
        const prompt = buildPrompt(type, building);
        for (let sample = 0; sample < samples; sample += 1) {
          const answer = synthesizeAnswer(`${prompt.system}\n${prompt.user}`, behaviour, seeded(sample * 7919 + 1))!;
          const result = evaluateAnswer(answer.text, building, type);
          tally[result.pass ? 'pass' : 'fail'] += 1;
          if (result.pass !== (behaviour === 'grounded')) {
            const issues = Object.values(result.checks).flatMap((check) => check.issues);
            tally.wrong.push(`${building.building.buildingId} ${type} ${answer.label}: ${issues.slice(0, 2).join(' | ')}`);
          }
        }
      }
    }
    return tally;
  };

  it('computes facts for all 60 buildings, gas on 40 of them', () => {
    expect(facts).toHaveLength(60);
    expect(facts.filter((building) => building.meters.some((meter) => meter.meter === 'gas'))).toHaveLength(40);
  });

  it('passes every grounded answer', () => {
    const tally = run('grounded', 2);
    expect(tally.wrong).toEqual([]);
    expect(tally.pass).toBe(60 * 3 * 2);
  });

  it('fails numeric hallucinations (recall ≥ 0.95)', () => {
    const tally = run('hallucination', 2);
    expect(tally.fail / (tally.pass + tally.fail), tally.wrong.join('\n')).toBeGreaterThanOrEqual(0.95);
  });
});
