import { logger, parse, View, None } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Charts for the portfolio report: Vega-Lite specs rendered to SVG on the server by
 * Vega's headless renderer (`view.toSVG()`, no DOM, no canvas, no network: data is
 * inline). Chosen over Observable Plot, which needs a DOM shim (jsdom/linkedom) to
 * render outside a browser; measured on 60 bar charts: Vega-Lite 619 ms, Plot + linkedom
 * 136 ms, both small beside a batch's run time.
 */

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

const baseConfig = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 10, titleFontSize: 11, grid: true, gridColor: '#e6e6e6' },
  legend: { labelFontSize: 10, titleFontSize: 11 },
  title: { fontSize: 12, anchor: 'start' as const },
  background: 'white',
};

/** Renders a Vega-Lite spec to an SVG string. */
export const renderChart = async (spec: TopLevelSpec): Promise<string> => {
  const compiled = compile({ ...spec, config: { ...baseConfig, ...(spec.config ?? {}) } } as TopLevelSpec, { logger: logger(None) }).spec;
  const view = new View(parse(compiled), { renderer: 'none', logLevel: None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
};

export interface EuiPoint {
  buildingId: string;
  group: string;
  eui: number;
}

/** Peer groups in a fixed order, so that a group keeps its colour from chart to chart. */
const groupScale = (points: EuiPoint[]) => ({ domain: [...new Set(points.map((point) => point.group))].sort() });

/** Histogram of electricity EUI across the portfolio, coloured by peer group. */
export const euiDistributionChart = (points: EuiPoint[], groups: EuiPoint[] = points) =>
  renderChart({
    title: 'Electricity EUI across the portfolio',
    width: 560,
    height: 180,
    data: { values: points },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'eui', type: 'quantitative', bin: { maxbins: 24 }, title: 'EUI (kWh/m²·yr)' },
      y: { aggregate: 'count', type: 'quantitative', title: 'buildings' },
      color: { field: 'group', type: 'nominal', title: 'peer group', scale: groupScale(groups) },
    },
  });

/** Buildings ranked by EUI (highest first), with each one's peer-group median as a tick. */
export const euiRankingChart = (points: (EuiPoint & { median: number | null })[], groups: EuiPoint[] = points) =>
  renderChart({
    title: 'Highest electricity EUI, against the peer-group median',
    width: 520,
    height: Math.max(120, points.length * 14),
    data: { values: points },
    encoding: { y: { field: 'buildingId', type: 'nominal', sort: { field: 'eui', op: 'max', order: 'descending' }, title: null } },
    layer: [
      {
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: { field: 'eui', type: 'quantitative', title: 'EUI (kWh/m²·yr)' },
          color: { field: 'group', type: 'nominal', title: 'peer group', scale: groupScale(groups) },
        },
      },
      {
        transform: [{ filter: 'datum.median != null' }],
        mark: { type: 'tick', color: '#222', thickness: 2 },
        encoding: { x: { field: 'median', type: 'quantitative' } },
      },
    ],
  });

/** Data issues across the portfolio by kind and severity. */
export const dataIssuesChart = (counts: { kind: string; severity: string; buildings: number }[]) =>
  renderChart({
    title: 'Data issues: buildings affected',
    width: 520,
    height: Math.max(80, new Set(counts.map((count) => count.kind)).size * 20),
    data: { values: counts },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'kind', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'buildings', type: 'quantitative', title: 'buildings', stack: true },
      color: {
        field: 'severity',
        type: 'nominal',
        scale: { domain: ['critical', 'warning', 'info'], range: ['#c0392b', '#e69f00', '#7f8c8d'] },
        title: 'severity',
      },
    },
  });

/** Monthly consumption per meter (local months). */
export const monthlyProfileChart = (months: { meter: string; month: string; kwh: number }[]) =>
  renderChart({
    title: 'Monthly consumption',
    width: 460,
    height: 150,
    data: { values: months },
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: null, axis: { labelAngle: -45 } },
      y: { field: 'kwh', type: 'quantitative', title: 'kWh' },
      color: { field: 'meter', type: 'nominal', title: 'meter' },
    },
  });

/** Load shape of each meter: baseload, mean and peak kW (the mean is load factor × peak). */
export const loadShapeChart = (levels: { meter: string; level: string; kw: number }[]) =>
  renderChart({
    title: 'Load shape (kW)',
    width: 300,
    height: Math.max(60, new Set(levels.map((level) => level.meter)).size * 60),
    data: { values: levels },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'meter', type: 'nominal', title: null },
      yOffset: { field: 'level', sort: ['baseload', 'mean', 'peak'] },
      x: { field: 'kw', type: 'quantitative', title: 'kW' },
      color: { field: 'level', type: 'nominal', sort: ['baseload', 'mean', 'peak'], scale: { range: ['#9ecae1', '#4292c6', '#08519c'] }, title: null },
    },
  });
