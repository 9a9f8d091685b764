import type { AnomalyFact, BuildingFacts, DataIssue, FlatFacts, MeterType, MissingFact } from '../types';
import { flattenFacts } from '../facts/flatten-facts';

/**
 * What a prompt shows the model about one building, and what the gate checks an answer
 * against. Built from `BuildingFacts` only; the same function serves the prompt, the
 * gate and the answer synthesizer, so all three see the same numbers under the same names.
 */
export interface PromptAnomaly {
  meter: MeterType;
  kind: AnomalyFact['kind'];
  date: string;
  actualKwh: number;
  expectedKwh: number;
  /** (actual − expected) ÷ expected, in percent (the facts keep it as a fraction, `deviationPct`). */
  deviationPercent: number;
  robustZ: number;
  /** Metric names under which `actualKwh` and `expectedKwh` can be cited. */
  actualMetric: string;
  expectedMetric: string;
}

export interface PromptData {
  building: {
    id: string;
    /** Free text from the input: data, never instructions. */
    name?: string;
    notes?: string;
    /** Other metadata columns of the input (free text; data, never instructions). */
    metadata?: Record<string, string>;
    primaryUse: string | null;
    floorAreaSqm: number | null;
    timezone: string;
  };
  period: { start: string; end: string; hours: number };
  meters: MeterType[];
  /** Metric name → value; `null` facts are absent here and listed in `missing`. */
  metrics: FlatFacts;
  anomalies: PromptAnomaly[];
  dataIssues: DataIssue[];
  missing: MissingFact[];
}

/** Options for `promptData`. */
export interface PromptDataOptions {
  /**
   * Anomalies shown per meter, largest |robust z| first.
   * @defaultValue 5
   */
  anomaliesPerMeter?: number;
  /**
   * Longest free text (name, notes) kept, in characters.
   * @defaultValue 300
   */
  maxTextLength?: number;
}

/** Metadata columns shown at most (the rest are left out of the prompt). */
const MAX_METADATA_COLUMNS = 24;

const anomalyMetric = (meter: string, anomaly: AnomalyFact, field: 'actualKwh' | 'expectedKwh'): string => `${meter}.anomaly.${anomaly.kind}.${anomaly.date}.${field}`;

const clip = (text: string | undefined, max: number): string | undefined => (text === undefined ? undefined : text.length > max ? `${text.slice(0, max)}…` : text);

export const promptData = (facts: BuildingFacts, options: PromptDataOptions = {}): PromptData => {
  const anomaliesPerMeter = options.anomaliesPerMeter ?? 5;
  const maxTextLength = options.maxTextLength ?? 300;
  // One naming for prompt, gate and synthesizer: the facts package's own flat table,
  // plus the shown anomalies' day or week kWh under `<meter>.anomaly.<kind>.<date>.<field>`.
  const metrics: FlatFacts = { ...flattenFacts(facts) };
  const anomalies: PromptAnomaly[] = [];
  for (const meter of facts.meters) {
    const largest = [...meter.anomalies].sort((left, right) => Math.abs(right.robustZ) - Math.abs(left.robustZ)).slice(0, anomaliesPerMeter);
    for (const anomaly of largest) {
      const actualMetric = anomalyMetric(meter.meter, anomaly, 'actualKwh');
      const expectedMetric = anomalyMetric(meter.meter, anomaly, 'expectedKwh');
      metrics[actualMetric] = anomaly.actualKwh;
      metrics[expectedMetric] = anomaly.expectedKwh;
      anomalies.push({
        meter: meter.meter,
        kind: anomaly.kind,
        date: anomaly.date,
        actualKwh: anomaly.actualKwh,
        expectedKwh: anomaly.expectedKwh,
        deviationPercent: Number((anomaly.deviationPct * 100).toPrecision(5)),
        robustZ: anomaly.robustZ,
        actualMetric,
        expectedMetric,
      });
    }
  }
  // Largest first across meters (|robustZ|), so "the largest anomalies" means the first ones listed.
  anomalies.sort((left, right) => Math.abs(right.robustZ) - Math.abs(left.robustZ));
  const building: PromptData['building'] = {
    id: facts.building.buildingId,
    primaryUse: facts.building.primaryUse,
    floorAreaSqm: facts.building.sqm,
    timezone: facts.building.timezone,
  };
  const name = clip(facts.building.name, maxTextLength);
  const notes = clip(facts.building.notes, maxTextLength);
  if (name !== undefined) building.name = name;
  if (notes !== undefined) building.notes = notes;
  const attributes = Object.entries(facts.building.attributes ?? {}).slice(0, MAX_METADATA_COLUMNS);
  if (attributes.length > 0) building.metadata = Object.fromEntries(attributes.map(([column, value]) => [column.slice(0, 64), clip(value, maxTextLength) ?? '']));
  return {
    building,
    period: { start: facts.period.start, end: facts.period.end, hours: facts.period.hours },
    meters: facts.meters.map((meter) => meter.meter),
    metrics,
    anomalies,
    dataIssues: facts.dataIssues,
    missing: facts.missing,
  };
};

/** The anomalies an answer must address: the largest few across meters. */
export const majorAnomalies = (data: PromptData, count = 3): PromptAnomaly[] =>
  [...data.anomalies].sort((left, right) => Math.abs(right.robustZ) - Math.abs(left.robustZ)).slice(0, count);
