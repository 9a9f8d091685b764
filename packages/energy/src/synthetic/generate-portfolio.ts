import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { IANAZone } from 'luxon';
import { hourToIso } from '../input/parse-timestamp';
import type { Period } from '../types';
import { SYNTHETIC_USES, USE_PROFILES, type SyntheticUse } from './building-profiles';
import { createRandom, hashNormal } from './seeded-random';
import { syntheticTemperatures } from './synthetic-weather';

export interface GeneratePortfolioOptions {
  /** @defaultValue 20 */
  buildings?: number;
  /** First calendar year (local). @defaultValue 2019 */
  year?: number;
  /** Number of years. @defaultValue 1 */
  years?: number;
  /** @defaultValue 1 */
  seed?: number;
  outDir: string;
  /** @defaultValue `'long'` */
  format?: 'long' | 'wide';
  /** IANA zone of every building; schedules run on its local clock. @defaultValue `'Europe/London'` */
  timezone?: string;
  /** Uses to draw from, in turn. @defaultValue all of `SYNTHETIC_USES` */
  uses?: SyntheticUse[];
  /** Share of buildings that get outages (runs of zeros). @defaultValue 0.3 */
  outageShare?: number;
  /** Share of buildings that get injected anomalous days. @defaultValue 0.4 */
  anomalyShare?: number;
}

/** What was generated, including the injected truth tests can check facts against. */
export interface SyntheticBuilding {
  buildingId: string;
  use: SyntheticUse;
  sqm: number;
  /** Zero runs injected (UTC, end exclusive). */
  outages: Period[];
  /** Local dates whose demand was multiplied by `factor`. */
  anomalies: { date: string; factor: number }[];
}

export interface GeneratedPortfolio {
  files: { meter: string; metadata: string; weather: string };
  format: 'long' | 'wide';
  rows: number;
  startHour: number;
  hours: number;
  buildings: SyntheticBuilding[];
}

const SITE_ID = 'synthetic';

/**
 * Writes a synthetic BDG2-shaped portfolio: `electricity.csv` (long
 * `building_id,timestamp,kwh` sorted by building, or wide `timestamp,<id>,…`),
 * `metadata.csv` and `weather.csv`, with use-specific occupancy on the local clock,
 * heating/cooling response around balance points, 5 % hourly noise, outages written as
 * zero runs and whole days scaled up or down as anomalies. Deterministic by `seed`.
 */
