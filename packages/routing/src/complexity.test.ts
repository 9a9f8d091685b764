import { ANALYSIS_TYPES, GENERIC_TASK_TYPES } from '@eaio/core';
import { describe, expect, it } from 'vitest';
import { scoreComplexity } from './complexity';
import { seededRandom } from './policy-fixture';
import type { BuildingFeatures, RouteJob } from './route-job';

const clean: BuildingFeatures = { coverageRatio: 1, anomalyCount: 0, meterCount: 1, hasWeatherModel: false, dataIssueCount: 0 };
const building = (analysisType: (typeof ANALYSIS_TYPES)[number], features: Partial<BuildingFeatures> = {}): RouteJob => ({
  kind: 'building',
  analysisType,
  privacy: 'ENHANCED',
  features: { ...clean, ...features },
});
const prompt = (text: string, taskType: (typeof GENERIC_TASK_TYPES)[number] = 'generic'): RouteJob => ({
  kind: 'prompt',
  prompt: text,
  taskType,
  privacy: 'ENHANCED',
});
const factor = (job: RouteJob, name: string) => scoreComplexity(job).factors.find((entry) => entry.name === name)?.contribution;

describe('scoreComplexity for buildings', () => {
  it.each([
    ['data-quality-triage', 0.15],
    ['building-diagnostic', 0.45],
    ['retrofit-plan', 0.7],
  ] as const)('clean %s data scores its base %s', (analysisType, expected) => {
    expect(scoreComplexity(building(analysisType)).score).toBe(expected);
  });

  it('orders analysis types simple → complex for the same data', () => {
    const features = { coverageRatio: 0.8, anomalyCount: 2, meterCount: 2, hasWeatherModel: true, dataIssueCount: 1 };
    const [triage, diagnostic, retrofit] = ANALYSIS_TYPES.map((type) => scoreComplexity(building(type, features)).score);
    expect(triage).toBeLessThan(diagnostic);
    expect(diagnostic).toBeLessThan(retrofit);
  });

  it.each([
    ['coverage gaps', { coverageRatio: 0.55 }, 0.08],
    ['coverage gaps', { coverageRatio: 0 }, 0.1],
    ['anomalies', { anomalyCount: 2 }, 0.06],
    ['anomalies', { anomalyCount: 50 }, 0.12],
    ['meters', { meterCount: 2 }, 0.05],
    ['meters', { meterCount: 9 }, 0.1],
    ['weather model', { hasWeatherModel: true }, 0.05],
    ['data issues', { dataIssueCount: 3 }, 0.06],
    ['data issues', { dataIssueCount: 30 }, 0.08],
  ] as const)('%s with %o contributes %s', (name, features, expected) => {
    expect(factor(building('building-diagnostic', features), name)).toBeCloseTo(expected, 6);
    expect(scoreComplexity(building('building-diagnostic', features)).score).toBeCloseTo(0.45 + expected, 6);
  });

  it('clamps a busy retrofit plan at 1 and treats garbage features as worst/neutral, not NaN', () => {
    expect(scoreComplexity(building('retrofit-plan', { coverageRatio: 0.1, anomalyCount: 40, meterCount: 5, hasWeatherModel: true, dataIssueCount: 9 })).score).toBe(1);
    const odd = scoreComplexity(building('data-quality-triage', { coverageRatio: Number.NaN, anomalyCount: -3, meterCount: 0, dataIssueCount: Number.POSITIVE_INFINITY }));
    expect(Number.isFinite(odd.score)).toBe(true);
    expect(odd.score).toBeCloseTo(0.25, 6); // NaN coverage counts as no coverage (+0.1)
  });
});

describe('scoreComplexity for prompts', () => {
  it('puts closed questions below open analysis', () => {
    const closed = scoreComplexity(prompt('Classify this ticket: yes or no, is it about heating?', 'classification'));
    const open = scoreComplexity(prompt('Analyse the meter data, compare it with last year, derive the baseload and plan an optimization step by step.', 'reasoning'));
    expect(closed.score).toBeLessThan(0.1);
    expect(open.score).toBeGreaterThanOrEqual(0.7);
  });

  it('names the keywords it matched', () => {
    const score = scoreComplexity(prompt('Please compare A and B, then recommend one.'));
    const complex = score.factors.find((entry) => entry.name === 'complex keywords');
    expect(complex).toMatchObject({ contribution: 0.12, detail: 'compare, recommend' });
    expect(score.score).toBeCloseTo(0.25 + 0.12, 6);
  });

  it('does not match keywords inside other words', () => {
    expect(factor(prompt('The power plant on the planet'), 'complex keywords')).toBe(0);
    expect(factor(prompt('A labelled list'), 'simple keywords')).toBe(-0.05);
  });

  it('caps keyword contributions', () => {
    const many = 'analyse compare plan derive optimize evaluate justify design';
    expect(factor(prompt(many), 'complex keywords')).toBe(0.24);
    expect(factor(prompt('classify extract label translate sentiment'), 'simple keywords')).toBe(-0.15);
  });

  it.each([
    ['```ts\nconst x = 1;\n```', 0.1],
    ['def load(path):\n    return open(path)', 0.1],
    ['SELECT kwh FROM meters WHERE id = 3', 0.1],
    ['Summarise the weekly consumption in two sentences.', 0],
  ])('code presence in %j contributes %s', (text, expected) => {
    expect(factor(prompt(text), 'code')).toBe(expected);
  });

  it('grows with length: nothing for short prompts, up to 0.25 for very long ones', () => {
    expect(factor(prompt('short question'), 'length')).toBe(0);
    const medium = factor(prompt('word '.repeat(800)), 'length') ?? 0;
    const long = factor(prompt('word '.repeat(40_000)), 'length') ?? 0;
    expect(medium).toBeGreaterThan(0);
    expect(medium).toBeLessThan(long);
    expect(long).toBe(0.25);
  });

  it('ranks task types classification < summarization < code < reasoning for the same text', () => {
    const text = 'Look at the attached numbers.';
    const scores = (['classification', 'summarization', 'code', 'reasoning'] as const).map((type) => scoreComplexity(prompt(text, type)).score);
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);
    expect(new Set(scores).size).toBe(4);
  });
});

describe('scoreComplexity properties', () => {
  it('is deterministic, within 0..1, and the factors explain the score', () => {
    const random = seededRandom(7);
    const words = ['analyse', 'classify', 'kwh', 'compare', 'the', 'building', 'yes or no', '```', 'plan', 'extract', 'why is'];
    for (let index = 0; index < 500; index += 1) {
      const job: RouteJob =
        random.next() < 0.5
          ? { kind: 'prompt', taskType: random.pick(GENERIC_TASK_TYPES), prompt: Array.from({ length: random.integer(300) }, () => random.pick(words)).join(' ') }
          : {
              kind: 'building',
              analysisType: random.pick(ANALYSIS_TYPES),
              features: {
                coverageRatio: random.next(),
                anomalyCount: random.integer(20),
                meterCount: 1 + random.integer(4),
                hasWeatherModel: random.next() < 0.5,
                dataIssueCount: random.integer(6),
              },
            };
      const first = scoreComplexity(job);
      expect(scoreComplexity(job)).toEqual(first);
      expect(first.score).toBeGreaterThanOrEqual(0);
      expect(first.score).toBeLessThanOrEqual(1);
      const sum = first.factors.reduce((total, entry) => total + entry.contribution, 0);
      expect(first.score).toBeCloseTo(Math.min(1, Math.max(0, sum)), 2);
    }
  });
});
