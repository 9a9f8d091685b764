/**
 * Repair before escalation: the rehearsal workload (the demo portfolio `npm start --rehearse`
 * generates, 24 buildings, seed 1) with every analysis type with local answers failing the quality gate at configured
 * rates, run with 0, 1, 2 … repairs per tier (`quality.repairsPerTier`), side by side.
 *
 *   npx tsx bench/repair-escalation.ts [--buildings 24] [--fail 0.3,0.5] [--repairs 0,1,2] [--seed 1] [--analysis a,b,c]
 *
 * Each run: a fresh PostgreSQL database and Redis prefix, the built-in emulator (instant,
 * timeScale 0) behind the real SDKs, the real tier workers (`composeWorkers`), the same
 * portfolio submitted twice — once PRIVATE (local tiers only; a retrofit plan's chain is
 * local-quality alone), once ENHANCED (local first, the api tier when the gate fails). Local models answer wrongly at the `--fail` rate (70 %
 * wrong figures, 15 % not JSON, 15 % missing sections); the api models keep the rehearsal's
 * api preset (98 % grounded). The emulator draws every answer afresh, repairs included: it
 * does not read the repair prompt, so the figures are what a repair buys when a model fixes
 * nothing on purpose (a lower bound for a model that reads what the gate found).
 *
 * Figures per run, from Postgres rows: jobs, in review (PRIVATE / ENHANCED), succeeded,
 * local calls, repair calls (attempts.repair_kind), api calls, spend (sum of the attempts'
 * integer micro-USD at the catalog's prices), wall time.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger, loadConfig, type PrivacyLevel } from '@eaio/core';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { generatePortfolio } from '@eaio/energy';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { startRehearsal } from '../apps/producer/src/rehearsal';
import { openRuntime } from '../apps/producer/src/runtime';
import { closeBenchRun, createBenchDatabase } from './bench-database';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const BUILDINGS = Number(argument('buildings') ?? 24);
const FAIL_RATES = (argument('fail') ?? '0.3,0.5').split(',').map(Number);
const REPAIRS = (argument('repairs') ?? '0,1,2').split(',').map(Number);
const SEED = Number(argument('seed') ?? 1);
const ANALYSES = argument('analysis') ?? 'data-quality-triage,building-diagnostic,retrofit-plan';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

interface RunResult {
  failRate: number;
  repairs: number;
  jobs: number;
  reviewPrivate: number;
  reviewEnhanced: number;
  succeeded: number;
  localCalls: number;
  repairCalls: number;
  apiCalls: number;
  spendMicroUsd: number;
  wallMs: number;
}

const run = async (failRate: number, repairs: number, files: { meter: string; metadata: string; weather: string }): Promise<RunResult> => {
  const { database, url } = await createBenchDatabase('eaio_bench');
  const base = loadConfig({ env: {} });
  const wrong = { grounded: 1 - failRate, hallucination: failRate * 0.7, invalidJson: failRate * 0.15, missingSections: failRate * 0.15 };
  const models = {
    ...Object.fromEntries(base.tiers['local-fast'].candidates.map((candidate) => [candidate.model, withBehaviour(PRESETS.local3b, { answers: wrong })])),
    ...Object.fromEntries(base.tiers['local-quality'].candidates.map((candidate) => [candidate.model, withBehaviour(PRESETS.local7b, { answers: wrong })])),
  };
  const rehearsal = await startRehearsal(base, { timeScale: 0, models, seed: SEED });
  let runtime: Awaited<ReturnType<typeof openRuntime>> | undefined;
  let workers: Awaited<ReturnType<typeof composeWorkers>> | undefined;
  try {
    const config = loadConfig({
      env: {
        ...rehearsal.env,
        REDIS_URL,
        DATABASE_URL: url.toString(),
        LOG_LEVEL: 'error',
        QUALITY_REPAIRS_PER_TIER: String(repairs),
        LLM_DAILY_BUDGET: '100',
        LLM_MONTHLY_BUDGET: '1000',
      },
      overrides: { retries: { backoffBaseMs: 20, backoffMaxMs: 200 } },
    });
    runtime = await openRuntime({ config, log: createLogger({ level: 'error', name: 'bench' }), namespace: `bench${randomUUID().slice(0, 8)}` });
    const started = performance.now();
    const batchIds: string[] = [];
    for (const privacy of ['PRIVATE', 'ENHANCED'] as PrivacyLevel[]) {
      const submitted = await runSubmit(
        runtime,
        { meter: [files.meter], metadata: files.metadata, weather: files.weather, privacy, tenant: privacy.toLowerCase(), progress: false, simulated: true, analysis: ANALYSES },
        quiet,
      );
      batchIds.push(submitted.batchId);
    }
    workers = await composeWorkers(runtime, { idlePollMs: 5 });
    const pool = runtime.database.pool;
    for (;;) {
      const open = await pool.query('SELECT count(*)::int AS n FROM batches WHERE id = ANY($1) AND status <> $2', [batchIds, 'done']);
      if (open.rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const wallMs = performance.now() - started;
    const jobs = (await pool.query('SELECT privacy, state, count(*)::int AS n FROM jobs WHERE batch_id = ANY($1) GROUP BY privacy, state', [batchIds])).rows as {
      privacy: string;
      state: string;
      n: number;
    }[];
    const calls = (
      await pool.query(
        `SELECT count(*) FILTER (WHERE tier <> 'api')::int AS local, count(*) FILTER (WHERE tier = 'api')::int AS api,
              count(*) FILTER (WHERE repair_kind IS NOT NULL)::int AS repairs, coalesce(sum(cost_micro_usd), 0)::bigint AS spend
       FROM attempts WHERE batch_id = ANY($1)`,
        [batchIds],
      )
    ).rows[0];
    const count = (state: string, privacy?: string) =>
      jobs.filter((row) => row.state === state && (privacy === undefined || row.privacy === privacy)).reduce((sum, row) => sum + row.n, 0);
    return {
      failRate,
      repairs,
      jobs: jobs.reduce((sum, row) => sum + row.n, 0),
      reviewPrivate: count('review', 'PRIVATE'),
      reviewEnhanced: count('review', 'ENHANCED'),
      succeeded: count('succeeded'),
      localCalls: calls.local,
      repairCalls: calls.repairs,
      apiCalls: calls.api,
      spendMicroUsd: Number(calls.spend),
      wallMs,
    };
  } finally {
    await closeBenchRun({ workers, runtime, rehearsal, database });
  }
};

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eaio-bench-repair-'));
  try {
    const portfolio = await generatePortfolio({ buildings: BUILDINGS, outDir: join(dir, 'portfolio'), seed: 1 });
    const results: RunResult[] = [];
    for (const failRate of FAIL_RATES) {
      for (const repairs of REPAIRS) {
        const result = await run(failRate, repairs, portfolio.files);
        results.push(result);
        process.stderr.write(`done: local fail ${failRate}, repairs ${repairs} (${(result.wallMs / 1000).toFixed(1)} s)\n`);
      }
    }
    const header = ['local fail rate', 'repairs/tier', 'jobs', 'review PRIVATE', 'review ENHANCED', 'succeeded', 'local calls', 'repair calls', 'api calls', 'spend USD', 'wall s'];
    const rows = results.map((r) => [
      r.failRate.toFixed(2),
      String(r.repairs),
      String(r.jobs),
      String(r.reviewPrivate),
      String(r.reviewEnhanced),
      String(r.succeeded),
      String(r.localCalls),
      String(r.repairCalls),
      String(r.apiCalls),
      (r.spendMicroUsd / 1e6).toFixed(4),
      (r.wallMs / 1000).toFixed(1),
    ]);
    const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
    const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padStart(widths[column])).join(' | ')} |`;
    process.stdout.write(`\nRepair before escalation: ${BUILDINGS} buildings × ${ANALYSES}, submitted PRIVATE and ENHANCED (emulator seed ${SEED})\n`);
    process.stdout.write(`${line(header)}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
