// The options the embedded database (PGlite) is opened with, in one place (the service, the
// commands, the footprint benchmark's bare baseline).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, cp, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from "./migrate.ts";
import { pgliteRunner } from "./sql.ts";

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
 * A data directory created and migrated once, at install (`npm run build`), that a fresh DATA_DIR
 * starts as a copy of: a first start then costs a file copy instead of initdb and every migration
 * (seconds on a busy machine). Reached through prisma/ (dist/prisma links to it), so the sources and
 * dist/ find the same one; gitignored.
 */
export const PGLITE_TEMPLATE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/pglite-template");

/** Inside the template: what it was made from (see pgliteTemplateKey); not copied. */
const TEMPLATE_KEY_FILE = "edoc-template-key";

/**
 * What a template is made from: PGlite's version, the start parameters and every migration (name and
 * checksum). A template is copied only while all of them are the same as now; otherwise a fresh
 * directory is created with initdb and migrated at open, as without a template.
 */
export const pgliteTemplateKey = async (migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<string> => {
  const entry = fileURLToPath(import.meta.resolve("@electric-sql/pglite"));
  let pkgDir = path.dirname(entry);
  while (!existsSync(path.join(pkgDir, "package.json")) && path.dirname(pkgDir) !== pkgDir) pkgDir = path.dirname(pkgDir);
  const version = (JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
  const migrations = (await readMigrations(migrationsDir)).map((m) => [m.name, m.checksum]);
  return createHash("sha256")
    .update(JSON.stringify({ version, startParams: PGLITE_START_PARAMS, migrations }))
    .digest("hex");
};

/** Builds the migrated template in `target` (replacing one there); returns its key. */
export const createPgliteTemplate = async (target: string = PGLITE_TEMPLATE_DIR, migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<string> => {
  const building = `${target}.building-${process.pid}`;
  await rm(building, { recursive: true, force: true });
  try {
    await initPgliteDataDir(building, { template: null });
    const db = await PGlite.create(building, PGLITE_OPTIONS);
    try {
      await migrate(pgliteRunner(db), { dir: migrationsDir });
    } finally {
      await db.close();
    }
    const key = await pgliteTemplateKey(migrationsDir);
    await writeFile(path.join(building, TEMPLATE_KEY_FILE), `${key}\n`);
    await rm(target, { recursive: true, force: true });
    await rename(building, target);
    return key;
  } finally {
    await rm(building, { recursive: true, force: true });
  }
};

/** Copies the template into `dir` when it is there and made from what is here now; false when it is not usable. */
const copyTemplate = async (template: string, dir: string): Promise<boolean> => {
  const key = await readFile(path.join(template, TEMPLATE_KEY_FILE), "utf8").then(
    (t) => t.trim(),
    () => null,
  );
  if (!key || key !== (await pgliteTemplateKey())) return false;
  try {
    // PG_VERSION last: a copy cut short leaves a directory without it, which the next start fills again.
    await cp(template, dir, { recursive: true, force: true, filter: (src) => ![path.join(template, TEMPLATE_KEY_FILE), path.join(template, "PG_VERSION")].includes(src) });
    await copyFile(path.join(template, "PG_VERSION"), path.join(dir, "PG_VERSION"));
  } catch (err) {
    throw new Error(`PGlite initdb in ${dir} failed (copying the template ${template}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return true;
};

/**
 * Creates the PGlite cluster in `dir` when it is not there yet: a copy of the migrated template when
 * there is a usable one (see PGLITE_TEMPLATE_DIR), else initdb in a child process. PGlite runs initdb
 * in a second WASM instance inside the process that opens a fresh directory and keeps 300–450 MB of
 * it resident until a later garbage collection; in a child that memory goes away with the child. A
 * directory that already holds a cluster is left alone. Returns whether it created one.
 */
export const initPgliteDataDir = async (dir: string, { template = PGLITE_TEMPLATE_DIR }: { template?: string | null } = {}): Promise<boolean> => {
  if (existsSync(path.join(dir, "PG_VERSION"))) return false;
  if (template && (await copyTemplate(template, dir))) return true;
  // The child gets PGlite's module URL, the directory and the options as arguments (argv[1..3] under -e).
  const script = `
    const [url, dir, options] = process.argv.slice(1);
    const { PGlite } = await import(url);
    const db = await PGlite.create(dir, JSON.parse(options));
    await db.query("SELECT 1");
    await db.close();`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, import.meta.resolve("@electric-sql/pglite"), dir, JSON.stringify(PGLITE_OPTIONS)], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()).length > 10_000 && (stderr = stderr.slice(-5_000)));
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`PGlite initdb in ${dir} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-2_000)}`)),
    );
  });
  return true;
};
