import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Queue } from 'bullmq';
import { generatePortfolio } from '@eaio/energy';
import { checkProviders, createAdapter } from '@eaio/providers';
import { usd, type CliContext } from '../cli-context';
import { composeWorkers, createSpend } from '../compose-workers';
import { createPipelineMetrics } from '../pipeline-metrics';
import { startRehearsal, type Rehearsal } from '../rehearsal';
import { openRuntime } from '../runtime';
import { runBoard } from './board-command';
import { runWatch } from './status-command';
import { runSubmit } from './submit-command';
import { configuredModelsByEndpoint } from './providers-command';
import { DateTime } from 'luxon';
import { createPriceCatalog, overridesFromConfig, runReportCommand } from '@eaio/spend';
import { startReportScheduler } from '../report-scheduler';

export interface StartOptions {
  rehearse: boolean;
  meter?: string[];
  metadata?: string;
  weather?: string;
  analysis?: string;
  tenant: string;
  buildings: number;
  port?: number;
  exitWhenDone: boolean;
  dataDir: string;
  timeScale?: number;
}

/** How to get a model when none answers: said exactly, once. */
export const noProviderHelp = (ollamaUrl: string, models: string[]): string =>
  [
    'No model provider is reachable, so there is nothing to run the analyses on.',
    'Fix one of these, then run `npm start` again:',
    `  1. Start Ollama (https://ollama.com) at ${ollamaUrl} (or set OLLAMA_BASE_URL) and pull the configured models:`,
    ...models.map((model) => `       ollama pull ${model}`),
    '  2. Or set an API key (OPENAI_API_KEY, DEEPSEEK_API_KEY, ANTHROPIC_API_KEY or GOOGLE_API_KEY) for jobs whose privacy allows an API;',
    '     PRIVATE jobs (the default privacy) still need a local model.',
    'To see the whole pipeline work without any model: `npm start -- --rehearse` (built-in emulator; results are labelled simulated).',
  ].join('\n');

/**
 * `npm start`: embedded PostgreSQL unless DATABASE_URL, queues on it unless REDIS_URL,
 * a demo portfolio unless input is given; submit, workers, board; prints where to look.
 */
