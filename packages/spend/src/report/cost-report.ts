import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { ModelPrice } from '@eaio/core';
import { settledCostMicro } from '../cost';
import { picoPerToken, picoToMicroHalfUp } from '../money';
import type { PriceCatalog } from '../price-catalog';
import type { TransactionalDb } from '../queryable';
import type { BatchLeverFigures, CostReport, CostReportRow } from './cost-report-types';
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
  day: string;
  provider: string;
  model: string;
  tier: string;
  tenant: string;
  calls: string;
  input_tokens: string;
  output_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  reasoning_tokens: string;
  cost_micro_usd: string;
  latency_sum_ms: string;
  latency_count: string;
  p95_latency_ms: number | null;
  passed: string;
  gated: string;
  escalations: string;
  errors: string;
  abandoned: string;
  started: string;
}

const isLocalTier = (tier: string): boolean => tier !== 'api';

interface KeptRow {
  day: string;
  results: string;
  cost_micro_usd: string;
  input_tokens: string;
  output_tokens: string;
  cached_input_tokens: string;
  cache_write_tokens: string;
  reasoning_tokens: string;
}

/** The report's numbers from rollup rows (pure; exported for tests). */
export const buildReportRows = (rows: RollupRow[], referencePrice: ModelPrice, localEnergyPerMTok: number): CostReportRow[] =>
  rows.map((row) => {
    const usage = {
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cachedInputTokens: Number(row.cached_input_tokens),
      cacheWriteTokens: Number(row.cache_write_tokens),
      reasoningTokens: Number(row.reasoning_tokens),
    };
    const latencyCount = Number(row.latency_count);
    // A call that ended counts: passed, failed the gate, errored or was abandoned; calls still in flight do not (yet).
    const ended = Number(row.calls) - Number(row.started ?? 0);
    return {
      day: row.day,
      provider: row.provider,
      model: row.model,
      tier: row.tier,
      tenant: row.tenant,
      calls: Number(row.calls),
      ...usage,
      costMicro: Number(row.cost_micro_usd),
      energyMicro: isLocalTier(row.tier) && localEnergyPerMTok > 0 ? picoToMicroHalfUp(BigInt(usage.inputTokens + usage.outputTokens) * picoPerToken(localEnergyPerMTok)) : 0,
      meanLatencyMs: latencyCount > 0 ? Number(row.latency_sum_ms) / latencyCount : undefined,
      p95LatencyMs: row.p95_latency_ms ?? undefined,
      passRate: ended > 0 ? Number(row.passed) / ended : undefined,
      escalations: Number(row.escalations),
      errors: Number(row.errors ?? 0),
      abandoned: Number(row.abandoned ?? 0),
      started: Number(row.started ?? 0),
      referenceCostMicro: settledCostMicro(usage, referencePrice),
    };
  });

/** `…+batch:0.5` → 0.5 (the share of the interactive price a batch call was billed at). */
const batchShareOf = (priceVersion: string): number | undefined => {
  const share = Number(/\+batch:([0-9.]+)/.exec(priceVersion)?.[1]);
  return share > 0 ? share : undefined;
};

/**
 * The batch lever of one day: calls started on it that were billed at a provider batch price
 * (answered, or charged something), their cost, the same calls at the interactive price of
 * their model, and the parked calls that fell back to interactive calls near their deadline.
 */
const TOKENED = 'input_tokens IS NOT NULL AND output_tokens IS NOT NULL';

