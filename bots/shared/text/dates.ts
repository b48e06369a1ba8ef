// Vietnamese dates and working-day durations as people type them in chat. Results are local
// calendar dates: converting them to instants (office time zone, end of day) is core's job.
import { matchFoldedPrefix } from "./fold.ts";

/** A calendar date in the office's local calendar; no time, no zone. `month` is 1–12. */
export type LocalDate = { year: number; month: number; day: number };

/** "5 ngày" / "5 ngày làm việc": a number of working days from today. */
export type WorkingDays = { workingDays: number };

/** A deadline as typed: a calendar date, or a number of working days from today. */
export type DateOrDuration = { kind: "date"; date: LocalDate } | { kind: "duration"; workingDays: number };

/** What date parsing needs to know: today's local date (for "hôm nay", "ngày mai" and a missing year). */
export type DateContext = { today: LocalDate };

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;
const MAX_WORKING_DAYS = 999;

/** Whether the year, month and day make a real date (31/02 does not). */
export const isValidDate = (d: LocalDate): boolean => {
  if (!Number.isInteger(d.year) || !Number.isInteger(d.month) || !Number.isInteger(d.day)) return false;
  if (d.year < MIN_YEAR || d.year > MAX_YEAR || d.month < 1 || d.month > 12 || d.day < 1) return false;
  // Day 0 of the next month is the last day of this one; Date.UTC has no time-zone effect.
  const lastDay = new Date(Date.UTC(d.year, d.month, 0)).getUTCDate();
  return d.day <= lastDay;
};

/** Adds calendar days (negative to go back). Pure calendar arithmetic, no time zone. */
export const addDays = (d: LocalDate, days: number): LocalDate => {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
};

/** dd/mm/yyyy, zero-padded, as Vietnamese officials write dates. */
export const formatDate = (d: LocalDate): string => `${String(d.day).padStart(2, "0")}/${String(d.month).padStart(2, "0")}/${d.year}`;

// === Patterns (matched on folded text: lower-case, no diacritics)

// After a date: no further letters or digits, and no further "/12"-like piece ("1.2.3.4" is no date).
const END = String.raw`(?![a-z0-9]|[\/.\-]\d)`;
const NUMERIC = new RegExp(String.raw`^(?:ngay\s+)?(\d{1,2})([\/.\-])(\d{1,2})(?:\2(\d{4}|\d{2}))?${END}`, "d");
const WORDED = new RegExp(String.raw`^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*,?\s*nam\s+(\d{4}))?${END}`, "d");
const RELATIVE = /^(hom\s+nay|today|ngay\s+mai|tomorrow)(?![a-z0-9])/d;
const DURATION = /^(\d{1,3})\s*(?:ngay(?:\s+lam\s+viec)?|(?:working\s+)?days?)(?![a-z0-9])/d;

/** What may follow a whole-text date: nothing but spaces and a full stop ("20/12/2026."). */
const isBlankTail = (rest: string): boolean => /^\s*\.?\s*$/.test(rest);

const fullYear = (y: string | undefined, ctx: DateContext): number => {
  if (y === undefined) return ctx.today.year;
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
};

/**
 * Reads a date at the start of `text` (leading whitespace skipped) and returns it with the text
 * after it, verbatim. Accepts `10/12/2026`, `10-12-2026`, `10.12.2026`, `10/12/26`, `10/12`
 * (current year), `ngày 10 tháng 12 năm 2026` (with or without diacritics, year optional),
 * `ngày 10/12/2026`, `hôm nay`, `ngày mai`, `today`, `tomorrow`. A date without a year is in
 * today's year, even when that date has already passed (core rejects past deadlines).
 * Returns null when the text does not start with a real date.
 */
