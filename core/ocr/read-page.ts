// Reading one page of a scan with OCR, offline: tesseract.js (WebAssembly, in a worker thread) with
// the Vietnamese model from the npm package @tesseract.js-data/vie. Nothing is downloaded at run time:
// the core comes from tesseract.js-core in node_modules, the model from the package's folder
// (`langPath`), and the cache is off (`cacheMethod: "none"`: tesseract.js would otherwise write
// vie.traineddata into the working directory).
//
// README (issue 18, for the session that wires this in):
// - One `PageReader` per process (or per job worker): `createPageReader()`, then `read({ bytes })`
//   for a photo (JPEG/PNG/WebP…, EXIF rotation applied) or `read({ bytes, page: 1 | "last" })` for a
//   PDF page (rendered by poppler's pdftoppm at 200 dpi; without pdftoppm an OcrError
//   `OCR_NO_RENDERER`). Either is made ready by ./prepare-image.ts first (grey, the red seal and a
//   blue signature lifted out of the signer block, the light evened; a blurred or coarse page scaled to
//   250 dpi and its header sharpened, a crisp one left at its size). When tesseract was unsure of the
//   số line's number (word confidence under 90), that number is read a second time on its own (its
//   crop, without "Số:", at twice the scale, one line) and put in `text` when that read is surer (and sure enough). Feed `text` to
//   `extract-fields.ts`. `close()` on shutdown.
// - Reads run one at a time on one worker. A read that passes `timeoutMs` or whose `signal` aborts
//   terminates the worker (WebAssembly cannot be interrupted otherwise) and rejects with an OcrError;
//   the next read starts a fresh worker. Every failure is an OcrError (a DomainError with a catalog
//   message): the caller falls back to today's manual form, nothing is lost.
// - A whole document (text layer first, OCR only for image pages, the fields): ./read-document.ts.
//   If the engine's thread dies (crash, terminate) during a read, the read rejects OCR_ENGINE_FAILED
//   at once and the next read starts a new engine. Still to do: measure against tesseract-ocr-vie.
// - Measured on the test page (test/core/ocr/read-page.test.ts, 2 shared cores, under nice): ≈0.4 s
//   to start the worker and load the model once; then ≈1.1–1.3 s per A4 page at 200 dpi (pdftoppm
//   included) and ≈0.8–0.9 s per 150-dpi photo, before pages were prepared; a blurred photo scaled to
//   250 dpi costs tesseract more (BENCHMARKS.md, OCR).
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { createWorker, OEM, PSM, type Block, type Worker } from "tesseract.js";
import { Worker as ThreadWorker } from "node:worker_threads";
import { runPdftoppm } from "../pdf/pdftoppm.ts";
import { OcrError } from "./ocr-error.ts";
import { prepareForOcr } from "./prepare-image.ts";

export { OcrError, type OcrErrorCode } from "./ocr-error.ts";

const timeoutError = (ms: number) => new OcrError("OCR_TIMEOUT", "ocr.timeout", { seconds: Math.ceil(ms / 1000) });
const abortedError = () => new OcrError("OCR_ABORTED", "ocr.aborted");
const unreadableError = (cause?: unknown) => new OcrError("OCR_UNREADABLE", "ocr.unreadable", {}, { cause });

/** Options of {@link createPageReader}. */
export type PageReaderOptions = {
  /** Folder holding vie.traineddata.gz. @defaultValue the LSTM model of @tesseract.js-data/vie (4.0.0_best_int) */
  langPath?: string;
  /** Path of poppler's pdftoppm. @defaultValue "pdftoppm" (found on PATH) */
  pdftoppmPath?: string;
  /** Resolution a PDF page is rendered at (a blurred page is then scaled to 250 dpi by ./prepare-image.ts). @defaultValue 200 */
  dpi?: number;
  /** Give up on one page (rendering and reading) after this long. @defaultValue 60_000 */
  timeoutMs?: number;
  /**
   * Called with the worker thread of each engine started (for monitoring; tests terminate it to
   * play a crash). When that thread exits or fails during a read, the read rejects with
   * OCR_ENGINE_FAILED and the next read starts a new engine.
   */
  onEngineThread?: (thread: ThreadWorker) => void;
};

/** What to read: a photo, or a page of a PDF, as bytes or a file. */
export type PageInput = ({ bytes: Uint8Array } | { path: string }) & {
  /** For a PDF: the 1-based page, or "last". Ignored for an image. @defaultValue 1 */
  page?: number | "last";
  /** For a PDF: its page count when the caller knows it already (spares parsing it again). */
  pageCount?: number;
};

