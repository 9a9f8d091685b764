import { Gauge, type Registry } from 'prom-client';
import type { ProviderGuardSnapshot } from '@eaio/queues';

const STATE_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * The shared provider guard at scrape time: each circuit breaker's state (0 closed, 1
 * half-open, 2 open) and how often it opened, seconds left of each 429 pause, requests in
 * each rate-limited provider's current window. Read from Redis or PostgreSQL, so every
 * process's `/metrics` shows the same breakers.
 */
export const registerGuardMetrics = (registry: Registry, snapshot: () => Promise<ProviderGuardSnapshot>, onError?: (error: unknown, metric: string) => void): void => {
  let pending: Promise<ProviderGuardSnapshot | undefined> | undefined;
  // One read per scrape for all four gauges.
  const read = () =>
    (pending ??= snapshot()
      .catch((error: unknown) => {
        onError?.(error, 'eaio_circuit_breaker_state');
        return undefined;
      })
      .finally(() => setTimeout(() => (pending = undefined), 0)));
  new Gauge({
    name: 'eaio_circuit_breaker_state',
    help: 'Circuit breaker per endpoint and endpoint/model: 0 closed, 1 half-open (a probe may go or is out), 2 open',
    labelNames: ['breaker'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const breaker of (await read())?.breakers ?? []) this.set({ breaker: breaker.key }, STATE_VALUE[breaker.state]);
    },
  });
  new Gauge({
    name: 'eaio_circuit_breaker_opens',
    help: 'Times each circuit breaker opened (kept with its state)',
    labelNames: ['breaker'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const breaker of (await read())?.breakers ?? []) this.set({ breaker: breaker.key }, breaker.opens);
    },
  });
  new Gauge({
    name: 'eaio_provider_paused_seconds',
    help: 'Seconds left of a provider-wide pause after a 429 (every worker waits)',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const pause of (await read())?.pauses ?? []) this.set({ provider: pause.provider }, Math.max(0, (pause.until - Date.now()) / 1000));
    },
  });
  new Gauge({
    name: 'eaio_rate_limit_window_requests',
    help: 'Requests counted in the current rate-limit window of each limited provider (all processes)',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [provider, count] of Object.entries((await read())?.requestsInWindow ?? {})) this.set({ provider }, count);
    },
  });
};
