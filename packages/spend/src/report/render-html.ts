import { microToUsd } from '../money';
import type { CostReport } from './cost-report-types';
import { renderMarkdown } from './render-markdown';

const escapeHtml = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Inline SVG bar chart: per day, spend (dark) and savings against the baseline (light). */
export const renderChartSvg = (report: CostReport, width = 720, height = 240): string => {
  const pad = { left: 56, right: 12, top: 16, bottom: 36 };
  const days = report.days;
  const savings = days.map((day) => Math.max(0, day.referenceCostMicro - day.costMicro));
  const top = Math.max(1, ...days.map((day, index) => day.costMicro + savings[index]!));
  const slot = (width - pad.left - pad.right) / Math.max(1, days.length);
  const scale = (micro: number) => (micro / top) * (height - pad.top - pad.bottom);
  const base = height - pad.bottom;
  const bars = days.map((day, index) => {
    const x = pad.left + index * slot + slot * 0.15;
    const w = slot * 0.7;
    const spend = scale(day.costMicro);
    const saved = scale(savings[index]!);
    const label = `${day.day}: spend $${microToUsd(day.costMicro).toFixed(4)}, savings $${microToUsd(savings[index]!).toFixed(4)}`;
    return (
      `<g><title>${escapeHtml(label)}</title>` +
      `<rect class="spend" x="${x.toFixed(1)}" y="${(base - spend).toFixed(1)}" width="${w.toFixed(1)}" height="${spend.toFixed(1)}"/>` +
      `<rect class="savings" x="${x.toFixed(1)}" y="${(base - spend - saved).toFixed(1)}" width="${w.toFixed(1)}" height="${saved.toFixed(1)}"/></g>`
    );
  });
  const every = Math.max(1, Math.ceil(days.length / 8));
  const labels = days
    .map((day, index) =>
      index % every === 0 ? `<text x="${(pad.left + index * slot + slot / 2).toFixed(1)}" y="${height - 14}" text-anchor="middle">${day.day.slice(5)}</text>` : '',
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Daily spend and savings">` +
    `<style>.spend{fill:#1f4e79}.savings{fill:#9cc3e6}text{font:11px sans-serif;fill:#333}</style>` +
    `<line x1="${pad.left}" y1="${base}" x2="${width - pad.right}" y2="${base}" stroke="#999"/>` +
    `<text x="${pad.left - 6}" y="${pad.top + 4}" text-anchor="end">$${microToUsd(top).toFixed(2)}</text>` +
    `<text x="${pad.left - 6}" y="${base}" text-anchor="end">$0</text>` +
    bars.join('') +
    labels +
    '</svg>'
  );
};

/** A self-contained HTML page: the chart, then the Markdown report in a <pre> (no scripts, no external assets). */
export const renderHtml = (report: CostReport): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>eaio cost report ${escapeHtml(report.date)}</title>
<style>body{font-family:sans-serif;margin:2rem;max-width:80rem}pre{font-size:12px;overflow-x:auto}.key span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em}</style></head>
<body><h1>eaio cost report ${escapeHtml(report.date)} (${escapeHtml(report.timezone)})</h1>
<p class="key"><span style="background:#1f4e79"></span>spend<span style="background:#9cc3e6"></span>savings of the kept results against ${escapeHtml(`${report.referenceModel.provider}/${report.referenceModel.model}`)}</p>
${renderChartSvg(report)}
<pre>${escapeHtml(renderMarkdown(report))}</pre>
</body></html>
`;
