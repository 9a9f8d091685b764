/**
 * Pipeline overhead: the full eaio pipeline against a bare BullMQ no-op worker, on the
 * same Redis, in the same run.
 *
 *   npx tsx bench/pipeline-overhead.ts [--jobs 1000] [--runs 3] [--local-hosts 1] [--idle-poll <ms>] [--warmup 1]
 *   npx tsx bench/pipeline-overhead.ts --local-hosts 1,4      (one block of figures per host count)
 *   npx tsx bench/pipeline-overhead.ts --jobs 200 --warmup 0 --answer-ms 250 --processes 2 [--cpu-hog]
 *
 * `--answer-ms N`: the emulator answers after N ms (ttftMs N at timeScale 1; default 0 = at once),
 * for the pipeline and the user's baseline alike. `--processes N`: the pipeline's workers run in
 * N forked processes (bench/pipeline-overhead-worker.ts, the same `composeWorkers`) instead of
 * this one; each one's share of the jobs is printed. `--cpu-hog`: one busy-loop process per core
 * runs for the whole bench (pipeline and baselines), killed at the end. Slot use = Σ service ÷
 * (slots × first job fetched → last job finished), for the pipeline and the user's worker; the
 * share of it spent in provider calls comes from the emulator's request log.
 *
 * Pipeline: N generic PRIVATE prompt jobs submitted from JSONL (`runSubmit`: intake,
 * routing, Postgres rows, deterministic ids; PRIVATE keeps them on the local tiers) →
 * `local-fast` → the real tier workers (`composeWorkers`: slot lease per local host,
 * manual fetch, Ollama adapter over HTTP, gate, attempts/results in Postgres) → a provider
 * emulator that answers instantly with valid, grounded answers (`PRESETS.instant`,
 * timeScale 0). Every job must end `succeeded` at `local-fast` after one attempt, or the
 * run fails (an escalation would measure something else).
 *
 * The user's baseline (`runUserBaseline`): what a user would write instead, a BullMQ worker
 * making the same Ollama SDK call to the same emulator, parsing the JSON, inserting one row
 * into Postgres; `pipeline ÷ user baseline` and the service time added over it are printed.
 *
 * Baselines, each in the same run on the same Redis, each with its own fresh prefix: the
 * same N jobs added with one `addBulk` to a plain BullMQ queue whose worker's processor
 * returns at once, (a) with concurrency = the pipeline's in-flight budget
 * (`MAX_CONCURRENT_LOCAL` × local hosts: the local cap is what bounds the pipeline, so both
 * may run the same number of jobs at a time) and (b) with concurrency 1.
 *
 * Definitions (all from BullMQ's own job timestamps, one clock, ms):
 *   jobs/s           N ÷ (first enqueue call starts → last job terminal), incl. intake for the pipeline
 *   end-to-end       per job: `finishedOn − timestamp` (added to the queue → completed);
 *                    for the pipeline the job's Postgres row is already terminal then
 *   service          per job: `finishedOn − processedOn` (fetched by a worker → completed)
 *   added per job    for every job id: pipeline end-to-end − baseline (a) end-to-end of the
 *                    same id in the same run (both queues are FIFO, same order); its p50/p99.
 *                    Also for service time. With a bulk enqueue the end-to-end figure is
 *                    mostly waiting in the queue, so it grows with N; service does not.
 * Each figure is computed per run; the summary prints the median over the R runs. Before
 * them, `--warmup` (default 1) untimed rounds (min(N, 300) jobs) warm up V8 and Postgres (without
 * it the first run is ~25% slower than the third).
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Job } from 'bullmq';
import { Ollama } from 'ollama';
import { createLogger, loadConfig } from '@eaio/core';
import { PRESETS, withBehaviour } from '@eaio/emulator';
import { createQueueStore } from '@eaio/queues';
import { runSubmit } from '../apps/producer/src/commands/submit-command';
import { composeWorkers } from '../apps/producer/src/compose-workers';
import { startRehearsal } from '../apps/producer/src/rehearsal';
import { openRuntime } from '../apps/producer/src/runtime';
import { admin, createBenchDatabase } from './bench-database';

const argument = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const JOBS = Number(argument('jobs') ?? 1000);
const WARMUP = Number(argument('warmup') ?? 1);
const RUNS = Number(argument('runs') ?? 3);
const HOST_COUNTS = (argument('local-hosts') ?? '1').split(',').map(Number);
const IDLE_POLL = argument('idle-poll') === undefined ? undefined : Number(argument('idle-poll'));
/** Emulated answer latency (time to the answer), ms; 0 = instant. */
const ANSWER_MS = Number(argument('answer-ms') ?? 0);
/** Worker processes of the pipeline: 0 = `composeWorkers` in this process; N = N forked children. */
const PROCESSES = Number(argument('processes') ?? 0);
/** One busy-loop child per core for the whole bench (pipeline and baselines alike). */
const CPU_HOG = process.argv.includes('--cpu-hog');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
if (
  ![JOBS, RUNS, ...HOST_COUNTS].every((value) => Number.isInteger(value) && value > 0) ||
  ![WARMUP, ANSWER_MS, PROCESSES].every((value) => Number.isInteger(value) && value >= 0)
) {
  throw new Error('--jobs, --runs and --local-hosts take positive integers (--local-hosts may be a list: 1,4); --warmup, --answer-ms and --processes integers ≥ 0');
}

