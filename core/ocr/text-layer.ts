// A PDF's own text layer, page by page, when it is real text: a PDF made by a word processor (or a
// scan with an OCR layer) is read from its text, never OCR'd. poppler's pdfinfo and pdftotext run as
// child processes (../pdf/pdftotext.ts); without them there is no text layer (callers OCR, or skip).
import { readFile } from "node:fs/promises";
import { runPdfinfoPages, runPdftotext, withPdfPath } from "../pdf/pdftotext.ts";
import { tidyDocumentText } from "../text/document-text.ts";
import { OcrError } from "./ocr-error.ts";

/** Text-layer pages read per pdftotext run (more pages: the last one is read on its own). */
export const MAX_TEXT_LAYER_PAGES = 100;
/** A page's text layer counts when it has at least this many letters and digits… */
const MIN_TEXT_LAYER_CHARS = 40;
/** …and at most this share of characters that are no Vietnamese text (a legacy TCVN3/VNI font, a broken ToUnicode map). */
const MAX_GARBAGE_SHARE = 0.05;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
// Latin-1 letters Vietnamese uses; the rest of U+00A0–U+00FF is what TCVN3/VNI fonts turn into.
const LATIN1_VIETNAMESE = /[àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ]/u;
const isGarbageChar = (c: string): boolean => {
  const code = c.codePointAt(0)!;
  if (code === 0xfffd || (code >= 0xe000 && code <= 0xf8ff)) return true;
  if (code < 0x20 && c !== "\n" && c !== "\t" && c !== "\r") return true;
  return code >= 0xa0 && code <= 0xff && !LATIN1_VIETNAMESE.test(c);
};

/** True when a page's text layer is real text worth taking instead of OCR. */
export const isUsableTextLayer = (text: string): boolean => {
  let letters = 0;
  let garbage = 0;
  for (const c of text) {
    if (isGarbageChar(c)) garbage++;
    else if (LETTER_OR_DIGIT.test(c)) letters++;
  }
  return letters >= MIN_TEXT_LAYER_CHARS && garbage <= MAX_GARBAGE_SHARE * (letters + garbage);
};

export type TextLayerOptions = {
  /** @defaultValue "pdftotext" */
  pdftotextPath?: string;
  /** @defaultValue "pdfinfo" */
  pdfinfoPath?: string;
  signal?: AbortSignal;
};

export type PdfTextLayer = {
  pageCount: number;
  /** The usable text layer of each page that has one (1-based page → tidied text). Pages past MAX_TEXT_LAYER_PAGES but the last are not read. */
  pages: Map<number, string>;
};

const unreadable = (cause?: unknown) => new OcrError("OCR_UNREADABLE", "ocr.unreadable", {}, { cause });
const aborted = () => new OcrError("OCR_ABORTED", "ocr.aborted");

/**
 * The page count of a PDF and the usable text layer of its pages. Throws an OcrError when the PDF
 * cannot be opened (OCR_UNREADABLE) or `signal` aborts (OCR_ABORTED).
 */
export const readPdfTextLayer = async (file: { path: string } | { bytes: Uint8Array }, options: TextLayerOptions = {}): Promise<PdfTextLayer> =>
  withPdfPath(file, async (path) => {
    const info = await runPdfinfoPages(path, options);
    let count: number;
    if (info.ok) count = info.pages;
    else if (info.reason === "aborted") throw aborted();
    else if (info.reason === "failed") throw unreadable(info.cause);
    else {
      // No poppler: count with pdf-lib (on the loop, but it yields every 100 objects). There is no
      // text layer then, and image pages cannot be rendered for OCR either. pdf-lib is loaded here
      // only, not when the service starts.
      const { PDFDocument } = await import("pdf-lib");
      try {
        const bytes = "bytes" in file ? file.bytes : new Uint8Array(await readFile(file.path));
        count = (await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false })).getPageCount();
      } catch (err) {
        throw unreadable(err);
      }
    }
    const pages = new Map<number, string>();
    const take = async (from: number, to: number) => {
      const r = await runPdftotext(path, from, to, options);
      if (r.ok) r.pages.forEach((t, i) => isUsableTextLayer(t) && pages.set(from + i, tidyDocumentText(t)));
      else if (r.reason === "aborted") throw aborted();
      // "missing" or "failed": no text layer; the caller OCRs the pages or goes without.
    };
    if (count > 0) {
      await take(1, Math.min(count, MAX_TEXT_LAYER_PAGES));
      if (count > MAX_TEXT_LAYER_PAGES) await take(count, count);
    }
    return { pageCount: count, pages };
  });
