import type { MeterType } from '../types';

/** Version of the fact definitions in FACTS.md; bump when a definition changes. */
export const FACTS_VERSION = 'facts-2';

/**
 * Per meter type: does a reading of exactly 0 mean "no reading" (`true`) or a real hour
 * with no consumption (`false`)? Electricity in a running building never reads 0, so its
 * zeros are logger gaps; heating and cooling meters (gas, steam, hot water, chilled water)
 * read 0 overnight and out of season. Types not listed here count zeros as missing.
 */
export const DEFAULT_ZERO_IS_MISSING: Readonly<Record<MeterType, boolean>> = {
  electricity: true,
  gas: false,
  steam: false,
  hotwater: false,
  chilledwater: false,
  water: true,
  other: true,
};

/** Thresholds of the fact definitions (each documented in FACTS.md). */
export interface FactsOptions {
  /** A run of missing/zero/negative hours at least this long is an outage. @defaultValue 24 */
  outageMinHours?: number;
  /** Valid hours below which `annualKwh` (and EUI) is not extrapolated. @defaultValue 720 (30 days) */
  minValidHoursForAnnual?: number;
  /** Valid hours a local day needs to count as a day (daily kWh, weather, anomalies). @defaultValue 20 */
  minValidHoursPerDay?: number;
  /** Days with energy and temperature needed for the weather regression. @defaultValue 30 */
  weatherMinDays?: number;
  /** Days needed before a change-point model is tried. @defaultValue 60 */
  changePointMinDays?: number;
  /** Days needed on each side of a balance point. @defaultValue 10 */
  changePointMinDaysPerSide?: number;
  /** Adjusted R² a change-point model must gain over the straight line to be kept. @defaultValue 0.02 */
  changePointMinGain?: number;
  /** Rolling reference window, days on each side of the day tested. @defaultValue 28 */
  anomalyWindowDays?: number;
  /** Reference days (same day type) needed to test a day; weeks need a quarter of it. @defaultValue 8 */
  anomalyMinReferenceDays?: number;
  /** |robust z| at or above which a day or week is an anomaly (Iglewicz–Hoaglin). @defaultValue 3.5 */
  anomalyMinRobustZ?: number;
  /** |deviation| from expected (fraction) an anomaly must also reach. @defaultValue 0.15 */
  anomalyMinDeviation?: number;
  /** Anomalies kept per meter, largest |z| first. @defaultValue 20 */
  maxAnomalies?: number;
  /** Peer group size below which no percentile is given. @defaultValue 5 */
  peerMinGroupSize?: number;
  /** Coverage ratio below which a `low-coverage` issue is raised. @defaultValue 0.9 */
  lowCoverageRatio?: number;
  /**
   * Zero policy per meter type, merged over `DEFAULT_ZERO_IS_MISSING`: `true` = a zero hour
   * is missing, `false` = a zero hour is a valid reading of 0 kWh.
   * @defaultValue electricity, water, other `true`; gas, steam, hotwater, chilledwater `false`
   */
  zeroIsMissing?: Partial<Record<MeterType, boolean>>;
}

export type ResolvedFactsOptions = Required<Omit<FactsOptions, 'zeroIsMissing'>> & { zeroIsMissing: Record<MeterType, boolean> };

/** Whether zeros on `meter` count as missing under the resolved options (`true` for an unknown type). */
export const zeroIsMissingFor = (options: Pick<ResolvedFactsOptions, 'zeroIsMissing'>, meter: MeterType): boolean => options.zeroIsMissing[meter] ?? true;

export const resolveFactsOptions = (options: FactsOptions = {}): ResolvedFactsOptions => ({
  outageMinHours: 24,
  minValidHoursForAnnual: 720,
  minValidHoursPerDay: 20,
  weatherMinDays: 30,
  changePointMinDays: 60,
  changePointMinDaysPerSide: 10,
  changePointMinGain: 0.02,
  anomalyWindowDays: 28,
  anomalyMinReferenceDays: 8,
  anomalyMinRobustZ: 3.5,
  anomalyMinDeviation: 0.15,
  maxAnomalies: 20,
  peerMinGroupSize: 5,
  lowCoverageRatio: 0.9,
  ...options,
  zeroIsMissing: { ...DEFAULT_ZERO_IS_MISSING, ...options.zeroIsMissing },
});
