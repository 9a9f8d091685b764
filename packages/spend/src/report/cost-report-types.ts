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
  /**
   * passed / calls that ended (passed, failed gate, error, abandoned): a provider's errors
   * count against it. `undefined` when no call ended.
   */
  passRate: number | undefined;
  escalations: number;
  /** Calls that ended in a provider error. */
  errors: number;
  /** Calls whose worker vanished (the reconciler abandoned them). */
  abandoned: number;
  /** Calls still in flight (`started`) when the report was made. */
  started: number;
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
    /** Every call's cost on the day. */
    costMicro: number;
    /** The pure-API cost of the results kept on the day: each kept answer's tokens at the reference model's price. */
    referenceCostMicro: number;
    /** referenceCost − keptCost: what the kept results cost here against what the same results cost on the reference API. */
    savingsMicro: number;
    /** savings / referenceCost; `undefined` when no result was kept. */
    savingsShare: number | undefined;
    passRate: number | undefined;
    escalations: number;
    energyMicro: number;
    errors: number;
    abandoned: number;
    /** Calls still in flight. */
    started: number;
    /** Jobs that ended on the day (finished in the report's time zone), with and without a result. */
    jobs: {
      ended: number;
      /** Jobs that kept a result (`succeeded`). */
      withResult: number;
      /** Every call of the jobs that kept a result: the cost of the kept results. */
      keptCostMicro: number;
      /** Jobs that ended without one: `review`, `failed`, `rejected`. */
      withoutResult: number;
      withoutResultByState: Record<string, number>;
      /** What the calls of jobs without a result cost. */
      withoutResultCostMicro: number;
    };
    /** Where the savings on the kept results come from. */
    levers: CostLevers;
  };
  /** Trailing window ending at `date`, oldest first (for the chart). */
  days: CostReportDayTotal[];
}

/** Kept results of one kind, against the same answers at the reference API price. */
export interface LeverFigures {
  results: number;
  /** Every call of these jobs (0 for cache hits: no call). */
  costMicro: number;
  referenceCostMicro: number;
  /** referenceCost − cost. */
  savingsMicro: number;
}

/** The cost report's levers: how the day's kept results were produced and what each way saved. */
export interface CostLevers {
  /** Kept on a local tier (their jobs' calls, api attempts before escalation included). */
  local: LeverFigures;
  /** Answered from the response cache: a kept result of another job reused, no call, no spend. */
  cache: LeverFigures;
  /** Kept on the api tier at interactive prices. */
  api: LeverFigures;
  /** Kept jobs whose start adaptive routing moved, and the expected saving it moved them for (estimate from the history at routing time). */
  adaptive: { movedJobs: number; expectedSavingsMicro: number };
  /** Provider batch pricing (Batch API / Message Batches): the day's calls billed at batch prices against the same calls at interactive prices. */
  batch: BatchLeverFigures;
}

/** Calls of deadline batches sent through provider batch endpoints (attempts started on the report day). */
export interface BatchLeverFigures {
  /** Calls settled at a batch price (price version `…+batch:<share>`) that the provider answered or billed. */
  calls: number;
  /** What they cost (at the batch price). */
  costMicro: number;
  /** The same calls at their model's interactive price (their tokens at the catalog price; a call without token counts: its cost ÷ the batch share). */
  interactiveCostMicro: number;
  /** interactiveCost − cost. */
  savingsMicro: number;
  /** Parked calls that fell back to an interactive call because the deadline came close (items ended `fallback` on the day). */
  fellBack: number;
}
