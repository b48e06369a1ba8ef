// Reading a whole document (a PDF, or photos of its pages) for registration and for search: the
// /dangky fields from page 1 and the last page, and the text of every page read.
//
// README (issue 18, for the session that wires this in):
// - `readDocument({ files, knownIssuers, today }, { pageReader })` with one `PageReader` per process
//   (`createPageReader()`, closed on shutdown); without `pageReader` a process-wide one is started on
//   first use (`closeDefaultPageReader()` on shutdown). `onFields` is called as soon as page 1 and the
//   last page are read, before the remaining pages: show the prefilled echo then, and store the full
//   `text` with `storeDocumentText(deps, { documentId, text, source })` (core/documents/store-document-text.ts)
//   once the promise resolves (after the registration; never for a secret document: it refuses).
// - Pages added later (photos of the pages sent one message each): pass the earlier result's
//   `pageTexts` as `known` with all the files; only the new pages are read, and the fields come from
//   page 1 and the new last page.
// - Text first: a PDF page with a usable text layer (poppler's pdftotext) is taken as it is; only the
//   other pages, and photos, are OCR'd (`pages[].source`). Without poppler a PDF cannot be read at all
//   (OCR_NO_RENDERER); photos still are.
// - Off the event loop: poppler runs as child processes, sharp in libuv's pool, tesseract in its own
//   worker thread; what stays on the loop is folding and the extraction rules over capped text.
// - Decision (no BullMQ job for reading): the clerk waits for the echo, so the read must answer in
//   the same process within seconds; a job would add a round trip through Redis and a result channel
//   back to the bot for no gain on one machine (tesseract already runs in a worker thread, poppler in
//   child processes, and `npm start` runs bots and jobs in one process). Without REDIS_URL the
//   in-process path is needed anyway. Worth it later for one thing: reading the remaining pages of a
//   long scan for search after registration, as a durable job (documentId in, storeDocumentText out).
// - Every failure is an OcrError with a catalog message (timeout, abort, engine crash, unreadable):
//   the caller falls back to the manual form. The next call works again (a crashed or stopped engine
//   is replaced by a new one).
import { open } from "node:fs/promises";
import { capUtf8, MAX_DOCUMENT_TEXT_BYTES, tidyDocumentText as tidy } from "../text/document-text.ts";
import { extractFields, type ExtractedFields, type OcrDate } from "./extract-fields.ts";
import { createPageReader, OcrError, type PageReader } from "./read-page.ts";
import { sharedPageReader } from "./shared-reader.ts";
import { readPdfTextLayer } from "./text-layer.ts";
import { loadVietnameseWords, type WordList } from "./tone-marks.ts";

export { isUsableTextLayer } from "./text-layer.ts";

/** At most this many pages are OCR'd per document (page 1 and the last page first). */
export const MAX_OCR_PAGES = 20;
/** The extraction rules see at most this much of a page. */
const MAX_PAGE_CHARS_FOR_FIELDS = 20_000;
/** @defaultValue of `timeoutMs`. */
export const DEFAULT_DOCUMENT_TIMEOUT_MS = 180_000;

/** One file of the document: a PDF, or a photo of one page. Pages follow the order of the files. */
export type DocumentFile = { path: string } | { bytes: Uint8Array };

export type ReadDocumentInput = {
  files: DocumentFile[];
  /** Issuer names the header is matched against (the register's issuers, the organisation file). */
  knownIssuers: readonly string[];
  /** Today in the office time zone: an issue date read after it is a likely misreading (lower confidence). */
  today: OcrDate;
  signal?: AbortSignal;
  /** The whole document's budget. @defaultValue 180_000 */
  timeoutMs?: number;
  /** Called once page 1 and the last page are read, before the other pages are. */
  onFields?: (fields: ExtractedFields) => void;
  /** At most this many pages are OCR'd. @defaultValue MAX_OCR_PAGES (20) */
  maxOcrPages?: number;
  /**
   * Pages read already (`pageTexts` of an earlier read of the same first files, e.g. photos sent one by
   * one): taken as they are, not read again. Pages past the document's end are ignored.
   */
  known?: readonly PageText[];
};

/** The text of one page, and how it was read. */
export type PageText = { page: number; text: string; source: PageSource };

export type PageSource = "TEXT_LAYER" | "OCR";

