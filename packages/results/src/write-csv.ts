import type pg from 'pg';
import { stringify } from 'csv-stringify/sync';
import { toResultLine, type ResultLine } from './result-line';
import { readBatchJobs } from './result-source';
import { writeOut } from './write-out';

/** CSV columns: the JSONL line flattened; the answer as its summary plus the whole answer as JSON. */
export const CSV_COLUMNS = [
  'job_id',
  'batch_id',
  'building_id',
  'source_id',
  'analysis_type',
  'privacy',
  'state',
  'gate_verdict',
  'gate_score',
  'gate_threshold',
  'tier',
  'provider',
  'model',
  'calls',
  'cost_micro_usd',
  'kept_cost_micro_usd',
  'simulated',
  'reason',
  'finished_at',
  'summary',
  'answer_json',
] as const;

const summaryOf = (answer: unknown): string =>
  typeof answer === 'string'
    ? answer
    : answer && typeof answer === 'object' && typeof (answer as { summary?: unknown }).summary === 'string'
      ? (answer as { summary: string }).summary
      : '';

export const csvRow = (line: ResultLine): (string | number | boolean)[] => [
  line.jobId,
  line.batchId,
  line.buildingId ?? '',
  line.sourceId ?? '',
  line.analysisType,
  line.privacy,
  line.state,
  line.gate.verdict ?? '',
  line.gate.score ?? '',
  line.gate.threshold ?? '',
  line.tier ?? '',
  line.provider ?? '',
  line.model ?? '',
  line.calls,
  line.costMicroUsd,
  line.keptCostMicroUsd,
  line.simulated,
  line.reason ?? '',
  line.finishedAt ?? '',
  summaryOf(line.answer),
  line.answer === null ? '' : JSON.stringify(line.answer),
];

/** Streams a batch's results as CSV (RFC 4180 quoting by csv-stringify), header first. Returns the row count. */
export const writeResultsCsv = async (pool: pg.Pool, batchId: string, out: NodeJS.WritableStream): Promise<number> => {
  await writeOut(out, stringify([[...CSV_COLUMNS]]));
  let rows = 0;
  for await (const record of readBatchJobs(pool, batchId)) {
    await writeOut(out, stringify([csvRow(toResultLine(record))], { cast: { boolean: (value) => String(value) } }));
    rows += 1;
  }
  return rows;
};
