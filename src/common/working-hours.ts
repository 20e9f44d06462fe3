/** Working hours (09:00–17:00, Monday to Friday) in a time zone: reminders are sent only within them. */
import { DateTime } from 'luxon';

export const WORK_START_HOUR = 9;
export const WORK_END_HOUR = 17;

/** True when `at` falls within working hours in `zone`. */
export function isWorkingTime(at: Date, zone: string): boolean {
  const local = DateTime.fromJSDate(at, { zone });
  return local.weekday <= 5 && local.hour >= WORK_START_HOUR && local.hour < WORK_END_HOUR;
}

/** `at` itself when it is working time, else the start of the next working hours in `zone`. */
export function nextWorkingTime(at: Date, zone: string): Date {
  if (isWorkingTime(at, zone)) return at;
  let day = DateTime.fromJSDate(at, { zone }).startOf('day');
  const startOf = (d: DateTime) => d.set({ hour: WORK_START_HOUR, minute: 0, second: 0, millisecond: 0 });
  // Today's start if it is still ahead, else the next weekday's.
  for (let i = 0; i < 8; i++) {
    const start = startOf(day);
    if (start.weekday <= 5 && start.toMillis() > at.getTime()) return start.toJSDate();
    day = day.plus({ days: 1 });
  }
  throw new Error(`no working time found after ${at.toISOString()} in ${zone}`);
}

/** The start of the day of `at` in `zone`. */
export function startOfDay(at: Date, zone: string): Date {
  return DateTime.fromJSDate(at, { zone }).startOf('day').toJSDate();
}
