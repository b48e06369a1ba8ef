// The layering rules of DESIGN.md, checked on the source text:
// - core/ imports neither bots/, jobs/ nor the composition root (app/);
// - bots/ and jobs/ do not import each other, nor app/;
// - nothing outside core/ touches Prisma's generated client (persistence stays in core);
// - no import cycle beyond the known ones (scripts/check-cycles.ts, run from here).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { checkCycles } from "./check-cycles.ts";
import { IMPORT_RE, listTs } from "./source-imports.ts";

export type ImportViolation = { file: string; line: number; specifier: string; rule: string };

const LAYERS = ["core", "bots", "jobs"] as const;
const FORBIDDEN: Record<(typeof LAYERS)[number], string[]> = {
  core: ["bots", "jobs", "app"],
  bots: ["jobs", "app"],
  jobs: ["bots", "app"],
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
  // Import cycles too, so the check:imports command (and the test command) runs both.
  const cycles = await checkCycles(process.cwd());
  for (const c of cycles.unknown) console.error(`import cycle: ${c.join(" ⇄ ")}`);
  for (const k of cycles.gone) console.log(`known import cycle no longer there (remove it from KNOWN_CYCLES in scripts/check-cycles.ts): ${k.join(" ⇄ ")}`);
  if (violations.length || cycles.unknown.length) process.exit(1);
  console.log("Import rules hold; no new import cycle.");
}
