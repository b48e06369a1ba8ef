// The working calendar of an office: which days are working days, and counting in working days and
// working hours. Built from calendar entries (the yearly files, or rows of the CalendarDay table).
import { z } from "zod";

import { DomainError } from "../errors.ts";
import {
  addDays,
  atLocalTime,
  DEFAULT_TIME_ZONE,
  assertTimeZone,
  compareLocalDates,
  isLocalDate,
  isLocalTime,
  isWeekend,
  localDateOf,
  localMinuteOfDay,
  minutesOfLocalTime,
  yearOfLocalDate,
  type LocalDate,
  type LocalTime,
} from "../time.ts";
import { loadShippedCalendarFiles, type CalendarEntry, type CalendarFile } from "./calendar-file.ts";
import { workingDaysLate } from "./lateness.ts";

// === Working hours

/** One stretch of office hours on a working day, local wall-clock time, `start` < `end`. */
export const ZWorkingPeriod = z.strictObject({
  start: z.string().refine(isLocalTime, { message: 'expected "HH:mm"' }),
  end: z.string().refine(isLocalTime, { message: 'expected "HH:mm"' }),
});
export type WorkingPeriod = z.infer<typeof ZWorkingPeriod>;

/** Office hours of a working day: one or more periods, in order, not overlapping. */
export const ZWorkingHours = z
  .array(ZWorkingPeriod)
  .min(1)
  .superRefine((periods, ctx) => {
    let previousEnd = -1;
    periods.forEach((p, i) => {
      const start = minutesOfLocalTime(p.start);
      const end = minutesOfLocalTime(p.end);
      if (end <= start) ctx.addIssue({ code: "custom", path: [i], message: `${p.start}–${p.end}: end must be after start` });
      if (start < previousEnd) ctx.addIssue({ code: "custom", path: [i], message: `${p.start}–${p.end}: overlaps or precedes the previous period` });
      previousEnd = end;
    });
  });
export type WorkingHours = readonly WorkingPeriod[];

/**
 * Default office hours used to count working time ("4 working hours"): 07:30–11:30 and
 * 13:00–17:00, i.e. 8 hours a day, 40 a week (Quyết định 188/1999/QĐ-TTg). Offices differ
 * (many in the North keep 08:00–12:00, 13:00–17:00): override per organisation.
 *
 * Not to be confused with the quiet hours of the reminder policy (07:00–18:00), which say when a
 * message may be SENT, not how working time is counted.
 */
export const DEFAULT_WORKING_HOURS: WorkingHours = Object.freeze([Object.freeze({ start: "07:30", end: "11:30" }), Object.freeze({ start: "13:00", end: "17:00" })]);

/** Validates working hours from configuration; throws `WORKING_HOURS_INVALID`. */
export const parseWorkingHours = (value: unknown): WorkingHours => {
  const parsed = ZWorkingHours.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(hours)"}: ${i.message}`).join("; ");
    throw new DomainError("WORKING_HOURS_INVALID", "calendar.workingHoursInvalid", { detail });
  }
  return parsed.data;
};

// === The calendar

/**
 * A guard against an endless search: no calendar has a year without a working day. If one does,
 * the data is broken and we say so instead of looping.
 */
const MAX_SCAN_DAYS = 3_660;

/** What a calendar says about one local date. */
export type CalendarDayInfo = {
  date: LocalDate;
  isWorkingDay: boolean;
  /** The file entry that makes this date an exception to Monday–Friday, if any. */
  entry?: CalendarEntry;
  /** false when no data covers the date's year: the answer is plain Monday–Friday. */
  isCovered: boolean;
};

/**
 * An exception day as `createCalendar` accepts it: a file entry, or a row of the `CalendarDay`
 * table (whose `source` may be null and which has no `confirmed`; convert its `@db.Date` with
 * `utcMidnightToLocalDate`).
 */
export type CalendarDayInput = {
  date: LocalDate;
  kind: CalendarEntry["kind"];
  name: string;
  source?: string | null;
  note?: string | null;
  confirmed?: boolean;
};

