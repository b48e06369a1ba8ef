// `npm run build` (run by `npm ci`), after scripts/build-dist.mjs: creates and migrates the embedded
// database's template (prisma/pglite-template, gitignored) that a fresh DATA_DIR starts as a copy of
// (core/store/pglite-options.ts). Runs the compiled dist/, so no TypeScript loader is needed.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { createPgliteTemplate, PGLITE_TEMPLATE_DIR } = await import(path.join(root, "dist", "core", "store", "pglite-options.js"));
const t = performance.now();
await createPgliteTemplate();
console.log(`${path.relative(root, realpathSync(PGLITE_TEMPLATE_DIR))}: embedded database created and migrated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
// PGlite may leave its initdb instance closing in the background: nothing else is to be done here.
process.exit(0);
