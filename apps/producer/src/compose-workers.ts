import type { Registry } from 'prom-client';
import type { Logger } from '@eaio/core';
import { EndpointPool, createAdapter, createBatchClient, type BatchClient, type ProviderAdapter } from '@eaio/providers';
import { createBudgetAlerter, createPriceCatalog, createSpendGuard, overridesFromConfig, startReservationSweeper } from '@eaio/spend';
import {
  createAnalyzer,
  createBatchLane,
  createEscalationPolicy,
  createModelSelector,
  createPostgresPipelineStore,
  createQueueEnqueuer,
  createSharedHostHealth,
  reconcile,
  startWorkers,
  type ProcessOutcome,
  type SpendGuard,
  type WorkersHandle,
} from '@eaio/workers';
import type { Job } from 'bullmq';
import type { PipelineJobData } from '@eaio/queues';
import type { Tier } from '@eaio/core';
import type { Runtime } from './runtime';
import { createWorkerEgress } from './worker-egress';
import { checkConfiguredModels, logModelProblems } from './commands/providers-command';
import type { PipelineMetrics } from './pipeline-metrics';

/** The provider batch lane of deadline batches (`batchApi`); `undefined` when turned off. */
export const createWorkerBatchLane = (runtime: Runtime, log: Logger) => {
  const { config } = runtime;
  if (!config.batchApi.enabled) return undefined;
  const clients = new Map<string, BatchClient | undefined>();
  return createBatchLane({
    database: runtime.database,
    config: config.batchApi,
    endpoints: config.endpoints,
    clientFor: (endpointId) => {
      if (!clients.has(endpointId)) {
        const endpoint = config.endpoints.find((entry) => entry.id === endpointId && entry.enabled && !entry.local);
        clients.set(endpointId, endpoint && config.batchApi.priceShare[endpoint.provider] !== undefined ? createBatchClient(endpoint) : undefined);
      }
      return clients.get(endpointId);
    },
    promote: async (queueJobId) => {
      const job = await runtime.queues.api.getJob(queueJobId);
      if (job && (await job.getState()) === 'delayed') await job.promote();
    },
    log,
  });
};

export const createSpend = (runtime: Runtime, log: Logger, registry?: Registry) => {
  const { config } = runtime;
  const catalog = createPriceCatalog({
    overrides: overridesFromConfig(
      config.prices,
      config.endpoints.map((endpoint) => endpoint.provider),
    ),
  });
  const alerter = createBudgetAlerter({ db: runtime.database.pool, budgets: config.budgets, logger: log, registry });
  const guard = createSpendGuard({
    db: runtime.database.pool,
    catalog,
    budgets: config.budgets,
    emergencyLocalOnly: config.routing.emergencyLocalOnly,
    timezone: config.report.timezone,
    alerter,
    logger: log,
  });
  return { catalog, guard };
};

export interface ComposeWorkersOptions {
  tiers?: Tier[];
  registry?: Registry;
  /** Observes every provider call (through the pipeline store) and slot lease; its registry is used when `registry` is not given. */
  metrics?: PipelineMetrics;
  onOutcome?: (job: Job<PipelineJobData>, outcome: ProcessOutcome) => void;
  idlePollMs?: number;
  /** See `StartWorkersOptions.lockDurationMs` (`eaio workers --lock-duration`). */
  lockDurationMs?: number;
  /** See `StartWorkersOptions.stalledIntervalMs` (`eaio workers --stalled-interval`). */
  stalledIntervalMs?: number;
  /** How long a healthy endpoint's check is trusted (local hosts: across processes), ms. @defaultValue 30000 */
  healthIntervalMs?: number;
}

