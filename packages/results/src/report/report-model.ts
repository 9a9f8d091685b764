import type { BuildingFacts, MeterFacts } from '@eaio/energy';
import { localizeTimestamps, localPeriod } from '../local-time';
import type { JobRecord } from '../result-source';

/**
 * What the portfolio report shows, built in two passes over the batch's jobs (both
 * streamed from Postgres): the summary keeps one small line per building and bounded
 * top-N lists; the sections are rendered one building at a time.
 */

/** A stored answer, read leniently (the gate accepts some format slips). */
export interface ReadAnswer {
  summary: string | null;
  findings: { title: string; detail: string }[];
  recommendations: { action: string; rationale: string; savingsKwh: number | null; savingsPct: number | null; priority: string | null }[];
  dataIssuesAddressed: { issue: string; response: string }[];
  confidence: number | null;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number | null => {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.replaceAll(',', '')) : NaN;
  return Number.isFinite(parsed) ? parsed : null;
};
const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((item) => item && typeof item === 'object') : []);

export const readAnswer = (answer: unknown): ReadAnswer | null => {
  if (!answer || typeof answer !== 'object') return null;
  const record = answer as Record<string, unknown>;
  return {
    summary: text(record.summary) || null,
    findings: list(record.findings).map((finding) => ({ title: text(finding.title), detail: text(finding.detail) })),
    recommendations: list(record.recommendations).map((item) => ({
      action: text(item.action),
      rationale: text(item.rationale),
      savingsKwh: num(item.estimatedAnnualSavingsKwh),
      savingsPct: num(item.estimatedSavingsPct),
      priority: text(item.priority) || null,
    })),
    dataIssuesAddressed: list(record.dataIssuesAddressed).map((item) => ({ issue: text(item.issue), response: text(item.response) })),
    confidence: num(record.confidence),
  };
};

/** Keeps the `limit` largest items by `score` without holding more than 2 × limit. */
export class TopList<T> {
  private items: T[] = [];
  constructor(
    private readonly limit: number,
    private readonly score: (item: T) => number,
  ) {}
  add(item: T): void {
    this.items.push(item);
    if (this.items.length >= this.limit * 2) this.trim();
  }
  private trim(): void {
    this.items.sort((a, b) => this.score(b) - this.score(a));
    this.items.length = Math.min(this.items.length, this.limit);
  }
  values(): T[] {
    this.trim();
    return [...this.items];
  }
}

export interface BuildingLine {
  buildingId: string;
  use: string;
  sqm: number | null;
  timezone: string;
  /** Electricity EUI, kWh/m²·yr. */
  eui: number | null;
  peerGroup: string | null;
  peerPercentile: number | null;
  peerMedian: number | null;
  coverage: number | null;
  critical: number;
  warnings: number;
}

export interface AnomalyLine {
  buildingId: string;
  meter: string;
  kind: string;
  date: string;
  actualKwh: number;
  expectedKwh: number;
  deviationPct: number;
  robustZ: number;
}

export interface OpportunityLine {
  buildingId: string;
  analysisType: string;
  action: string;
  savingsKwh: number;
  savingsPct: number | null;
  priority: string | null;
  simulated: boolean;
}

export interface ProductionLine {
  tier: string;
  provider: string;
  model: string;
  kept: number;
  scoreSum: number;
  keptCostMicroUsd: number;
}

/** Portfolio-wide figures, gathered record by record (pass 1). */
export class PortfolioSummary {
  readonly buildings = new Map<string, BuildingLine>();
  readonly meters = new Map<string, { buildings: number; annualKwh: number; euis: number[] }>();
  readonly issues = new Map<string, number>();
  readonly anomalies = new TopList<AnomalyLine>(15, (line) => Math.abs(line.robustZ));
  readonly opportunities = new TopList<OpportunityLine>(25, (line) => line.savingsKwh);
  readonly production = new Map<string, ProductionLine>();
  readonly byState = new Map<string, number>();
  readonly byType = new Map<string, { jobs: number; kept: number }>();
  jobs = 0;
  calls = 0;
  costMicroUsd = 0;
  simulatedJobs = 0;
  promptJobs = 0;