/** Options of `createCalendar`. */
export type CalendarOptions = {
  /** Exception days (all years). Give `files` instead to take the covered years from them. */
  entries?: readonly CalendarDayInput[];
  /** Yearly files; their years are covered even when a year lists no entry. */
  files?: readonly CalendarFile[];
  /**
   * Years for which the entries are complete. Default: the years of `files`, plus every year that
   * has at least one entry.
   */
  coveredYears?: readonly number[];
  /** @defaultValue `DEFAULT_TIME_ZONE` ("Asia/Ho_Chi_Minh") */
  zone?: string;
  /** @defaultValue `DEFAULT_WORKING_HOURS` (07:30–11:30, 13:00–17:00) */
  workingHours?: WorkingHours;
  /**
   * Called once per year (per calendar) the first time a date in a year without data is asked
   * about; the answer then falls back to Monday–Friday with no holidays. Wire it to a warning log.
   */
  onUncoveredYear?: (year: number) => void;
};

/** The working calendar of an office, in its time zone. Immutable. */
export type Calendar = {
  /** The office time zone the instant-based methods use. */
  readonly zone: string;
  /** Office hours used by `isWorkingTime` and `addWorkingMinutes`/`addWorkingHours`. */
  readonly workingHours: WorkingHours;
  /** Years with calendar data, ascending. Other years are counted as plain Monday–Friday. */
  coveredYears(): number[];
  /** Whether a year has calendar data. */
  isCovered(year: number): boolean;
  /** The entries, sorted by date. */
  entries(): CalendarEntry[];
  /** Everything the calendar knows about a date. */
  dayInfo(date: LocalDate): CalendarDayInfo;
  /**
   * The entries of [`from`, `to`] marked `confirmed: false` (estimates, e.g. Tết days before the
   * year's official notice), sorted by date: a count of working days across them may change.
   */
  unconfirmedBetween(from: LocalDate, to: LocalDate): CalendarEntry[];
  /** Monday–Friday minus days off, plus make-up working days. */
  isWorkingDay(date: LocalDate): boolean;
  /** On a working day and inside one of the office-hour periods [start, end). */
  isWorkingTime(instant: Date, hours?: WorkingHours): boolean;
  /**
   * The `n`-th working day after `from` (`from` itself not counted); negative `n` counts backwards;
   * `n = 0` gives `from` if it is a working day, else the next working day.
   * A `Date` is taken in the office zone and the result keeps its wall-clock time.
   */
  addWorkingDays(from: LocalDate, n: number): LocalDate;
  addWorkingDays(from: Date, n: number): Date;
  /**
   * Working days in the half-open range (`from`, `to`]: positive when `to` is later, negative
   * (the count of (`to`, `from`]) when earlier, 0 when equal.
   */
  workingDaysBetween(from: LocalDate, to: LocalDate): number;
  /**
   * Working time elapsed: the instant at which `minutes` of office hours (on working days) have
   * passed since `from`. Time outside office hours does not count; a start outside them counts
   * from the next period's start. A result exactly at a period's end stays there (11:30, not 13:00).
   */
  addWorkingMinutes(from: Date, minutes: number, hours?: WorkingHours): Date;
  /** `addWorkingMinutes` in hours (fractions allowed: 0.5 = 30 minutes). */
  addWorkingHours(from: Date, hours: number, workingHours?: WorkingHours): Date;
  /**
   * Working days left until a deadline, as the directive echo shows it:
   * - not overdue (`now` ≤ `dueAt`): working days after today up to the deadline's day; 0 = due
   *   today (or by the next working day's start, when the deadline falls on a day off);
   * - overdue: minus the working days overdue, i.e. -(working days in (due day, today]), and at
   *   least -1 (so an assignment that went overdue tonight, or over the weekend, reads -1).
   */
  workingDaysLeft(now: Date, dueAt: Date): number;
  /**
   * The earliest instant ≥ `from` that is `at` o'clock on a working day: today at `at` if that is
   * still ahead and today is a working day, else the next working day at `at`.
   *
   * @param at - @defaultValue "07:00"
   */
  nextWorkingMorning(from: Date, at?: LocalTime): Date;
  /** The last working day on or before `date`. */
  workingDayOnOrBefore(date: LocalDate): LocalDate;
  /** The same data in another zone (e.g. a unit's own zone). */
  withZone(zone: string): Calendar;
};

