import type { BuildingFacts } from '@eaio/energy';
import { localizeTimestamps, localTime } from '../local-time';
import { reasonWithoutResult } from '../result-line';
import type { JobRecord } from '../result-source';
import { dataIssuesChart, euiDistributionChart, euiRankingChart, loadShapeChart, monthlyProfileChart } from './charts';
import { claimCounts, claimsOf, dataIssueRows, factRows, fmt, loadLevels, METER_COLUMNS, meterRow, monthlyPoints, producedBy, readAnswer } from './report-model';
import { simulatedNote, summarySections, type Table } from './summary-view';
import type { ReportContext, ReportRenderer } from './write-report';

export const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

const anchor = (buildingId: string) => `b-${buildingId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

export const htmlTable = (table: Table, className = ''): string => {
  if (table.rows.length === 0) return '<p class="muted">none</p>';
  const keyValue = table.columns.every((column) => column === '');
  const head = keyValue
    ? ''
    : `<thead><tr>${table.columns.map((column, index) => `<th${table.numeric?.includes(index) ? ' class="num"' : ''}>${escapeHtml(column)}</th>`).join('')}</tr></thead>`;
  const body = table.rows
    .map(
      (row) =>
        `<tr>${row.map((value, index) => (keyValue && index === 0 ? `<th>${escapeHtml(value)}</th>` : `<td${table.numeric?.includes(index) ? ' class="num"' : ''}>${escapeHtml(value)}</td>`)).join('')}</tr>`,
    )
    .join('');
  return `<table class="${keyValue ? 'facts' : ''} ${className}">${head}<tbody>${body}</tbody></table>`;
};

const figure = (svg: string, caption: string) => `<figure class="chart">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;

const STYLE = `
:root { --ink:#1d2733; --muted:#5b6673; --rule:#d9dee4; --accent:#1f4e79; --sim:#8a1c1c; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
h3 { font-size: 17px; margin: 0 0 8px; } h4 { font-size: 14px; margin: 16px 0 4px; }
.muted, figcaption, .produced { color: var(--muted); font-size: 12px; }
.simulated { border: 2px solid var(--sim); color: var(--sim); background: #fdf1f1; padding: 8px 12px; font-weight: 600; margin: 12px 0; }
.badge { display: inline-block; font-size: 11px; padding: 1px 6px; border-radius: 3px; background: #eef2f6; color: var(--ink); margin-left: 6px; vertical-align: middle; }
.badge.sim { background: var(--sim); color: white; } .badge.succeeded { background: #dff3e4; } .badge.review, .badge.failed { background: #fde6c8; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 12.5px; width: 100%; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #f3f5f8; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.facts { width: auto; } table.facts th { font-weight: 600; padding-right: 16px; background: none; }
.charts { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-start; }
figure.chart { margin: 4px 0; } figure.chart svg { max-width: 100%; height: auto; display: block; }
section.building { border-top: 1px solid var(--rule); padding-top: 16px; margin-top: 24px; }
.analysis { border-left: 3px solid var(--rule); padding-left: 12px; margin: 12px 0; }
blockquote { margin: 6px 0; padding: 6px 10px; background: #f6f8fa; border-left: 3px solid var(--accent); }
details summary { cursor: pointer; color: var(--muted); font-size: 12px; }
.claim-matched { color: #1e6b34; } .claim-unsupported, .claim-contradiction { color: #a12a2a; font-weight: 600; } .claim-estimate { color: #7a5a00; }
nav.toc { columns: 6 110px; font-size: 12px; } nav.toc a { display: block; }
a { color: var(--accent); text-decoration: none; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; } section.building { break-before: page; border-top: none; margin-top: 0; }
  table, figure.chart, .analysis blockquote, tr { break-inside: avoid; }
  details > *:not(summary) { display: block; } details summary { display: none; }
  nav.toc { display: none; } a { color: inherit; }
  .simulated, .badge.sim, thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}`;

const MAX_CLAIMS_OPEN = 8;

