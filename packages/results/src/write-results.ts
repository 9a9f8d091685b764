import type pg from 'pg';
import { htmlRenderer } from './report/render-html';
import { markdownRenderer } from './report/render-markdown';
import { writePortfolioReport, type WriteReportOptions } from './report/write-report';
import { readBatch } from './result-source';
import { writeResultsCsv } from './write-csv';
import { writeResultsJsonl } from './write-jsonl';

import type { ResultFormat } from './result-formats';

export { RESULT_FORMATS, type ResultFormat } from './result-formats';

/** File name of a batch's results in `format`: `<batch>.results.jsonl`, `<batch>.report.html`, … */
export const resultsFileName = (batchId: string, format: ResultFormat): string => `${batchId}.${format === 'jsonl' || format === 'csv' ? 'results' : 'report'}.${format}`;

/**
 * Writes a batch's results to `out`: one line per job (`jsonl`, `csv`) or the portfolio
 * report (`md`, `html`). Streams from Postgres; throws when the batch does not exist.
 */
export const writeResults = async (
  pool: pg.Pool,
  batchId: string,
  format: ResultFormat,
  out: NodeJS.WritableStream,
  options: WriteReportOptions = {},
): Promise<{ jobs: number }> => {
  if (format === 'md' || format === 'html') {
    const written = await writePortfolioReport(pool, batchId, format === 'md' ? markdownRenderer() : htmlRenderer(), out, options);
    return { jobs: written.jobs };
  }
  if (!(await readBatch(pool, batchId))) throw new Error(`no batch "${batchId}": run "eaio status" to list batches`);
  return { jobs: format === 'jsonl' ? await writeResultsJsonl(pool, batchId, out) : await writeResultsCsv(pool, batchId, out) };
};