/** The text of one page. */
export type PageText = {
  /** Lines as tesseract reads them, "\n"-separated. */
  text: string;
  /** tesseract's mean word confidence, 0–100. */
  confidence: number;
  /** Time spent on this page (rendering and reading), in milliseconds. */
  ms: number;
  /** The page read (1 for an image). */
  page: number;
};

export type ReadOptions = {
  signal?: AbortSignal;
  /** Overrides the reader's timeout for this page. */
  timeoutMs?: number;
};

export type PageReader = {
  read(input: PageInput, options?: ReadOptions): Promise<PageText>;
  /** Terminates the worker. Reads after this start a new one. */
  close(): Promise<void>;
};

const require = createRequire(import.meta.url);
/** The folder of the Vietnamese LSTM model in node_modules. */
export const defaultLangPath = (): string => join(dirname(require.resolve("@tesseract.js-data/vie/package.json")), "4.0.0_best_int");

const isPdf = (bytes: Uint8Array): boolean => bytes.length > 5 && Buffer.from(bytes.subarray(0, 1024)).includes("%PDF-");

/** Resolves with the race's winner; on timeout or abort calls `onStop` and rejects with an OcrError. */
const guarded = <T>(work: Promise<T>, timeoutMs: number, signal: AbortSignal | undefined, onStop: () => void): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const onAbort = () => finish(() => (onStop(), reject(abortedError())));
    const timer = setTimeout(() => finish(() => (onStop(), reject(timeoutError(timeoutMs)))), timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    work.then(
      (v) => finish(() => resolve(v)),
      (e: unknown) => finish(() => reject(e)),
    );
  });

/** Renders one PDF page to a colour PNG with pdftoppm (colour: the seal is told apart by it). */
const renderPdfPage = async (pdf: { bytes: Uint8Array } | { path: string }, page: number, opts: { pdftoppmPath: string; dpi: number; signal: AbortSignal }): Promise<Buffer> => {
  const args = ["-f", String(page), "-l", String(page), "-png", "-r", String(opts.dpi)];
  const rendered = await runPdftoppm(pdf, args, "png", { pdftoppmPath: opts.pdftoppmPath, signal: opts.signal });
  if (rendered.ok) return rendered.bytes;
  if (rendered.reason === "missing") throw new OcrError("OCR_NO_RENDERER", "ocr.noRenderer", {}, { cause: rendered.cause });
  if (rendered.reason === "aborted") throw abortedError();
  throw unreadableError(rendered.cause);
};

/** A page image made ready for OCR (./prepare-image.ts: upright, grey, seal out, light evened, scaled and sharpened when blurred). */
const prepareImage = async (bytes: Uint8Array, dpi?: number): Promise<Buffer> => {
  try {
    return await prepareForOcr(bytes, dpi ? { dpi } : {});
  } catch (err) {
    throw unreadableError(err);
  }
};

const pdfPageCount = async (bytes: Uint8Array): Promise<number> => {
  try {
    return (await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false })).getPageCount();
  } catch (err) {
    throw unreadableError(err);
  }
};

/** The số line: "Số:" (OCR may read "Sô:", "S6:") at the start of a line. */
const CODE_LINE_START = /^\s*S[ốôoóồổ0-9]?\s*[:;.,]\s*$/u;
/** Below this word confidence (0–100) the số line's number is read again on its own. */
export const CODE_REREAD_BELOW = 90;
/**
 * The second read is taken only from this word confidence up: scaling a crisp scan up can make it
 * worse ("28614/5KHON-HCTH", 18, for a "2814/SKHCN-HCTH.." the page read with confidence 0).
 */
export const CODE_REREAD_TAKE_FROM = 70;

type Box = { x0: number; y0: number; x1: number; y1: number };
type OcrWord = { text: string; confidence: number; bbox: Box };
/** The số line's number to read again: the line's text, the word, and the crop (page pixels) around the word. */
export type CodeReread = { line: string; word: OcrWord; crop: { left: number; top: number; width: number; height: number }; margin: number };

/**
 * The word after "Số:" (the number and ký hiệu) when tesseract was unsure of it on the page (word
 * confidence under CODE_REREAD_BELOW), with its crop to read again; else null. The crop holds the word
 * alone, from halfway between "Số:" and it: beside "Số:" a clean "694" was read "604" again (74), alone
 * "694" (75).
 */
