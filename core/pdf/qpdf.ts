// Thin wrapper around the `qpdf` command (Debian package qpdf), used only to remove owner-only
// encryption. Never through a shell; input and output are files in a private temporary directory.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Result of trying to decrypt: the decrypted bytes, or why not. */
export type DecryptResult = { ok: true; bytes: Uint8Array } | { ok: false; reason: "password-required" | "qpdf-unavailable" | "failed" };

/** Options of `decryptOwnerOnly`. */
export type QpdfOptions = {
  /** Path of the qpdf binary. @defaultValue "qpdf" (found on PATH) */
  qpdfPath?: string;
  /** Kill qpdf after this long. @defaultValue 30_000 */
  timeoutMs?: number;
};

const run = (bin: string, args: string[], timeoutMs: number) =>
  new Promise<{ code: number | null; errno?: string }>((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024, windowsHide: true }, (err) => {
      if (!err) return resolve({ code: 0 });
      const e = err as NodeJS.ErrnoException & { code?: number | string };
      if (typeof e.code === "string") return resolve({ code: null, errno: e.code });
      resolve({ code: typeof e.code === "number" ? e.code : null });
    });
  });

/**
 * Decrypts a PDF that is encrypted with an owner password only (it opens without a password, but
 * restricts printing or editing). A PDF that needs a user password to open is left alone:
 * `{ ok: false, reason: "password-required" }`.
 *
 * `qpdf --requires-password` exits 0 when a password is needed, 2 when the file is not encrypted,
 * 3 when it is encrypted but opens without a password.
 */
export const decryptOwnerOnly = async (bytes: Uint8Array, options: QpdfOptions = {}): Promise<DecryptResult> => {
  const bin = options.qpdfPath ?? "qpdf";
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dir = await mkdtemp(join(tmpdir(), "edoc-qpdf-"));
  try {
    const input = join(dir, "in.pdf");
    const output = join(dir, "out.pdf");
    await writeFile(input, bytes, { mode: 0o600 });
    const probe = await run(bin, ["--requires-password", input], timeoutMs);
    if (probe.errno === "ENOENT") return { ok: false, reason: "qpdf-unavailable" };
    if (probe.code === 0) return { ok: false, reason: "password-required" };
    if (probe.code !== 3) return { ok: false, reason: "failed" };
    // Exit 3 from --decrypt means "succeeded with warnings": the output is still written.
    const result = await run(bin, ["--decrypt", input, output], timeoutMs);
    if (result.code !== 0 && result.code !== 3) return { ok: false, reason: "failed" };
    return { ok: true, bytes: new Uint8Array(await readFile(output)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
