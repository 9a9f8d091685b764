import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { ModelPrice } from '@eaio/core';
import { settledCostMicro } from '../cost';
import { picoPerToken, picoToMicroHalfUp } from '../money';
import type { PriceCatalog } from '../price-catalog';
import type { TransactionalDb } from '../queryable';
import type { CostReport, CostReportRow } from './cost-report-types';
import { renderCsv } from './render-csv';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-markdown';
import { refreshRollup } from './report-rollup';

export interface CostReportOptions {
  /** Report day, `YYYY-MM-DD`, in `timezone`. */
  date: string;
  /** IANA zone of report days (`report.timezone`). */
  timezone: string;
  db: TransactionalDb;
  catalog: PriceCatalog;
  /** `report.referenceModel`: the pure-API baseline. */
  referenceModel: { provider: string; model: string };
  /** Directory the .md/.csv/.html files go to; `undefined` = write none. @defaultValue `undefined` */
  outputDir?: string;
  /** Days of history in the chart (rolled up incrementally). @defaultValue `30` */
  windowDays?: number;
}

export interface CostReportResult {
  report: CostReport;
  markdown: string;
  /** Files written (empty without `outputDir`). */
  files: string[];
  /** Days aggregated from `attempts` this run. */
  rolledUpDays: string[];
}

interface RollupRow {
  day: string; provider: string; model: string; tier: string; tenant: string;
  calls: string; input_tokens: string; output_tokens: string; cached_input_tokens: string; cache_write_tokens: string; reasoning_tokens: string;
  cost_micro_usd: string; latency_sum_ms: string; latency_count: string; p95_latency_ms: number | null; passed: string; gated: string; escalations: string;
}

const isLocalTier = (tier: string): boolean => tier !== 'api';

/** The report's numbers from rollup rows (pure; exported for tests). */
export const buildReportRows = (rows: RollupRow[], referencePrice: ModelPrice, localEnergyPerMTok: number): CostReportRow[] =>
  rows.map((row) => {
    const usage = {
      inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens), cachedInputTokens: Number(row.cached_input_tokens),
      cacheWriteTokens: Number(row.cache_write_tokens), reasoningTokens: Number(row.reasoning_tokens),
    };
    const latencyCount = Number(row.latency_count);
    const gated = Number(row.gated);
    return {
      day: row.day, provider: row.provider, model: row.model, tier: row.tier, tenant: row.tenant,
      calls: Number(row.calls), ...usage,
      costMicro: Number(row.cost_micro_usd),
      energyMicro: isLocalTier(row.tier) && localEnergyPerMTok > 0
        ? picoToMicroHalfUp(BigInt(usage.inputTokens + usage.outputTokens) * picoPerToken(localEnergyPerMTok))
        : 0,
      meanLatencyMs: latencyCount > 0 ? Number(row.latency_sum_ms) / latencyCount : undefined,
      p95LatencyMs: row.p95_latency_ms ?? undefined,
      passRate: gated > 0 ? Number(row.passed) / gated : undefined,
      escalations: Number(row.escalations),
      referenceCostMicro: settledCostMicro(usage, referencePrice),
    };
  });

const sum = (rows: CostReportRow[], pick: (row: CostReportRow) => number): number => rows.reduce((total, row) => total + pick(row), 0);

/**
 * The nightly cost report for one day: refreshes the rollup (only days not yet rolled
 * up, and the target day), reads the day and the trailing window from it, stores the
 * report in `cost_reports` and writes Markdown, CSV and HTML to `outputDir`.
 *
 * Savings: each row's tokens priced at the reference model (cache and reasoning kinds
 * at its own rates), minus what was actually spent. Local rows cost $0, so their
 * baseline is all savings; API rows on a dearer model than the reference show negative
 * savings.
 */
export const generateCostReport = async (options: CostReportOptions): Promise<CostReportResult> => {
  const windowDays = options.windowDays ?? 30;
  const day = DateTime.fromISO(options.date, { zone: options.timezone });
  if (!day.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(options.date)) throw new RangeError(`report date must be YYYY-MM-DD, got ${options.date}`);
  const rolledUpDays = await refreshRollup(options.db, options.date, options.timezone, windowDays);
  const referencePrice = options.catalog.priceAt(options.referenceModel.provider, options.referenceModel.model, day.toJSDate()).price;

  const windowStart = day.minus({ days: windowDays - 1 }).toISODate()!;
  const windowRows = (await options.db.query<RollupRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, provider, model, tier, tenant, calls, input_tokens, output_tokens, cached_input_tokens,
       cache_write_tokens, reasoning_tokens, cost_micro_usd, latency_sum_ms, latency_count, p95_latency_ms, passed, gated, escalations
     FROM cost_report_rollup WHERE day >= $1::date AND day <= $2::date ORDER BY day, tier, provider, model, tenant`,
    [windowStart, options.date],
  )).rows;
  const all = buildReportRows(windowRows, referencePrice, options.catalog.localEnergyPerMTok);
  const rows = all.filter((row) => row.day === options.date);

  const costMicro = sum(rows, (row) => row.costMicro);
  const referenceCostMicro = sum(rows, (row) => row.referenceCostMicro);
  const gatedRows = windowRows.filter((row) => row.day === options.date);
  const gated = gatedRows.reduce((total, row) => total + Number(row.gated), 0);
  const passedCount = gatedRows.reduce((total, row) => total + Number(row.passed), 0);

  const days = Array.from({ length: windowDays }, (_, index) => {
    const date = day.minus({ days: windowDays - 1 - index }).toISODate()!;
    const ofDay = all.filter((row) => row.day === date);
    return { day: date, calls: sum(ofDay, (row) => row.calls), costMicro: sum(ofDay, (row) => row.costMicro), referenceCostMicro: sum(ofDay, (row) => row.referenceCostMicro) };
  });

  const report: CostReport = {
    date: options.date,
    timezone: options.timezone,
    priceVersion: options.catalog.version,
    referenceModel: options.referenceModel,
    rows,
    totals: {
      calls: sum(rows, (row) => row.calls),
      costMicro,
      referenceCostMicro,
      savingsMicro: referenceCostMicro - costMicro,
      savingsShare: referenceCostMicro > 0 ? (referenceCostMicro - costMicro) / referenceCostMicro : undefined,
      passRate: gated > 0 ? passedCount / gated : undefined,
      escalations: sum(rows, (row) => row.escalations),
      energyMicro: sum(rows, (row) => row.energyMicro),
    },
    days,
  };
  const markdown = renderMarkdown(report);
  await options.db.query(
    `INSERT INTO cost_reports (report_date, timezone, price_version, summary, rows, markdown) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (report_date, timezone) DO UPDATE SET generated_at = now(), price_version = EXCLUDED.price_version,
       summary = EXCLUDED.summary, rows = EXCLUDED.rows, markdown = EXCLUDED.markdown`,
    [options.date, options.timezone, report.priceVersion, JSON.stringify({ ...report.totals, days }), JSON.stringify(rows), markdown],
  );

  const files: string[] = [];
  if (options.outputDir !== undefined) {
    await mkdir(options.outputDir, { recursive: true });
    const base = join(options.outputDir, `cost-report-${options.date}`);
    await writeFile(`${base}.md`, markdown);
    await writeFile(`${base}.csv`, renderCsv(report));
    await writeFile(`${base}.html`, renderHtml(report));
    files.push(`${base}.md`, `${base}.csv`, `${base}.html`);
  }
  return { report, markdown, files, rolledUpDays };
};
