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
import { bodyAfterCommand } from "./command-words.ts";
import { parseDate } from "./dates.ts";
import type { DateContext, LocalDate } from "./dates.ts";
import { normalizeIncomingDocType, OFFICIAL_LETTER } from "./doc-types.ts";
import { lineOffsetOf, parseKeywordForm, parseSecrecy, parseUrgency, stripAnnotation } from "./values.ts";
import type { GrammarError, GrammarErrorKey, Secrecy, Urgency } from "./values.ts";

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
};

export type RegistrationField = keyof RegistrationFields;

/** Fields that must be given: số, cơ quan, trích yếu. */
export const REQUIRED_REGISTRATION_FIELDS: readonly RegistrationField[] = ["codeNumber", "issuer", "subject"];

/** The result of parsing a /dangky message. */
export type ParsedRegistration = {
  /** What was understood, plus the defaults applied. */
  fields: Partial<RegistrationFields>;
  /** Required fields not given (to be asked for). */
  missing: RegistrationField[];
  /** Fields filled by a default: issuedDate (today), docType (Công văn), urgency (NORMAL), secrecy (NONE). */
  defaultsApplied: RegistrationField[];
  errors: GrammarError[];
  /** How many lines were recognised keyword lines (0: the text is not a registration form). */
  keywordLines: number;
};

export type RegistrationOptions = DateContext & {
  /**
   * Fill unset optional fields with their defaults. Turn off to parse a correction (`/sua …`) that
   * is merged into an earlier record.
   * @defaultValue true
   */
  applyDefaults?: boolean;
};

type Slot = "code" | "notation" | "issuer" | "issuedDate" | "docType" | "subject" | "urgency" | "secrecy";

/** Keywords (folded) → what they set. English keywords are accepted as well. */
export const REGISTRATION_KEYWORDS: Readonly<Record<string, Slot>> = {
  so: "code",
  "so ky hieu": "code",
  "so va ky hieu": "code",
  "so hieu": "code",
  number: "code",
  "ky hieu": "notation",
  notation: "notation",
  "co quan": "issuer",
  "co quan ban hanh": "issuer",
  "noi gui": "issuer",
  issuer: "issuer",
  ngay: "issuedDate",
  "ngay van ban": "issuedDate",
  "ngay ban hanh": "issuedDate",
  date: "issuedDate",
  loai: "docType",
  "loai van ban": "docType",
  type: "docType",
  "trich yeu": "subject",
  subject: "subject",
  "do khan": "urgency",
  "muc do khan": "urgency",
  urgency: "urgency",
  "do mat": "secrecy",
  "muc do mat": "secrecy",
  secrecy: "secrecy",
};

/** "45/STC-NS" → number "45", notation "STC-NS" (split at the first "/": "30/2020/NĐ-CP" → "30", "2020/NĐ-CP"). */
export const splitCodeNotation = (typed: string): { codeNumber: string; codeNotation?: string } => {
  const v = typed.trim();
  const slash = v.indexOf("/");
  if (slash < 0) return { codeNumber: v };
  const notation = v.slice(slash + 1).trim();
  return notation === "" ? { codeNumber: v.slice(0, slash).trim() } : { codeNumber: v.slice(0, slash).trim(), codeNotation: notation };
};

const SLOT_FIELDS: Record<Slot, RegistrationField[]> = {
  code: ["codeNumber", "codeNotation"],
  notation: ["codeNotation"],
  issuer: ["issuer"],
  issuedDate: ["issuedDate"],
  docType: ["docType"],
  subject: ["subject"],
  urgency: ["urgency"],
  secrecy: ["secrecy"],
};

/** Parses one value into `fields`; returns an error key when the value is not acceptable. */
/** Field lengths of Decree 30, Appendix VI (what core accepts): refused here, in the person's language. */
export const REGISTRATION_MAX_LENGTH = { codeNumber: 11, codeNotation: 30, issuer: 200, subject: 500 } as const;

const tooLong = (fields: Partial<RegistrationFields>): boolean =>
  (Object.keys(REGISTRATION_MAX_LENGTH) as (keyof typeof REGISTRATION_MAX_LENGTH)[]).some((k) => (fields[k]?.length ?? 0) > REGISTRATION_MAX_LENGTH[k]);

const applyValue = (fields: Partial<RegistrationFields>, slot: Slot, value: string, ctx: DateContext): GrammarErrorKey | null => {
  const error = applyValueUnchecked(fields, slot, value, ctx);
  return error ?? (tooLong(fields) ? "grammar.tooLong" : null);
};

