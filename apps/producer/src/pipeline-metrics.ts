import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';
import type { EaioConfig } from '@eaio/core';
import type { PipelineJobData, SlotLeaser } from '@eaio/queues';
import type { ChatResult } from '@eaio/providers';
import type { AttemptEnd, AttemptStart, GateVerdict, PipelineStore } from '@eaio/workers';

export interface PipelineMetricsOptions {
  /** Queues whose depth `eaio_queue_jobs` reports. */
  queues: Queue[];
  /** Names the local hosts and their slot caps (`eaio_local_slots_*`). */
  config?: Pick<EaioConfig, 'endpoints' | 'limits'>;
  /** Where `eaio_local_slots_in_use` is read at scrape time. */
  leaser?: Pick<SlotLeaser, 'held'>;
  /** Budgets with caps, read at scrape time (`eaio_budget_remaining_micro_usd`). */
  budgets?: () => Promise<{ name: string; scope: string; period: string; capMicro: number; spentMicro: number; reservedMicro: number }[]>;
  /** What a scrape reports when a store does not answer: logged, never thrown at Prometheus. */
  onCollectError?: (error: unknown, metric: string) => void;
}

export type PipelineMetrics = ReturnType<typeof createPipelineMetrics>;

const TOKEN_KINDS = ['inputTokens', 'outputTokens', 'cachedInputTokens', 'cacheWriteTokens', 'reasoningTokens'] as const;
const TOKEN_LABEL: Record<(typeof TOKEN_KINDS)[number], string> = {
  inputTokens: 'input',
  outputTokens: 'output',
  cachedInputTokens: 'cached_input',
  cacheWriteTokens: 'cache_write',
  reasoningTokens: 'reasoning',
};

/**
 * Prometheus metrics of one process (workers, board, or `npm start` holding both):
 * provider calls and their outcomes per tier/provider/model, call latency and time to first
 * token, tokens by kind, spend, gate scores, calls in flight, local slot leases, and at
 * scrape time queue depth, local slot use and budget remaining. Call metrics come from
 * the pipeline store the workers write attempts through (`instrumentStore`), slot leases
 * from the leaser they take slots from (`instrumentLeaser`).
 */
