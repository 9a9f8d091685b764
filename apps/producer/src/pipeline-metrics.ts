import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';

/** Prometheus metrics of one process: job outcomes, provider calls, queue depths. */
export const createPipelineMetrics = (queues: Queue[]) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'eaio_' });
  const outcomes = new Counter({ name: 'eaio_job_deliveries_total', help: 'Tier job deliveries by tier and outcome', labelNames: ['tier', 'outcome'], registers: [registry] });
  const latency = new Histogram({
    name: 'eaio_job_delivery_seconds',
    help: 'Time a worker spent on one tier job delivery',
    labelNames: ['tier'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: 'eaio_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const queue of queues) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
        for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
      }
    },
  });
  return { registry, outcomes, latency };
};
