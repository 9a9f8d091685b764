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
  /** Takes a slot if one is free now; `null` when the host is at its cap. */
  tryAcquire(host: string, cap: number, leaseId: string): Promise<SlotLease | null>;
  /** Pushes the lease's expiry forward; false when the lease was lost. */
  renew(lease: SlotLease): Promise<boolean>;
  release(lease: SlotLease): Promise<void>;
  /** Leases currently held for the host (expired ones not counted). */
  held(host: string): Promise<number>;
  close(): Promise<void>;
}

export interface SlotLeaserOptions {
  /**
   * How long a lease lives without renewal.
   * @defaultValue 30000
   */
  leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 30_000;

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
