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
  /** Takes a slot if one is free now; `null` when the host is at its cap. */
  tryAcquire(host: string, cap: number, leaseId: string): Promise<SlotLease | null>;
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
 * Waits for a slot: tries, then sleeps with a short capped backoff. Returns `null`
 * when `signal` aborts first.
 */
export const acquireSlot = async (
  leaser: SlotLeaser,
  host: string,
  cap: number,
  leaseId: string,
  signal?: AbortSignal,
  pollMs = { min: 5, max: 50 },
): Promise<SlotLease | null> => {
  let wait = pollMs.min;
  while (!signal?.aborted) {
    const lease = await leaser.tryAcquire(host, cap, leaseId);
    if (lease) return lease;
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(pollMs.max, wait * 2);
  }
  return null;
};
