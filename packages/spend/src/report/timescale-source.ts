import type { Queryable } from '../queryable';

export type ReportSource = 'continuous-aggregate' | 'rollup-table';

/**
 * Continuous aggregate of `attempts` for TimescaleDB (a migration runs it only when the
 * extension is present and `attempts` is a hypertable). Buckets are UTC days, so with
 * another report time zone the rollup table is used instead. p95 is not additive, so
 * the report computes it per day from `attempts` (one indexed day) on this path.
 * Not runnable on the plain-Postgres CI here; the branch choice is unit-tested.
 */
export const TIMESCALE_CONTINUOUS_AGGREGATE_SQL = `
CREATE MATERIALIZED VIEW IF NOT EXISTS cost_report_daily
WITH (timescaledb.continuous) AS
SELECT time_bucket(INTERVAL '1 day', started_at) AS day, provider, model, tier, tenant,
  count(*) AS calls,
  sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
  sum(cached_input_tokens) AS cached_input_tokens, sum(cache_write_tokens) AS cache_write_tokens,
  sum(reasoning_tokens) AS reasoning_tokens, sum(cost_micro_usd) AS cost_micro_usd,
  sum(latency_ms) AS latency_sum_ms, count(latency_ms) AS latency_count,
  count(*) FILTER (WHERE outcome = 'passed') AS passed,
  count(*) FILTER (WHERE outcome IN ('passed', 'failed-gate')) AS gated,
  count(*) FILTER (WHERE outcome = 'failed-gate') AS escalations
FROM attempts
GROUP BY 1, provider, model, tier, tenant
WITH NO DATA;
SELECT add_continuous_aggregate_policy('cost_report_daily',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 hour',
  if_not_exists => true);
`;

/** Which source the report reads: the continuous aggregate when TimescaleDB is installed, `attempts` is a hypertable and days are UTC; else the rollup table. */
export const chooseReportSource = async (db: Queryable, timezone: string): Promise<ReportSource> => {
  if (timezone !== 'UTC') return 'rollup-table';
  const extension = await db.query<{ present: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS present`);
  if (!extension.rows[0]?.present) return 'rollup-table';
  const hypertable = await db.query<{ present: boolean }>(`SELECT EXISTS (SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'attempts') AS present`);
  return hypertable.rows[0]?.present ? 'continuous-aggregate' : 'rollup-table';
};
