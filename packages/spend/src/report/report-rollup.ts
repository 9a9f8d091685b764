import { DateTime } from 'luxon';
import { inTransaction, type TransactionalDb } from '../queryable';

/** `[start, end)` of a calendar day in a time zone, as instants. */
export const dayBounds = (day: string, timezone: string): { start: Date; end: Date } => {
  const start = DateTime.fromISO(day, { zone: timezone });
  if (!start.isValid) throw new RangeError(`invalid day ${day} or time zone ${timezone}`);
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
};

/**
 * The per-day × provider × model × tier × tenant aggregate of `attempts`, for rows
 * started in `[start, end)`. `escalations` counts attempts that failed the quality gate
 * (the pipeline always moves such a job on); `gated` counts attempts the gate judged;
 * `errors`, `abandoned` and `started` count calls that ended in an error, whose worker
 * vanished, and that were still in flight (the column order is the table's, migration 0006).
 */
export const aggregateAttemptsSql = (select: string): string => `
  SELECT ${select}
    provider, model, tier, tenant,
    count(*) AS calls,
    coalesce(sum(input_tokens), 0) AS input_tokens,
    coalesce(sum(output_tokens), 0) AS output_tokens,
    coalesce(sum(cached_input_tokens), 0) AS cached_input_tokens,
    coalesce(sum(cache_write_tokens), 0) AS cache_write_tokens,
    coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens,
    coalesce(sum(cost_micro_usd), 0) AS cost_micro_usd,
    coalesce(sum(latency_ms), 0) AS latency_sum_ms,
    count(latency_ms) AS latency_count,
    percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95_latency_ms,
    count(*) FILTER (WHERE outcome = 'passed') AS passed,
    count(*) FILTER (WHERE outcome IN ('passed', 'failed-gate')) AS gated,
    count(*) FILTER (WHERE outcome = 'failed-gate') AS escalations,
    count(*) FILTER (WHERE outcome = 'error') AS errors,
    count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
    count(*) FILTER (WHERE outcome = 'started') AS started
  FROM attempts
  WHERE started_at >= $1 AND started_at < $2
  GROUP BY provider, model, tier, tenant`;

/** Recomputes one day of the rollup (delete + insert in one transaction's worth of statements). */
export const rollUpDay = (db: TransactionalDb, day: string, timezone: string): Promise<void> =>
  inTransaction(db, async (client) => {
    const { start, end } = dayBounds(day, timezone);
    await client.query('DELETE FROM cost_report_rollup WHERE day = $1::date', [day]);
    await client.query(`INSERT INTO cost_report_rollup ${aggregateAttemptsSql('$3::date AS day,')}`, [start, end, day]);
    await client.query(`INSERT INTO cost_report_days (day, timezone) VALUES ($1, $2) ON CONFLICT (day, timezone) DO UPDATE SET rolled_up_at = now()`, [day, timezone]);
  });

/**
 * Keeps the rollup current for the window ending at `day`: days not rolled up yet are
 * aggregated once; `day` itself is always recomputed (late attempts). Days already
 * rolled up are not touched, so a nightly run reads one day of `attempts`.
 * Returns the days it aggregated.
 */
export const refreshRollup = async (db: TransactionalDb, day: string, timezone: string, windowDays: number): Promise<string[]> => {
  const target = DateTime.fromISO(day, { zone: timezone });
  const window = Array.from({ length: windowDays }, (_, index) => target.minus({ days: windowDays - 1 - index }).toISODate()!);
  const done = new Set(
    (
      await db.query<{ day: string }>(`SELECT to_char(day, 'YYYY-MM-DD') AS day FROM cost_report_days WHERE timezone = $1 AND day >= $2::date AND day <= $3::date`, [
        timezone,
        window[0],
        day,
      ])
    ).rows.map((row) => row.day),
  );
  const todo = window.filter((item) => item === day || !done.has(item));
  for (const item of todo) await rollUpDay(db, item, timezone);
  return todo;
};
