import { csvRecords } from './csv-records';
import { HourlySeriesBuilder, type HourlySeries } from './hourly-series';
import { createIssueSink, type InputIssue, type IssueHandler } from './input-issue';
import type { InputSource } from './open-text';
import { parseNumber } from './parse-number';
import { parseTimestamp } from './parse-timestamp';

/** Hourly outdoor air temperature (°C) per weather site. */
export interface WeatherData {
  sites: Map<string, HourlySeries>;
}

export interface WeatherReaderOptions {
  onIssue?: IssueHandler;
  /** Site id for files without a `site_id` column. @defaultValue `'default'` */
  defaultSiteId?: string;
}

export const WEATHER_HEADER_HINT = 'timestamp,site_id,airTemperature[,…]';

/**
 * Reads a BDG2 weather CSV (`timestamp,site_id,airTemperature,…`); only air temperature
 * is kept. Empty temperatures are missing hours; values outside −60…60 °C are reported
 * and skipped; a second row for the same site and hour is reported and skipped.
 */
export const readWeather = async (source: InputSource, options: WeatherReaderOptions = {}): Promise<WeatherData> => {
  const sink = createIssueSink(options.onIssue);
  const csv = csvRecords(source, sink);
  const file = csv.name;
  const report = (issue: Omit<InputIssue, 'file'>): void => sink.report({ ...issue, file });
  const builders = new Map<string, HourlySeriesBuilder>();
  let layout: { time: number; site: number; temperature: number; width: number } | null = null;
  let headerSeen = false;
  for await (const record of csv.records()) {
    if (record.fields.length === 1 && record.fields[0].trim() === '') continue;
    if (!headerSeen) {
      headerSeen = true;
      const names = record.fields.map((name) => name.trim().toLowerCase());
      const time = names.indexOf('timestamp');
      const temperature = names.findIndex((name) => name === 'airtemperature' || name === 'air_temperature' || name === 'temperature');
      if (time < 0 || temperature < 0) {
        report({
          kind: 'wrong-header',
          line: record.line,
          severity: 'error',
          message: `weather header '${record.fields.join(',')}' lacks timestamp or airTemperature`,
          hint: `expected ${WEATHER_HEADER_HINT}`,
        });
        break;
      }
      layout = { time, site: names.indexOf('site_id'), temperature, width: names.length };
      continue;
    }
    if (!layout) break;
    if (record.fields.length < layout.width) {
      report({
        kind: 'truncated-line',
        line: record.line,
        severity: 'warning',
        message: `${record.fields.length} columns where the header has ${layout.width}`,
        hint: 'the line is cut short; the row is skipped',
      });
      continue;
    }
    const timestamp = parseTimestamp(record.fields[layout.time]);
    if (!timestamp.ok) {
      report({
        kind: 'bad-timestamp',
        line: record.line,
        field: 'timestamp',
        severity: 'warning',
        message: `timestamp '${record.fields[layout.time].slice(0, 40)}': ${timestamp.reason}`,
        hint: 'use ISO-8601 UTC, e.g. 2019-01-01T00:00:00Z',
      });
      continue;
    }
    const text = record.fields[layout.temperature].trim();
    if (text === '') continue;
    const value = parseNumber(text);
    if (!Number.isFinite(value) || value < -60 || value > 60) {
      report({
        kind: Number.isFinite(value) ? 'bad-value' : 'non-numeric',
        line: record.line,
        field: 'airTemperature',
        severity: 'warning',
        message: `air temperature '${text.slice(0, 40)}' is not a plausible °C value`,
        hint: 'air temperature in °C; leave empty when missing',
      });
      continue;
    }
    const siteId = layout.site >= 0 ? record.fields[layout.site].trim() || (options.defaultSiteId ?? 'default') : (options.defaultSiteId ?? 'default');
    let builder = builders.get(siteId);
    if (!builder) builders.set(siteId, (builder = new HourlySeriesBuilder()));
    if (!builder.set(timestamp.hour, value)) {
      report({
        kind: 'duplicate-timestamp',
        line: record.line,
        field: 'timestamp',
        severity: 'warning',
        message: `a second temperature for site '${siteId}' in the same hour`,
        hint: 'the first value is kept',
      });
    }
  }
  if (!headerSeen) report({ kind: 'empty-file', line: 1, severity: 'error', message: 'the weather file is empty (no header at line 1)', hint: `expected ${WEATHER_HEADER_HINT}` });
  const sites = new Map<string, HourlySeries>();
  for (const [siteId, builder] of builders) {
    const series = builder.build();
    if (series) sites.set(siteId, series);
  }
  sink.flush(file);
  return { sites };
};
