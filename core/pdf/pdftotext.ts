// A PDF's own text layer and page count, from poppler's `pdftotext` and `pdfinfo` (Debian
// poppler-utils, the package that also brings `pdftoppm`). Both run as child processes, so a large PDF
// never blocks the event loop; the service runs without them (callers fall back).
import { execFile, type ExecFileException } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type PopplerTextOptions = {
  /** @defaultValue "pdftotext" (found on PATH) */
  pdftotextPath?: string;
  /** @defaultValue "pdfinfo" (found on PATH) */
  pdfinfoPath?: string;
  signal?: AbortSignal;
};

export type PopplerFailure = { ok: false; reason: "missing" | "aborted" | "failed"; cause: unknown };

/** Largest stdout accepted from pdftotext (the caller caps the text it keeps far below this). */
const MAX_STDOUT = 16 * 1024 * 1024;

const run = (bin: string, args: string[], signal: AbortSignal | undefined) =>
  new Promise<{ ok: true; stdout: string } | PopplerFailure>((resolve) => {
    execFile(bin, args, { maxBuffer: MAX_STDOUT, encoding: "utf8", windowsHide: true, ...(signal ? { signal } : {}) }, (err: ExecFileException | null, stdout) => {
      if (!err) return resolve({ ok: true, stdout });
      resolve({ ok: false, reason: err.code === "ENOENT" ? "missing" : signal?.aborted ? "aborted" : "failed", cause: err });
    });
  });

/** Runs `fn` with a path of the PDF: `input.path` itself, or `input.bytes` in a private temporary file. */
export const withPdfPath = async <T>(input: { path: string } | { bytes: Uint8Array }, fn: (path: string) => Promise<T>): Promise<T> => {
  if ("path" in input) return fn(input.path);
  const dir = await mkdtemp(join(tmpdir(), "edoc-pdftext-"));
  try {
    const path = join(dir, "in.pdf");
    await writeFile(path, input.bytes, { mode: 0o600 });
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** The number of pages (`pdfinfo`'s "Pages:" line). */
export const runPdfinfoPages = async (path: string, options: PopplerTextOptions = {}): Promise<{ ok: true; pages: number } | PopplerFailure> => {
  const r = await run(options.pdfinfoPath ?? "pdfinfo", [path], options.signal);
  if (!r.ok) return r;
  const m = /^Pages:\s+(\d+)\s*$/m.exec(r.stdout);
  return m ? { ok: true, pages: Number(m[1]) } : { ok: false, reason: "failed", cause: new Error("pdfinfo printed no page count") };
};

/**
 * The text layer of pages `first`..`last` (1-based, inclusive), one string per page, in reading layout
 * (`-layout`: a Decree-30 header's two columns stay side by side on one line, as OCR reads them).
 * A page without text is "".
 */
export const runPdftotext = async (path: string, first: number, last: number, options: PopplerTextOptions = {}): Promise<{ ok: true; pages: string[] } | PopplerFailure> => {
  const r = await run(options.pdftotextPath ?? "pdftotext", ["-layout", "-enc", "UTF-8", "-f", String(first), "-l", String(last), path, "-"], options.signal);
  if (!r.ok) return r;
  // pdftotext ends every page with a form feed.
  const pages = r.stdout.split("\f").slice(0, last - first + 1);
  while (pages.length < last - first + 1) pages.push("");
  return { ok: true, pages };
};
