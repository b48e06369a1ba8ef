// The committed migrations must produce exactly prisma/schema.prisma. Checked with Prisma's own
// schema engine (WebAssembly build) diffing the migration history against the datamodel.
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { diffMigrationsToSchema } from "../../../scripts/schema-diff.ts";

describe("migrations and schema", () => {
  it("agree: the diff from the migrations to the schema is empty", async () => {
    const diff = await diffMigrationsToSchema("prisma/schema.prisma", "prisma/migrations");
    expect(diff, `prisma/schema.prisma has changes without a migration; run: npm run migration:new NAME\n${diff}`).toBe("");
  }, 120_000);

  it("disagree as soon as a field is added to the schema without a migration", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "edoc-drift-"));
    try {
      const schema = (await readFile("prisma/schema.prisma", "utf8")).replace("model Unit {\n", "model Unit {\n  driftCheck String?\n");
      await writeFile(path.join(dir, "schema.prisma"), schema);
      await cp("prisma/migrations", path.join(dir, "migrations"), { recursive: true });
      const diff = await diffMigrationsToSchema(path.join(dir, "schema.prisma"), path.join(dir, "migrations"));
      expect(diff).toMatch(/ALTER TABLE "Unit" ADD COLUMN\s+"driftCheck" TEXT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
