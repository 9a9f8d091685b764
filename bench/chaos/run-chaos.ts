/**
 * The chaos suite of issue 9 (`npm run chaos`): each scenario runs a batch through the real
 * `eaio` processes against real Redis and PostgreSQL and the provider emulator, injects
 * its fault, waits for the batch to drain, and prints one row worked out from Postgres
 * rows, the BullMQ queues and the emulator's request log. Exit code 1 when any scenario
 * breaks an invariant. See bench/README.md#chaos.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { ScenarioFigures } from './figures';
import { FULL_SIZES, runScenario, SHORT_SIZES } from './harness';
import { SCENARIOS, scenarioNamed } from './scenarios';
import { formatTable } from './table';

const program = new Command()
  .name('chaos')
  .description('fault scenarios against the real eaio processes; one row of figures per scenario')
  .option('--scenario <names>', `comma list (default: all of ${SCENARIOS.map((scenario) => scenario.name).join(', ')})`)
  .option('--short', 'the CI sizes: fewer jobs, shorter outages', false)
  .option('--keep', 'keep each scenario directory (worker logs, config, input) and its database', false)
  .option('--json <file>', 'also write the figures as JSON')
  .parse();
const options = program.opts<{ scenario?: string; short: boolean; keep: boolean; json?: string }>();

// Ctrl-C: exit through process.exit, so that the worker processes are killed with the harness.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const definitions = options.scenario ? options.scenario.split(',').map((name) => scenarioNamed(name.trim())) : SCENARIOS;
const sizes = options.short ? SHORT_SIZES : FULL_SIZES;
const log = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

const rows: ScenarioFigures[] = [];
for (const definition of definitions) {
  try {
    rows.push(await runScenario(definition, { sizes, keep: options.keep, log }));
  } catch (error) {
    log(`[${definition.name}] could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    rows.push({
      scenario: definition.name,
      submitted: 0,
      rows: 0,
      terminal: 0,
      byState: {},
      lost: 0,
      orphaned: 0,
      failedInQueueOnly: 0,
      duplicated: 0,
      duplicateReasons: {},
      attempts: 0,
      requests: 0,
      refused: 0,
      unsent: 0,
      unmatched: 0,
      startedLeft: 0,
      openReservations: 0,
      openReservedMicro: 0,
      counterReservedMicro: 0,
      settledMicro: 0,
      capMicro: 0,
      batchStatus: 'not run',
      drainMs: undefined,
      cleanMs: undefined,
      ending: 'deadline',
      faults: 0,
      violations: [`the scenario could not run: ${error instanceof Error ? error.message : String(error)}`],
      notes: [],
    });
  }
  log(`[${definition.name}] ${rows.at(-1)!.violations.length === 0 ? 'ok' : `${rows.at(-1)!.violations.length} invariant(s) broken`}`);
}
process.stdout.write(`\n${formatTable(rows)}\n`);
if (options.json) writeFileSync(options.json, `${JSON.stringify(rows, null, 2)}\n`);
const failed = rows.filter((row) => row.violations.length > 0).map((row) => row.scenario);
process.stdout.write(failed.length === 0 ? '\nevery invariant held in every scenario\n' : `\ninvariants broken in: ${failed.join(', ')}\n`);
process.exit(failed.length === 0 ? 0 : 1);
