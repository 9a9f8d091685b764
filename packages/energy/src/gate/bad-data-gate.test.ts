import { ANALYSIS_TYPES, type AnalysisType } from '@eaio/core';
import { describe, expect, it } from 'vitest';
import { computeFacts } from '../facts/building-facts';
import { comparePeers } from '../facts/peers';
import { makeSeries } from '../facts/test-series';
import { buildPrompt } from '../prompts/build-prompt';
import { promptData } from '../prompts/prompt-data';
import { synthesizeAnswer } from '../synthesize/synthesize-answer';
import type { BuildingFacts, BuildingMetadata } from '../types';
import { evaluateAnswer } from './evaluate-answer';

/**
 * Bad meter data through the real facts code (`computeFacts`, not hand-written facts):
 * the facts say what is missing, grounded answers pass, and the gate demands nothing
 * that could not be computed, while a number given for a missing fact still fails.
 */
const metadata = (overrides: Partial<BuildingMetadata> = {}): BuildingMetadata => ({
  buildingId: 'b1',
  sqm: 1000,
  primaryUse: 'Office',
  timezone: 'Europe/London',
  siteId: 's',
  ...overrides,
});
const officeHours = (index: number, date: Date): number => (date.getUTCDay() % 6 === 0 ? 3 : 5) + (index % 24 >= 8 && index % 24 < 18 ? 4 : 0) + (index % 97) / 50;
const temperature = makeSeries('2019-01-01T00:00:00Z', 8760, (index) => 10 - 8 * Math.cos((2 * Math.PI * index) / 8760));
const weather = { sites: new Map([['s', temperature]]) };
const electricity = (series: ReturnType<typeof makeSeries>) => [{ meter: 'electricity' as const, series }];

const CASES: { name: string; facts: () => BuildingFacts; missing: string[]; issues: string[]; citedMissing: string }[] = [
  {
    name: 'all zeros',
    facts: () => computeFacts({ metadata: metadata(), meters: electricity(makeSeries('2019-01-01T00:00:00Z', 8760, () => 0)), weather }),
    missing: ['electricity.annualKwh', 'electricity.euiKwhPerSqm', 'electricity.load.baseloadKw', 'electricity.load.peakKw'],
    issues: ['all-zero'],
    citedMissing: 'electricity.annualKwh',
  },
  {
    name: 'a single day',
    facts: () => computeFacts({ metadata: metadata(), meters: electricity(makeSeries('2019-01-07T00:00:00Z', 24, (index) => 2 + index)), weather }),
    missing: ['electricity.annualKwh', 'electricity.euiKwhPerSqm', 'electricity.weather', 'electricity.load.weekdayWeekendRatio', 'electricity.anomalies'],
    issues: ['short-period'],
    citedMissing: 'electricity.annualKwh',
  },
  {
    name: 'negative values',
    facts: () =>
      computeFacts({
        metadata: metadata(),
        meters: electricity(makeSeries('2019-01-01T00:00:00Z', 8760, (index, date) => (index % 100 === 0 ? -5 : officeHours(index, date)))),
        weather,
      }),
    missing: [],
    issues: ['negative-values'],
    citedMissing: 'electricity.load.shoulderKw',
  },
  {
    name: 'only negative values',
    facts: () => computeFacts({ metadata: metadata(), meters: electricity(makeSeries('2019-01-01T00:00:00Z', 24 * 60, () => -3)), weather }),
    missing: ['electricity.annualKwh', 'electricity.load.peakKw'],
    issues: ['all-zero', 'negative-values'],
    citedMissing: 'electricity.load.peakKw',
  },
  {
    name: 'no floor area',
    facts: () => {
      const year = makeSeries('2019-01-01T00:00:00Z', 8760, officeHours);
      const others = Array.from({ length: 5 }, (_, index) =>
        computeFacts({ metadata: metadata({ buildingId: `o${index}`, sqm: 500 + 100 * index }), meters: electricity(year), weather }),
      );
      return comparePeers([computeFacts({ metadata: metadata({ sqm: null }), meters: electricity(year), weather }), ...others])[0];
    },
    missing: ['electricity.euiKwhPerSqm', 'peers.euiPercentile'],
    issues: ['no-floor-area'],
    citedMissing: 'electricity.euiKwhPerSqm',
  },
];

const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
};
const answersFor = (facts: BuildingFacts, type: AnalysisType, count: number): string[] => {
  const prompt = buildPrompt(type, facts);
  return Array.from({ length: count }, (_, index) => synthesizeAnswer(`${prompt.system}\n${prompt.user}`, 'grounded', seeded(index + 1))!.text);
};

describe.each(CASES)('gate on real facts: $name', ({ facts: makeFacts, missing, issues, citedMissing }) => {
  const facts = makeFacts();
  const data = promptData(facts);

  it('the facts say what is missing and why, and hold no value for it', () => {
    const listed = facts.missing.map((entry) => entry.metric);
    for (const metric of missing) {
      expect(
        listed.some((name) => metric === name || metric.startsWith(`${name}.`)),
        `${metric} listed missing`,
      ).toBe(true);
      expect(data.metrics[metric], `${metric} has no value`).toBeUndefined();
    }
    for (const entry of facts.missing) expect(entry.reason.length).toBeGreaterThan(5);
    expect(facts.dataIssues.map((issue) => issue.kind)).toEqual(expect.arrayContaining(issues));
  });

  it.each(ANALYSIS_TYPES)('a grounded %s answer passes and nothing missing is demanded', (type) => {
    for (const text of answersFor(facts, type, 6)) {
      const result = evaluateAnswer(text, facts, type);
      const allIssues = Object.entries(result.checks).flatMap(([name, check]) => check.issues.map((issue) => `${name}: ${issue}`));
      expect(allIssues).toEqual([]);
      expect(result.pass).toBe(true);
    }
  });

  it('a number given for a missing fact is still ungrounded', () => {
    const answer = JSON.parse(answersFor(facts, 'building-diagnostic', 1)[0].replace(/^[^{]*|[^}]*$/g, ''));
    answer.findings[0].evidence.push({ metric: citedMissing, value: 123 });
    const result = evaluateAnswer(JSON.stringify(answer), facts, 'building-diagnostic');
    expect(result.pass).toBe(false);
    expect(result.checks.grounded.issues.join()).toMatch(new RegExp(`${citedMissing.replace(/\./g, '\\.')}`));
  });
});
