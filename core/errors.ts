// Typed errors for expected failures. `throw new Error(...)` is reserved for bugs.
import type { MessageKey } from "./messages/index.ts";
import type { MessageParams } from "./messages/types.ts";

/**
 * Every stable error code a use case may refuse with (programs, the audit log and tests read these;
 * the strings never change). A new code is added here, in alphabetical order.
 */
export const ERROR_CODES = [
  "ACTOR_UNKNOWN",
  "AGENCY_CERTIFICATE_INVALID",
  "ARCHIVE_ORGAN_ID_MISSING",
  "ARCHIVE_TARGET_EXISTS",
  "ASSIGNMENT_ALREADY_ACKNOWLEDGED",
  "ASSIGNMENT_ALREADY_COMPLETED",
  "ASSIGNMENT_CANCELLED",
  "ASSIGNMENT_CONFLICT",
  "ASSIGNMENT_INFO_ONLY",
  "ASSIGNMENT_NOT_FOUND",
  "ASSIGNMENT_RETURNED",
  "CALENDAR_FILE_INVALID",
  "CASE_FILE_CLOSED",
  "CASE_FILE_EMPTY",
  "CASE_FILE_EXISTS",
  "CASE_FILE_HAS_DOCUMENT",
  "CASE_FILE_NOT_CLOSED",
  "CASE_FILE_NOT_FOUND",
  "COORDINATE_DUE_AFTER_MAIN",
  "DATE_INVALID",
  "DEADLINE_IN_PAST",
  "DEADLINE_NOT_WORKING_DAY",
  "DELEGATE_DUE_AFTER_PARENT",
  "DELEGATION_EXISTS",
  "DIRECTIVE_CHANGED",
  "DIRECTIVE_LEADER_UNKNOWN",
  "DIRECTIVE_NEEDS_LEADER",
  "DIRECTIVE_NO_DUE",
  "DIRECTIVE_TEXT_EMPTY",
  "DOCUMENT_CLOSED",
  "DOCUMENT_NOT_FOUND",
  "DOCUMENT_NOT_SECRET",
  "DOCUMENT_SECRET",
  "DOCUMENT_TEXT_SECRET",
  "EXTENSION_ALREADY_DECIDED",
  "EXTENSION_CLOSED",
  "EXTENSION_NOT_FOUND",
  "EXTENSION_NOT_LATER",
  "EXTENSION_NO_DEADLINE",
  "EXTENSION_PENDING",
  "EXTENSION_REASON_EMPTY",
  "FILE_EMPTY",
  "FILE_LINK_EXPIRED",
  "FILE_LINK_INVALID",
  "FILE_NOT_FOUND",
  "FILE_TOO_LARGE",
  "FILE_TYPE_UNSUPPORTED",
  "FORBIDDEN",
  "IMAGE_CORRUPT",
  "IMAGE_TOO_LARGE",
  "INTAKE_MIXED_PARTS",
  "INTAKE_NO_PARTS",
  "INTAKE_TOO_MANY_PHOTOS",
  "INTERCHANGE_DECIDED",
  "INTERCHANGE_NOT_SENT",
  "INTERCHANGE_RECALLED",
  "LINK_CODE_EXPIRED",
  "LINK_CODE_INVALID",
  "LINK_LOCKED",
  "NOT_FOUND",
  "OCR_ABORTED",
  "OCR_ENGINE_FAILED",
  "OCR_NO_PAGE",
  "OCR_NO_RENDERER",
  "OCR_TIMEOUT",
  "OCR_UNREADABLE",
  "OFFICER_NOT_IN_UNIT",
  "ORG_AMBIGUOUS",
  "ORG_FILE_INVALID",
  "ORG_NOT_FOUND",
  "OUTGOING_ALREADY_ACKNOWLEDGED",
  "OUTGOING_FILE_REQUIRED",
  "OUTGOING_NOT_FOUND",
  "OUTGOING_NOT_NORMATIVE",
  "OUTGOING_NO_RECIPIENTS",
  "OUTGOING_RECIPIENT_NOT_FOUND",
  "OUTGOING_UNKNOWN_DOC_TYPE",
  "PDF_CORRUPT",
  "PDF_EMPTY",
  "PDF_ENCRYPTED",
  "PDF_TOO_MANY_PAGES",
  "POLICY_INVALID",
  "REASON_REQUIRED",
  "REPORT_TEXT_EMPTY",
  "REQUESTED_DEADLINE_PASSED",
  "RETURN_REASON_EMPTY",
  "SEARCH_QUERY_EMPTY",
  "SECRET_FILE_REFUSED",
  "TIME_ZONE_INVALID",
  "UNIT_INACTIVE",
  "UNIT_NOT_FOUND",
  "UNIT_TWICE",
  "UNIT_UNKNOWN",
  "USER_INACTIVE",
  "USER_NOT_FOUND",
  "VALIDATION",
  "WORKING_HOURS_INVALID",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An expected failure of a use case: a stable `code` for programs and a `messageKey` of the
 * message catalog for people. Adapters render `messageKey` with `params`; nothing else.
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly messageKey: MessageKey;
  readonly params: MessageParams;

  constructor(code: ErrorCode, messageKey: MessageKey, params: MessageParams = {}, options?: { cause?: unknown }) {
    super(`${code}: ${messageKey}`, options);
    this.name = "DomainError";
    this.code = code;
    this.messageKey = messageKey;
    this.params = params;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;