export const readDate = (text: string, ctx: DateContext): { date: LocalDate; rest: string } | null => {
  const rel = matchFoldedPrefix(text, RELATIVE);
  if (rel) {
    const word = rel.match[1]!.replace(/\s+/g, " ");
    const date = word === "hom nay" || word === "today" ? { ...ctx.today } : addDays(ctx.today, 1);
    return { date, rest: text.slice(rel.end) };
  }
  const num = matchFoldedPrefix(text, NUMERIC);
  if (num) {
    const date = { day: Number(num.match[1]), month: Number(num.match[3]), year: fullYear(num.match[4], ctx) };
    return isValidDate(date) ? { date, rest: text.slice(num.end) } : null;
  }
  const worded = matchFoldedPrefix(text, WORDED);
  if (worded) {
    const date = { day: Number(worded.match[1]), month: Number(worded.match[2]), year: fullYear(worded.match[3], ctx) };
    return isValidDate(date) ? { date, rest: text.slice(worded.end) } : null;
  }
  return null;
};

/** Parses a whole text as one date (see {@link readDate}); null when anything else is there. */
export const parseDate = (text: string, ctx: DateContext): LocalDate | null => {
  const r = readDate(text, ctx);
  return r && isBlankTail(r.rest) ? r.date : null;
};

/** Reads "5 ngày", "5 ngay", "5 ngày làm việc", "5 working days" at the start of `text`. */
export const readDuration = (text: string): { duration: WorkingDays; rest: string } | null => {
  const m = matchFoldedPrefix(text, DURATION);
  if (!m) return null;
  const n = Number(m.match[1]);
  if (n < 1 || n > MAX_WORKING_DAYS) return null;
  return { duration: { workingDays: n }, rest: text.slice(m.end) };
};

/** Parses a whole text as a working-day duration; null when it is not exactly one. */
export const parseDuration = (text: string): WorkingDays | null => {
  const r = readDuration(text);
  return r && isBlankTail(r.rest) ? r.duration : null;
};

// How a deadline is introduced in directives (folded): "trước ngày 20/12/2026", "chậm nhất (là) ngày
// 20/12/2026", "không quá ngày …", "hạn chót …" before a date; "trong (vòng) 5 ngày làm việc" before
// a duration. "Trước ngày X" and "chậm nhất ngày X" both make X the deadline date (hạn xử lý ngày X,
// until the end of that day), as directives use them; the echo shows the date before /ok.
const DATE_LEAD = /^(?:truoc|cham\s+nhat(?:\s+la)?|khong\s+qua|han\s+chot(?:\s+la)?|before|by|no\s+later\s+than)\s+(?=\d|ngay\b|hom\b|today|tomorrow)/d;
const DURATION_LEAD = /^(?:trong(?:\s+vong)?|within)\s+(?=\d)/d;

/**
 * Reads a deadline at the start of `text`: a date ("20/12/2026", "trước ngày 20/12/2026", "chậm
 * nhất ngày 20/12/2026"), or a number of working days ("5 ngày", "5 ngày làm việc", "trong 5 ngày").
 */
export const readDateOrDuration = (text: string, ctx: DateContext): { value: DateOrDuration; rest: string } | null => {
  const durLead = matchFoldedPrefix(text, DURATION_LEAD);
  const durText = durLead ? text.slice(durLead.end) : text;
  // Duration first: "5 ngày" must not be mistaken for anything else, and no date starts "N ngay".
  const dur = readDuration(durText);
  if (dur) return { value: { kind: "duration", workingDays: dur.duration.workingDays }, rest: dur.rest };
  const dateLead = matchFoldedPrefix(text, DATE_LEAD);
  const date = readDate(dateLead ? text.slice(dateLead.end) : text, ctx);
  if (date) return { value: { kind: "date", date: date.date }, rest: date.rest };
  return null;
};

/** Parses a whole text as a deadline: a date or "N ngày" working days. */
export const parseDateOrDuration = (text: string, ctx: DateContext): DateOrDuration | null => {
  const r = readDateOrDuration(text, ctx);
  return r && isBlankTail(r.rest) ? r.value : null;
};
