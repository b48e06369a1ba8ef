// The compiled copy of the sources in dist/ (built by `npm run build`, which `npm ci` runs), and
// whether it may run: only when it was built from exactly the sources on disk now. Plain JavaScript:
// bin/edoc.js reads it before any TypeScript loader is there.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

/** The folders compiled into dist/ with their layout (their non-TypeScript files are copied). */
export const SOURCE_DIRS = ["app", "bots", "core", "jobs"];

/** Files outside SOURCE_DIRS that change what the build writes. */
export const BUILD_INPUTS = ["tsconfig.json", "bin/dist.js", "scripts/build-dist.mjs"];

/** Top-level folders the code reads relative to its own file (migrations, the web page, the example organisation): linked from dist/. */
export const LINKED_DIRS = ["prisma", "web", "examples"];

export const DIST_DIR = "dist";

/** Written last by the build: the fingerprint of the sources it compiled. */
export const STAMP_FILE = path.join(DIST_DIR, ".sources");

const walk = (root, rel, out) => {
  let entries;
  try {
    entries = readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const child = path.join(rel, e.name);
    if (e.isDirectory()) walk(root, child, out);
    else if (e.isFile()) out.push(child);
  }
};

/** Every file the build reads, relative to `root`, sorted. */
export const sourceFiles = (root) => {
  const files = [];
  for (const dir of SOURCE_DIRS) walk(root, dir, files);
  files.push(...BUILD_INPUTS);
  return files.sort();
};

/**
 * A fingerprint of the sources as they are on disk: every file's path, size and modification time
 * (and the list itself, so an added, removed or renamed file changes it too). Stat only, no reads:
 * a few milliseconds for the ~300 files.
 */
export const sourceFingerprint = (root) => {
  const hash = createHash("sha256");
  for (const file of sourceFiles(root)) {
    let st;
    try {
      st = statSync(path.join(root, file));
    } catch {
      hash.update(`${file}\0missing\n`);
      continue;
    }
    hash.update(`${file}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return hash.digest("hex");
};

/**
 * The compiled entry point (dist/app/cli.js) when dist/ was built from exactly the sources on disk
 * now, else null: a stale build never runs (an edited, added or removed source file, a regenerated
 * Prisma client, an interrupted build all give null, and bin/edoc.js runs the sources through tsx).
 */
export const currentDistEntry = (root) => {
  let stamp;
  try {
    stamp = readFileSync(path.join(root, STAMP_FILE), "utf8").trim();
  } catch {
    return null;
  }
  if (stamp !== sourceFingerprint(root)) return null;
  const entry = path.join(root, DIST_DIR, "app", "cli.js");
  try {
    statSync(entry);
  } catch {
    return null;
  }
  return entry;
};
