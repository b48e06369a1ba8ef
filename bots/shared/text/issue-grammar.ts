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
import { bodyAfterCommand } from "./command-words.ts";
import type { DateContext } from "./dates.ts";
import { normalizeDocType, OFFICIAL_LETTER } from "./doc-types.ts";
import {
  CODE_PATTERN,
  lineOffsetOf,
  parseKeywordForm,
  parseSecrecy,
  parseUrgency,
  parseYesNo,
  stripAnnotation,
} from "./values.ts";
import type { GrammarError, GrammarErrorKey, Secrecy, Urgency } from "./values.ts";

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

export type ParsedIssue = {
  fields: Partial<IssueFields>;
  /** Required and not given: subject, signerName, signerTitle, recipients; draftingUnit for a công văn. */
  missing: IssueField[];
  /** Defaults used: docType, urgency, secrecy, requiresRedSeal, draftingUnit (from the options). */
  defaultsApplied: IssueField[];
  errors: GrammarError[];
  keywordLines: number;
};

export type IssueOptions = DateContext & {
  /** The drafting unit to assume when none is given (usually the clerk's unit). */
  defaultDraftingUnit?: string;
  /** @defaultValue true */
  applyDefaults?: boolean;
};

type Slot = "docType" | "draftingUnit" | "subject" | "signer" | "recipients" | "urgency" | "secrecy" | "redSeal" | "normative";

