// The organisation's working calendar: the shipped yearly files (core/calendar/years/*.yaml)
// overridden, year by year, by the rows of the CalendarDay table (`edoc calendar import FILE`).
// A year present in the table REPLACES that year of the shipped data (it is not merged entry by
// entry), so an office that imports the official notice for 2027 gets exactly that notice.
//
// Read once per process and database, then cached; `importCalendarFile` invalidates the cache of
// this process (other processes pick the change up after `invalidateOrgCalendar()` or a restart:
// the calendar changes a few times a year).
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import type { Db } from "../store/client.ts";
import { localDateToUtcMidnight, utcMidnightToLocalDate, yearOfLocalDate } from "../time.ts";
import { createCalendar, type Calendar, type CalendarOptions } from "./calendar.ts";
import { loadCalendarFile, loadShippedCalendarFiles, type CalendarEntry, type CalendarFile } from "./calendar-file.ts";

// === Cache

/** Merged yearly files per database client (tests open several databases in one process). */
const cache = new WeakMap<Db, Promise<CalendarFile[]>>();

/**
 * Forgets the cached calendar data (of every database in this process). `importCalendarFile`
 * calls it; call it yourself after changing `CalendarDay` rows by other means.
 */
export const invalidateOrgCalendar = (): void => {
  // A WeakMap cannot be cleared: bump the generation instead.
  generation++;
};
let generation = 0;
const generationOf = new WeakMap<Db, number>();

/**
 * The yearly data in force: shipped files, each year replaced by the table's rows for that year
 * when the table has any. Sorted by year.
 */
export const loadOrgCalendarFiles = async (deps: Pick<CoreDeps, "prisma">): Promise<CalendarFile[]> =>
  (await mergedFiles(deps.prisma)).map((f) => ({ year: f.year, days: f.days.map((d) => ({ ...d })) }));

/** The cached read (shared: never hand it out to be changed). */
const mergedFiles = (db: Db): Promise<CalendarFile[]> => {
  if (generationOf.get(db) !== generation) {
    cache.delete(db);
    generationOf.set(db, generation);
  }
  let pending = cache.get(db);
  if (pending === undefined) {
    pending = readMergedFiles(db);
    cache.set(db, pending);
    // A failed read (database down) must not stay cached.
    pending.catch(() => cache.delete(db));
  }
  return pending;
};

/** Calendars built from one cached read, per zone (only those with the default options). */
const calendars = new WeakMap<Promise<CalendarFile[]>, Map<string, Promise<Calendar>>>();

const readMergedFiles = async (db: Db): Promise<CalendarFile[]> => {
  const rows = await db.calendarDay.findMany({ orderBy: { date: "asc" }, select: { date: true, kind: true, name: true, source: true } });
  const fromTable = new Map<number, CalendarEntry[]>();
  for (const row of rows) {
    const date = utcMidnightToLocalDate(row.date);
    const year = yearOfLocalDate(date);
    fromTable.set(year, [...(fromTable.get(year) ?? []), { date, kind: row.kind, name: row.name, source: row.source ?? "", confirmed: true }]);
  }
  const byYear = new Map<number, CalendarFile>();
  for (const file of loadShippedCalendarFiles()) byYear.set(file.year, file);
  for (const [year, days] of fromTable) byYear.set(year, { year, days });
  return [...byYear.values()].sort((a, b) => a.year - b.year);
};

// === The calendar

/** Options of `loadOrgCalendar`. */
export type LoadOrgCalendarInput = {
  /** The organisation's (or unit's) IANA zone. @defaultValue `deps.settings.officeTimeZone` */
  zone?: string;
  /** Office hours for working-time counting. @defaultValue `DEFAULT_WORKING_HOURS` */
  workingHours?: CalendarOptions["workingHours"];
  /** Called once per year asked about that has no data (wire it to a warning log). */
  onUncoveredYear?: (year: number) => void;
};

