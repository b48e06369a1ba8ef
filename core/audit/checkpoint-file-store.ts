// The audit checkpoints in a file outside the database (DATA_DIR/audit/checkpoint.json by default),
// signed with a key that is not in the database either. Written to a temporary file, flushed to
// disk, then renamed over the old one: a reader (or a crash) sees the old file or the new, never half.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { signCheckpoints, openSignedCheckpoints, type AuditCheckpointStore } from "./audit-checkpoint.ts";

/**
 * The signing key, or a function that finds it when it is first needed: with `create: false` (reading)
 * it answers null when there is none; with `create: true` (writing) it makes one. So verifying a
 * directory without checkpoints reads nothing and writes nothing.
 */
export type CheckpointSecret = string | ((options: { create: boolean }) => Promise<string | null>);

/**
 * A checkpoint store in one JSON file.
 *
 * @example const store = createFileCheckpointStore({ file: path.join(dataDir, "audit", "checkpoint.json"), secret });
 */
export const createFileCheckpointStore = ({ file, secret }: { file: string; secret: CheckpointSecret }): AuditCheckpointStore => ({
  location: file,
  load: async () => {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { status: "none" };
      throw err;
    }
    const key = typeof secret === "string" ? secret : await secret({ create: false });
    if (key === null) return { status: "notAuthentic", reason: "noKey" };
    return openSignedCheckpoints(key, text);
  },
  save: async (latest, history) => {
    const key = typeof secret === "string" ? secret : await secret({ create: true });
    if (key === null) throw new Error("no key to sign the audit checkpoint");
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      const handle = await open(temp, "wx", 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(signCheckpoints(key, latest, history), null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    // The rename itself reaches the disk when the directory is flushed (not possible everywhere).
    const dirHandle = await open(dir, "r").catch(() => null);
    await dirHandle?.sync().catch(() => {});
    await dirHandle?.close();
  },
});
