import { randomUUID } from 'node:crypto';
import type { ChatRequest, EndpointConfig, HealthResult, ProviderAdapter } from '@eaio/providers';
import type { SharedHostHealth, SlotLeaser } from '@eaio/queues';

export interface SharedHostHealthOptions {
  /** Slot leases and the shared health board (Redis or PostgreSQL, as the queues). */
  leaser: SlotLeaser;
  /** The in-flight cap of a local host (the cap its slot leases enforce). */
  capOf: (hostId: string) => number;
  /**
   * How long a healthy host's last check (or last answered call) is trusted, ms: a host is
   * checked at most once per interval across every process.
   * @defaultValue 30000
   */
  intervalMs?: number;
  /** The same for a host found down. @defaultValue 5000 */
  downIntervalMs?: number;
  /**
   * How long a process that did not win the check waits for the winner's result when it
   * knows nothing of the host yet, ms. @defaultValue 3000
   */
  waitForCheckMs?: number;
  /** Clock. @defaultValue Date.now */
  now?: () => number;
  onError?: (error: unknown, context: string) => void;
}

const asHealth = (record: SharedHostHealth): HealthResult => ({
  ok: record.ok,
  latencyMs: record.latencyMs,
  models: record.models,
  ...(record.error === undefined ? {} : { error: record.error }),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Health checks of local inference hosts that never add a request beside a full host and
 * run at most once per interval per host across processes:
 * - a call the host answered proves it up: it refreshes the shared record, so a busy host
 *   is never checked at all;
 * - a stale record is re-checked by one process only (a claim in the shared store), and that
 *   check takes a slot lease of its own for the moment it runs; when every slot is taken by
 *   inference calls the check is skipped and the last record stands (those calls will say);
 * - the others read the shared record.
 * Paid endpoints (no slot cap) are left as they are.
 */
export const createSharedHostHealth = (options: SharedHostHealthOptions) => {
  const board = options.leaser.health;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 30_000;
  const downIntervalMs = options.downIntervalMs ?? 5_000;
  const waitForCheckMs = options.waitForCheckMs ?? 3_000;
  const onError = options.onError ?? (() => undefined);
  /** Last time this process refreshed a host's record from an answered call (writes kept to one per quarter interval). */
  const touched = new Map<string, number>();

  const fresh = (record: SharedHostHealth | undefined): boolean => record !== undefined && now() - record.checkedAt < (record.ok ? intervalMs : downIntervalMs);

  /** Runs the real check under a slot lease of the host; `undefined` when the host is at its cap. */
  const checkUnderSlot = async (hostId: string, adapter: ProviderAdapter, checkOptions: { timeoutMs?: number } | undefined) => {
    const lease = await options.leaser.tryAcquire(hostId, options.capOf(hostId), `${hostId}:health:${randomUUID()}`);
    if (!lease) return undefined;
    try {
      const result = await adapter.checkHealth(checkOptions);
      const record = { ...result, checkedAt: now() };
      seen.set(hostId, record);
      await board.write(hostId, record);
      return result;
    } finally {
      await options.leaser.release(lease).catch((error: unknown) => onError(error, `release health lease ${hostId}`));
    }
  };

  /** The last record this process read or wrote per host (saves a store read per poll). */
  const seen = new Map<string, SharedHostHealth>();

  const checkHealth = async (endpoint: EndpointConfig, adapter: ProviderAdapter, checkOptions?: { timeoutMs?: number }): Promise<HealthResult> => {
    const hostId = endpoint.id;
    const mine = seen.get(hostId);
    if (mine && fresh(mine)) return asHealth(mine);
    const known = await board.read(hostId);
    if (known) seen.set(hostId, known);
    if (known && fresh(known)) return asHealth(known);
    const claimFor = known?.ok ? intervalMs : downIntervalMs;
    if (await board.claim(hostId, claimFor)) {
      const result = await checkUnderSlot(hostId, adapter, checkOptions).catch(async (error: unknown) => {
        await board.release(hostId).catch(() => undefined);
        throw error;
      });
      if (result) return result;
      // Every slot is busy with inference calls: the host is working; let the next caller try.
      await board.release(hostId).catch(() => undefined);
      if (known) return asHealth(known);
      return { ok: false, latencyMs: 0, models: [], error: `${hostId} is at its in-flight cap; not checked yet` };
    }
    // Another process is checking: its result, or the last one known.
    if (known) return asHealth(known);
    const until = now() + waitForCheckMs;
    while (now() < until) {
      await sleep(50);
      const record = await board.read(hostId);
      if (record) return asHealth(record);
    }
    return { ok: false, latencyMs: 0, models: [], error: `health of ${hostId} unknown: another process is checking it` };
  };

  /** A call the host answered: it is up (keeps the model list of the last check). */
  const answered = (hostId: string) => {
    const at = now();
    if (at - (touched.get(hostId) ?? 0) < intervalMs / 4) return;
    touched.set(hostId, at);
    const mine = seen.get(hostId);
    if (mine?.ok) seen.set(hostId, { ...mine, checkedAt: at });
    board.touch(hostId, at).catch((error: unknown) => onError(error, `note ${hostId} answered`));
  };

  return {
    /**
     * The adapter with its health check shared and capped (local endpoints only) and its
     * answered calls counted as proof of health.
     */
    wrap(endpoint: EndpointConfig, adapter: ProviderAdapter): ProviderAdapter {
      if (!endpoint.local) return adapter;
      return new Proxy(adapter, {
        get(target, property, receiver) {
          if (property === 'checkHealth') return (checkOptions?: { timeoutMs?: number }) => checkHealth(endpoint, target, checkOptions);
          if (property === 'chat') {
            return async (request: ChatRequest) => {
              const result = await target.chat(request);
              answered(endpoint.id);
              return result;
            };
          }
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    },
    checkHealth,
  };
};
