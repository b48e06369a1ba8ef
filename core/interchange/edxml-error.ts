// One error for every way a package can be refused. The code is for machines (and picks the catalog
// text the office reads); the message is English, for logs.

/**
 * Why a package or status was refused:
 * - `xml_invalid`: not well-formed XML, not UTF-8, or markup we do not accept where it stands;
 * - `doctype`: a DOCTYPE (refused outright, so no entity is ever expanded);
 * - `namespace`: the root is not in the edXML namespace;
 * - `root`: the root element is not the one expected;
 * - `missing:<Path>`: a required element is absent or empty, e.g. `missing:From.OrganId`;
 * - `duplicate_to`: two `To` with the same OrganId;
 * - `date_invalid`: a date that is not a real dd/MM/yyyy date (`field` says which);
 * - `too_large`: an attachment over the byte limit, too many attachments, or too much metadata;
 * - `attachment_encoding`: an attachment's content is not base64;
 * - `type_mismatch`: an attachment's bytes are not what its ContentType declares.
 */
import type { EdxmlMessageHeader } from "./edxml-types.ts";

export type EdxmlErrorCode =
  "xml_invalid" | "doctype" | "namespace" | "root" | `missing:${string}` | "duplicate_to" | "date_invalid" | "too_large" | "attachment_encoding" | "type_mismatch";

export class EdxmlError extends Error {
  /**
   * The package's MessageHeader, when the refusal came after it was read (e.g. `type_mismatch`): the
   * receiver can then name the sender's document in the status 02 it sends back.
   */
  header?: EdxmlMessageHeader;

  constructor(
    readonly code: EdxmlErrorCode,
    message: string,
    /** The element the error is about, e.g. `PromulgationInfo.PromulgationDate` or `Attachment[2]`. */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EdxmlError";
  }
}
