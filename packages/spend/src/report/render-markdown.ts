import { formatUsd } from '../money';
import type { CostReport } from './cost-report-types';

const percent = (share: number | undefined): string => (share === undefined ? '–' : `${(share * 100).toFixed(1)}%`);
const ms = (value: number | undefined): string => (value === undefined ? '–' : `${Math.round(value)}`);
const escapeCell = (text: string): string => text.replaceAll('|', '\\|');

/** The report as Markdown: totals, savings against the reference model, the breakdown table. */
export const renderMarkdown = (report: CostReport): string => {
  const { totals } = report;
  const lines = [
    `# eaio cost report ${report.date} (${report.timezone})`,
    '',
    `- Calls: ${totals.calls}`,
    `- Spend: ${formatUsd(totals.costMicro)}`,
    `- Pure-API baseline (${report.referenceModel.provider}/${report.referenceModel.model}): ${formatUsd(totals.referenceCostMicro)}`,
    `- Savings: ${formatUsd(totals.savingsMicro)} (${percent(totals.savingsShare)})`,
    `- Quality pass rate: ${percent(totals.passRate)}; escalations: ${totals.escalations}`,
    ...(totals.energyMicro > 0 ? [`- Local energy cost: ${formatUsd(totals.energyMicro)}`] : []),
    `- Prices: ${report.priceVersion}`,
    '',
    '| provider | model | tier | tenant | calls | input | cached | cache write | output | reasoning | cost | baseline | mean ms | p95 ms | pass | escalations |',
    '|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...report.rows.map((row) =>
      `| ${[row.provider, row.model, row.tier, row.tenant].map(escapeCell).join(' | ')} | ${row.calls} | ${row.inputTokens} | ${row.cachedInputTokens} | ${row.cacheWriteTokens} | ${row.outputTokens} | ${row.reasoningTokens} | ${formatUsd(row.costMicro)} | ${formatUsd(row.referenceCostMicro)} | ${ms(row.meanLatencyMs)} | ${ms(row.p95LatencyMs)} | ${percent(row.passRate)} | ${row.escalations} |`,
    ),
  ];
  if (report.rows.length === 0) lines.push('', '_No attempts on this day._');
  return `${lines.join('\n')}\n`;
};