export const codeWordToReread = (blocks: readonly Block[], page: { width: number; height: number }): CodeReread | null => {
  const lines = blocks.flatMap((b) => b.paragraphs.flatMap((p) => p.lines)).slice(0, 25);
  const line = lines.find((l) => l.words.length >= 2 && CODE_LINE_START.test(l.words[0]!.text));
  const word = line?.words[1];
  if (!line || !word || word.confidence >= CODE_REREAD_BELOW || !/^[0-9oOlI|]/.test(word.text)) return null;
  const margin = Math.round((line.bbox.y1 - line.bbox.y0) / 3);
  // The number alone, not "Số:" (nor its colon): read beside "Số:", "694" came out "604" at 1× and 2×.
  const left = Math.max(0, word.bbox.x0 - margin, Math.round((line.words[0]!.bbox.x1 + word.bbox.x0) / 2));
  const top = Math.max(0, line.bbox.y0 - margin);
  const right = Math.min(page.width, word.bbox.x1 + margin);
  const bottom = Math.min(page.height, line.bbox.y1 + margin);
  if (right <= left || bottom <= top) return null;
  return {
    line: line.text.trimEnd(),
    word: { text: word.text, confidence: word.confidence, bbox: word.bbox },
    crop: { left, top, width: right - left, height: bottom - top },
    margin,
  };
};

/** How often a digit touches a letter ("S5NV", "2434UBND"): a ký hiệu's parts are letters, its number digits. */
const digitsAgainstLetters = (code: string): number => code.match(/\p{L}(?=\p{Nd})|\p{Nd}(?=\p{L})/gu)?.length ?? 0;

/**
 * `text` with the number put as read again (`words`: the words of the crop, read at `scale`) when that
 * read is a number again, different, more confident than the page's and at least CODE_REREAD_TAKE_FROM, and puts no more digits
 * against letters than the page's read (the number alone read "77/SYT-NV" as "77/SY1-NV", 87); the words starting inside the
 * page's word box are joined (single-line mode may split "243/U BND-TCCB").
 */
export const takeCodeReread = (text: string, target: CodeReread, words: readonly OcrWord[], scale: number): string => {
  const { word, crop, margin } = target;
  const inside = words.filter((w) => {
    const x = crop.left + w.bbox.x0 / scale;
    return x >= word.bbox.x0 - margin && x < word.bbox.x1 - margin;
  });
  const to = inside.map((w) => w.text).join("");
  const confidence = Math.min(...inside.map((w) => w.confidence));
  if (inside.length === 0 || !/^[0-9]/.test(to) || to === word.text || confidence <= word.confidence || confidence < CODE_REREAD_TAKE_FROM) return text;
  if (digitsAgainstLetters(to) > digitsAgainstLetters(word.text)) return text;
  const at = text.indexOf(target.line);
  if (at < 0) return text;
  return text.slice(0, at) + target.line.replace(word.text, to) + text.slice(at + target.line.length);
};

/**
 * The số line's number read again alone, cropped from the page at twice the scale as a single line,
 * when tesseract was unsure of it on the page: on the bench a slash read as a digit ("2434UBND-TCCB",
 * confidence 22), a doubled letter ("1038/S5NV-NV", 32) and a digit read wrong ("604" for "694", 69)
 * came out right so.
 */
const rereadCode = async (worker: Worker, image: Buffer, text: string, blocks: readonly Block[]): Promise<string> => {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  const target = codeWordToReread(blocks, { width, height });
  if (!target) return text;
  const crop = await sharp(image)
    .extract(target.crop)
    .resize({ width: 2 * target.crop.width, kernel: "cubic" })
    .png()
    .toBuffer();
  const again = await worker.recognize(crop, { tessedit_pageseg_mode: PSM.SINGLE_LINE } as never, { text: false, blocks: true });
  const words = (again.data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines.flatMap((l) => l.words)));
  return takeCodeReread(text, target, words, 2);
};

