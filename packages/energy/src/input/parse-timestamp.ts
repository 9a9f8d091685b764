const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const HOUR_MS = 3_600_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export type ParsedTimestamp = { ok: true; hour: number } | { ok: false; reason: string };

/**
 * Parses an ISO-8601 / BDG2 timestamp (`2019-01-01T00:00:00Z`, `2016-01-01 00:00:00`,
 * `…+01:00`) into whole hours since the Unix epoch, UTC. A timestamp without an offset
 * is read as UTC (BDG2 and the Cambridge sample write UTC). Readings must be hourly, so
 * minutes and seconds other than zero are rejected.
 */
export const parseTimestamp = (text: string): ParsedTimestamp => {
  const match = PATTERN.exec(text.trim());
  if (!match) return { ok: false, reason: 'not an ISO-8601 date-time' };
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, offsetText] = match;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = secondText ? Number(secondText) : 0;
  if (month < 1 || month > 12) return { ok: false, reason: `month ${monthText} out of range` };
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > daysInMonth) return { ok: false, reason: `day ${dayText} out of range` };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'time of day out of range' };
  if (minute !== 0 || second !== 0) return { ok: false, reason: 'not on the hour (hourly readings expected)' };
  let offsetMinutes = 0;
  if (offsetText && offsetText !== 'Z') {
    const sign = offsetText[0] === '-' ? -1 : 1;
    const digits = offsetText.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const ms = Date.UTC(year, month - 1, day, hour) - offsetMinutes * 60_000;
  if (ms % HOUR_MS !== 0) return { ok: false, reason: 'offset puts it off the hour' };
  return { ok: true, hour: ms / HOUR_MS };
};

/** Hour index (hours since epoch, UTC) → ISO-8601 UTC text. */
export const hourToIso = (hour: number): string => new Date(hour * HOUR_MS).toISOString().replace('.000Z', 'Z');

/**
 * `parseTimestamp` with a memo: long files repeat the same timestamps for every building,
 * so a lookup replaces most parses. The memo is cleared when it reaches `maxEntries`.
 */
export const createTimestampParser = (maxEntries = 100_000): ((text: string) => ParsedTimestamp) => {
  const memo = new Map<string, ParsedTimestamp>();
  return (text) => {
    let parsed = memo.get(text);
    if (parsed === undefined) {
      parsed = parseTimestamp(text);
      if (memo.size >= maxEntries) memo.clear();
      memo.set(text, parsed);
    }
    return parsed;
  };
};
