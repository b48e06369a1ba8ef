// The import scan shared by check-imports.ts and check-cycles.ts: source files, and the specifiers
// they import, read from the source text.
import { readdir } from "node:fs/promises";
import path from "node:path";

/** An import or re-export, a dynamic import(), or a bare import: the specifier in group 1, 2 or 3. */
export const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*["']([^"']+)["']|(?:^|[\s;(])import\s*\(\s*["']([^"']+)["']\s*\)|(?:^|[\s;])import\s*["']([^"']+)["']/g;

/** The source files under `dir` (Prisma's generated client, node_modules and the lint fixtures, which break the rules on purpose, left out). */
export const listTs = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === "node_modules" || e.name === "generated" || e.name === "lint-fixtures") continue;
      out.push(...(await listTs(full)));
    } else if (/\.(ts|tsx|mts|js|mjs)$/.test(e.name)) out.push(full);
  }
  return out;
};