/** A reader of pages with one tesseract.js worker, started on the first read. */
export const createPageReader = (options: PageReaderOptions = {}): PageReader => {
  const langPath = options.langPath ?? defaultLangPath();
  const pdftoppmPath = options.pdftoppmPath ?? "pdftoppm";
  const dpi = options.dpi ?? 200;
  const defaultTimeout = options.timeoutMs ?? 60_000;
  /** The engine, and a promise that rejects when its thread dies. */
  type Engine = { worker: Worker; died: Promise<never> };
  let worker: Promise<Engine> | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const getWorker = (): Promise<Engine> => {
    if (worker) return worker;
    // errorHandler: without one, tesseract.js throws a job's failure from a message listener (an
    // uncaught exception that would end the process); the job's promise rejects either way.
    const started: Promise<Engine> = createWorker("vie", OEM.LSTM_ONLY, { langPath, cacheMethod: "none", gzip: true, errorHandler: () => {} }).then(
      (w) => {
        // tesseract.js keeps the worker_threads Worker as `worker`. A job whose thread died never
        // settles (tesseract.js rejects nothing on exit), and an 'error' event without a listener
        // would end the whole process: both are caught here.
        const thread = (w as unknown as { worker?: unknown }).worker;
        let died: Promise<never> = new Promise<never>(() => {});
        if (thread instanceof ThreadWorker) {
          died = new Promise<never>((_, reject) => {
            const fail = (cause: unknown) => {
              if (worker === started) worker = null;
              reject(new OcrError("OCR_ENGINE_FAILED", "ocr.engineFailed", {}, { cause }));
            };
            thread.on("error", fail);
            thread.once("exit", (code) => fail(new Error(`OCR engine thread exited with code ${code}`)));
          });
          died.catch(() => {}); // observed where it matters: raced against each recognize()
          options.onEngineThread?.(thread);
        }
        return { worker: w, died };
      },
      (err: unknown) => {
        if (worker === started) worker = null;
        throw new OcrError("OCR_ENGINE_FAILED", "ocr.engineFailed", {}, { cause: err });
      },
    );
    worker = started;
    return started;
  };

  const stopWorker = (): void => {
    const w = worker;
    worker = null;
    void w?.then((x) => x.worker.terminate()).catch(() => {}); // a worker that failed to start has nothing to stop
  };

  const readNow = async (input: PageInput, opts: ReadOptions): Promise<PageText> => {
    if (opts.signal?.aborted) throw abortedError();
    const started = Date.now();
    const timeoutMs = opts.timeoutMs ?? defaultTimeout;
    const stop = new AbortController();
    const work = (async () => {
      let image: Buffer;
      let page = 1;
      const bytes = "bytes" in input ? input.bytes : await readFile(input.path).catch((err: unknown) => Promise.reject(unreadableError(err)));
      if (isPdf(bytes)) {
        const count = input.pageCount ?? (await pdfPageCount(bytes));
        page = input.page === "last" ? count : (input.page ?? 1);
        if (!Number.isInteger(page) || page < 1 || page > count) throw new OcrError("OCR_NO_PAGE", "ocr.noPage", { page: String(input.page), pages: count });
        image = await prepareImage(await renderPdfPage("path" in input ? { path: input.path } : { bytes }, page, { pdftoppmPath, dpi, signal: stop.signal }), dpi);
      } else image = await prepareImage(bytes);
      if (stop.signal.aborted) throw abortedError();
      const engine = await getWorker();
      const failed = (err: unknown): never => {
        throw stop.signal.aborted ? abortedError() : err instanceof OcrError ? err : new OcrError("OCR_ENGINE_FAILED", "ocr.engineFailed", {}, { cause: err });
      };
      const result = await Promise.race([engine.worker.recognize(image, {}, { text: true, blocks: true }), engine.died]).catch(failed);
      if (stop.signal.aborted) throw abortedError();
      const reread = rereadCode(engine.worker, image, result.data.text, result.data.blocks ?? []).catch(() => result.data.text);
      const text = await Promise.race([reread, engine.died]).catch(failed);
      return { text, confidence: result.data.confidence, page };
    })();
    work.catch(() => {}); // a stopped read may still settle later
    const read = await guarded(work, timeoutMs, opts.signal, () => {
      stop.abort();
      stopWorker();
    });
    return { ...read, ms: Date.now() - started };
  };

  return {
    read(input, opts = {}) {
      const run = queue.then(() => readNow(input, opts));
      queue = run.catch(() => {}); // the caller gets run's failure; the queue only orders reads
      return run;
    },
    async close() {
      await queue;
      const w = worker;
      worker = null;
      if (w) await w.then((x) => x.worker.terminate()).catch(() => {}); // closing: a worker that never started has nothing to stop
    },
  };
};
