/**
 * What eaio knows about a building before any model is called. Prompts show these
 * facts to the model; the quality gate checks answers against them. Every number has
 * a stable metric name (`FactMetric`) so that an answer can cite it and the gate can
 * find it again.
 *
 * A value is `null` when it cannot be computed from the data (no floor area, too few
 * days, no weather) and the matching entry in `missing` says why. Nothing downstream
 * may demand a fact that is `null`.
 */

export type MeterType = 'electricity' | 'gas' | 'chilledwater' | 'steam' | 'hotwater' | 'water' | 'other';

export interface BuildingMetadata {
  buildingId: string;
  /** Gross floor area in m²; `null` when absent or not positive. */
  sqm: number | null;
  /** Primary space use (BDG2 `primaryspaceusage`), `null` when unknown. */
  primaryUse: string | null;
  /** IANA time zone, e.g. `Europe/London`; defaults to `UTC` when absent. */
  timezone: string;
  siteId?: string;
  yearBuilt?: number | null;
  /** Free text from the input: data, never instructions. */
  name?: string;
  notes?: string;
  /**
   * Every other metadata column of the building's row, by lower-case column name (address,
   * contact, coordinates, …), as text. Shown to the model under `building.metadata`;
   * under ENHANCED each becomes a pseudonym unless listed as plain (coordinates are rounded).
   */
  attributes?: Record<string, string>;
  /**
   * The building's own privacy level (metadata `privacy` column): overrides the submit's
   * level for this building's jobs. An unreadable value is read as PRIVATE (and reported).
   */
  privacy?: 'PRIVATE' | 'ENHANCED' | 'PUBLIC';
}

export interface Period {
  /** ISO-8601 UTC, inclusive. */
  start: string;
  /** ISO-8601 UTC, exclusive. */
  end: string;
  hours: number;
}

export interface CoverageFacts {
  /** Hours the period should have (first to last timestamp of the input, hourly). */
  expectedHours: number;
  /** Hours with a valid reading: positive, or also zero where zeros are readings. */
  validHours: number;
  /** Hours absent from the file. */
  missingHours: number;
  /**
   * Hours that read exactly 0: missing on a meter whose zeros mean "no reading"
   * (electricity), valid 0 kWh hours on one whose zeros are readings (gas by default).
   */
  zeroHours: number;
  /**
   * Hours that read below 0 (invalid). Optional so hand-written facts may leave it out;
   * `computeFacts` always sets it.
   */
  negativeHours?: number;
  /** validHours / expectedHours, 0..1. */
  coverageRatio: number;
  /** Longest run of hours without a valid reading (missing, zero or negative). */
  longestGapHours: number;
  /** Runs of hours without a valid reading at least `outageMinHours` (24) long. */
  outages: Period[];
  /**
   * Only on meters whose zeros are readings (`FactsOptions.zeroIsMissing` false, e.g. gas):
   * runs of zero readings at least `outageMinHours` long. They are valid hours of 0 kWh
   * (counted in `validHours`), listed so a seasonal shut-off stays visible.
   */
  zeroRuns?: Period[];
}

export interface LoadShapeFacts {
  /** Baseload kW: 5th percentile of valid hourly readings. */
  baseloadKw: number | null;
  /** Peak kW: maximum valid hourly reading. */
  peakKw: number | null;
  /** Mean kW over valid hours divided by peak kW, 0..1. */
  loadFactor: number | null;
  /** Mean weekday kW / mean weekend kW, local time. */
  weekdayWeekendRatio: number | null;
  /** Mean night kW (00:00–06:00 local) / mean day kW (08:00–18:00 local). */
  nightDayRatio: number | null;
}

export interface WeatherSensitivityFacts {
  /** Days used (days with ≥ 20 valid hours and a temperature). */
  days: number;
  /** Ordinary least squares of daily kWh on daily mean °C. */
  slopeKwhPerDegC: number | null;
  /** Pearson r of daily kWh and daily mean °C. */
  r: number | null;
  /** Change-point model, when it beats the straight line; else null. */
  changePoint: {
    model: 'heating' | 'cooling' | 'heating-cooling';
    /** Balance point(s) °C. */
    heatingBalancePointC: number | null;
    coolingBalancePointC: number | null;
    /** kWh/day per °C below the heating balance point (positive). */
    heatingSlopeKwhPerDegC: number | null;
    /** kWh/day per °C above the cooling balance point (positive). */
    coolingSlopeKwhPerDegC: number | null;
    /** kWh/day not explained by weather. */
    baseKwhPerDay: number;
    r2: number;
  } | null;
}

export interface AnomalyFact {
  kind: 'day-high' | 'day-low' | 'week-high' | 'week-low';
  /** Local date (YYYY-MM-DD) of the day, or of the Monday of the week. */
  date: string;
  actualKwh: number;
  expectedKwh: number;
  /** (actual − expected) / expected, signed. */
  deviationPct: number;
  /** Robust z-score (deviation / (1.4826 × MAD)). */
  robustZ: number;
}

export interface MonthlyFact {
  /** YYYY-MM in local time. */
  month: string;
  kwh: number;
  validHours: number;
}

export interface MeterFacts {
  meter: MeterType;
  /** kWh summed over valid hours of the whole input period. */
  totalKwh: number;
  /** kWh per year: totalKwh scaled to 8,760 h by valid hours (null below 30 valid days). */
  annualKwh: number | null;
  /** annualKwh / sqm; null without floor area. */
  euiKwhPerSqm: number | null;
  coverage: CoverageFacts;
  load: LoadShapeFacts;
  weather: WeatherSensitivityFacts | null;
  anomalies: AnomalyFact[];
  monthly: MonthlyFact[];
}

export interface PeerFacts {
  /** Group compared against: a use type, or `all` when use is unknown. */
  group: string;
  groupSize: number;
  /** Percentile (0–100) of this building's electricity EUI in its group. */
  euiPercentile: number | null;
  medianEuiKwhPerSqm: number | null;
}

export interface MissingFact {
  /** Metric name (see FactMetric) or a whole section (`weather`, `eui`, `peers`). */
  metric: string;
  reason: string;
}

export interface DataIssue {
  kind: 'outage' | 'low-coverage' | 'all-zero' | 'negative-values' | 'short-period' | 'no-floor-area' | 'no-weather' | 'duplicate-timestamps' | 'spikes' | 'zero-runs';
  severity: 'info' | 'warning' | 'critical';
  message: string;
}

export interface BuildingFacts {
  /** Version of the fact definitions; bump when a definition changes. */
  factsVersion: string;
  building: BuildingMetadata;
  period: { start: string; end: string; hours: number; timezone: string };
  meters: MeterFacts[];
  peers: PeerFacts | null;
  dataIssues: DataIssue[];
  missing: MissingFact[];
}

/**
 * Flat view of the facts that answers cite: metric name → value. Names are dotted paths,
 * e.g. `electricity.annualKwh`, `electricity.euiKwhPerSqm`, `electricity.load.baseloadKw`,
 * `electricity.coverage.coverageRatio`, `peers.euiPercentile`. Produced by `flattenFacts()`.
 */
export type FactMetric = string;
export type FlatFacts = Record<FactMetric, number>;
