// The working calendar: yearly data files, their loader, and working-day / working-hour arithmetic.
export {
  ZCalendarDayKind,
  ZCalendarEntry,
  ZCalendarFile,
  SHIPPED_CALENDAR_DIR,
  loadCalendarFile,
  loadShippedCalendarFiles,
  type CalendarDayKind,
  type CalendarEntry,
  type CalendarFile,
  type CalendarFileSource,
} from "./calendar-file.ts";
export {
  DEFAULT_WORKING_HOURS,
  ZWorkingHours,
  ZWorkingPeriod,
  createCalendar,
  loadShippedCalendar,
  parseWorkingHours,
  type Calendar,
  type CalendarDayInfo,
  type CalendarDayInput,
  type CalendarOptions,
  type WorkingHours,
  type WorkingPeriod,
} from "./calendar.ts";
