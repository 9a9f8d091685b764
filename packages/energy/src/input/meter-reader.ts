import type { MeterType } from '../types';
import { csvRecords, type CsvRecord } from './csv-records';
import { HourlySeriesBuilder, type HourlySeries } from './hourly-series';
import { createIssueSink, type InputIssue, type IssueHandler } from './input-issue';
import type { InputSource } from './open-text';
import { parseNumber } from './parse-number';
import { createTimestampParser } from './parse-timestamp';
import { DEFAULT_READING_LIMITS, type ReadingLimits } from './reading-limits';

/** Rows read so far in one file. */
export interface ReadProgress {
  file: string;
  rows: number;
  done: boolean;
}

export interface MeterReaderOptions {
  /** @defaultValue `'electricity'` */
  meter?: MeterType;
  /** Building ids from the metadata; a building not in it is reported (and still read). */
  knownBuildings?: ReadonlySet<string>;
  /** Read only these buildings (others are skipped silently). */
  onlyBuildings?: ReadonlySet<string>;
  onIssue?: IssueHandler;
  onProgress?: (progress: ReadProgress) => void;
  /** @defaultValue 100000 */
  progressEveryRows?: number;
  /** @defaultValue 50 */
  maxIssuesPerKind?: number;
  /** Readings above these are reported as `implausible-reading` and count as missing. @defaultValue `DEFAULT_READING_LIMITS` */
  limits?: Partial<ReadingLimits>;
  /** Floor area of a building in m² (from the metadata), for `limits.maxKwhPerHourPerSqm`; `null` = unknown. */
  floorAreaOf?: (buildingId: string) => number | null | undefined;
}

/** One building's readings from one meter file. */
export interface BuildingSeries {
  buildingId: string;
  meter: MeterType;
  /** `null` when none of the building's rows was usable. */
  series: HourlySeries | null;
  /** Data rows seen for the building, rejected ones included. */
  rows: number;
  /** Rows skipped: unreadable value or timestamp, duplicate hour, wrong column count. */
  rejectedRows: number;
  /** Hours that appeared more than once (the first value is kept). */
  duplicateHours: number;
  /** Hours with a negative reading (kept in the series; facts treat them as invalid). */
  negativeHours: number;
  /** Readings above the plausibility limits (reported, left out: those hours count as missing). */
  implausibleHours: number;
  /**
   * True when the file is not grouped by building and this building's rows came back
   * after an earlier block of it was already handed out: merge it with that block.
   */
  continuation: boolean;
}

const VALUE_COLUMNS = ['kwh', 'meter_reading', 'value', 'reading', 'consumption'];
const TIME_COLUMNS = ['timestamp', 'time', 'datetime', 'date_time'];
export const LONG_HEADER_HINT = 'long format: building_id,timestamp,kwh';
export const WIDE_HEADER_HINT = 'wide format: timestamp,<building_id>,<building_id>,…';

type Layout =
  | { format: 'long'; building: number; time: number; value: number; columns: number; valueName: string }
  | { format: 'wide'; time: number; buildings: string[]; columns: number };

/** Tells long from wide by the header; `null` when it is neither. */
export const detectMeterLayout = (header: string[]): Layout | null => {
  const names = header.map((name) => name.trim().toLowerCase());
  const building = names.indexOf('building_id');
  const time = names.findIndex((name) => TIME_COLUMNS.includes(name));
  const value = names.findIndex((name) => VALUE_COLUMNS.includes(name));
  if (building >= 0 && time >= 0 && value >= 0) {
    return { format: 'long', building, time, value, columns: names.length, valueName: header[value].trim() };
  }
  if (building < 0 && time === 0 && names.length >= 2 && names.slice(1).every((name) => name.length > 0)) {
    return { format: 'wide', time: 0, buildings: header.slice(1).map((name) => name.trim()), columns: names.length };
  }
  return null;
};

class BuildingAccumulator {
  readonly builder = new HourlySeriesBuilder();
  rows = 0;
  rejectedRows = 0;
  duplicateHours = 0;
  negativeHours = 0;
  implausibleHours = 0;
  /** Most kWh a reading of this building may show (the lower of the two limits). */
  maxKwh = Number.POSITIVE_INFINITY;
  constructor(
    readonly buildingId: string,
    readonly continuation: boolean,
  ) {}
  finish(meter: MeterType): BuildingSeries {
    return {
      buildingId: this.buildingId,
      meter,
      series: this.builder.build(),
      rows: this.rows,
      rejectedRows: this.rejectedRows,
      duplicateHours: this.duplicateHours,
      negativeHours: this.negativeHours,
      implausibleHours: this.implausibleHours,
      continuation: this.continuation,
    };
  }
}