export const generatePortfolio = async (options: GeneratePortfolioOptions): Promise<GeneratedPortfolio> => {
  const count = options.buildings ?? 20;
  const seed = options.seed ?? 1;
  const year = options.year ?? 2019;
  const years = options.years ?? 1;
  const format = options.format ?? 'long';
  const timezone = options.timezone ?? 'Europe/London';
  const uses = options.uses ?? [...SYNTHETIC_USES];
  const zone = IANAZone.create(timezone);
  if (!zone.isValid) throw new Error(`unknown time zone '${timezone}'`);
  const startHour = Math.round((Date.UTC(year, 0, 1) - zone.offset(Date.UTC(year, 0, 1)) * 60_000) / 3_600_000);
  const endHour = Math.round((Date.UTC(year + years, 0, 1) - zone.offset(Date.UTC(year + years, 0, 1)) * 60_000) / 3_600_000);
  const hours = endHour - startHour;
  await mkdir(options.outDir, { recursive: true });

  // Local clock of every hour, shared by all buildings.
  const localHour = new Uint8Array(hours);
  const weekday = new Uint8Array(hours);
  const month = new Uint8Array(hours);
  const dayOfMonth = new Uint8Array(hours);
  const localDate: string[] = new Array(hours);
  for (let index = 0; index < hours; index += 1) {
    const local = new Date((startHour + index) * 3_600_000 + zone.offset((startHour + index) * 3_600_000) * 60_000);
    localHour[index] = local.getUTCHours();
    weekday[index] = ((local.getUTCDay() + 6) % 7) + 1;
    month[index] = local.getUTCMonth() + 1;
    dayOfMonth[index] = local.getUTCDate();
    localDate[index] = local.toISOString().slice(0, 10);
  }
  const temperatures = syntheticTemperatures(seed, startHour, hours);
  const timestamps = Array.from({ length: hours }, (_, index) => hourToIso(startHour + index));

  const random = createRandom(seed);
  const buildings: SyntheticBuilding[] = [];
  for (let index = 0; index < count; index += 1) {
    const use = uses[index % uses.length];
    const profile = USE_PROFILES[use];
    const sqm = Math.round(Math.min(60_000, Math.max(200, profile.medianSqm * Math.exp(0.6 * hashNormal(seed, 0xa4ea, index)))) * 10) / 10;
    const outages: Period[] = [];
    if (random() < (options.outageShare ?? 0.3)) {
      const runs = 1 + Math.floor(random() * 2);
      for (let run = 0; run < runs; run += 1) {
        const length = 24 + Math.floor(random() * 24 * 8);
        const start = Math.floor(random() * (hours - length));
        if (outages.some((outage) => Math.abs(Date.parse(outage.start) / 3_600_000 - startHour - start) < length + 48)) continue;
        outages.push({ start: hourToIso(startHour + start), end: hourToIso(startHour + start + length), hours: length });
      }
    }
    const anomalies: { date: string; factor: number }[] = [];
    if (random() < (options.anomalyShare ?? 0.4)) {
      const days = 1 + Math.floor(random() * 3);
      for (let day = 0; day < days; day += 1) {
        const hourInDay = 24 * (7 + Math.floor(random() * (hours / 24 - 14)));
        const date = localDate[hourInDay];
        if (!anomalies.some((anomaly) => anomaly.date === date)) anomalies.push({ date, factor: random() < 0.6 ? 1.8 + random() : 0.3 + 0.2 * random() });
      }
    }
    outages.sort((a, b) => a.start.localeCompare(b.start));
    buildings.push({ buildingId: `syn${String(index + 1).padStart(4, '0')}`, use, sqm, outages, anomalies });
  }

  const valuesFor = (building: SyntheticBuilding, buildingIndex: number): Float64Array => {
    const profile = USE_PROFILES[building.use];
    const values = new Float64Array(hours);
    const anomalyByDate = new Map(building.anomalies.map((anomaly) => [anomaly.date, anomaly.factor]));
    for (let index = 0; index < hours; index += 1) {
      const temperature = temperatures[index];
      const occupancy = profile.occupancy(localHour[index], weekday[index], month[index], dayOfMonth[index]);
      const wattsPerSqm =
        profile.baseWPerSqm +
        (profile.occupiedWPerSqm - profile.baseWPerSqm) * occupancy +
        profile.heatingWPerSqmK * Math.max(0, profile.heatingBalanceC - temperature) +
        profile.coolingWPerSqmK * Math.max(0, temperature - profile.coolingBalanceC);
      const noise = 1 + 0.05 * hashNormal(seed, buildingIndex + 1, index);
      const factor = anomalyByDate.get(localDate[index]) ?? 1;
      values[index] = Math.max(0.1, Math.round(((wattsPerSqm * building.sqm) / 1000) * noise * factor * 10) / 10);
    }
    for (const outage of building.outages) {
      const from = Date.parse(outage.start) / 3_600_000 - startHour;
      values.fill(0, from, from + outage.hours);
    }
    return values;
  };

  const files = { meter: join(options.outDir, 'electricity.csv'), metadata: join(options.outDir, 'metadata.csv'), weather: join(options.outDir, 'weather.csv') };
  const writeLines = async (path: string, produce: (push: (text: string) => Promise<void>) => Promise<void>): Promise<void> => {
    const stream = createWriteStream(path);
    let buffer = '';
    const push = async (text: string): Promise<void> => {
      buffer += text;
      if (buffer.length > 1 << 20) {
        if (!stream.write(buffer)) await once(stream, 'drain');
        buffer = '';
      }
    };
    await produce(push);
    stream.end(buffer);
    await once(stream, 'finish');
  };

  await writeLines(files.metadata, async (push) => {
    await push('building_id,site_id,primaryspaceusage,sqm,sqft,timezone,yearbuilt\n');
    for (const [index, building] of buildings.entries()) {
      await push(
        `${building.buildingId},${SITE_ID},${building.use},${building.sqm},${(building.sqm * 10.7639).toFixed(1)},${timezone},${1900 + Math.floor(hashNormal(seed, 0xb1, index) * 20 + 70)}\n`,
      );
    }
  });
  await writeLines(files.weather, async (push) => {
    await push('timestamp,site_id,airTemperature\n');
    for (let index = 0; index < hours; index += 1) await push(`${timestamps[index]},${SITE_ID},${temperatures[index]}\n`);
  });
  await writeLines(files.meter, async (push) => {
    if (format === 'long') {
      await push('building_id,timestamp,kwh\n');
      for (const [buildingIndex, building] of buildings.entries()) {
        const values = valuesFor(building, buildingIndex);
        const prefix = `${building.buildingId},`;
        for (let index = 0; index < hours; index += 1) await push(`${prefix}${timestamps[index]},${values[index]}\n`);
      }
    } else {
      await push(`timestamp,${buildings.map((building) => building.buildingId).join(',')}\n`);
      const columns = buildings.map((building, buildingIndex) => valuesFor(building, buildingIndex));
      for (let index = 0; index < hours; index += 1) {
        let line = timestamps[index];
        for (const values of columns) line += `,${values[index]}`;
        await push(`${line}\n`);
      }
    }
  });
  return { files, format, rows: format === 'long' ? count * hours : hours, startHour, hours, buildings };
};
