import { DateTime } from 'luxon';
import type { CostReportOptions, CostReportResult } from './cost-report';
import { generateCostReport } from './cost-report';

export const NIGHTLY_REPORT_SCHEDULER_ID = 'nightly-cost-report';
export const NIGHTLY_REPORT_JOB_NAME = 'cost-report';

/** The slice of a BullMQ `Queue` the scheduler uses. */
export interface SchedulerQueue {
  upsertJobScheduler(id: string, repeat: { pattern: string; tz?: string }, template: { name: string; data: Record<string, unknown> }): Promise<unknown>;
}

export interface NightlyReportSchedule {
  /** 5-field cron. @defaultValue `'0 2 * * *'` */
  cron?: string;
  /** IANA zone of the cron and of report days. @defaultValue `'UTC'` */
  tz?: string;
}

/** Registers (or updates) the nightly report job scheduler on `queue`; idempotent across restarts. */
export const scheduleNightlyReport = async (queue: SchedulerQueue, schedule: NightlyReportSchedule = {}): Promise<void> => {
  const tz = schedule.tz ?? 'UTC';
  await queue.upsertJobScheduler(NIGHTLY_REPORT_SCHEDULER_ID, { pattern: schedule.cron ?? '0 2 * * *', tz }, { name: NIGHTLY_REPORT_JOB_NAME, data: { timezone: tz } });
};

/** The day a nightly run reports on: the day before `at`, in `timezone`. */
export const reportDayFor = (at: Date, timezone: string): string => DateTime.fromJSDate(at, { zone: timezone }).minus({ days: 1 }).toISODate()!;

/**
 * The BullMQ processor of the nightly report: reports on the previous day (job data
 * may name `date` to re-run one). Dependencies are bound here, so `main.ts` passes
 * the returned function to `new Worker(queueName, processor)`.
 */
export const createReportProcessor =
  (deps: Omit<CostReportOptions, 'date'> & { now?: () => Date }) =>
  async (job: { data: { date?: string }; timestamp?: number }): Promise<{ date: string; files: string[]; calls: number; costMicro: number }> => {
    const at = job.timestamp === undefined ? (deps.now ?? (() => new Date()))() : new Date(job.timestamp);
    const date = job.data.date ?? reportDayFor(at, deps.timezone);
    const { report, files } = await generateCostReport({ ...deps, date });
    return { date, files, calls: report.totals.calls, costMicro: report.totals.costMicro };
  };

/** `eaio report --date YYYY-MM-DD`: runs the report by hand, returns what the CLI prints. */
export const runReportCommand = async (options: CostReportOptions & { outputDir: string }): Promise<CostReportResult & { summary: string }> => {
  const result = await generateCostReport(options);
  return { ...result, summary: `${result.markdown}\nWrote ${result.files.join(', ')}` };
};