const analysisHtml = (record: JobRecord, zone: string): string => {
  const simulated = record.result?.simulated ?? record.simulated;
  const parts = [
    `<div class="analysis" data-analysis="${escapeHtml(record.taskType)}"><h4>${escapeHtml(record.taskType)}<span class="badge ${escapeHtml(record.state)}">${escapeHtml(record.state)}</span>${simulated ? '<span class="badge sim">SIMULATED</span>' : ''}</h4>`,
    `<div class="produced">${escapeHtml(producedBy(record))}</div>`,
  ];
  if (!record.result) {
    parts.push(`<p><strong>No result:</strong> ${escapeHtml(reasonWithoutResult(record))}</p></div>`);
    return parts.join('');
  }
  const answer = readAnswer(record.result.answer);
  const local = (text: string) => escapeHtml(localizeTimestamps(text, zone));
  if (!answer) {
    parts.push(`<blockquote>${local(record.result.text)}</blockquote></div>`);
    return parts.join('');
  }
  if (answer.summary) parts.push(`<blockquote>${local(answer.summary)}</blockquote>`);
  if (answer.findings.length) parts.push(`<ul>${answer.findings.map((finding) => `<li><strong>${local(finding.title)}</strong> — ${local(finding.detail)}</li>`).join('')}</ul>`);
  if (answer.recommendations.length) {
    parts.push(
      htmlTable({
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
    parts.push(
      `<p class="muted">Data issues addressed:</p><ul>${answer.dataIssuesAddressed.map((item) => `<li>${escapeHtml(item.issue)}: ${local(item.response)}</li>`).join('')}</ul>`,
    );
  }
  if (answer.confidence !== null) parts.push(`<p class="muted">Confidence ${fmt(answer.confidence, 2)}</p>`);
  const claims = claimsOf(record);
  const rows = (list: typeof claims) =>
    list
      .map(
        (claim) =>
          `<tr><td>${escapeHtml(claim.written)}</td><td>${escapeHtml(claim.where)}</td><td class="claim-${escapeHtml(claim.status)}">${escapeHtml(claim.status)}</td><td>${escapeHtml(claim.note)}</td></tr>`,
      )
      .join('');
  parts.push(`<p class="muted">Grounding — the gate's check of every figure: ${escapeHtml(claimCounts(claims))}.</p>`);
  if (claims.length) {
    const head = '<thead><tr><th>Figure</th><th>Where</th><th>Status</th><th>Matched / why not</th></tr></thead>';
    parts.push(`<table class="claims">${head}<tbody>${rows(claims.slice(0, MAX_CLAIMS_OPEN))}</tbody></table>`);
    if (claims.length > MAX_CLAIMS_OPEN) {
      parts.push(
        `<details><summary>${claims.length - MAX_CLAIMS_OPEN} more figures</summary><table class="claims">${head}<tbody>${rows(claims.slice(MAX_CLAIMS_OPEN))}</tbody></table></details>`,
      );
    }
  }
  parts.push('</div>');
  return parts.join('');
};

/** The portfolio report as one self-contained HTML page: inline CSS and SVG charts, no scripts, prints on A4. */
export const htmlRenderer = (): ReportRenderer => ({
  async head(context: ReportContext) {
    const { summary, batch } = context;
    const buildings = [...summary.buildings.values()];
    const withEui = buildings.filter((line) => line.eui !== null);
    const ranking = [...withEui].sort((a, b) => b.eui! - a.eui!).slice(0, 25);
    const points = withEui.map((line) => ({ buildingId: line.buildingId, group: line.peerGroup ?? line.use, eui: line.eui! }));
    const issueCounts = [...summary.issues].map(([key, n]) => {
      const [kind, severity] = key.split('\u0000');
      return { kind, severity, buildings: n };
    });
    const charts: Record<string, string> = {
      eui: withEui.length
        ? figure(await euiDistributionChart(points), 'Buildings per EUI band, coloured by peer group.') +
          figure(
            await euiRankingChart(
              ranking.map((line) => ({ buildingId: line.buildingId, group: line.peerGroup ?? line.use, eui: line.eui!, median: line.peerMedian })),
              points,
            ),
            "Bars: building EUI; black tick: its peer group's median.",
          )
        : '',
      'data-quality': issueCounts.length ? figure(await dataIssuesChart(issueCounts), 'Buildings with each kind of data issue, by severity.') : '',
    };
    const note = simulatedNote(summary);
    const parts = [
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`,
      `<title>Portfolio report — ${escapeHtml(batch.name)}</title><style>${STYLE}</style></head><body>`,
      `<header><h1>Portfolio report</h1>`,
      `<p class="muted">Batch ${escapeHtml(batch.id)} (${escapeHtml(batch.name)}) · tenant ${escapeHtml(batch.tenant)} · generated ${escapeHtml(localTime(context.generatedAt, context.timezone))} · building figures and dates in each building's local time</p>`,
      note ? `<div class="simulated" role="note">${escapeHtml(note)}</div>` : '',
      '</header><main>',
    ];
    for (const section of summarySections(context)) {
      parts.push(`<section class="summary" id="${section.id}"><h2>${escapeHtml(section.title)}</h2>`);
      for (const line of section.notes) parts.push(`<p class="muted">${escapeHtml(line)}</p>`);
      if (charts[section.id]) parts.push(`<div class="charts">${charts[section.id]}</div>`);
      for (const table of section.tables) parts.push(htmlTable(table));
      parts.push('</section>');
    }
    parts.push(`<h2>Buildings</h2><nav class="toc">${buildings.map((line) => `<a href="#${anchor(line.buildingId)}">${escapeHtml(line.buildingId)}</a>`).join('')}</nav>`);
    return parts.join('\n');
  },
  async building(buildingId: string, facts: BuildingFacts | undefined, records: JobRecord[]) {
    const zone = facts?.building.timezone ?? 'UTC';
    const parts = [`<section class="building" id="${anchor(buildingId)}"><h3>${escapeHtml(buildingId)}</h3>`];
    if (facts) {
      parts.push(htmlTable({ columns: ['', ''], rows: factRows(facts) }));
      const months = monthlyPoints(facts);
      const levels = loadLevels(facts);
      parts.push('<div class="charts">');
      if (months.length) parts.push(figure(await monthlyProfileChart(months), 'kWh per local calendar month (valid hours only).'));
      if (levels.length) parts.push(figure(await loadShapeChart(levels), 'Baseload (5th percentile), mean and peak hourly kW.'));
      parts.push('</div>');
      parts.push(htmlTable({ columns: METER_COLUMNS, numeric: [1, 2, 3, 4, 5, 6, 7, 8], rows: facts.meters.map(meterRow) }));
      const issues = dataIssueRows(facts);
      parts.push(
        issues.length
          ? `<p class="muted">Data issues</p><ul class="issues">${issues.map((issue) => `<li><strong>${escapeHtml(issue.severity)}</strong> · ${escapeHtml(issue.kind)}: ${escapeHtml(issue.message)}</li>`).join('')}</ul>`
          : '<p class="muted">Data issues: none.</p>',
      );
    }
    for (const record of records) parts.push(analysisHtml(record, zone));
    parts.push('</section>');
    return parts.join('\n');
  },
  prompt(record: JobRecord) {
    return `<section class="building prompt"><h3>Prompt job ${escapeHtml(record.sourceId ?? record.jobId)}</h3>${analysisHtml(record, 'UTC')}</section>`;
  },
  tail() {
    return '</main></body></html>\n';
  },
});
