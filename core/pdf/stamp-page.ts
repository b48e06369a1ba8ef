// What every stamp on page 1 needs: the document loaded from a copy of the bytes (refusing what
// intake would refuse), scripts removed from the copy, and the page's frame as it is displayed.
import { PDFDocument, type PDFPage } from "pdf-lib";
import { DomainError } from "../errors.ts";
import { stripJavaScript } from "./javascript.ts";

export type Matrix = [number, number, number, number, number, number];

/**
 * The page's visible frame (crop box, turned by /Rotate) and the matrix from that upright frame to the
 * page's user space, so a stamp is drawn upright at the top right as the page is displayed.
 */
export const visibleFrame = (page: PDFPage): { width: number; height: number; matrix: Matrix } => {
  const { x, y, width: w, height: h } = page.getCropBox();
  const rotation = ((page.getRotation().angle % 360) + 360) % 360;
  switch (rotation) {
    case 90:
      return { width: h, height: w, matrix: [0, 1, -1, 0, x + w, y] };
    case 180:
      return { width: w, height: h, matrix: [-1, 0, 0, -1, x + w, y + h] };
    case 270:
      return { width: h, height: w, matrix: [0, -1, 1, 0, x, y + h] };
    default:
      return { width: w, height: h, matrix: [1, 0, 0, 1, x, y] };
  }
};

/**
 * Loads a copy of `pdf` (the caller's bytes are never written). Throws `DomainError("PDF_CORRUPT" |
 * "PDF_ENCRYPTED")` for a PDF that cannot be read.
 */
export const loadCopy = async (pdf: Uint8Array): Promise<PDFDocument> => {
  try {
    return await PDFDocument.load(pdf.slice(), { updateMetadata: false });
  } catch (err) {
    const isEncrypted = err instanceof Error && /is encrypted/i.test(err.message);
    throw isEncrypted ? new DomainError("PDF_ENCRYPTED", "intake.pdfEncrypted", {}, { cause: err }) : new DomainError("PDF_CORRUPT", "intake.pdfCorrupt", {}, { cause: err });
  }
};

/**
 * Loads `pdf` for stamping (a copy: the caller's bytes are never written) and returns it with its
 * first page; JavaScript is removed from the copy. Throws `DomainError("PDF_CORRUPT" |
 * "PDF_ENCRYPTED" | "PDF_EMPTY")` for input that intake validation would refuse.
 */
export const openForStamp = async (pdf: Uint8Array): Promise<{ doc: PDFDocument; first: PDFPage }> => {
  const doc = await loadCopy(pdf);
  const first = doc.getPages()[0];
  if (!first) throw new DomainError("PDF_EMPTY", "intake.pdfEmpty");
  stripJavaScript(doc);
  return { doc, first };
};
