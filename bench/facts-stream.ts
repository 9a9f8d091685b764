/**
 * Streaming facts benchmark: BDG2-scale long-format meter file, streamed vs naive.
 *
 *   npx tsx bench/facts-stream.ts [--buildings 1600] [--years 2] [--runs 3] [--seed 1] [--keep]
 *
 * Generates a synthetic portfolio (`generatePortfolio`, long format sorted by building,
 * default 1,600 buildings × 17,520 hours = 28 M rows) in a temp dir, then for each run
 * starts one child process per mode so peak RSS is measured per mode:
 * - `stream`: `computePortfolioFacts` (csv-parse streaming, each building reduced to its
 *   facts when its block ends);
 * - `naive`: read the whole file into one string, parse it with csv-parse/sync into
 *   row arrays, group rows per building, then compute the same facts.
 * Prints rows/s and peak RSS (median of the runs) side by side with ratios. A naive run
 * that cannot hold the file (V8 string limit, out of memory) is reported as failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  comparePeers,
  computeFacts,
  computePortfolioFacts,
  createCalendarCache,
  generatePortfolio,
  parseTimestamp,
  readMetadata,
  readWeather,
  unknownBuildingMetadata,
  HourlySeriesBuilder,
  type BuildingFacts,
} from '@eaio/energy';

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
};

interface RunResult {
  ok: boolean;
  rows: number;
  seconds: number;
  maxRssMb: number;
  buildings: number;
  error?: string;
}

const child = async (mode: string, dir: string): Promise<RunResult> => {
  const files = { meter: join(dir, 'electricity.csv'), metadata: join(dir, 'metadata.csv'), weather: join(dir, 'weather.csv') };
  const started = performance.now();
  let rows = 0;
  let facts: BuildingFacts[];
  if (mode === 'stream') {
    const result = await computePortfolioFacts({
      meters: [{ meter: 'electricity', source: files.meter }],
      metadata: files.metadata,
      weather: files.weather,
      onProgress: (progress) => {
        rows = progress.rows;
      },
    });
    facts = result.facts;
  } else {
    const metadata = await readMetadata(files.metadata);
    const weather = await readWeather(files.weather);
    const text = readFileSync(files.meter, 'utf8');
    const records = parse(text, { from_line: 2 }) as string[][];
    rows = records.length;
    const builders = new Map<string, HourlySeriesBuilder>();
    for (const [buildingId, timestamp, kwh] of records) {
      let builder = builders.get(buildingId);
      if (!builder) builders.set(buildingId, (builder = new HourlySeriesBuilder()));
      const parsed = parseTimestamp(timestamp);
      if (parsed.ok) builder.set(parsed.hour, Number(kwh));
    }
    const calendars = createCalendarCache();
    facts = comparePeers(
      [...builders].map(([buildingId, builder]) =>
        computeFacts({
          metadata: metadata.get(buildingId) ?? unknownBuildingMetadata(buildingId),
          meters: [{ meter: 'electricity', series: builder.build() }],
          weather,
          calendars,
        }),
      ),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  return { ok: true, rows, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, buildings: facts.length };
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const main = async (): Promise<void> => {
  const childMode = argument('child', '');
  if (childMode) {
    const result = await child(childMode, argument('dir', '.')).catch(
      (error: unknown): RunResult => ({ ok: false, rows: 0, seconds: 0, maxRssMb: process.resourceUsage().maxRSS / 1024, buildings: 0, error: String(error).slice(0, 200) }),
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const buildings = Number(argument('buildings', '1600'));
  const years = Number(argument('years', '2'));
  const runs = Number(argument('runs', '3'));
  const modes = argument('modes', 'stream,naive').split(',');
  const dir = mkdtempSync(join(tmpdir(), 'eaio-facts-bench-'));
  try {
    const generationStart = performance.now();
    const portfolio = await generatePortfolio({ buildings, years, seed: Number(argument('seed', '1')), outDir: dir, format: 'long' });
    const megabytes = statSync(portfolio.files.meter).size / 1024 / 1024;
    console.log(
      `generated ${buildings} buildings × ${portfolio.hours} h = ${portfolio.rows.toLocaleString('en-GB')} rows, ${megabytes.toFixed(0)} MB, in ${((performance.now() - generationStart) / 1000).toFixed(1)} s`,
    );
    const results = new Map<string, RunResult[]>(modes.map((mode) => [mode, []]));
    for (let run = 0; run < runs; run += 1) {
      for (const mode of modes) {
        const spawned = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child', mode, '--dir', dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const line = spawned.stdout.trim().split('\n').at(-1) ?? '';
        let result: RunResult;
        try {
          result = JSON.parse(line) as RunResult;
        } catch {
          result = {
            ok: false,
            rows: 0,
            seconds: 0,
            maxRssMb: 0,
            buildings: 0,
            error: (
              spawned.stderr
                .trim()
                .split('\n')
                .find((text) => /heap|memory|Error/.test(text)) ?? `exit ${spawned.status ?? spawned.signal}`
            ).slice(0, 200),
          };
        }
        results.get(mode)!.push(result);
        console.log(
          `run ${run + 1} ${mode}: ${result.ok ? `${result.seconds.toFixed(2)} s, ${Math.round(result.rows / result.seconds).toLocaleString('en-GB')} rows/s, peak RSS ${result.maxRssMb.toFixed(0)} MB, ${result.buildings} buildings` : `failed: ${result.error}`}`,
        );
      }
    }
    console.log('\nmode     rows/s (median)   peak RSS MB (median)   seconds (median)');
    const summary = new Map<string, { rate: number; rss: number; seconds: number } | null>();
    for (const mode of modes) {
      const ok = results.get(mode)!.filter((result) => result.ok);
      if (ok.length === 0) {
        summary.set(mode, null);
        console.log(`${mode.padEnd(8)} failed: ${results.get(mode)![0].error}`);
        continue;
      }
      const entry = {
        rate: median(ok.map((result) => result.rows / result.seconds)),
        rss: median(ok.map((result) => result.maxRssMb)),
        seconds: median(ok.map((result) => result.seconds)),
      };
      summary.set(mode, entry);
      console.log(
        `${mode.padEnd(8)} ${Math.round(entry.rate).toLocaleString('en-GB').padStart(15)}   ${entry.rss.toFixed(0).padStart(20)}   ${entry.seconds.toFixed(2).padStart(16)}`,
      );
    }
    const stream = summary.get('stream');
    const naive = summary.get('naive');
    if (stream && naive) console.log(`\nstream / naive: throughput ×${(stream.rate / naive.rate).toFixed(2)}, peak RSS ×${(stream.rss / naive.rss).toFixed(2)}`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
};

await main();
