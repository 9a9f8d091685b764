import { DateTime } from 'luxon';

/** ISO-8601 timestamps in UTC (`…Z` or `…+00:00`), as facts and messages store them. */
const UTC_TIMESTAMP = /\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(?:Z|\+00:?00)(?![\w:])/g;

/** One UTC instant shown in `zone` with its offset, `2019-07-04 14:00 UTC+01:00` (an invalid zone falls back to UTC; offsets, not zone abbreviations, which depend on the ICU locale). */
export const localTime = (iso: string | Date, zone: string): string => {
  const instant = typeof iso === 'string' ? DateTime.fromISO(iso, { zone: 'utc' }) : DateTime.fromJSDate(iso, { zone: 'utc' });
  const local = instant.setZone(zone);
  return (local.isValid ? local : instant).toFormat("yyyy-LL-dd HH:mm 'UTC'ZZ");
};

/** A period stored as UTC instants, shown in `zone`. */
export const localPeriod = (start: string, end: string, zone: string): string => `${localTime(start, zone)} – ${localTime(end, zone)}`;

/** Rewrites every UTC timestamp inside `text` (analysis text, data-issue messages) into the building's local time. */
export const localizeTimestamps = (text: string, zone: string): string => text.replace(UTC_TIMESTAMP, (match) => localTime(match, zone));
