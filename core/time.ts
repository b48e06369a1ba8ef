// Time for the whole project: the ONLY module that imports the date library (Luxon).
//
// Rules (STYLE.md rule 8):
// - An instant is a JavaScript `Date`, i.e. a UTC point in time; that is what we store.
// - An office time zone (default `Asia/Ho_Chi_Minh`) applies only at input (parsing what a person
//   typed) and at output (formatting). Every function that needs a zone takes it as a parameter.
// - A calendar day in the office is a `LocalDate` string "YYYY-MM-DD"; a wall-clock time is a
//   `LocalTime` string "HH:mm". Arithmetic on local dates is zone-free (they are just days).
// - Nothing here reads the process time zone (`TZ`), so results are the same under any `TZ`.
// - Core never calls `new Date()` for "now": it gets a `Clock`.
import { DateTime, IANAZone } from "luxon";

import { DomainError } from "./errors.ts";
import { calendar as calendarMessages } from "./messages/catalog/calendar.ts";
import type { Locale } from "./messages/types.ts";

// === Types and constants

/** The office time zone used when an organisation or unit names none. */
export const DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh";

/** A calendar day in the office, ISO "YYYY-MM-DD" (e.g. "2026-02-17"). */
export type LocalDate = string;

/** A wall-clock time in the office, "HH:mm" 24-hour (e.g. "07:30"). */
export type LocalTime = string;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;

// === Clock

/** Where "now" comes from. Core code receives one; it never calls `new Date()` itself. */
export type Clock = { now(): Date };

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that always answers the same instant (tests, replays). For a clock a test can move,
 * see `test/support/fake-clock.ts`.
 *
 * @example fixedClock("2026-02-13T08:00:00Z").now()
 */
export const fixedClock = (at: Date | string): Clock => {
  const ms = (typeof at === "string" ? new Date(at) : at).getTime();
  if (Number.isNaN(ms)) throw new Error(`fixedClock: invalid instant ${String(at)}`);
  return { now: () => new Date(ms) };
};

// === Validation

// Luxon validates a zone name by building an `Intl.DateTimeFormat` on every call (≈0.2 ms), and a
// `DateTime` given a zone *name* validates it again each time: the answers and the zone objects are
// kept here, per name (a process sees a handful of zones).
const zoneValidity = new Map<string, boolean>();
const zoneObjects = new Map<string, IANAZone>();

/** True for an IANA zone name Luxon knows (e.g. "Asia/Ho_Chi_Minh"). */
export const isValidTimeZone = (zone: string): boolean => {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size < 1000) zoneValidity.set(zone, valid);
  }
  return valid;
};

/** The Luxon zone object of a valid zone name (cached); an invalid name throws TIME_ZONE_INVALID. */
const zoneOf = (zone: string): IANAZone => {
  let z = zoneObjects.get(zone);
  if (z === undefined) {
    assertTimeZone(zone);
    z = IANAZone.create(zone);
    zoneObjects.set(zone, z);
  }
  return z;
};

/** Throws `TIME_ZONE_INVALID` for an unknown zone (it may come from an organisation file). */
export const assertTimeZone = (zone: string): void => {
  if (!isValidTimeZone(zone)) throw new DomainError("TIME_ZONE_INVALID", "calendar.timeZoneInvalid", { zone });
};

// The calendar arithmetic (working days, reminders) converts the same few hundred dates over and
// over: the conversions are kept both ways (bounded).
const epochDays = new Map<string, number>();
const dayStrings = new Map<number, LocalDate>();
const DAY_CACHE_MAX = 20_000;

/** True for a real calendar day written "YYYY-MM-DD" ("2025-02-29" is false). */
export const isLocalDate = (value: string): boolean => {
  if (epochDays.has(value)) return true;
  const m = LOCAL_DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
};

/** True for "HH:mm", 00:00–23:59. */
export const isLocalTime = (value: string): boolean => LOCAL_TIME_RE.test(value);

const assertLocalDate = (value: string): void => {
  if (!isLocalDate(value)) throw new Error(`Not a local date "YYYY-MM-DD": ${value}`);
};

