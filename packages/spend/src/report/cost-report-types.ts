/** One line of the report: a day × provider × model × tier × tenant. Money in micro-USD. */
export interface CostReportRow {
  day: string;
  provider: string;
  model: string;
  tier: string;
  tenant: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costMicro: number;
  /** Energy cost of local tiers at `localEnergyPerMTok` (not money spent on APIs). */
  energyMicro: number;
  meanLatencyMs: number | undefined;
  p95LatencyMs: number | undefined;
  /** passed / (passed + failed gate); `undefined` when the gate judged nothing. */
  passRate: number | undefined;
  escalations: number;
  /** What these tokens would have cost at the reference API model's price. */
  referenceCostMicro: number;
}

export interface CostReportDayTotal {
  day: string;
  calls: number;
  costMicro: number;
  referenceCostMicro: number;
}

export interface CostReport {
  date: string;
  timezone: string;
  priceVersion: string;
  referenceModel: { provider: string; model: string };
  rows: CostReportRow[];
  totals: {
    calls: number;
    costMicro: number;
    referenceCostMicro: number;
    /** referenceCost − cost. */
    savingsMicro: number;
    /** savings / referenceCost; `undefined` when the reference cost is 0. */
    savingsShare: number | undefined;
    passRate: number | undefined;
    escalations: number;
    energyMicro: number;
  };
  /** Trailing window ending at `date`, oldest first (for the chart). */
  days: CostReportDayTotal[];
}
