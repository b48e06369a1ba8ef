// npm run migration:new NAME — writes prisma/migrations/<timestamp>_NAME/migration.sql with the SQL
// that brings the committed migrations up to prisma/schema.prisma.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { diffMigrationsToSchema } from "./schema-diff.ts";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_");
if (!name) {
  console.error("Usage: npm run migration:new NAME");
  process.exit(2);
}
const sql = await diffMigrationsToSchema("prisma/schema.prisma", "prisma/migrations");
if (!sql) {
  console.log("The migrations already match prisma/schema.prisma: nothing to write.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const dir = path.join("prisma/migrations", `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, "migration.sql"), sql);
console.log(`Wrote ${dir}/migration.sql`);
