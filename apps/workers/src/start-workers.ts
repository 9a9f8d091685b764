import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { EaioConfig, Tier } from '@eaio/core';
import { checkPipelineJobData, jobIdOfQueueJob, type PipelineJobData, type QueueStore, type SlotLeaser } from '@eaio/queues';
import { providerBackoff } from './backoff';
import { endUnprocessableJob } from './job-ending';
import { startLocalRunner } from './local-runner';
import { localHostsOf } from './model-selector';
import { processPipelineJob, RetryableAttemptError, type ProcessDeps } from './process-job';
import type { TierQueues } from './queue-enqueuer';
import { isStoreUnavailableError } from './store-errors';
import { createStoreGate } from './store-gate';

export interface StartWorkersOptions {
  config: EaioConfig;
  store: QueueStore;
  queues: TierQueues;
  leaser: SlotLeaser;
  /** Everything `processPipelineJob` needs except the shutdown signal. */
  deps: Omit<ProcessDeps, 'signal'>;
  /** Tiers this process serves. @defaultValue all three */
  tiers?: Tier[];
  /** Called with every finished delivery (tests and `eaio watch`). */
  onOutcome?: (job: Job<PipelineJobData>, outcome: Awaited<ReturnType<typeof processPipelineJob>>) => void;
  onError: (error: unknown, context: string) => void;
  /** Local runner idle poll, ms. @defaultValue 25 */
  idlePollMs?: number;
  /** Whether a local host is up (see `LocalRunnerOptions.hostReady`). */
  hostReady?: (hostId: string) => Promise<boolean>;
  /**
   * BullMQ job lock of this process's workers, ms: after a crash (SIGKILL) another
   * process may take the job back once the lock has expired. The worker renews it every
   * half period, so it need not outlast a call.
   * @defaultValue `30000` for local tiers, `max(30000, 2 × api timeout)` for the api tier
   */
  lockDurationMs?: number;
  /** How often this process looks for stalled jobs (locks lost with their worker), ms. @defaultValue `30000` */
  stalledIntervalMs?: number;
  /**
   * Resolves when PostgreSQL and the queue store answer. While a store is unreachable the
   * process fetches no jobs and calls this with a growing pause (up to
   * `recovery.storeRetryMaxMs`). @defaultValue every check passes at once
   */
  storeProbe?: () => Promise<void>;
  /** Told when the stores become unreachable and when they are back. */
  onStoreState?: (state: { down: true; error: unknown } | { down: false; downForMs: number }) => void;
  /**
   * The reconciler (see `reconcile`): run once at start and every
   * `recovery.reconcileIntervalSec`; it takes its own lock, so processes never overlap.
   */
  reconcile?: () => Promise<unknown>;
}

export interface WorkersHandle {
  /** Graceful: stop fetching, let in-flight jobs finish (or, when `force`, abort them and hand them back). */
  close(options?: { force?: boolean }): Promise<void>;
  readonly id: string;
}

/**
 * Starts the tier workers of one process. Local tiers run through the shared-cap
 * runner (manual fetch after a host slot is leased); the api tier is a BullMQ worker
 * with per-process concurrency plus the queue's global concurrency.
 */
