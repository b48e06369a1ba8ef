import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findImportViolations } from "../../scripts/check-imports.ts";

describe("layering (DESIGN.md: core/ imports neither bots/ nor jobs/)", () => {
  it("holds in this repository", async () => {
    expect(await findImportViolations(process.cwd())).toEqual([]);
  });

  it("catches a core file importing a bot, a job importing a bot, and a bot using Prisma", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "edoc-layers-"));
    try {
      for (const dir of ["core/x", "bots/telegram", "jobs"]) await mkdir(path.join(root, dir), { recursive: true });
      await writeFile(path.join(root, "core/x/a.ts"), `import { y } from "./b.ts";\nimport type { Bot } from "../../bots/telegram/bot.ts";\n`);
      await writeFile(path.join(root, "jobs/j.ts"), `export { z } from "../bots/telegram/bot.ts";\n`);
      await writeFile(path.join(root, "bots/telegram/bot.ts"), `const m = await import("../../jobs/j.ts");\nimport { PrismaClient } from "@prisma/client";\n`);
      const found = (await findImportViolations(root)).map((v) => `${v.file}:${v.line} ${v.rule}`).sort();
      expect(found).toEqual([
        "bots/telegram/bot.ts:1 bots/ must not import jobs/",
        "bots/telegram/bot.ts:2 only core/ may use Prisma",
        "core/x/a.ts:2 core/ must not import bots/",
        "jobs/j.ts:1 jobs/ must not import bots/",
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
