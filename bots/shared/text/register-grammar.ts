// The /dangky grammar (DESIGN.md "Registering by text"): `keyword: value` lines, keywords matched
// without diacritics, values kept verbatim. Works on the whole message ("/dangky\nsố: …") and on a
// file caption made only of keyword lines.
//
//   /dangky
//   số: 45/STC-NS                  → codeNumber "45", codeNotation "STC-NS"
//   cơ quan: Sở Tài chính tỉnh Gia Lai
//   ngày: 10/12/2026               → issuedDate (default: today)
//   loại: Công văn                 → docType: a known type in its canonical name, any other as typed
//                                    (every incoming document is registered; default: Công văn)
//   trích yếu: V/v …               → subject; a following line without a keyword continues it
//   độ khẩn: khẩn                  → urgency (default NORMAL)
//   độ mật: không                  → secrecy (default NONE)
//   hạn: 18/12/2026                → requestedDueDate: the deadline the sender asks for (optional;
//                                    read from the scan's "trước ngày …" when it is read)
//   người ký: Phó Giám đốc Trần Văn Minh
//                                  → signerTitle "Phó Giám đốc", signerName "Trần Văn Minh"
//                                    (optional; "Trần Văn Minh, Phó Giám đốc" too; read from the
//                                    scan's signer block when it is read)
import { defineKeywordGrammar } from "../forms/keyword-grammar.ts";
import type { Answer, ParsedForm, ParseOptions } from "../forms/keyword-grammar.ts";
import { parseDate } from "./dates.ts";
import type { DateContext, LocalDate } from "./dates.ts";
import { normalizeIncomingDocType, OFFICIAL_LETTER } from "./doc-types.ts";
import { readAsTyped, readWith, secrecyLine, subjectLine, urgencyLine } from "../forms/lines.ts";
import { foldVietnamese } from "./fold.ts";
import { stripAnnotation } from "./values.ts";
import type { Secrecy, Urgency } from "./values.ts";

/** The metadata of an incoming document as registered by text. */
export type RegistrationFields = {
  /** Số (the issuer's number), verbatim: "45". */
  codeNumber: string;
  /** Ký hiệu, verbatim: "STC-NS". */
  codeNotation: string;
  /** Cơ quan ban hành, verbatim. */
  issuer: string;
  /** Ngày văn bản. */
  issuedDate: LocalDate;
  /** Canonical type name ("Công văn", "Quyết định", …). */
  docType: string;
  /** Trích yếu, verbatim. */
  subject: string;
  urgency: Urgency;
  secrecy: Secrecy;
  /** The deadline the sender asks for (hạn nơi gửi đề nghị); optional. */
  requestedDueDate: LocalDate;
  /** Người ký: the signer's name, verbatim; optional. */
  signerName: string;
  /** The signer's title (chức vụ), verbatim; optional. */
  signerTitle: string;
};

export type RegistrationField = keyof RegistrationFields;

/** Fields that must be given: số, cơ quan, trích yếu. */
export const REQUIRED_REGISTRATION_FIELDS: readonly RegistrationField[] = ["codeNumber", "issuer", "subject"];

/** The result of parsing a /dangky message (defaults: issuedDate today, Công văn, NORMAL, NONE). */
export type ParsedRegistration = ParsedForm<RegistrationFields, RegistrationField>;

export type RegistrationOptions = DateContext & ParseOptions;

/** Field lengths of Decree 30, Appendix VI (what core accepts): refused here, in the person's language. */
export const REGISTRATION_MAX_LENGTH = { codeNumber: 11, codeNotation: 30, issuer: 200, subject: 500, signerName: 50, signerTitle: 100 } as const;

