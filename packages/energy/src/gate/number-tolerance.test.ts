import { describe, expect, it } from 'vitest';
import { halfStepOf, withinTolerance } from './number-tolerance';

describe('number tolerance', () => {
  it('knows the precision a number was written with', () => {
    expect(halfStepOf('0.46')).toBeCloseTo(0.005);
    expect(halfStepOf('1,230')).toBe(5);
    expect(halfStepOf('1200000')).toBe(50000);
    expect(halfStepOf('98')).toBe(0.5);
    expect(halfStepOf('0')).toBe(0.5);
  });

  it('allows 0.5 % always and rounding to the written precision up to 6 %', () => {
    expect(withinTolerance(1_230_000, 1_234_567, 0)).toBe(true); // 0.4 %
    expect(withinTolerance(1_210_000, 1_234_567, 0)).toBe(false); // 2.0 %, written as if exact
    expect(withinTolerance(8_714, 8_760, 0.5)).toBe(false); // valid hours are not the year's hours
    expect(withinTolerance(1_200_000, 1_234_567, 50_000)).toBe(true); // 2.8 %, written to 2 figures
    expect(withinTolerance(1_200_000, 1_234_567, 0)).toBe(false);
    expect(withinTolerance(110, 105, 5)).toBe(true); // 4.8 %, two figures
    expect(withinTolerance(110, 104, 5)).toBe(false); // 104 rounds to 100, not 110
    expect(withinTolerance(100, 149, 50)).toBe(false); // rounding never excuses more than 6 %
    expect(withinTolerance(115, 100, 0.5)).toBe(false);
  });
});