const batchLever = async (options: CostReportOptions, start: Date, end: Date): Promise<BatchLeverFigures> => {
  const groups = (
    await options.db.query<{
      provider: string;
      model: string;
      price_version: string;
      calls: string;
      cost_micro_usd: string;
      input_tokens: string;
      output_tokens: string;
      cached_input_tokens: string;
      cache_write_tokens: string;
      reasoning_tokens: string;
      untokened_cost: string;
    }>(
      `SELECT provider, model, price_version, count(*) AS calls, coalesce(sum(cost_micro_usd), 0) AS cost_micro_usd,
            coalesce(sum(input_tokens) FILTER (WHERE ${TOKENED}), 0) AS input_tokens, coalesce(sum(output_tokens) FILTER (WHERE ${TOKENED}), 0) AS output_tokens,
            coalesce(sum(cached_input_tokens) FILTER (WHERE ${TOKENED}), 0) AS cached_input_tokens,
            coalesce(sum(cache_write_tokens) FILTER (WHERE ${TOKENED}), 0) AS cache_write_tokens,
            coalesce(sum(reasoning_tokens) FILTER (WHERE ${TOKENED}), 0) AS reasoning_tokens,
            coalesce(sum(cost_micro_usd) FILTER (WHERE input_tokens IS NULL OR output_tokens IS NULL), 0) AS untokened_cost
       FROM attempts
       WHERE price_version LIKE '%+batch:%' AND (outcome IN ('passed', 'failed-gate') OR cost_micro_usd > 0)
         AND started_at >= $1 AND started_at < $2
       GROUP BY provider, model, price_version`,
      [start, end],
    )
  ).rows;
  let calls = 0;
  let costMicro = 0;
  let interactiveCostMicro = 0;
  for (const group of groups) {
    const cost = Number(group.cost_micro_usd);
    const untokened = Number(group.untokened_cost);
    const share = batchShareOf(group.price_version) ?? 1;
    const price = options.catalog.find(group.provider, group.model, start)?.price;
    calls += Number(group.calls);
    costMicro += cost;
    interactiveCostMicro += price
      ? settledCostMicro(
          {
            inputTokens: Number(group.input_tokens),
            outputTokens: Number(group.output_tokens),
            cachedInputTokens: Number(group.cached_input_tokens),
            cacheWriteTokens: Number(group.cache_write_tokens),
            reasoningTokens: Number(group.reasoning_tokens),
          },
          price,
        ) + Math.round(untokened / share)
      : Math.round(cost / share);
  }
  const fellBack = await options.db.query<{ n: string }>(`SELECT count(*) AS n FROM provider_batch_items WHERE status = 'fallback' AND ended_at >= $1 AND ended_at < $2`, [
    start,
    end,
  ]);
  return { calls, costMicro, interactiveCostMicro, savingsMicro: interactiveCostMicro - costMicro, fellBack: Number(fellBack.rows[0]?.n ?? 0) };
};

const sum = (rows: CostReportRow[], pick: (row: CostReportRow) => number): number => rows.reduce((total, row) => total + pick(row), 0);

/**
 * The nightly cost report for one day: refreshes the rollup (only days not yet rolled
 * up, and the target day), reads the day and the trailing window from it, stores the
 * report in `cost_reports` and writes Markdown, CSV and HTML to `outputDir`.
 *
 * Savings compare the results kept on the day with the same results on the pure-API
 * baseline: each kept answer's tokens priced at the reference model (cache and reasoning
 * kinds at its own rates), against what every call of those jobs cost here (failed
 * attempts included). Jobs that ended without a result (review, failed, rejected) are
 * counted apart with what their calls cost; they save nothing. A row's `baseline` is its
 * own tokens at the reference price. Pass rates count every call that ended, errors and
 * abandoned calls included; calls still `started` are shown, not counted.
 */
