import { resolve } from 'node:path';
import { Command, Option } from 'commander';
// The two constants --help shows come from their own small modules: a package index would
// bring the whole package (and its npm dependencies) into the compiled entry's first chunk.
import { PRIVACY_LEVELS } from '@eaio/core/types';
import { RESULT_FORMATS } from '@eaio/results/result-formats';
import type { CliContext } from './cli-context';
import type { Runtime } from './runtime';

// Config, connections, the database and the report load with the command that needs them
// (config before any action runs, below), so `eaio --help` loads only commander.
let cliContext: typeof import('./cli-context').cliContext | undefined;
const openRuntime: typeof import('./runtime').openRuntime = async (options) => (await import('./runtime')).openRuntime(options);

/**
 * The `eaio` command. Every subcommand loads config (YAML + env), opens what it needs,
 * and closes it again; errors print one clear line and exit non-zero. Each subcommand's
 * module is imported when it runs, so a process loads only what its command needs (the
 * intake does not load Bull Board, the emulator or the demo generator).
 */
const program = new Command()
  .name('eaio')
  .description('Bulk building-energy analyses through the cheapest adequate LLM: local first, paid APIs only where privacy allows and quality needs it.')
  .option('--config <file>', 'YAML config (default: EAIO_CONFIG or config/eaio.yaml)')
  .showHelpAfterError()
  .hook('preAction', async () => {
    ({ cliContext } = await import('./cli-context'));
  });

const context = (env?: NodeJS.ProcessEnv): CliContext => {
  if (!cliContext) throw new Error('config is read once a command runs');
  return cliContext({ config: program.opts().config, env });
};

