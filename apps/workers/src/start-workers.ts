import { randomUUID } from 'node:crypto';
import type { Job, Worker } from 'bullmq';
import type { EaioConfig, Tier } from '@eaio/core';
import type { PipelineJobData, QueueStore, SlotLeaser } from '@eaio/queues';
import { providerBackoff } from './backoff';
import { startLocalRunner } from './local-runner';
import { localHostsOf } from './model-selector';
import { processPipelineJob, type ProcessDeps } from './process-job';
import type { TierQueues } from './queue-enqueuer';

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

  // `lockLost` aborts when the job's lock is gone: the provider call stops with it.
  const run = async (job: Job<PipelineJobData>, host?: string, lockLost?: AbortSignal) => {
    const outcome = await processPipelineJob(job, lockLost ? { ...deps, signal: AbortSignal.any([abort.signal, lockLost]) } : deps, host);
    options.onOutcome?.(job, outcome);
    return outcome;
  };

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
      // Manual fetching: the stalled-job check must be started by hand.
      worker.startStalledCheckTimer().catch((error) => options.onError(error, `stalled check ${tier}`));
      workers[tier] = worker;
    }
    const runner = startLocalRunner({
      hosts,
      workers,
      leaser: options.leaser,
      process: (job, host, lockLost) => run(job, host, lockLost),
      idlePollMs: options.idlePollMs,
      hostReady: options.hostReady,
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
    const worker = options.store.createWorker<PipelineJobData>('api', (job, _token, signal) => run(job, undefined, signal), {
      name: workerId,
      concurrency: config.tiers.api.concurrency,
      settings,
      lockDuration: options.lockDurationMs ?? Math.max(30_000, (config.tiers.api.timeoutSec ?? config.limits.apiTimeoutSec) * 2000),
      stalledInterval: options.stalledIntervalMs ?? 30_000,
    });
    worker.on('error', (error) => options.onError(error, 'worker api'));
    // A lost lock means another worker may own the job: stop its call.
    worker.on('lockRenewalFailed', (jobIds) => jobIds.forEach((jobId) => worker.cancelJob(jobId, 'job lock lost')));
    worker.run().catch((error) => options.onError(error, 'worker api run'));
    closers.push(() => worker.close());
  }

  return {
    id: workerId,
    async close(closeOptions = {}) {
      if (closeOptions.force) abort.abort();
      await Promise.all(closers.map((close) => close()));
    },
  };
};