  add(record: JobRecord): void {
    this.jobs += 1;
    this.calls += record.calls;
    this.costMicroUsd += record.costMicroUsd;
    if (record.simulated || record.result?.simulated) this.simulatedJobs += 1;
    if (record.kind === 'prompt') this.promptJobs += 1;
    this.byState.set(record.state, (this.byState.get(record.state) ?? 0) + 1);
    const type = this.byType.get(record.taskType) ?? { jobs: 0, kept: 0 };
    type.jobs += 1;
    if (record.result) type.kept += 1;
    this.byType.set(record.taskType, type);
    const result = record.result;
    if (result) {
      const key = `${result.tier}\u0000${result.provider}\u0000${result.model}`;
      const line = this.production.get(key) ?? { tier: result.tier, provider: result.provider, model: result.model, kept: 0, scoreSum: 0, keptCostMicroUsd: 0 };
      line.kept += 1;
      line.scoreSum += result.qualityScore;
      line.keptCostMicroUsd += result.costMicroUsd;
      this.production.set(key, line);
      const answer = readAnswer(result.answer);
      for (const recommendation of answer?.recommendations ?? []) {
        if (recommendation.savingsKwh === null || recommendation.savingsKwh <= 0 || !record.buildingId) continue;
        this.opportunities.add({
          buildingId: record.buildingId,
          analysisType: record.taskType,
          action: recommendation.action,
          savingsKwh: recommendation.savingsKwh,
          savingsPct: recommendation.savingsPct,
          priority: recommendation.priority,
          simulated: result.simulated,
        });
      }
    }
    const facts = record.facts as BuildingFacts | undefined;
    if (record.buildingId && facts?.meters && !this.buildings.has(record.buildingId)) this.addBuilding(record.buildingId, facts);
  }

