import { SingleBar, Presets } from 'cli-progress';
import { parseDeadline, type AnalysisType, type PrivacyLevel } from '@eaio/core';
import type { MeterType } from '@eaio/energy';
import { createSpend } from '../compose-workers';
import { createPostgresIntakeStore } from '../postgres-intake-store';
import type { Runtime } from '../runtime';
import { submitBuildings } from '../submit-buildings';
import { submitPrompts, type SubmitResult } from '../submit-prompts';

export interface SubmitOptions {
  meter?: string[];
  metadata?: string;
  weather?: string;
  jsonl?: string;
  analysis?: string;
  privacy?: PrivacyLevel;
  tenant: string;
  progress: boolean;
  simulated?: boolean;
  name?: string;
  /** `--deadline`: a duration (24h) or an ISO time. */
  deadline?: string;
}

/** `--meter path` (electricity) or `--meter gas=path`. */
export const parseMeterArgument = (value: string): { meter: MeterType; path: string } => {
  const match = /^([a-z]+)=(.+)$/.exec(value);
  if (match && ['electricity', 'gas', 'chilledwater', 'steam', 'hotwater', 'water', 'other'].includes(match[1])) {
    return { meter: match[1] as MeterType, path: match[2] };
  }
  return { meter: 'electricity', path: value };
};

const formatIssue = (issue: { file: string; line: number; field?: string; message: string; hint: string }) =>
  `${issue.file}${issue.line > 0 ? `:${issue.line}` : ''}${issue.field ? ` [${issue.field}]` : ''}: ${issue.message} — ${issue.hint}`;

/** Streams the input in, creates one batch, prints issues (file:line) and what was enqueued where. */
export const runSubmit = async (runtime: Runtime, options: SubmitOptions, out: NodeJS.WritableStream = process.stdout): Promise<SubmitResult> => {
  if (!options.jsonl && !options.meter?.length) {
    throw new Error('nothing to submit: give --meter <file> (with --metadata <file>) for building analyses, or --jsonl <file> for prompt jobs');
  }
  const bar =
    options.progress && process.stderr.isTTY ? new SingleBar({ format: '{phase} | rows read {rows} | jobs enqueued {jobs}', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(1, 0, { phase: 'reading', rows: 0, jobs: 0 });
  const { guard } = createSpend(runtime, runtime.log);
  const deps = {
    config: runtime.config,
    store: createPostgresIntakeStore(runtime.database),
    queues: runtime.queues,
    // Under `budgets.localOnlyBelowShare` of a global or tenant budget left: new jobs stay local.
    budgetState: (tenant: string) => guard.budgetRoutingState(new Date(), { tenant }),
    onIssue: (issue: { file: string; line: number; field?: string; message: string; hint: string }) => {
      // Called for the listed issues only (config intake.maxIssuesListed); the rest are counted.
      process.stderr.write(`${bar ? '\n' : ''}input issue: ${formatIssue(issue)}\n`);
    },
    onProgress: (progress: { rowsRead: number; jobsEnqueued: number }) =>
      bar?.update(0, { phase: progress.jobsEnqueued > 0 ? 'enqueuing' : 'reading', rows: progress.rowsRead, jobs: progress.jobsEnqueued }),
  };
  const deadline = options.deadline ? parseDeadline(options.deadline) : undefined;
  const analysisTypes = options.analysis ? (options.analysis.split(',').map((type) => type.trim()) as AnalysisType[]) : undefined;
  const result = options.jsonl
    ? await submitPrompts({ jsonlFile: options.jsonl, tenant: options.tenant, privacy: options.privacy, simulated: options.simulated, name: options.name, deadline }, deps)
    : await submitBuildings(
        {
          meters: options.meter!.map(parseMeterArgument),
          metadataFile: options.metadata,
          weatherFile: options.weather,
          analysisTypes,
          tenant: options.tenant,
          privacy: options.privacy,
          simulated: options.simulated,
          name: options.name,
          deadline,
        },
        deps,
      );
  bar?.stop();
  const { counts, issueCounts } = result;
  const printed = issueCounts.listed;
  const kinds = Object.entries(issueCounts.byKind)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  out.write(
    [
      result.stored
        ? `batch ${result.batchId}: ${counts.created} new jobs, ${counts.alreadyKnown} already known (${counts.alreadyFinished} finished)`
        : `nothing stored (no usable row, so no batch): ${counts.created} new jobs`,
      `  enqueued: local-fast ${counts.byQueue['local-fast']}, local-quality ${counts.byQueue['local-quality']}, api ${counts.byQueue.api}, review ${counts.byQueue.review}`,
      issueCounts.total > 0
        ? `  ${issueCounts.total} input issue(s) reported above${issueCounts.total > printed ? ` (the first ${printed} printed)` : ''}${result.stored ? '; valid rows were still processed' : ''}; by kind: ${kinds}`
        : '  no input issues',
      '',
    ].join('\n'),
  );
  return result;
};
