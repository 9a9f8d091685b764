import { metricUnitClass } from '../gate/metric-units';
import { writeEvidence, writeProseNumber } from './number-writing';
import type { Random } from './random-tools';

/**
 * Hands out metric values to the answer being drafted and records every place a number
 * lands (a slot). In a hallucinating draft, chosen slots get a value moved by 15–60 %.
 */
export interface Slot {
  index: number;
  metric: string;
  location: 'evidence' | 'prose';
  eligible: boolean;
}

export interface NumberTeller {
  prose(metric: string): string;
  evidence(metric: string): { metric: string; value: number; unit?: string };
  slots: Slot[];
  perturbed: Slot[];
}

/** Whether a wrong value for this metric is a meaningful, detectable hallucination. */
const perturbable = (metric: string, value: number): boolean => {
  const unitClass = metricUnitClass(metric);
  if (!Number.isFinite(value) || value === 0) return false;
  if (unitClass === 'signed-fraction' || unitClass === 'count') return false;
  if (unitClass === 'ratio') return Math.abs(value) >= 0.1;
  if (unitClass === 'hours') return Math.abs(value) >= 10;
  if (unitClass === 'percentile') return value >= 5 && value <= 95;
  return true;
};

export const perturbValue = (metric: string, value: number, random: Random): number => {
  const size = 0.15 + random() * 0.45;
  let direction = random() < 0.5 ? -1 : 1;
  const unitClass = metricUnitClass(metric);
  if ((unitClass === 'ratio' && metric.includes('coverage')) || (unitClass === 'percentile' && value * (1 + size) > 100)) direction = -1;
  return value * (1 + direction * size);
};

export const createNumberTeller = (metrics: Record<string, number>, random: Random, targets: ReadonlySet<number> = new Set(), perturbRandom: Random = random): NumberTeller => {
  const slots: Slot[] = [];
  const perturbed: Slot[] = [];
  const valueFor = (metric: string, location: Slot['location']): number => {
    const value = metrics[metric];
    const slot: Slot = { index: slots.length, metric, location, eligible: perturbable(metric, value) };
    slots.push(slot);
    if (slot.eligible && targets.has(slot.index)) {
      perturbed.push(slot);
      return perturbValue(metric, value, perturbRandom);
    }
    return value;
  };
  return {
    prose: (metric) => writeProseNumber(metric, valueFor(metric, 'prose'), random),
    evidence: (metric) => writeEvidence(metric, valueFor(metric, 'evidence'), random),
    slots,
    perturbed,
  };
};
