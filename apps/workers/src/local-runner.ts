import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, type Worker } from 'bullmq';
import type { Tier } from '@eaio/core';
import { acquireSlot, type SlotLease, type SlotLeaser } from '@eaio/queues';
import type { PipelineJobData } from '@eaio/queues';

/** One local inference host and the local tiers whose models it serves. */
export interface LocalHost {
  id: string;
  /** In-flight cap across both local queues and all worker processes. @defaultValue 2 */
  maxInFlight: number;
  /** Queues this host serves, in the order they are drained (best tier first). */
  tiers: Tier[];
}

export interface LocalRunnerOptions {
  hosts: LocalHost[];
  /** Manual-fetch workers (null processor), one per local tier queue. */
  workers: Partial<Record<Tier, Worker<PipelineJobData>>>;
  leaser: SlotLeaser;
  process: (job: Job<PipelineJobData>, host: string) => Promise<unknown>;
  /**
   * Lock and slot-lease renewal period.
   * @defaultValue 5000
   */
  renewEveryMs?: number;
  /**
   * How long BullMQ's job lock lives between renewals.
   * @defaultValue 30000
   */
  lockMs?: number;
  /**
   * Sleep between polls when every queue this host serves is empty.
   * @defaultValue 25
   */
  idlePollMs?: number;
  onError: (error: unknown, context: string) => void;
  /**
   * Whether the host is up (cached health check); a loop whose host is down fetches
   * nothing, so its jobs stay queued for the healthy hosts. @defaultValue always up
   */
  hostReady?: (hostId: string) => Promise<boolean>;
  /**
   * Pause before a host that was down is checked again.
   * @defaultValue 1000
   */
  hostDownPollMs?: number;
}

/**
 * Work-conserving shared cap for the local tiers. For each host it runs `maxInFlight`
 * loops; each loop first takes a leased slot for the host (shared through Redis or
 * Postgres by every worker process), and only then fetches a job from
 * `local-quality` or `local-fast` with `Worker.getNextJob`, so a job is never taken
 * without a slot and a slot never idles while either queue has work.
 */
export const startLocalRunner = (options: LocalRunnerOptions) => {
  const renewEveryMs = options.renewEveryMs ?? 5_000;
  const lockMs = options.lockMs ?? 30_000;
  const idlePollMs = options.idlePollMs ?? 25;
  const stopping = new AbortController();
  const loops: Promise<void>[] = [];
  const inFlight = new Set<Promise<unknown>>();

  const fetchJob = async (host: LocalHost, token: string) => {
    for (const tier of host.tiers) {
      const worker = options.workers[tier];
      if (!worker) continue;
      const job = await worker.getNextJob(token, { block: false });
      if (job) return job;
    }
    return undefined;
  };

  const runOne = async (host: LocalHost, lease: SlotLease, job: Job<PipelineJobData>, token: string) => {
    const heartbeat = setInterval(() => {
      job.extendLock(token, lockMs).catch((error) => options.onError(error, 'extend job lock'));
      options.leaser.renew(lease).catch((error) => options.onError(error, 'renew slot lease'));
    }, renewEveryMs);
    try {
      const value = await options.process(job, host.id);
      await job.moveToCompleted(value as never, token, false);
    } catch (error) {
      if (error instanceof DelayedError) return;
      if (stopping.signal.aborted) {
        // Shutdown: hand the job back to its queue for another worker.
        await job.moveToWait(token).catch((e) => options.onError(e, 'return job on shutdown'));
        return;
      }
      await job.moveToFailed(error as Error, token, false).catch((e) => options.onError(e, 'move job to failed'));
    } finally {
      clearInterval(heartbeat);
    }
  };

  const loop = async (host: LocalHost) => {
    while (!stopping.signal.aborted) {
      const token = randomUUID();
      let lease: SlotLease | null;
      try {
        lease = await acquireSlot(options.leaser, host.id, host.maxInFlight, `${host.id}:${token}`, stopping.signal);
      } catch (error) {
        // The lease store is unreachable (database restarting, network): wait and try again.
        if (!stopping.signal.aborted) options.onError(error, `slot lease ${host.id}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (!lease) break;
      let pauseMs = 0;
      try {
        const ready = options.hostReady ? await options.hostReady(host.id) : true;
        const job = ready ? await fetchJob(host, token) : undefined;
        if (!ready) {
          pauseMs = options.hostDownPollMs ?? 1000;
        } else if (job) {
          const running = runOne(host, lease, job, token);
          inFlight.add(running);
          await running;
          inFlight.delete(running);
        } else {
          pauseMs = idlePollMs; // both queues empty: give the slot back, then poll again
        }
      } catch (error) {
        options.onError(error, `local loop ${host.id}`);
        pauseMs = 250;
      } finally {
        await options.leaser.release(lease).catch(() => undefined);
      }
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };

  for (const host of options.hosts) {
    for (let slot = 0; slot < host.maxInFlight; slot += 1) loops.push(loop(host));
  }

  return {
    /** Stops fetching; waits for in-flight jobs to finish. */
    async close(): Promise<void> {
      stopping.abort();
      await Promise.allSettled(loops);
    },
    /** Signal that is aborted once closing starts (pass to providers to cancel calls). */
    get stopping(): AbortSignal {
      return stopping.signal;
    },
  };
};
