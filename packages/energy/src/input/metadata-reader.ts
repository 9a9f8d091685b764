import { IANAZone } from 'luxon';
import { PRIVACY_LEVELS, type PrivacyLevel } from '@eaio/core';
import type { BuildingMetadata } from '../types';
import { csvRecords } from './csv-records';
import { createIssueSink, type InputIssue, type IssueHandler } from './input-issue';
import type { InputSource } from './open-text';
import { parseNumber } from './parse-number';

export interface MetadataReaderOptions {
  onIssue?: IssueHandler;
  /** Zone for rows without a `timezone` (or with an unknown one). @defaultValue `'UTC'` */
  defaultTimezone?: string;
}

const SQFT_PER_SQM = 10.7639;
/** Columns read into fields of their own; every other non-empty cell is kept in `attributes`. */
const PARSED_COLUMNS = new Set(['building_id', 'sqm', 'sqft', 'primaryspaceusage', 'timezone', 'site_id', 'yearbuilt', 'name', 'building_name', 'notes', 'privacy']);
export const METADATA_HEADER_HINT = 'building_id,sqm,primaryspaceusage,timezone[,site_id,sqft,yearbuilt,name,notes,privacy]';

/**
 * Reads a BDG2 metadata CSV into building id → metadata. Floor area comes from `sqm`,
 * else from `sqft` ÷ 10.7639; an absent, zero or negative area is `null` (facts then say
 * EUI is missing). An unknown IANA time zone is reported and replaced by the default.
 * Duplicate ids are reported; the first row wins.
 */
export const readMetadata = async (source: InputSource, options: MetadataReaderOptions = {}): Promise<Map<string, BuildingMetadata>> => {
  const sink = createIssueSink(options.onIssue);
  const csv = csvRecords(source, sink);
  const file = csv.name;
  const report = (issue: Omit<InputIssue, 'file'>): void => sink.report({ ...issue, file });
  const defaultTimezone = options.defaultTimezone ?? 'UTC';
  const result = new Map<string, BuildingMetadata>();
  let columns: Map<string, number> | null = null;
  let width = 0;
  for await (const record of csv.records()) {
    if (record.fields.length === 1 && record.fields[0].trim() === '') continue;
    if (!columns) {
      columns = new Map(record.fields.map((name, index) => [name.trim().toLowerCase(), index]));
      width = record.fields.length;
      if (!columns.has('building_id')) {
        report({
          kind: 'wrong-header',
          line: record.line,
          severity: 'error',
          message: `metadata header '${record.fields.join(',')}' has no building_id column`,
          hint: `expected ${METADATA_HEADER_HINT}`,
        });
        sink.flush(file);
        return result;
      }
      if (!columns.has('sqm') && !columns.has('sqft')) {
        report({
          kind: 'wrong-header',
          line: record.line,
          field: 'sqm',
          severity: 'warning',
          message: 'metadata has no sqm or sqft column',
          hint: `floor areas are unknown, so no EUI; expected ${METADATA_HEADER_HINT}`,
        });
      }
      continue;
    }
    const cell = (name: string): string => {
      const index = columns?.get(name);
      return index === undefined ? '' : (record.fields[index] ?? '').trim();
    };
    const buildingId = cell('building_id');
    if (record.fields.length < width) {
      report({
        kind: 'truncated-line',
        line: record.line,
        buildingId: buildingId || undefined,
        severity: 'warning',
        message: `${record.fields.length} columns where the header has ${width}`,
        hint: 'the line is cut short; missing cells are read as empty',
      });
    }
    if (!buildingId) {
      report({
        kind: 'bad-value',
        line: record.line,
        field: 'building_id',
        severity: 'warning',
        message: 'empty building_id',
        hint: 'every row needs a building id; the row is skipped',
      });
      continue;
    }
    if (result.has(buildingId)) {
      report({
        kind: 'duplicate-building',
        line: record.line,
        buildingId,
        severity: 'warning',
        message: `building '${buildingId}' appears twice`,
        hint: 'the first row is kept; remove the duplicate',
      });
      continue;
    }
    const area = (name: string, factor: number): number | null => {
      const text = cell(name);
      if (text === '') return null;
      const value = parseNumber(text);
      if (!Number.isFinite(value)) {
        report({
          kind: 'non-numeric',
          line: record.line,
          field: name,
          buildingId,
          severity: 'warning',
          message: `${name} '${text.slice(0, 40)}' is not a number`,
          hint: 'floor area in m² as a plain number',
        });
        return null;
      }
      if (value <= 0) {
        report({
          kind: 'bad-value',
          line: record.line,
          field: name,
          buildingId,
          severity: 'warning',
          message: `${name} ${value} is not positive`,
          hint: 'floor area must be above zero; EUI is left out',
        });
        return null;
      }
      return value / factor;
    };
    const sqm = area('sqm', 1) ?? (cell('sqm') === '' ? area('sqft', SQFT_PER_SQM) : null);
    let timezone = cell('timezone') || defaultTimezone;
    if (!IANAZone.isValidZone(timezone)) {
      report({
        kind: 'bad-value',
        line: record.line,
        field: 'timezone',
        buildingId,
        severity: 'warning',
        message: `unknown time zone '${timezone.slice(0, 40)}'`,
        hint: `use an IANA name such as Europe/London; ${defaultTimezone} is used`,
      });
      timezone = defaultTimezone;
    }
    const yearText = cell('yearbuilt');
    const year = yearText ? parseNumber(yearText) : Number.NaN;
    const metadata: BuildingMetadata = { buildingId, sqm, primaryUse: cell('primaryspaceusage') || null, timezone };
    const siteId = cell('site_id');
    if (siteId) metadata.siteId = siteId;
    metadata.yearBuilt = Number.isInteger(year) ? year : null;
    const name = cell('name') || cell('building_name');
    if (name) metadata.name = name;
    const notes = cell('notes');
    if (notes) metadata.notes = notes;
    const privacyText = cell('privacy');
    if (privacyText) {
      const level = privacyText.toUpperCase();
      if ((PRIVACY_LEVELS as readonly string[]).includes(level)) metadata.privacy = level as PrivacyLevel;
      else {
        // A level nobody can read is the strictest, never the submit's (which may be laxer).
        metadata.privacy = 'PRIVATE';
        report({
          kind: 'bad-value',
          line: record.line,
          field: 'privacy',
          buildingId,
          severity: 'warning',
          message: `privacy '${privacyText.slice(0, 40)}' is not one of ${PRIVACY_LEVELS.join(', ')}`,
          hint: "the building is kept PRIVATE; leave the cell empty for the submit's level",
        });
      }
    }
    const attributes: Record<string, string> = {};
    for (const column of columns?.keys() ?? []) {
      if (PARSED_COLUMNS.has(column) || column === '') continue;
      const value = cell(column);
      if (value !== '') attributes[column] = value;
    }
    if (Object.keys(attributes).length > 0) metadata.attributes = attributes;
    result.set(buildingId, metadata);
  }
  if (!columns) report({ kind: 'empty-file', line: 1, severity: 'error', message: 'the metadata file is empty (no header at line 1)', hint: `expected ${METADATA_HEADER_HINT}` });
  else if (result.size === 0) report({ kind: 'empty-file', line: 1, severity: 'error', message: 'the metadata file has no rows', hint: 'one row per building' });
  sink.flush(file);
  return result;
};
