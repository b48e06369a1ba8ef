// Yearly calendar files: the exceptions to the Monday–Friday week (public holidays, days given in
// lieu, swapped weekdays, make-up working Saturdays). Shipped in ./years/<year>.yaml; an
// organisation may load its own file in the same format.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { parse as parseYaml } from "yaml";
import { z } from "zod";

import { DomainError } from "../errors.ts";
import { isLocalDate, isoWeekday, isWeekend, yearOfLocalDate, type LocalDate } from "../time.ts";

// === Schema

/** The kind of an exception day, as in the database enum `CalendarDayKind`. */
export const ZCalendarDayKind = z.enum(["DAY_OFF", "WORKING_DAY"]);
export type CalendarDayKind = z.infer<typeof ZCalendarDayKind>;

/** One exception day of a calendar file. */
export const ZCalendarEntry = z.strictObject({
  /** The local date, "YYYY-MM-DD" (quote it or not: YAML 1.2 reads it as a string). */
  date: z.string().refine(isLocalDate, { message: 'not a real date written "YYYY-MM-DD"' }),
  /** DAY_OFF: a weekday off (holiday, day in lieu, swap). WORKING_DAY: a Saturday or Sunday worked. */
  kind: ZCalendarDayKind,
  /** Vietnamese name, e.g. "Tết Nguyên Đán", "Nghỉ bù Giỗ Tổ Hùng Vương", "Làm bù cho thứ Sáu 02/5". */
  name: z.string().trim().min(1),
  /** Where the day comes from: the law article or the notice (số/ký hiệu) announcing it. */
  source: z.string().trim().min(1),
  /** Anything a reader should know, e.g. why the entry is not confirmed. */
  note: z.string().trim().min(1).optional(),
  /**
   * false for a day that was reported but not read in an official text, or estimated before the
   * yearly notice was issued (DOMAIN.md ⚠️/❓). It counts like any other entry; it is a flag to
   * check and replace when the notice is published.
   *
   * @defaultValue true
   */
  confirmed: z.boolean().default(true),
});
export type CalendarEntry = z.infer<typeof ZCalendarEntry>;

/** A calendar file: one year. */
export const ZCalendarFile = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  days: z.array(ZCalendarEntry),
});
export type CalendarFile = z.infer<typeof ZCalendarFile>;

// === Loading

/** Where to read a calendar file from: a path, or its text (with a name for error messages). */
export type CalendarFileSource = { path: string } | { text: string; name?: string };

/**
 * Reads and validates one calendar file. Beyond the schema it checks that every date belongs to
 * the file's year, no date is listed twice, and a WORKING_DAY falls on a Saturday or Sunday.
 *
 * @throws DomainError `CALENDAR_FILE_INVALID` (message `calendar.fileInvalid`, params `file` and
 *   `detail`); `detail` names the offending entry, e.g.
 *   `days[3] (2026-02-30 "Tết Nguyên Đán"): date: not a real date written "YYYY-MM-DD"`.
 * @example loadCalendarFile({ path: "core/calendar/years/2026.yaml" }).days.length
 */
export const loadCalendarFile = (source: CalendarFileSource): CalendarFile => {
  const file = "path" in source ? basename(source.path) : (source.name ?? "(text)");
  const text = "path" in source ? readFileSync(source.path, "utf8") : source.text;
  const fail = (detail: string): never => {
    throw new DomainError("CALENDAR_FILE_INVALID", "calendar.fileInvalid", { file, detail });
  };

  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return fail(`YAML: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  }

  const parsed = ZCalendarFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(issue === undefined ? "invalid" : describeIssue(raw, issue.path, issue.message));
  }

  const { year, days } = parsed.data;
  const seen = new Map<LocalDate, number>();
  days.forEach((entry, i) => {
    const where = entryLabel(i, entry.date, entry.name);
    if (yearOfLocalDate(entry.date) !== year) fail(`${where}: date: not in the file's year ${year}`);
    const first = seen.get(entry.date);
    if (first !== undefined) fail(`${where}: date: already listed at days[${first}]`);
    seen.set(entry.date, i);
    if (entry.kind === "WORKING_DAY" && !isWeekend(entry.date)) {
      fail(`${where}: kind: WORKING_DAY must be a Saturday or Sunday (weekday ${isoWeekday(entry.date)} is a working day already)`);
    }
  });
  return parsed.data;
};

const entryLabel = (index: number, date: unknown, name: unknown): string =>
  `days[${index}] (${typeof date === "string" ? date : "?"}${typeof name === "string" ? ` "${name}"` : ""})`;

const describeIssue = (raw: unknown, path: readonly PropertyKey[], message: string): string => {
  if (path[0] === "days" && typeof path[1] === "number") {
    const days = (raw as { days?: unknown[] }).days ?? [];
    const entry = (days[path[1]] ?? {}) as { date?: unknown; name?: unknown };
    const field = path.slice(2).map(String).join(".");
    return `${entryLabel(path[1], entry.date, entry.name)}${field ? `: ${field}` : ""}: ${message}`;
  }
  return `${path.length > 0 ? path.map(String).join(".") : "(file)"}: ${message}`;
};

// === The shipped data

/**
 * The folder of the shipped yearly files. Named `years/`, not `data/`: the root .gitignore's
 * `data/` (the embedded database folder) would match `core/calendar/data/` and drop the files.
 */
export const SHIPPED_CALENDAR_DIR = join(dirname(fileURLToPath(import.meta.url)), "years");

let shippedCache: CalendarFile[] | undefined;

/**
 * All shipped yearly files (`core/calendar/years/<year>.yaml`), validated, sorted by year. Read once
 * per process. Use `createCalendar({ files: loadShippedCalendarFiles() })`, or simply
 * `loadShippedCalendar()` from `calendar.ts`.
 */
export const loadShippedCalendarFiles = (): CalendarFile[] => {
  if (shippedCache === undefined) {
    const names = readdirSync(SHIPPED_CALENDAR_DIR).filter((n) => /^\d{4}\.ya?ml$/.test(n));
    const files = names.map((n) => {
      const loaded = loadCalendarFile({ path: join(SHIPPED_CALENDAR_DIR, n) });
      if (String(loaded.year) !== n.slice(0, 4)) {
        throw new DomainError("CALENDAR_FILE_INVALID", "calendar.fileInvalid", { file: n, detail: `year: ${loaded.year} does not match the file name` });
      }
      return loaded;
    });
    shippedCache = files.sort((a, b) => a.year - b.year);
  }
  return shippedCache.map((f) => ({ year: f.year, days: f.days.map((d) => ({ ...d })) }));
};
