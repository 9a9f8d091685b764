import { DateTime } from 'luxon';

export type PeriodKind = 'day' | 'month';

/** A budget period in a time zone: `day:2025-03-14` or `month:2025-03`. */
export interface BudgetPeriod {
  kind: PeriodKind;
  key: string;
  /** Start of the next period: when a spent cap frees up again. */
  endsAt: Date;
}

/** The day and month `at` falls in, in `timezone` (IANA). */
export const periodsAt = (at: Date, timezone: string): Record<PeriodKind, BudgetPeriod> => {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  if (!local.isValid) throw new RangeError(`invalid time zone ${timezone}`);
  return {
    day: { kind: 'day', key: `day:${local.toFormat('yyyy-MM-dd')}`, endsAt: local.startOf('day').plus({ days: 1 }).toJSDate() },
    month: { kind: 'month', key: `month:${local.toFormat('yyyy-MM')}`, endsAt: local.startOf('month').plus({ months: 1 }).toJSDate() },
  };
};
