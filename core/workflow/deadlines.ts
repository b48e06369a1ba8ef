// Deadlines land on working days: a date typed or picked for a deadline (a directive's, an
// officer's, a requested or granted extension) that is a day off is refused, and the refusal names
// the next working day so the person can simply send that instead.
import type { Calendar } from "../calendar/calendar.ts";
import { DomainError } from "../errors.ts";
import { formatLocalDate, type LocalDate } from "../time.ts";

/**
 * Refuses a deadline date that is not a working day of the organisation's calendar.
 *
 * @example requireWorkingDay(calendar, "2026-12-20") // throws DEADLINE_NOT_WORKING_DAY { date: "20/12/2026", next: "21/12/2026" }
 */
export const requireWorkingDay = (calendar: Calendar, date: LocalDate): void => {
  if (calendar.isWorkingDay(date)) return;
  const next = calendar.addWorkingDays(date, 0);
  throw new DomainError("DEADLINE_NOT_WORKING_DAY", "deadline.notWorkingDay", { date: formatLocalDate(date), next: formatLocalDate(next) });
};
