// The heavy packages the idle service and the CLI must not load at start (issue 23: the idle service
// ≤ 250 MB): each is loaded on first use, by an `await import(…)` where it is needed. The import graph
// is read the way esbuild bundles it (its metafile), following static imports only: `import type` is
// erased, `import { type X }` still loads its module (verbatimModuleSyntax), `import()` is not followed.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/** Loaded on first use only: PDF work, reading scans, charts, XLSX, archives, chat adapters, the queue, S3. */
const LAZY_PACKAGES = [
  "pdf-lib",
  "@pdf-lib/fontkit",
  "@signpdf/placeholder-pdf-lib",
  "@signpdf/signer-p12",
  "@signpdf/signpdf",
  "sharp",
  "tesseract.js",
  "vega",
  "vega-lite",
  "exceljs",
  "yazl",
  "grammy",
  "@grammyjs/auto-retry",
  "@grammyjs/runner",
  "bullmq",
  "ioredis",
  "@bull-board/api",
  "@bull-board/hono",
  "@aws-sdk/client-s3",
];

const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/**
 * Every package `entry` (relative to `root`) reaches through static imports, with the chain of files
 * that reaches it ("core/pdf/sign-pdf.ts <- core/index.ts <- app/serve.ts").
 */
const staticPackages = async (root: string, entry: string): Promise<Map<string, string>> => {
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "silent",
    outdir: "out",
  });
  const parent = new Map<string, string>();
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imp of metafile.inputs[file]?.imports ?? []) {
      if (imp.kind === "dynamic-import") continue;
      if (imp.external) {
        if (!imp.path.startsWith("node:") && !packages.has(packageOf(imp.path))) packages.set(packageOf(imp.path), file);
        continue;
      }
      if (!parent.has(imp.path) && imp.path !== entry) parent.set(imp.path, file);
      stack.push(imp.path);
    }
  }
  const chainOf = (file: string) => {
    const chain = [file];
    for (let f = parent.get(file); f !== undefined; f = parent.get(f)) chain.push(f);
    return chain.join(" <- ");
  };
  return new Map([...packages].map(([name, file]) => [name, chainOf(file)]));
};

const lazyReached = async (entry: string) =>
  [...(await staticPackages(process.cwd(), entry))].filter(([name]) => LAZY_PACKAGES.includes(name)).map(([name, chain]) => `${name}: ${chain}`);

describe("heavy packages load on first use, not at start (issue 23)", () => {
  it("are not statically reachable from the service (app/serve.ts)", async () => {
    expect(await lazyReached("app/serve.ts")).toEqual([]);
  });

  it("are not statically reachable from the CLI (app/cli.ts)", async () => {
    expect(await lazyReached("app/cli.ts")).toEqual([]);
  });

  it("finds a package behind a static import or an inline type import, not behind import() or import type", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "edoc-lazy-"));
    try {
      await mkdir(path.join(root, "app"), { recursive: true });
      const files: Record<string, string> = {
        "tsconfig.json": JSON.stringify({ compilerOptions: { verbatimModuleSyntax: true, allowImportingTsExtensions: true } }),
        "app/entry.ts": [
          `import { a } from "./a.ts";`,
          `import type { PDFDocument } from "pdf-lib";`,
          `import { type Sharp } from "sharp";`,
          `export const f = async (d: PDFDocument, s: Sharp) => [a, d, s, await import("tesseract.js")];`,
        ].join("\n"),
        "app/a.ts": `import { Workbook } from "exceljs";\nexport const a = async () => [Workbook, (await import("./b.ts")).b];\n`,
        "app/b.ts": `import vega from "vega";\nexport const b = vega;\n`,
      };
      for (const [file, text] of Object.entries(files)) await writeFile(path.join(root, file), text);
      expect(Object.fromEntries(await staticPackages(root, "app/entry.ts"))).toEqual({
        exceljs: "app/a.ts <- app/entry.ts",
        sharp: "app/entry.ts",
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
