import type { WeatherSensitivityFacts } from '../types';
import { adjustedR2, fitLine, percentileSorted } from './statistics';

export type ChangePointModel = NonNullable<WeatherSensitivityFacts['changePoint']>;

export interface ChangePointOptions {
  /** Days needed on each side of every balance point. */
  minDaysPerSide: number;
}

interface Candidate {
  model: ChangePointModel;
  adjustedR2: number;
}

const solve3 = (matrix: number[][], vector: number[]): number[] | null => {
  const [a, b, c] = matrix;
  const det = a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]);
  if (Math.abs(det) < 1e-12) return null;
  const replace = (column: number): number => {
    const m = matrix.map((row, index) => row.map((value, j) => (j === column ? vector[index] : value)));
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  };
  return [replace(0) / det, replace(1) / det, replace(2) / det];
};

/**
 * Change-point (degree-day) models of daily kWh on daily mean temperature T, fitted by
 * least squares at every balance point of a grid (0.5 °C steps between the 10th and 90th
 * percentile of T; 1 °C steps for the two-point model):
 * - heating: kWh = base + h·max(0, Tb − T)
 * - cooling: kWh = base + c·max(0, T − Tb)
 * - heating-cooling: kWh = base + h·max(0, Th − T) + c·max(0, T − Tc), Th < Tc
 * Slopes must be positive and each side of a balance point must hold `minDaysPerSide`
 * days. Returns the model with the best adjusted R² (balance points count as fitted
 * parameters: 2 for heating/cooling, 4 for heating-cooling) or `null`.
 */
export const fitChangePoint = (temperatures: Float64Array, energy: Float64Array, options: ChangePointOptions): Candidate | null => {
  const count = temperatures.length;
  const sorted = Float64Array.from(temperatures).sort();
  const low = percentileSorted(sorted, 0.1);
  const high = percentileSorted(sorted, 0.9);
  let best: Candidate | null = null;
  const consider = (candidate: Candidate): void => {
    if (!best || candidate.adjustedR2 > best.adjustedR2) best = candidate;
  };
  let totalSquares = 0;
  let energyMean = 0;
  for (const value of energy) energyMean += value / count;
  for (const value of energy) totalSquares += (value - energyMean) ** 2;
  if (totalSquares === 0) return null;

  const x = new Float64Array(count);
  for (let balance = Math.ceil(low * 2) / 2; balance <= high; balance += 0.5) {
    for (const model of ['heating', 'cooling'] as const) {
      let active = 0;
      for (let index = 0; index < count; index += 1) {
        x[index] = model === 'heating' ? Math.max(0, balance - temperatures[index]) : Math.max(0, temperatures[index] - balance);
        if (x[index] > 0) active += 1;
      }
      if (active < options.minDaysPerSide || count - active < options.minDaysPerSide) continue;
      const fit = fitLine(x, energy);
      if (!fit || fit.slope <= 0) continue;
      consider({
        adjustedR2: adjustedR2(fit.r2, count, 2),
        model: {
          model,
          heatingBalancePointC: model === 'heating' ? balance : null,
          coolingBalancePointC: model === 'cooling' ? balance : null,
          heatingSlopeKwhPerDegC: model === 'heating' ? fit.slope : null,
          coolingSlopeKwhPerDegC: model === 'cooling' ? fit.slope : null,
          baseKwhPerDay: fit.intercept,
          r2: fit.r2,
        },
      });
    }
  }
  for (let heat = Math.ceil(low); heat <= high; heat += 1) {
    for (let cool = heat + 1; cool <= high; cool += 1) {
      let heatingDays = 0;
      let coolingDays = 0;
      let s1 = 0,
        s2 = 0,
        s11 = 0,
        s22 = 0,
        s12 = 0,
        sy = 0,
        s1y = 0,
        s2y = 0;
      for (let index = 0; index < count; index += 1) {
        const t = temperatures[index];
        const h = Math.max(0, heat - t);
        const c = Math.max(0, t - cool);
        if (h > 0) heatingDays += 1;
        if (c > 0) coolingDays += 1;
        const y = energy[index];
        s1 += h;
        s2 += c;
        s11 += h * h;
        s22 += c * c;
        s12 += h * c;
        sy += y;
        s1y += h * y;
        s2y += c * y;
      }
      if (heatingDays < options.minDaysPerSide || coolingDays < options.minDaysPerSide) continue;
      const solution = solve3(
        [
          [count, s1, s2],
          [s1, s11, s12],
          [s2, s12, s22],
        ],
        [sy, s1y, s2y],
      );
      if (!solution) continue;
      const [base, heatingSlope, coolingSlope] = solution;
      if (heatingSlope <= 0 || coolingSlope <= 0) continue;
      let sse = 0;
      for (let index = 0; index < count; index += 1) {
        const t = temperatures[index];
        const predicted = base + heatingSlope * Math.max(0, heat - t) + coolingSlope * Math.max(0, t - cool);
        sse += (energy[index] - predicted) ** 2;
      }
      const r2 = 1 - sse / totalSquares;
      consider({
        adjustedR2: adjustedR2(r2, count, 4),
        model: {
          model: 'heating-cooling',
          heatingBalancePointC: heat,
          coolingBalancePointC: cool,
          heatingSlopeKwhPerDegC: heatingSlope,
          coolingSlopeKwhPerDegC: coolingSlope,
          baseKwhPerDay: base,
          r2,
        },
      });
    }
  }
  return best;
};
