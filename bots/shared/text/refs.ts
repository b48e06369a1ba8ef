// Short document references people type in chat (DESIGN.md "References and the directive grammar").
//
//   D123            incoming document, số đến 123 of the current year ("Đ123" and "d 123" work too)
//   D123/2025       incoming, số đến 123 of 2025
//   P12             outgoing document, số đi 12 (P12/2025 for an earlier year)
//   D123-TCKH       the assignment of unit TCKH on D123 (also P12-TCKH: an internal recipient)
//   D123/2025-TCKH  the same for an earlier year (D123-TCKH/2025 is accepted as well)
//   D7-TCKH-cv.tckh a delegated assignment: the unit's assignment handed to the officer whose
//                   user code (from the organisation file) is "cv.tckh"
//
// Matching is case-insensitive. Unit codes are returned upper-case (codes in the organisation file
// are ASCII upper-case by convention); the officer's user code is returned as typed and must be
// compared case-insensitively. Unit codes contain no hyphen; user codes may contain "." "-" "_".
import { matchFoldedPrefix } from "./fold.ts";

/** A parsed reference. `year` is always filled (the current year when not typed). */
export type DocRef = {
  /** IN: incoming (D, số đến); OUT: outgoing (P, số đi). */
  kind: "IN" | "OUT";
  /** Số đến / số đi. */
  number: number;
  year: number;
  /** The unit of an assignment, upper-case: D123-TCKH → "TCKH". */
  unitCode?: string;
  /** A delegated assignment: the officer's user code as typed, D7-TCKH-cv.tckh → "cv.tckh". */
  suffix?: string;
};

/** What reference parsing needs: the year a reference without a year belongs to. */
export type RefContext = { currentYear: number };

const MIN_YEAR = 1900;
const MAX_YEAR = 2100;
const MAX_NUMBER = 9_999_999;

// Groups: 1 letter, 2 number, 3 year, 4 unit, 5 officer, 6 year (after the unit).
const REF = new RegExp(
  String.raw`^([dp])[ \t]*(\d{1,7})(?:[ \t]*\/[ \t]*(\d{4}))?` +
    String.raw`(?:-([a-z][a-z0-9_]*)(?:-([a-z0-9_]+(?:[.\-][a-z0-9_]+)*))?)?` +
    String.raw`(?:\/(\d{4}))?(?![a-z0-9_]|[\/\-][a-z0-9_])`,
  "d",
);
const ASCII_CODE = /^[A-Za-z0-9_.\-]+$/;

/**
 * Reads a reference at the start of `text` (leading whitespace skipped) and returns it with the
 * text after it, verbatim. Null when the text does not start with a well-formed reference.
 */
export const readRef = (text: string, ctx: RefContext): { ref: DocRef; rest: string } | null => {
  const m = matchFoldedPrefix(text, REF);
  if (!m) return null;
  const number = Number(m.match[2]);
  if (number < 1 || number > MAX_NUMBER) return null;
  const yearBefore = m.match[3];
  const yearAfter = m.match[6];
  if (yearBefore !== undefined && yearAfter !== undefined) return null;
  const yearText = yearBefore ?? yearAfter;
  const year = yearText === undefined ? ctx.currentYear : Number(yearText);
  if (year < MIN_YEAR || year > MAX_YEAR) return null;

  const ref: DocRef = { kind: m.match[1] === "p" ? "OUT" : "IN", number, year };
  const unit = m.group(4);
  const officer = m.group(5);
  // The pattern matched the folded text; "D7-Tài" folds to "d7-tai" but is no unit code.
  if (unit !== undefined) {
    if (!ASCII_CODE.test(unit)) return null;
    ref.unitCode = unit.toUpperCase();
  }
  if (officer !== undefined) {
    if (!ASCII_CODE.test(officer)) return null;
    ref.suffix = officer;
  }
  return { ref, rest: text.slice(m.end) };
};

/**
 * Parses a whole text as one reference.
 *
 * @example parseRef("d 123", { currentYear: 2026 }) // { kind: "IN", number: 123, year: 2026 }
 * @example parseRef("D7-tckh-cv.tckh", { currentYear: 2026 }) // unitCode "TCKH", suffix "cv.tckh"
 */
export const parseRef = (text: string, ctx: RefContext): DocRef | null => {
  const r = readRef(text, ctx);
  return r && r.rest.trim() === "" ? r.ref : null;
};

/**
 * The canonical text of a reference: `D123`, `D123/2025`, `P12-TCKH`, `D7-TCKH-cv.tckh`; the year
 * is left out when it is the current year.
 */
export const formatRef = (ref: DocRef, ctx: RefContext): string => {
  let s = `${ref.kind === "IN" ? "D" : "P"}${ref.number}`;
  if (ref.year !== ctx.currentYear) s += `/${ref.year}`;
  if (ref.unitCode !== undefined) {
    s += `-${ref.unitCode.toUpperCase()}`;
    if (ref.suffix !== undefined) s += `-${ref.suffix}`;
  }
  return s;
};

/** Whether two references name the same thing (codes compared case-insensitively). */
export const refsEqual = (a: DocRef, b: DocRef): boolean =>
  a.kind === b.kind &&
  a.number === b.number &&
  a.year === b.year &&
  (a.unitCode ?? "").toUpperCase() === (b.unitCode ?? "").toUpperCase() &&
  (a.suffix ?? "").toLowerCase() === (b.suffix ?? "").toLowerCase();
