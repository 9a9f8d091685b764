/**
 * When a cited number matches a computed fact.
 *
 * A cited value `c` matches the fact `f` when
 *   |c − f| ≤ max(relative × |f|, rounding, absoluteFloor),
 *   rounding = halfStep(c) when < 0.5, else min(halfStep(c), roundingCap × |f|)
 * where `halfStep` is half a unit in the last significant place the model wrote
 * (0.46 → 0.005, 1.2 million → 50,000, 1,230 → 5). So a model may round to the
 * precision it writes, down to about two significant figures, but a whole number never by
 * more than `roundingCap` ("100" is not 149); written decimals (below 0.5 a step) are
 * taken at their word.
 */
export interface NumberToleranceOptions {
  /**
   * Relative tolerance always allowed (for figures a model computes a little differently).
   * Kept small: 8,714 valid hours must not pass as the year's 8,760.
   * @defaultValue 0.005
   */
  relative?: number;
  /**
   * Largest relative error that rounding to the written precision may excuse.
   * @defaultValue 0.06
   */
  roundingCap?: number;
  /**
   * Absolute tolerance for facts at or near zero.
   * @defaultValue 1e-6
   */
  absoluteFloor?: number;
}

/** Half a unit in the last significant place of a number as written (`"1,230"`, `"0.46"`). */
export const halfStepOf = (written: string): number => {
  const text = written.replace(/[,\s_]/g, '').replace(/^[-−+]/, '');
  if (/e/i.test(text)) return 0;
  const dot = text.indexOf('.');
  if (dot >= 0) return 0.5 * 10 ** -(text.length - dot - 1);
  const trailingZeros = /0*$/.exec(text)?.[0].length ?? 0;
  if (trailingZeros === text.length) return 0.5;
  return 0.5 * 10 ** trailingZeros;
};

export const withinTolerance = (cited: number, fact: number, halfStep: number, options: NumberToleranceOptions = {}): boolean => {
  const relative = options.relative ?? 0.005;
  const roundingCap = options.roundingCap ?? 0.06;
  const absoluteFloor = options.absoluteFloor ?? 1e-6;
  const magnitude = Math.abs(fact);
  // Written decimals state their precision ("0.1 %" for 0.116 % is rounding to one place); the cap
  // guards against a round number claiming more than it may ("100" for 149).
  const rounding = halfStep < 0.5 ? halfStep : Math.min(halfStep, roundingCap * magnitude);
  const allowed = Math.max(relative * magnitude, rounding, absoluteFloor);
  return Math.abs(cited - fact) <= allowed + 1e-12 * Math.max(1, magnitude);
};