export const generateCostReport = async (options: CostReportOptions): Promise<CostReportResult> => {
  const windowDays = options.windowDays ?? 30;
  const day = DateTime.fromISO(options.date, { zone: options.timezone });
  if (!day.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(options.date)) throw new RangeError(`report date must be YYYY-MM-DD, got ${options.date}`);
  const rolledUpDays = await refreshRollup(options.db, options.date, options.timezone, windowDays);
  const referencePrice = options.catalog.priceAt(options.referenceModel.provider, options.referenceModel.model, day.toJSDate()).price;

  const windowStart = day.minus({ days: windowDays - 1 }).toISODate()!;
  const windowRows = (
    await options.db.query<RollupRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, provider, model, tier, tenant, calls, input_tokens, output_tokens, cached_input_tokens,
       cache_write_tokens, reasoning_tokens, cost_micro_usd, latency_sum_ms, latency_count, p95_latency_ms, passed, gated, escalations,
       errors, abandoned, started
     FROM cost_report_rollup WHERE day >= $1::date AND day <= $2::date ORDER BY day, tier, provider, model, tenant`,
      [windowStart, options.date],
    )
  ).rows;
  const all = buildReportRows(windowRows, referencePrice, options.catalog.localEnergyPerMTok);
  const rows = all.filter((row) => row.day === options.date);

  const costMicro = sum(rows, (row) => row.costMicro);
  const calls = sum(rows, (row) => row.calls);
  const started = sum(rows, (row) => row.started);
  const passedCount = windowRows.filter((row) => row.day === options.date).reduce((total, row) => total + Number(row.passed), 0);

  // The results kept per day of the window (jobs that ended succeeded): the cost of every call
  // of those jobs, and the same answers' tokens priced at the reference API model.
  const bounds = {
    start: day
      .minus({ days: windowDays - 1 })
      .startOf('day')
      .toJSDate(),
    end: day.plus({ days: 1 }).startOf('day').toJSDate(),
  };
  const kept = (
    await options.db.query<KeptRow>(
      `SELECT to_char((j.finished_at AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day, count(*) AS results,
            coalesce(sum(c.cost), 0) AS cost_micro_usd,
            coalesce(sum(k.input_tokens), 0) AS input_tokens, coalesce(sum(k.output_tokens), 0) AS output_tokens,
            coalesce(sum(k.cached_input_tokens), 0) AS cached_input_tokens, coalesce(sum(k.cache_write_tokens), 0) AS cache_write_tokens,
            coalesce(sum(k.reasoning_tokens), 0) AS reasoning_tokens
     FROM jobs j
     JOIN results r ON r.job_id = j.id
     LEFT JOIN attempts k ON k.attempt_id = r.attempt_id AND k.job_id = coalesce(r.cached_from, j.id)
     LEFT JOIN LATERAL (SELECT coalesce(sum(a.cost_micro_usd), 0) AS cost FROM attempts a WHERE a.job_id = j.id) c ON true
     WHERE j.state = 'succeeded' AND j.finished_at >= $1 AND j.finished_at < $2
     GROUP BY 1`,
      [bounds.start, bounds.end, options.timezone],
    )
  ).rows;
  const keptOf = (date: string) => {
    const row = kept.find((item) => item.day === date);
    if (!row) return { results: 0, costMicro: 0, referenceCostMicro: 0 };
    const usage = {
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cachedInputTokens: Number(row.cached_input_tokens),
      cacheWriteTokens: Number(row.cache_write_tokens),
      reasoningTokens: Number(row.reasoning_tokens),
    };
    return { results: Number(row.results), costMicro: Number(row.cost_micro_usd), referenceCostMicro: settledCostMicro(usage, referencePrice) };
  };
  const { start: dayStart, end: dayEnd } = { start: day.startOf('day').toJSDate(), end: day.plus({ days: 1 }).startOf('day').toJSDate() };
  const without = (
    await options.db.query<{ state: string; jobs: string; cost_micro_usd: string }>(
      `SELECT j.state, count(*) AS jobs, coalesce(sum(c.cost), 0) AS cost_micro_usd
     FROM jobs j
     LEFT JOIN LATERAL (SELECT coalesce(sum(a.cost_micro_usd), 0) AS cost FROM attempts a WHERE a.job_id = j.id) c ON true
     WHERE j.state IN ('review', 'failed', 'rejected') AND j.finished_at >= $1 AND j.finished_at < $2
     GROUP BY j.state`,
      [dayStart, dayEnd],
    )
  ).rows;
  const keptToday = keptOf(options.date);
  // The levers: the day's kept results by how they were produced — answered from the response cache
  // (no call; a cached answer's tokens are its source attempt's), kept on a local tier, kept on api —
  // each against the same answers at the reference price; and the starts adaptive routing moved.
  const leverRows = (
    await options.db.query<KeptRow & { lever: string; adaptive_moved: string; adaptive_saving: string }>(
      `SELECT CASE WHEN r.cached_from IS NOT NULL THEN 'cache' WHEN r.tier <> 'api' THEN 'local' ELSE 'api' END AS lever,
            '' AS day, count(*) AS results, coalesce(sum(c.cost), 0) AS cost_micro_usd,
            coalesce(sum(k.input_tokens), 0) AS input_tokens, coalesce(sum(k.output_tokens), 0) AS output_tokens,
            coalesce(sum(k.cached_input_tokens), 0) AS cached_input_tokens, coalesce(sum(k.cache_write_tokens), 0) AS cache_write_tokens,
            coalesce(sum(k.reasoning_tokens), 0) AS reasoning_tokens,
            count(j.adaptive_saving_micro_usd) AS adaptive_moved, coalesce(sum(j.adaptive_saving_micro_usd), 0) AS adaptive_saving
     FROM jobs j
     JOIN results r ON r.job_id = j.id
     LEFT JOIN attempts k ON k.attempt_id = r.attempt_id AND k.job_id = coalesce(r.cached_from, j.id)
     LEFT JOIN LATERAL (SELECT coalesce(sum(a.cost_micro_usd), 0) AS cost FROM attempts a WHERE a.job_id = j.id) c ON true
     WHERE j.state = 'succeeded' AND j.finished_at >= $1 AND j.finished_at < $2
     GROUP BY 1`,
      [day.startOf('day').toJSDate(), day.plus({ days: 1 }).startOf('day').toJSDate()],
    )
  ).rows;
  const lever = (name: string) => {
    const row = leverRows.find((item) => item.lever === name);
    if (!row) return { results: 0, costMicro: 0, referenceCostMicro: 0, savingsMicro: 0 };
    const usage = {
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cachedInputTokens: Number(row.cached_input_tokens),
      cacheWriteTokens: Number(row.cache_write_tokens),
      reasoningTokens: Number(row.reasoning_tokens),
    };
    const referenceCostMicro = settledCostMicro(usage, referencePrice);
    const costMicro = Number(row.cost_micro_usd);
    return { results: Number(row.results), costMicro, referenceCostMicro, savingsMicro: referenceCostMicro - costMicro };
  };
  const levers = {
    local: lever('local'),
    cache: lever('cache'),
    api: lever('api'),
    adaptive: {
      movedJobs: leverRows.reduce((total, row) => total + Number(row.adaptive_moved), 0),
      expectedSavingsMicro: leverRows.reduce((total, row) => total + Number(row.adaptive_saving), 0),
    },
    batch: await batchLever(options, day.startOf('day').toJSDate(), day.plus({ days: 1 }).startOf('day').toJSDate()),
  };
  const withoutResult = without.reduce((total, row) => total + Number(row.jobs), 0);

  const days = Array.from({ length: windowDays }, (_, index) => {
    const date = day.minus({ days: windowDays - 1 - index }).toISODate()!;
    const ofDay = all.filter((row) => row.day === date);
    return { day: date, calls: sum(ofDay, (row) => row.calls), costMicro: sum(ofDay, (row) => row.costMicro), referenceCostMicro: keptOf(date).referenceCostMicro };
  });

  const savingsMicro = keptToday.referenceCostMicro - keptToday.costMicro;
  const report: CostReport = {
    date: options.date,
    timezone: options.timezone,
    priceVersion: options.catalog.version,
    referenceModel: options.referenceModel,
    rows,
    totals: {
      calls,
      costMicro,
      referenceCostMicro: keptToday.referenceCostMicro,
      savingsMicro,
      savingsShare: keptToday.referenceCostMicro > 0 ? savingsMicro / keptToday.referenceCostMicro : undefined,
      passRate: calls - started > 0 ? passedCount / (calls - started) : undefined,
      escalations: sum(rows, (row) => row.escalations),
      energyMicro: sum(rows, (row) => row.energyMicro),
      errors: sum(rows, (row) => row.errors),
      abandoned: sum(rows, (row) => row.abandoned),
      started,
      jobs: {
        ended: keptToday.results + withoutResult,
        withResult: keptToday.results,
        keptCostMicro: keptToday.costMicro,
        withoutResult,
        withoutResultByState: Object.fromEntries(without.map((row) => [row.state, Number(row.jobs)])),
        withoutResultCostMicro: without.reduce((total, row) => total + Number(row.cost_micro_usd), 0),
      },
      levers,
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
