/**
 * Cost-report benchmark on plain PostgreSQL: synthetic attempt rows in a fresh
 * database, then the nightly report (incremental rollup + render) against a naive
 * baseline (GROUP BY over `attempts` for the same 30-day window), median of 3 each.
 *
 *   npx tsx bench/cost-report.ts --rows 1000000 [--days 60] [--url postgres://postgres@127.0.0.1:5432/postgres]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createDb, migrate } from '@eaio/db';
import { aggregateAttemptsSql, createPriceCatalog, dayBounds, generateCostReport } from '@eaio/spend';

const flag = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
};
const rows = Number(flag('rows', '1000000'));
const spanDays = Number(flag('days', '60'));
const adminUrl = flag('url', 'postgres://postgres@127.0.0.1:5432/postgres');
const reportDate = '2025-06-30';
const windowDays = 30;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const time = async (work: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

const database = `eaio_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
const url = new URL(adminUrl);
url.pathname = `/${database}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });

try {
  // The real schema (migrations); attempts' indexes are dropped for the bulk load and
  // the one the report needs (started_at) is built afterwards.
  await migrate(createDb(pool));
  await pool.query('DROP INDEX attempts_started_at, attempts_job, attempts_batch');
  const firstDay = `${reportDate}T23:59:59Z`;
  console.log(`generating ${rows.toLocaleString('en')} attempt rows over ${spanDays} days in ${database} …`);
  const generate = await time(async () => {
    const chunk = 1_000_000;
    for (let offset = 0; offset < rows; offset += chunk) {
      const count = Math.min(chunk, rows - offset);
      await pool.query(`SET synchronous_commit = off`);
      await pool.query(
        `INSERT INTO attempts (attempt_id, job_id, batch_id, endpoint, tenant, tier, provider, model, started_at, latency_ms, input_tokens, output_tokens,
           cached_input_tokens, cache_write_tokens, reasoning_tokens, cost_micro_usd, outcome)
         SELECT 'a' || g, 'j' || (g / 2), 'b' || (g / 1000), 'bench', 'tenant-' || (g % 5),
           CASE WHEN g % 20 < 12 THEN 'local-fast' WHEN g % 20 < 17 THEN 'local-quality' ELSE 'api' END,
           CASE WHEN g % 20 < 17 THEN 'ollama' WHEN g % 3 = 0 THEN 'openai' WHEN g % 3 = 1 THEN 'deepseek' ELSE 'anthropic' END,
           CASE WHEN g % 20 < 12 THEN 'llama3.2:3b' WHEN g % 20 < 17 THEN 'qwen2.5:7b-instruct'
                WHEN g % 3 = 0 THEN 'gpt-4o-mini' WHEN g % 3 = 1 THEN 'deepseek-chat' ELSE 'claude-3-5-haiku-latest' END,
           $2::timestamptz - ((g * 7919) % ($3::bigint * 86400)) * INTERVAL '1 second',
           200 + (g * 31) % 4000, 800 + (g * 17) % 2000, 100 + (g * 13) % 900,
           CASE WHEN g % 4 = 0 THEN (g * 7) % 500 ELSE 0 END, 0, CASE WHEN g % 10 = 0 THEN (g * 3) % 200 ELSE 0 END,
           CASE WHEN g % 20 < 17 THEN 0 ELSE 300 + (g * 11) % 3000 END,
           CASE WHEN g % 10 < 7 THEN 'passed' WHEN g % 10 < 9 THEN 'failed-gate' ELSE 'error' END
         FROM generate_series($1::bigint, $1::bigint + $4::bigint - 1) AS g`,
        [offset, firstDay, spanDays, count],
      );
      process.stdout.write(`  ${(offset + count).toLocaleString('en')}\r`);
    }
    await pool.query('CREATE INDEX attempts_started_at ON attempts (started_at)');
    await pool.query('ANALYZE attempts');
  });
  console.log(`generated + indexed in ${(generate / 1000).toFixed(1)} s`);

  const catalog = createPriceCatalog();
  const reportOptions = { timezone: 'UTC', db: pool, catalog, referenceModel: { provider: 'openai', model: 'gpt-4o-mini' }, windowDays };
  // First run: the rollup is empty, so all 30 days are aggregated once (what a fresh install pays once).
  const firstRun = await time(() => generateCostReport({ ...reportOptions, date: '2025-06-29' }));
  const nightly: number[] = [];
  for (let run = 0; run < 3; run += 1) nightly.push(await time(() => generateCostReport({ ...reportOptions, date: reportDate })));

  const { start } = dayBounds('2025-06-01', 'UTC');
  const { end } = dayBounds(reportDate, 'UTC');
  const naive: number[] = [];
  for (let run = 0; run < 3; run += 1) {
    naive.push(
      await time(() =>
        pool.query(aggregateAttemptsSql(`date_trunc('day', started_at AT TIME ZONE 'UTC')::date AS day,`).replace('GROUP BY provider', 'GROUP BY 1, provider'), [start, end]),
      ),
    );
  }
  const dayRows = Number((await pool.query('SELECT sum(calls) AS n FROM cost_report_rollup WHERE day = $1', [reportDate])).rows[0].n);
  console.log(`\nrows: ${rows.toLocaleString('en')} (${dayRows.toLocaleString('en')} on the report day), window ${windowDays} days`);
  console.log(`first report (rolls up ${windowDays} days):   ${(firstRun / 1000).toFixed(2)} s`);
  console.log(`nightly report (rollup + render), median of 3: ${(median(nightly) / 1000).toFixed(2)} s  [${nightly.map((value) => (value / 1000).toFixed(2)).join(', ')}]`);
  console.log(`naive GROUP BY over attempts (30 days), median of 3: ${(median(naive) / 1000).toFixed(2)} s  [${naive.map((value) => (value / 1000).toFixed(2)).join(', ')}]`);
  console.log(`naive / nightly: ${(median(naive) / median(nightly)).toFixed(1)}x`);
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
}
