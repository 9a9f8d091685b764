import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEFAULT_CONFIG_PATH, loadConfig } from '@eaio/core';
import { createDb, migrate, TERMINAL_JOB_STATES } from '@eaio/db';
import { synthesizeAnswer } from '@eaio/energy';
import { PRESETS, startEmulator, withBehaviour, type Emulator } from '@eaio/emulator';
import { createQueueStore } from '@eaio/queues';
import { measure, type ScenarioFigures } from './figures';
import { startPrivateRedis, type PrivateRedis } from './private-redis';
import { startWorkers, submitJsonl, type WorkerProcess } from './processes';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

/** How big a run is: jobs per scenario, outage lengths, how long to wait. */
export interface ChaosSizes {
  /** PRIVATE classification prompts (start at local-fast). */
  localFastJobs: number;
  /** PRIVATE reasoning prompts (start at local-quality). */
  localQualityJobs: number;
  /** PUBLIC long reasoning prompts (start at api). */
  apiJobs: number;
  /** Redis is down this long after its SIGKILL. */
  redisDownMs: number;
  postgresDownMs: number;
  /** A worker process is SIGKILLed this often (and a new one started at once)… */
  killEveryMs: number;
  /** …at most this many times. */
  maxKills: number;
  /** Every local host down this long. */
  hostsDownMs: number;
  /** Every api answer a 429 this long. */
  stormMs: number;
  /** Api jobs of the 1-token-per-character scenario (against a $1.00 cap). */
  tokenApiJobs: number;
  /** The fault starts once this share of the jobs is terminal. */
  faultAtShare: number;
  /** Give up waiting after this long without any change in jobs or attempts (counted after the fault). */
  stallMs: number;
  /** After the drain, how long attempts left `started` and open reservations get to be cleaned up. */
  settleMs: number;
  /**
   * `recovery.reconcileIntervalSec` and `recovery.abandonAttemptsAfterSec` of the run, when the
   * config has them (undefined: the shipped values).
   */
  recovery?: { reconcileIntervalSec: number; abandonAttemptsAfterSec: number };
  /** API_TIMEOUT_SEC of the run (a reservation expires a timeout plus a grace after its call). */
  apiTimeoutSec: number;
  /** Give up waiting this long after submit, whatever happens. */
  deadlineMs: number;
  /** Emulated latency scale (1 = realistic model speeds). */
  timeScale: number;
}

/** `npm run chaos`: the sizes (a 300-job batch, 20 s Postgres outage, 60 s local hosts down). */
export const FULL_SIZES: ChaosSizes = {
  localFastJobs: 100,
  localQualityJobs: 100,
  apiJobs: 100,
  redisDownMs: 5_000,
  postgresDownMs: 20_000,
  killEveryMs: 3_000,
  maxKills: 40,
  hostsDownMs: 60_000,
  stormMs: 30_000,
  tokenApiJobs: 100,
  faultAtShare: 0.2,
  stallMs: 150_000,
  settleMs: 150_000,
  deadlineMs: 900_000,
  timeScale: 0.3,
  apiTimeoutSec: 10,
};

/** The CI form (`test/chaos-short.test.ts`): fewer jobs, shorter outages, the same invariants. */
export const SHORT_SIZES: ChaosSizes = {
  localFastJobs: 14,
  localQualityJobs: 13,
  apiJobs: 13,
  redisDownMs: 2_000,
  postgresDownMs: 8_000,
  killEveryMs: 2_500,
  maxKills: 6,
  hostsDownMs: 12_000,
  stormMs: 8_000,
  tokenApiJobs: 40,
  faultAtShare: 0.2,
  stallMs: 60_000,
  settleMs: 110_000,
  deadlineMs: 240_000,
  timeScale: 1.5,
  recovery: { reconcileIntervalSec: 5, abandonAttemptsAfterSec: 20 },
  apiTimeoutSec: 10,
};

/** Prices that make an api call cost a few cents, so a $1.00 cap binds after a few dozen calls. */
export const CHAOS_API_PRICE = { inputPerMTok: 35, outputPerMTok: 210 };
export const CHAOS_API_MAX_TOKENS = 80;
/** Worker lock and stalled-check settings of every worker process (a SIGKILLed worker's jobs come back within ~15 s). */
export const WORKER_ARGS = ['--lock-duration', '10000', '--stalled-interval', '5000'];

