// The layering rules of DESIGN.md, checked on the source text:
// - core/ imports neither bots/, jobs/ nor the composition root (app/);
// - bots/ and jobs/ do not import each other, nor app/;
// - nothing outside core/ touches Prisma's generated client (persistence stays in core).
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";

export type ImportViolation = { file: string; line: number; specifier: string; rule: string };

const LAYERS = ["core", "bots", "jobs"] as const;
const FORBIDDEN: Record<(typeof LAYERS)[number], string[]> = {
  core: ["bots", "jobs", "app"],
  bots: ["jobs", "app"],
  jobs: ["bots", "app"],
};

/** An import or re-export, a dynamic import(), or a bare import: the specifier in group 1, 2 or 3. */
export const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*["']([^"']+)["']|(?:^|[\s;(])import\s*\(\s*["']([^"']+)["']\s*\)|(?:^|[\s;])import\s*["']([^"']+)["']/g;

/** The source files under `dir` (Prisma's generated client and node_modules left out). */
export const listTs = async (dir: string): Promise<string[]> => {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name === "node_modules" || e.name === "generated") continue;
      out.push(...(await listTs(full)));
    } else if (/\.(ts|tsx|mts|js|mjs)$/.test(e.name)) out.push(full);
  }
  return out;
};

/** Lists every import in core/, bots/ and jobs/ under `root` that breaks a layering rule. */
export const findImportViolations = async (root: string): Promise<ImportViolation[]> => {
  const violations: ImportViolation[] = [];
  for (const layer of LAYERS) {
    for (const file of await listTs(path.join(root, layer))) {
      const text = await readFile(file, "utf8");
      const rel = path.relative(root, file);
      for (const match of text.matchAll(IMPORT_RE)) {
        const specifier = match[1] ?? match[2] ?? match[3];
        if (!specifier) continue;
        const line = text.slice(0, match.index).split("\n").length + (match[0].startsWith("\n") ? 1 : 0);
        if (specifier.startsWith(".")) {
          const target = path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep);
          if (FORBIDDEN[layer].includes(target[0]!)) violations.push({ file: rel, line, specifier, rule: `${layer}/ must not import ${target[0]}/` });
          if (layer !== "core" && target[0] === "core" && target.includes("generated"))
            violations.push({ file: rel, line, specifier, rule: "only core/ may use Prisma's generated client" });
        } else if (layer !== "core" && /^@prisma\/(client|adapter-pg)|^pglite-prisma-adapter/.test(specifier)) {
          violations.push({ file: rel, line, specifier, rule: "only core/ may use Prisma" });
        }
      }
    }
  }
  return violations;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const violations = await findImportViolations(process.cwd());
  for (const v of violations) console.error(`${v.file}:${v.line}: ${v.rule} (imports "${v.specifier}")`);
  if (violations.length) process.exit(1);
  console.log("Import rules hold.");
}
