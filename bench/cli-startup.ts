/**
 * CLI start-up: `eaio --help` through the compiled CLI (dist/cli/, what bin/eaio.mjs runs)
 * against the same command through tsx (`EAIO_TSX=1`, what every CLI process did before),
 * in the same run, alternating so both see the same machine load.
 *
 *   npx tsx bench/cli-startup.ts [--runs 5] [--warmup 1] [--command "--help"] [--before <git revision>]
 *   REDIS_URL=redis://127.0.0.1:1 npx tsx bench/cli-startup.ts --command status --any-exit
 *       (a command that loads config, connections and the database code, then fails to connect)
 *
 * Each run is one fresh `node bin/eaio.mjs <command>` process, timed from spawn to exit
 * (wall clock). Also shown: `node -e 0` (Node's own start, the floor) and one compile of
 * the CLI (`node bin/compile.mjs`, what `npm ci` and a first run after an edit pay).
 * With --before, the same command from that revision's tree too (`git archive` into a temp
 * folder sharing this checkout's node_modules; its bin/eaio.mjs as it was then, e.g. the
 * tsx-only CLI before the compiled one: --before 498075f).
 * Prints the median, min and max of each, the ratio, and whether the compiled median
 * meets the 0.5 s goal.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const GOAL_SECONDS = 0.5;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    command: { type: 'string', default: '--help' },
    before: { type: 'string' },
    'any-exit': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const command = values.command.split(' ').filter(Boolean);

/** Seconds from spawn to exit of one process; throws when it exits non-zero. */
const time = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): number => {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0 && !(values['any-exit'] && result.status !== null))
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.trim().split('\n').at(-1)}`);
  return seconds;
};

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** `revision`'s files in a temp folder whose node_modules are this checkout's (workspace links pointing into the temp tree). */
const checkoutOf = (revision: string): string => {
  const folder = mkdtempSync(join(tmpdir(), 'eaio-cli-startup-'));
  const archive = spawnSync('sh', ['-c', `git archive ${JSON.stringify(revision)} | tar -x -C ${JSON.stringify(folder)}`], { cwd: ROOT, encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`git archive ${revision}: ${archive.stderr.trim()}`);
  const modules = join(ROOT, 'node_modules');
  mkdirSync(join(folder, 'node_modules', '@eaio'), { recursive: true });
  for (const name of readdirSync(modules)) {
    if (name !== '@eaio') symlinkSync(join(modules, name), join(folder, 'node_modules', name));
  }
  for (const name of readdirSync(join(modules, '@eaio'))) {
    symlinkSync(readlinkSync(join(modules, '@eaio', name)), join(folder, 'node_modules', '@eaio', name));
  }
  return folder;
};

const compileSeconds = time(['bin/compile.mjs']); // also makes sure the compiled CLI is fresh
const eaio = ['bin/eaio.mjs', ...command];
const before = values.before ? checkoutOf(values.before) : undefined;
process.on('exit', () => {
  if (before) rmSync(before, { recursive: true, force: true });
});
const cases: Record<string, () => number> = {
  compiled: () => time(eaio, { EAIO_TSX: '' }),
  tsx: () => time(eaio, { EAIO_TSX: '1' }),
  ...(before ? { [`${values.before!.slice(0, 7)} (before)`]: () => time(eaio, {}, before) } : {}),
  'node -e 0': () => time(['-e', '0']),
};
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < warmup + runs; round += 1) {
  for (const [name, run] of Object.entries(cases)) {
    const seconds = run();
    if (round >= warmup) samples[name].push(seconds);
  }
}

const format = (seconds: number) => `${seconds.toFixed(3)} s`;
process.stdout.write(`eaio ${command.join(' ')}: median of ${runs} (after ${warmup} warm-up), one process per run, alternating\n`);
process.stdout.write(`${'path'.padEnd(18)} ${'median'.padStart(9)} ${'min'.padStart(9)} ${'max'.padStart(9)}  runs\n`);
for (const [name, xs] of Object.entries(samples)) {
  process.stdout.write(
    `${name.padEnd(18)} ${format(median(xs)).padStart(9)} ${format(Math.min(...xs)).padStart(9)} ${format(Math.max(...xs)).padStart(9)}  ${xs.map((x) => x.toFixed(2)).join(' ')}\n`,
  );
}
const compiled = median(samples.compiled);
process.stdout.write(`tsx ÷ compiled: ${(median(samples.tsx) / compiled).toFixed(1)}x; compile (node bin/compile.mjs): ${format(compileSeconds)}\n`);
if (values.command === '--help') process.stdout.write(`goal: compiled median ≤ ${GOAL_SECONDS} s: ${compiled <= GOAL_SECONDS ? 'met' : 'NOT met'}\n`);
