import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, type Worker } from 'bullmq';
import type { Tier } from '@eaio/core';
import { acquireSlot, leaseRenewalMs, type SlotLease, type SlotLeaser } from '@eaio/queues';
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
  /** Manual-fetch workers (null processor), one per local tier queue; their `lockDuration` sets the lock renewal. */
  workers: Partial<Record<Tier, Worker<PipelineJobData>>>;
  leaser: SlotLeaser;
  /**
   * Runs one job. `signal` aborts when the job's lock is lost (a renewal failed, or the
   * lock expired before one succeeded): another worker may own the job by then, so the
   * work must stop (pass the signal to the provider call); the runner then neither
   * completes nor fails the job.
   */
  process: (job: Job<PipelineJobData>, host: string, signal: AbortSignal) => Promise<unknown>;
  /**
   * Job lock renewal period. Each renewal extends the lock by the fetching worker's
   * `lockDuration` (BullMQ's `lockRenewTime` rule).
   * @defaultValue half of the worker's `lockDuration`
   */
  renewEveryMs?: number;
  /**
   * Slot lease heartbeat period. Leases are short (`SlotLeaser.leaseMs`, 4 s by default) so a
   * killed worker's slots come free within seconds; the owner renews them this often.
   * @defaultValue a quarter of `leaser.leaseMs` (`leaseRenewalMs`)
   */
  leaseRenewEveryMs?: number;
  /**
   * Longest sleep of an idle slot loop. A loop that finds every queue it serves empty gives
   * its slot back and sleeps until BullMQ's own blocking wait (`Redis BZPOPMIN` on the
   * queue's marker, PostgreSQL `LISTEN`/`NOTIFY`) says a job arrived or a delayed one is due;
   * this is only the safety net against a wake-up that never comes. Idle, a process then
   * sends almost nothing to the queue store (it polled every 25 ms per loop before).
   * @defaultValue 30000
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

/** Why a job's work was stopped: its BullMQ lock is gone, so another worker may own the job. */
export class JobLockLostError extends Error {
  constructor(
    readonly jobId: string,
    reason: string,
  ) {
    super(`job ${jobId}: ${reason}; work stopped, the job is left to the worker that owns it now`);
    this.name = 'JobLockLostError';
  }
  static isInstance(value: unknown): value is JobLockLostError {
    return value instanceof Error && value.name === 'JobLockLostError';
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Runs `work` every `ms` (the next run is scheduled after the previous one settled) until stopped. */
const repeatEvery = (ms: number, work: () => Promise<void>): (() => void) => {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    timer = setTimeout(() => {
      void work().finally(() => {
        if (!stopped) schedule();
      });
    }, ms);
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
};

/**
 * Work-conserving shared cap for the local tiers. For each host it runs `maxInFlight`
 * loops; each loop first takes a leased slot for the host (shared through Redis or
 * Postgres by every worker process), and only then fetches a job from
 * `local-quality` or `local-fast` with `Worker.getNextJob`, so a job is never taken
 * without a slot and a slot never idles while either queue has work.
 *
 * While a job runs, its BullMQ lock is renewed at half the fetching worker's
 * `lockDuration` and the slot lease every `leaseRenewEveryMs`. When the lock is lost the
 * job's signal aborts (the provider call stops) and the job is neither completed nor
 * failed here: BullMQ's stalled check hands it to another worker.
 */
export const startLocalRunner = (options: LocalRunnerOptions) => {
  const idlePollMs = options.idlePollMs ?? 30_000;
  const leaseRenewEveryMs = options.leaseRenewEveryMs ?? leaseRenewalMs(options.leaser.leaseMs);
  const stopping = new AbortController();
  const loops: Promise<void>[] = [];
  const inFlight = new Set<Promise<unknown>>();

  /**
   * One watcher per runner sleeps on the blocking wait of every local worker (each has its own
   * blocking connection); every idle loop waits for it. It wakes them when a job arrives (or a
   * delayed one falls due), when `idlePollMs` passed, or on close.
   */
  const watched = [...new Set(options.hosts.flatMap((host) => host.tiers))]
    .map((tier) => options.workers[tier])
    .filter((worker): worker is Worker<PipelineJobData> => worker !== undefined);
  let wakeUp: Promise<void> | undefined;
  /**
   * BullMQ's own wait for a job (what `getNextJob(token, { block: true })` does before it
   * fetches): it answers the marker's score, which is `0` for a job waiting now, a due time
   * for a delayed one, and also `0` when it waited its whole `drainDelay` for nothing. A `0`
   * that came back before the drain delay ran out is therefore a job: `Date.now()`; a timeout
   * answers `0`.
   */
  const blockingWait = async (worker: Worker<PipelineJobData>): Promise<number> => {
    const startedAt = Date.now();
    const until = await (worker as unknown as { waitForJob(blockUntil: number): Promise<number> }).waitForJob(0);
    if (until !== 0) return until;
    const drainMs = (worker.opts.drainDelay ?? 5) * 1000;
    return Date.now() - startedAt >= drainMs - 100 ? 0 : Date.now();
  };
  const watch = async (): Promise<void> => {
    const until = Date.now() + idlePollMs;
    while (!stopping.signal.aborted && Date.now() < until) {
      const signalled = await Promise.race([
        ...watched.map(async (worker) => {
          try {
            return await blockingWait(worker);
          } catch (error) {
            options.onError(error, 'wait for a local job');
            await new Promise((resolve) => setTimeout(resolve, 500));
            return Date.now();
          }
        }),
        new Promise<number>((resolve) => stopping.signal.addEventListener('abort', () => resolve(Date.now()), { once: true })),
      ]);
      if (signalled === 0) continue; // the wait timed out (drainDelay): nothing arrived
      // Infinity: the worker is paused or closing (no wait was made); otherwise a delayed job's
      // marker carries its due time: sleep until then (within the safety net).
      const dueIn = Math.min(signalled === Infinity ? 1000 : signalled - Date.now(), until - Date.now());
      if (dueIn > 0) await sleep(dueIn, stopping.signal);
      return;
    }
  };
  const waitForWork = (): Promise<void> => {
    if (watched.length === 0) return sleep(idlePollMs, stopping.signal);
    wakeUp ??= watch().finally(() => {
      wakeUp = undefined;
    });
    return wakeUp;
  };

  const fetchJob = async (host: LocalHost, token: string) => {
    for (const tier of host.tiers) {
      const worker = options.workers[tier];
      if (!worker) continue;
      const job = await worker.getNextJob(token, { block: false });
      if (job) return { job, worker };
    }
    return undefined;
  };

  /**
   * Keeps the job's lock alive at half its duration, as BullMQ's own workers do. A renewal
   * that finds the lock gone (`extendLock` answers 0), or no successful renewal before the
   * lock would have expired (store unreachable), aborts `lockLost`.
   */
  const keepLock = (job: Job<PipelineJobData>, token: string, lockMs: number, lockLost: AbortController) => {
    let lockedUntil = Date.now() + lockMs;
    const lose = (reason: string) => {
      if (!lockLost.signal.aborted) lockLost.abort(new JobLockLostError(String(job.id), reason));
    };
    return repeatEvery(options.renewEveryMs ?? lockMs / 2, async () => {
      if (lockLost.signal.aborted) return;
      const askedAt = Date.now();
      try {
        const renewed = Number(await job.extendLock(token, lockMs)) === 1;
        if (renewed) lockedUntil = askedAt + lockMs;
        else lose('its lock was gone when renewed (expired or taken over)');
      } catch (error) {
        options.onError(error, `extend lock of job ${job.id}`);
        if (Date.now() >= lockedUntil) lose(`its lock expired (${lockMs} ms) before a renewal succeeded`);
      }
    });
  };

  /** Keeps the host slot; a lost lease (expired while this process stalled) is taken again when free. */
  const keepLease = (host: LocalHost, lease: SlotLease) =>
    repeatEvery(leaseRenewEveryMs, async () => {
      try {
        if (await options.leaser.renew(lease)) return;
        const again = await options.leaser.tryAcquire(host.id, host.maxInFlight, lease.leaseId);
        if (!again)
          options.onError(new Error(`slot lease ${lease.leaseId} expired and ${host.id} is at its cap; this call runs over the cap until it ends`), `renew slot lease ${host.id}`);
      } catch (error) {
        options.onError(error, `renew slot lease ${host.id}`);
      }
    });

  /** `hostDone` is called once the job's work (its call to the host included) has ended, before the job is moved on in its queue. */
  const runOne = async (job: Job<PipelineJobData>, worker: Worker<PipelineJobData>, token: string, host: LocalHost, hostDone: () => void) => {
    const lockLost = new AbortController();
    const stopRenewing = keepLock(job, token, worker.opts.lockDuration ?? 30_000, lockLost);
    try {
      const value = await options.process(job, host.id, lockLost.signal);
      hostDone();
      stopRenewing();
      if (lockLost.signal.aborted) {
        options.onError(lockLost.signal.reason, `job ${job.id}`);
        return;
      }
      await job.moveToCompleted(value as never, token, false);
    } catch (error) {
      hostDone();
      stopRenewing();
      if (error instanceof DelayedError) return;
      if (lockLost.signal.aborted) {
        // Another worker may own the job now: neither complete nor fail it.
        options.onError(lockLost.signal.reason, `job ${job.id}`);
        return;
      }
      if (stopping.signal.aborted) {
        // Shutdown: hand the job back to its queue for another worker.
        await job.moveToWait(token).catch((e) => options.onError(e, 'return job on shutdown'));
        return;
      }
      await job.moveToFailed(error as Error, token, false).catch((e) => options.onError(e, 'move job to failed'));
    } finally {
      stopRenewing();
    }
  };

  const giveBack = (lease: SlotLease) => options.leaser.release(lease).catch(() => undefined);

  /**
   * After a job the slot is kept for the loop's next one when no waiter is queued for the host
   * (`SlotLeaser.keepUnlessWaited`, one round trip instead of a release, an acquire and the wake-up
   * between them); with a waiter queued it is given back, so a freed slot still goes to the longest
   * waiting, whichever process it is in. A kept slot is given back when the next fetch finds no job,
   * when the host is down, and on close. Stores without a queue of waiters release after every job.
   */
  const afterJob = async (lease: SlotLease): Promise<SlotLease | null> => {
    if (!options.leaser.keepUnlessWaited || stopping.signal.aborted) {
      await giveBack(lease);
      return null;
    }
    try {
      return (await options.leaser.keepUnlessWaited(lease)) ? lease : null;
    } catch {
      // The store did not answer: give the slot back (or let the lease expire).
      await giveBack(lease);
      return null;
    }
  };

  const loop = async (host: LocalHost) => {
    /** The slot kept from the previous job, if any. */
    let kept: SlotLease | null = null;
    try {
      while (!stopping.signal.aborted) {
        // Whether the host is up, asked holding no slot of it (unless one was kept from the job
        // before): a check that has to reach the host takes a slot of its own for the moment it
        // runs (see host-health.ts), and is skipped when the host is at its cap.
        let ready: boolean;
        try {
          ready = options.hostReady ? await options.hostReady(host.id) : true;
        } catch (error) {
          options.onError(error, `health of ${host.id}`);
          ready = false;
        }
        if (!ready) {
          if (kept) await giveBack(kept);
          kept = null;
          await new Promise((resolve) => setTimeout(resolve, options.hostDownPollMs ?? 1000));
          continue;
        }
        const token = randomUUID();
        let lease: SlotLease | null = kept;
        kept = null;
        if (!lease) {
          try {
            lease = await acquireSlot(options.leaser, host.id, host.maxInFlight, `${host.id}:${token}`, stopping.signal);
          } catch (error) {
            // The lease store is unreachable (database restarting, network): wait and try again.
            if (!stopping.signal.aborted) options.onError(error, `slot lease ${host.id}`);
            await new Promise((resolve) => setTimeout(resolve, 500));
            continue;
          }
          if (!lease) break;
        }
        // Heartbeat from the moment the slot is held until it is given back: the lease is short,
        // so a worker that dies (SIGKILL) frees its slots within `leaser.leaseMs`.
        const held: SlotLease = lease;
        const stopLease = keepLease(host, held);
        /**
         * The slot is kept or handed over as soon as the job's call to the host has ended, while
         * the job is completed in its queue (one round trip fewer between two jobs). The heartbeat
         * stops first: a renewal after a hand-over would take the slot back.
         */
        let handBack: Promise<SlotLease | null> | undefined;
        const hostDone = () => {
          if (handBack) return;
          stopLease();
          handBack = afterJob(held);
        };
        let pauseMs = 0;
        let ran = false;
        try {
          const fetched = await fetchJob(host, token);
          if (fetched) {
            const running = runOne(fetched.job, fetched.worker, token, host, hostDone);
            inFlight.add(running);
            await running;
            inFlight.delete(running);
            ran = true;
          }
          // else both queues are empty: give the slot back, then sleep until a job arrives
        } catch (error) {
          options.onError(error, `local loop ${host.id}`);
          pauseMs = 250;
        } finally {
          stopLease();
          kept = await (handBack ?? (ran ? afterJob(held) : giveBack(held).then(() => null)));
          if (kept && !ran) {
            await giveBack(kept);
            kept = null;
          }
        }
        if (!ran && pauseMs === 0) await waitForWork();
        else if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    } finally {
      if (kept) await giveBack(kept);
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
