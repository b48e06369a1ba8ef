// The text read from a document's file (its PDF text layer, OCR, an interchange package's PDF), as it
// is kept for search: tidied, capped, and folded without moving a character.
import { foldSameLength } from "./fold.ts";

/** The text kept for one document is cut at this many UTF-8 bytes. */
export const MAX_DOCUMENT_TEXT_BYTES = 200_000;

/** NFC, "\n" line ends (form feeds too), no trailing spaces, at most one blank line in a row. */
export const tidyDocumentText = (text: string): string =>
  text
    .normalize("NFC")
    .replace(/\r\n?|\f/g, "\n")
    .split("\n")
    .map((l) => l.replace(/\s+$/u, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();

/** `text` cut to at most `maxBytes` bytes of UTF-8, at a character boundary. */
export const capUtf8 = (text: string, maxBytes: number): string => {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  return bytes
    .subarray(0, maxBytes)
    .toString("utf8")
    .replace(/\uFFFD$/u, "");
};

/**
 * Lower case, no diacritics, đ → d, character for character: the folded copy has exactly the
 * characters of `text` (same positions, same lines, whitespace kept), so a match found in it points
 * at the same place of the original. Words of a query folded with `foldVietnamese` match it.
 */
export const foldDocumentText = (text: string): string => foldSameLength(text);
