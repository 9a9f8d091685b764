/**
 * Percentile with linear interpolation between closest ranks (same as PostgreSQL
 * `percentile_cont` and NumPy's default): position q·(n−1) in the sorted values.
 * `sorted` must be ascending and non-empty.
 */
export const percentileSorted = (sorted: ArrayLike<number>, q: number): number => {
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
};

export const median = (values: ArrayLike<number>): number => {
  const sorted = Float64Array.from(values).sort();
  return percentileSorted(sorted, 0.5);
};

/** Median absolute deviation from `center`. */
export const medianAbsoluteDeviation = (values: ArrayLike<number>, center: number): number => {
  const deviations = new Float64Array(values.length);
  for (let index = 0; index < values.length; index += 1) deviations[index] = Math.abs(values[index] - center);
  return median(deviations);
};

export const mean = (values: ArrayLike<number>): number => {
  let sum = 0;
  for (let index = 0; index < values.length; index += 1) sum += values[index];
  return sum / values.length;
};

export interface LineFit {
  intercept: number;
  slope: number;
  r: number;
  r2: number;
  sse: number;
}

/** Ordinary least squares y = a + b·x with Pearson r; `null` when x or y has no variance. */
export const fitLine = (x: ArrayLike<number>, y: ArrayLike<number>): LineFit | null => {
  const count = x.length;
  if (count < 2) return null;
  const meanX = mean(x);
  const meanY = mean(y);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let index = 0; index < count; index += 1) {
    const dx = x[index] - meanX;
    const dy = y[index] - meanY;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  const slope = sxy / sxx;
  const r = sxy / Math.sqrt(sxx * syy);
  const sse = Math.max(0, syy - slope * sxy);
  return { intercept: meanY - slope * meanX, slope, r, r2: r * r, sse };
};

/** Adjusted R² for `predictors` fitted parameters besides the intercept. */
export const adjustedR2 = (r2: number, count: number, predictors: number): number =>
  count - predictors - 1 > 0 ? 1 - ((1 - r2) * (count - 1)) / (count - predictors - 1) : Number.NEGATIVE_INFINITY;

/** Rounds for display in facts (keeps 6 significant digits, never turns a finite number into NaN). */
export const round = (value: number, digits = 4): number => Number(value.toFixed(digits));
