// A file checked the moment it arrives in a conversation, before anything else is asked: empty,
// corrupt, encrypted, oversized, HTML or a decompression bomb is refused at once (the same checks
// as the intake at /ok: ./validate-upload.ts). Nothing is stored here.
import { open, readFile } from "node:fs/promises";
import type { CoreDeps } from "../deps.ts";
import { largeFileGate } from "../files/large-file-gate.ts";
import { sniffFileType } from "../files/sniff-file-type.ts";
import { fileSource } from "./incremental/pdf-file.ts";
import { assertUploadSize, inspectPdfStructure, resolveLimits, validateUpload, type UploadPart } from "./validate-upload.ts";

/** What the file really is, for the form's label: its type from its bytes, and a PDF's page count. */
export type ArrivedFile = { kind: "pdf" | "jpeg" | "png"; pageCount: number | null };

/** A file that arrived as a temporary file (a web-chat upload). */
export type ArrivedFileOnDisk = { path: string; size: number; fileName?: string; mimeHint?: string };

/** Enough of a file's start to recognise its type (a PDF header may sit after up to 1 KB of junk). */
const HEAD_BYTES = 64 * 1024;

/**
 * Validates one arriving file with the organisation's upload limit; throws the intake's refusal
 * (a DomainError with an `intake.*` message) for a bad one. A PDF on disk is usually checked by
 * reading its structure by offset; anything else is read whole, inside the large-file gate.
 *
 * @example const { kind, pageCount } = await checkArrivedFile(deps, { bytes, fileName: "congvan.pdf" }) // { kind: "pdf", pageCount: 2 }
 */
export const checkArrivedFile = async (deps: Pick<CoreDeps, "settings">, part: UploadPart | ArrivedFileOnDisk): Promise<ArrivedFile> => {
  const limits = resolveLimits({ limits: { maxBytes: deps.settings.maxUploadBytes } });
  if ("path" in part) {
    assertUploadSize(part.size, limits);
    const handle = await open(part.path, "r");
    const head = Buffer.alloc(Math.min(HEAD_BYTES, part.size));
    try {
      await handle.read(head, 0, head.length, 0);
    } finally {
      await handle.close();
    }
    if (sniffFileType(head) === "pdf") {
      const source = await fileSource(part.path);
      try {
        const quick = await inspectPdfStructure(source, limits);
        if (quick) return { kind: "pdf", pageCount: quick.pageCount };
      } finally {
        await source.close();
      }
    }
    return largeFileGate.run(part.size, async () => {
      const buf = await readFile(part.path);
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      return checkArrivedFile(deps, { bytes, ...(part.fileName ? { fileName: part.fileName } : {}), ...(part.mimeHint ? { mimeHint: part.mimeHint } : {}) });
    });
  }
  const v = await validateUpload(part, { limits: { maxBytes: deps.settings.maxUploadBytes } });
  return v.kind === "pdf" ? { kind: "pdf", pageCount: v.pageCount } : { kind: v.kind, pageCount: null };
};
