import type { ReviewAttempt, ReviewListItem } from '@eaio/db';
import { usd } from '../cli-context';
import { createReviewDesk, type ReviewDesk, type ReviewJobView } from '../review-desk';
import type { Runtime } from '../runtime';

/** Who the CLI's decisions are recorded as. */
export const CLI_REVIEWER = 'cli';

const subject = (item: ReviewListItem): string => item.buildingId ?? item.sourceId ?? item.jobId;

export const formatReviewList = (items: ReviewListItem[]): string => {
  if (items.length === 0) return 'no job waits in review';
  const lines = ['job                                   building/source        analysis              privacy   calls  best   why'];
  for (const item of items) {
    lines.push(
      [
        item.jobId.padEnd(37),
        subject(item).slice(0, 22).padEnd(22),
        item.analysisType.padEnd(21),
        item.privacy.padEnd(9),
        String(item.attempts).padStart(5),
        (item.bestScore === null ? '–' : item.bestScore.toFixed(2)).padStart(5),
        ` ${item.reason.replace(/\s+/g, ' ').slice(0, 160)}`,
      ].join(' '),
    );
  }
  lines.push(`${items.length} job${items.length === 1 ? '' : 's'} in review; eaio review show <job> for the answers and the gate's findings`);
  return lines.join('\n');
};

interface StoredChecks {
  threshold?: number;
  checks?: Record<string, unknown> & { claims?: { where: string; written: string; status: string; note: string }[]; repairs?: string[] };
}

/** The gate's findings of one attempt: each check's score and issues, and the figures it could not ground. */
export const gateFindings = (
  attempt: ReviewAttempt,
): {
  checks: { name: string; score: number | undefined; issues: string[] }[];
  claims: { where: string; written: string; status: string; note: string }[];
  threshold: number | undefined;
} => {
  const stored = (attempt.qualityChecks ?? {}) as StoredChecks;
  const checks = Object.entries(stored.checks ?? {})
    .filter(([name, value]) => name !== 'claims' && name !== 'repairs' && typeof value === 'object' && value !== null)
    .map(([name, value]) => {
      const check = value as { score?: number; issues?: string[] };
      return { name, score: typeof check.score === 'number' ? check.score : undefined, issues: Array.isArray(check.issues) ? check.issues.map(String) : [] };
    });
  const claims = Array.isArray(stored.checks?.claims) ? stored.checks.claims : [];
  return { checks, claims, threshold: stored.threshold };
};

const formatAttempt = (attempt: ReviewAttempt, index: number): string[] => {
  const lines = [
    `-- attempt ${index + 1}: ${attempt.attemptId}  ${attempt.tier} ${attempt.provider}/${attempt.model}  ${attempt.outcome}` +
      `${attempt.qualityScore === null ? '' : `  gate ${attempt.qualityScore.toFixed(2)}`}  ${usd(attempt.costMicroUsd)}`,
  ];
  if (attempt.errorMessage) lines.push(`   error (${attempt.errorKind ?? 'unknown'}): ${attempt.errorMessage}`);
  const findings = gateFindings(attempt);
  for (const check of findings.checks) {
    lines.push(`   ${check.name.padEnd(11)} ${check.score === undefined ? '–' : check.score.toFixed(2)}${check.issues.length ? `  ${check.issues.join(' | ')}` : ''}`);
  }
  const off = findings.claims.filter((claim) => claim.status === 'unsupported' || claim.status === 'contradiction');
  if (findings.claims.length) lines.push(`   figures: ${findings.claims.length} stated, ${off.length} not grounded`);
  for (const claim of off) lines.push(`     ${claim.status}: "${claim.written}" (${claim.where}): ${claim.note}`);
  if (attempt.answerText !== null) lines.push('   answer:', ...attempt.answerText.split('\n').map((line) => `   | ${line}`));
  return lines;
};

export const formatReviewJob = (job: ReviewJobView): string => {
  const lines = [
    `job ${job.jobId}  batch ${job.batchId}  state ${job.state}${job.simulated ? '  [SIMULATED]' : ''}`,
    `building ${job.buildingId ?? '–'}  source ${job.sourceId ?? '–'}  analysis ${job.analysisType}  privacy ${job.privacy}  chain ${job.chain.join(' → ')}`,
    `why: ${job.reason}`,
    ...job.attemptList.flatMap(formatAttempt),
  ];
  if (job.attemptList.length === 0) lines.push('no provider call was made for this job');
  for (const decision of job.decisions) {
    lines.push(
      `decision: ${decision.decision}${decision.attemptId ? ` ${decision.attemptId}` : ''}${decision.tier ? ` on ${decision.tier}` : ''} by ${decision.decidedBy} at ${decision.decidedAt.toISOString()}: ${decision.reason}`,
    );
  }
  if (job.state === 'review') {
    lines.push(
      `decide: eaio review accept ${job.jobId} [--attempt <id>] --reason "…" | reject ${job.jobId} --reason "…" | retry ${job.jobId} --tier ${job.retryTiers.join('|')} --reason "…"`,
    );
  }
  return lines.join('\n');
};

export const runReview = async (
  runtime: Runtime,
  action: 'list' | 'show' | 'accept' | 'reject' | 'retry',
  args: { jobId?: string; batch?: string; attempt?: string; tier?: string; reason?: string; limit?: number },
  out: NodeJS.WritableStream = process.stdout,
  desk: ReviewDesk = createReviewDesk(runtime),
): Promise<void> => {
  const jobId = args.jobId ?? '';
  switch (action) {
    case 'list':
      out.write(`${formatReviewList(await desk.list({ batchId: args.batch, limit: args.limit }))}\n`);
      return;
    case 'show': {
      const job = await desk.show(jobId);
      if (!job) throw new Error(`no job "${jobId}": eaio review list shows the jobs in review`);
      out.write(`${formatReviewJob(job)}\n`);
      return;
    }
    case 'accept': {
      const done = await desk.accept({ jobId, attemptId: args.attempt, by: CLI_REVIEWER, reason: args.reason ?? '' });
      out.write(`accepted ${done.attemptId}: job ${jobId} succeeded (result marked reviewed; decision ${done.decisionId})\n`);
      return;
    }
    case 'reject': {
      const done = await desk.reject({ jobId, by: CLI_REVIEWER, reason: args.reason ?? '' });
      out.write(`rejected job ${jobId} (no result; decision ${done.decisionId})\n`);
      return;
    }
    case 'retry': {
      const done = await desk.retry({ jobId, tier: args.tier ?? '', by: CLI_REVIEWER, reason: args.reason ?? '' });
      out.write(`job ${jobId} queued on ${done.tier} (chain ${done.chain.join(' → ')}; decision ${done.decisionId}); eaio workers will run it\n`);
    }
  }
};
