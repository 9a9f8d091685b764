import { HourlySeriesBuilder } from '../input/hourly-series';
import type { InputIssue, IssueHandler } from '../input/input-issue';
import { readMeterSeries, type BuildingSeries, type ReadProgress } from '../input/meter-reader';
import { readMetadata } from '../input/metadata-reader';
import type { InputSource } from '../input/open-text';
import type { ReadingLimits } from '../input/reading-limits';
import { readWeather, type WeatherData } from '../input/weather-reader';
import type { BuildingFacts, BuildingMetadata, MeterType } from '../types';
import { computeFacts, unknownBuildingMetadata, type MeterInput } from './building-facts';
import type { FactsOptions } from './facts-options';
import { createCalendarCache } from './local-calendar';
import { comparePeers } from './peers';

export interface PortfolioFactsInput {
  /** One or more meter files (long or wide, `.gz` allowed). */
  meters: { meter: MeterType; source: InputSource }[];
  metadata?: InputSource;
  weather?: InputSource;
  options?: FactsOptions;
  onIssue?: IssueHandler;
  onProgress?: (progress: ReadProgress) => void;
  /** Plausibility limits of meter readings (per m² where the metadata gives a floor area). @defaultValue `DEFAULT_READING_LIMITS` */
  readingLimits?: Partial<ReadingLimits>;
}

export interface PortfolioFacts {
  /** One entry per building (metadata order, then buildings found only in meter files), peers filled. */
  facts: BuildingFacts[];
  issues: InputIssue[];
}

const unusableReason = (part: BuildingSeries): string => `all ${part.rows} rows rejected`;

/**
 * Streams a portfolio's files and computes every building's facts.
 *
 * Memory: each building's hourly series is reduced to its facts as soon as the reader
 * hands it over (in a long file sorted by building, when its block ends), and only the
 * small facts are kept. When a long file is not grouped by building, the buildings that
 * come back are read again: from the file path in a second pass that keeps only those
 * buildings, or, for a stream source that cannot be re-read, from the series kept in
 * memory for every building of that stream.
 */
export const computePortfolioFacts = async (input: PortfolioFactsInput): Promise<PortfolioFacts> => {
  const issues: InputIssue[] = [];
  const onIssue = (issue: InputIssue): void => {
    issues.push(issue);
    input.onIssue?.(issue);
  };
  const metadata = input.metadata ? await readMetadata(input.metadata, { onIssue }) : new Map<string, BuildingMetadata>();
  const weather: WeatherData | null = input.weather ? await readWeather(input.weather, { onIssue }) : null;
  const calendars = createCalendarCache();
  const metadataFor = (buildingId: string): BuildingMetadata => metadata.get(buildingId) ?? unknownBuildingMetadata(buildingId);
  const meterInputs = new Map<string, Map<MeterType, MeterInput>>();
  const order: string[] = [...metadata.keys()];
  const single = new Map<string, BuildingFacts>();

  const store = (part: BuildingSeries): void => {
    let byMeter = meterInputs.get(part.buildingId);
    if (!byMeter) {
      meterInputs.set(part.buildingId, (byMeter = new Map()));
      if (!metadata.has(part.buildingId)) order.push(part.buildingId);
    }
    byMeter.set(part.meter, { meter: part.meter, series: part.series, duplicateHours: part.duplicateHours, unusableReason: part.series ? undefined : unusableReason(part) });
  };
  /** Facts of one meter, computed now so the series can be dropped. */
  const reduce = (part: BuildingSeries): void => {
    const facts = computeFacts({
      metadata: metadataFor(part.buildingId),
      meters: [{ meter: part.meter, series: part.series, duplicateHours: part.duplicateHours, unusableReason: part.series ? undefined : unusableReason(part) }],
      weather,
      options: input.options,
      calendars,
    });
    single.set(`${part.buildingId}|${part.meter}`, facts);
    store({ ...part, series: null });
  };
  const merge = (parts: BuildingSeries[]): BuildingSeries => {
    const builder = new HourlySeriesBuilder();
    let duplicateHours = 0;
    for (const part of parts) {
      if (!part.series) continue;
      const partBuilder = new HourlySeriesBuilder();
      part.series.values.forEach((value, index) => {
        if (!Number.isNaN(value)) partBuilder.set(part.series!.startHour + index, value);
      });
      duplicateHours += builder.merge(partBuilder);
    }
    const sum = (key: 'rows' | 'rejectedRows' | 'duplicateHours' | 'negativeHours' | 'implausibleHours'): number => parts.reduce((total, part) => total + part[key], 0);
    return {
      ...parts[0],
      series: builder.build(),
      rows: sum('rows'),
      rejectedRows: sum('rejectedRows'),
      duplicateHours: sum('duplicateHours') + duplicateHours,
      negativeHours: sum('negativeHours'),
      implausibleHours: sum('implausibleHours'),
      continuation: false,
    };
  };

  const knownBuildings = input.metadata ? new Set(metadata.keys()) : undefined;
  const readingChecks = { limits: input.readingLimits, floorAreaOf: (buildingId: string) => metadata.get(buildingId)?.sqm };
  for (const { meter, source } of input.meters) {
    const rereadable = typeof source === 'string';
    const split = new Set<string>();
    const heldParts = new Map<string, BuildingSeries[]>();
    for await (const part of readMeterSeries(source, { meter, knownBuildings, onIssue, onProgress: input.onProgress, ...readingChecks })) {
      if (rereadable) {
        if (part.continuation) split.add(part.buildingId);
        else if (!split.has(part.buildingId)) reduce(part);
      } else {
        const parts = heldParts.get(part.buildingId) ?? [];
        parts.push(part);
        heldParts.set(part.buildingId, parts);
      }
    }
    if (rereadable && split.size > 0) {
      const parts = new Map<string, BuildingSeries[]>();
      for await (const part of readMeterSeries(source, { meter, onlyBuildings: split, ...readingChecks })) {
        parts.set(part.buildingId, [...(parts.get(part.buildingId) ?? []), part]);
      }
      for (const list of parts.values()) reduce(merge(list));
    }
    for (const list of heldParts.values()) reduce(list.length === 1 ? list[0] : merge(list));
  }

  const facts = order.map((buildingId): BuildingFacts => {
    const byMeter = meterInputs.get(buildingId);
    if (!byMeter) return computeFacts({ metadata: metadataFor(buildingId), meters: [], weather, options: input.options, calendars });
    const perMeter = [...byMeter.keys()].map((meter) => single.get(`${buildingId}|${meter}`)!).filter(Boolean);
    const [first, ...rest] = perMeter;
    const combined: BuildingFacts = { ...first, meters: [...first.meters], dataIssues: [...first.dataIssues], missing: [...first.missing] };
    for (const other of rest) {
      combined.meters.push(...other.meters);
      combined.dataIssues.push(...other.dataIssues.filter((issue) => issue.kind !== 'no-floor-area' && issue.kind !== 'no-weather'));
      combined.missing.push(...other.missing);
      if (other.period.hours > 0 && (combined.period.hours === 0 || other.period.start < combined.period.start))
        combined.period = { ...combined.period, start: other.period.start };
      if (other.period.hours > 0 && other.period.end > combined.period.end) combined.period = { ...combined.period, end: other.period.end };
    }
    if (combined.period.start && combined.period.end) combined.period.hours = (Date.parse(combined.period.end) - Date.parse(combined.period.start)) / 3_600_000;
    return combined;
  });
  return { facts: comparePeers(facts, { minGroupSize: input.options?.peerMinGroupSize }), issues };
};
