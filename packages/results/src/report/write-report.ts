import type pg from 'pg';
import type { BuildingFacts } from '@eaio/energy';
import { readBatch, readBatchJobs, type BatchInfo, type JobRecord } from '../result-source';
import { writeOut } from '../write-out';
import { byAnalysisOrder, PortfolioSummary } from './report-model';

export interface ReportContext {
  batch: BatchInfo;
  summary: PortfolioSummary;
  /** Time zone of the report's own timestamps (generated at, batch times); building figures use each building's zone. */
  timezone: string;
  generatedAt: Date;
}

/** One output format of the portfolio report, written piece by piece. */
export interface ReportRenderer {
  head(context: ReportContext): Promise<string>;
  /** One building: its facts (from its jobs) and its jobs, in analysis order. */
  building(buildingId: string, facts: BuildingFacts | undefined, records: JobRecord[], context: ReportContext): Promise<string>;
  /** A prompt job (no building). */
  prompt(record: JobRecord, context: ReportContext): string;
  tail(context: ReportContext): string;
}

export interface WriteReportOptions {
  timezone?: string;
  generatedAt?: Date;
  pageSize?: number;
}

/**
 * The portfolio report of a batch in two streamed passes over its jobs: the first
 * gathers the portfolio summary, the second renders one building at a time (jobs come
 * ordered by building, so a building's jobs arrive together). Nothing holds the batch.
 */
export const writePortfolioReport = async (
  pool: pg.Pool,
  batchId: string,
  renderer: ReportRenderer,
  out: NodeJS.WritableStream,
  options: WriteReportOptions = {},
): Promise<{ buildings: number; jobs: number }> => {
  const batch = await readBatch(pool, batchId);
  if (!batch) throw new Error(`no batch "${batchId}": run "eaio status" to list batches`);
  const summary = new PortfolioSummary();
  for await (const record of readBatchJobs(pool, batchId, { withFacts: true, pageSize: options.pageSize })) summary.add(record);
  const context: ReportContext = { batch, summary, timezone: options.timezone ?? 'UTC', generatedAt: options.generatedAt ?? new Date() };
  await writeOut(out, await renderer.head(context));

  let buildings = 0;
  let group: JobRecord[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    const facts = group.find((record) => record.facts)?.facts as BuildingFacts | undefined;
    await writeOut(out, await renderer.building(group[0].buildingId!, facts, [...group].sort(byAnalysisOrder), context));
    buildings += 1;
    group = [];
  };
  for await (const record of readBatchJobs(pool, batchId, { withFacts: true, pageSize: options.pageSize })) {
    if (!record.buildingId) {
      await flush();
      await writeOut(out, renderer.prompt(record, context));
      continue;
    }
    if (group.length > 0 && group[0].buildingId !== record.buildingId) await flush();
    group.push(record);
  }
  await flush();
  await writeOut(out, renderer.tail(context));
  return { buildings, jobs: summary.jobs };
};
