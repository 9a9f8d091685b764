import { describe, expect, it } from 'vitest';
import { budgetState, combineBudgets, maxReservation } from './budget-state';
import { seededRandom } from './policy-fixture';

const thresholds = { alertThreshold: 0.8, localOnlyBelowShare: 0.1 };
const USD = 1_000_000;

describe('budgetState', () => {
  it.each([
    // cap, spent, reserved → remaining, share, alert, localOnly, exhausted
    ['fresh', 10 * USD, 0, 0, 10 * USD, 0, false, false, false],
    ['half used', 10 * USD, 4 * USD, 1 * USD, 5 * USD, 0.5, false, false, false],
    ['alert at exactly 80 %', 10 * USD, 8 * USD, 0, 2 * USD, 0.8, true, false, false],
    ['just under 10 % left → local-only', 10 * USD, 9 * USD, 1, 1 * USD - 1, 0.9000001, true, true, false],
    ['exactly 10 % left is still allowed', 10 * USD, 9 * USD, 0, 1 * USD, 0.9, true, false, false],
    ['overspent clamps remaining at 0', 10 * USD, 11 * USD, 0, 0, 1.1, true, true, true],
    ['reservations count as used', 10 * USD, 0, 10 * USD, 0, 1, true, true, true],
    ['a zero cap is exhausted', 0, 0, 0, 0, 1, true, true, true],
  ] as const)('%s', (_label, cap, spent, reserved, remaining, share, alert, localOnly, exhausted) => {
    const state = budgetState(cap, spent, reserved, thresholds);
    expect(state.remaining).toBe(remaining);
    expect(state.share).toBeCloseTo(share, 9);
    expect({ alert: state.alert, localOnly: state.localOnly, exhausted: state.exhausted }).toEqual({ alert, localOnly, exhausted });
  });

  it('no cap means no limit', () => {
    expect(budgetState(undefined, 99 * USD, 5 * USD, thresholds)).toEqual({ remaining: Number.POSITIVE_INFINITY, share: 0, alert: false, localOnly: false, exhausted: false });
  });
});

describe('maxReservation', () => {
  it.each([
    [10 * USD, 0.05, 500_000],
    [999, 0.05, 49],
    [0, 0.05, 0],
    [Number.POSITIVE_INFINITY, 0.05, Number.POSITIVE_INFINITY],
  ])('%s × %s = %s (rounded down)', (remaining, share, expected) => {
    expect(maxReservation(remaining, share)).toBe(expected);
  });

  it('never exceeds the remaining budget and is a non-negative integer', () => {
    const random = seededRandom(5);
    for (let index = 0; index < 1000; index += 1) {
      const remaining = random.integer(100 * USD);
      const share = random.next();
      const value = maxReservation(remaining, share);
      expect(Number.isInteger(value) && value >= 0 && value <= remaining).toBe(true);
    }
  });
});

describe('combineBudgets', () => {
  it('takes the most restrictive budget and names the ones forcing local-only', () => {
    const combined = combineBudgets([
      { name: 'monthly budget', state: budgetState(50 * USD, 10 * USD, 0, thresholds) },
      { name: 'daily budget', state: budgetState(5 * USD, 4.8 * USD, 0, thresholds) },
      { name: 'tenant acme', state: budgetState(undefined, 3 * USD, 0, thresholds) },
    ]);
    expect(combined).toMatchObject({ remaining: 0.2 * USD, alert: true, localOnly: true, exhausted: false });
    expect(combined.localOnlyReason).toBe('daily budget 96% used, so API spend is paused');
  });

  it('with nothing limiting there is no reason', () => {
    const combined = combineBudgets([{ name: 'monthly budget', state: budgetState(50 * USD, 1 * USD, 0, thresholds) }]);
    expect(combined).toMatchObject({ localOnly: false, alert: false, localOnlyReason: undefined });
  });
});
