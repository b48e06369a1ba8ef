// Validation of one uploaded file BEFORE anything is stored. Every refusal is a DomainError whose
// message tells the clerk what to send instead.
//
// Decisions:
// - The type comes from the magic bytes only (file name and MIME hint are ignored for the decision).
// - The size is checked first, before any parsing, so a 60 MB upload costs nothing but its bytes.
// - Images: the pixel count is read from the header (PNG IHDR, JPEG SOFn) without decoding, so a
//   50,000 × 50,000 "image bomb" is refused before sharp allocates anything.
// - Encrypted PDFs: one that needs a password to open is refused. One with an owner password only
//   (opens freely, restricts printing/editing) is decrypted with `qpdf --decrypt` when qpdf is
//   installed, since the agency must be able to stamp and print what it received; without qpdf it is
//   refused with the same message.
// - JavaScript: accepted and flagged (`hasJavaScript`). The original bytes are kept unmodified because
//   rewriting them would break the issuer's digital signature; the stamped copy people open from the
//   chat is produced with the scripts removed (see javascript.ts and stamp-received.ts).
// - pdf-lib (and ./javascript.ts, built on it) is loaded by the first PDF the structure reader cannot
//   follow, not when the service starts: most uploads are read by offset (`inspectPdfStructure`).
import type { PDFDocument } from "pdf-lib";
import { DomainError } from "../errors.ts";
import { readImageHeader, sniffFileType } from "../files/sniff-file-type.ts";
import { bytesSource, PdfFile, type ByteSource } from "./incremental/pdf-file.ts";
import { PdfSyntaxError } from "./incremental/pdf-syntax.ts";
import { decryptOwnerOnly } from "./qpdf.ts";

/** Limits of the intake. Every field can be overridden per call. */
export type IntakeLimits = {
  /** Largest accepted file, in bytes. @defaultValue 50 MiB (Telegram's upload limit for bots) */
  maxBytes: number;
  /** Most pages in one PDF. @defaultValue 300 */
  maxPdfPages: number;
  /** Most pixels (width × height) in one photo, read from the header. @defaultValue 100,000,000 */
  maxImagePixels: number;
  /** Most photos assembled into one document. @defaultValue 100 */
  maxPhotos: number;
};

export const DEFAULT_INTAKE_LIMITS: Readonly<IntakeLimits> = Object.freeze({
  maxBytes: 50 * 1024 * 1024,
  maxPdfPages: 300,
  maxImagePixels: 100_000_000,
  maxPhotos: 100,
});

/** Options of the intake functions. */
export type IntakeOptions = {
  /** Overrides of `DEFAULT_INTAKE_LIMITS`. */
  limits?: Partial<IntakeLimits>;
  /** Remove owner-only encryption with qpdf. @defaultValue true */
  decryptOwnerOnly?: boolean;
  /** Path of the qpdf binary. @defaultValue "qpdf" */
  qpdfPath?: string;
};

/** One uploaded file as a chat adapter received it. */
export type UploadPart = {
  bytes: Uint8Array;
  /** The name the sender gave it; informative only. */
  fileName?: string;
  /** The MIME type the platform reported; informative only. */
  mimeHint?: string;
};

/** A PDF that passed validation. */
export type ValidatedPdf = {
  kind: "pdf";
  /** The bytes to keep: the upload itself, or its decrypted copy when `wasDecrypted`. */
  bytes: Uint8Array;
  pageCount: number;
  /** Owner-only encryption was removed with qpdf. */
  wasDecrypted: boolean;
  /** The PDF contains JavaScript (kept in the original, removed from the stamped copy). */
  hasJavaScript: boolean;
};

/** A photo that passed validation (its pixels are not decoded yet). */
export type ValidatedImage = {
  kind: "jpeg" | "png";
  bytes: Uint8Array;
  width: number;
  height: number;
};

export type ValidatedUpload = ValidatedPdf | ValidatedImage;

export const resolveLimits = (options: IntakeOptions = {}): IntakeLimits => ({ ...DEFAULT_INTAKE_LIMITS, ...options.limits });

const MB = 1024 * 1024;
const toMb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/** Refuses by size: checked first, before anything is parsed. */
export const assertUploadSize = (size: number, limits: IntakeLimits): void => {
  if (size === 0) throw new DomainError("FILE_EMPTY", "intake.fileEmpty");
  if (size > limits.maxBytes) {
    throw new DomainError("FILE_TOO_LARGE", "intake.fileTooLarge", { sizeMb: toMb(size), maxMb: toMb(limits.maxBytes) });
  }
};

/** pdf-lib throws plain Errors; the encrypted case is recognised by its message (STACK.md). */
const isEncryptedError = (err: unknown) => err instanceof Error && /is encrypted/i.test(err.message);

