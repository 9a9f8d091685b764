import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { join, resolve } from 'node:path';
import { resultsFileName, writeResults, type ResultFormat } from '@eaio/results';
import type { Runtime } from '../runtime';

export interface ResultsOptions {
  /** @defaultValue 'jsonl' */
  format?: ResultFormat;
  /** Directory to write `<batch>.results.jsonl` / `<batch>.report.html` … into; stdout when absent. */
  out?: string;
}

/**
 * `eaio results <batch>`: one line per job (jsonl, csv) or the portfolio report (md, html),
 * streamed from Postgres to stdout or to a file in `--out`. Returns the file written, if any.
 */
export const runResults = async (
  runtime: Runtime,
  batchId: string,
  options: ResultsOptions,
  stdout: NodeJS.WritableStream = process.stdout,
): Promise<{ jobs: number; file?: string }> => {
  const format = options.format ?? 'jsonl';
  const reportOptions = { timezone: runtime.config.report.timezone };
  if (!options.out) return writeResults(runtime.database.pool, batchId, format, stdout, reportOptions);
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true });
  const file = join(dir, resultsFileName(batchId, format));
  const stream = createWriteStream(file);
  try {
    const { jobs } = await writeResults(runtime.database.pool, batchId, format, stream, reportOptions);
    stream.end();
    await finished(stream);
    stdout.write(`${file} (${jobs} jobs)\n`);
    return { jobs, file };
  } catch (error) {
    stream.destroy();
    await rm(file, { force: true });
    throw error;
  }
};