/** "45/STC-NS" → number "45", notation "STC-NS" (split at the first "/": "30/2020/NĐ-CP" → "30", "2020/NĐ-CP"). */
export const splitCodeNotation = (typed: string): { codeNumber: string; codeNotation?: string } => {
  const v = typed.trim();
  const slash = v.indexOf("/");
  if (slash < 0) return { codeNumber: v };
  const notation = v.slice(slash + 1).trim();
  return notation === "" ? { codeNumber: v.slice(0, slash).trim() } : { codeNumber: v.slice(0, slash).trim(), codeNotation: notation };
};

/** Words that start an office's name, not a person's ("Giám đốc Sở Trần Văn Minh": "Sở" is the title's). */
const ORGAN_WORDS = new Set(["so", "bo", "cuc", "vu", "phong", "ban", "ubnd", "hdnd", "tinh", "huyen", "xa", "phuong", "thanh", "uy", "vien", "truong", "chi", "tong", "van"]);
const isCapitalised = (w: string): boolean => /^\p{Lu}/u.test(w);

/**
 * "Phó Giám đốc Trần Văn Minh", "Trần Văn Minh, Phó Giám đốc", "Trần Văn Minh - Phó Giám đốc" →
 * name "Trần Văn Minh", title "Phó Giám đốc". With a comma or a dash, the part written as a person's
 * name ("Ngô Xuân Thảo": every word capitalised, not in capitals) is the name, else the last part; without one, the name is the capitalised words at the end
 * (at most five, not counting an office's word such as "Sở"), the title what comes before. All in
 * capitals or all capitalised, the whole is the name.
 */
export const splitSigner = (typed: string): { signerName: string; signerTitle?: string } => {
  const v = typed.replace(/\s+/g, " ").trim();
  const parts = v.split(/\s*(?:[,;|]|\s[-–—]\s)\s*/).filter((p) => p !== "");
  if (parts.length >= 2) {
    const isName = (p: string) => p.split(" ").length >= 2 && p.split(" ").every((w) => /^\p{Lu}\p{Ll}*$/u.test(w)) && !ORGAN_WORDS.has(foldVietnamese(p.split(" ")[0]!));
    const at = parts.findIndex(isName);
    const nameAt = at >= 0 ? at : parts.length - 1;
    const title = parts.filter((_, i) => i !== nameAt).join(", ");
    return { signerName: parts[nameAt]!, ...(title !== "" ? { signerTitle: title } : {}) };
  }
  const words = v.split(" ");
  if (words.every((w) => w === w.toUpperCase()) || words.every(isCapitalised)) return { signerName: v };
  let from = words.length;
  while (from > 0 && words.length - from < 5 && isCapitalised(words[from - 1]!)) from--;
  while (from < words.length - 1 && ORGAN_WORDS.has(foldVietnamese(words[from]!))) from++;
  if (from === 0 || from === words.length) return { signerName: v };
  return { signerName: words.slice(from).join(" "), signerTitle: words.slice(0, from).join(" ") };
};

/** "Phó Giám đốc Trần Văn Minh": the signer's title, then the name, as the echo and /xem show them. */
export const signerText = (f: { signerName?: string | null; signerTitle?: string | null }): string => [f.signerTitle, f.signerName].filter((x) => x != null && x !== "").join(" ");

type Fields = RegistrationFields;