const withRuntime = async <T>(work: (runtime: Runtime) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> => {
  const { config, log } = context();
  const runtime = await openRuntime({ config, log, migrate: options.migrate, namespace: process.env.EAIO_NAMESPACE });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
};

const collect = (value: string, previous: string[] = []) => [...previous, value];
const privacyOption = () => new Option('--privacy <level>', 'privacy of jobs that state none').choices([...PRIVACY_LEVELS]);

program
  .command('submit')
  .description('stream meter data (BDG2 long or wide) or JSONL prompts in and enqueue one job per building / line')
  .option('--meter <file>', 'meter CSV (repeatable; "gas=file" for other meters)', collect)
  .option('--metadata <file>', 'metadata CSV: building_id,sqm,primaryspaceusage,timezone,…')
  .option('--weather <file>', 'weather CSV: timestamp,site_id,airTemperature,…')
  .option('--jsonl <file>', 'prompt jobs, one {"id","prompt","privacy","taskType"} per line')
  .option('--analysis <types>', 'comma list of data-quality-triage, building-diagnostic, retrofit-plan', 'building-diagnostic')
  .addOption(privacyOption())
  .option('--tenant <name>', 'tenant the batch belongs to (budgets are per tenant)', 'default')
  .option('--name <text>', 'batch name')
  .option('--deadline <when>', "the batch may wait until then (24h, 90m, 2d or an ISO time): its api calls go through the providers' batch endpoints at batch prices")
  .option('--no-progress', 'no progress bar')
  .action(async (options) => {
    const { runSubmit } = await import('./commands/submit-command');
    const result = await withRuntime((runtime) => runSubmit(runtime, options));
    process.exitCode = result.counts.created + result.counts.alreadyKnown === 0 ? 1 : 0;
  });

program
  .command('status [batch]')
  .description('per-tier counts, spend and calls parked in provider batches of a batch (no batch: list recent batches and every parked call)')
  .option('--json', 'print the status as JSON')
  .action(async (batch, options) => {
    const { runStatus } = await import('./commands/status-command');
    await withRuntime((runtime) => runStatus(runtime, batch, process.stdout, { json: Boolean(options.json) }), { migrate: false });
  });

program
  .command('watch <batch>')
  .description('live per-tier counts and spend until the batch is done')
  .option('--interval <ms>', 'refresh interval', '1000')
  .action(async (batch, options) => {
    const { runWatch } = await import('./commands/status-command');
    await withRuntime((runtime) => runWatch(runtime, batch, { intervalMs: Number(options.interval) }), { migrate: false });
  });

program
  .command('results <batch>')
  .description("the batch's results: one line per job (jsonl, csv) or the portfolio report (md, html with charts); stdout or a file in --out")
  .addOption(new Option('--format <format>', 'output format').choices([...RESULT_FORMATS]).default('jsonl'))
  .option('--out <dir>', 'write <batch>.results.<format> / <batch>.report.<format> into this directory instead of stdout')
  .action(async (batch, options) => {
    const { runResults } = await import('./commands/results-command');
    await withRuntime((runtime) => runResults(runtime, batch, { format: options.format, out: options.out }), { migrate: false });
  });

const review = program.command('review').description('the review desk: jobs that used up their chain wait for a person to accept an answer, reject, or retry on a tier');
review
  .command('list')
  .description('jobs waiting in review: building, analysis type, calls, best gate score, why')
  .option('--batch <id>', 'only this batch')
  .option('--limit <n>', 'at most this many', '200')
  .action(async (options) => {
    const { runReview } = await import('./commands/review-command');
    await withRuntime((runtime) => runReview(runtime, 'list', { batch: options.batch, limit: Number(options.limit) }), { migrate: false });
  });
review
  .command('show <job>')
  .description("every attempt's answer with the gate's findings, and the decisions taken")
  .action(async (jobId) => {
    const { runReview } = await import('./commands/review-command');
    await withRuntime((runtime) => runReview(runtime, 'show', { jobId }), { migrate: false });
  });
review
  .command('accept <job>')
  .description("keep an answer as the job's result (marked reviewed); without --attempt the highest-scored one")
  .option('--attempt <id>', 'the attempt whose answer to keep')
  .requiredOption('--reason <text>', 'why (recorded with the decision)')
  .action(async (jobId, options) => {
    const { runReview } = await import('./commands/review-command');
    await withRuntime((runtime) => runReview(runtime, 'accept', { jobId, attempt: options.attempt, reason: options.reason }));
  });
review
  .command('reject <job>')
  .description('end the job as rejected, without a result')
  .requiredOption('--reason <text>', 'why (recorded with the decision)')
  .action(async (jobId, options) => {
    const { runReview } = await import('./commands/review-command');
    await withRuntime((runtime) => runReview(runtime, 'reject', { jobId, reason: options.reason }));
  });
review
  .command('retry <job>')
  .description('send the job back to a tier its privacy allows (never api for PRIVATE); workers run it again')
  .requiredOption('--tier <tier>', 'local-fast, local-quality or api')
  .requiredOption('--reason <text>', 'why (recorded with the decision)')
  .action(async (jobId, options) => {
    const { runReview } = await import('./commands/review-command');
    await withRuntime((runtime) => runReview(runtime, 'retry', { jobId, tier: options.tier, reason: options.reason }));
  });

program
  .command('audit')
  .description('every request sent to a non-local endpoint: attempt, job, tenant, privacy, endpoint, model, fields sent, SHA-256 and size of the body as sent')
  .option('--batch <id>', 'only this batch')
  .option('--since <date>', 'only requests sent at or after this date (2026-11-22 or an ISO date-time)')
  .addOption(new Option('--format <format>', 'output format').choices(['csv', 'jsonl']).default('csv'))
  .action(async (options) => {
    const { runAudit } = await import('./commands/audit-command');
    await withRuntime((runtime) => runAudit(runtime, { batch: options.batch, since: options.since, format: options.format }), { migrate: false });
  });

program
  .command('workers')
  .description('run tier workers (start as many processes, on as many hosts, as you like)')
  .option('--tier <tiers>', 'comma list of local-fast, local-quality, api, or all', 'all')
  .option('--no-reports', 'do not run the nightly cost report scheduler in this process')
  .option('--lock-duration <ms>', "job lock of this process; a crashed worker's jobs are taken back after it (default 30000, api: 2 × API timeout)")
  .option('--stalled-interval <ms>', 'how often to look for jobs whose worker crashed (default 30000)')
  .option('--metrics-port <port>', "serve this process's Prometheus /metrics on this port (0 = any free port)", '9464')
  .option('--metrics-host <host>', 'interface of /metrics (no token: keep it on loopback or a network only Prometheus reaches)', '127.0.0.1')
  .option('--no-metrics', 'no /metrics server in this process')
  .action(async (options) => {
    const { runWorkers } = await import('./commands/workers-command');
    await withRuntime((runtime) => runWorkers(runtime, options));
  });

program
  .command('cancel <batch>')
  .description('cancel a batch: queued jobs end failed, calls in provider batches are cancelled by the workers, running calls finish')
  .action(async (batch: string) => {
    const { runCancel } = await import('./commands/cancel-command');
    const report = await withRuntime((runtime) => runCancel(runtime, batch));
    process.exitCode = report.found ? 0 : 1;
  });

program
  .command('reconcile')
  .description('compare open jobs in PostgreSQL with the queues: re-enqueue lost jobs, end failed ones, abandon orphaned attempts, close finished batches')
  .option('--grace <sec>', 'leave jobs alone whose row changed in the last <sec> seconds (default 30)')
  .action(async (options) => {
    const { runReconcile } = await import('./commands/reconcile-command');
    const report = await withRuntime((runtime) => runReconcile(runtime, { graceSec: options.grace }));
    process.exitCode = report.ran ? 0 : 1;
  });

program
  .command('board')
  .description('serve Bull Board, the batch API and /metrics behind BOARD_TOKEN')
  .option('--port <port>', 'port (default BOARD_PORT or 3000)')
  .option('--host <host>', 'interface', '127.0.0.1')
  .action(async (options) => {
    const { config, log } = context();
    const runtime = await openRuntime({ config, log, namespace: process.env.EAIO_NAMESPACE });
    const { runBoard } = await import('./commands/board-command');
    const board = await runBoard(runtime, { port: options.port ? Number(options.port) : undefined, host: options.host });
    log.info({ url: `${board.url}/admin/queues` }, 'board running; Ctrl-C to stop');
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await board.close();
    await runtime.close();
  });

program
  .command('serve')
  .description('HTTP intake: POST /v1/batches (JSONL prompt jobs), GET /v1/batches/:id')
  .option('--port <port>', 'port', '3100')
  .option('--host <host>', 'interface', '127.0.0.1')
  .action(async (options) => {
    const { config, log } = context();
    const runtime = await openRuntime({ config, log, namespace: process.env.EAIO_NAMESPACE });
    const { runServe } = await import('./commands/serve-command');
    await runServe(runtime, { port: Number(options.port), host: options.host });
    await runtime.close();
  });

program
  .command('migrate')
  .description('apply the database migrations (also done on every start)')
  .action(async () => {
    await withRuntime(
      async (runtime) => {
        const { migrate } = await import('@eaio/db');
        const result = await migrate(runtime.database);
        process.stdout.write(`migrations applied${result.hypertable ? '; attempts is a TimescaleDB hypertable' : ' (plain PostgreSQL)'}\n`);
      },
      { migrate: false },
    );
  });

program
  .command('report')
  .description('write the cost report for one day (Markdown, CSV, HTML; stored in Postgres)')
  .requiredOption('--date <YYYY-MM-DD>', 'report day in the report time zone')
  .option('--out <dir>', 'output directory (default report.outputDir)')
  .action(async (options) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(options.date)) throw new Error(`--date "${options.date}" is not YYYY-MM-DD`);
    await withRuntime(async (runtime) => {
      const { config } = runtime;
      const { createPriceCatalog, overridesFromConfig, runReportCommand } = await import('@eaio/spend');
      const catalog = createPriceCatalog({
        overrides: overridesFromConfig(
          config.prices,
          config.endpoints.map((endpoint) => endpoint.provider),
        ),
      });
      const result = await runReportCommand({
        date: options.date,
        timezone: config.report.timezone,
        db: runtime.database.pool,
        catalog,
        referenceModel: config.report.referenceModel,
        outputDir: resolve(options.out ?? config.report.outputDir),
      });
      process.stdout.write(`${result.summary}\n`);
    });
  });

