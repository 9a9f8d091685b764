import type { HourlySeries } from '../input/hourly-series';
import { hourToIso } from '../input/parse-timestamp';
import type { WeatherData } from '../input/weather-reader';
import type { BuildingFacts, BuildingMetadata, DataIssue, MeterFacts, MeterType, MissingFact } from '../types';
import { FACTS_VERSION, resolveFactsOptions, type FactsOptions } from './facts-options';
import { createCalendarCache, type CalendarCache } from './local-calendar';
import { computeMeterFacts } from './meter-facts';

export interface MeterInput {
  meter: MeterType;
  /** `null` when the file had rows for the building but none was usable. */
  series: HourlySeries | null;
  duplicateHours?: number;
  /** Why `series` is null, for `missing`. */
  unusableReason?: string;
}

export interface ComputeFactsInput {
  metadata: BuildingMetadata;
  meters: MeterInput[];
  /** Weather for the portfolio; `null`/absent means no weather file. */
  weather?: WeatherData | null;
  options?: FactsOptions;
  /** Share one cache across buildings (see `createCalendarCache`). */
  calendars?: CalendarCache;
}

/**
 * Picks the building's temperature series: the weather site equal to its `siteId`, or the
 * only site in the file when the building names none.
 */
export const temperatureFor = (weather: WeatherData | null | undefined, metadata: BuildingMetadata): { series: HourlySeries | null; reason?: string } => {
  if (!weather) return { series: null, reason: 'no weather file' };
  if (weather.sites.size === 0) return { series: null, reason: 'the weather file has no usable temperature' };
  if (metadata.siteId) {
    const series = weather.sites.get(metadata.siteId);
    return series ? { series } : { series: null, reason: `no weather for site '${metadata.siteId}'` };
  }
  if (weather.sites.size === 1) return { series: [...weather.sites.values()][0] };
  return { series: null, reason: 'the building has no site_id and the weather file has several sites' };
};

/** Metadata for a building found in a meter file but not in the metadata file. */
export const unknownBuildingMetadata = (buildingId: string): BuildingMetadata => ({ buildingId, sqm: null, primaryUse: null, timezone: 'UTC' });

/**
 * All facts of one building (peers stay `null`; `comparePeers` fills them across a portfolio).
 * Sections that cannot be computed are `null` and explained in `missing`; data problems
 * go to `dataIssues`. Never NaN, never invented.
 */
export const computeFacts = (input: ComputeFactsInput): BuildingFacts => {
  const options = resolveFactsOptions(input.options);
  const calendars = input.calendars ?? createCalendarCache();
  const { metadata } = input;
  const meters: MeterFacts[] = [];
  const dataIssues: DataIssue[] = [];
  const missing: MissingFact[] = [];
  const temperature = temperatureFor(input.weather, metadata);
  let firstHour = Number.POSITIVE_INFINITY;
  let lastHour = Number.NEGATIVE_INFINITY;
  for (const meter of input.meters) {
    if (!meter.series) {
      missing.push({ metric: meter.meter, reason: meter.unusableReason ?? 'no usable reading in the meter file' });
      dataIssues.push({ kind: 'all-zero', severity: 'critical', message: `${meter.meter}: no usable reading (${meter.unusableReason ?? 'all rows rejected'})` });
      continue;
    }
    firstHour = Math.min(firstHour, meter.series.startHour);
    lastHour = Math.max(lastHour, meter.series.startHour + meter.series.values.length);
    const result = computeMeterFacts(
      {
        meter: meter.meter,
        series: meter.series,
        sqm: metadata.sqm,
        timezone: metadata.timezone,
        temperature: temperature.series,
        temperatureMissingReason: temperature.reason,
        duplicateHours: meter.duplicateHours,
      },
      calendars,
      options,
    );
    meters.push(result.facts);
    dataIssues.push(...result.dataIssues);
    missing.push(...result.missing);
  }
  if (input.meters.length === 0) missing.push({ metric: 'meters', reason: 'no meter data for this building' });
  if (metadata.sqm === null) {
    dataIssues.push({ kind: 'no-floor-area', severity: 'warning', message: 'no floor area, so no EUI and no peer comparison' });
  }
  if (!temperature.series) {
    dataIssues.push({ kind: 'no-weather', severity: 'warning', message: `no weather sensitivity: ${temperature.reason}` });
  }
  const hasPeriod = Number.isFinite(firstHour);
  return {
    factsVersion: FACTS_VERSION,
    building: metadata,
    period: {
      start: hasPeriod ? hourToIso(firstHour) : '',
      end: hasPeriod ? hourToIso(lastHour) : '',
      hours: hasPeriod ? lastHour - firstHour : 0,
      timezone: metadata.timezone,
    },
    meters,
    peers: null,
    dataIssues,
    missing,
  };
};