export type ReadDocumentResult = {
  fields: ExtractedFields;
  /** The text of every page read, in page order, capped at MAX_DOCUMENT_TEXT_BYTES (for search). */
  text: string;
  /** The pages read (1-based over all files), in page order. */
  pages: { page: number; source: PageSource }[];
  /** The text of each page read, in page order (each as read, before the cap on `text`). */
  pageTexts: PageText[];
  /** How `text` was read, for `storeDocumentText`: every page from the text layer, every page by OCR, or some of each. */
  source: "TEXT_LAYER" | "OCR" | "MIXED";
  /** Pages of the whole document. */
  pageCount: number;
  /** Some pages were left unread (MAX_OCR_PAGES), or the text was cut at MAX_DOCUMENT_TEXT_BYTES. */
  isPartial: boolean;
};

export type ReadDocumentOptions = {
  /** @defaultValue a process-wide reader started on first use */
  pageReader?: PageReader;
  /** @defaultValue "pdftotext" */
  pdftotextPath?: string;
  /** @defaultValue "pdfinfo" */
  pdfinfoPath?: string;
};

/** The process-wide page reader used when none is passed (closed by `closeDefaultPageReader`, shared-reader.ts). */
export const defaultPageReader = (): PageReader => sharedPageReader(createPageReader);

// === Pages

type PlannedPage = {
  page: number;
  file: DocumentFile;
  isPdf: boolean;
  /** The page inside its file (1-based). */
  filePage: number;
  filePages: number;
  /** The text layer, when usable. */
  layer?: string;
};

