import type { BuildingFacts } from '@eaio/energy';
import { localizeTimestamps, localTime } from '../local-time';
import { reasonWithoutResult } from '../result-line';
import type { JobRecord } from '../result-source';
import { claimCounts, claimsOf, dataIssueRows, factRows, fmt, METER_COLUMNS, meterRow, producedBy, readAnswer } from './report-model';
import { simulatedNote, summarySections, type Table } from './summary-view';
import type { ReportContext, ReportRenderer } from './write-report';

const cell = (value: string): string => value.replaceAll('|', '\\|').replace(/\s*\n\s*/g, ' ');

export const markdownTable = (table: Table): string => {
  if (table.rows.length === 0) return '_none_\n';
  const header = table.columns.every((column) => column === '') ? ['', ''] : table.columns;
  const align = header.map((_, index) => (table.numeric?.includes(index) ? '---:' : '---'));
  return [`| ${header.map(cell).join(' | ')} |`, `| ${align.join(' | ')} |`, ...table.rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n') + '\n';
};

const MAX_CLAIMS = 12;

const analysisMarkdown = (record: JobRecord, zone: string): string => {
  const lines: string[] = [];
  const simulated = record.result?.simulated ?? record.simulated;
  lines.push(`#### ${record.taskType} — ${record.state}${simulated ? ' · **SIMULATED**' : ''}`, '');
  lines.push(`_Produced by:_ ${producedBy(record)}`, '');
  if (!record.result) {
    lines.push(`_No result:_ ${cell(reasonWithoutResult(record))}`, '');
    return lines.join('\n');
  }
  const answer = readAnswer(record.result.answer);
  if (!answer) {
    lines.push(localizeTimestamps(record.result.text, zone), '');
    return lines.join('\n');
  }
  if (answer.summary) lines.push(`> ${cell(localizeTimestamps(answer.summary, zone))}`, '');
  if (answer.findings.length) {
    lines.push('Findings:', '');
    for (const finding of answer.findings) lines.push(`- **${cell(finding.title)}** — ${cell(localizeTimestamps(finding.detail, zone))}`);
    lines.push('');
  }
  if (answer.recommendations.length) {
    lines.push(
      markdownTable({
        columns: ['Recommendation', 'Savings kWh/yr', 'Savings', 'Priority'],
        numeric: [1, 2],
        rows: answer.recommendations.map((item) => [
          localizeTimestamps(item.action, zone),
          fmt(item.savingsKwh),
          item.savingsPct === null ? '–' : `${fmt(item.savingsPct, 1)} %`,
          item.priority ?? '–',
        ]),
      }),
    );
  }
  if (answer.dataIssuesAddressed.length) {
    lines.push('Data issues addressed:', '');
    for (const item of answer.dataIssuesAddressed) lines.push(`- ${cell(item.issue)}: ${cell(localizeTimestamps(item.response, zone))}`);
    lines.push('');
  }
  if (answer.confidence !== null) lines.push(`Confidence: ${fmt(answer.confidence, 2)}`, '');
  const claims = claimsOf(record);
  lines.push(`Grounding (the gate's check of every figure): ${claimCounts(claims)}.`, '');
  if (claims.length) {
    lines.push(
      markdownTable({
        columns: ['Figure', 'Where', 'Status', 'Matched / why not'],
        rows: claims.slice(0, MAX_CLAIMS).map((claim) => [claim.written, claim.where, claim.status, claim.note]),
      }),
    );
    if (claims.length > MAX_CLAIMS) lines.push(`_…and ${claims.length - MAX_CLAIMS} more figures (full list in the HTML report and the JSONL's attempts)._`, '');
  }
  return lines.join('\n');
};

/** The portfolio report as Markdown (no charts: those are in the HTML report). */
export const markdownRenderer = (): ReportRenderer => ({
  async head(context: ReportContext) {
    const lines = ['# Portfolio report', '', `Batch ${context.batch.id} (${context.batch.name}) · tenant ${context.batch.tenant}`, ''];
    const note = simulatedNote(context.summary);
    if (note) lines.push(`> **${note}**`, '');
    lines.push(
      `Generated ${localTime(context.generatedAt, context.timezone)}. Building figures and dates are in each building's local time; charts are in the HTML report (\`eaio results ${context.batch.id} --format html\`).`,
      '',
    );
    for (const section of summarySections(context)) {
      lines.push(`## ${section.title}`, '');
      for (const note of section.notes) lines.push(note, '');
      for (const table of section.tables) lines.push(markdownTable(table));
    }
    lines.push('## Buildings', '');
    return lines.join('\n');
  },
  async building(buildingId: string, facts: BuildingFacts | undefined, records: JobRecord[]) {
    const zone = facts?.building.timezone ?? 'UTC';
    const lines = [`### ${buildingId}`, ''];
    if (facts) {
      lines.push(markdownTable({ columns: ['', ''], rows: factRows(facts) }));
      lines.push(markdownTable({ columns: METER_COLUMNS, numeric: [1, 2, 3, 4, 5, 6, 7, 8], rows: facts.meters.map(meterRow) }));
      const issues = dataIssueRows(facts);
      lines.push(issues.length ? `Data issues:\n\n${issues.map((issue) => `- ${issue.severity} · ${issue.kind}: ${cell(issue.message)}`).join('\n')}\n` : 'Data issues: none.\n');
    }
    for (const record of records) lines.push(analysisMarkdown(record, zone));
    return `${lines.join('\n')}\n`;
  },
  prompt(record: JobRecord) {
    return `### Prompt job ${record.sourceId ?? record.jobId}\n\n${analysisMarkdown(record, 'UTC')}\n`;
  },
  tail() {
    return '';
  },
});
