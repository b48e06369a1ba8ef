// The embedded database's directory is created (initdb) by a child process, and opened with the
// service's start parameters (core/store/pglite-options.ts).
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { initPgliteDataDir, PGLITE_OPTIONS } from "../../../core/store/pglite-options.ts";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("the embedded database's data directory", () => {
  it("is initialised once, outside this process, and opens with the small buffers", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "edoc-pglite-init-"));
    const pg = path.join(dir, "pg");
    expect(await initPgliteDataDir(pg)).toBe(true);
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
});
