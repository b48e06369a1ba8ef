// The embedded database's directory is created (initdb) by a child process, or copied from the
// migrated template made at install, and opened with the service's start parameters
// (core/store/pglite-options.ts).
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from "../../../core/store/migrate.ts";
import { createPgliteTemplate, initPgliteDataDir, PGLITE_OPTIONS } from "../../../core/store/pglite-options.ts";
import { pgliteRunner } from "../../../core/store/sql.ts";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("the embedded database's data directory", () => {
  it("is initialised once, outside this process, and opens with the small buffers", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "edoc-pglite-init-"));
    const pg = path.join(dir, "pg");
    expect(await initPgliteDataDir(pg, { template: null })).toBe(true);
    expect(existsSync(path.join(pg, "PG_VERSION"))).toBe(true);
    expect(await initPgliteDataDir(pg)).toBe(false);
    const db = await PGlite.create(pg, PGLITE_OPTIONS);
    try {
      expect((await db.query<{ shared_buffers: string }>("SHOW shared_buffers")).rows[0]!.shared_buffers).toBe("16MB");
      expect((await db.query<{ work_mem: string }>("SHOW work_mem")).rows[0]!.work_mem).toBe("2MB");
      expect((await db.query<{ n: number }>("SELECT 1 + 1 AS n")).rows[0]!.n).toBe(2);
    } finally {
      await db.close();
    }
  }, 120_000);

  it("reports a directory it cannot initialise", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "edoc-pglite-init-"));
    const file = path.join(dir, "not-a-directory");
    await (await import("node:fs/promises")).writeFile(file, "x");
    await expect(initPgliteDataDir(path.join(file, "pg"))).rejects.toThrow(/PGlite initdb in .* failed/);
  }, 120_000);

  it("starts as a copy of the template migrated with the same migrations: nothing is left to apply", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "edoc-pglite-init-"));
    const template = path.join(dir, "template");
    await createPgliteTemplate(template);
    const pg = path.join(dir, "pg");
    expect(await initPgliteDataDir(pg, { template })).toBe(true);
    expect(await readdir(pg)).not.toContain("edoc-template-key");
    const db = await PGlite.create(pg, PGLITE_OPTIONS);
    try {
      const applied = (await db.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`)).rows;
      expect(applied.map((r) => r.migration_name)).toEqual((await readMigrations()).map((m) => m.name));
      expect(await migrate(pgliteRunner(db))).toEqual({ applied: [], modified: [] });
    } finally {
      await db.close();
    }
  }, 300_000);

  it("does not copy a template made from other migrations: the directory is created empty and migrated at open", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "edoc-pglite-init-"));
    // A template made before the newest migration existed.
    const older = path.join(dir, "migrations");
    await cp(DEFAULT_MIGRATIONS_DIR, older, { recursive: true });
    const names = (await readMigrations(older)).map((m) => m.name);
    await rm(path.join(older, names.at(-1)!), { recursive: true });
    const template = path.join(dir, "template");
    await createPgliteTemplate(template, older);
    const pg = path.join(dir, "pg");
    expect(await initPgliteDataDir(pg, { template })).toBe(true);
    const db = await PGlite.create(pg, PGLITE_OPTIONS);
    try {
      expect((await db.query<{ t: string | null }>(`SELECT to_regclass('"_prisma_migrations"')::text AS t`)).rows[0]!.t).toBeNull();
      expect((await migrate(pgliteRunner(db))).applied).toEqual(names);
    } finally {
      await db.close();
    }
  }, 300_000);
});
