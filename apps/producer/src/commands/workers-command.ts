import { TIERS, type Tier } from '@eaio/core';
import { composeWorkers } from '../compose-workers';
import { startReportScheduler } from '../report-scheduler';
import type { Runtime } from '../runtime';
import type { Queue } from 'bullmq';
import { createSpend } from '../compose-workers';
import { createPipelineMetrics } from '../pipeline-metrics';
import { startMetricsServer, type MetricsServer } from '../metrics-server';

export const parseTiers = (value: string | undefined): Tier[] => {
  if (!value || value === 'all') return [...TIERS];
  const tiers = value.split(',').map((tier) => tier.trim());
  for (const tier of tiers) {
    if (!(TIERS as readonly string[]).includes(tier)) throw new Error(`unknown tier "${tier}" in --tier: use ${TIERS.join(', ')} or all`);
  }
  return tiers as Tier[];
};

/**
 * Runs tier workers until SIGINT/SIGTERM. First signal: stop fetching and let in-flight
 * jobs finish; second signal: abort in-flight calls and hand their jobs back.
 */
const parseMs = (value: string | undefined, flag: string): number | undefined => {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100) throw new Error(`${flag} must be a whole number of milliseconds, at least 100 (got "${value}")`);
  return ms;
};

export const runWorkers = async (
  runtime: Runtime,
  options: { tier?: string; reports?: boolean; lockDuration?: string; stalledInterval?: string; metrics?: boolean; metricsPort?: string; metricsHost?: string },
): Promise<void> => {
  const tiers = parseTiers(options.tier);
  // /metrics of this process: its calls, tokens, spend, gate scores, slot leases; queue depth, slot use and budgets at scrape time.
  const { guard } = createSpend(runtime, runtime.log);
  const metrics =
    options.metrics === false
      ? undefined
      : createPipelineMetrics({
          queues: Object.values(runtime.queues) as Queue[],
          config: runtime.config,
          leaser: runtime.leaser,
          budgets: async () => (await guard.budgetRoutingState(new Date())).budgets,
          onCollectError: (error, metric) => runtime.log.warn({ metric, error: error instanceof Error ? error.message : String(error) }, 'metrics: a store did not answer'),
        });
  let metricsServer: MetricsServer | undefined;
  if (metrics) {
    const port = Number(options.metricsPort ?? 9464);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--metrics-port must be a port number (got "${options.metricsPort}")`);
    // Several worker processes on one host: the first gets the port, the others a free one (logged below).
    metricsServer = await startMetricsServer(metrics.registry, {
      port,
      host: options.metricsHost ?? '127.0.0.1',
      onPortTaken: (taken) =>
        runtime.log.warn(
          { port: taken },
          `metrics port ${taken} is taken (another eaio process on this host?): serving /metrics on a free port instead; pass --metrics-port to choose one`,
        ),
    });
  }
  const workers = await composeWorkers(runtime, {
    metrics,
    onOutcome: metrics
      ? (job, outcome) => {
          metrics.outcomes.inc({ tier: job.data.tier, outcome: outcome.status });
          if (job.processedOn) metrics.latency.observe({ tier: job.data.tier }, (Date.now() - job.processedOn) / 1000);
        }
      : undefined,
    tiers,
    lockDurationMs: parseMs(options.lockDuration, '--lock-duration'),
    stalledIntervalMs: parseMs(options.stalledInterval, '--stalled-interval'),
  });
  const reports = options.reports === false ? undefined : await startReportScheduler(runtime);
  const handle = {
    id: workers.id,
    close: async (closeOptions?: { force?: boolean }) => {
      await workers.close(closeOptions);
      await reports?.close();
      await metricsServer?.close();
    },
  };
  runtime.log.info(
    {
      worker: handle.id,
      tiers,
      queues: runtime.store.label,
      metrics: metricsServer ? `${metricsServer.url}/metrics` : 'off',
      nightlyReport: reports ? `${runtime.config.report.cron} ${runtime.config.report.timezone}` : 'off',
    },
    'workers running; Ctrl-C to stop',
  );
  await new Promise<void>((resolve) => {
    let closing = false;
    const stop = (signal: string) => {
      if (closing) {
        runtime.log.warn({ signal }, 'second signal: aborting in-flight calls, returning their jobs');
        handle.close({ force: true }).finally(resolve);
        return;
      }
      closing = true;
      runtime.log.info({ signal }, 'stopping: finishing in-flight jobs (signal again to abort them)');
      handle.close().finally(resolve);
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
};
