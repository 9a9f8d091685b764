import { describe, expect, it } from 'vitest';
import { chooseReportSource } from './timescale-source';
import type { Queryable } from '../queryable';

const fakeDb = (extension: boolean, hypertable: boolean): Queryable & { seen: string[] } => {
  const seen: string[] = [];
  return {
    seen,
    query: async (text: string) => {
      seen.push(text);
      const present = text.includes('pg_extension') ? extension : hypertable;
      return { rows: [{ present }], rowCount: 1, command: 'SELECT', oid: 0, fields: [] } as never;
    },
  };
};

describe('report source selection', () => {
  it('uses the continuous aggregate only with TimescaleDB, a hypertable and UTC days', async () => {
    expect(await chooseReportSource(fakeDb(true, true), 'UTC')).toBe('continuous-aggregate');
    expect(await chooseReportSource(fakeDb(true, false), 'UTC')).toBe('rollup-table');
    expect(await chooseReportSource(fakeDb(false, true), 'UTC')).toBe('rollup-table');
    const db = fakeDb(true, true);
    expect(await chooseReportSource(db, 'Europe/London')).toBe('rollup-table');
    expect(db.seen).toEqual([]);
  });
});
