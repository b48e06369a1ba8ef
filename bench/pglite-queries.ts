// Benchmark: query speed and resident memory of the embedded database under the settings the idle
// service chose (issue 23): shared_buffers 16 MB against 8 MB, and WebAssembly on V8's baseline tier
// only (`--liftoff-only`, as bin/edoc.js runs it) against the optimising tier. Each setting runs in
// its own node process on the same data directory (20,000 rows of a document-like table): point
// SELECTs by key, a 20-row page by unit, single-row UPDATEs, a GROUP BY over the whole table; then
// VmRSS. Baseline: the settings before issue 23's second half (16 MB, optimising tier), same run.
// Settings are run in turn, `rounds` times, and each figure is the best round (the machine is shared).
//
// Run alone: node --import tsx bench/pglite-queries.ts
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGLITE_START_PARAMS } from "../core/store/pglite-options.ts";
import { cleanEnv } from "./footprint.ts";
import { progress, roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

type Figures = { point: number; page: number; update: number; scan: number; rssMb: number };

// Plain JavaScript in a child (no TypeScript loader, nothing else loaded): ops per second and VmRSS.
const SCRIPT = `
import { readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
const [dir] = process.argv.slice(-1);
const pg = await PGlite.create(dir, { relaxedDurability: false, startParams: [...PGlite.defaultStartParams, ...JSON.parse(process.env.START_PARAMS)] });
await pg.exec("CREATE TABLE IF NOT EXISTS qb (id int PRIMARY KEY, unit int NOT NULL, title text NOT NULL, body text NOT NULL); CREATE INDEX IF NOT EXISTS qb_unit ON qb (unit)");
if ((await pg.query("SELECT count(*)::int AS n FROM qb")).rows[0].n === 0)
  await pg.exec("INSERT INTO qb SELECT g, g % 50, 'Công văn số ' || g, repeat(md5(g::text), 20) FROM generate_series(1, 20000) g");
const rate = async (n, f) => { for (let i = 0; i < 30; i++) await f(i); const t = performance.now(); for (let i = 0; i < n; i++) await f(i); return n / ((performance.now() - t) / 1000); };
const out = {
  point: await rate(2000, (i) => pg.query("SELECT * FROM qb WHERE id = $1", [1 + ((i * 7919) % 20000)])),
  page: await rate(400, (i) => pg.query("SELECT id, title FROM qb WHERE unit = $1 ORDER BY id DESC LIMIT 20", [i % 50])),
  update: await rate(800, (i) => pg.query("UPDATE qb SET title = title WHERE id = $1", [1 + ((i * 31) % 20000)])),
  scan: await rate(15, () => pg.query("SELECT unit, count(*), max(length(body)) FROM qb GROUP BY unit")),
};
out.rssMb = Number(/VmRSS:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
await pg.close();
console.log(JSON.stringify(out));`;

const runOnce = (dir: string, startParams: string[], nodeArgs: string[]): Promise<Figures> =>
  new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, "--input-type=module", "-e", SCRIPT, dir], {
      cwd: ROOT,
      env: cleanEnv({ START_PARAMS: JSON.stringify(startParams) }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.once("exit", (code) =>
      code === 0 ? resolveRun(JSON.parse(out.trim().split("\n").at(-1)!) as Figures) : reject(new Error(`pglite-queries child exited ${code}: ${err.slice(-1000)}`)),
    );
  });

const withSharedBuffers = (mb: number) => PGLITE_START_PARAMS.map((p) => (p.startsWith("shared_buffers=") ? `shared_buffers=${mb}MB` : p));

export const runPgliteQueriesBench = async ({ rounds = 3 }: { rounds?: number } = {}): Promise<BenchResult> => {
  const settings = {
    before: { startParams: withSharedBuffers(16), nodeArgs: [] as string[], label: "16 MB, optimising tier (before)" },
    service: { startParams: withSharedBuffers(16), nodeArgs: ["--liftoff-only"], label: "16 MB, baseline tier only (the service)" },
    small: { startParams: withSharedBuffers(8), nodeArgs: ["--liftoff-only"], label: "8 MB, baseline tier only" },
  };
  const dir = await mkdtemp(join(tmpdir(), "edoc-bench-pglite-queries-"));
  const best: Record<string, Figures> = {};
  try {
    await runOnce(dir, settings.before.startParams, []); // creates the table; not counted
    for (let round = 1; round <= rounds; round++) {
      for (const [name, s] of Object.entries(settings)) {
        progress("pglite", `round ${round}/${rounds}: ${s.label}`);
        const f = await runOnce(dir, s.startParams, s.nodeArgs);
        const b = best[name];
        best[name] = b
          ? {
              point: Math.max(b.point, f.point),
              page: Math.max(b.page, f.page),
              update: Math.max(b.update, f.update),
              scan: Math.max(b.scan, f.scan),
              rssMb: Math.min(b.rssMb, f.rssMb),
            }
          : f;
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const metrics: Record<string, number> = {};
  for (const [name, f] of Object.entries(best)) for (const [k, v] of Object.entries(f)) metrics[`${name}_${k === "rssMb" ? "rss_mb" : `${k}_per_s`}`] = v;
  const m = roundAll(metrics);
  const comparisons = (["service", "small"] as const).flatMap((name) =>
    (["point", "page", "update", "scan"] as const)
      .map((k) => ({
        metric: `PGlite ${k} queries/s, ${settings[name].label}`,
        value: m[`${name}_${k}_per_s`]!,
        baseline: m[`before_${k}_per_s`]!,
        baselineIs: settings.before.label,
      }))
      .concat([
        { metric: `PGlite VmRSS MB after the queries, ${settings[name].label}`, value: m[`${name}_rss_mb`]!, baseline: m.before_rss_mb!, baselineIs: settings.before.label },
      ]),
  );
  return {
    name: "pglite",
    metrics: m,
    comparisons,
    notes: [
      `pglite: 20,000 rows; point SELECT ×2000, 20-row page ×400, UPDATE ×800, GROUP BY scan ×15 per round; best of ${rounds} rounds per setting, settings in turn; one node process per round`,
    ],
  };
};

if (process.argv[1] === SELF) console.log(JSON.stringify(await runPgliteQueriesBench(), null, 2));