/** Wires the tier workers of this process to providers, gate, Postgres, queues and spend. */
export const composeWorkers = async (runtime: Runtime, options: ComposeWorkersOptions = {}): Promise<WorkersHandle & { stopSweeper: () => void }> => {
  const { config, log } = runtime;
  // Adapters for every enabled endpoint, with cached health: a host that is down is skipped.
  // keep_alive from the config goes with every Ollama call; the derived local timeouts count on it.
  // Local hosts' health is shared by every process (checked at most once per interval per host,
  // never beside a full host: a check takes a slot of its own; answered calls count as checks).
  const hostHealth = createSharedHostHealth({
    leaser: runtime.leaser,
    intervalMs: options.healthIntervalMs,
    capOf: (hostId) => config.endpoints.find((endpoint) => endpoint.id === hostId)?.maxInFlight ?? config.limits.maxConcurrentLocal,
    onError: (error, context) => log.warn({ error: error instanceof Error ? error.message : String(error), context }, 'host health'),
  });
  const rawAdapters = new Map<string, ProviderAdapter>();
  const pool = new EndpointPool({
    endpoints: config.endpoints,
    healthTtlMs: options.healthIntervalMs,
    adapterFactory: (endpoint) => {
      const adapter = createAdapter(endpoint, { retryAfterMaxMs: config.retries.retryAfterMaxMs, ollama: { keepAlive: config.localTimeout.keepAlive } });
      rawAdapters.set(endpoint.id, adapter);
      return hostHealth.wrap(endpoint, adapter);
    },
  });
  // Configured models an endpoint does not list, or past a known retirement date: said now, not at call time.
  // Advisory only: a check that throws is logged and the workers start all the same.
  await checkConfiguredModels(config, { adapterFactory: (endpoint) => pool.adapter(endpoint.id) ?? createAdapter(endpoint), timeoutMs: 3_000 })
    .then((report) => logModelProblems(report, log))
    .catch((error: unknown) => log.warn({ err: error }, 'the configured-model check at start-up failed; workers start anyway'));
  const { guard } = createSpend(runtime, log, options.registry ?? options.metrics?.registry);
  const stopSweeper = startReservationSweeper(guard, { intervalMs: 30_000, logger: log });
  const handle = await startWorkers({
    config,
    store: runtime.store,
    queues: runtime.queues,
    leaser: options.metrics ? options.metrics.instrumentLeaser(runtime.leaser) : runtime.leaser,
    tiers: options.tiers,
    idlePollMs: options.idlePollMs,
    // Only this host, and through the shared record: no slot of it is held while asking.
    hostReady: async (hostId) => {
      const endpoint = config.endpoints.find((entry) => entry.id === hostId);
      const adapter = rawAdapters.get(hostId);
      if (!endpoint || !adapter) return false;
      // A call that could not reach the host marked it down in this process: wait for the next check.
      const marked = pool.health().find((health) => health.endpointId === hostId);
      if (marked && !marked.ok && marked.checkedAt > Date.now() - 5_000) return false;
      return (await hostHealth.checkHealth(endpoint, adapter, { timeoutMs: 3_000 })).ok;
    },
    lockDurationMs: options.lockDurationMs,
    stalledIntervalMs: options.stalledIntervalMs,
    // While PostgreSQL or the queue store is unreachable this process takes no jobs and a job
    // that met the outage waits (delayed) without using up an attempt; this says when both answer.
    storeProbe: async () => {
      await runtime.database.pool.query('SELECT 1');
      await runtime.queues['local-fast'].getJobCounts('waiting');
    },
    onStoreState: (state) =>
      state.down
        ? log.error(
            { error: state.error instanceof Error ? state.error.message : String(state.error) },
            'a store is unreachable: taking no jobs until it answers (attempts are not used up)',
          )
        : log.warn({ downForMs: state.downForMs }, 'stores reachable again: taking jobs'),
    reconcile: () => reconcile({ database: runtime.database, queues: runtime.queues, config, lockKey: `eaio-reconcile ${runtime.store.label}`, log }),
    deps: {
      selector: createModelSelector({
        config,
        pool,
        guard: runtime.guard,
        onGuardError: (error) => log.warn({ error: error instanceof Error ? error.message : String(error) }, 'provider guard: could not record a call outcome'),
      }),
      analyzer: createAnalyzer(config),
      egress: createWorkerEgress(runtime),
      batchLane: createWorkerBatchLane(runtime, log),
      store: options.metrics ? options.metrics.instrumentStore(createPostgresPipelineStore(runtime.database)) : createPostgresPipelineStore(runtime.database),
      escalation: createEscalationPolicy(config),
      enqueuer: createQueueEnqueuer(runtime.queues, config.retries.attemptsPerTier),
      spend: guard as unknown as SpendGuard,
      now: () => new Date(),
      log,
    },
    onOutcome: options.onOutcome,
    onError: (error, context) => log.error({ error: error instanceof Error ? error.message : String(error), context }, 'worker error'),
  });
  return {
    id: handle.id,
    stopSweeper,
    async close(closeOptions) {
      stopSweeper();
      await handle.close(closeOptions);
    },
  };
};
