// `npm run build` (run by `npm ci`): compiles the TypeScript of app/, bots/, core/ and jobs/ to
// JavaScript in dist/ with the same layout, one file per source (transpile only: types are checked by
// `npm run typecheck`), so that the service runs without a TypeScript loader (tsx holds ≈30 MB and an
// esbuild child process). Relative `.ts` import specifiers become `.js`; packages stay imports.
// Non-TypeScript files in those folders are copied; the top-level folders the code reads relative to
// its own file (prisma/migrations, web/dist, examples/) are linked. The fingerprint of the sources is
// written last (dist/.sources): bin/edoc.js runs dist/ only when it still matches (bin/dist.js).
//
//   node scripts/build-dist.mjs [ROOT]
import { copyFile, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { DIST_DIR, LINKED_DIRS, SOURCE_DIRS, STAMP_FILE, sourceFiles, sourceFingerprint } from "../bin/dist.js";

/** Keeps every import an import (no bundling), with a relative `.ts` specifier pointing at the compiled `.js`. */
const importsStayImports = {
  name: "imports-stay-imports",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const rel = args.path.startsWith("./") || args.path.startsWith("../");
      return { path: rel ? args.path.replace(/\.(m?)ts$/, ".$1js") : args.path, external: true };
    });
  },
};

/** Builds dist/ under `root`; returns how many files were compiled and copied. */
export const buildDist = async (root) => {
  const dist = path.join(root, DIST_DIR);
  // The fingerprint of the sources this build reads, taken before reading them: a file edited while
  // the build runs leaves a stamp that no longer matches, and the sources run instead.
  const fingerprint = sourceFingerprint(root);
  await rm(dist, { recursive: true, force: true });
  const files = sourceFiles(root).filter((f) => SOURCE_DIRS.includes(f.split(path.sep)[0]));
  const ts = files.filter((f) => /\.m?ts$/.test(f) && !f.endsWith(".d.ts"));
  const assets = files.filter((f) => !/\.m?ts$/.test(f));
  await build({
    absWorkingDir: root,
    entryPoints: ts,
    outdir: dist,
    outbase: root,
    bundle: true,
    plugins: [importsStayImports],
    format: "esm",
    platform: "node",
    target: "node20",
    tsconfig: path.join(root, "tsconfig.json"),
    // Stack traces name dist/ lines; `node --enable-source-maps` maps them back to the sources.
    sourcemap: "linked",
    sourcesContent: false,
    logLevel: "warning",
  });
  for (const file of assets) {
    await mkdir(path.dirname(path.join(dist, file)), { recursive: true });
    await copyFile(path.join(root, file), path.join(dist, file));
  }
  for (const dir of LINKED_DIRS) await symlink(path.join("..", dir), path.join(dist, dir), "dir");
  await writeFile(path.join(root, STAMP_FILE), `${fingerprint}\n`);
  return { compiled: ts.length, copied: assets.length };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
  const t = performance.now();
  const { compiled, copied } = await buildDist(root);
  console.log(`dist/: ${compiled} files compiled, ${copied} copied in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