program
  .command('providers')
  .description('provider endpoints')
  .command('check')
  .description('list every configured provider endpoint: reachable or not, models served, configured models missing')
  .action(async () => {
    const { runProvidersCheck } = await import('./commands/providers-command');
    const { config } = context();
    // Breakers live where the queues do; without a configured store (embedded mode) there is none to read.
    const guard = config.connections.redisUrl || config.connections.databaseUrl ? () => withRuntime((runtime) => runtime.guard.snapshot(), { migrate: false }) : undefined;
    process.exitCode = await runProvidersCheck(config, process.stdout, { guard });
  });

program
  .command('start')
  .description('the whole pipeline in one process: (embedded) Postgres, demo portfolio or your data, workers, board')
  .option('--rehearse', 'use the built-in provider emulator; results are labelled simulated', false)
  .option('--meter <file>', 'meter CSV (repeatable)', collect)
  .option('--metadata <file>', 'metadata CSV')
  .option('--weather <file>', 'weather CSV')
  .option('--analysis <types>', 'comma list of analysis types', 'data-quality-triage,building-diagnostic')
  .option('--tenant <name>', 'tenant', 'default')
  .option('--buildings <n>', 'demo portfolio size when no --meter is given', '24')
  .option('--port <port>', 'board port')
  .option('--data-dir <dir>', 'where the embedded PostgreSQL and the demo data live', '.eaio')
  .option('--time-scale <x>', 'with --rehearse: emulated latency scale (1 = realistic)', '0.1')
  .option('--exit-when-done', 'exit once the batch is done instead of keeping the board up', false)
  .action(async (options) => {
    const { runStart } = await import('./commands/start-command');
    const code = await runStart((env) => context({ ...process.env, ...env }), {
      rehearse: options.rehearse,
      meter: options.meter,
      metadata: options.metadata,
      weather: options.weather,
      analysis: options.analysis,
      tenant: options.tenant,
      buildings: Number(options.buildings),
      port: options.port ? Number(options.port) : undefined,
      exitWhenDone: options.exitWhenDone,
      dataDir: options.dataDir,
      timeScale: Number(options.timeScale),
    });
    process.exitCode = code;
  });

program.parseAsync(process.argv).catch(async (error: unknown) => {
  // A Redis or PostgreSQL that went away mid-command is named with what to do, in one line.
  let connections = {};
  try {
    connections = context().config.connections;
  } catch {
    // no config to name the services by
  }
  const { explainConnectionError } = await import('./service-check');
  process.stderr.write(`eaio: ${explainConnectionError(error, connections) ?? (error instanceof Error ? error.message : String(error))}\n`);
  process.exit(1);
});
