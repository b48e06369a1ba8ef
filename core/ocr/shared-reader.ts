// The process-wide page reader (started by the first scan read, closed on shutdown), kept apart from
// the reader itself: the shutdown closes it through the light entry (core/index.ts) without loading
// the OCR engine's modules (sharp, tesseract.js, pdf-lib) into a service that never read a scan.
import type { PageReader } from "./read-page.ts";

let shared: PageReader | null = null;

/** The process-wide page reader, made by `create` on first use. */
export const sharedPageReader = (create: () => PageReader): PageReader => (shared ??= create());

/** Stops the process-wide page reader's engine (shutdown); nothing to stop when no scan was read. */
export const closeDefaultPageReader = async (): Promise<void> => {
  const r = shared;
  shared = null;
  await r?.close();
};
