// The single entry of the intake: what a clerk uploaded (one PDF, or photos of the pages) → one validated
// PDF with its page count, or a typed refusal. Nothing is stored here; the caller stores the result
// (e.g. `fileStore.put(result.pdf)`) only after this returned.
import { DomainError } from "../errors.ts";
import { sniffFileType } from "../files/sniff-file-type.ts";
import type { PhotosToPdfOptions } from "./photos-to-pdf.ts";
import { resolveLimits, validateUpload, validatePdf } from "./validate-upload.ts";
import type { IntakeOptions, UploadPart, ValidatedImage } from "./validate-upload.ts";

/** A validated incoming PDF, ready to be stored and stamped. */
export type PreparedIncoming = {
  /** The PDF to keep as the original: the uploaded PDF byte for byte (unless decrypted), or the assembled photos. */
  pdf: Uint8Array;
  pageCount: number;
  /** Where the PDF came from. */
  source: "pdf" | "photos";
  /** Owner-only encryption was removed with qpdf (the PDF is then no longer the uploaded bytes). */
  wasDecrypted: boolean;
  /** The PDF contains JavaScript: kept in `pdf`, removed from the stamped copy. */
  hasJavaScript: boolean;
};

/** Options of `prepareIncoming`. */
export type PrepareIncomingOptions = IntakeOptions & { photos?: Omit<PhotosToPdfOptions, "maxImagePixels"> };

/**
 * Validates the uploaded parts and returns one PDF:
 * - one PDF → that PDF, after validation;
 * - one or more photos (JPEG/PNG, in the order sent) → one A4 page per photo.
 * Several PDFs, or a PDF with photos, are refused (INTAKE_MIXED_PARTS): merging would rewrite the PDF and
 * break its signature, and it is rarely what the clerk meant. Throws the refusals of `validateUpload`,
 * plus INTAKE_NO_PARTS and INTAKE_TOO_MANY_PHOTOS.
 *
 * @example
 * const incoming = await prepareIncoming([{ bytes, fileName: "congvan.pdf" }]);
 * const { sha256 } = await fileStore.put(incoming.pdf);
 */
export const prepareIncoming = async (parts: readonly UploadPart[], options: PrepareIncomingOptions = {}): Promise<PreparedIncoming> => {
  const limits = resolveLimits(options);
  if (parts.length === 0) throw new DomainError("INTAKE_NO_PARTS", "intake.noParts");
  if (parts.length > limits.maxPhotos) {
    throw new DomainError("INTAKE_TOO_MANY_PHOTOS", "intake.tooManyPhotos", { count: parts.length, max: limits.maxPhotos });
  }
  // A PDF among several parts is refused from the magic bytes alone, before parsing or decrypting anything.
  if (parts.length > 1 && parts.some((p) => p.bytes.byteLength > 0 && sniffFileType(p.bytes) === "pdf")) {
    throw new DomainError("INTAKE_MIXED_PARTS", "intake.mixedParts", { count: parts.length });
  }
  // Validate everything before any decoding or assembling, so a bad part fails fast and cheaply.
  const validated = [];
  for (const part of parts) validated.push(await validateUpload(part, options));

  const pdfs = validated.filter((v) => v.kind === "pdf");
  if (pdfs.length > 0) {
    if (validated.length > 1) throw new DomainError("INTAKE_MIXED_PARTS", "intake.mixedParts", { count: validated.length });
    const pdf = pdfs[0]!;
    return { pdf: pdf.bytes, pageCount: pdf.pageCount, source: "pdf", wasDecrypted: pdf.wasDecrypted, hasJavaScript: pdf.hasJavaScript };
  }

  const photos = validated as ValidatedImage[];
  if (photos.length > limits.maxPdfPages) {
    throw new DomainError("PDF_TOO_MANY_PAGES", "intake.pdfTooManyPages", { pages: photos.length, max: limits.maxPdfPages });
  }
  // pdf-lib (./photos-to-pdf.ts) is loaded by the first photos assembled, not when the service starts.
  const { photosToPdf } = await import("./photos-to-pdf.ts");
  const assembled = await photosToPdf(photos, { ...options.photos, maxImagePixels: limits.maxImagePixels });
  // The assembled PDF goes through the same checks as an uploaded one (size limit included).
  const checked = await validatePdf(assembled, options);
  return { pdf: checked.bytes, pageCount: checked.pageCount, source: "photos", wasDecrypted: false, hasJavaScript: false };
};
