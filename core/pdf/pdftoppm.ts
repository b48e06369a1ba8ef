// One page of a PDF rendered by poppler's `pdftoppm` (Debian poppler-utils), which the service runs
// without: callers fall back when it is missing. Used to find blank space for the ĐẾN stamp
// (./free-space.ts) and to read a scanned page (../ocr/read-page.ts).
import { execFile, type ExecFileException } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type PdftoppmOptions = {
  /** Path of the binary. @defaultValue "pdftoppm" (found on PATH) */
  pdftoppmPath?: string;
  /** Kill it after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
};

/** The rendered file's bytes, or why there is none. */
export type PdftoppmResult = { ok: true; bytes: Buffer } | { ok: false; reason: "missing" | "aborted" | "failed"; cause: unknown };

/**
 * Renders with `args` (page selection, colour, resolution and format: "-singlefile" is added) the PDF
 * at `input.path`, or `input.bytes` written to a private temporary file; `ext` is the output's
 * extension ("png", or "pgm" for `-gray` without a format). Never throws for pdftoppm's own failures.
 */
export const runPdftoppm = async (input: { path: string } | { bytes: Uint8Array }, args: string[], ext: "png" | "pgm", options: PdftoppmOptions = {}): Promise<PdftoppmResult> => {
  const dir = await mkdtemp(join(tmpdir(), "edoc-pdftoppm-"));
  try {
    let pdf: string;
    if ("path" in input) pdf = input.path;
    else {
      pdf = join(dir, "in.pdf");
      await writeFile(pdf, input.bytes, { mode: 0o600 });
    }
    const failure = await new Promise<ExecFileException | null>((resolve) => {
      execFile(
        options.pdftoppmPath ?? "pdftoppm",
        ["-singlefile", ...args, pdf, join(dir, "page")],
        { maxBuffer: 1024 * 1024, windowsHide: true, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}), ...(options.signal ? { signal: options.signal } : {}) },
        (err) => resolve(err),
      );
    });
    if (failure) {
      const reason = failure.code === "ENOENT" ? "missing" : options.signal?.aborted ? "aborted" : "failed";
      return { ok: false, reason, cause: failure };
    }
    return { ok: true, bytes: await readFile(join(dir, `page.${ext}`)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