const applyValueUnchecked = (fields: Partial<RegistrationFields>, slot: Slot, value: string, ctx: DateContext): GrammarErrorKey | null => {
  if (value.trim() === "") return "grammar.emptyValue";
  switch (slot) {
    case "code": {
      const { codeNumber, codeNotation } = splitCodeNotation(stripAnnotation(value));
      if (codeNumber === "") return "grammar.badCode";
      fields.codeNumber = codeNumber;
      if (codeNotation !== undefined) fields.codeNotation = codeNotation;
      else delete fields.codeNotation;
      return null;
    }
    case "notation":
      fields.codeNotation = stripAnnotation(value);
      return null;
    case "issuer":
      fields.issuer = value.trim();
      return null;
    case "subject":
      fields.subject = value.trim();
      return null;
    case "issuedDate": {
      const d = parseDate(stripAnnotation(value), ctx);
      if (!d) return "grammar.badDate";
      fields.issuedDate = d;
      return null;
    }
    case "docType": {
      // Every incoming document is registered (Decree 30 Art. 22.1): any type is taken, known names
      // in their canonical form; only an over-long one is refused.
      const t = normalizeIncomingDocType(stripAnnotation(value));
      if (!t) return "grammar.tooLong";
      fields.docType = t;
      return null;
    }
    case "urgency": {
      const u = parseUrgency(value);
      if (!u) return "grammar.unknownUrgency";
      fields.urgency = u;
      return null;
    }
    case "secrecy": {
      const s = parseSecrecy(value);
      if (!s) return "grammar.unknownSecrecy";
      fields.secrecy = s;
      return null;
    }
  }
};

/**
 * Parses the answer to a question about one field (the bot asked for "cơ quan" and the clerk typed
 * just the value). `codeNumber` accepts "45/STC-NS" and fills codeNotation too.
 */
export const parseRegistrationAnswer = (
  field: RegistrationField,
  typed: string,
  ctx: DateContext,
): { fields: Partial<RegistrationFields> } | { error: GrammarErrorKey } => {
  const slot: Slot = field === "codeNumber" ? "code" : field === "codeNotation" ? "notation" : field;
  const fields: Partial<RegistrationFields> = {};
  const error = applyValue(fields, slot, typed, ctx);
  return error ? { error } : { fields };
};

/**
 * Parses `keyword: value` lines (without the command word). `lineOffset` is the number of message
 * lines before `body`'s first line, so that errors carry message line numbers.
 */
export const parseRegistrationBody = (body: string, opts: RegistrationOptions, lineOffset = 0): ParsedRegistration => {
  const fields: Partial<RegistrationFields> = {};
  const { errors, failed, keywordLines } = parseKeywordForm<Slot>(body, lineOffset, {
    keywords: REGISTRATION_KEYWORDS,
    apply: (slot, value) => applyValue(fields, slot, value, opts),
    clear: (slot) => {
      for (const f of SLOT_FIELDS[slot]) delete fields[f];
    },
    continueSubject: (line) => {
      if (fields.subject === undefined) return false;
      fields.subject = `${fields.subject} ${line}`;
      return true;
    },
    subjectSlot: "subject",
  });
  // A trích yếu that grew too long over continuation lines.
  if (fields.subject !== undefined && fields.subject.length > REGISTRATION_MAX_LENGTH.subject) {
    errors.push({ line: lineOffset + 1, messageKey: "grammar.tooLong", value: `${fields.subject.slice(0, 40)}…` });
    delete fields.subject;
    failed.add("subject");
  }

  const defaultsApplied: RegistrationField[] = [];
  if (opts.applyDefaults ?? true) {
    // A value that was given but not understood is reported, not silently replaced by a default.
    const fill = <K extends RegistrationField>(field: K, slot: Slot, value: RegistrationFields[K]): void => {
      if (fields[field] === undefined && !failed.has(slot)) {
        fields[field] = value;
        defaultsApplied.push(field);
      }
    };
    fill("issuedDate", "issuedDate", { ...opts.today });
    fill("docType", "docType", OFFICIAL_LETTER);
    fill("urgency", "urgency", "NORMAL");
    fill("secrecy", "secrecy", "NONE");
  }
  const missing = REQUIRED_REGISTRATION_FIELDS.filter((f) => fields[f] === undefined);
  return { fields, missing, defaultsApplied, errors, keywordLines };
};

/**
 * Parses a /dangky message, or a file caption of keyword lines (with or without the command).
 *
 * @example
 * parseRegistration("/dangky\nsố: 45/STC-NS\ncơ quan: Sở Tài chính\ntrích yếu: V/v dự toán", { today })
 * // fields: { codeNumber: "45", codeNotation: "STC-NS", issuer: "Sở Tài chính", subject: "V/v dự toán",
 * //           issuedDate: today, docType: "Công văn", urgency: "NORMAL", secrecy: "NONE" }, missing: []
 */
export const parseRegistration = (text: string, opts: RegistrationOptions): ParsedRegistration => {
  const { body } = bodyAfterCommand(text, "register");
  return parseRegistrationBody(body, opts, lineOffsetOf(text, body));
};
