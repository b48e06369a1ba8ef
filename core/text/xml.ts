// Text inside XML we write (the archive package's metadata, edXML packages and statuses).

// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for an element or a double-quoted attribute; characters XML 1.0 cannot carry at all
 * (most control characters, lone surrogates) are dropped.
 */
export const escapeXml = (text: string): string =>
  text
    .replace(NOT_XML_CHAR, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    // A CR would be read back as LF: keep it as a character reference.
    .replace(/\r/g, "&#13;");
