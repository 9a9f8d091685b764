/**
 * A worker process's view of its stores (PostgreSQL, and the queue store): once an
 * operation fails because a store is unreachable, the gate is down and the process takes
 * no new jobs; it probes the stores with a growing pause (doubling from `minMs` up to
 * `maxMs`) and opens again as soon as a probe succeeds.
 */
export interface StoreGate {
  /** True while a store is unreachable. */
  readonly down: boolean;
  /** How long a job that met the outage should wait before it is tried again, ms. */
  retryInMs(): number;
  /** Reports an error that said a store is unreachable; starts probing unless already. */
  trip(error: unknown): void;
  /** Stops probing (process shutdown). */
  close(): void;
}

export interface StoreGateOptions {
  /** Resolves when every store answers (e.g. `SELECT 1`). */
  probe: () => Promise<void>;
  /** First pause between probes, ms. @defaultValue `250` */
  minMs?: number;
  /** Longest pause between probes, ms (config `recovery.storeRetryMaxMs`). @defaultValue `15000` */
  maxMs?: number;
  onDown?: (error: unknown) => void;
  onUp?: (downForMs: number) => void;
}

export const createStoreGate = (options: StoreGateOptions): StoreGate => {
  const minMs = options.minMs ?? 250;
  const maxMs = Math.max(minMs, options.maxMs ?? 15_000);
  let down = false;
  let pauseMs = minMs;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const probeLater = (since: number) => {
    timer = setTimeout(async () => {
      timer = undefined;
      if (closed) return;
      try {
        await options.probe();
        down = false;
        pauseMs = minMs;
        options.onUp?.(Date.now() - since);
      } catch {
        pauseMs = Math.min(pauseMs * 2, maxMs);
        probeLater(since);
      }
    }, pauseMs);
    timer.unref?.();
  };

  return {
    get down() {
      return down;
    },
    retryInMs: () => Math.min(Math.max(pauseMs * 2, 1000), maxMs),
    trip(error) {
      if (down || closed) return;
      down = true;
      pauseMs = minMs;
      options.onDown?.(error);
      probeLater(Date.now());
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
};