  private addBuilding(buildingId: string, facts: BuildingFacts): void {
    const electricity = mainMeter(facts);
    this.buildings.set(buildingId, {
      buildingId,
      use: facts.building.primaryUse ?? 'unknown',
      sqm: facts.building.sqm,
      timezone: facts.building.timezone,
      eui: electricity?.euiKwhPerSqm ?? null,
      peerGroup: facts.peers?.group ?? null,
      peerPercentile: facts.peers?.euiPercentile ?? null,
      peerMedian: facts.peers?.medianEuiKwhPerSqm ?? null,
      coverage: electricity?.coverage.coverageRatio ?? null,
      critical: facts.dataIssues.filter((issue) => issue.severity === 'critical').length,
      warnings: facts.dataIssues.filter((issue) => issue.severity === 'warning').length,
    });
    for (const meter of facts.meters) {
      const line = this.meters.get(meter.meter) ?? { buildings: 0, annualKwh: 0, euis: [] };
      line.buildings += 1;
      line.annualKwh += meter.annualKwh ?? 0;
      if (meter.euiKwhPerSqm !== null) line.euis.push(meter.euiKwhPerSqm);
      this.meters.set(meter.meter, line);
      for (const anomaly of meter.anomalies) this.anomalies.add({ buildingId, meter: meter.meter, ...anomaly });
    }
    const seen = new Set<string>();
    for (const issue of facts.dataIssues) {
      const key = `${issue.kind}\u0000${issue.severity}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.issues.set(key, (this.issues.get(key) ?? 0) + 1);
    }
  }
}

export const mainMeter = (facts: BuildingFacts): MeterFacts | undefined => facts.meters.find((meter) => meter.meter === 'electricity') ?? facts.meters[0];

export const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// ---- formatting shared by the Markdown and HTML renderers ----

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const fmt = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : digits === 0
      ? grouped.format(value)
      : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const pct = (ratio: number | null | undefined, digits = 1): string => (ratio === null || ratio === undefined ? '–' : `${(ratio * 100).toFixed(digits)} %`);
/** Integer micro-USD → `$0.001234`. */
export const usd = (micro: number): string => `$${(micro / 1_000_000).toFixed(micro < 10_000 ? 6 : 4)}`;

/** Label/value rows of a building's facts. */
export const factRows = (facts: BuildingFacts): [string, string][] => [
  ['Primary use', facts.building.primaryUse ?? 'unknown'],
  ['Floor area', facts.building.sqm === null ? 'unknown' : `${fmt(facts.building.sqm)} m²`],
  ['Time zone', facts.building.timezone],
  ['Period (local time)', `${localPeriod(facts.period.start, facts.period.end, facts.building.timezone)} (${fmt(facts.period.hours)} h)`],
  [
    'Peers',
    facts.peers
      ? `${facts.peers.group} (${facts.peers.groupSize} buildings): EUI percentile ${fmt(facts.peers.euiPercentile)}, group median ${fmt(facts.peers.medianEuiKwhPerSqm, 1)} kWh/m²·yr`
      : 'no peer comparison',
  ],
];

export const METER_COLUMNS = ['Meter', 'Annual kWh', 'EUI kWh/m²·yr', 'Coverage', 'Baseload kW', 'Peak kW', 'Load factor', 'Weekday/weekend', 'Night/day', 'Weather model'];

export const meterRow = (meter: MeterFacts): string[] => {
  const change = meter.weather?.changePoint;
  return [
    meter.meter,
    fmt(meter.annualKwh),
    fmt(meter.euiKwhPerSqm, 1),
    pct(meter.coverage.coverageRatio),
    fmt(meter.load.baseloadKw, 1),
    fmt(meter.load.peakKw, 1),
    fmt(meter.load.loadFactor, 2),
    fmt(meter.load.weekdayWeekendRatio, 2),
    fmt(meter.load.nightDayRatio, 2),
    change ? `${change.model}, R² ${fmt(change.r2, 2)}` : meter.weather?.slopeKwhPerDegC != null ? `linear ${fmt(meter.weather.slopeKwhPerDegC, 1)} kWh/day·°C` : '–',
  ];
};

export const dataIssueRows = (facts: BuildingFacts): { severity: string; kind: string; message: string }[] =>
  facts.dataIssues.map((issue) => ({ severity: issue.severity, kind: issue.kind, message: localizeTimestamps(issue.message, facts.building.timezone) }));

export const monthlyPoints = (facts: BuildingFacts) =>
  facts.meters.flatMap((meter) => meter.monthly.map((month) => ({ meter: meter.meter, month: month.month, kwh: Math.round(month.kwh) })));

export const loadLevels = (facts: BuildingFacts) =>
  facts.meters.flatMap((meter) => {
    const { baseloadKw, peakKw, loadFactor } = meter.load;
    if (peakKw === null) return [];
    return [
      ...(baseloadKw === null ? [] : [{ meter: meter.meter, level: 'baseload', kw: baseloadKw }]),
      ...(loadFactor === null ? [] : [{ meter: meter.meter, level: 'mean', kw: loadFactor * peakKw }]),
      { meter: meter.meter, level: 'peak', kw: peakKw },
    ];
  });

/** How one analysis was produced, in words. */
export const producedBy = (record: JobRecord): string => {
  const result = record.result;
  const threshold = typeof record.qualityChecks?.threshold === 'number' ? record.qualityChecks.threshold : null;
  const gate = record.gateScore === null ? 'not gated' : `gate ${fmt(record.gateScore, 2)}${threshold === null ? '' : ` (pass ≥ ${fmt(threshold, 2)})`}`;
  if (result) return `${result.tier} · ${result.provider}/${result.model} · ${gate} · kept call ${usd(result.costMicroUsd)}, ${record.calls} call(s) ${usd(record.costMicroUsd)}`;
  return `${gate} · ${record.calls} call(s) ${usd(record.costMicroUsd)}`;
};

export type Claim = { where: string; written: string; status: string; note: string };

/** The gate's per-claim grounding of an attempt (`quality_checks.checks.claims`). */
export const claimsOf = (record: JobRecord): Claim[] => {
  const claims = record.qualityChecks?.checks?.claims;
  return Array.isArray(claims) ? claims.filter((claim) => claim && typeof claim.written === 'string') : [];
};

export const claimCounts = (claims: Claim[]): string => {
  const counts = new Map<string, number>();
  for (const claim of claims) counts.set(claim.status, (counts.get(claim.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ') || 'no figures';
};

export const ANALYSIS_ORDER = ['data-quality-triage', 'building-diagnostic', 'retrofit-plan'];
export const byAnalysisOrder = (a: JobRecord, b: JobRecord) => {
  const rank = (type: string) => (ANALYSIS_ORDER.includes(type) ? ANALYSIS_ORDER.indexOf(type) : ANALYSIS_ORDER.length);
  return rank(a.taskType) - rank(b.taskType) || a.taskType.localeCompare(b.taskType);
};
