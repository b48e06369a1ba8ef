// The options the embedded database (PGlite) is opened with, in one place (the service, the
// commands, the footprint benchmark's bare baseline).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";

/**
 * PostgreSQL's defaults are sized for a server (128 MB shared_buffers); inside the service's own
 * process an agency's database (thousands of documents a year) needs a fraction of that, and every
 * buffer touched stays resident. Measured with bench/footprint.ts.
 */
export const PGLITE_START_PARAMS = ["-c", "shared_buffers=16MB", "-c", "work_mem=2MB", "-c", "maintenance_work_mem=16MB", "-c", "temp_buffers=2MB", "-c", "wal_buffers=1MB"];

export const PGLITE_OPTIONS: PGliteOptions = {
  // Durability: see openPglite in client.ts.
  relaxedDurability: false,
  startParams: [...(PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams, ...PGLITE_START_PARAMS],
};

/**
 * Creates the PGlite cluster in `dir` (initdb) in a child process when it is not there yet. PGlite
 * runs initdb in a second WASM instance inside the process that opens a fresh directory and keeps
 * 300–450 MB of it resident until a later garbage collection; in a child that memory goes away with
 * the child. A directory that already holds a cluster is left alone.
 */
export const initPgliteDataDir = async (dir: string): Promise<boolean> => {
  if (existsSync(path.join(dir, "PG_VERSION"))) return false;
  const script = `
    const { PGlite } = await import(process.env.EDOC_PGLITE_URL);
    const db = await PGlite.create(process.env.EDOC_PGLITE_DIR, JSON.parse(process.env.EDOC_PGLITE_OPTIONS));
    await db.query("SELECT 1");
    await db.close();`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      env: { ...process.env, EDOC_PGLITE_URL: import.meta.resolve("@electric-sql/pglite"), EDOC_PGLITE_DIR: dir, EDOC_PGLITE_OPTIONS: JSON.stringify(PGLITE_OPTIONS) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()).length > 10_000 && (stderr = stderr.slice(-5_000)));
    child.once("error", reject);
    child.once("exit", (code, signal) => (code === 0 ? resolve() : reject(new Error(`PGlite initdb in ${dir} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-2_000)}`))));
  });
  return true;
};
