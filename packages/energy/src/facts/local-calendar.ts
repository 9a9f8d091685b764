import { IANAZone } from 'luxon';

const HOUR_MS = 3_600_000;

/**
 * Where each hour of a series falls in the building's local time. Index `i` is the hour
 * `startHour + i` (UTC); days are numbered from the local day of the first hour.
 */
export interface LocalCalendar {
  zone: string;
  startHour: number;
  hours: number;
  /** Local day number of each hour, 0 = the first hour's local day. */
  dayOfHour: Int32Array;
  /** Local hour of day 0–23 of each hour. */
  hourOfDay: Uint8Array;
  /** Index into `months` of each hour. */
  monthOfHour: Uint16Array;
  /** Local date (YYYY-MM-DD) of each day number. */
  dates: string[];
  /** ISO weekday (1 = Monday … 7 = Sunday) of each day number. */
  weekdays: Uint8Array;
  /** Local clock hours each day has in the series' time range (23 or 25 on DST change days). */
  hoursInDay: Uint8Array;
  /** YYYY-MM of each month index. */
  months: string[];
}

export interface CalendarCache {
  calendarFor(zone: string, startHour: number, hours: number): LocalCalendar;
}

/**
 * Builds local calendars with luxon's IANA zone offsets. Offsets are looked up once per
 * UTC day (per hour only on days whose offset changes) and cached per zone, and whole
 * calendars are cached per (zone, start, length), so a portfolio on one time zone and
 * one period pays for the zone rules once.
 */
export const createCalendarCache = (options: { maxCalendars?: number } = {}): CalendarCache => {
  const maxCalendars = options.maxCalendars ?? 64;
  const offsetsByZone = new Map<string, Map<number, number | Int16Array>>();
  const calendars = new Map<string, LocalCalendar>();

  const offsetMinutes = (zone: IANAZone | null, zoneName: string, hour: number): number => {
    if (!zone) return 0;
    let days = offsetsByZone.get(zoneName);
    if (!days) offsetsByZone.set(zoneName, (days = new Map()));
    const day = Math.floor(hour / 24);
    let entry = days.get(day);
    if (entry === undefined) {
      const first = zone.offset(day * 24 * HOUR_MS);
      const last = zone.offset((day * 24 + 23) * HOUR_MS);
      if (first === last) entry = first;
      else {
        const perHour = new Int16Array(24);
        for (let index = 0; index < 24; index += 1) perHour[index] = zone.offset((day * 24 + index) * HOUR_MS);
        entry = perHour;
      }
      days.set(day, entry);
    }
    return typeof entry === 'number' ? entry : entry[hour - day * 24];
  };

  const build = (zoneName: string, startHour: number, hours: number): LocalCalendar => {
    const zone = zoneName === 'UTC' || zoneName === 'Etc/UTC' ? null : IANAZone.create(zoneName);
    const dayOfHour = new Int32Array(hours);
    const hourOfDay = new Uint8Array(hours);
    const monthOfHour = new Uint16Array(hours);
    const months: string[] = [];
    const dates: string[] = [];
    const weekdayList: number[] = [];
    const hoursPerDay: number[] = [];
    let firstLocalDay = 0;
    let lastMonth = '';
    for (let index = 0; index < hours; index += 1) {
      const utcHour = startHour + index;
      const localMinutes = utcHour * 60 + offsetMinutes(zone, zoneName, utcHour);
      const localDay = Math.floor(localMinutes / 1440);
      if (index === 0) firstLocalDay = localDay;
      const day = localDay - firstLocalDay;
      dayOfHour[index] = day;
      hourOfDay[index] = Math.floor((localMinutes - localDay * 1440) / 60);
      while (dates.length <= day) {
        const date = new Date((firstLocalDay + dates.length) * 86_400_000);
        dates.push(date.toISOString().slice(0, 10));
        weekdayList.push(((date.getUTCDay() + 6) % 7) + 1);
        hoursPerDay.push(0);
      }
      hoursPerDay[day] += 1;
      const month = dates[day].slice(0, 7);
      if (month !== lastMonth) {
        months.push(month);
        lastMonth = month;
      }
      monthOfHour[index] = months.length - 1;
    }
    return {
      zone: zoneName,
      startHour,
      hours,
      dayOfHour,
      hourOfDay,
      monthOfHour,
      dates,
      months,
      weekdays: Uint8Array.from(weekdayList),
      hoursInDay: Uint8Array.from(hoursPerDay),
    };
  };

  return {
    calendarFor(zone, startHour, hours) {
      const key = `${zone}|${startHour}|${hours}`;
      let calendar = calendars.get(key);
      if (!calendar) {
        calendar = build(zone, startHour, hours);
        if (calendars.size >= maxCalendars) calendars.delete(calendars.keys().next().value as string);
        calendars.set(key, calendar);
      }
      return calendar;
    },
  };
};
