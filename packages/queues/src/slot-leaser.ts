/**
 * A cap on requests in flight to one local inference host, shared by every worker
 * process and by both local queues. A slot is taken before a job is fetched, so no
 * job waits in a worker's hands for a slot; it is leased (expires unless renewed) so
 * a killed worker cannot hold a slot for ever.
 */
export interface SlotLease {
  readonly host: string;
  readonly leaseId: string;
}

export interface SlotLeaser {
  /** How long a lease lives without renewal, ms; its owner renews it well within that (see `leaseRenewalMs`). */
  readonly leaseMs: number;
  /**
   * Takes a slot if one is free now and no queued waiter is ahead (see `wait`); `null` when
   * the host is at its cap. With `wait: true` a refused caller takes (or keeps) a place in
   * the host's FIFO queue of waiters: a freed slot goes to the longest waiting. A place lapses
   * `leaseMs` after the caller last asked (a waiter that died does not block the queue), and
   * on `leaveQueue`.
   */
  tryAcquire(host: string, cap: number, leaseId: string, options?: { wait?: boolean }): Promise<SlotLease | null>;
  /** Gives up a place in the host's queue of waiters (no-op when not queued). */
  leaveQueue?(host: string, leaseId: string): Promise<void>;
  /**
   * Calls `listener` whenever a slot of the host may have come free for a queued waiter (a
   * release, a waiter leaving). Resolves once listening, so a release after it is never
   * missed; returns the unsubscribe function. Stores without it are polled.
   */
  onFreed?(host: string, listener: () => void): Promise<() => void>;
  /** The host's queued waiters, longest waiting first (tests, diagnostics). */
  waiters?(host: string): Promise<string[]>;
  /**
   * After a job, in one step: keeps the lease for the owner's next job (renewing it) when no
   * waiter is queued for the host, else gives it back and wakes the waiters, so a freed slot
   * still goes to the longest waiting whenever anyone waits. True when kept; false when it was
   * given back (or already lost). Stores without a queue of waiters leave it out: their owners
   * release after every job, since a refused caller there only polls and would never get in.
   */
  keepUnlessWaited?(lease: SlotLease): Promise<boolean>;
  /** Pushes the lease's expiry forward; false when the lease was lost. */
  renew(lease: SlotLease): Promise<boolean>;
  release(lease: SlotLease): Promise<void>;
  /** Leases currently held for the host (expired ones not counted). */
  held(host: string): Promise<number>;
  /** The hosts' last health check, shared by every process (same store as the leases). */
  readonly health: HostHealthBoard;
  close(): Promise<void>;
}

/** What the last health check of a host found (or a call it answered, which proves the same). */
export interface SharedHostHealth {
  ok: boolean;
  models: string[];
  latencyMs: number;
  error?: string;
  /** Epoch ms of the check (or of the answer that refreshed it). */
  checkedAt: number;
}

/**
 * Health of the local inference hosts, shared across processes so that a host is checked
 * at most once per interval whatever the number of workers: whoever `claim`s the host runs
 * the check and `write`s it; the others `read` it.
 */
export interface HostHealthBoard {
  read(host: string): Promise<SharedHostHealth | undefined>;
  write(host: string, health: SharedHostHealth): Promise<void>;
  /** Marks a healthy host as seen now (a call it answered), keeping its model list; no-op when none is stored or it is down. */
  touch(host: string, at: number): Promise<void>;
  /** True for exactly one caller per host until `forMs` passes (or `release`). */
  claim(host: string, forMs: number): Promise<boolean>;
  release(host: string): Promise<void>;
}

export interface SlotLeaserOptions {
  /**
   * How long a lease lives without renewal. Short on purpose: the owner renews it (a
   * heartbeat every `leaseRenewalMs`), so the slots of a worker that was killed are free
   * again this long after its last heartbeat, while jobs wait. Env `SLOT_LEASE_MS`.
   * @defaultValue 4000
   */
  leaseMs?: number;
}

/**
 * Default lease lifetime. 4 s frees a killed worker's slots within 5 s of the kill; a
 * heartbeat every second leaves three missed beats (a stalled event loop, a slow store)
 * before a live owner loses its lease.
 */
export const DEFAULT_LEASE_MS = 4_000;

/** Heartbeat period of a lease: a quarter of its lifetime, at least 50 ms. */
export const leaseRenewalMs = (leaseMs: number): number => Math.max(50, Math.floor(leaseMs / 4));

/**
 * Waits for a slot. Where the store queues waiters (`onFreed`), the caller takes a place in
 * the host's FIFO queue and sleeps until a release wakes it (a freed slot goes to the longest
 * waiting, whichever process it is in); it asks again at least every `recheckMs` (a quarter of
 * the lease: that keeps its place, and notices slots of a killed worker whose lease expired).
 * Other stores are polled with a short capped backoff. Returns `null` when `signal` aborts first.
 */
export const acquireSlot = async (
  leaser: SlotLeaser,
  host: string,
  cap: number,
  leaseId: string,
  signal?: AbortSignal,
  pollMs = { min: 5, max: 50 },
  recheckMs = leaseRenewalMs(leaser.leaseMs),
): Promise<SlotLease | null> => {
  if (!leaser.onFreed) {
    let wait = pollMs.min;
    while (!signal?.aborted) {
      const lease = await leaser.tryAcquire(host, cap, leaseId);
      if (lease) return lease;
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(pollMs.max, wait * 2);
    }
    return null;
  }
  let woken = false;
  let wake: () => void = () => undefined;
  const unsubscribe = await leaser.onFreed(host, () => {
    woken = true;
    wake();
  });
  let lease: SlotLease | null = null;
  try {
    while (!signal?.aborted) {
      woken = false;
      lease = await leaser.tryAcquire(host, cap, leaseId, { wait: true });
      if (lease) return lease;
      if (woken) continue; // a slot came free while we asked
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, recheckMs);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          wake = () => undefined;
          resolve();
        }
        wake = done;
        signal?.addEventListener('abort', done, { once: true });
        if (signal?.aborted) done();
      });
    }
    return null;
  } finally {
    unsubscribe();
    if (!lease) await leaser.leaveQueue?.(host, leaseId).catch(() => undefined);
  }
};
