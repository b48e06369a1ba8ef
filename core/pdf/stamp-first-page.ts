// Drawing a stamp on page 1, the cheap way when possible: an incremental update appends a few
// kilobytes to the untouched original (./incremental/overlay-first-page.ts); a file that update cannot
// take (encrypted, JavaScript or XFA to strip, a structure the small reader does not follow) is
// loaded whole and rewritten with pdf-lib, inside the process-wide large-file gate.
import { readFile, stat } from "node:fs/promises";
import type { PDFDocument, PDFPage } from "pdf-lib";
import { largeFileGate } from "../files/large-file-gate.ts";
import { appendFirstPageOverlay, NeedsFullRewrite } from "./incremental/overlay-first-page.ts";
import { bytesSource, fileSource } from "./incremental/pdf-file.ts";
import { openForStamp } from "./stamp-page.ts";

/** The original: bytes in memory, or a file (read by offset, never whole, on the incremental path). */
export type StampSource = { bytes: Uint8Array } | { path: string };

/**
 * The stamped copy: the original followed by `appended` (an incremental update), or `rewritten` whole
 * (scripts removed, see javascript.ts).
 */
export type StampedResult = { appended: Uint8Array; reason?: never } | { rewritten: Uint8Array; reason: string };

/** Draws on a page of `doc`: a blank page shaped like page 1 (incremental), or page 1 itself. */
export type DrawStamp = (page: PDFPage, doc: PDFDocument) => void | Promise<void>;

/**
 * Stamps page 1 of `source` with `draw`. Throws `DomainError("PDF_CORRUPT" | "PDF_ENCRYPTED" |
 * "PDF_EMPTY")` for input that intake validation would refuse (from the full rewrite's load).
 */
export const stampFirstPage = async (source: StampSource, draw: DrawStamp): Promise<StampedResult> => {
  const reader = "path" in source ? await fileSource(source.path) : bytesSource(source.bytes);
  let reason: string;
  try {
    return { appended: await appendFirstPageOverlay(reader, draw) };
  } catch (err) {
    if (!(err instanceof NeedsFullRewrite)) throw err;
    reason = err.message;
  } finally {
    await reader.close();
  }
  const size = "path" in source ? (await stat(source.path)).size : source.bytes.byteLength;
  return largeFileGate.run(size, async () => {
    const { doc, first } = await openForStamp("path" in source ? new Uint8Array(await readFile(source.path)) : source.bytes);
    await draw(first, doc);
    return { rewritten: await doc.save({ addDefaultPage: false }), reason };
  });
};

/** The stamped copy as one byte array (for callers that hold the original in memory anyway). */
export const stampedBytes = (original: Uint8Array, result: StampedResult): Uint8Array => {
  if ("rewritten" in result) return result.rewritten;
  const out = new Uint8Array(original.byteLength + result.appended.byteLength);
  out.set(original, 0);
  out.set(result.appended, original.byteLength);
  return out;
};