/** The /dangky lines (keywords folded; English keywords are accepted as well). */
export const REGISTRATION_GRAMMAR = defineKeywordGrammar<Fields, RegistrationField, "issuedDate" | "docType" | "urgency" | "secrecy", DateContext>({
  command: "register",
  lines: {
    code: {
      keywords: ["so", "so ky hieu", "so va ky hieu", "so hieu", "number"],
      sets: ["codeNumber", "codeNotation"],
      read: (value, fields) => {
        const { codeNumber, codeNotation } = splitCodeNotation(stripAnnotation(value));
        if (codeNumber === "") return "grammar.badCode";
        fields.codeNumber = codeNumber;
        if (codeNotation !== undefined) fields.codeNotation = codeNotation;
        else delete fields.codeNotation;
        return null;
      },
    },
    notation: { keywords: ["ky hieu", "notation"], sets: ["codeNotation"], read: readAsTyped<Fields>("codeNotation", stripAnnotation) },
    issuer: { keywords: ["co quan", "co quan ban hanh", "noi gui", "issuer"], sets: ["issuer"], read: readAsTyped<Fields>("issuer") },
    issuedDate: {
      keywords: ["ngay", "ngay van ban", "ngay ban hanh", "date"],
      sets: ["issuedDate"],
      read: (value, fields, ctx) => {
        const d = parseDate(stripAnnotation(value), ctx);
        if (!d) return "grammar.badDate";
        fields.issuedDate = d;
        return null;
      },
    },
    // Every incoming document is registered (Decree 30 Art. 22.1): any type is taken, known names in
    // their canonical form; only an over-long one is refused.
    docType: {
      keywords: ["loai", "loai van ban", "type"],
      sets: ["docType"],
      read: readWith<Fields, "docType">("docType", (v) => normalizeIncomingDocType(stripAnnotation(v)), "grammar.tooLong"),
    },
    requestedDueDate: {
      keywords: ["han", "han de nghi", "han noi gui de nghi", "due"],
      sets: ["requestedDueDate"],
      read: (value, fields, ctx) => {
        const d = parseDate(stripAnnotation(value), ctx);
        if (!d) return "grammar.badDate";
        fields.requestedDueDate = d;
        return null;
      },
    },
    signer: {
      keywords: ["nguoi ky", "nguoi ky van ban", "signer", "signed by"],
      sets: ["signerName", "signerTitle"],
      read: (value, fields) => {
        const { signerName, signerTitle } = splitSigner(stripAnnotation(value));
        fields.signerName = signerName;
        if (signerTitle !== undefined) fields.signerTitle = signerTitle;
        else delete fields.signerTitle;
        return null;
      },
    },
    subject: subjectLine<Fields>(),
    urgency: urgencyLine<Fields>(),
    secrecy: secrecyLine<Fields>(),
  },
  missing: (fields) => REQUIRED_REGISTRATION_FIELDS.filter((f) => fields[f] === undefined),
  defaults: (ctx) => ({ issuedDate: { ...ctx.today }, docType: OFFICIAL_LETTER, urgency: "NORMAL", secrecy: "NONE" }),
  maxLength: REGISTRATION_MAX_LENGTH,
});

/** Keywords (folded) → the line they start. */
export const REGISTRATION_KEYWORDS = REGISTRATION_GRAMMAR.keywords;

/**
 * Parses the answer to a question about one field (the bot asked for "cơ quan" and the clerk typed
 * just the value). `codeNumber` accepts "45/STC-NS" and fills codeNotation too.
 */
export const parseRegistrationAnswer = (field: RegistrationField, typed: string, ctx: DateContext): Answer<RegistrationFields> => REGISTRATION_GRAMMAR.answer(field, typed, ctx);

/**
 * Parses `keyword: value` lines (without the command word). `lineOffset` is the number of message
 * lines before `body`'s first line, so that errors carry message line numbers.
 */
export const parseRegistrationBody = (body: string, opts: RegistrationOptions, lineOffset = 0): ParsedRegistration => REGISTRATION_GRAMMAR.parseBody(body, opts, lineOffset);

/**
 * Parses a /dangky message, or a file caption of keyword lines (with or without the command).
 *
 * @example
 * parseRegistration("/dangky\nsố: 45/STC-NS\ncơ quan: Sở Tài chính\ntrích yếu: V/v dự toán", { today })
 * // fields: { codeNumber: "45", codeNotation: "STC-NS", issuer: "Sở Tài chính", subject: "V/v dự toán",
 * //           issuedDate: today, docType: "Công văn", urgency: "NORMAL", secrecy: "NONE" }, missing: []
 */
export const parseRegistration = (text: string, opts: RegistrationOptions): ParsedRegistration => REGISTRATION_GRAMMAR.parse(text, opts);
