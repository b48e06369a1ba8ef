// Page 1 of a PDF as a small PNG, to show on Zalo as a photo preview (the platform fetches photos
// by URL; files it cannot send at all). Rendered with poppler's `pdftoppm -png -r 60 -f 1 -l 1`
// (Debian poppler-utils) into the file store. When pdftoppm is not installed, previews are skipped.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileStore } from "../../core/index.ts";
import type { BotLogger } from "../shared/types.ts";

/** The SHA-256 (in the file store) of the PNG of page 1 of the PDF `sha256`, or null when none can be made. */
export type PdfPreviewer = (sha256: string) => Promise<string | null>;

export type PdfPreviewOptions = {
  files: FileStore;
  logger?: BotLogger;
  /** @defaultValue "pdftoppm" (found on PATH) */
  command?: string;
  /** @defaultValue 20_000 */
  timeoutMs?: number;
  /**
   * Previews remembered (PDF hash → PNG hash), so a card sent to many people renders once.
   * @defaultValue 256
   */
  cacheSize?: number;
};

const run = (command: string, args: string[], timeoutMs: number): Promise<void> =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (err) => (err ? reject(err) : resolve()));
  });

/**
 * Creates a previewer. Failures (a PDF pdftoppm cannot read, a timeout) give null and a warning;
 * a missing pdftoppm gives null from then on, with one warning.
 *
 * @example
 * const preview = createPdfPreviewer({ files: deps.files });
 * const pngSha = await preview(stampedSha); // null → send the link only
 */
export const createPdfPreviewer = ({ files, logger, command = "pdftoppm", timeoutMs = 20_000, cacheSize = 256 }: PdfPreviewOptions): PdfPreviewer => {
  const cache = new Map<string, Promise<string | null>>();
  let isAvailable = true;

  const render = async (sha256: string): Promise<string | null> => {
    if (!isAvailable) return null;
    const dir = await mkdtemp(join(tmpdir(), "edoc-preview-"));
    try {
      const input = join(dir, "in.pdf");
      await writeFile(input, await files.readBytes(sha256));
      try {
        await run(command, ["-png", "-r", "60", "-f", "1", "-l", "1", input, join(dir, "page")], timeoutMs);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          isAvailable = false;
          logger?.warn({ command }, "pdftoppm not found: Zalo messages carry download links without a page preview (install poppler-utils)");
          return null;
        }
        logger?.warn({ err, sha256 }, "page preview failed; sending the link only");
        return null;
      }
      // pdftoppm names the page page-1.png or page-01.png (by the page count's digits).
      const png = (await readdir(dir)).find((name) => name.endsWith(".png"));
      if (!png) return null;
      return (await files.put(new Uint8Array(await readFile(join(dir, png))))).sha256;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  return (sha256) => {
    const known = cache.get(sha256);
    if (known) return known;
    const pending = render(sha256).catch((err: unknown) => {
      logger?.warn({ err, sha256 }, "page preview failed; sending the link only");
      return null;
    });
    cache.set(sha256, pending);
    // Forget failures (a later try may work) and the oldest entries beyond the cap.
    void pending.then((png) => {
      if (png === null) cache.delete(sha256);
    });
    while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return pending;
  };
};