export const runStart = async (makeContext: (env: Record<string, string>) => CliContext, options: StartOptions): Promise<number> => {
  let rehearsal: Rehearsal | undefined;
  let context = makeContext({});
  if (options.rehearse) {
    rehearsal = await startRehearsal(context.config, { timeScale: options.timeScale });
    context = makeContext(rehearsal.env);
    context.log.info('rehearsal: every provider is the built-in emulator; every result is labelled simulated');
  } else {
    const endpoints = context.config.endpoints.filter((endpoint) => endpoint.enabled);
    const report = await checkProviders(endpoints, configuredModelsByEndpoint(context.config), (endpoint) => createAdapter(endpoint));
    const usable = report.filter((entry) => entry.reachable && entry.missingModels.length < (configuredModelsByEndpoint(context.config)[entry.endpointId]?.length ?? 1));
    if (usable.length === 0) {
      const ollama = context.config.endpoints.find((endpoint) => endpoint.provider === 'ollama');
      const localModels = ['local-fast', 'local-quality'].flatMap((tier) => context.config.tiers[tier as 'local-fast'].candidates.map((candidate) => candidate.model));
      process.stderr.write(`${noProviderHelp(ollama?.baseUrl ?? 'http://127.0.0.1:11434', [...new Set(localModels)])}\n`);
      return 2;
    }
  }
  const { config, log } = context;
  const runtime = await openRuntime({ config, log, dataDir: resolve(options.dataDir, 'postgres'), namespace: process.env.EAIO_NAMESPACE });
  const closers: (() => Promise<void>)[] = [() => runtime.close()];
  if (rehearsal) closers.unshift(() => rehearsal!.close());
  try {
    let meter = options.meter;
    let metadata = options.metadata;
    let weather = options.weather;
    if (!meter?.length) {
      const outDir = resolve(options.dataDir, `demo-${options.buildings}`);
      const existing = existsSync(resolve(outDir, 'electricity.csv'));
      const portfolio = existing
        ? { files: { meter: resolve(outDir, 'electricity.csv'), metadata: resolve(outDir, 'metadata.csv'), weather: resolve(outDir, 'weather.csv') } }
        : await generatePortfolio({ buildings: options.buildings, outDir, seed: 1 });
      meter = [portfolio.files.meter];
      metadata = portfolio.files.metadata;
      weather = portfolio.files.weather;
      process.stdout.write(`demo portfolio: ${options.buildings} synthetic buildings in ${outDir}\n`);
    }
    const { guard } = createSpend(runtime, log);
    const metrics = createPipelineMetrics({
      queues: Object.values(runtime.queues) as Queue[],
      config,
      leaser: runtime.leaser,
      budgets: async () => (await guard.budgetRoutingState(new Date())).budgets,
      onCollectError: (error, metric) => log.warn({ metric, error: error instanceof Error ? error.message : String(error) }, 'metrics: a store did not answer'),
    });
    const token = config.board.token ?? randomBytes(18).toString('base64url');
    const board = await runBoard(runtime, { token, port: options.port ?? config.board.port, registry: metrics.registry });
    closers.unshift(() => board.close());
    const workers = await composeWorkers(runtime, {
      metrics,
      onOutcome: (job, outcome) => {
        metrics.outcomes.inc({ tier: job.data.tier, outcome: outcome.status });
        if (job.processedOn) metrics.latency.observe({ tier: job.data.tier }, (Date.now() - job.processedOn) / 1000);
      },
    });
    closers.unshift(() => workers.close());
    const reports = await startReportScheduler(runtime);
    closers.unshift(() => reports.close());
    const submitted = await runSubmit(runtime, {
      meter,
      metadata,
      weather,
      analysis: options.analysis,
      tenant: options.tenant,
      progress: true,
      simulated: Boolean(rehearsal),
    });
    if (!submitted.stored) {
      process.stderr.write('nothing to analyse: no usable row in the input, so no batch was stored (the issues above say why)\n');
      return 1;
    }
    process.stdout.write(
      [
        '',
        `Bull Board:  ${board.url}/admin/queues?token=${config.board.token ? '<BOARD_TOKEN>' : token}`,
        `Batch API:   ${board.url}/api/batches/${submitted.batchId}   (Authorization: Bearer <token>)`,
        `Metrics:     ${board.url}/metrics`,
        `Status:      npx eaio status ${submitted.batchId}${config.connections.databaseUrl ? '' : '   (from this folder; it shares the embedded PostgreSQL while this process runs)'}`,
        runtime.mode.database === 'embedded' ? `Database:    embedded PostgreSQL at ${runtime.databaseUrl.replace(/:[^:@/]+@/, ':***@')}` : '',
        `Queues:      ${runtime.store.label}`,
        rehearsal ? 'SIMULATED:   all answers come from the built-in emulator (--rehearse)' : '',
        '',
      ]
        .filter((line) => line !== '')
        .join('\n') + '\n',
    );
    // Ctrl-C / SIGTERM: stop watching, then close workers gracefully (in-flight jobs finish).
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const final = await runWatch(runtime, submitted.batchId, { intervalMs: 2000, signal: stop.signal }, process.stdout);
    if (stop.signal.aborted) {
      process.stdout.write('stopping: in-flight jobs finish, queued jobs stay queued for the next run\n');
      return 130;
    }
    process.stdout.write(`\nbatch ${final.batchId} done: ${final.byState.succeeded ?? 0} succeeded, ${final.byState.review ?? 0} in review, spend ${usd(final.spendMicroUsd)}\n`);
    const today = DateTime.now().setZone(config.report.timezone).toISODate()!;
    const report = await runReportCommand({
      date: today,
      timezone: config.report.timezone,
      db: runtime.database.pool,
      catalog: createPriceCatalog({
        overrides: overridesFromConfig(
          config.prices,
          config.endpoints.map((endpoint) => endpoint.provider),
        ),
      }),
      referenceModel: config.report.referenceModel,
      outputDir: resolve(config.report.outputDir),
    });
    process.stdout.write(`cost report for ${today} (the nightly job writes it at ${config.report.cron} ${config.report.timezone}): ${report.files.join(', ')}\n`);
    if (options.exitWhenDone) return 0;
    process.stdout.write('The board keeps running; Ctrl-C to stop.\n');
    await new Promise<void>((resolveStop) => stop.signal.addEventListener('abort', () => resolveStop(), { once: true }));
    return 0;
  } finally {
    for (const close of closers) await close().catch((error) => log.warn({ err: error }, 'error while closing'));
  }
};
