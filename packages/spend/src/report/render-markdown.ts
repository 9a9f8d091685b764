import { formatUsd } from '../money';
import type { CostLevers, CostReport, LeverFigures } from './cost-report-types';

const percent = (share: number | undefined): string => (share === undefined ? '–' : `${(share * 100).toFixed(1)}%`);
const ms = (value: number | undefined): string => (value === undefined ? '–' : `${Math.round(value)}`);
const escapeCell = (text: string): string => text.replaceAll('|', '\\|');

const leverLines = (levers: CostLevers | undefined): string[] => {
  if (!levers) return [];
  const line = (name: string, figures: LeverFigures) =>
    `  - ${name}: ${figures.results} results, cost ${formatUsd(figures.costMicro)} against ${formatUsd(figures.referenceCostMicro)} on pure API, saved ${formatUsd(figures.savingsMicro)}`;
  return [
    '- Levers:',
    line('local tiers', levers.local),
    line('response cache (no call)', levers.cache),
    line('api tier (interactive prices)', levers.api),
    `  - adaptive starts: ${levers.adaptive.movedJobs} kept jobs started elsewhere than the fixed router would (higher or lower), expected saving ${formatUsd(levers.adaptive.expectedSavingsMicro)} (estimate at routing time)`,
    `  - batch pricing: ${levers.batch.calls} calls billed at provider batch prices, cost ${formatUsd(levers.batch.costMicro)} against ${formatUsd(levers.batch.interactiveCostMicro)} at interactive prices, saved ${formatUsd(levers.batch.savingsMicro)}; ${levers.batch.fellBack} parked calls fell back to interactive near the deadline`,
  ];
};

/** The report as Markdown: totals, jobs with and without a result, savings of the kept results against the reference model, the breakdown table. */
export const renderMarkdown = (report: CostReport): string => {
  const { totals } = report;
  const { jobs } = totals;
  const byState = ['review', 'failed', 'rejected'].map((state) => `${state} ${jobs.withoutResultByState[state] ?? 0}`).join(', ');
  const lines = [
    `# eaio cost report ${report.date} (${report.timezone})`,
    '',
    `- Calls: ${totals.calls} (errors ${totals.errors}, abandoned ${totals.abandoned}, still in flight ${totals.started})`,
    `- Spend: ${formatUsd(totals.costMicro)}`,
    `- Jobs ended: ${jobs.ended}; with a result ${jobs.withResult}; without a result ${jobs.withoutResult} (${byState}), their calls cost ${formatUsd(jobs.withoutResultCostMicro)}`,
    `- Kept results: ${jobs.withResult}, costing ${formatUsd(jobs.keptCostMicro)} (every call of their jobs); pure-API cost of the same results (${report.referenceModel.provider}/${report.referenceModel.model}): ${formatUsd(totals.referenceCostMicro)}`,
    `- Savings: ${formatUsd(totals.savingsMicro)} (${percent(totals.savingsShare)}) on the kept results`,
    ...leverLines(totals.levers),
    `- Pass rate (passed / calls that ended, errors included): ${percent(totals.passRate)}; escalations: ${totals.escalations}`,
    ...(totals.energyMicro > 0 ? [`- Local energy cost: ${formatUsd(totals.energyMicro)}`] : []),
    `- Prices: ${report.priceVersion}`,
    '',
    '| provider | model | tier | tenant | calls | errors | in flight | input | cached | cache write | output | reasoning | cost | baseline | mean ms | p95 ms | pass | escalations |',
    '|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...report.rows.map(
      (row) =>
        `| ${[row.provider, row.model, row.tier, row.tenant].map(escapeCell).join(' | ')} | ${row.calls} | ${row.errors} | ${row.started} | ${row.inputTokens} | ${row.cachedInputTokens} | ${row.cacheWriteTokens} | ${row.outputTokens} | ${row.reasoningTokens} | ${formatUsd(row.costMicro)} | ${formatUsd(row.referenceCostMicro)} | ${ms(row.meanLatencyMs)} | ${ms(row.p95LatencyMs)} | ${percent(row.passRate)} | ${row.escalations} |`,
    ),
  ];
  if (report.rows.length === 0) lines.push('', '_No attempts on this day._');
  return `${lines.join('\n')}\n`;
};
