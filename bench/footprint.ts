// Benchmark: resident memory of the idle service, on PGlite and on PostgreSQL. Spawns
// `node bin/edoc.js serve` (the node binary itself, no shell, so the pid is the service's node
// process: checked in /proc/<pid>/status and cmdline) with a temporary DATA_DIR (and DATABASE_URL for
// PostgreSQL), HTTP_PORT 0, no chat platform and no Redis (in-process jobs); waits for /healthz, idles a
// few seconds, reads VmRSS (and VmHWM, the peak) from /proc/<pid>/status, then stops it with SIGTERM.
// Baseline: a bare `node -e "setInterval(()=>{},1000)"` process's VmRSS, measured in the same run.
// The service runs as installed: from dist/ (compiled by `npm run build`, rebuilt here first when it
// no longer matches the sources, as bin/edoc.js would otherwise fall back to tsx).
//
// Run alone: node --import tsx bench/footprint.ts
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { currentDistEntry } from "../bin/dist.js";
import { buildDist } from "../scripts/build-dist.mjs";
import { PGLITE_OPTIONS } from "../core/store/pglite-options.ts";
import { createBenchDatabase } from "./support/pg.ts";
import { progress, roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type FootprintBenchOptions = {
  /** RSS is read again after this long idle (0: not). @defaultValue 60000 */
  longIdleMs?: number;
  /** Internal: keep the DATA_DIR for a reopen. */
  keepDataDir?: boolean;
  /** Also measure on PostgreSQL. @defaultValue true */
  postgres?: boolean;
  /** Idle time after /healthz answers, before reading RSS. @defaultValue 5000 */
  idleMs?: number;
  /** Longest wait for /healthz (a fresh PGlite data directory is migrated first). @defaultValue 90000 */
  startTimeoutMs?: number;
};

type ProcMemory = { rssMb: number; hwmMb: number; name: string; cmdline: string; children: number[] };

export const readProc = async (pid: number): Promise<ProcMemory> => {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").join(" ").trim();
  const children: number[] = [];
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
    const list = await readFile(`/proc/${pid}/task/${task}/children`, "utf8").catch(() => "");
    children.push(...list.split(/\s+/).filter(Boolean).map(Number));
  }
  return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024, name: /^Name:\s+(.+)$/m.exec(status)?.[1] ?? "?", cmdline, children };
};

/** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves with how long it took to exit. */
export const stop = async (child: ChildProcess, graceMs = 15_000): Promise<number> => {
  if (child.exitCode !== null || child.signalCode !== null) return 0;
  const t = performance.now();
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  return performance.now() - t;
};

/** The env a child gets: PATH and HOME only, plus what is given (no stray tokens from our env). */
export const cleanEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? "/usr/bin:/bin",
  HOME: process.env.HOME ?? "/tmp",
  TZ: "UTC",
  ...extra,
});

