// The /phathanh grammar (DESIGN.md "Issuing an outgoing document by text"):
//
//   /phathanh
//   loại: Công văn                  → docType, canonical name (default Công văn)
//   đơn vị soạn: VP                 → draftingUnit, a unit code (needed for a công văn's ký hiệu)
//   trích yếu: V/v …                → subject, verbatim
//   người ký: Nguyễn Văn An, Chủ tịch → signerName "Nguyễn Văn An", signerTitle "Chủ tịch"
//   nơi nhận: TCKH, TP, NB; Bộ Nội vụ
//                                   → internal unit codes before the first ";", external names after
//   độ khẩn: thường | độ mật: không → urgency, secrecy (defaults NORMAL, NONE)
//   dấu đỏ: không                   → requiresRedSeal (có → paper; default không)
//   quy phạm: có                    → normative: a legal normative document (văn bản QPPL), numbered
//                                     in its own series per type and year (15/2026/QĐ-UBND); default không
import { defineKeywordGrammar } from "../forms/keyword-grammar.ts";
import type { Answer, ParsedForm, ParseOptions } from "../forms/keyword-grammar.ts";
import { readWith, secrecyLine, subjectLine, urgencyLine } from "../forms/lines.ts";
import type { DateContext } from "./dates.ts";
import { normalizeDocType, OFFICIAL_LETTER } from "./doc-types.ts";
import { CODE_PATTERN, parseYesNo, stripAnnotation } from "./values.ts";
import type { Secrecy, Urgency } from "./values.ts";

/** The record of an outgoing document as given by text. */
export type IssueFields = {
  /** Canonical type name. */
  docType: string;
  /** The drafting unit's code, as typed. */
  draftingUnit: string;
  /** Trích yếu, verbatim. */
  subject: string;
  /** Người ký: full name, verbatim. */
  signerName: string;
  /** Người ký: title with any authority marker ("KT. Chủ tịch, Phó Chủ tịch"), verbatim. */
  signerTitle: string;
  /** Nơi nhận inside the organisation: unit codes as typed. */
  internalRecipients: string[];
  /** Nơi nhận outside: agency names, verbatim. */
  externalRecipients: string[];
  urgency: Urgency;
  secrecy: Secrecy;
  /** Dấu đỏ: must carry the red seal, so it goes on paper. */
  requiresRedSeal: boolean;
  /** Quy phạm: a legal normative document, numbered in its own series per type and year. */
  normative: boolean;
};

/** A field that can be missing; "recipients" stands for both recipient lists. */
export type IssueField = keyof IssueFields | "recipients";

/**
 * The result of parsing a /phathanh message. Required: subject, signerName, signerTitle, recipients;
 * draftingUnit for a công văn. Defaults: docType, urgency, secrecy, requiresRedSeal, draftingUnit (from the options).
 */
export type ParsedIssue = ParsedForm<IssueFields, IssueField>;

export type IssueOptions = DateContext &
  ParseOptions & {
    /** The drafting unit to assume when none is given (usually the clerk's unit). */
    defaultDraftingUnit?: string;
  };

/** "Nguyễn Văn An, Chủ tịch" → name and title, split at the first comma; the title may be absent. */
export const parseSigner = (typed: string): { name: string; title?: string } => {
  const v = typed.trim();
  const comma = v.indexOf(",");
  if (comma < 0) return { name: v };
  const title = v.slice(comma + 1).trim();
  const name = v.slice(0, comma).trim();
  return title === "" ? { name } : { name, title };
};

const UPPER_CODE = /^[A-Z0-9][A-Z0-9._\-]*$/;

/**
 * Splits nơi nhận into unit codes (before the first ";") and external agencies (after it, one per
 * ";"). Before the ";", comma-separated pieces that are codes are internal ("TCKH", or "TCKH TP NB"
 * when every word is an upper-case code); any other piece there (a name) counts as external, so
 * "TCKH, Sở Nội vụ" still works. Codes are deduplicated case-insensitively and kept as typed.
 */
export const parseRecipients = (typed: string): { internal: string[]; external: string[] } => {
  const [head = "", ...tail] = stripAnnotation(typed).split(";");
  const internal: string[] = [];
  const external: string[] = [];
  const addInternal = (c: string): void => {
    if (!internal.some((x) => x.toUpperCase() === c.toUpperCase())) internal.push(c);
  };
  for (const raw of head.split(",")) {
    const piece = raw.trim().replace(/\.$/, "");
    if (piece === "") continue;
    const words = piece.split(/\s+/);
    if (words.length === 1 && CODE_PATTERN.test(piece)) addInternal(piece);
    else if (words.length > 1 && words.every((w) => UPPER_CODE.test(w))) words.forEach(addInternal);
    else external.push(raw.trim());
  }
  for (const raw of tail) {
    const name = raw.trim();
    if (name !== "") external.push(name);
  }
  return { internal, external };
};

type Fields = IssueFields;

