#!/usr/bin/env node
// The `edoc` command. Runs the compiled sources in dist/ (built by `npm ci` / `npm run build`) when
// they were built from exactly the sources on disk now; otherwise (a source edited since, no build)
// runs the TypeScript sources through tsx, so an edit takes effect without a build and a stale dist/
// never runs. See bin/dist.js.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import v8 from "node:v8";
import { currentDistEntry } from "./dist.js";

// WebAssembly (PGlite's PostgreSQL, Prisma's query compiler) runs on V8's baseline compiler only:
// the optimising tier's compilations leave 35–75 MB in malloc arenas of the idle service, for a
// CPU-bound query ≈1.4× as fast (BENCHMARKS.md, Footprint). Set before any module is compiled, so read
// here: the one environment read outside app/config.ts (which validates and documents it).
if (process.env.EDOC_WASM_OPTIMIZE !== "1") v8.setFlagsFromString("--liftoff-only");

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = currentDistEntry(root);
if (dist) {
  await import(pathToFileURL(dist).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../app/cli.ts");
}