/**
 * Streams a BDG2 meter CSV (long `building_id,timestamp,kwh` or wide
 * `timestamp,<building>,…`, gzip when the path ends in `.gz`) and yields each building's
 * hourly series.
 *
 * Long files sorted by building: a building is yielded as soon as its block ends, so
 * only one building is held at a time. Unsorted long files stay correct: once a building
 * reappears, an `unsorted-input` issue is reported, every later row is held per building
 * until the end of the file, and the later blocks are yielded with `continuation: true`
 * for the caller to merge. Wide files yield every building at the end.
 *
 * Every row is validated; problems are reported through `onIssue` and the row skipped
 * (a negative reading is reported and kept; a reading above `limits` is reported and left
 * out, so its hour is missing). An empty value is a missing hour, not an issue. A building none of whose rows is usable is reported and still yielded with
 * `series: null`.
 */
export async function* readMeterSeries(source: InputSource, options: MeterReaderOptions = {}): AsyncGenerator<BuildingSeries> {
  const meter = options.meter ?? 'electricity';
  const sink = createIssueSink(options.onIssue, { maxPerKind: options.maxIssuesPerKind });
  const csv = csvRecords(source, sink);
  const file = csv.name;
  const progressEvery = options.progressEveryRows ?? 100_000;
  let rows = 0;
  let lastIssueLine = -1;
  const report = (issue: Omit<InputIssue, 'file'>): void => {
    lastIssueLine = issue.line;
    sink.report({ ...issue, file });
  };
  const unknownReported = new Set<string>();
  const checkKnown = (buildingId: string, line: number): void => {
    if (options.knownBuildings && !options.knownBuildings.has(buildingId) && !unknownReported.has(buildingId)) {
      unknownReported.add(buildingId);
      report({
        kind: 'unknown-building',
        line,
        buildingId,
        severity: 'warning',
        message: `building '${buildingId}' is not in the metadata`,
        hint: 'add it to metadata.csv (floor area, use, time zone); its facts use UTC and have no EUI until then',
      });
    }
  };
  const finish = (accumulator: BuildingAccumulator): BuildingSeries => {
    const result = accumulator.finish(meter);
    if (!result.series) {
      report({
        kind: 'unusable-building',
        line: 0,
        buildingId: accumulator.buildingId,
        severity: 'error',
        message: `building '${accumulator.buildingId}': none of its ${accumulator.rows} rows is usable`,
        hint: 'see the row issues above for this building',
      });
    }
    return result;
  };

  const limits: ReadingLimits = { ...DEFAULT_READING_LIMITS, ...options.limits };
  const accumulatorFor = (buildingId: string, continuation: boolean): BuildingAccumulator => {
    const accumulator = new BuildingAccumulator(buildingId, continuation);
    const area = options.floorAreaOf?.(buildingId);
    accumulator.maxKwh = area && area > 0 ? Math.min(limits.maxKwhPerHour, limits.maxKwhPerHourPerSqm * area) : limits.maxKwhPerHour;
    return accumulator;
  };
  const parseTimestamp = createTimestampParser();
  let header: CsvRecord | undefined;
  let layout: Layout | null = null;
  let headerFailed = false;
  const countRow = (): void => {
    rows += 1;
    if (options.onProgress && rows % progressEvery === 0) options.onProgress({ file, rows, done: false });
  };
  const checkColumns = (record: CsvRecord, columns: number, buildingId?: string): boolean => {
    if (record.fields.length === columns) return true;
    const fewer = record.fields.length < columns;
    report({
      kind: fewer ? 'truncated-line' : 'bad-value',
      line: record.line,
      buildingId,
      severity: 'warning',
      message: `${record.fields.length} columns where the header has ${columns}`,
      hint: fewer ? 'the line is cut short (a truncated write?); the row is skipped' : 'unquoted comma in a value? the row is skipped',
    });
    return false;
  };
  const readValue = (accumulator: BuildingAccumulator, hour: number, text: string, line: number, field: string): void => {
    if (text.trim() === '') return;
    const value = parseNumber(text);
    if (!Number.isFinite(value)) {
      accumulator.rejectedRows += 1;
      report({
        kind: 'non-numeric',
        line,
        field,
        buildingId: accumulator.buildingId,
        severity: 'warning',
        message: `reading '${text.slice(0, 40)}' is not a number`,
        hint: 'use a plain decimal number in kWh, or leave the cell empty for a missing hour',
      });
      return;
    }
    if (value > accumulator.maxKwh) {
      accumulator.implausibleHours += 1;
      accumulator.rejectedRows += 1;
      const area = options.floorAreaOf?.(accumulator.buildingId);
      const perArea = area && area > 0 && limits.maxKwhPerHourPerSqm * area < limits.maxKwhPerHour;
      report({
        kind: 'implausible-reading',
        line,
        field,
        buildingId: accumulator.buildingId,
        severity: 'warning',
        message: `reading ${text.trim().slice(0, 40)} kWh in one hour is not physically plausible (above ${perArea ? `${limits.maxKwhPerHourPerSqm} kWh/m² × ${area} m² = ${Math.round(accumulator.maxKwh)} kWh` : `${limits.maxKwhPerHour} kWh`})`,
        hint: 'check the unit (Wh instead of kWh?), a meter rollover or a cumulative register; the hour counts as missing (limits: intake.readings in config/eaio.yaml)',
      });
      return;
    }
    if (!accumulator.builder.set(hour, value)) {
      accumulator.duplicateHours += 1;
      accumulator.rejectedRows += 1;
      report({
        kind: 'duplicate-timestamp',
        line,
        field,
        buildingId: accumulator.buildingId,
        severity: 'warning',
        message: 'a second reading for the same hour; the first one is kept',
        hint: 'remove the duplicate row (DST fold written twice?)',
      });
      return;
    }
    if (value < 0) {
      accumulator.negativeHours += 1;
      report({
        kind: 'negative-reading',
        line,
        field,
        buildingId: accumulator.buildingId,
        severity: 'warning',
        message: `negative reading ${value} kWh`,
        hint: 'a consumption meter cannot read below zero; check for a meter reset or export; the hour is treated as invalid',
      });
    }
  };

  // Wide state.
  let wideAccumulators: BuildingAccumulator[] = [];
  let wanted: boolean[] = [];
  // Long state.
  let current: BuildingAccumulator | null = null;
  const handedOut = new Set<string>();
  let held: Map<string, BuildingAccumulator> | null = null;

  for await (const batch of csv.batches()) {
    if (headerFailed) continue;
    for (const record of batch) {
      if (record.fields.length === 1 && record.fields[0].trim() === '') continue;
      if (!layout) {
        header = record;
        layout = detectMeterLayout(record.fields);
        if (!layout) {
          headerFailed = true;
          report({
            kind: 'wrong-header',
            line: record.line,
            severity: 'error',
            message: `header '${record.fields.join(',').slice(0, 200)}' is neither long nor wide meter format`,
            hint: `expected ${LONG_HEADER_HINT} (value column one of ${VALUE_COLUMNS.join('/')}) or ${WIDE_HEADER_HINT}`,
          });
          break;
        }
        if (layout.format === 'wide') {
          wideAccumulators = layout.buildings.map((buildingId) => accumulatorFor(buildingId, false));
          wanted = wideAccumulators.map((accumulator) => !options.onlyBuildings || options.onlyBuildings.has(accumulator.buildingId));
          wideAccumulators.forEach((accumulator, index) => {
            if (wanted[index]) checkKnown(accumulator.buildingId, record.line);
          });
        }
        continue;
      }
      countRow();
      if (layout.format === 'wide') {
        for (let index = 0; index < wideAccumulators.length; index += 1) if (wanted[index]) wideAccumulators[index].rows += 1;
        const reject = (): void => {
          for (const accumulator of wideAccumulators) accumulator.rejectedRows += 1;
        };
        if (!checkColumns(record, layout.columns)) {
          reject();
          continue;
        }
        const timestamp = parseTimestamp(record.fields[0]);
        if (!timestamp.ok) {
          reject();
          report({
            kind: 'bad-timestamp',
            line: record.line,
            field: header!.fields[0],
            severity: 'warning',
            message: `timestamp '${record.fields[0].slice(0, 40)}': ${timestamp.reason}`,
            hint: 'use ISO-8601 UTC, e.g. 2019-01-01T00:00:00Z',
          });
          continue;
        }
        for (let index = 0; index < wideAccumulators.length; index += 1) {
          if (wanted[index]) readValue(wideAccumulators[index], timestamp.hour, record.fields[index + 1], record.line, layout.buildings[index]);
        }
        continue;
      }
      const buildingId = (record.fields[layout.building] ?? '').trim();
      if (buildingId === '') {
        if (record.fields.length < layout.columns) checkColumns(record, layout.columns);
        else report({ kind: 'bad-value', line: record.line, field: 'building_id', severity: 'warning', message: 'empty building_id', hint: 'every row needs a building id' });
        continue;
      }
      if (options.onlyBuildings && !options.onlyBuildings.has(buildingId)) continue;
      let accumulator: BuildingAccumulator;
      if (held) {
        let found = held.get(buildingId);
        if (!found) {
          found = accumulatorFor(buildingId, handedOut.has(buildingId));
          held.set(buildingId, found);
          if (!found.continuation) checkKnown(buildingId, record.line);
        }
        accumulator = found;
      } else if (current && current.buildingId === buildingId) {
        accumulator = current;
      } else {
        if (current) {
          handedOut.add(current.buildingId);
          yield finish(current);
          current = null;
        }
        if (handedOut.has(buildingId)) {
          report({
            kind: 'unsorted-input',
            line: record.line,
            buildingId,
            severity: 'info',
            message: `rows of building '${buildingId}' appear again after its block ended; the file is not grouped by building`,
            hint: 'sort the file by building_id to finish each building early and use less memory; results are unaffected',
          });
          held = new Map();
          accumulator = accumulatorFor(buildingId, true);
          held.set(buildingId, accumulator);
        } else {
          accumulator = current = accumulatorFor(buildingId, false);
          checkKnown(buildingId, record.line);
        }
      }
      accumulator.rows += 1;
      if (!checkColumns(record, layout.columns, buildingId)) {
        accumulator.rejectedRows += 1;
        continue;
      }
      const timestamp = parseTimestamp(record.fields[layout.time]);
      if (!timestamp.ok) {
        accumulator.rejectedRows += 1;
        report({
          kind: 'bad-timestamp',
          line: record.line,
          field: header!.fields[layout.time],
          buildingId,
          severity: 'warning',
          message: `timestamp '${record.fields[layout.time].slice(0, 40)}': ${timestamp.reason}`,
          hint: 'use ISO-8601 UTC, e.g. 2019-01-01T00:00:00Z',
        });
        continue;
      }
      readValue(accumulator, timestamp.hour, record.fields[layout.value], record.line, layout.valueName);
    }
  }
  if (!header) {
    report({
      kind: 'empty-file',
      line: 1,
      severity: 'error',
      message: 'the file is empty (no header at line 1)',
      hint: `expected a header, ${LONG_HEADER_HINT} or ${WIDE_HEADER_HINT}`,
    });
    sink.flush(file);
    return;
  }
  if (!layout) {
    sink.flush(file);
    return;
  }
  if (layout.format === 'wide') {
    for (let index = 0; index < wideAccumulators.length; index += 1) if (wanted[index]) yield finish(wideAccumulators[index]);
  } else {
    if (current) yield finish(current);
    if (held) for (const accumulator of held.values()) yield finish(accumulator);
  }

  const ending = csv.ending();
  if (!ending.endsWithNewline && ending.bytes > 0 && lastIssueLine === ending.lines) {
    report({
      kind: 'truncated-line',
      line: ending.lines,
      severity: 'warning',
      message: 'the file ends mid-record (no newline after a damaged last line)',
      hint: 'the file looks cut off; re-export or re-copy it',
    });
  }
  if (rows === 0) {
    report({
      kind: 'empty-file',
      line: header.line,
      severity: 'error',
      message: 'the file has a header but no data rows',
      hint: `expected rows after the header (${layout.format} format)`,
    });
  }
  options.onProgress?.({ file, rows, done: true });
  sink.flush(file);
}
