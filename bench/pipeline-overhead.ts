/**
 * Pipeline overhead: the full eaio pipeline against a bare BullMQ no-op worker, on the
 * same Redis, in the same run.
 *
 *   npx tsx bench/pipeline-overhead.ts [--jobs 300] [--runs 3] [--local-hosts 1]
 *
 * Pipeline: N generic PRIVATE prompt jobs submitted from JSONL (intake, routing, Postgres
 * rows, deterministic ids) → `local-fast` → the real tier workers (`composeWorkers`: slot
 * lease per local host, manual fetch, Ollama adapter over HTTP, gate, attempts/results in
 * Postgres) → a provider emulator that answers instantly (`PRESETS.instant`, timeScale 0).
 * Baseline: the same N jobs added to a plain BullMQ queue on the same Redis, processed by
 * a worker whose processor returns at once, with concurrency equal to the pipeline's
 * in-flight budget (`MAX_CONCURRENT_LOCAL` × local hosts), so both may run the same
 * number of jobs at a time.
 *
 * Printed per run and as medians of the runs: jobs/s of each (N ÷ time from the first
 * add to the last job finished) and their ratio; and per job the time the pipeline adds:
 * BullMQ's `finishedOn − processedOn` of each pipeline job (fetch to completion: provider
 * call, gate, database writes) minus the baseline's median of the same quantity, at p50
 * and p99.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Job } from 'bullmq';
import { createLogger, loadConfig } from '@eaio/core';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { createQueueStore } from '@eaio/queues';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { startRehearsal } from '../apps/producer/src/rehearsal';
import { openRuntime } from '../apps/producer/src/runtime';

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const JOBS = argument('jobs', 300);
const RUNS = argument('runs', 3);
const HOSTS = argument('local-hosts', 1);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
};
const median = (values: number[]): number => quantile(values, 0.5);

const waitUntil = async (predicate: () => Promise<boolean>, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error('benchmark run timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const admin = async (sql: string) => {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  await client.query(sql);
  await client.end();
};

interface RunResult {
  jobsPerSecond: number;
  serviceMs: number[];
}

const runPipeline = async (): Promise<RunResult> => {
  const database = `eaio_bench_${randomUUID().slice(0, 8)}`;
  await admin(`CREATE DATABASE ${database}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const dir = mkdtempSync(join(tmpdir(), 'eaio-bench-'));
  const base = loadConfig({ env: {} });
  const instant = withBehaviour(PRESETS.instant, { answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } });
  const models = Object.fromEntries(Object.values(base.tiers).flatMap((tier) => tier.candidates.map((candidate) => [candidate.model, instant])));
  const rehearsal = await startRehearsal(base, { timeScale: 0, models, localHosts: HOSTS });
  const config = loadConfig({ env: { ...rehearsal.env, REDIS_URL, DATABASE_URL: url.toString(), LOG_LEVEL: 'error' } });
  const log = createLogger({ level: 'error', name: 'bench' });
  const runtime = await openRuntime({ config, log, namespace: `bench${randomUUID().slice(0, 8)}` });
  const workers = await composeWorkers(runtime, { tiers: ['local-fast', 'local-quality'], idlePollMs: 5 });
  try {
    const jsonl = join(dir, 'jobs.jsonl');
    writeFileSync(jsonl, Array.from({ length: JOBS }, (_, i) => JSON.stringify({ id: `j${i}`, prompt: `Classify meter reading ${i} kWh as normal or unusual.`, privacy: 'PRIVATE', taskType: 'classification' })).join('\n'));
    const started = performance.now();
    const { batchId } = await runSubmit(runtime, { jsonl, tenant: 'bench', progress: false }, quiet);
    await waitUntil(async () => {
      const { rows } = await runtime.database.pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state IN ('succeeded', 'review')", [batchId]);
      return rows[0].n === JOBS;
    }, 600_000);
    const elapsed = performance.now() - started;
    const completed: Job[] = await runtime.queues['local-fast'].getJobs(['completed'], 0, JOBS);
    return {
      jobsPerSecond: JOBS / (elapsed / 1000),
      serviceMs: completed.map((job) => (job.finishedOn ?? 0) - (job.processedOn ?? 0)),
    };
  } finally {
    await workers.close();
    for (const queue of Object.values(runtime.queues)) await queue.obliterate({ force: true }).catch(() => undefined);
    await runtime.close();
    await rehearsal.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  }
};

const runBaseline = async (concurrency: number): Promise<RunResult> => {
  const store = createQueueStore({ kind: 'redis', url: REDIS_URL, prefix: `bench${randomUUID().slice(0, 8)}` });
  const queue = store.createQueue('noop');
  let done = 0;
  const worker = store.createWorker('noop', async () => 'ok', { concurrency });
  worker.on('completed', () => {
    done += 1;
  });
  try {
    await worker.waitUntilReady();
    worker.run().catch(() => undefined);
    const started = performance.now();
    await queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'noop', data: { id: `j${i}`, prompt: `Classify meter reading ${i}` }, opts: { jobId: `j${i}` } })));
    await waitUntil(async () => done === JOBS, 600_000);
    const elapsed = performance.now() - started;
    const completed = await queue.getJobs(['completed'], 0, JOBS);
    return { jobsPerSecond: JOBS / (elapsed / 1000), serviceMs: completed.map((job) => (job.finishedOn ?? 0) - (job.processedOn ?? 0)) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
};

const main = async () => {
  const config = loadConfig({ env: {} });
  const concurrency = config.limits.maxConcurrentLocal * HOSTS;
  console.log(`pipeline overhead: ${JOBS} jobs, ${RUNS} runs, ${HOSTS} local host(s) × ${config.limits.maxConcurrentLocal} slots; baseline: bare BullMQ no-op worker, concurrency ${concurrency}, same Redis`);
  const rows: { pipeline: RunResult; baseline: RunResult }[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    const baseline = await runBaseline(concurrency);
    const pipeline = await runPipeline();
    rows.push({ pipeline, baseline });
    console.log(`run ${run}: pipeline ${pipeline.jobsPerSecond.toFixed(1)} jobs/s, baseline ${baseline.jobsPerSecond.toFixed(1)} jobs/s, ratio ${(pipeline.jobsPerSecond / baseline.jobsPerSecond).toFixed(3)}`);
  }
  const pipelineRate = median(rows.map((row) => row.pipeline.jobsPerSecond));
  const baselineRate = median(rows.map((row) => row.baseline.jobsPerSecond));
  const baselineService = median(rows.flatMap((row) => row.baseline.serviceMs));
  const added = rows.flatMap((row) => row.pipeline.serviceMs.map((ms) => ms - baselineService));
  console.log('');
  console.log('                      pipeline   bare BullMQ   ratio');
  console.log(`jobs/s (median)      ${pipelineRate.toFixed(1).padStart(9)}   ${baselineRate.toFixed(1).padStart(11)}   ${(pipelineRate / baselineRate).toFixed(3)}`);
  console.log(`per-job service p50  ${`${median(rows.flatMap((row) => row.pipeline.serviceMs)).toFixed(1)} ms`.padStart(9)}   ${`${baselineService.toFixed(1)} ms`.padStart(11)}`);
  console.log(`time the pipeline adds per job: p50 ${quantile(added, 0.5).toFixed(1)} ms, p99 ${quantile(added, 0.99).toFixed(1)} ms`);
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