/**
 * The organisation's working calendar in its time zone: shipped yearly files overridden per year by
 * the `CalendarDay` table. Cached per process (see `invalidateOrgCalendar`).
 *
 * @example
 * const calendar = await loadOrgCalendar(deps, { zone: org.timeZone });
 * calendar.isWorkingDay("2026-02-17"); // false: Tết
 */
export const loadOrgCalendar = async (deps: Pick<CoreDeps, "prisma" | "settings">, input: LoadOrgCalendarInput = {}): Promise<Calendar> => {
  const zone = input.zone ?? deps.settings.officeTimeZone;
  if (input.workingHours === undefined && input.onUncoveredYear === undefined) {
    // The common case (every use case): one calendar per cached read and zone. A Calendar hands out
    // copies of its entries, so sharing it is safe.
    const pending = mergedFiles(deps.prisma);
    let byZone = calendars.get(pending);
    if (byZone === undefined) calendars.set(pending, (byZone = new Map()));
    let calendar = byZone.get(zone);
    if (calendar === undefined) {
      calendar = pending.then((files) => createCalendar({ files, zone }));
      byZone.set(zone, calendar);
      calendar.catch(() => byZone.delete(zone)); // not cached when failed; the caller gets the error
    }
    return calendar;
  }
  const files = await loadOrgCalendarFiles(deps);
  const options: CalendarOptions = { files, zone };
  if (input.workingHours !== undefined) options.workingHours = input.workingHours;
  if (input.onUncoveredYear !== undefined) options.onUncoveredYear = input.onUncoveredYear;
  return createCalendar(options);
};

// === Import

/** Input of `importCalendarFile`. */
export type ImportCalendarFileInput = {
  /** The YAML text of one yearly file, in the format of `core/calendar/years/<year>.yaml`. */
  text: string;
  /** The file name, for error messages. @defaultValue "(text)" */
  name?: string;
  /** Who imports (audit). */
  actorUserId?: string | null;
};

export type ImportCalendarFileResult = {
  year: number;
  /** Rows written for the year. */
  days: number;
  /** Rows of that year that were there before and are replaced. */
  replaced: number;
};

/**
 * `edoc calendar import FILE`: validates one yearly calendar file (the same checks as the shipped
 * files), then, in one transaction, replaces every `CalendarDay` row of that year with the file's
 * days and audits `calendar.imported`. From then on that year of the organisation calendar is the
 * file's, not the shipped one. Importing the same file again gives the same rows.
 *
 * Note: a file that lists no day at all leaves the table without a row for the year, so the
 * shipped data for that year stays in force.
 *
 * @throws DomainError `CALENDAR_FILE_INVALID` (nothing is written).
 * @example await importCalendarFile(deps, { text: await readFile(path, "utf8"), name: "2027.yaml" })
 */
export const importCalendarFile = async (deps: Pick<CoreDeps, "prisma" | "clock">, input: ImportCalendarFileInput): Promise<ImportCalendarFileResult> => {
  const file = loadCalendarFile({ text: input.text, name: input.name ?? "(text)" });
  const from = localDateToUtcMidnight(`${file.year}-01-01`);
  const to = localDateToUtcMidnight(`${file.year}-12-31`);
  const result = await deps.prisma.$transaction(async (tx) => {
    const removed = await tx.calendarDay.deleteMany({ where: { date: { gte: from, lte: to } } });
    const created = await tx.calendarDay.createMany({
      data: file.days.map((d) => ({ date: localDateToUtcMidnight(d.date), kind: d.kind, name: d.name, source: d.source })),
    });
    await appendAuditEvent(tx, {
      type: "calendar.imported",
      at: deps.clock.now(),
      actorUserId: input.actorUserId ?? null,
      entityType: "CalendarYear",
      entityId: String(file.year),
      data: { year: file.year, days: created.count, replaced: removed.count, file: input.name ?? null },
    });
    return { year: file.year, days: created.count, replaced: removed.count };
  });
  invalidateOrgCalendar();
  return result;
};
