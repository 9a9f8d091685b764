/**
 * Cross-check of the facts against an independent computation in PostgreSQL: the 60
 * real Cambridge Estates buildings are loaded with COPY into a fresh schema and annual
 * kWh, EUI, baseload (percentile_cont(0.05)), peak, valid/zero hours, local-time monthly
 * kWh and the local weekday/weekend ratio are computed in SQL, then compared with
 * `computePortfolioFacts`.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePortfolioFacts, type BuildingFacts } from '@eaio/energy';

const DATA = resolve(import.meta.dirname, '../../shared/data/cambridge_estates');
const schema = `facts_xcheck_${process.pid}_${Date.now().toString(36)}`;
const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
let facts: Map<string, BuildingFacts>;

const relative = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

const load = async (table: string, file: string, columns: string): Promise<void> => {
  try {
    await client.query(`COPY ${schema}.${table} (${columns}) FROM '${file}' WITH (FORMAT csv, HEADER true)`);
  } catch {
    // The server cannot read the file (remote server, permissions): send the rows instead.
    const lines = (await readFile(file, 'utf8')).trim().split('\n').slice(1);
    const width = columns.split(',').length;
    for (let start = 0; start < lines.length; start += 50_000) {
      const cells = lines.slice(start, start + 50_000).map((line) => line.split(','));
      const arrays = Array.from({ length: width }, (_, index) => cells.map((row) => row[index] || null));
      const placeholders = arrays.map((_, index) => `$${index + 1}::text[]`).join(',');
      await client.query(`INSERT INTO ${schema}.${table} (${columns}) SELECT * FROM unnest(${placeholders})`, arrays);
    }
  }
};

beforeAll(async () => {
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(
    `CREATE TABLE ${schema}.raw_metadata (building_id text, site_id text, primaryspaceusage text, sqm text, sqft text, numberoffloors text, approx_roof_area_sqm text, yearbuilt text, timezone text, weather_station text, weather_station_lat text, weather_station_lng text, has_electricity_2019 text, has_gas_2019 text, source_folder text)`,
  );
  await client.query(`CREATE TABLE ${schema}.raw_electricity (building_id text, ts text, kwh text)`);
  await load(
    'raw_metadata',
    join(DATA, 'metadata.csv'),
    'building_id,site_id,primaryspaceusage,sqm,sqft,numberoffloors,approx_roof_area_sqm,yearbuilt,timezone,weather_station,weather_station_lat,weather_station_lng,has_electricity_2019,has_gas_2019,source_folder',
  );
  await load('raw_electricity', join(DATA, 'electricity.csv'), 'building_id,ts,kwh');
  await client.query(`CREATE TABLE ${schema}.electricity AS SELECT building_id, ts::timestamptz AS ts, kwh::numeric AS kwh FROM ${schema}.raw_electricity`);
  const result = await computePortfolioFacts({
    meters: [{ meter: 'electricity', source: join(DATA, 'electricity.csv') }],
    metadata: join(DATA, 'metadata.csv'),
    weather: join(DATA, 'weather.csv'),
  });
  facts = new Map(result.facts.map((entry) => [entry.building.buildingId, entry]));
});

afterAll(async () => {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe('facts agree with PostgreSQL on the 60 Cambridge buildings', () => {
  it('annual kWh, EUI, baseload, peak, valid and zero hours', async () => {
    const { rows } = await client.query(`
      SELECT e.building_id,
             sum(kwh) FILTER (WHERE kwh > 0)::float8 AS total,
             count(*) FILTER (WHERE kwh > 0)::int AS valid_hours,
             count(*) FILTER (WHERE kwh = 0)::int AS zero_hours,
             (sum(kwh) FILTER (WHERE kwh > 0) * 8760 / nullif(count(*) FILTER (WHERE kwh > 0), 0))::float8 AS annual,
             (sum(kwh) FILTER (WHERE kwh > 0) * 8760 / nullif(count(*) FILTER (WHERE kwh > 0), 0) / nullif(m.sqm::numeric, 0))::float8 AS eui,
             percentile_cont(0.05) WITHIN GROUP (ORDER BY kwh) FILTER (WHERE kwh > 0) AS baseload,
             max(kwh)::float8 AS peak
      FROM ${schema}.electricity e JOIN ${schema}.raw_metadata m USING (building_id)
      GROUP BY e.building_id, m.sqm ORDER BY e.building_id`);
    expect(rows).toHaveLength(60);
    expect(facts.size).toBe(60);
    for (const row of rows) {
      const meter = facts.get(row.building_id)!.meters.find((entry) => entry.meter === 'electricity')!;
      expect(meter.coverage.validHours, row.building_id).toBe(row.valid_hours);
      expect(meter.coverage.zeroHours, row.building_id).toBe(row.zero_hours);
      expect(relative(meter.totalKwh, row.total), row.building_id).toBeLessThan(1e-9);
      expect(relative(meter.annualKwh!, row.annual), row.building_id).toBeLessThan(1e-9);
      expect(relative(meter.euiKwhPerSqm!, row.eui), row.building_id).toBeLessThan(1e-9);
      expect(relative(meter.load.baseloadKw!, row.baseload), row.building_id).toBeLessThan(1e-12);
      expect(meter.load.peakKw, row.building_id).toBe(row.peak);
    }
  });

  it('monthly kWh and the weekday/weekend ratio in Europe/London local time', async () => {
    const { rows: months } = await client.query(`
      SELECT building_id, to_char(ts AT TIME ZONE 'Europe/London', 'YYYY-MM') AS month,
             coalesce(sum(kwh) FILTER (WHERE kwh > 0), 0)::float8 AS kwh, count(*) FILTER (WHERE kwh > 0)::int AS valid_hours
      FROM ${schema}.electricity GROUP BY 1, 2`);
    expect(months.length).toBeGreaterThanOrEqual(60 * 12);
    for (const row of months) {
      const month = facts.get(row.building_id)!.meters[0].monthly.find((entry) => entry.month === row.month)!;
      expect(month, `${row.building_id} ${row.month}`).toBeDefined();
      expect(month.validHours).toBe(row.valid_hours);
      expect(Math.abs(month.kwh - row.kwh)).toBeLessThanOrEqual(1e-9 * Math.max(1, row.kwh));
    }
    const { rows: ratios } = await client.query(`
      SELECT building_id,
             (avg(kwh) FILTER (WHERE kwh > 0 AND extract(isodow FROM ts AT TIME ZONE 'Europe/London') < 6)
              / avg(kwh) FILTER (WHERE kwh > 0 AND extract(isodow FROM ts AT TIME ZONE 'Europe/London') >= 6))::float8 AS ratio
      FROM ${schema}.electricity GROUP BY 1`);
    for (const row of ratios) {
      expect(relative(facts.get(row.building_id)!.meters[0].load.weekdayWeekendRatio!, row.ratio), row.building_id).toBeLessThan(1e-9);
    }
  });
});
