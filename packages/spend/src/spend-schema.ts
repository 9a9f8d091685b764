import type { Queryable } from './queryable';

/**
 * Tables the spend package owns, as idempotent DDL. Until `@eaio/db` carries them as
 * drizzle schema + a migration, `ensureSpendSchema` creates them (in the connection's
 * `search_path`); the shapes here are the contract for that migration.
 */
export const SPEND_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS spend_ledger (
  attempt_id text PRIMARY KEY,
  job_id text NOT NULL,
  batch_id text NOT NULL,
  tenant text NOT NULL,
  tier text NOT NULL,
  provider text NOT NULL,
  endpoint text NOT NULL,
  model text NOT NULL,
  -- billed: usage known | unbilled: provider returned an error status (charged 0)
  -- | unknown: outcome unknown (timeout, abort; charged the worst case)
  -- | abandoned: worker vanished, reservation expired (charged the worst case)
  kind text NOT NULL,
  input_tokens integer,
  output_tokens integer,
  cached_input_tokens integer,
  cache_write_tokens integer,
  reasoning_tokens integer,
  cost_micro_usd bigint NOT NULL,
  reserved_micro_usd bigint NOT NULL,
  price_version text NOT NULL,
  priced_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS spend_ledger_priced_at ON spend_ledger (priced_at);

CREATE TABLE IF NOT EXISTS budget_reservations (
  attempt_id text PRIMARY KEY,
  job_id text NOT NULL,
  batch_id text NOT NULL,
  tenant text NOT NULL,
  tier text NOT NULL,
  provider text NOT NULL,
  endpoint text NOT NULL,
  model text NOT NULL,
  amount_micro_usd bigint NOT NULL,
  -- [{ "scope": "...", "period": "..." }, ...]: the counters this reservation holds
  counter_keys jsonb NOT NULL,
  price jsonb NOT NULL,
  price_version text NOT NULL,
  priced_at timestamptz NOT NULL,
  -- open | settled | released | abandoned
  status text NOT NULL DEFAULT 'open',
  expires_at timestamptz NOT NULL,
  closed_at timestamptz
);
CREATE INDEX IF NOT EXISTS budget_reservations_open ON budget_reservations (expires_at) WHERE status = 'open';

CREATE TABLE IF NOT EXISTS budget_counters (
  scope text NOT NULL,
  period text NOT NULL,
  spent_micro_usd bigint NOT NULL DEFAULT 0,
  reserved_micro_usd bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, period)
);

CREATE TABLE IF NOT EXISTS budget_alerts (
  scope text NOT NULL,
  period text NOT NULL,
  used_share double precision NOT NULL,
  fired_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, period)
);
`;

export const ensureSpendSchema = async (db: Queryable): Promise<void> => {
  await db.query(SPEND_SCHEMA_SQL);
};
