import type { ScenarioFigures } from './figures';

const usd = (micro: number) => `$${(micro / 1_000_000).toFixed(2)}`;
const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);

const COLUMNS: [string, (row: ScenarioFigures) => string][] = [
  ['scenario', (row) => row.scenario],
  ['jobs', (row) => String(row.submitted)],
  ['terminal', (row) => String(row.terminal)],
  ['lost', (row) => String(row.lost)],
  ['dup', (row) => String(row.duplicated)],
  [
    'attempts/requests',
    (row) =>
      `${row.attempts}/${row.requests}${row.refused ? ` +${row.refused} refused` : ''}${row.unsent ? ` +${row.unsent} unsent` : ''}${row.unmatched ? ` ≠${row.unmatched}` : ''}`,
  ],
  ['started', (row) => String(row.startedLeft)],
  ['reserved unsettled', (row) => `${row.openReservations} ${usd(Math.max(row.openReservedMicro, row.counterReservedMicro))}`],
  ['spend/cap', (row) => `${usd(row.settledMicro)}/${usd(row.capMicro)}`],
  ['batch', (row) => row.batchStatus],
  ['drain', (row) => seconds(row.drainMs)],
  ['clean', (row) => seconds(row.cleanMs)],
  ['result', (row) => (row.violations.length === 0 ? 'ok' : 'FAIL')],
];

/** One row per scenario, then every broken invariant and note under the table. */
export const formatTable = (rows: ScenarioFigures[]): string => {
  const cells = rows.map((row) => COLUMNS.map(([, cell]) => cell(row)));
  const widths = COLUMNS.map(([title], index) => Math.max(title.length, ...cells.map((row) => row[index].length)));
  const line = (values: string[]) => values.map((value, index) => (index === 0 ? value.padEnd(widths[index]) : value.padStart(widths[index]))).join('  ');
  const out = [line(COLUMNS.map(([title]) => title)), ...cells.map(line)];
  for (const row of rows) {
    const states = Object.entries(row.byState)
      .map(([state, n]) => `${state} ${n}`)
      .join(', ');
    out.push('', `${row.scenario}: ${row.ending}; fault struck ${row.faults} time(s); states ${states || 'none'}`);
    for (const violation of row.violations) out.push(`  BROKEN ${violation}`);
    for (const note of row.notes) out.push(`  note: ${note}`);
  }
  return out.join('\n');
};
