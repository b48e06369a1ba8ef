// Turns an EdxmlError into the catalog message that explains it (to our office, and as the reason of the
// status 02 sent back to the sender).
import type { MessageParams } from "../messages/index.ts";
import type { EdxmlError } from "./edxml-error.ts";

/**
 * The message key and parameters for a refused package. `element` is the element path as the standard
 * names it (e.g. `From/OrganId`), which the sender's system administrator can look up.
 *
 * @example
 * const { key, params } = edxmlRefusalMessage(err);
 * const reason = t("vi", key, params); // "Gói tin thiếu thành phần bắt buộc: From/OrganId."
 */
export const edxmlRefusalMessage = (err: EdxmlError): { key: string; params: MessageParams } => {
  const element = (err.field ?? (err.code.startsWith("missing:") ? err.code.slice("missing:".length) : "")).replace(/\./g, "/");
  const key = err.code.startsWith("missing:") ? "interchange.refused.missing" : `interchange.refused.${err.code}`;
  return { key, params: { element } };
};