const measureService = async (kind: "pglite" | "postgres", opts: Required<FootprintBenchOptions>, reuse?: { dataDir: string }) => {
  const dataDir = reuse?.dataDir ?? (await mkdtemp(join(tmpdir(), `edoc-bench-footprint-${kind}-`)));
  const pgdb = kind === "postgres" ? await createBenchDatabase("footprint", { migrated: false }) : undefined;
  let child: ChildProcess | undefined;
  try {
    const env = cleanEnv({ DATA_DIR: dataDir, HTTP_PORT: "0", HTTP_HOST: "127.0.0.1", LOG_LEVEL: "info", ...(pgdb ? { DATABASE_URL: pgdb.url } : {}) });
    const started = performance.now();
    child = spawn(process.execPath, ["bin/edoc.js", "serve"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    const proc = child;
    let output = "";
    const port = new Promise<number>((resolvePort, reject) => {
      const onData = (buf: Buffer) => {
        output += buf.toString();
        const m = /"port":(\d+)[^\n]*http server listening/.exec(output) ?? /http server listening[^\n]*"port":(\d+)/.exec(output);
        if (m) resolvePort(Number(m[1]));
      };
      proc.stdout!.on("data", onData);
      proc.stderr!.on("data", onData);
      proc.once("exit", (code) => reject(new Error(`edoc serve (${kind}) exited with ${code} before listening:\n${output.slice(-2000)}`)));
      // unref: a pending give-up timer must not keep this process alive once the service answered.
      setTimeout(() => reject(new Error(`edoc serve (${kind}) did not listen within ${opts.startTimeoutMs} ms:\n${output.slice(-2000)}`)), opts.startTimeoutMs).unref();
    });
    const p = await port;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${p}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (performance.now() - started > opts.startTimeoutMs) throw new Error(`/healthz (${kind}) did not answer 200`);
      await sleep(200);
    }
    const readyMs = performance.now() - started;
    await sleep(opts.idleMs);
    const mem = await readProc(proc.pid!);
    // And after a longer idle (timers, jobs polling, a GC or two), as an agency's service spends its nights.
    let longIdle: ProcMemory | null = null;
    if (opts.longIdleMs > opts.idleMs) {
      await sleep(opts.longIdleMs - opts.idleMs);
      longIdle = await readProc(proc.pid!);
    }
    if (mem.name !== "node" || !mem.cmdline.includes("bin/edoc.js")) throw new Error(`footprint: pid ${proc.pid} is "${mem.name}" (${mem.cmdline}), not the node service`);
    let childrenRssMb = 0;
    const childNames: string[] = [];
    for (const c of mem.children) {
      const cm = await readProc(c).catch(() => undefined);
      if (!cm) continue;
      childrenRssMb += cm.rssMb;
      childNames.push(`${cm.name} (${cm.rssMb.toFixed(1)} MB)`);
    }
    const stopMs = await stop(proc);
    const exitCode = proc.exitCode;
    child = undefined;
    progress(
      "footprint",
      `${kind}${reuse ? " (reopened)" : ""}: ready in ${(readyMs / 1000).toFixed(1)} s, idle VmRSS ${mem.rssMb.toFixed(1)} MB${longIdle ? `, ${longIdle.rssMb.toFixed(1)} MB after ${opts.longIdleMs / 1000} s` : ""} (peak ${(longIdle ?? mem).hwmMb.toFixed(1)} MB), ${mem.children.length} child processes${childNames.length ? ` [${childNames.join(", ")}]` : ""}, SIGTERM → exit ${exitCode} in ${stopMs.toFixed(0)} ms`,
    );
    // A fresh PGlite DATA_DIR is a copy of the template migrated at install when it is usable, else created and migrated here.
    const migratedAtStart = /"msg":"database migrated"/.test(output);
    return {
      ...mem,
      migratedAtStart,
      hwmMb: (longIdle ?? mem).hwmMb,
      longIdleRssMb: longIdle?.rssMb ?? mem.rssMb,
      childrenRssMb,
      childNames,
      readyMs,
      stopMs,
      exitCode: exitCode ?? -1,
      dataDir,
    };
  } finally {
    if (child) await stop(child).catch(() => {});
    if (!opts.keepDataDir || reuse) await rm(dataDir, { recursive: true, force: true });
    await pgdb?.drop();
  }
};

const measureBareNode = async (idleMs: number) => {
  const child = spawn(process.execPath, ["-e", "setInterval(()=>{},1000)"], { env: cleanEnv({}), stdio: "ignore" });
  try {
    await sleep(Math.min(idleMs, 3_000));
    const mem = await readProc(child.pid!);
    if (mem.name !== "node") throw new Error(`footprint: baseline pid ${child.pid} is "${mem.name}"`);
    return mem;
  } finally {
    await stop(child);
  }
};

/**
 * Bare PGlite: a node process that opens PGlite on a data directory (created there, then reopened)
 * with the options the service uses (core/store/client.ts `PGLITE_OPTIONS`), runs one query and idles.
 */
const measureBarePglite = async (idleMs: number, nodeArgs: string[] = []) => {
  const dataDir = await mkdtemp(join(tmpdir(), "edoc-bench-footprint-bare-pglite-"));
  // Plain JavaScript (no TypeScript loader): the options come as JSON.
  const script = `
    import { PGlite } from "@electric-sql/pglite";
    const db = await PGlite.create(process.argv.at(-1), JSON.parse(process.env.PGLITE_OPTIONS));
    await db.query("SELECT 1");
    if (process.argv.at(-2) === "create") { await db.close(); process.exit(0); }
    console.log("ready");
    setInterval(() => {}, 1000);`;
  try {
    const create = spawn(process.execPath, ["--input-type=module", "-e", script, "create", dataDir], {
      cwd: ROOT,
      env: cleanEnv({ PGLITE_OPTIONS: JSON.stringify(PGLITE_OPTIONS) }),
      stdio: "ignore",
    });
    await new Promise<void>((r) => create.once("exit", () => r()));
    const child = spawn(process.execPath, [...nodeArgs, "--input-type=module", "-e", script, "open", dataDir], {
      cwd: ROOT,
      env: cleanEnv({ PGLITE_OPTIONS: JSON.stringify(PGLITE_OPTIONS) }),
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await new Promise<void>((r, reject) => {
        child.stdout!.on("data", (b: Buffer) => b.toString().includes("ready") && r());
        child.once("exit", (code) => reject(new Error(`bare PGlite exited with ${code}`)));
      });
      await sleep(idleMs);
      return await readProc(child.pid!);
    } finally {
      await stop(child);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
};

/** The idle service's goals (issue 23): resident memory on PGlite, fresh or reopened, and a first start. */
const GOAL_RSS_MB = 250;
const GOAL_FIRST_START_S = 5;

export const runFootprintBench = async (options: FootprintBenchOptions = {}): Promise<BenchResult> => {
  const opts = {
    idleMs: options.idleMs ?? 5_000,
    startTimeoutMs: options.startTimeoutMs ?? 90_000,
    longIdleMs: options.longIdleMs ?? 60_000,
    keepDataDir: false,
    postgres: options.postgres ?? true,
  };
  let runsFrom = "dist/ (current)";
  if (!currentDistEntry(ROOT)) {
    progress("footprint", "dist/ does not match the sources: npm run build");
    await buildDist(ROOT);
    runsFrom = "dist/ (rebuilt: it did not match the sources)";
    if (!currentDistEntry(ROOT)) throw new Error("footprint: dist/ still does not match the sources after a build (a file changed meanwhile?)");
  }
  progress("footprint", "bare node baseline");
  const bare = await measureBareNode(opts.idleMs);
  progress("footprint", "bare PGlite baseline (reopened data directory)");
  const barePglite = await measureBarePglite(opts.idleMs);
  progress("footprint", "bare PGlite baseline, WebAssembly on the baseline tier only (as bin/edoc.js runs it)");
  const barePgliteLiftoff = await measureBarePglite(opts.idleMs, ["--liftoff-only"]);
  progress("footprint", "edoc serve on PGlite (fresh DATA_DIR)");
  const lite = await measureService("pglite", { ...opts, keepDataDir: true });
  progress("footprint", "edoc serve on PGlite (the same DATA_DIR reopened)");
  const reopened = await measureService("pglite", opts, { dataDir: lite.dataDir });
  const pg = opts.postgres ? (progress("footprint", "edoc serve on PostgreSQL (fresh database)"), await measureService("postgres", { ...opts, longIdleMs: 0 })) : null;
  const metrics = roundAll({
    bare_node_rss_mb: bare.rssMb,
    bare_pglite_rss_mb: barePglite.rssMb,
    bare_pglite_liftoff_rss_mb: barePgliteLiftoff.rssMb,
    pglite_rss_mb: lite.rssMb,
    pglite_long_idle_rss_mb: lite.longIdleRssMb,
    pglite_peak_rss_mb: lite.hwmMb,
    pglite_ratio_over_bare: lite.rssMb / bare.rssMb,
    pglite_ready_s: lite.readyMs / 1000,
    pglite_stop_ms: lite.stopMs,
    pglite_reopened_rss_mb: reopened.rssMb,
    pglite_reopened_long_idle_rss_mb: reopened.longIdleRssMb,
    pglite_reopened_peak_rss_mb: reopened.hwmMb,
    pglite_reopened_ready_s: reopened.readyMs / 1000,
    pglite_reopened_ratio_over_bare: reopened.rssMb / bare.rssMb,
    ...(pg
      ? {
          postgres_rss_mb: pg.rssMb,
          postgres_peak_rss_mb: pg.hwmMb,
          postgres_ratio_over_bare: pg.rssMb / bare.rssMb,
          postgres_ready_s: pg.readyMs / 1000,
          postgres_stop_ms: pg.stopMs,
        }
      : {}),
    child_processes: lite.children.length + reopened.children.length + (pg?.children.length ?? 0),
    children_rss_mb: lite.childrenRssMb + reopened.childrenRssMb + (pg?.childrenRssMb ?? 0),
    exit_codes_nonzero: [lite, reopened, pg].filter((r) => r && r.exitCode !== 0).length,
  });
  return {
    name: "footprint",
    metrics,
    comparisons: [
      { metric: "idle VmRSS MB, PGlite", value: metrics.pglite_rss_mb!, baseline: metrics.bare_node_rss_mb!, baselineIs: "bare node setInterval" },
      { metric: "idle VmRSS MB, PGlite", value: metrics.pglite_rss_mb!, baseline: metrics.bare_pglite_rss_mb!, baselineIs: "bare node + bare PGlite (same options)" },
      {
        metric: `VmRSS MB after ${opts.longIdleMs / 1000} s idle, PGlite`,
        value: metrics.pglite_long_idle_rss_mb!,
        baseline: metrics.bare_pglite_rss_mb!,
        baselineIs: "bare node + bare PGlite (same options)",
      },
      {
        metric: "idle VmRSS MB, PGlite reopened",
        value: metrics.pglite_reopened_rss_mb!,
        baseline: metrics.bare_pglite_rss_mb!,
        baselineIs: "bare node + bare PGlite (same options)",
      },
      {
        metric: `VmRSS MB after ${opts.longIdleMs / 1000} s idle, PGlite reopened`,
        value: metrics.pglite_reopened_long_idle_rss_mb!,
        baseline: metrics.bare_pglite_rss_mb!,
        baselineIs: "bare node + bare PGlite (same options)",
      },
      { metric: "idle VmRSS MB, PGlite reopened", value: metrics.pglite_reopened_rss_mb!, baseline: metrics.bare_node_rss_mb!, baselineIs: "bare node setInterval" },
      { metric: "idle VmRSS MB, PGlite", value: metrics.pglite_rss_mb!, baseline: metrics.bare_pglite_liftoff_rss_mb!, baselineIs: "bare PGlite, --liftoff-only (as the service)" },
      {
        metric: "idle VmRSS MB, PGlite reopened",
        value: metrics.pglite_reopened_rss_mb!,
        baseline: metrics.bare_pglite_liftoff_rss_mb!,
        baselineIs: "bare PGlite, --liftoff-only (as the service)",
      },
      { metric: "idle VmRSS MB, PGlite", value: metrics.pglite_rss_mb!, baseline: GOAL_RSS_MB, baselineIs: "goal (issue 23): ratio ≤ 1" },
      { metric: "idle VmRSS MB, PGlite reopened", value: metrics.pglite_reopened_rss_mb!, baseline: GOAL_RSS_MB, baselineIs: "goal (issue 23): ratio ≤ 1" },
      { metric: "first start to /healthz s, PGlite fresh DATA_DIR", value: metrics.pglite_ready_s!, baseline: GOAL_FIRST_START_S, baselineIs: "goal (issue 23): ratio ≤ 1" },
      ...(pg ? [{ metric: "idle VmRSS MB, PostgreSQL", value: metrics.postgres_rss_mb!, baseline: metrics.bare_node_rss_mb!, baselineIs: "bare node setInterval" }] : []),
    ],
    highlights: ["pglite_ready_s", "pglite_reopened_ready_s", "postgres_ready_s"],
    notes: [
      `footprint: the service ran from ${runsFrom}; pid checked to be node running bin/edoc.js; child processes: PGlite ${lite.childNames.join(", ") || "none"}, PostgreSQL ${pg?.childNames.join(", ") || "none"} (not counted in VmRSS); idle ${opts.idleMs / 1000} s after /healthz (and ${opts.longIdleMs / 1000} s for PGlite); no chat platform, no Redis (in-process jobs, web chat on); PGlite on a fresh DATA_DIR: ${lite.migratedAtStart ? "created and migrated at start (no usable template: npm run build makes it)" : "a copy of the template migrated at install (prisma/pglite-template)"}`,
    ],
  };
};

if (process.argv[1] === SELF) {
  const result = await runFootprintBench({ postgres: !process.argv.includes("--no-postgres"), ...(process.argv.includes("--short") ? { longIdleMs: 0 } : {}) });
  console.log(JSON.stringify(result, null, 2));
}