export interface ScenarioDefinition {
  name: string;
  /** One line: the fault. */
  fault: string;
  redis: 'shared' | 'private-aof' | 'private-no-aof';
  /** Workers and intake reach Postgres through a proxy the scenario can cut. */
  postgresProxy?: boolean;
  jobs?: (sizes: ChaosSizes) => { localFast: number; localQuality: number; api: number };
  /** Daily and monthly global cap. @defaultValue 100 */
  capUsd?: number;
  /** budgets.maxReservationShare. @defaultValue config default */
  maxReservationShare?: number;
  /** MAX_CONCURRENT_API. @defaultValue 10 */
  maxConcurrentApi?: number;
  /** Overrides `ChaosSizes.faultAtShare` for this scenario. */
  faultAtShare?: number;
  /** Emulator changes before anything is submitted. */
  prepare?: (context: ChaosContext) => Promise<void> | void;
  /**
   * The fault, started once `faultAtShare` of the jobs are terminal; resolves when the fault
   * is over, with how many times it struck (kills, outages).
   */
  inject(context: ChaosContext): Promise<number>;
}

export interface ChaosContext {
  sizes: ChaosSizes;
  dir: string;
  emulator: Emulator;
  models: { localFast: string; localQuality: string; api: string };
  localHosts: string[];
  redis?: PrivateRedis;
  postgresProxy?: TcpProxy;
  workers: WorkerProcess[];
  /** Starts one more worker process and waits for its start-up line. */
  spawnWorker(): Promise<WorkerProcess>;
  /** True once every job is terminal and the batch is done. */
  drained(): boolean;
  note(text: string): void;
  log(text: string): void;
}