/** The emulated models of every run (pipeline and user baseline): grounded answers after `ANSWER_MS`. */
const emulatedModels = (base: ReturnType<typeof loadConfig>) => {
  const behaviour = withBehaviour(PRESETS.instant, { ttftMs: ANSWER_MS, answers: { grounded: 1, hallucination: 0, invalidJson: 0, missingSections: 0 } });
  return Object.fromEntries(Object.values(base.tiers).flatMap((tier) => tier.candidates.map((candidate) => [candidate.model, behaviour])));
};
/** timeScale 1 makes `ttftMs` real; 0 answers at once. */
const TIME_SCALE = ANSWER_MS > 0 ? 1 : 0;

/** Busy-loop children, one per core, while `--cpu-hog` is on. */
const startCpuHog = (): (() => void) => {
  const hogs = Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const stop = () => {
    for (const hog of hogs) if (hog.exitCode === null) hog.kill('SIGKILL');
  };
  process.on('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  return stop;
};

/** Forks `count` worker processes (bench/pipeline-overhead-worker.ts) and waits until each runs its workers. */
const startWorkerProcesses = async (count: number, env: Record<string, string>) => {
  const children: ChildProcess[] = [];
  const kill = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.on('exit', kill);
  try {
    await Promise.all(
      Array.from({ length: count }, () => {
        const child = fork(fileURLToPath(new URL('./pipeline-overhead-worker.ts', import.meta.url)), [], {
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, ...env },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        return new Promise<void>((resolve, reject) => {
          child.once('message', () => resolve());
          child.once('exit', (code) => reject(new Error(`a worker process exited (${code}) before it was ready`)));
        });
      }),
    );
  } catch (error) {
    kill();
    throw error;
  }
  return {
    /** Closes every process; the jobs each one ran, in fork order. */
    async stop(): Promise<number[]> {
      const counts = await Promise.all(
        children.map(
          (child) =>
            new Promise<number>((resolve, reject) => {
              child.on('message', (message: { type?: string; jobs?: number }) => {
                if (message?.type === 'done') resolve(message.jobs ?? 0);
              });
              child.once('exit', (code) => reject(new Error(`a worker process exited (${code}) before it reported`)));
              child.send({ type: 'stop' });
            }),
        ),
      ).finally(() => setTimeout(kill, 5_000).unref());
      process.off('exit', kill);
      return counts;
    },
    kill,
  };
};

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
};
const p50 = (values: number[]) => quantile(values, 0.5);
const p99 = (values: number[]) => quantile(values, 0.99);

const waitUntil = async (predicate: () => Promise<boolean> | boolean, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > until) throw new Error('benchmark run timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

/** One job's BullMQ timestamps, keyed by the id the input gave it. */
interface Timing {
  id: string;
  enqueued: number;
  fetched: number;
  finished: number;
}
interface RunResult {
  jobsPerSecond: number;
  elapsedMs: number;
  timings: Map<string, Timing>;
  /** Pipeline only: where a job's service time goes (ms per job). */
  phases?: { beforeCall: number[]; recordAndGate: number[]; call: number[]; afterCall: number[] };
  /** Pipeline only: CPU time of this process (workers, emulator, intake) ÷ elapsed. */
  cpuShare?: number;
  /** Pipeline with `--processes`: the jobs each worker process ran. */
  perProcess?: number[];
  /** Σ provider call time (the emulator's log: request arrived → answer sent) of the local hosts, ms. */
  callMs?: number;
}

const timingOf = (id: string, job: Job): Timing => ({ id, enqueued: job.timestamp, fetched: job.processedOn ?? NaN, finished: job.finishedOn ?? NaN });
const endToEnd = (timing: Timing) => timing.finished - timing.enqueued;
const service = (timing: Timing) => timing.finished - timing.fetched;

const runPipeline = async (hosts: number, jobs: number = JOBS): Promise<RunResult> => {
  const { database, url } = await createBenchDatabase('eaio_bench');
  const dir = mkdtempSync(join(tmpdir(), 'eaio-bench-'));
  const base = loadConfig({ env: {} });
  const rehearsal = await startRehearsal(base, { timeScale: TIME_SCALE, models: emulatedModels(base), localHosts: hosts });
  let runtime: Awaited<ReturnType<typeof openRuntime>> | undefined;
  let workers: Awaited<ReturnType<typeof composeWorkers>> | undefined;
  let processes: Awaited<ReturnType<typeof startWorkerProcesses>> | undefined;
  try {
    const env = { ...rehearsal.env, REDIS_URL, DATABASE_URL: url.toString(), LOG_LEVEL: 'error' };
    const config = loadConfig({ env });
    const namespace = `bench${randomUUID().slice(0, 8)}`;
    runtime = await openRuntime({ config, log: createLogger({ level: 'error', name: 'bench' }), namespace });
    if (PROCESSES > 0) {
      processes = await startWorkerProcesses(PROCESSES, { ...env, BENCH_NAMESPACE: namespace, ...(IDLE_POLL === undefined ? {} : { BENCH_IDLE_POLL: String(IDLE_POLL) }) });
    } else {
      workers = await composeWorkers(runtime, { tiers: ['local-fast', 'local-quality'], idlePollMs: IDLE_POLL });
    }
    const jsonl = join(dir, 'jobs.jsonl');
    writeFileSync(
      jsonl,
      Array.from({ length: jobs }, (_, i) =>
        JSON.stringify({ id: `j${i}`, prompt: `Classify meter reading ${i} kWh as normal or unusual.`, privacy: 'PRIVATE', taskType: 'classification' }),
      ).join('\n'),
    );
    const pool = runtime.database.pool;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { batchId, counts } = await runSubmit(runtime, { jsonl, tenant: 'bench', progress: false }, quiet);
    if (counts.byQueue['local-fast'] !== jobs) throw new Error(`expected ${jobs} jobs on local-fast, routing put ${JSON.stringify(counts.byQueue)}`);
    await waitUntil(async () => {
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM jobs WHERE batch_id = $1 AND state IN ('succeeded', 'review', 'failed')", [batchId]);
      return rows[0].n === jobs;
    }, 600_000);
    // The row turns terminal just before the BullMQ job is moved to completed.
    await waitUntil(async () => (await runtime!.queues['local-fast'].getJobCounts('completed')).completed === jobs, 10_000);
    const elapsedMs = performance.now() - started;
    const cpuUsed = process.cpuUsage(cpu);
    const cpuShare = (cpuUsed.user + cpuUsed.system) / 1000 / elapsedMs;
    const perProcess = await processes?.stop();
    processes = undefined;
    const callMs = rehearsal.emulator
      .log()
      .filter((entry) => entry.operation === 'chat' && entry.host.startsWith('ollama-') && entry.finishedAt !== undefined)
      .reduce((sum, entry) => sum + (entry.finishedAt! - entry.startedAt), 0);
    const { rows: check } = await pool.query(
      "SELECT count(*) FILTER (WHERE state = 'succeeded' AND current_tier = 'local-fast' AND attempt_count = 1)::int AS ok FROM jobs WHERE batch_id = $1",
      [batchId],
    );
    if (check[0].ok !== jobs) throw new Error(`only ${check[0].ok} of ${jobs} jobs succeeded at local-fast in one attempt`);
    const completed: Job[] = await runtime.queues['local-fast'].getJobs(['completed'], 0, jobs);
    const timings = new Map(completed.map((job) => [job.data.sourceId as string, timingOf(job.data.sourceId, job)]));
    const { rows: attempts } = await pool.query(
      'SELECT j.source_id AS id, a.started_at, a.finished_at, a.latency_ms FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE j.batch_id = $1',
      [batchId],
    );
    const phases = { beforeCall: [] as number[], recordAndGate: [] as number[], call: [] as number[], afterCall: [] as number[] };
    for (const attempt of attempts) {
      const timing = timings.get(attempt.id)!;
      const startedAt = new Date(attempt.started_at).getTime();
      const finishedAt = new Date(attempt.finished_at).getTime();
      phases.beforeCall.push(startedAt - timing.fetched);
      phases.call.push(attempt.latency_ms);
      phases.recordAndGate.push(finishedAt - startedAt - attempt.latency_ms);
      phases.afterCall.push(timing.finished - finishedAt);
    }
    return { jobsPerSecond: jobs / (elapsedMs / 1000), elapsedMs, timings, phases, cpuShare, perProcess, callMs };
  } finally {
    processes?.kill();
    await workers?.close();
    if (runtime) {
      for (const queue of Object.values(runtime.queues)) await queue.obliterate({ force: true }).catch(() => undefined);
      await runtime.close();
    }
    await rehearsal.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  }
};

const runBaseline = async (concurrency: number, jobs: number = JOBS): Promise<RunResult> => {
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
    await queue.addBulk(
      Array.from({ length: jobs }, (_, i) => ({ name: 'noop', data: { id: `j${i}`, prompt: `Classify meter reading ${i} kWh as normal or unusual.` }, opts: { jobId: `j${i}` } })),
    );
    await waitUntil(() => done === jobs, 600_000);
    const elapsedMs = performance.now() - started;
    const completed: Job[] = await queue.getJobs(['completed'], 0, jobs);
    return { jobsPerSecond: jobs / (elapsedMs / 1000), elapsedMs, timings: new Map(completed.map((job) => [job.data.id as string, timingOf(job.data.id, job)])) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
};

/**
 * The baseline a user would write instead of eaio: a BullMQ worker (concurrency = the
 * pipeline's in-flight budget) that makes the same Ollama SDK call to the same emulator (a
 * fresh rehearsal with the same instant models), parses the JSON answer and inserts one row
 * into Postgres (its own fresh database). Same jobs, same prompts, one `addBulk`.
 */
const runUserBaseline = async (concurrency: number, jobs: number = JOBS): Promise<RunResult> => {
  const { database, url } = await createBenchDatabase('eaio_bench_user');
  const pool = new pg.Pool({ connectionString: url.toString(), max: concurrency + 2 });
  // An idle connection ended from the server side (another session's DROP … WITH (FORCE)) must not crash the bench.
  pool.on('error', () => undefined);
  await pool.query('CREATE TABLE answers (id text PRIMARY KEY, answer jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  const base = loadConfig({ env: {} });
  const rehearsal = await startRehearsal(base, { timeScale: TIME_SCALE, models: emulatedModels(base), localHosts: 1 });
  const ollama = new Ollama({ host: rehearsal.env.OLLAMA_BASE_URL.split(',')[0] });
  const model = base.tiers['local-fast'].candidates[0].model;
  const store = createQueueStore({ kind: 'redis', url: REDIS_URL, prefix: `bench${randomUUID().slice(0, 8)}` });
  const queue = store.createQueue('user');
  let done = 0;
  let unparsed = 0;
  const worker = store.createWorker(
    'user',
    async (job: Job) => {
      const response = await ollama.chat({ model, messages: [{ role: 'user', content: job.data.prompt }], format: 'json', stream: false });
      let answer: unknown;
      try {
        answer = JSON.parse(response.message.content);
      } catch {
        unparsed += 1;
        answer = { text: response.message.content };
      }
      await pool.query('INSERT INTO answers (id, answer) VALUES ($1, $2) ON CONFLICT DO NOTHING', [job.data.id, JSON.stringify(answer)]);
      return 'ok';
    },
    { concurrency },
  );
  worker.on('completed', () => {
    done += 1;
  });
  try {
    await worker.waitUntilReady();
    worker.run().catch(() => undefined);
    const started = performance.now();
    await queue.addBulk(
      Array.from({ length: jobs }, (_, i) => ({ name: 'user', data: { id: `j${i}`, prompt: `Classify meter reading ${i} kWh as normal or unusual.` }, opts: { jobId: `j${i}` } })),
    );
    await waitUntil(() => done === jobs, 600_000);
    const elapsedMs = performance.now() - started;
    if (unparsed > 0) console.log(`user baseline: ${unparsed} answers were not JSON (stored as text)`);
    const completed: Job[] = await queue.getJobs(['completed'], 0, jobs);
    return { jobsPerSecond: jobs / (elapsedMs / 1000), elapsedMs, timings: new Map(completed.map((job) => [job.data.id as string, timingOf(job.data.id, job)])) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await pool.end();
    await rehearsal.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
};

/** Per-id difference pipeline − baseline of one per-job quantity. */
const addedPerJob = (pipeline: RunResult, baseline: RunResult, measure: (timing: Timing) => number): number[] =>
  [...pipeline.timings.values()].map((timing) => measure(timing) - measure(baseline.timings.get(timing.id)!));

/** Slot use: Σ service ÷ (slots × (first job fetched → last job finished)). */
const slotUse = (result: RunResult, slots: number): number => {
  const timings = [...result.timings.values()];
  const window = Math.max(...timings.map((t) => t.finished)) - Math.min(...timings.map((t) => t.fetched));
  return timings.reduce((sum, t) => sum + service(t), 0) / (slots * window);
};
/** Provider-call share: Σ call time at the emulator ÷ (slots × the same window). */
const callUse = (result: RunResult, slots: number): number => {
  const timings = [...result.timings.values()];
  const window = Math.max(...timings.map((t) => t.finished)) - Math.min(...timings.map((t) => t.fetched));
  return (result.callMs ?? 0) / (slots * window);
};

const fmt = (value: number, digits = 1) => value.toFixed(digits);
const ms = (value: number) => `${fmt(value)} ms`;

const benchHosts = async (hosts: number, slotsPerHost: number) => {
  const budget = slotsPerHost * hosts;
  console.log(`\n== ${hosts} local host(s) × MAX_CONCURRENT_LOCAL ${slotsPerHost} = ${budget} in flight; ${JOBS} jobs, ${RUNS} run(s)`);
  for (let round = 0; round < WARMUP; round += 1) {
    await runBaseline(budget, Math.min(JOBS, 300));
    await runUserBaseline(budget, Math.min(JOBS, 300));
    await runPipeline(hosts, Math.min(JOBS, 300));
  }
  const runs: { pipeline: RunResult; matched: RunResult; serial: RunResult; user: RunResult }[] = [];
  for (let run = 1; run <= RUNS; run += 1) {
    const matched = await runBaseline(budget);
    const serial = await runBaseline(1);
    const user = await runUserBaseline(budget);
    const pipeline = await runPipeline(hosts);
    runs.push({ pipeline, matched, serial, user });
    console.log(
      `run ${run}: pipeline ${fmt(pipeline.jobsPerSecond)} jobs/s, user's worker ${fmt(user.jobsPerSecond)} jobs/s (ratio ${fmt(pipeline.jobsPerSecond / user.jobsPerSecond, 3)}, ` +
        `added service p50 ${ms(p50(addedPerJob(pipeline, user, service)))}), bare BullMQ c=${budget} ${fmt(matched.jobsPerSecond)} jobs/s, c=1 ${fmt(serial.jobsPerSecond)} jobs/s; ` +
        `slot use ${fmt(slotUse(pipeline, budget) * 100)}%` +
        (pipeline.perProcess ? `; jobs per process ${pipeline.perProcess.join(' / ')}` : ''),
    );
  }
  const med = (pick: (row: (typeof runs)[number]) => number) => p50(runs.map(pick));
  const col = (text: string, width: number) => text.padStart(width);
  const line = (label: string, a: string, b: string, c: string) => console.log(`${label.padEnd(34)}${col(a, 12)}${col(b, 16)}${col(c, 14)}`);
  console.log(`\nmedian of ${RUNS} run(s)`);
  line('', 'pipeline', `bare c=${budget}`, 'bare c=1');
  line('jobs/s', fmt(med((r) => r.pipeline.jobsPerSecond)), fmt(med((r) => r.matched.jobsPerSecond)), fmt(med((r) => r.serial.jobsPerSecond)));
  line(
    'ratio pipeline / bare',
    '',
    fmt(
      med((r) => r.pipeline.jobsPerSecond / r.matched.jobsPerSecond),
      4,
    ),
    fmt(
      med((r) => r.pipeline.jobsPerSecond / r.serial.jobsPerSecond),
      4,
    ),
  );
  for (const [label, measure] of [
    ['end-to-end (enqueue → done)', endToEnd],
    ['service (fetch → done)', service],
  ] as const) {
    for (const [q, fn] of [
      ['p50', p50],
      ['p99', p99],
    ] as const) {
      line(
        `${label} ${q}`,
        ms(med((r) => fn([...r.pipeline.timings.values()].map(measure)))),
        ms(med((r) => fn([...r.matched.timings.values()].map(measure)))),
        ms(med((r) => fn([...r.serial.timings.values()].map(measure)))),
      );
    }
  }
  console.log(`time the pipeline adds per job (pipeline − bare c=${budget}, same job id, same run):`);
  console.log(
    `  end-to-end (enqueue → done): p50 ${ms(med((r) => p50(addedPerJob(r.pipeline, r.matched, endToEnd))))}, p99 ${ms(med((r) => p99(addedPerJob(r.pipeline, r.matched, endToEnd))))}`,
  );
  console.log(
    `  service    (fetch → done):   p50 ${ms(med((r) => p50(addedPerJob(r.pipeline, r.matched, service))))}, p99 ${ms(med((r) => p99(addedPerJob(r.pipeline, r.matched, service))))}`,
  );
  console.log(
    `against the user's own worker (BullMQ c=${budget} + Ollama SDK call to the same emulator + JSON.parse + one INSERT): ` +
      `pipeline ${fmt(med((r) => r.pipeline.jobsPerSecond))} vs ${fmt(med((r) => r.user.jobsPerSecond))} jobs/s, ` +
      `pipeline ÷ user baseline ${fmt(
        med((r) => r.pipeline.jobsPerSecond / r.user.jobsPerSecond),
        3,
      )}; ` +
      `added service time p50 ${ms(med((r) => p50(addedPerJob(r.pipeline, r.user, service))))}, p99 ${ms(med((r) => p99(addedPerJob(r.pipeline, r.user, service))))}; ` +
      `service p50 pipeline ${ms(med((r) => p50([...r.pipeline.timings.values()].map(service))))} vs user ${ms(med((r) => p50([...r.user.timings.values()].map(service))))}`,
  );
  const phase = (pick: (phases: NonNullable<RunResult['phases']>) => number[]) => ms(med((r) => p50(pick(r.pipeline.phases!))));
  console.log(
    `pipeline service, p50 per phase: before call ${phase((p) => p.beforeCall)} (isTerminal, markActive, model choice) · ` +
      `attempt row + gate ${phase((p) => p.recordAndGate)} · provider call ${phase((p) => p.call)} · ` +
      `after call ${phase((p) => p.afterCall)} (finishAttempt, result + job state, moveToCompleted)`,
  );
  const busy = med((r) => [...r.pipeline.timings.values()].reduce((sum, t) => sum + service(t), 0) / (r.pipeline.elapsedMs * budget));
  console.log(
    `pipeline slots busy ${fmt(busy * 100, 0)}% of the run (Σ service ÷ (elapsed × ${budget} slots)); ` +
      `this Node process (${PROCESSES > 0 ? 'emulator + intake' : 'workers + emulator + intake'}) used ${fmt(med((r) => r.pipeline.cpuShare!) * 100, 0)}% of one core`,
  );
  console.log(
    `slot use (Σ service ÷ (${budget} slots × first fetch → last finish)): pipeline ${fmt(med((r) => slotUse(r.pipeline, budget)) * 100)}%, ` +
      `user's worker ${fmt(med((r) => slotUse(r.user, budget)) * 100)}%; provider calls alone (emulator log) ${fmt(med((r) => callUse(r.pipeline, budget)) * 100)}% of the pipeline's slot time`,
  );
  if (PROCESSES > 0) {
    const shares = runs.map((r) => r.pipeline.perProcess!.map((n) => n / JOBS));
    console.log(
      `jobs per worker process (share of ${JOBS}), each run: ${shares.map((run) => run.map((share) => `${fmt(share * 100)}%`).join(' / ')).join('; ')}; ` +
        `smallest share ${fmt(Math.min(...shares.flat()) * 100)}%, largest ${fmt(Math.max(...shares.flat()) * 100)}%`,
    );
  }
};

const main = async () => {
  const config = loadConfig({ env: {} });
  console.log(
    `pipeline overhead: ${JOBS} PRIVATE prompt jobs → local-fast → emulator answering ${ANSWER_MS > 0 ? `after ${ANSWER_MS} ms` : 'instantly'}; ` +
      `workers ${PROCESSES > 0 ? `in ${PROCESSES} child process(es)` : 'in this process'}${CPU_HOG ? `; CPU hog: ${availableParallelism()} busy-loop processes` : ''}; ` +
      `local runner idle safety net ${IDLE_POLL ?? 'default (30000)'} ms; ` +
      `baselines: bare BullMQ no-op worker on the same Redis, concurrency = in-flight budget and 1; the user's own worker (Ollama SDK + JSON.parse + one INSERT)`,
  );
  const stopHog = CPU_HOG ? startCpuHog() : undefined;
  try {
    for (const hosts of HOST_COUNTS) await benchHosts(hosts, config.limits.maxConcurrentLocal);
  } finally {
    stopHog?.();
  }
};

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
