// The one error type of reading a document (OCR or its text layer): a DomainError whose message key
// tells the clerk what happened and that the manual form still works.
import { DomainError } from "../errors.ts";
import type { MessageKey } from "../messages/index.ts";

/** Why a page could not be read. The message key explains it to the clerk in the catalog. */
export type OcrErrorCode = "OCR_TIMEOUT" | "OCR_ABORTED" | "OCR_NO_RENDERER" | "OCR_UNREADABLE" | "OCR_NO_PAGE" | "OCR_ENGINE_FAILED";

export class OcrError extends DomainError {
  constructor(code: OcrErrorCode, messageKey: MessageKey, params: Record<string, string | number> = {}, options?: { cause?: unknown }) {
    super(code, messageKey, params, options);
    this.name = "OcrError";
  }
}
