// bin/edoc.js runs the compiled dist/ only when it was built from exactly the sources on disk, and
// the sources (through tsx) otherwise: a stale build must never run (tests and developers spawn
// bin/edoc.js right after editing a file). Each test builds a small project of its own with the real
// bin/edoc.js, bin/dist.js and scripts/build-dist.mjs, and the repository's node_modules.
import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, symlink, unlink, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const REPO = path.resolve(import.meta.dirname, "../..");
let root: string;

const write = async (rel: string, text: string) => {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
};

/** Runs `node bin/edoc.js` in the project; its app/cli.ts prints where it runs from and what it read. */
const edoc = () => {
  const r = spawnSync(process.execPath, ["bin/edoc.js"], { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`edoc exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { from: string; value: string; lazy: string; migration: string; year: string };
};

const build = () => {
  const r = spawnSync(process.execPath, ["scripts/build-dist.mjs", root], { cwd: root, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`build exited ${r.status}: ${r.stderr}`);
};

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "edoc-bin-dist-"));
  for (const f of ["bin/edoc.js", "bin/dist.js", "scripts/build-dist.mjs", "tsconfig.json"]) await cp(path.join(REPO, f), path.join(root, f));
  await symlink(path.join(REPO, "node_modules"), path.join(root, "node_modules"), "dir");
  await write("package.json", JSON.stringify({ type: "module" }));
  // What the real code does: .ts specifiers (static, re-exported, dynamic), a type-only import,
  // files read relative to the module (a copied asset inside core/, a linked top-level folder).
  await write(
    "app/cli.ts",
    `import { value } from "../core/value.ts";
import type { Lazy } from "../core/lazy.ts";
import { migration, year } from "../core/store/read-files.ts";
const { lazy }: { lazy: Lazy } = await import("../core/lazy.ts");
console.log(JSON.stringify({ from: import.meta.url, value, lazy, migration: await migration(), year: await year() }));
`,
  );
  await write("core/value.ts", `export { value } from "./value-impl.ts";\n`);
  await write("core/value-impl.ts", `export const value: string = "one";\n`);
  await write("core/lazy.ts", `export type Lazy = string;\nexport const lazy: Lazy = "loaded";\n`);
  await write(
    "core/store/read-files.ts",
    `import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
const here = path.dirname(fileURLToPath(import.meta.url));
export const migration = () => readFile(path.resolve(here, "../../prisma/migrations/1.sql"), "utf8");
export const year = () => readFile(path.join(here, "years", "2026.yaml"), "utf8");
`,
  );
  await write("core/store/years/2026.yaml", "year: 2026\n");
  await write("prisma/migrations/1.sql", "SELECT 1;\n");
  for (const dir of ["bots", "jobs", "web", "examples"]) await mkdir(path.join(root, dir), { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true, maxRetries: 5 });
});

const fromDist = () => path.join(root, "dist", "app", "cli.js");
const fromSources = () => path.join(root, "app", "cli.ts");

describe("bin/edoc.js and dist/", () => {
  it("runs the sources when nothing was built, and dist/ once built, which finds the files the code reads next to itself", async () => {
    expect(edoc()).toEqual({ from: `file://${fromSources()}`, value: "one", lazy: "loaded", migration: "SELECT 1;\n", year: "year: 2026\n" });
    build();
    expect(edoc()).toEqual({ from: `file://${fromDist()}`, value: "one", lazy: "loaded", migration: "SELECT 1;\n", year: "year: 2026\n" });
    // A migration added later is seen through the link (prisma/ is not copied).
    await write("prisma/migrations/1.sql", "SELECT 2;\n");
    expect(edoc().migration).toBe("SELECT 2;\n");
    // No .ts specifier is left in the output: node alone could not load it.
    expect(await readFile(fromDist(), "utf8")).not.toMatch(/\.ts["']/);
  }, 240_000);

  it("never runs a stale dist/: an edited source runs as edited until the next build", async () => {
    build();
    await write("core/value-impl.ts", `export const value: string = "two";\n`);
    expect(edoc()).toMatchObject({ from: `file://${fromSources()}`, value: "two" });
    build();
    expect(edoc()).toMatchObject({ from: `file://${fromDist()}`, value: "two" });
  }, 240_000);

  it("an edit that keeps the size and an older modification time still counts as a change", async () => {
    build();
    const file = path.join(root, "core/value-impl.ts");
    await writeFile(file, `export const value: string = "six";\n`);
    const past = new Date("2020-01-01T00:00:00Z");
    await utimes(file, past, past);
    expect(edoc()).toMatchObject({ from: `file://${fromSources()}`, value: "six" });
  }, 240_000);

  it("an added or a removed source file makes dist/ stale", async () => {
    build();
    await write("jobs/new-job.ts", "export const job = 1;\n");
    expect(edoc().from).toBe(`file://${fromSources()}`);
    build();
    expect(edoc().from).toBe(`file://${fromDist()}`);
    await unlink(path.join(root, "jobs/new-job.ts"));
    expect(edoc().from).toBe(`file://${fromSources()}`);
  }, 240_000);

  it("a build that did not finish (no fingerprint written) is not used", async () => {
    build();
    await unlink(path.join(root, "dist", ".sources"));
    expect(edoc().from).toBe(`file://${fromSources()}`);
  }, 240_000);
});