export const createPipelineMetrics = (options: PipelineMetricsOptions) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'eaio_' });
  const failed = (metric: string) => (error: unknown) => options.onCollectError?.(error, metric);
  const outcomes = new Counter({ name: 'eaio_job_deliveries_total', help: 'Tier job deliveries by tier and outcome', labelNames: ['tier', 'outcome'], registers: [registry] });
  const latency = new Histogram({
    name: 'eaio_job_delivery_seconds',
    help: 'Time a worker spent on one tier job delivery',
    labelNames: ['tier'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const calls = new Counter({
    name: 'eaio_provider_calls_total',
    help: 'Provider calls by tier, provider, model and outcome (passed, failed-gate, error)',
    labelNames: ['tier', 'provider', 'model', 'outcome'],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'eaio_provider_calls_in_flight',
    help: 'Provider calls started and not yet ended in this process',
    labelNames: ['tier', 'provider', 'model'],
    registers: [registry],
  });
  const callSeconds = new Histogram({
    name: 'eaio_provider_call_seconds',
    help: 'Provider call latency by tier, provider and model',
    labelNames: ['tier', 'provider', 'model'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });
  const ttftSeconds = new Histogram({
    name: 'eaio_provider_ttft_seconds',
    help: 'Time to first token by tier, provider and model (calls that reported it)',
    labelNames: ['tier', 'provider', 'model'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'eaio_tokens_total',
    help: 'Tokens the providers reported, by kind',
    labelNames: ['tier', 'provider', 'model', 'kind'],
    registers: [registry],
  });
  const spend = new Counter({
    name: 'eaio_spend_micro_usd_total',
    help: 'Settled cost of provider calls, micro-USD',
    labelNames: ['tier', 'provider', 'model'],
    registers: [registry],
  });
  const gateScores = new Histogram({
    name: 'eaio_gate_score',
    help: 'Quality gate scores of answered calls (0-1)',
    labelNames: ['tier', 'provider', 'model'],
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
    registers: [registry],
  });
  const slotLeases = new Counter({ name: 'eaio_local_slot_leases_total', help: 'Local host slots taken by this process', labelNames: ['host'], registers: [registry] });
  new Gauge({
    name: 'eaio_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const queue of options.queues) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized').catch(failed('eaio_queue_jobs'));
        for (const [state, count] of Object.entries(counts ?? {})) this.set({ queue: queue.name, state }, count);
      }
    },
  });
  const localHosts = (options.config?.endpoints ?? []).filter((endpoint) => endpoint.local && endpoint.enabled !== false);
  if (options.config && localHosts.length > 0) {
    const capOf = (host: (typeof localHosts)[number]) => (host as { maxInFlight?: number }).maxInFlight ?? options.config!.limits.maxConcurrentLocal;
    new Gauge({
      name: 'eaio_local_slots_capacity',
      help: 'In-flight calls a local inference host allows (both local tiers, every process)',
      labelNames: ['host'],
      registers: [registry],
      collect() {
        for (const host of localHosts) this.set({ host: host.id }, capOf(host));
      },
    });
    if (options.leaser) {
      const leaser = options.leaser;
      new Gauge({
        name: 'eaio_local_slots_in_use',
        help: 'Leased slots of a local inference host at scrape time (every process)',
        labelNames: ['host'],
        registers: [registry],
        async collect() {
          for (const host of localHosts) {
            const held = await leaser.held(host.id).catch(failed('eaio_local_slots_in_use'));
            if (typeof held === 'number') this.set({ host: host.id }, held);
          }
        },
      });
    }
  }
  if (options.budgets) {
    const budgets = options.budgets;
    new Gauge({
      name: 'eaio_budget_remaining_micro_usd',
      help: 'Cap minus spent minus reserved of every budget with a cap, micro-USD',
      labelNames: ['budget', 'scope', 'period'],
      registers: [registry],
      async collect() {
        for (const budget of (await budgets().catch(failed('eaio_budget_remaining_micro_usd'))) ?? []) {
          this.set({ budget: budget.name, scope: budget.scope, period: budget.period }, Math.max(0, budget.capMicro - budget.spentMicro - budget.reservedMicro));
        }
      },
    });
  }

  const labelsOf = (start: AttemptStart) => ({ tier: start.tier, provider: start.provider, model: start.model });
  const observeEnd = (start: AttemptStart, end: AttemptEnd) => {
    const labels = labelsOf(start);
    calls.inc({ ...labels, outcome: end.outcome });
    callSeconds.observe(labels, Math.max(0, end.latencyMs) / 1000);
    if (end.ttftMs !== undefined) ttftSeconds.observe(labels, Math.max(0, end.ttftMs) / 1000);
    const usage = end.result?.usage as Partial<Record<(typeof TOKEN_KINDS)[number], number>> | undefined;
    for (const kind of TOKEN_KINDS) {
      const count = usage?.[kind];
      if (typeof count === 'number' && count > 0) tokens.inc({ ...labels, kind: TOKEN_LABEL[kind] }, count);
    }
    spend.inc(labels, Math.max(0, end.costMicroUsd));
    if (end.gate) gateScores.observe(labels, end.gate.score);
  };

  return {
    registry,
    outcomes,
    latency,
    /** The same store, with every attempt's start and end observed. */
    instrumentStore(store: PipelineStore): PipelineStore {
      return {
        ...store,
        async startAttempt(start) {
          await store.startAttempt(start);
          inFlight.inc(labelsOf(start));
        },
        async finishAttempt(start, end) {
          try {
            await store.finishAttempt(start, end);
          } finally {
            inFlight.dec(labelsOf(start));
          }
          observeEnd(start, end);
        },
        ...(store.finishAndComplete
          ? {
              async finishAndComplete(start: AttemptStart, end: AttemptEnd, data: PipelineJobData, result: ChatResult, gate: GateVerdict) {
                try {
                  await store.finishAndComplete!(start, end, data, result, gate);
                } finally {
                  inFlight.dec(labelsOf(start));
                }
                observeEnd(start, end);
              },
            }
          : {}),
      };
    },
    /** The same leaser, with every slot it grants counted. */
    instrumentLeaser<T extends Pick<SlotLeaser, 'tryAcquire'>>(leaser: T): T {
      return new Proxy(leaser, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (property !== 'tryAcquire' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: Parameters<SlotLeaser['tryAcquire']>) => {
            const lease = await value.apply(target, args);
            if (lease) slotLeases.inc({ host: args[0] });
            return lease;
          };
        },
      });
    },
  };
};
