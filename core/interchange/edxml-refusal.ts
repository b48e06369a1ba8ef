// Turns an EdxmlError into the catalog message that explains it (to our office, and as the reason of the
// status 02 sent back to the sender).
import type { MessageKey, MessageParams } from "../messages/index.ts";
import type { EdxmlError, EdxmlErrorCode } from "./edxml-error.ts";

const isMissing = (code: EdxmlErrorCode): code is `missing:${string}` => code.startsWith("missing:");

/**
 * The message key and parameters for a refused package. `element` is the element path as the standard
 * names it (e.g. `From/OrganId`), which the sender's system administrator can look up.
 *
 * @example
 * const { key, params } = edxmlRefusalMessage(err);
 * const reason = t("vi", key, params); // "Gói tin thiếu thành phần bắt buộc: From/OrganId."
 */
export const edxmlRefusalMessage = (err: EdxmlError): { key: MessageKey; params: MessageParams } => {
  const { code } = err;
  const element = (err.field ?? (isMissing(code) ? code.slice("missing:".length) : "")).replace(/\./g, "/");
  const key: MessageKey = isMissing(code) ? "interchange.refused.missing" : `interchange.refused.${code}`;
  return { key, params: { element } };
};
