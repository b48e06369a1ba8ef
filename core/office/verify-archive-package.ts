// Checks an exported archive package (export-case-file.ts) against its manifest: every listed file
// must be there with the same SHA-256; files that are not listed are reported too. Pure filesystem
// work: no database, so it runs wherever the package is (the archive's own machine).
import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const MANIFEST_NAME = "manifest.json";
export const ARCHIVE_FORMAT = "edoc-archive/1";

export const ZManifest = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  fileCode: z.string(),
  generatedAt: z.string(),
  files: z.array(z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0) })),
});
export type Manifest = z.infer<typeof ZManifest>;

export type VerifyArchiveResult = {
  ok: boolean;
  /** Set when the manifest itself is missing or unreadable (nothing else was checked). */
  manifestError: string | null;
  fileCode: string | null;
  /** Files listed in the manifest. */
  checked: number;
  /** Listed but not there. */
  missing: string[];
  /** There, but their content differs from the manifest's SHA-256. */
  altered: string[];
  /** There, but not listed. */
  unexpected: string[];
};

const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** A manifest path must stay inside the package: relative, forward slashes, no "..". */
const isSafePath = (p: string): boolean => !p.startsWith("/") && !p.includes("\\") && p.split("/").every((part) => part !== "" && part !== "." && part !== "..");

const listFiles = async (dir: string, prefix = ""): Promise<string[]> => {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out;
};

/**
 * Verifies the package in `dir`. `ok` is true only when every listed file is present and unchanged
 * and nothing unlisted was added.
 *
 * @example const r = await verifyArchivePackage("/srv/archive/UBND.2026.05-VP"); if (!r.ok) console.error(r.altered);
 */
export const verifyArchivePackage = async (dir: string): Promise<VerifyArchiveResult> => {
  const result: VerifyArchiveResult = { ok: false, manifestError: null, fileCode: null, checked: 0, missing: [], altered: [], unexpected: [] };
  let manifest: Manifest;
  try {
    manifest = ZManifest.parse(JSON.parse(await readFile(path.join(dir, MANIFEST_NAME), "utf8")));
  } catch (err) {
    result.manifestError =
      (err as NodeJS.ErrnoException).code === "ENOENT" ? `${MANIFEST_NAME} not found` : `${MANIFEST_NAME} unreadable: ${(err as Error).message.split("\n")[0]}`;
    return result;
  }
  result.fileCode = manifest.fileCode;
  const listed = new Set<string>();
  for (const entry of manifest.files) {
    result.checked++;
    listed.add(entry.path);
    if (!isSafePath(entry.path)) {
      result.altered.push(entry.path);
      continue;
    }
    const bytes = await readFile(path.join(dir, ...entry.path.split("/"))).catch(() => null); // reported as missing
    if (bytes === null) result.missing.push(entry.path);
    else if (bytes.length !== entry.size || sha256Hex(bytes) !== entry.sha256) result.altered.push(entry.path);
  }
  for (const rel of await listFiles(dir)) if (rel !== MANIFEST_NAME && !listed.has(rel)) result.unexpected.push(rel);
  result.ok = result.missing.length === 0 && result.altered.length === 0 && result.unexpected.length === 0;
  return result;
};