const readHead = async (file: DocumentFile): Promise<Uint8Array> => {
  if ("bytes" in file) return file.bytes.subarray(0, 1024);
  const fh = await open(file.path, "r");
  try {
    const buf = Buffer.alloc(1024);
    const { bytesRead } = await fh.read(buf, 0, 1024, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
};

const isPdfHead = (head: Uint8Array): boolean => Buffer.from(head).includes("%PDF-");

const unreadable = (cause?: unknown) => new OcrError("OCR_UNREADABLE", "ocr.unreadable", {}, { cause });
const aborted = () => new OcrError("OCR_ABORTED", "ocr.aborted");

const afterToday = (d: OcrDate, today: OcrDate): boolean => (d.year - today.year || d.month - today.month || d.day - today.day) > 0;

/**
 * Reads a document: the text layer of PDF pages that have one, OCR for the others and for photos
 * (page 1 and the last page first, at most MAX_OCR_PAGES), then the /dangky fields from page 1 and
 * the last page.
 *
 * @example
 * const read = await readDocument({ files: [{ path: "scan.pdf" }], knownIssuers, today: { year: 2026, month: 12, day: 11 } });
 * read.fields.code?.value; // { codeNumber: "45", codeNotation: "STC-NS" }
 * read.pages; // [{ page: 1, source: "TEXT_LAYER" }]
 */
export const readDocument = async (input: ReadDocumentInput, options: ReadDocumentOptions = {}): Promise<ReadDocumentResult> => {
  const reader = options.pageReader ?? defaultPageReader();
  const timeoutMs = input.timeoutMs ?? DEFAULT_DOCUMENT_TIMEOUT_MS;
  if (input.files.length === 0) throw unreadable(new Error("no files"));
  if (input.signal?.aborted) throw aborted();

  // One signal for everything under this read: the caller's abort, or the document's timeout.
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort();
  }, timeoutMs);
  const onAbort = () => stop.abort();
  input.signal?.addEventListener("abort", onAbort, { once: true });
  const rethrow = (err: unknown): never => {
    if (timedOut) throw new OcrError("OCR_TIMEOUT", "ocr.timeout", { seconds: Math.ceil(timeoutMs / 1000) }, { cause: err });
    if (stop.signal.aborted) throw aborted();
    throw err instanceof OcrError ? err : unreadable(err);
  };
  // The work itself never outlives the budget: a stuck step is left behind, its result ignored.
  const deadline = new Promise<never>((_, reject) => stop.signal.addEventListener("abort", () => reject(stop.signal.reason), { once: true }));
  deadline.catch(() => {}); // observed through bounded(); unobserved when the work finishes first
  const bounded = <T>(p: Promise<T>): Promise<T> => Promise.race([p, deadline]);

  try {
    // Plan: every page of every file, with the PDF text layers.
    const planned: PlannedPage[] = [];
    for (const file of input.files) {
      const head = await bounded(readHead(file).catch((err: unknown) => Promise.reject(unreadable(err))));
      if (isPdfHead(head)) {
        const poppler = {
          ...(options.pdftotextPath ? { pdftotextPath: options.pdftotextPath } : {}),
          ...(options.pdfinfoPath ? { pdfinfoPath: options.pdfinfoPath } : {}),
          signal: stop.signal,
        };
        const layer = await bounded(readPdfTextLayer(file, poppler));
        const first = planned.length + 1;
        for (let i = 1; i <= layer.pageCount; i++) {
          const text = layer.pages.get(i);
          planned.push({ page: first + i - 1, file, isPdf: true, filePage: i, filePages: layer.pageCount, ...(text !== undefined ? { layer: text } : {}) });
        }
      } else planned.push({ page: planned.length + 1, file, isPdf: false, filePage: 1, filePages: 1 });
    }
    if (planned.length === 0) throw unreadable(new Error("no pages"));
    const pageCount = planned.length;

    // OCR order: page 1 and the last page (the fields), then the others from the start.
    const texts = new Map<number, { text: string; source: PageSource }>();
    for (const p of planned) if (p.layer !== undefined) texts.set(p.page, { text: p.layer, source: "TEXT_LAYER" });
    for (const k of input.known ?? []) if (k.page >= 1 && k.page <= pageCount && !texts.has(k.page)) texts.set(k.page, { text: k.text, source: k.source });
    const order = [...new Set([1, pageCount, ...planned.map((p) => p.page)])];
    let ocrCount = 0;
    let isPartial = false;
    let fieldsGiven = false;
    const fieldsNow = async (): Promise<ExtractedFields> => {
      const first = texts.get(1)?.text ?? "";
      const last = pageCount > 1 ? texts.get(pageCount)?.text : undefined;
      // Page 1 read by OCR: the word list puts back the dấu hỏi read as a dấu sắc in the trích yếu
      // (loaded on first use, once per process; without it the trích yếu is left as read).
      const words: WordList | undefined = texts.get(1)?.source === "OCR" ? await loadVietnameseWords().catch(() => undefined) : undefined;
      const fields = extractFields({
        firstPage: first.slice(0, MAX_PAGE_CHARS_FOR_FIELDS),
        ...(last !== undefined ? { lastPage: last.slice(0, MAX_PAGE_CHARS_FOR_FIELDS) } : {}),
        knownIssuers: input.knownIssuers,
        ...(words ? { words } : {}),
      });
      // An issue date after today is most likely a misread digit: keep it, but ask to check it.
      if (fields.issuedDate && afterToday(fields.issuedDate.value, input.today))
        fields.issuedDate = { ...fields.issuedDate, confidence: Math.min(fields.issuedDate.confidence, 0.4) };
      return fields;
    };
    for (const n of order) {
      if (!fieldsGiven && n !== 1 && n !== pageCount) {
        fieldsGiven = true;
        input.onFields?.(await fieldsNow());
      }
      if (texts.has(n)) continue;
      if (ocrCount >= (input.maxOcrPages ?? MAX_OCR_PAGES)) {
        isPartial = true;
        continue;
      }
      const p = planned[n - 1]!;
      const reading = bounded(reader.read({ ...p.file, ...(p.isPdf ? { page: p.filePage, pageCount: p.filePages } : {}) }, { signal: stop.signal, timeoutMs }));
      ocrCount++;
      if (n === 1 || n === pageCount) {
        texts.set(n, { text: tidy((await reading).text), source: "OCR" });
        continue;
      }
      // A page read only for search that fails is left out (the fields are read already); a stop or
      // a crashed engine still ends the read.
      try {
        texts.set(n, { text: tidy((await reading).text), source: "OCR" });
      } catch (err) {
        if (stop.signal.aborted || !(err instanceof OcrError) || err.code !== "OCR_UNREADABLE") throw err;
        isPartial = true;
      }
    }
    const fields = await fieldsNow();
    if (!fieldsGiven) input.onFields?.(fields);

    const pageTexts = [...texts.entries()].sort(([a], [b]) => a - b).map(([page, t]) => ({ page, text: t.text, source: t.source }));
    const pages = pageTexts.map(({ page, source }) => ({ page, source }));
    const full = [...texts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, t]) => t.text)
      .filter((t) => t !== "")
      .join("\n\n");
    const text = capUtf8(full, MAX_DOCUMENT_TEXT_BYTES);
    if (text.length < full.length) isPartial = true;
    const kinds = new Set(pages.map((p) => p.source));
    const source = kinds.size > 1 ? "MIXED" : kinds.has("TEXT_LAYER") ? "TEXT_LAYER" : "OCR";
    return { fields, text, source, pages, pageTexts, pageCount, isPartial };
  } catch (err) {
    return rethrow(err);
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener("abort", onAbort);
  }
};
