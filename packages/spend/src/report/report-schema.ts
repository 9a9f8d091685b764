import type { Queryable } from '../queryable';

/**
 * The columns of `attempts` (owned by `@eaio/db`) the cost report reads. This DDL is
 * only the contract, used by tests and `bench/cost-report.ts`; the real table comes
 * from the db package's migration and needs an index on `started_at`.
 */
export const REPORT_ATTEMPTS_SOURCE_SQL = `
CREATE TABLE IF NOT EXISTS attempts (
  attempt_id text PRIMARY KEY,
  job_id text NOT NULL,
  tenant text NOT NULL,
  tier text NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  started_at timestamptz NOT NULL,
  latency_ms integer,
  input_tokens integer,
  output_tokens integer,
  cached_input_tokens integer,
  cache_write_tokens integer,
  reasoning_tokens integer,
  cost_micro_usd bigint NOT NULL DEFAULT 0,
  -- passed | failed-gate | error
  outcome text NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_started_at ON attempts (started_at);
`;

/** Tables the report keeps: the daily rollup, which days it holds, and the stored reports. */
export const REPORT_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS cost_report_rollup (
  day date NOT NULL,
  provider text NOT NULL,
  model text NOT NULL,
  tier text NOT NULL,
  tenant text NOT NULL,
  calls bigint NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cached_input_tokens bigint NOT NULL,
  cache_write_tokens bigint NOT NULL,
  reasoning_tokens bigint NOT NULL,
  cost_micro_usd bigint NOT NULL,
  latency_sum_ms bigint NOT NULL,
  latency_count bigint NOT NULL,
  p95_latency_ms double precision,
  passed bigint NOT NULL,
  gated bigint NOT NULL,
  escalations bigint NOT NULL,
  PRIMARY KEY (day, provider, model, tier, tenant)
);
CREATE TABLE IF NOT EXISTS cost_report_days (
  day date NOT NULL,
  timezone text NOT NULL,
  rolled_up_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (day, timezone)
);
CREATE TABLE IF NOT EXISTS cost_reports (
  report_date date NOT NULL,
  timezone text NOT NULL,
  generated_at timestamptz NOT NULL DEFAULT now(),
  price_version text NOT NULL,
  summary jsonb NOT NULL,
  rows jsonb NOT NULL,
  markdown text NOT NULL,
  PRIMARY KEY (report_date, timezone)
);
`;

export const ensureReportSchema = async (db: Queryable): Promise<void> => {
  await db.query(REPORT_SCHEMA_SQL);
};
