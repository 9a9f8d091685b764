import { localTime } from '../local-time';
import { fmt, median, pct, usd, type PortfolioSummary } from './report-model';
import type { ReportContext } from './write-report';

/** A table of the report, rendered alike in Markdown and HTML. */
export interface Table {
  columns: string[];
  rows: string[][];
  /** Columns to right-align (numbers). */
  numeric?: number[];
}

export interface SummarySection {
  id: 'overview' | 'consumption' | 'eui' | 'data-quality' | 'anomalies' | 'opportunities' | 'production';
  title: string;
  notes: string[];
  tables: Table[];
}

const quantile = (sorted: number[], q: number): number | null => {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
};

/** The portfolio summary as sections of notes and tables. */
export const summarySections = (context: ReportContext): SummarySection[] => {
  const { summary, batch } = context;
  const buildings = [...summary.buildings.values()];
  const sections: SummarySection[] = [];
  const states = [...summary.byState].map(([state, n]) => `${state} ${n}`).join(', ');
  sections.push({
    id: 'overview',
    title: 'Portfolio summary',
    notes: [],
    tables: [
      {
        columns: ['', ''],
        rows: [
          ['Batch', `${batch.id} (${batch.name})`],
          ['Tenant', batch.tenant],
          ['Submitted', localTime(batch.createdAt, context.timezone)],
          ['Status', `${batch.status}${batch.completedAt ? ` at ${localTime(batch.completedAt, context.timezone)}` : ''}`],
          ['Buildings', fmt(buildings.length)],
          ['Jobs', `${fmt(summary.jobs)}: ${states || 'none'}`],
          ['Analyses kept', [...summary.byType].map(([type, line]) => `${type} ${line.kept}/${line.jobs}`).join(', ') || 'none'],
          ['Provider calls', `${fmt(summary.calls)}, ${usd(summary.costMicroUsd)}`],
          ...(summary.promptJobs ? [['Prompt jobs', fmt(summary.promptJobs)]] : []),
        ],
      },
    ],
  });

  sections.push({
    id: 'consumption',
    title: 'Consumption per meter',
    notes: ["Annual kWh: each meter's total scaled to a year by its valid hours (FACTS.md); EUI per m² of floor area."],
    tables: [
      {
        columns: ['Meter', 'Buildings', 'Annual kWh (sum)', 'Median EUI kWh/m²·yr', 'EUI range'],
        numeric: [1, 2, 3],
        rows: [...summary.meters].map(([meter, line]) => {
          const sorted = [...line.euis].sort((a, b) => a - b);
          return [meter, fmt(line.buildings), fmt(line.annualKwh), fmt(median(line.euis), 1), sorted.length ? `${fmt(sorted[0], 1)} – ${fmt(sorted.at(-1), 1)}` : '–'];
        }),
      },
    ],
  });

  const withEui = buildings.filter((line) => line.eui !== null).sort((a, b) => b.eui! - a.eui!);
  const sortedEui = withEui.map((line) => line.eui!).sort((a, b) => a - b);
  const ranked = withEui.slice(0, 25);
  sections.push({
    id: 'eui',
    title: 'Electricity EUI and ranking against peers',
    notes: [
      withEui.length
        ? `${withEui.length} of ${buildings.length} buildings have an EUI. Quartiles: ${fmt(quantile(sortedEui, 0.25), 1)} · median ${fmt(quantile(sortedEui, 0.5), 1)} · ${fmt(quantile(sortedEui, 0.75), 1)} kWh/m²·yr (min ${fmt(sortedEui[0], 1)}, max ${fmt(sortedEui.at(-1), 1)}).`
        : 'No building has an EUI (no floor areas).',
      "Peer percentile: share of the building's peer group (same primary use) with a lower EUI.",
      ...(withEui.length > ranked.length ? [`The ${ranked.length} highest of ${withEui.length} are listed; every building has its own section below.`] : []),
    ],
    tables: [
      {
        columns: ['Rank', 'Building', 'Use', 'EUI kWh/m²·yr', 'Peer group', 'Peer percentile', 'Peer median'],
        numeric: [0, 3, 5, 6],
        rows: ranked.map((line, index) => [
          String(index + 1),
          line.buildingId,
          line.use,
          fmt(line.eui, 1),
          line.peerGroup ?? '–',
          fmt(line.peerPercentile),
          fmt(line.peerMedian, 1),
        ]),
      },
    ],
  });

  const issueKinds = new Map<string, Record<string, number>>();
  for (const [key, n] of summary.issues) {
    const [kind, severity] = key.split('\u0000');
    const line = issueKinds.get(kind) ?? {};
    line[severity] = n;
    issueKinds.set(kind, line);
  }
  const lowCoverage = buildings.filter((line) => line.coverage !== null && line.coverage < 0.9).sort((a, b) => a.coverage! - b.coverage!);
  const critical = buildings.filter((line) => line.critical > 0);
  sections.push({
    id: 'data-quality',
    title: 'Data quality',
    notes: [
      `${buildings.length - lowCoverage.length} of ${buildings.length} buildings have a valid reading for at least 90 % of hours on their main meter; ${critical.length} have a critical data issue.`,
    ],
    tables: [
      {
        columns: ['Issue', 'Critical', 'Warning', 'Info'],
        numeric: [1, 2, 3],
        rows: [...issueKinds].map(([kind, line]) => [kind, fmt(line.critical ?? 0), fmt(line.warning ?? 0), fmt(line.info ?? 0)]),
      },
      ...(lowCoverage.length
        ? [
            {
              columns: ['Lowest coverage', 'Coverage', 'Critical issues', 'Warnings'],
              numeric: [1, 2, 3],
              rows: lowCoverage.slice(0, 15).map((line) => [line.buildingId, pct(line.coverage), fmt(line.critical), fmt(line.warnings)]),
            },
          ]
        : []),
    ],
  });

  sections.push({
    id: 'anomalies',
    title: 'Largest anomalies',
    notes: ["Days and weeks furthest from the building's own expected consumption (robust z-score); dates are local."],
    tables: [
      {
        columns: ['Building', 'Meter', 'Kind', 'Date', 'Actual kWh', 'Expected kWh', 'Deviation', 'Robust z'],
        numeric: [4, 5, 6, 7],
        rows: summary.anomalies
          .values()
          .slice(0, 10)
          .map((line) => [line.buildingId, line.meter, line.kind, line.date, fmt(line.actualKwh), fmt(line.expectedKwh), pct(line.deviationPct, 0), fmt(line.robustZ, 1)]),
      },
    ],
  });

  const opportunities = summary.opportunities.values().slice(0, 20);
  sections.push({
    id: 'opportunities',
    title: 'Retrofit opportunities ranked by savings',
    notes: [
      opportunities.length
        ? "From the kept analyses' recommendations that estimate annual savings; estimates are the model's, checked by the gate for plausibility (never above consumption)."
        : 'No kept analysis estimated savings (run the retrofit-plan analysis: `--analysis retrofit-plan`).',
    ],
    tables: opportunities.length
      ? [
          {
            columns: ['Building', 'Action', 'Savings kWh/yr', 'Savings', 'Priority', 'From'],
            numeric: [2, 3],
            rows: opportunities.map((line) => [
              line.buildingId,
              line.action,
              fmt(line.savingsKwh),
              line.savingsPct === null ? '–' : `${fmt(line.savingsPct, 1)} %`,
              line.priority ?? '–',
              `${line.analysisType}${line.simulated ? ' (simulated)' : ''}`,
            ]),
          },
        ]
      : [],
  });

  const production = [...summary.production.values()].sort((a, b) => a.tier.localeCompare(b.tier) || b.kept - a.kept);
  sections.push({
    id: 'production',
    title: 'How the analyses were produced',
    notes: [
      `${fmt(summary.calls)} provider calls cost ${usd(summary.costMicroUsd)} in all (integer micro-USD summed from the attempts); jobs without a result: ${fmt(summary.jobs - production.reduce((sum, line) => sum + line.kept, 0))}.`,
    ],
    tables: [
      {
        columns: ['Tier', 'Provider', 'Model', 'Kept answers', 'Mean gate score', 'Cost of kept calls'],
        numeric: [3, 4, 5],
        rows: production.map((line) => [line.tier, line.provider, line.model, fmt(line.kept), fmt(line.scoreSum / line.kept, 2), usd(line.keptCostMicroUsd)]),
      },
    ],
  });
  return sections;
};

/** The banner of a batch with simulated answers. */
export const simulatedNote = (summary: PortfolioSummary): string | null =>
  summary.simulatedJobs > 0
    ? `SIMULATED: ${summary.simulatedJobs} of ${summary.jobs} jobs were answered by the built-in provider emulator (a rehearsal), not by a language model. Their analyses, scores and costs show how the pipeline works, not what a model would say about these buildings.`
    : null;
