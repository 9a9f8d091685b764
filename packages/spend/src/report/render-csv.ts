import { microToUsd } from '../money';
import type { CostReport } from './cost-report-types';

const HEADER = [
  'day',
  'provider',
  'model',
  'tier',
  'tenant',
  'calls',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'reference_cost_usd',
  'savings_usd',
  'energy_usd',
  'mean_latency_ms',
  'p95_latency_ms',
  'pass_rate',
  'escalations',
  'errors',
  'abandoned',
  'in_flight',
];

const cell = (value: string | number | undefined): string => {
  if (value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** RFC 4180 CSV, one line per report row; money in USD with 6 decimals. */
export const renderCsv = (report: CostReport): string =>
  [
    HEADER.join(','),
    ...report.rows.map((row) =>
      [
        row.day,
        row.provider,
        row.model,
        row.tier,
        row.tenant,
        row.calls,
        row.inputTokens,
        row.outputTokens,
        row.cachedInputTokens,
        row.cacheWriteTokens,
        row.reasoningTokens,
        microToUsd(row.costMicro).toFixed(6),
        microToUsd(row.referenceCostMicro).toFixed(6),
        microToUsd(row.referenceCostMicro - row.costMicro).toFixed(6),
        microToUsd(row.energyMicro).toFixed(6),
        row.meanLatencyMs?.toFixed(1),
        row.p95LatencyMs?.toFixed(1),
        row.passRate?.toFixed(4),
        row.escalations,
        row.errors,
        row.abandoned,
        row.started,
      ]
        .map(cell)
        .join(','),
    ),
  ].join('\r\n') + '\r\n';
