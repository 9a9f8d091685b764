import { resolve } from 'node:path';
import type { Queue, Worker } from 'bullmq';
import { createPriceCatalog, createReportProcessor, overridesFromConfig, scheduleNightlyReport } from '@eaio/spend';
import type { Runtime } from './runtime';

export const REPORTS_QUEUE = 'reports';

/**
 * The nightly cost report as a BullMQ job scheduler (`report.cron` in `report.timezone`,
 * default 02:00) plus the worker that writes it. Every worker process may run this: the
 * scheduler is upserted under one id, so each night's report runs once.
 */
export const startReportScheduler = async (runtime: Runtime): Promise<{ queue: Queue; worker: Worker; close(): Promise<void> }> => {
  const { config } = runtime;
  const queue = runtime.store.createQueue(REPORTS_QUEUE);
  await scheduleNightlyReport(queue as never, { cron: config.report.cron, tz: config.report.timezone });
  const catalog = createPriceCatalog({
    overrides: overridesFromConfig(
      config.prices,
      config.endpoints.map((endpoint) => endpoint.provider),
    ),
  });
  const processor = createReportProcessor({
    timezone: config.report.timezone,
    db: runtime.database.pool,
    catalog,
    referenceModel: config.report.referenceModel,
    outputDir: resolve(config.report.outputDir),
  });
  const worker = runtime.store.createWorker(REPORTS_QUEUE, (job) => processor(job as never), { concurrency: 1 });
  worker.on('error', (error) => runtime.log.error({ error: error.message }, 'report worker error'));
  worker.on('completed', (_job, result) => runtime.log.info({ report: result }, 'nightly cost report written'));
  worker.run().catch((error) => runtime.log.error({ error: String(error) }, 'report worker stopped'));
  return {
    queue,
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
};