export interface ChaosOptions {
  sizes: ChaosSizes;
  /** Worker processes per scenario. @defaultValue 2 */
  workerProcesses?: number;
  /** Keep each scenario's directory (worker logs, config, input) and database instead of deleting them. */
  keep?: boolean;
  log?: (text: string) => void;
  adminDatabaseUrl?: string;
  sharedRedisUrl?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

const FILLER = 'The site has a central plant with two boilers, a chiller, variable-speed pumps and a building management system with a weekly schedule. ';

/** One JSONL line per job: PRIVATE classification (local-fast), PRIVATE reasoning (local-quality), PUBLIC long reasoning (api). */
const jobLines = (scenario: string, counts: { localFast: number; localQuality: number; api: number }): string[] =>
  [
    ...Array.from({ length: counts.localFast }, (_, index) => ({
      id: `${scenario}-fast-${index}`,
      privacy: 'PRIVATE',
      taskType: 'classification',
      prompt: `Classify reading ${scenario}-${index} (12 kWh at 3 am) as normal or odd.`,
    })),
    ...Array.from({ length: counts.localQuality }, (_, index) => ({
      id: `${scenario}-quality-${index}`,
      privacy: 'PRIVATE',
      taskType: 'reasoning',
      prompt: `Request ${scenario}-q${index}: analyse the plant, compare this year with last year, derive the baseload and plan the optimization step by step.`,
    })),
    ...Array.from({ length: counts.api }, (_, index) => ({
      id: `${scenario}-api-${index}`,
      privacy: 'PUBLIC',
      taskType: 'reasoning',
      prompt: `Request ${scenario}-a${index}: analyse the plant, compare this year with last year, derive the baseload and plan an optimization step by step. ${FILLER.repeat(12)}`,
    })),
  ].map((line) => JSON.stringify(line));

/** The shipped config with chaos prices, a small api maxTokens, short backoffs and the scenario's budget. */
const writeConfig = (dir: string, apiModel: string, definition: ScenarioDefinition, sizes: ChaosSizes): string => {
  // biome-ignore lint/suspicious/noExplicitAny: the shipped YAML config, edited in place before it is written back
  const config = parseYaml(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, any>;
  config.prices = { ...config.prices, [apiModel]: CHAOS_API_PRICE };
  config.tiers.api.candidates = config.tiers.api.candidates.map((candidate: Record<string, unknown>) => ({ ...candidate, maxTokens: CHAOS_API_MAX_TOKENS }));
  config.retries = { ...config.retries, backoffBaseMs: 200, backoffMaxMs: 3_000 };
  const capUsd = definition.capUsd ?? 100;
  config.budgets = {
    ...config.budgets,
    dailyUsd: capUsd,
    monthlyUsd: capUsd,
    onExhausted: 'review',
    ...(definition.maxReservationShare !== undefined ? { maxReservationShare: definition.maxReservationShare } : {}),
  };
  // Shorter recovery timings where the config has them (the CI form cannot wait minutes).
  if (sizes.recovery && config.recovery) config.recovery = { ...config.recovery, ...sizes.recovery };
  const path = join(dir, 'eaio.yaml');
  writeFileSync(path, stringifyYaml(config));
  return path;
};

/**
 * Runs one scenario end to end with the project's real processes: a fresh database on the
 * shared PostgreSQL (reached directly, or through a cuttable proxy), queues on the shared
 * Redis under a fresh prefix or on a private redis-server, the provider emulator in this
 * process, `eaio workers` child processes and `eaio submit --jsonl`. Waits until the batch
 * drains (or stalls), stops the workers gracefully, then measures.
 */
export const runScenario = async (definition: ScenarioDefinition, options: ChaosOptions): Promise<ScenarioFigures> => {
  const { sizes } = options;
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), `eaio-chaos-${definition.name}-`));
  const cleanups: (() => Promise<void>)[] = [];
  const notes: string[] = [];
  const workers: WorkerProcess[] = [];
  let workerSerial = 0;
  try {
    // Postgres: a fresh database, reached directly by the harness.
    const adminUrl = options.adminDatabaseUrl ?? process.env.CHAOS_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const databaseName = `eaio_chaos_${definition.name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomUUID().slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    await admin.end();
    cleanups.push(async () => {
      if (options.keep) return;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      await client.end();
    });
    const directUrl = new URL(adminUrl);
    directUrl.pathname = `/${databaseName}`;
    const database = createDb(directUrl.toString(), { max: 4 });
    cleanups.push(() => database.close());
    await migrate(database);
    let workerDatabaseUrl = directUrl.toString();
    let postgresProxy: TcpProxy | undefined;
    if (definition.postgresProxy) {
      postgresProxy = await startTcpProxy({ host: directUrl.hostname, port: Number(directUrl.port || 5432) });
      cleanups.push(() => postgresProxy!.close());
      const proxied = new URL(directUrl);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(postgresProxy.port);
      workerDatabaseUrl = proxied.toString();
    }

    // Redis: the shared one under a fresh prefix, or a private server this scenario may kill.
    const namespace = `chaos${randomUUID().slice(0, 8)}`;
    let redis: PrivateRedis | undefined;
    let redisUrl = options.sharedRedisUrl ?? process.env.CHAOS_REDIS_URL ?? 'redis://127.0.0.1:6379';
    if (definition.redis !== 'shared') {
      redis = await startPrivateRedis({ port: await freePort(), dir, aof: definition.redis === 'private-aof' });
      cleanups.push(() => redis!.stop());
      redisUrl = redis.url;
    }
    const store = createQueueStore({ kind: 'redis', url: redisUrl, prefix: namespace });
    const queues = {
      'local-fast': store.createQueue('local-fast'),
      'local-quality': store.createQueue('local-quality'),
      api: store.createQueue('api'),
      review: store.createQueue('review'),
    };
    for (const queue of Object.values(queues)) queue.on('error', () => undefined);
    cleanups.push(async () => {
      for (const queue of Object.values(queues)) {
        await queue.obliterate({ force: true }).catch(() => undefined);
        await queue.close().catch(() => undefined);
      }
      // Whatever else the pipeline keeps under the namespace (slot leases, host health, provider guard).
      const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await client.connect();
        for await (const keys of client.scanStream({ match: `${namespace}:*`, count: 500 })) {
          if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
        }
      } finally {
        client.disconnect();
      }
    });

    // The emulator: two local hosts (cap 2 each) and one api host, the log kept whole.
    const base = loadConfig({ env: {} });
    const models = {
      localFast: base.tiers['local-fast'].candidates[0].model,
      localQuality: base.tiers['local-quality'].candidates[0].model,
      api: base.tiers.api.candidates[0].model,
    };
    const localHosts = ['ollama-1', 'ollama-2'];
    const emulator = await startEmulator({
      hosts: [...localHosts.map((name) => ({ name })), { name: 'api' }],
      seed: 9,
      timeScale: sizes.timeScale,
      maxLogEntries: 1_000_000,
      logBodies: false,
      answerSynthesizer: synthesizeAnswer,
      defaultModel: PRESETS.api,
      models: {
        // Some answers cut short (the gate fails them: escalation), a few 500s (BullMQ retries).
        [models.localFast]: withBehaviour(PRESETS.local3b, { faults: { truncated: 0.1, serverError: 0.02 } }),
        [models.localQuality]: withBehaviour(PRESETS.local7b, { faults: { truncated: 0.05, serverError: 0.02 } }),
        [models.api]: withBehaviour(PRESETS.api, { faults: { serverError: 0.02 }, retryAfterSeconds: 1 }),
      },
    });
    cleanups.push(() => emulator.close());
    const url = (name: string) => emulator.hosts.find((host) => host.name === name)!.url;

    const capUsd = definition.capUsd ?? 100;
    const env: Record<string, string> = {
      EAIO_CONFIG: writeConfig(dir, models.api, definition, sizes),
      EAIO_NAMESPACE: namespace,
      REDIS_URL: redisUrl,
      DATABASE_URL: workerDatabaseUrl,
      LOG_LEVEL: 'info',
      OLLAMA_BASE_URL: localHosts.map(url).join(','),
      OPENAI_API_KEY: 'chaos-not-a-real-key',
      OPENAI_BASE_URL: `${url('api')}/v1`,
      ANTHROPIC_API_KEY: '',
      GOOGLE_API_KEY: '',
      DEEPSEEK_API_KEY: '',
      LOCAL_OPENAI_BASE_URL: '',
      LLM_DAILY_BUDGET: String(capUsd),
      LLM_MONTHLY_BUDGET: String(capUsd),
      MAX_CONCURRENT_API: String(definition.maxConcurrentApi ?? 10),
      MAX_CONCURRENT_LOCAL: '2',
      DEFAULT_PRIVACY_LEVEL: 'PRIVATE',
      EMERGENCY_LOCAL_ONLY: 'false',
      API_TIMEOUT_SEC: String(sizes.apiTimeoutSec),
    };

    // Like the compose file's `restart: unless-stopped`, a worker that dies on its own is started again (and noted).
    let finishing = false;
    let crashes = 0;
    const spawnWorker = async (): Promise<WorkerProcess> => {
      workerSerial += 1;
      const worker = startWorkers({ name: `worker-${workerSerial}`, args: WORKER_ARGS, env, logDir: dir });
      workers.push(worker);
      void worker.exited.then(async () => {
        if (!worker.crashed() || finishing) return;
        crashes += 1;
        await sleep(Math.min(10_000, 1_000 * 2 ** Math.min(crashes - 1, 4)));
        if (!finishing) spawnWorker().catch(() => undefined);
      });
      await worker.ready;
      return worker;
    };
    cleanups.push(async () => {
      finishing = true;
      await Promise.all(workers.map((worker) => worker.kill()));
    });

    let drained = false;
    const context: ChaosContext = {
      sizes,
      dir,
      emulator,
      models,
      localHosts,
      redis,
      postgresProxy,
      workers,
      spawnWorker,
      drained: () => drained,
      note: (text) => notes.push(text),
      log: (text) => log(`[${definition.name}] ${text}`),
    };
    await definition.prepare?.(context);

    // Input, workers, submit.
    const counts = definition.jobs?.(sizes) ?? { localFast: sizes.localFastJobs, localQuality: sizes.localQualityJobs, api: sizes.apiJobs };
    const lines = jobLines(definition.name, counts);
    const jsonl = join(dir, 'jobs.jsonl');
    writeFileSync(jsonl, `${lines.join('\n')}\n`);
    await Promise.all(Array.from({ length: options.workerProcesses ?? 2 }, () => spawnWorker()));
    context.log(`${workers.length} worker processes up; submitting ${lines.length} jobs`);
    const submittedAt = Date.now();
    const { batchId, output } = await submitJsonl({ jsonl, name: definition.name, env, logDir: dir });
    const routed = /enqueued: local-fast (\d+), local-quality (\d+), api (\d+)/.exec(output);
    if (!routed || Number(routed[1]) !== counts.localFast || Number(routed[2]) !== counts.localQuality || Number(routed[3]) !== counts.api) {
      notes.push(`routing differs from the intended mix: ${output.split('\n').find((line) => line.includes('enqueued')) ?? output.slice(0, 200)}`);
    }

    const progress = async () => {
      const { rows } = await database.pool.query<{
        terminal: number;
        status: string | null;
        attempts: number;
        started: number;
        reservations: number;
        reserved: string;
        updated: string | null;
      }>(
        `SELECT (SELECT count(*)::int FROM jobs WHERE batch_id = $1 AND state = ANY($2)) AS terminal,
                (SELECT status FROM batches WHERE id = $1) AS status,
                (SELECT count(*)::int FROM attempts WHERE batch_id = $1) AS attempts,
                (SELECT count(*)::int FROM attempts WHERE batch_id = $1 AND outcome = 'started') AS started,
                (SELECT count(*)::int FROM budget_reservations WHERE status = 'open') AS reservations,
                (SELECT coalesce(sum(reserved_micro_usd), 0)::text FROM budget_counters) AS reserved,
                (SELECT max(updated_at)::text FROM jobs WHERE batch_id = $1) AS updated`,
        [batchId, [...TERMINAL_JOB_STATES]],
      );
      return rows[0];
    };

    // The fault, once a share of the jobs is done; it runs while the drain is watched.
    let faultOver = false;
    let faults = 0;
    let faultError: unknown;
    const fault = (async () => {
      while (!drained && (await progress()).terminal < Math.ceil(lines.length * (definition.faultAtShare ?? sizes.faultAtShare))) {
        if (Date.now() - submittedAt > sizes.deadlineMs) return;
        await sleep(200);
      }
      // Drained before the fault could strike: the row says so (0 faults) instead of faulting an idle system.
      if (drained) return;
      context.log(`fault: ${definition.fault}`);
      faults = await definition.inject(context);
      context.log(`fault over (struck ${faults} time(s))`);
    })()
      .catch((error: unknown) => {
        faultError = error;
      })
      .finally(() => {
        faultOver = true;
      });

    // Drained: every job terminal and the batch done. Clean: drained, and no attempt left
    // `started`, no reservation open (what a crash leaves is cleaned up by the reconciler and
    // the reservation sweeper, so the harness gives them `settleMs` after the drain).
    let ending: ScenarioFigures['ending'] = 'deadline';
    let drainMs: number | undefined;
    let cleanMs: number | undefined;
    let lastSignature = '';
    let lastChange = Date.now();
    let lastReport = 0;
    for (;;) {
      const now = Date.now();
      const state = await progress().catch(() => undefined);
      if (state) {
        if (state.terminal === lines.length && state.status === 'done') {
          drained = true;
          if (drainMs === undefined) drainMs = now - submittedAt;
          if (state.started === 0 && state.reservations === 0 && Number(state.reserved) === 0) cleanMs = now - submittedAt;
        }
        const signature = `${state.terminal}|${state.attempts}|${state.started}|${state.reservations}|${state.reserved}|${state.updated}`;
        if (signature !== lastSignature) {
          lastSignature = signature;
          lastChange = now;
        }
        if (now - lastReport > 10_000) {
          lastReport = now;
          context.log(
            `${((now - submittedAt) / 1000).toFixed(0)} s: terminal ${state.terminal}/${lines.length}, batch ${state.status}, attempts ${state.attempts} (${state.started} started), open reservations ${state.reservations}`,
          );
        }
      }
      if (faultOver && cleanMs !== undefined) {
        ending = 'drained';
        break;
      }
      if (faultOver && drainMs !== undefined && now - submittedAt - drainMs > sizes.settleMs) {
        ending = 'drained';
        break;
      }
      if (faultOver && drainMs === undefined && now - lastChange > sizes.stallMs) {
        ending = 'stalled';
        break;
      }
      if (now - submittedAt > sizes.deadlineMs) break;
      await sleep(500);
    }
    await fault;
    if (faultError) notes.push(`the fault injection failed: ${faultError instanceof Error ? faultError.message : String(faultError)}`);
    context.log(`${ending} after ${((Date.now() - submittedAt) / 1000).toFixed(1)} s; stopping workers`);

    finishing = true;
    for (const worker of workers.filter((candidate) => candidate.crashed())) {
      const lastLines = worker.tail(4_000).trim().split('\n').slice(-3).join(' | ').slice(-400);
      notes.push(`${worker.name} died on its own (exit ${worker.child.exitCode ?? worker.child.signalCode}): ${lastLines}`);
    }
    // Let every process finish what it holds (graceful stop), and whatever was cut come back, then measure.
    await postgresProxy?.restore();
    await redis?.start();
    for (const host of localHosts) await emulator.startHost(host);
    await Promise.all(workers.map((worker) => worker.stop(20_000)));
    const figures = await measure({
      scenario: definition.name,
      pool: database.pool,
      batchId,
      submitted: lines.length,
      queues,
      emulatorLog: emulator.log(),
      capMicro: capUsd * 1_000_000,
      drainMs,
      cleanMs,
      ending,
      faults,
      notes,
    });
    if (options.keep) figures.notes.push(`logs and input kept in ${dir}, database ${databaseName} kept`);
    return figures;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => log(`[${definition.name}] cleanup: ${error instanceof Error ? error.message : String(error)}`));
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
};
