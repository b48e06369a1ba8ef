// Pieces shared by the keyword grammars (/dangky, /phathanh, /chidao): keyword lines, the error
// shape, and the small value vocabularies (urgency, secrecy, yes/no, unit codes).
import { foldVietnamese } from "./fold.ts";

/** Độ khẩn, as core stores it. */
export type Urgency = "NORMAL" | "URGENT" | "VERY_URGENT" | "FLASH";
/** Độ mật, as core stores it. Anything but NONE is paper only. */
export type Secrecy = "NONE" | "CONFIDENTIAL" | "SECRET" | "TOP_SECRET";

/**
 * Message keys of grammar errors; the catalog (core/messages) renders them with `{value}`.
 *
 * - `grammar.emptyValue`: a keyword with nothing after the colon.
 * - `grammar.unknownLine`: a line that is no `keyword: value` line (register and issue grammars).
 * - `grammar.duplicateField`: a keyword given twice; the later value is kept.
 * - `grammar.badDate` / `grammar.badDue`: not a real date / not a date nor "N ngày".
 * - `grammar.badCode`: a "số" without a number before the "/".
 * - `grammar.unknownDocType` / `grammar.unknownUrgency` / `grammar.unknownSecrecy` / `grammar.badYesNo`.
 * - `grammar.badUnitCode` / `grammar.badUserCode`: not an ASCII code such as TCKH or cv.tckh.
 * - `grammar.badSigner`: "người ký" without "Name, Title".
 * - `grammar.missingRef`: a directive without a document reference (D123).
 * - `grammar.noMainUnit` / `grammar.severalMainUnits`: a directive needs exactly one "chủ trì".
 * - `grammar.unitInSeveralRoles`: one unit both chủ trì and phối hợp, say.
 * - `grammar.dueForInfo`: a deadline for "để biết" units, who have nothing to do.
 * - `grammar.emptyText`: a directive without any text.
 */
export type GrammarErrorKey =
  | "grammar.emptyValue"
  | "grammar.unknownLine"
  | "grammar.duplicateField"
  | "grammar.badDate"
  | "grammar.badDue"
  | "grammar.badCode"
  | "grammar.unknownDocType"
  | "grammar.unknownUrgency"
  | "grammar.unknownSecrecy"
  | "grammar.badYesNo"
  | "grammar.badUnitCode"
  | "grammar.badUserCode"
  | "grammar.badSigner"
  | "grammar.missingRef"
  | "grammar.noMainUnit"
  | "grammar.severalMainUnits"
  | "grammar.unitInSeveralRoles"
  | "grammar.dueForInfo"
  | "grammar.emptyText"
  | "grammar.tooLong";

/** One problem found in a typed form. */
export type GrammarError = {
  /** 1-based line of the message; 0 when the problem concerns the whole message. */
  line: number;
  messageKey: GrammarErrorKey;
  /** What the person typed (verbatim), or the offending code(s). */
  value: string;
};

// === Keyword lines

/** A `keyword: value` line: the keyword folded and normalised, the value verbatim (trimmed). */
export type KeywordLine = { keyword: string; value: string };

const KEYWORD_LINE = /^\s*(?:[-*•+]\s+)?([^:\n]{1,40}?)\s*:(.*)$/s;

/**
 * Splits a line at its first colon. The keyword is folded (no diacritics, lower-case) with "," "/"
 * "&" turned into spaces, so "Số, ký hiệu" and "so ky hieu" are the same keyword. A leading list
 * bullet ("- ", "• ") is ignored. Null when the line has no colon.
 */
export const readKeywordLine = (line: string): KeywordLine | null => {
  const m = KEYWORD_LINE.exec(line);
  if (!m) return null;
  const keyword = foldVietnamese(m[1]!.replace(/[,/&]+/g, " "));
  if (keyword === "") return null;
  return { keyword, value: m[2]!.trim() };
};

/**
 * Removes a trailing explanation in parentheses set off by two or more spaces, as in the templates
 * of DESIGN.md (`độ khẩn: khẩn      (thường | khẩn | …)`), so a copied template still parses. Used only
 * on coded values (dates, types, levels, codes), never on free text such as trích yếu.
 */
export const stripAnnotation = (value: string): string => value.replace(/\s{2,}\(.*\)\s*$/s, "").trim();

/** How many message lines come before `body`, a suffix of `text` (for error line numbers). */
export const lineOffsetOf = (text: string, body: string): number => text.slice(0, text.length - body.length).split("\n").length - 1;

/** Splits text into lines (CRLF or LF). Lines are otherwise untouched. */
export const splitLines = (text: string): string[] => text.split(/\r?\n/);

// === Vocabularies (folded forms)

const URGENCY_WORDS: Record<string, Urgency> = {
  thuong: "NORMAL",
  "binh thuong": "NORMAL",
  khong: "NORMAL",
  normal: "NORMAL",
  khan: "URGENT",
  urgent: "URGENT",
  "thuong khan": "VERY_URGENT",
  "very urgent": "VERY_URGENT",
  "hoa toc": "FLASH",
  "hoa toc hen gio": "FLASH",
  flash: "FLASH",
};

const SECRECY_WORDS: Record<string, Secrecy> = {
  khong: "NONE",
  ko: "NONE",
  "khong mat": "NONE",
  thuong: "NONE",
  "binh thuong": "NONE",
  none: "NONE",
  no: "NONE",
  mat: "CONFIDENTIAL",
  confidential: "CONFIDENTIAL",
  "toi mat": "SECRET",
  secret: "SECRET",
  "tuyet mat": "TOP_SECRET",
  "top secret": "TOP_SECRET",
};

const YES_NO_WORDS: Record<string, boolean> = {
  co: true,
  yes: true,
  y: true,
  true: true,
  khong: false,
  ko: false,
  no: false,
  n: false,
  false: false,
};

const lookup = <T>(table: Record<string, T>, typed: string): T | null => {
  const key = foldVietnamese(stripAnnotation(typed))
    .replace(/[.!]+$/, "")
    .trim();
  return Object.hasOwn(table, key) ? table[key]! : null;
};

/** thường | khẩn | thượng khẩn | hỏa tốc (hoả tốc), with or without diacritics, or English. */
export const parseUrgency = (typed: string): Urgency | null => lookup(URGENCY_WORDS, typed);

/** không | mật | tối mật | tuyệt mật, with or without diacritics, or English. */
export const parseSecrecy = (typed: string): Secrecy | null => lookup(SECRECY_WORDS, typed);

/** có | không (co/khong/ko, yes/no). */
export const parseYesNo = (typed: string): boolean | null => lookup(YES_NO_WORDS, typed);

// === Codes

/** A unit code or user code from the organisation file: ASCII, e.g. TCKH, VP, cv.tckh, tp.tckh. */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-]*$/;

/**
 * Splits a list of codes separated by commas, semicolons or spaces ("TP, VP" or "TP VP"). Codes are
 * kept as typed; duplicates (case-insensitive) are dropped. Tokens that are no code are returned in
 * `bad` (e.g. a unit's name typed instead of its code).
 */
export const splitCodes = (typed: string): { codes: string[]; bad: string[] } => {
  const codes: string[] = [];
  const bad: string[] = [];
  const seen = new Set<string>();
  for (const token of stripAnnotation(typed).split(/[,;\s]+/)) {
    const t = token.replace(/\.$/, "");
    if (t === "") continue;
    if (!CODE_PATTERN.test(t)) {
      bad.push(token);
      continue;
    }
    const key = t.toUpperCase();
    if (seen.has(key)) continue;
    seen.add(key);
    codes.push(t);
  }
  return { codes, bad };
};
