import type pg from 'pg';
import { toResultLine } from './result-line';
import { readBatchJobs } from './result-source';
import { writeOut } from './write-out';

/** Streams a batch's results as JSONL (one `ResultLine` per job) to `out`. Returns the line count. */
export const writeResultsJsonl = async (pool: pg.Pool, batchId: string, out: NodeJS.WritableStream): Promise<number> => {
  let lines = 0;
  for await (const record of readBatchJobs(pool, batchId)) {
    await writeOut(out, `${JSON.stringify(toResultLine(record))}\n`);
    lines += 1;
  }
  return lines;
};