/** The /phathanh lines (keywords folded; English keywords are accepted as well). */
export const ISSUE_GRAMMAR = defineKeywordGrammar<Fields, IssueField, "docType" | "urgency" | "secrecy" | "requiresRedSeal", Partial<IssueOptions>>({
  command: "issue",
  lines: {
    docType: {
      keywords: ["loai", "loai van ban", "type"],
      sets: ["docType"],
      read: readWith<Fields, "docType">("docType", (v) => normalizeDocType(stripAnnotation(v)), "grammar.unknownDocType"),
    },
    draftingUnit: {
      keywords: ["don vi soan", "don vi soan thao", "don vi", "drafting unit", "unit"],
      sets: ["draftingUnit"],
      read: readWith<Fields, "draftingUnit">("draftingUnit", (v) => (CODE_PATTERN.test(stripAnnotation(v)) ? stripAnnotation(v) : null), "grammar.badUnitCode"),
    },
    subject: subjectLine<Fields>(),
    signer: {
      keywords: ["nguoi ky", "signer", "signed by"],
      sets: ["signerName", "signerTitle"],
      read: (value, fields) => {
        const s = parseSigner(value);
        if (s.name === "") return "grammar.badSigner";
        fields.signerName = s.name;
        if (s.title !== undefined) fields.signerTitle = s.title;
        else delete fields.signerTitle;
        return null;
      },
    },
    recipients: {
      keywords: ["noi nhan", "recipients", "to"],
      sets: ["internalRecipients", "externalRecipients"],
      // Several "nơi nhận" lines add up.
      repeatable: true,
      read: (value, fields) => {
        const r = parseRecipients(value);
        const internal = [...(fields.internalRecipients ?? [])];
        for (const c of r.internal) if (!internal.some((x) => x.toUpperCase() === c.toUpperCase())) internal.push(c);
        fields.internalRecipients = internal;
        fields.externalRecipients = [...(fields.externalRecipients ?? []), ...r.external];
        return null;
      },
    },
    urgency: urgencyLine<Fields>(),
    secrecy: secrecyLine<Fields>(),
    redSeal: {
      keywords: ["dau do", "dong dau do", "red seal"],
      sets: ["requiresRedSeal"],
      read: readWith<Fields, "requiresRedSeal">("requiresRedSeal", parseYesNo, "grammar.badYesNo"),
    },
    normative: {
      keywords: ["quy pham", "quy pham phap luat", "van ban quy pham", "van ban quy pham phap luat", "qppl", "normative"],
      sets: ["normative"],
      // "không (có: văn bản quy phạm pháp luật)", as the /phathanh hint shows it, reads as its first word.
      read: readWith<Fields, "normative">("normative", (v) => parseYesNo(v.replace(/\(.*\)\s*$/s, "").trim()), "grammar.badYesNo"),
    },
  },
  missing: (f) => {
    const missing: IssueField[] = [];
    if (f.subject === undefined) missing.push("subject");
    if (f.signerName === undefined) missing.push("signerName");
    if (f.signerTitle === undefined) missing.push("signerTitle");
    if ((f.internalRecipients?.length ?? 0) + (f.externalRecipients?.length ?? 0) === 0) missing.push("recipients");
    // A công văn's ký hiệu is number/ORG-UNIT: it needs the drafting unit. Named types do not.
    if (f.draftingUnit === undefined && (f.docType ?? OFFICIAL_LETTER) === OFFICIAL_LETTER) missing.push("draftingUnit");
    return missing;
  },
  defaults: (opts) => ({
    docType: OFFICIAL_LETTER,
    urgency: "NORMAL",
    secrecy: "NONE",
    requiresRedSeal: false,
    ...(opts.defaultDraftingUnit !== undefined ? { draftingUnit: opts.defaultDraftingUnit } : {}),
  }),
  answers: {
    // The answer to "chức vụ?" is the title itself ("Name, Title" gives both).
    signerTitle: (typed, _ctx, byLine) => {
      const answer = byLine(typed);
      return "fields" in answer && answer.fields.signerTitle === undefined ? { fields: { signerTitle: typed.trim() } } : answer;
    },
  },
});

/** Keywords (folded) → the line they start. */
export const ISSUE_KEYWORDS = ISSUE_GRAMMAR.keywords;

/** Parses the answer to a question about one field of the record ("nơi nhận?" → "TCKH, TP"). */
export const parseIssueAnswer = (field: IssueField, typed: string): Answer<IssueFields> => ISSUE_GRAMMAR.answer(field, typed, {});

/** Parses the lines after the /phathanh command word; `lineOffset` as in the other grammars. */
export const parseIssueBody = (body: string, opts: IssueOptions, lineOffset = 0): ParsedIssue => ISSUE_GRAMMAR.parseBody(body, opts, lineOffset);

/**
 * Parses a /phathanh message or a file caption of keyword lines.
 *
 * @example parseIssue("/phathanh\nloại: Quyết định\ntrích yếu: …\nngười ký: Nguyễn Văn An, Chủ tịch\nnơi nhận: TCKH", { today })
 */
export const parseIssue = (text: string, opts: IssueOptions): ParsedIssue => ISSUE_GRAMMAR.parse(text, opts);