/**
 * Builds a calendar. Unknown years fall back to Monday–Friday with no holidays (see
 * `coveredYears()` and `onUncoveredYear`).
 *
 * @throws Error (a bug in the data) when a date is listed twice.
 * @example
 * const calendar = createCalendar({ files: loadShippedCalendarFiles() });
 * calendar.addWorkingDays("2026-02-13", 1); // "2026-02-23", after Tết
 */
export const createCalendar = (options: CalendarOptions = {}): Calendar => {
  const zone = options.zone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(zone);
  const workingHours = options.workingHours === undefined ? DEFAULT_WORKING_HOURS : parseWorkingHours(options.workingHours);

  const all = [...(options.entries ?? []), ...(options.files ?? []).flatMap((f) => f.days)];
  const byDate = new Map<LocalDate, CalendarEntry>();
  for (const input of all) {
    if (!isLocalDate(input.date)) throw new Error(`Calendar: not a local date "YYYY-MM-DD": ${input.date}`);
    if (byDate.has(input.date)) throw new Error(`Calendar: ${input.date} is listed twice`);
    const entry: CalendarEntry = { date: input.date, kind: input.kind, name: input.name, source: input.source ?? "", confirmed: input.confirmed ?? true };
    if (input.note !== undefined && input.note !== null) entry.note = input.note;
    byDate.set(input.date, entry);
  }
  const covered = new Set<number>(options.coveredYears ?? [...(options.files ?? []).map((f) => f.year), ...[...byDate.keys()].map(yearOfLocalDate)]);
  const reported = new Set<number>();

  const checkCovered = (date: LocalDate): boolean => {
    const year = yearOfLocalDate(date);
    if (covered.has(year)) return true;
    if (!reported.has(year)) {
      reported.add(year);
      options.onUncoveredYear?.(year);
    }
    return false;
  };

  const dayInfo = (date: LocalDate): CalendarDayInfo => {
    const isCovered = checkCovered(date);
    const entry = byDate.get(date);
    const isWorkingDay = entry !== undefined ? entry.kind === "WORKING_DAY" : !isWeekend(date);
    return entry === undefined ? { date, isWorkingDay, isCovered } : { date, isWorkingDay, entry: { ...entry }, isCovered };
  };

  const isWorkingDay = (date: LocalDate): boolean => dayInfo(date).isWorkingDay;

  const step = (date: LocalDate, direction: 1 | -1): LocalDate => {
    let d = date;
    for (let i = 0; i < MAX_SCAN_DAYS; i++) {
      d = addDays(d, direction);
      if (isWorkingDay(d)) return d;
    }
    throw new Error(`Calendar: no working day within ${MAX_SCAN_DAYS} days of ${date}`);
  };

  const addWorkingDaysToDate = (from: LocalDate, n: number): LocalDate => {
    if (!Number.isInteger(n)) throw new Error(`addWorkingDays: n must be an integer, got ${n}`);
    if (n === 0) return isWorkingDay(from) ? from : step(from, 1);
    let d = from;
    for (let i = 0; i < Math.abs(n); i++) d = step(d, n > 0 ? 1 : -1);
    return d;
  };

  function addWorkingDays(from: LocalDate, n: number): LocalDate;
  function addWorkingDays(from: Date, n: number): Date;
  function addWorkingDays(from: LocalDate | Date, n: number): LocalDate | Date {
    if (typeof from === "string") return addWorkingDaysToDate(from, n);
    const minute = localMinuteOfDay(from, zone);
    const target = addWorkingDaysToDate(localDateOf(from, zone), n);
    // Keep the wall-clock time, to the millisecond.
    return new Date(atLocalTime(target, "00:00", zone).getTime() + Math.round(minute * 60_000));
  }

  const workingDaysBetween = (from: LocalDate, to: LocalDate): number => {
    const order = compareLocalDates(to, from);
    if (order === 0) return 0;
    const [lo, hi] = order > 0 ? [from, to] : [to, from];
    let count = 0;
    for (let d = addDays(lo, 1); compareLocalDates(d, hi) <= 0; d = addDays(d, 1)) if (isWorkingDay(d)) count++;
    return order > 0 ? count : -count;
  };

  const isWorkingTime = (instant: Date, hours: WorkingHours = workingHours): boolean => {
    if (!isWorkingDay(localDateOf(instant, zone))) return false;
    const minute = localMinuteOfDay(instant, zone);
    return hours.some((p) => minute >= minutesOfLocalTime(p.start) && minute < minutesOfLocalTime(p.end));
  };

  const addWorkingMinutes = (from: Date, minutes: number, hours: WorkingHours = workingHours): Date => {
    if (!(minutes >= 0) || !Number.isFinite(minutes)) throw new Error(`addWorkingMinutes: minutes must be ≥ 0, got ${minutes}`);
    if (minutes === 0) return new Date(from.getTime());
    let remaining = minutes * 60_000;
    let t = from.getTime();
    let date = localDateOf(from, zone);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, date = addDays(date, 1)) {
      if (!isWorkingDay(date)) continue;
      for (const p of hours) {
        const start = atLocalTime(date, p.start, zone).getTime();
        const end = atLocalTime(date, p.end, zone).getTime();
        if (t >= end) continue;
        const begin = Math.max(t, start);
        if (remaining <= end - begin) return new Date(begin + remaining);
        remaining -= end - begin;
        t = end;
      }
    }
    throw new Error(`Calendar: no working time within ${MAX_SCAN_DAYS} days of ${from.toISOString()}`);
  };

  const workingDaysLeft = (now: Date, dueAt: Date): number => {
    const today = localDateOf(now, zone);
    const dueDay = localDateOf(dueAt, zone);
    if (now.getTime() <= dueAt.getTime()) return Math.max(0, workingDaysBetween(today, dueDay));
    return -workingDaysLate({ zone, workingDaysBetween }, dueAt, now);
  };

  const nextWorkingMorning = (from: Date, at: LocalTime = "07:00"): Date => {
    let date = localDateOf(from, zone);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, date = addDays(date, 1)) {
      if (!isWorkingDay(date)) continue;
      const candidate = atLocalTime(date, at, zone);
      if (candidate.getTime() >= from.getTime()) return candidate;
    }
    throw new Error(`Calendar: no working day within ${MAX_SCAN_DAYS} days of ${from.toISOString()}`);
  };

  const workingDayOnOrBefore = (date: LocalDate): LocalDate => (isWorkingDay(date) ? date : step(date, -1));

  return {
    zone,
    workingHours,
    coveredYears: () => [...covered].sort((a, b) => a - b),
    isCovered: (year) => covered.has(year),
    entries: () => [...byDate.values()].sort((a, b) => compareLocalDates(a.date, b.date)).map((e) => ({ ...e })),
    dayInfo,
    unconfirmedBetween: (from, to) =>
      [...byDate.values()]
        .filter((e) => e.confirmed === false && compareLocalDates(e.date, from) >= 0 && compareLocalDates(e.date, to) <= 0)
        .sort((a, b) => compareLocalDates(a.date, b.date))
        .map((e) => ({ ...e })),
    isWorkingDay,
    isWorkingTime,
    addWorkingDays,
    workingDaysBetween,
    addWorkingMinutes,
    addWorkingHours: (from, h, wh) => addWorkingMinutes(from, h * 60, wh),
    workingDaysLeft,
    nextWorkingMorning,
    workingDayOnOrBefore,
    withZone: (otherZone) => createCalendar({ ...options, zone: otherZone }),
  };
};

/**
 * The calendar of the shipped yearly files (`core/calendar/years/*.yaml`).
 *
 * @example loadShippedCalendar({ zone: org.timeZone }).isWorkingDay("2025-04-26") // true (make-up Saturday)
 */
export const loadShippedCalendar = (options: Omit<CalendarOptions, "entries" | "files"> = {}): Calendar => createCalendar({ ...options, files: loadShippedCalendarFiles() });
