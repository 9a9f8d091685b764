import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type pg from 'pg';
import type { EaioConfig, Logger } from '@eaio/core';
import { createDb, embeddedDataDir, migrate, startEmbeddedPostgres, type Database } from '@eaio/db';
import {
  createPostgresGuardStore,
  createPostgresSlotLeaser,
  createProviderGuard,
  createRedisGuardStore,
  createQueueStore,
  createRedisSlotLeaser,
  type PipelineJobData,
  type ProviderGuard,
  type QueueStore,
  type ReviewJobData,
  type SlotLeaser,
} from '@eaio/queues';
import type { TierQueues } from '@eaio/workers';
import { TIMESCALE_CONTINUOUS_AGGREGATE_SQL } from '@eaio/spend';
import { checkPostgres, checkRedis, explainConnectionError } from './service-check';

export interface RuntimeOptions {
  config: EaioConfig;
  log: Logger;
  /**
   * Where the embedded PostgreSQL keeps its data when no `DATABASE_URL` is set.
   * @defaultValue '.eaio/postgres'
   */
  dataDir?: string;
  /** Embedded PostgreSQL port. @defaultValue 54329 */
  embeddedPort?: number;
  /** Redis key prefix / Postgres queue schema (tests use a fresh one). @defaultValue 'eaio' */
  namespace?: string;
  /** Apply migrations on open. @defaultValue true */
  migrate?: boolean;
}

/** Connections every command shares: Postgres (given or embedded), the queue store, the queues. */
export interface Runtime {
  config: EaioConfig;
  log: Logger;
  database: Database;
  databaseUrl: string;
  store: QueueStore;
  queues: TierQueues;
  leaser: SlotLeaser;
  /** Circuit breakers, 429 pauses and rate limits per provider, shared by every process (Redis, or PostgreSQL with the queues there). */
  guard: ProviderGuard;
  /** `embedded` when this process started its own PostgreSQL. */
  mode: { queues: 'redis' | 'postgres'; database: 'external' | 'embedded' };
  close(): Promise<void>;
}

/** URL of an embedded server that a live process already runs from `dataDir` (its postmaster.pid), if any. */
const runningEmbeddedPostgres = (dataDir: string, port: number): string | undefined => {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return `postgres://postgres:postgres@127.0.0.1:${port}/eaio`;
};

export const openRuntime = async (options: RuntimeOptions): Promise<Runtime> => {
  const { config, log } = options;
  const closers: (() => Promise<void>)[] = [];
  // A service that is down fails here with one line saying where and what to do, before
  // any client starts retrying (and printing) in the background.
  if (config.connections.redisUrl) await checkRedis(config.connections.redisUrl);
  if (config.connections.databaseUrl) await checkPostgres(config.connections.databaseUrl);
  let databaseUrl = config.connections.databaseUrl;
  let databaseMode: Runtime['mode']['database'] = 'external';
  if (!databaseUrl) {
    const dataDir = resolve(options.dataDir ?? '.eaio/postgres');
    mkdirSync(dataDir, { recursive: true });
    const port = options.embeddedPort ?? 54329;
    const running = runningEmbeddedPostgres(embeddedDataDir(dataDir), port);
    if (running) {
      // Another eaio process (e.g. `npm start`) owns the embedded server: share it, never stop it.
      log.debug({ dataDir }, 'no DATABASE_URL: using the embedded PostgreSQL another eaio process runs');
      databaseUrl = running;
    } else {
      log.info({ dataDir }, 'no DATABASE_URL: starting embedded PostgreSQL');
      const embedded = await startEmbeddedPostgres({ dataDir, port });
      if (embedded.dataDir !== dataDir) {
        // Root with a checkout the postgres user cannot enter (root's home, a mktemp -d folder).
        log.warn(
          { dataDir: embedded.dataDir, binaries: embedded.binariesDir },
          `the postgres user cannot reach ${dataDir}: embedded PostgreSQL keeps its data in ${embedded.dataDir}`,
        );
      }
      databaseUrl = embedded.url;
      closers.push(() => embedded.stop());
    }
    databaseMode = 'embedded';
  }
  const database = createDb(databaseUrl);
  closers.push(() => database.close());
  // On TimescaleDB, attempts becomes a hypertable and the cost report gets its continuous aggregate.
  if (options.migrate !== false) await migrate(database, { timescaleStatements: [TIMESCALE_CONTINUOUS_AGGREGATE_SQL] });

  const namespace = options.namespace ?? 'eaio';
  const redisUrl = config.connections.redisUrl;
  const store = redisUrl
    ? createQueueStore({ kind: 'redis', url: redisUrl, prefix: namespace })
    : createQueueStore({ kind: 'postgres', url: databaseUrl, schema: `${namespace.replace(/[^a-z0-9_]/gi, '_')}_queues` });
  const queues: TierQueues = {
    'local-fast': store.createQueue<PipelineJobData>('local-fast'),
    'local-quality': store.createQueue<PipelineJobData>('local-quality'),
    api: store.createQueue<PipelineJobData>('api'),
    review: store.createQueue<ReviewJobData>('review'),
  };
  // Redis going away mid-command: one log line per distinct failure instead of BullMQ's
  // stack trace on every reconnect attempt (it prints them when nobody listens).
  const reported = new Set<string>();
  for (const queue of Object.values(queues)) {
    queue.on('error', (error: unknown) => {
      const line = explainConnectionError(error, { ...config.connections, databaseUrl }) ?? (error instanceof Error ? error.message : String(error));
      if (reported.has(line)) return;
      reported.add(line);
      log.warn(line);
    });
  }
  closers.push(async () => {
    await Promise.all(Object.values(queues).map((queue) => queue.close()));
  });
  const leaseOptions = { leaseMs: config.limits.slotLeaseMs };
  const leaser = redisUrl ? createRedisSlotLeaser(redisUrl, namespace, leaseOptions) : createPostgresSlotLeaser(database.pool as pg.Pool, leaseOptions);
  closers.push(() => leaser.close());
  const guard = createProviderGuard(redisUrl ? createRedisGuardStore(redisUrl, namespace) : createPostgresGuardStore(database.pool as pg.Pool, namespace), {
    breaker: {
      failureThreshold: config.circuitBreaker.failureThreshold,
      windowMs: config.circuitBreaker.windowSec * 1000,
      coolDownMs: config.circuitBreaker.coolDownSec * 1000,
      probeTimeoutMs: config.circuitBreaker.probeTimeoutSec * 1000,
    },
    limits: config.rateLimits.providers,
    limitWindowMs: config.rateLimits.windowSec * 1000,
    limitMarginMs: config.rateLimits.marginMs,
  });
  closers.push(() => guard.close());
  log.debug({ queues: store.label }, 'runtime open');
  return {
    config,
    log,
    database,
    databaseUrl,
    store,
    queues,
    leaser,
    guard,
    mode: { queues: redisUrl ? 'redis' : 'postgres', database: databaseMode },
    async close() {
      for (const close of closers.reverse()) {
        await close().catch((error) => log.warn({ err: error }, 'error while closing'));
      }
    },
  };
};
