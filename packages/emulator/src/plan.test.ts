import { describe, expect, it } from 'vitest';
import { valueFromSchema } from './json-from-schema';
import { drawPlan } from './plan';
import { PRESETS, withBehaviour } from './presets';
import { canonicalJson, createRandom } from './random';

describe('drawPlan', () => {
  it('injects faults and answer behaviours at roughly their configured rates', () => {
    const behaviour = withBehaviour(PRESETS.instant, { faults: { rateLimit: 0.1, hang: 0.05 }, answers: { hallucination: 0.3 } });
    const random = createRandom('rates');
    const counts: Record<string, number> = {};
    const draws = 20_000;
    for (let index = 0; index < draws; index += 1) {
      const plan = drawPlan(behaviour, random);
      for (const label of [plan.fault ?? 'none', plan.answer]) counts[label] = (counts[label] ?? 0) + 1;
      expect(plan.truncateAt).toBeGreaterThanOrEqual(0.3);
      expect(plan.truncateAt).toBeLessThan(0.7);
    }
    expect(counts['rate-limit'] / draws).toBeCloseTo(0.1, 1);
    expect(counts.hang / draws).toBeCloseTo(0.05, 1);
    expect(counts.none / draws).toBeCloseTo(0.85, 1);
    expect(counts.hallucination / draws).toBeCloseTo(0.3, 1);
    expect(counts['server-error']).toBeUndefined();
  });

  it('never faults with zero rates, always faults with rate 1', () => {
    const random = createRandom('edges');
    for (let index = 0; index < 200; index += 1) {
      expect(drawPlan(PRESETS.instant, random)).toMatchObject({ fault: undefined, answer: 'grounded' });
      expect(drawPlan(withBehaviour(PRESETS.instant, { faults: { malformed: 1 } }), random).fault).toBe('malformed');
    }
  });
});

describe('random and schema helpers', () => {
  it('hashes bodies independent of key order and seeds streams reproducibly', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 3 } })).toBe('{"a":{"c":3,"d":[1,{"x":1,"y":2}]},"b":1}');
    const first = createRandom(1, 'm', 'h', 0);
    const again = createRandom(1, 'm', 'h', 0);
    const other = createRandom(1, 'm', 'h', 1);
    const take = (random: () => number) => Array.from({ length: 5 }, random);
    expect(take(first)).toEqual(take(again));
    expect(take(createRandom(1, 'm', 'h', 0))).not.toEqual(take(other));
  });

  it('builds values that satisfy required keys, enums, bounds and minItems', () => {
    const value = valueFromSchema(
      {
        type: 'object',
        properties: {
          level: { enum: ['low', 'high'] },
          score: { type: 'integer', minimum: 3, maximum: 4 },
          items: { type: 'array', minItems: 2, items: { type: 'object', properties: { name: { type: 'string', minLength: 30 } } } },
          maybe: { anyOf: [{ type: 'null' }, { type: 'number' }] },
        },
        required: ['level', 'score', 'items'],
      },
      createRandom('schema'),
    ) as { level: string; score: number; items: { name: string }[]; maybe: unknown };
    expect(['low', 'high']).toContain(value.level);
    expect([3, 4]).toContain(value.score);
    expect(value.items).toHaveLength(2);
    expect(value.items[0].name.length).toBeGreaterThanOrEqual(30);
    expect(typeof value.maybe).toBe('number');
  });
});