/** Keywords (folded) → what they set. */
export const ISSUE_KEYWORDS: Readonly<Record<string, Slot>> = {
  loai: "docType",
  "loai van ban": "docType",
  type: "docType",
  "don vi soan": "draftingUnit",
  "don vi soan thao": "draftingUnit",
  "don vi": "draftingUnit",
  "drafting unit": "draftingUnit",
  unit: "draftingUnit",
  "trich yeu": "subject",
  subject: "subject",
  "nguoi ky": "signer",
  signer: "signer",
  "signed by": "signer",
  "noi nhan": "recipients",
  recipients: "recipients",
  to: "recipients",
  "do khan": "urgency",
  "muc do khan": "urgency",
  urgency: "urgency",
  "do mat": "secrecy",
  "muc do mat": "secrecy",
  secrecy: "secrecy",
  "dau do": "redSeal",
  "dong dau do": "redSeal",
  "red seal": "redSeal",
  "quy pham": "normative",
  "quy pham phap luat": "normative",
  "van ban quy pham": "normative",
  "van ban quy pham phap luat": "normative",
  qppl: "normative",
  normative: "normative",
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

const SLOT_FIELDS: Record<Slot, (keyof IssueFields)[]> = {
  docType: ["docType"],
  draftingUnit: ["draftingUnit"],
  subject: ["subject"],
  signer: ["signerName", "signerTitle"],
  recipients: ["internalRecipients", "externalRecipients"],
  urgency: ["urgency"],
  secrecy: ["secrecy"],
  redSeal: ["requiresRedSeal"],
  normative: ["normative"],
};

const applyValue = (fields: Partial<IssueFields>, slot: Slot, value: string): GrammarErrorKey | null => {
  if (value.trim() === "") return "grammar.emptyValue";
  switch (slot) {
    case "docType": {
      const t = normalizeDocType(stripAnnotation(value));
      if (!t) return "grammar.unknownDocType";
      fields.docType = t;
      return null;
    }
    case "draftingUnit": {
      const code = stripAnnotation(value);
      if (!CODE_PATTERN.test(code)) return "grammar.badUnitCode";
      fields.draftingUnit = code;
      return null;
    }
    case "subject":
      fields.subject = value.trim();
      return null;
    case "signer": {
      const s = parseSigner(value);
      if (s.name === "") return "grammar.badSigner";
      fields.signerName = s.name;
      if (s.title !== undefined) fields.signerTitle = s.title;
      else delete fields.signerTitle;
      return null;
    }
    case "recipients": {
      // Several "nơi nhận" lines add up.
      const r = parseRecipients(value);
      const internal = [...(fields.internalRecipients ?? [])];
      for (const c of r.internal) if (!internal.some((x) => x.toUpperCase() === c.toUpperCase())) internal.push(c);
      fields.internalRecipients = internal;
      fields.externalRecipients = [...(fields.externalRecipients ?? []), ...r.external];
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
    case "redSeal": {
      const b = parseYesNo(value);
      if (b === null) return "grammar.badYesNo";
      fields.requiresRedSeal = b;
      return null;
    }
    case "normative": {
      // "không (có: văn bản quy phạm pháp luật)", as the /phathanh hint shows it, reads as its first word.
      const b = parseYesNo(value.replace(/\(.*\)\s*$/s, "").trim());
      if (b === null) return "grammar.badYesNo";
      fields.normative = b;
      return null;
    }
  }
};

/** Parses the answer to a question about one field of the record ("nơi nhận?" → "TCKH, TP"). */
export const parseIssueAnswer = (
  field: IssueField,
  typed: string,
): { fields: Partial<IssueFields> } | { error: GrammarErrorKey } => {
  const slot: Slot =
    field === "signerName" || field === "signerTitle"
      ? "signer"
      : field === "internalRecipients" || field === "externalRecipients"
        ? "recipients"
        : field === "requiresRedSeal"
          ? "redSeal"
          : field;
  const fields: Partial<IssueFields> = {};
  const error = applyValue(fields, slot, typed);
  return error ? { error } : { fields };
};

/** Parses the lines after the /phathanh command word; `lineOffset` as in the other grammars. */
export const parseIssueBody = (body: string, opts: IssueOptions, lineOffset = 0): ParsedIssue => {
  const fields: Partial<IssueFields> = {};
  const { errors, failed, keywordLines } = parseKeywordForm<Slot>(body, lineOffset, {
    keywords: ISSUE_KEYWORDS,
    apply: (slot, value) => applyValue(fields, slot, value),
    clear: (slot) => {
      for (const f of SLOT_FIELDS[slot]) delete fields[f];
    },
    continueSubject: (line) => {
      if (fields.subject === undefined) return false;
      fields.subject = `${fields.subject} ${line}`;
      return true;
    },
    subjectSlot: "subject",
    // Several "nơi nhận" lines add up.
    repeatable: ["recipients"],
  });

  const defaultsApplied: IssueField[] = [];
  if (opts.applyDefaults ?? true) {
    const fill = <K extends keyof IssueFields>(field: K, slot: Slot, value: IssueFields[K]): void => {
      if (fields[field] === undefined && !failed.has(slot)) {
        fields[field] = value;
        defaultsApplied.push(field);
      }
    };
    fill("docType", "docType", OFFICIAL_LETTER);
    fill("urgency", "urgency", "NORMAL");
    fill("secrecy", "secrecy", "NONE");
    fill("requiresRedSeal", "redSeal", false);
    if (opts.defaultDraftingUnit !== undefined) fill("draftingUnit", "draftingUnit", opts.defaultDraftingUnit);
  }

  const missing: IssueField[] = [];
  if (fields.subject === undefined) missing.push("subject");
  if (fields.signerName === undefined) missing.push("signerName");
  if (fields.signerTitle === undefined) missing.push("signerTitle");
  if ((fields.internalRecipients?.length ?? 0) + (fields.externalRecipients?.length ?? 0) === 0) missing.push("recipients");
  // A công văn's ký hiệu is number/ORG-UNIT: it needs the drafting unit. Named types do not.
  if (fields.draftingUnit === undefined && (fields.docType === undefined || fields.docType === OFFICIAL_LETTER)) {
    missing.push("draftingUnit");
  }
  return { fields, missing, defaultsApplied, errors, keywordLines };
};

/**
 * Parses a /phathanh message or a file caption of keyword lines.
 *
 * @example parseIssue("/phathanh\nloại: Quyết định\ntrích yếu: …\nngười ký: Nguyễn Văn An, Chủ tịch\nnơi nhận: TCKH", { today })
 */
export const parseIssue = (text: string, opts: IssueOptions): ParsedIssue => {
  const { body } = bodyAfterCommand(text, "issue");
  return parseIssueBody(body, opts, lineOffsetOf(text, body));
};