/** Minutes after midnight of a "HH:mm" time. Throws (a bug) on a malformed time. */
export const minutesOfLocalTime = (time: LocalTime): number => {
  const m = LOCAL_TIME_RE.exec(time);
  if (!m) throw new Error(`Not a local time "HH:mm": ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

// === Local-date arithmetic (zone-free)

const epochDay = (date: LocalDate): number => {
  const cached = epochDays.get(date);
  if (cached !== undefined) return cached;
  assertLocalDate(date);
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const day = Date.UTC(y, m - 1, d) / MS_PER_DAY;
  if (epochDays.size >= DAY_CACHE_MAX) epochDays.clear();
  epochDays.set(date, day);
  return day;
};

const fromEpochDay = (day: number): LocalDate => {
  let date = dayStrings.get(day);
  if (date === undefined) {
    date = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (dayStrings.size >= DAY_CACHE_MAX) dayStrings.clear();
    dayStrings.set(day, date);
  }
  return date;
};

/** The date `days` calendar days after `date` (negative: before). */
export const addDays = (date: LocalDate, days: number): LocalDate => fromEpochDay(epochDay(date) + days);

/** Calendar days from `from` to `to` (positive when `to` is later). */
export const daysBetween = (from: LocalDate, to: LocalDate): number => epochDay(to) - epochDay(from);

/** -1, 0 or 1, for sorting local dates. */
export const compareLocalDates = (a: LocalDate, b: LocalDate): number => Math.sign(daysBetween(b, a));

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export const isoWeekday = (date: LocalDate): IsoWeekday => {
  const dow = new Date(epochDay(date) * MS_PER_DAY).getUTCDay(); // 0 = Sunday
  return (dow === 0 ? 7 : dow) as IsoWeekday;
};

/** Saturday or Sunday. */
export const isWeekend = (date: LocalDate): boolean => isoWeekday(date) >= 6;

/** The year of a local date. */
export const yearOfLocalDate = (date: LocalDate): number => {
  assertLocalDate(date);
  return Number(date.slice(0, 4));
};

/**
 * A local date as the instant a database DATE column (Prisma `@db.Date`) stores: UTC midnight.
 * Only for such columns; for a moment in the office use `startOfLocalDay`.
 */
export const localDateToUtcMidnight = (date: LocalDate): Date => new Date(epochDay(date) * MS_PER_DAY);

/** The inverse of `localDateToUtcMidnight`: a DATE column's value back to "YYYY-MM-DD". */
export const utcMidnightToLocalDate = (value: Date): LocalDate => value.toISOString().slice(0, 10);

// === Instants ↔ office wall clock

const inZone = (instant: Date, zone: string): DateTime => {
  const dt = DateTime.fromJSDate(instant, { zone: zoneOf(zone) });
  if (!dt.isValid) throw new Error(`Invalid instant: ${String(instant)}`);
  return dt;
};

// Luxon asks `Intl` for a zone's offset at every instant it converts (≈0.05 ms each, and the reminder
// arithmetic converts dozens per use case). Offsets change only at a zone's transitions, which fall on
// whole minutes: the offset is kept per zone and 15-minute slot when it is the same at both ends of
// the slot (a slot with a transition inside is never kept, and is asked about each time).
const OFFSET_SLOT_MS = 15 * MS_PER_MINUTE;
const offsetCache = new Map<string, Map<number, number>>();

/** The zone's offset from UTC in minutes at an instant (ms since the epoch), as Luxon computes it. */
const offsetAt = (zone: string, ts: number): number => {
  const z = zoneOf(zone);
  let slots = offsetCache.get(zone);
  if (slots === undefined) offsetCache.set(zone, (slots = new Map()));
  const slot = Math.floor(ts / OFFSET_SLOT_MS);
  const cached = slots.get(slot);
  if (cached !== undefined) return cached;
  const start = z.offset(slot * OFFSET_SLOT_MS);
  const end = z.offset((slot + 1) * OFFSET_SLOT_MS - 1);
  if (start !== end) return z.offset(ts);
  if (slots.size >= 50_000) slots.clear();
  slots.set(slot, start);
  return start;
};

/** The wall clock of an instant in a zone, as the UTC fields of a shifted Date. */
const wallClock = (instant: Date, zone: string): Date => {
  const ts = instant.getTime();
  if (Number.isNaN(ts)) throw new Error(`Invalid instant: ${String(instant)}`);
  return new Date(ts + offsetAt(zone, ts) * MS_PER_MINUTE);
};

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** "YYYY-MM-DD" of a shifted Date's UTC fields (years 0–9999, as the rest of this module). */
const isoDateOf = (w: Date): string => `${String(w.getUTCFullYear()).padStart(4, "0")}-${pad2(w.getUTCMonth() + 1)}-${pad2(w.getUTCDate())}`;

/**
 * The instant whose wall clock in `zone` is `localTs` (a wall clock written as if it were UTC).
 * Luxon's rule (its `fixOffset`) for times a transition skips or repeats: a skipped time moves
 * forward by the gap; a repeated one takes the offset in force at that wall clock read as UTC (where
 * Luxon starts from the offset of the current moment, so it may pick the other of the two).
 */
const instantOfWallClock = (localTs: number, zone: string): number => {
  const o = offsetAt(zone, localTs);
  let utcGuess = localTs - o * MS_PER_MINUTE;
  const o2 = offsetAt(zone, utcGuess);
  if (o === o2) return utcGuess;
  utcGuess -= (o2 - o) * MS_PER_MINUTE;
  const o3 = offsetAt(zone, utcGuess);
  if (o2 === o3) return utcGuess;
  return localTs - Math.min(o2, o3) * MS_PER_MINUTE;
};

/** The office's calendar day at an instant. */
export const localDateOf = (instant: Date, zone: string = DEFAULT_TIME_ZONE): LocalDate => isoDateOf(wallClock(instant, zone));

/** The office's wall-clock time at an instant, "HH:mm" (seconds dropped). */
export const localTimeOf = (instant: Date, zone: string = DEFAULT_TIME_ZONE): LocalTime => {
  const w = wallClock(instant, zone);
  return `${pad2(w.getUTCHours())}:${pad2(w.getUTCMinutes())}`;
};

/**
 * Minutes after local midnight at an instant, with the fraction for seconds and milliseconds
 * (07:30:30 → 450.5). Used by the working-hours arithmetic.
 */
export const localMinuteOfDay = (instant: Date, zone: string = DEFAULT_TIME_ZONE): number => {
  const w = wallClock(instant, zone);
  return w.getUTCHours() * 60 + w.getUTCMinutes() + w.getUTCSeconds() / 60 + w.getUTCMilliseconds() / MS_PER_MINUTE;
};

/** The instant of a wall-clock time on a local date in a zone. */
export const atLocalTime = (date: LocalDate, time: LocalTime, zone: string = DEFAULT_TIME_ZONE): Date => {
  const day = epochDay(date);
  zoneOf(zone);
  const minutes = minutesOfLocalTime(time);
  return new Date(instantOfWallClock(day * MS_PER_DAY + minutes * MS_PER_MINUTE, zone));
};

/** 00:00:00.000 of a local date in a zone. */
export const startOfLocalDay = (date: LocalDate, zone: string = DEFAULT_TIME_ZONE): Date => atLocalTime(date, "00:00", zone);

/** 23:59:59.999 of a local date in a zone (the last instant of that day). */
export const endOfLocalDay = (date: LocalDate, zone: string = DEFAULT_TIME_ZONE): Date => {
  const day = epochDay(date);
  zoneOf(zone);
  // As Luxon's endOf("day"): the next day's start, less one millisecond.
  return new Date(instantOfWallClock((day + 1) * MS_PER_DAY, zone) - 1);
};

/**
 * THE definition of a deadline given as a date ("hạn: 20/12/2026"): the assignment is on time
 * as long as it is done on that day, so `dueAt` is the last instant of that local day,
 * 23:59:59.999 in the office zone, NOT the end of office hours (officials often report in the
 * evening, and a deadline must not lapse while the day still runs). Such a `dueAt` is shown as
 * the date alone (see `formatDueAt`). A deadline with an explicit time keeps that time.
 *
 * This is the only function that turns a deadline date into an instant; use it everywhere.
 *
 * @example dueAtForDate("2026-12-20") // 2026-12-20T16:59:59.999Z (23:59:59.999 +07:00)
 */
export const dueAtForDate = (date: LocalDate, zone: string = DEFAULT_TIME_ZONE): Date => endOfLocalDay(date, zone);

/** True when `dueAt` is a date-only deadline (the last instant of its local day), as `dueAtForDate` makes. */
export const isDateOnlyDueAt = (dueAt: Date, zone: string = DEFAULT_TIME_ZONE): boolean => dueAt.getTime() === endOfLocalDay(localDateOf(dueAt, zone), zone).getTime();

// === Parsing what people type

/**
 * Parses a date as officials write it: "20/12/2026", "20-12-2026", "20.12.2026", "20/12/26",
 * "2026-12-20", or without a year, "20/12". A missing year is taken so that the date lies nearest
 * to `reference` (so "05/01" typed on 28/12 means next January, "10/12" typed on 12/12 this year).
 * Returns `null` for anything that is not a real date.
 *
 * @param reference - the local date "today" for a date without a year.
 */
export const parseVietnameseDate = (text: string, reference?: LocalDate): LocalDate | null => {
  const s = text.trim();
  let y: number;
  let mo: number;
  let d: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  const vn = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(s);
  if (iso) {
    [y, mo, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (vn) {
    [d, mo] = [Number(vn[1]), Number(vn[2])];
    if (vn[3] !== undefined) {
      y = Number(vn[3]);
      if (vn[3].length === 2) y += 2000;
    } else {
      if (reference === undefined) return null;
      const refYear = yearOfLocalDate(reference);
      const candidates = [refYear - 1, refYear, refYear + 1].map((year) => toLocalDate(year, mo, d)).filter((c): c is LocalDate => c !== null);
      if (candidates.length === 0) return null;
      candidates.sort((a, b) => Math.abs(daysBetween(reference, a)) - Math.abs(daysBetween(reference, b)));
      return candidates[0] ?? null;
    }
  } else {
    return null;
  }
  return toLocalDate(y, mo, d);
};

const toLocalDate = (y: number, mo: number, d: number): LocalDate | null => {
  const s = `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  return isLocalDate(s) ? s : null;
};

/**
 * Like `parseVietnameseDate` but throws `DATE_INVALID` (message `calendar.dateInvalid`) so a use
 * case can hand the error straight to the person who typed it.
 */
export const parseVietnameseDateOrThrow = (text: string, reference?: LocalDate): LocalDate => {
  const date = parseVietnameseDate(text, reference);
  if (date === null) throw new DomainError("DATE_INVALID", "calendar.dateInvalid", { value: text.trim() });
  return date;
};

/**
 * Parses a local date-time in a zone to an instant: "2026-12-20 14:30", "2026-12-20T14:30",
 * "14:30 20/12/2026", "20/12/2026 14:30" (and the other date forms of `parseVietnameseDate`).
 * A date alone is read as a deadline, i.e. `dueAtForDate`. Returns `null` when it cannot.
 */
export const parseLocalDateTime = (text: string, zone: string = DEFAULT_TIME_ZONE, reference?: LocalDate): Date | null => {
  const s = text.trim().replace(/\s+/g, " ");
  const isoT = /^(\d{4}-\d{1,2}-\d{1,2})[T ](\d{1,2}):(\d{2})$/.exec(s);
  const timeFirst = /^(\d{1,2})[:hg](\d{2}) (.+)$/.exec(s);
  const timeLast = /^(.+) (\d{1,2})[:hg](\d{2})$/.exec(s);
  let datePart: string;
  let hh: string;
  let mm: string;
  if (isoT) [datePart, hh, mm] = [isoT[1]!, isoT[2]!, isoT[3]!];
  else if (timeFirst) [hh, mm, datePart] = [timeFirst[1]!, timeFirst[2]!, timeFirst[3]!];
  else if (timeLast) [datePart, hh, mm] = [timeLast[1]!, timeLast[2]!, timeLast[3]!];
  else {
    const date = parseVietnameseDate(s, reference);
    return date === null ? null : dueAtForDate(date, zone);
  }
  const date = parseVietnameseDate(datePart, reference);
  const time = `${hh.padStart(2, "0")}:${mm}`;
  if (date === null || !isLocalTime(time)) return null;
  return atLocalTime(date, time, zone);
};

// === Formatting for people

/** "dd/mm/yyyy" of a local date ("2026-12-20" → "20/12/2026"). */
export const formatLocalDate = (date: LocalDate): string => {
  assertLocalDate(date);
  const [y, m, d] = date.split("-");
  return `${d}/${m}/${y}`;
};

/** "dd/mm/yyyy" of an instant in the office zone. */
export const formatDate = (instant: Date, zone: string = DEFAULT_TIME_ZONE): string => formatLocalDate(localDateOf(instant, zone));

/** "HH:mm dd/mm/yyyy" of an instant in the office zone (as Vietnamese documents write it). */
export const formatDateTime = (instant: Date, zone: string = DEFAULT_TIME_ZONE): string => `${localTimeOf(instant, zone)} ${formatDate(instant, zone)}`;

/** The weekday name of a local date: "Thứ Hai" … "Chủ Nhật" (vi), "Monday" … "Sunday" (en). */
export const weekdayName = (date: LocalDate, locale: Locale = "vi"): string => {
  const text = (calendarMessages[locale] as Record<string, string>)[`weekday.${isoWeekday(date)}`];
  if (text === undefined) throw new Error(`No weekday name for ${date} in ${locale}`);
  return text;
};

/**
 * A deadline as people read it, with its weekday: "Thứ Sáu, 20/12/2026" for a date-only deadline
 * (see `dueAtForDate`), "Thứ Sáu, 14:30 20/12/2026" when it has a time of its own.
 */
export const formatDueAt = (dueAt: Date, zone: string = DEFAULT_TIME_ZONE, locale: Locale = "vi"): string => {
  const date = localDateOf(dueAt, zone);
  const when = isDateOnlyDueAt(dueAt, zone) ? formatLocalDate(date) : formatDateTime(dueAt, zone);
  return `${weekdayName(date, locale)}, ${when}`;
};

/** ISO 8601 with the zone's offset, e.g. "2026-12-20T14:30:00.000+07:00" (signatures, exports). */
export const toIsoWithOffset = (instant: Date, zone: string = DEFAULT_TIME_ZONE): string => {
  const iso = inZone(instant, zone).toISO();
  if (iso === null) throw new Error(`Cannot format ${String(instant)}`);
  return iso;
};