const loadPdf = async (bytes: Uint8Array): Promise<PDFDocument> => {
  const { PDFDocument } = await import("pdf-lib");
  try {
    return await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (err) {
    if (isEncryptedError(err)) throw new DomainError("PDF_ENCRYPTED", "intake.pdfEncrypted", {}, { cause: err });
    throw new DomainError("PDF_CORRUPT", "intake.pdfCorrupt", {}, { cause: err });
  }
};

/**
 * The structure read without loading the document (./incremental/pdf-file.ts): every object's
 * dictionary parsed, the page tree walked, no stream decoded but object streams. Null when that reader
 * cannot follow the file (broken cross-reference, a filter it does not decode, encryption, no pages…):
 * pdf-lib then loads it whole, repairing what it can, and gives the verdict. Throws the refusal for too
 * many pages.
 */
export const inspectPdfStructure = async (source: ByteSource, limits: IntakeLimits): Promise<{ pageCount: number; hasJavaScript: boolean } | null> => {
  let found: { pageCount: number; hasJavaScript: boolean };
  try {
    const file = await PdfFile.open(source);
    if (file.trailer.entries.has("Encrypt")) return null;
    const pageCount = await file.pageCount(limits.maxPdfPages);
    if (pageCount === 0) return null;
    found = { pageCount, hasJavaScript: await file.hasActiveContent() };
  } catch (err) {
    if (err instanceof PdfSyntaxError || err instanceof RangeError) return null;
    throw err;
  }
  if (found.pageCount > limits.maxPdfPages) {
    throw new DomainError("PDF_TOO_MANY_PAGES", "intake.pdfTooManyPages", { pages: found.pageCount, max: limits.maxPdfPages });
  }
  return found;
};

/** Parses and checks a PDF; returns it with its page count. */
export const validatePdf = async (bytes: Uint8Array, options: IntakeOptions = {}): Promise<ValidatedPdf> => {
  const limits = resolveLimits(options);
  assertUploadSize(bytes.byteLength, limits);
  // Most files (scans, exports of office software) are read by offset, without pdf-lib's copy of them.
  const quick = await inspectPdfStructure(bytesSource(bytes), limits);
  if (quick) return { kind: "pdf", bytes, pageCount: quick.pageCount, wasDecrypted: false, hasJavaScript: quick.hasJavaScript };
  let doc: PDFDocument;
  let kept = bytes;
  let wasDecrypted = false;
  try {
    doc = await loadPdf(bytes);
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== "PDF_ENCRYPTED" || options.decryptOwnerOnly === false) throw err;
    const opts = options.qpdfPath === undefined ? {} : { qpdfPath: options.qpdfPath };
    const decrypted = await decryptOwnerOnly(bytes, opts);
    if (!decrypted.ok) throw new DomainError("PDF_ENCRYPTED", "intake.pdfEncrypted", { reason: decrypted.reason }, { cause: err });
    kept = decrypted.bytes;
    wasDecrypted = true;
    doc = await loadPdf(kept);
  }
  let pageCount: number;
  try {
    pageCount = doc.getPageCount();
  } catch (err) {
    // A broken page tree (missing /Pages, wrong types) shows up here rather than at load.
    throw new DomainError("PDF_CORRUPT", "intake.pdfCorrupt", {}, { cause: err });
  }
  if (pageCount === 0) throw new DomainError("PDF_EMPTY", "intake.pdfEmpty");
  if (pageCount > limits.maxPdfPages) {
    throw new DomainError("PDF_TOO_MANY_PAGES", "intake.pdfTooManyPages", { pages: pageCount, max: limits.maxPdfPages });
  }
  const { hasJavaScript } = await import("./javascript.ts");
  return { kind: "pdf", bytes: kept, pageCount, wasDecrypted, hasJavaScript: hasJavaScript(doc) };
};

/** Checks a photo's header: dimensions present and within the pixel limit. Decodes nothing. */
export const validateImage = (bytes: Uint8Array, kind: "jpeg" | "png", options: IntakeOptions = {}): ValidatedImage => {
  const limits = resolveLimits(options);
  assertUploadSize(bytes.byteLength, limits);
  const header = readImageHeader(bytes, kind);
  if (!header || header.width === 0 || header.height === 0) throw new DomainError("IMAGE_CORRUPT", "intake.imageCorrupt");
  if (header.width * header.height > limits.maxImagePixels) {
    throw new DomainError("IMAGE_TOO_LARGE", "intake.imageTooLarge", {
      width: header.width,
      height: header.height,
      maxMegapixels: Math.floor(limits.maxImagePixels / 1_000_000),
    });
  }
  return { kind, bytes, width: header.width, height: header.height };
};

/**
 * Validates one uploaded file: type from magic bytes, size, then PDF structure or image header.
 * Throws `DomainError` with one of FILE_EMPTY, FILE_TOO_LARGE, FILE_TYPE_UNSUPPORTED, PDF_ENCRYPTED,
 * PDF_CORRUPT, PDF_EMPTY, PDF_TOO_MANY_PAGES, IMAGE_TOO_LARGE, IMAGE_CORRUPT. Stores nothing.
 */
export const validateUpload = async (part: UploadPart, options: IntakeOptions = {}): Promise<ValidatedUpload> => {
  const limits = resolveLimits(options);
  assertUploadSize(part.bytes.byteLength, limits);
  const kind = sniffFileType(part.bytes);
  switch (kind) {
    case "pdf":
      return validatePdf(part.bytes, options);
    case "jpeg":
    case "png":
      return validateImage(part.bytes, kind, options);
    case "html":
      throw new DomainError("FILE_TYPE_UNSUPPORTED", "intake.fileTypeHtml", { detected: kind });
    case "zip":
      throw new DomainError("FILE_TYPE_UNSUPPORTED", "intake.fileTypeZip", { detected: kind });
    default:
      throw new DomainError("FILE_TYPE_UNSUPPORTED", "intake.fileTypeUnsupported", { detected: kind });
  }
};
