// Lateness, counted one way everywhere: in working days of the office calendar (Decree 30 counts
// deadlines in working days). Used by the overdue list, the reminders, the completion notice and
// the daily digest, and by Calendar.workingDaysLeft for a deadline already past.
import { localDateOf } from "../time.ts";

/**
 * How many working days `at` is past `dueAt`: 0 when `at` is not after the deadline; otherwise the
 * working days after the deadline's day up to and including `at`'s day, and at least 1 (a deadline
 * missed the same day, or only over a weekend, is 1 working day late).
 *
 * @example
 * // due Friday 04/12/2026 (end of day), done Tuesday 08/12 → 2 (Monday and Tuesday)
 * workingDaysLate(calendar, dueAtForDate("2026-12-04"), new Date("2026-12-08T03:00:00Z"))
 */
/** What lateness needs of a Calendar (calendar.ts): its zone and its count of working days. */
export type WorkingDayCounter = { zone: string; workingDaysBetween(from: string, to: string): number };

export const workingDaysLate = (calendar: WorkingDayCounter, dueAt: Date, at: Date): number => {
  if (at.getTime() <= dueAt.getTime()) return 0;
  return Math.max(1, calendar.workingDaysBetween(localDateOf(dueAt, calendar.zone), localDateOf(at, calendar.zone)));
};