export const startWorkers = async (options: StartWorkersOptions): Promise<WorkersHandle> => {
  const tiers = options.tiers ?? ['local-fast', 'local-quality', 'api'];
  const { config } = options;
  const workerId = `eaio-${randomUUID().slice(0, 8)}`;
  const abort = new AbortController();
  const deps: ProcessDeps = { ...options.deps, signal: abort.signal };
  const settings = { backoffStrategy: providerBackoff({ baseMs: config.retries.backoffBaseMs, maxMs: config.retries.backoffMaxMs }) };
  const closers: (() => Promise<void>)[] = [];
  const endDeps = { store: deps.store, enqueuer: deps.enqueuer, failedJobs: config.recovery.failedJobs };
  let apiWorker: Worker<PipelineJobData> | undefined;

  // A store that cannot be reached stops this process from taking jobs until it answers again.
  const gate = createStoreGate({
    probe: options.storeProbe ?? (async () => undefined),
    maxMs: config.recovery.storeRetryMaxMs,
    onDown: (error) => {
      options.onStoreState?.({ down: true, error });
      apiWorker?.pause(true).catch((pauseError) => options.onError(pauseError, 'pause api worker'));
    },
    onUp: (downForMs) => {
      options.onStoreState?.({ down: false, downForMs });
      if (!abort.signal.aborted && !closing) void apiWorker?.resume();
    },
  });
  let closing = false;

  /**
   * The job met an unreachable store: it goes back to its queue, delayed, without using up an
   * attempt (`moveToDelayed` + `DelayedError`, which both the BullMQ processor and the local
   * runner treat as handled). When the queue store itself is down the move fails too; the
   * job's lock then lapses and BullMQ's stalled check puts it back once the store is up.
   */
  const waitForStore = async (job: Job<PipelineJobData>, token: string | undefined, error?: unknown): Promise<never> => {
    if (error !== undefined) gate.trip(error);
    try {
      await job.moveToDelayed(Date.now() + gate.retryInMs(), token);
    } catch (moveError) {
      options.onError(moveError, `delay job ${job.id} while a store is unreachable`);
    }
    throw new DelayedError(`store unreachable: ${error instanceof Error ? error.message : 'waiting for it'}`);
  };

  /** Postgres ends the job that cannot be processed (failed, or review by config). */
  const endJob = async (job: Job<PipelineJobData>, reason: string) => {
    const checked = checkPipelineJobData(job.data);
    const jobId = checked.ok ? checked.data.jobId : typeof job.data?.jobId === 'string' ? job.data.jobId : jobIdOfQueueJob(job.id);
    if (!jobId) return;
    const ended = await endUnprocessableJob(endDeps, { jobId, data: checked.ok ? checked.data : undefined }, reason);
    if (ended !== 'already-ended') deps.log.warn({ jobId, queueJobId: job.id, state: ended, reason }, `job ended ${ended}: it could not be processed`);
  };

  /**
   * One delivery. Every way it can throw ends somewhere: a store outage delays the job
   * (no attempt used); a provider error is process-job's (retry, escalate, review); any other
   * error is retried by BullMQ while attempts remain and, on the last one, ends the job in
   * Postgres before BullMQ marks it failed; unreadable data and a job that stalled too often
   * end at once (`UnrecoverableError`).
   */
  // `lockLost` aborts when the job's lock is gone: the provider call stops with it.
  const run = async (job: Job<PipelineJobData>, token: string | undefined, host?: string, lockLost?: AbortSignal) => {
    if (gate.down) return waitForStore(job, token);
    try {
      // Set by BullMQ's stalled check once the job stalled more than maxStalledCount times.
      if (job.deferredFailure) throw new UnrecoverableError(job.deferredFailure);
      const checked = checkPipelineJobData(job.data);
      if (!checked.ok) throw new UnrecoverableError(checked.reason);
      const outcome = await processPipelineJob(job, lockLost ? { ...deps, signal: AbortSignal.any([abort.signal, lockLost]) } : deps, host);
      options.onOutcome?.(job, outcome);
      return outcome;
    } catch (error) {
      // Shutting down, or another worker may own the job now: the runner or BullMQ decides.
      if (error instanceof DelayedError || abort.signal.aborted || lockLost?.aborted) throw error;
      if (isStoreUnavailableError(error)) return waitForStore(job, token, error);
      if (RetryableAttemptError.isInstance(error)) throw error; // process-job saw attempts left
      const unrecoverable = error instanceof UnrecoverableError || (error instanceof Error && error.name === 'UnrecoverableError');
      const last = unrecoverable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!last) throw error;
      const reason = `${error instanceof Error ? error.message : String(error)}`.slice(0, 1000);
      try {
        await endJob(job, reason);
      } catch (endError) {
        if (isStoreUnavailableError(endError)) return waitForStore(job, token, endError);
        options.onError(endError, `end job ${job.id}`);
      }
      throw unrecoverable ? error : new UnrecoverableError(reason);
    }
  };

  /** BullMQ failed a job without running it (api worker: too many stalls, `maxStartedAttempts`). */
  const onFailed = (tier: Tier) => (job: Job<PipelineJobData> | undefined, error: Error) => {
    if (!job) return;
    void (async () => {
      if ((await job.getState()) !== 'failed') return; // retried
      await endJob(job, job.failedReason ?? error.message);
    })().catch((failure) => options.onError(failure, `end failed job ${job.id} (${tier}); the reconciler will`));
  };
  const onStalled = (tier: Tier) => (jobId: string) => deps.log.warn({ queueJobId: jobId, tier }, 'job stalled (its worker stopped renewing the lock): back in the queue');

  const localTiers = tiers.filter((tier) => tier !== 'api');
  const hosts = localHostsOf(config, localTiers);
  if (hosts.length > 0) {
    const workers: Partial<Record<Tier, Worker<PipelineJobData>>> = {};
    for (const tier of localTiers) {
      const worker = options.store.createWorker<PipelineJobData>(tier, null, {
        name: workerId,
        settings,
        lockDuration: options.lockDurationMs ?? 30_000,
        stalledInterval: options.stalledIntervalMs ?? 30_000,
        maxStalledCount: 2,
      });
      worker.on('error', (error) => options.onError(error, `worker ${tier}`));
      worker.on('stalled', onStalled(tier));
      // Manual fetching: the stalled-job check must be started by hand.
      worker.startStalledCheckTimer().catch((error) => options.onError(error, `stalled check ${tier}`));
      workers[tier] = worker;
    }
    const runner = startLocalRunner({
      hosts,
      workers,
      leaser: options.leaser,
      process: (job, host, lockLost) => run(job, job.token, host, lockLost),
      idlePollMs: options.idlePollMs,
      // No job is fetched while a store is unreachable.
      hostReady: async (hostId) => !gate.down && (options.hostReady ? await options.hostReady(hostId) : true),
      onError: options.onError,
    });
    closers.push(async () => {
      await runner.close();
      await Promise.all(Object.values(workers).map((worker) => worker!.close()));
    });
  }

  if (tiers.includes('api') && config.tiers.api.available) {
    await options.queues.api.setGlobalConcurrency(config.tiers.api.concurrency);
    // BullMQ renews the api jobs' locks itself (every half lockDuration) and hands the processor a signal.
    const worker = options.store.createWorker<PipelineJobData>('api', (job, token, signal) => run(job, token, undefined, signal), {
      name: workerId,
      concurrency: config.tiers.api.concurrency,
      settings,
      lockDuration: options.lockDurationMs ?? Math.max(30_000, (config.tiers.api.timeoutSec ?? config.limits.apiTimeoutSec) * 2000),
      stalledInterval: options.stalledIntervalMs ?? 30_000,
    });
    worker.on('error', (error) => options.onError(error, 'worker api'));
    // A lost lock means another worker may own the job: stop its call.
    worker.on('lockRenewalFailed', (jobIds) => {
      for (const jobId of jobIds) worker.cancelJob(jobId, 'job lock lost');
    });
    worker.on('failed', onFailed('api'));
    worker.on('stalled', onStalled('api'));
    worker.run().catch((error) => options.onError(error, 'worker api run'));
    apiWorker = worker;
    closers.push(() => worker.close());
  }

  // Deadline batches: the lane sends parked api calls as provider batches and polls them.
  if (deps.batchLane && tiers.includes('api') && config.tiers.api.available) closers.push(deps.batchLane.start());

  if (options.reconcile) {
    const reconcile = options.reconcile;
    let running: Promise<void> | undefined;
    const runReconcile = () => {
      running ??= reconcile()
        .then(() => undefined)
        .catch((error: unknown) => (isStoreUnavailableError(error) ? gate.trip(error) : options.onError(error, 'reconcile')))
        .finally(() => {
          running = undefined;
        });
      return running;
    };
    void runReconcile();
    const everyMs = config.recovery.reconcileIntervalSec * 1000;
    const timer = everyMs > 0 ? setInterval(() => void runReconcile(), everyMs) : undefined;
    timer?.unref();
    closers.push(async () => {
      if (timer) clearInterval(timer);
      await running;
    });
  }

  return {
    id: workerId,
    async close(closeOptions = {}) {
      closing = true;
      if (closeOptions.force) abort.abort();
      await Promise.all(closers.map((close) => close()));
      gate.close();
    },
  };
};
