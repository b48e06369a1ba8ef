// `npm run bench`: runs every benchmark one after the other, prints one table (benchmark, metric,
// value, baseline, ratio = value / baseline, the baseline being measured in the same run) and writes
// bench/results.json (gitignored) with every metric, the notes and the machine.
//
// The machine may be shared and noisy: read the ratios, not the absolute figures.
//
//   npm run bench                 all benchmarks
//   npm run bench -- sweep acks   only these (names: stamp, sweep, acks, complete, progress, delegate, register, issue, issue60, fanout, footprint, pglite, uploads, ocr)
//   npm run bench -- ocr --limit 10   the OCR benchmark on the first 10 documents of its corpus
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { cpus, freemem, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runAcksBench } from "./acks.ts";
import { runCompleteBench } from "./complete.ts";
import { runDelegateBench } from "./delegate.ts";
import { runFanoutBench } from "./fanout.ts";
import { runFootprintBench } from "./footprint.ts";
import { runIssueBench } from "./issue.ts";
import { runOcrBench } from "./ocr.ts";
import { runPgliteQueriesBench } from "./pglite-queries.ts";
import { runProgressBench } from "./progress.ts";
import { runRegisterBench } from "./register.ts";
import { runStampBench } from "./stamp.ts";
import { runSweepBench } from "./sweep.ts";
import { runUploadsBench } from "./uploads.ts";
import { serverVersion } from "./support/pg.ts";
import { progress, round2, type BenchResult } from "./support/result.ts";

const RESULTS = fileURLToPath(new URL("./results.json", import.meta.url));

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  stamp: () => runStampBench(),
  sweep: () => runSweepBench(),
  acks: () => runAcksBench(),
  complete: () => runCompleteBench(),
  progress: () => runProgressBench(),
  delegate: () => runDelegateBench(),
  register: () => runRegisterBench(),
  issue: () => runIssueBench(),
  issue60: () => runIssueBench({ units: 60 }),
  fanout: () => runFanoutBench(),
  footprint: () => runFootprintBench(),
  pglite: () => runPgliteQueriesBench(),
  uploads: () => runUploadsBench(),
  ocr: () => runOcrBench(),
};

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n >= 100 ? n.toFixed(1) : n.toFixed(2));

const machine = async () => {
  const nproc = await promisify(execFile)("nproc").then(
    (r) => Number(r.stdout.trim()),
    () => cpus().length,
  );
  return {
    date: new Date().toISOString(),
    nproc,
    cpu: cpus()[0]?.model ?? "?",
    memory_gib: round2(totalmem() / 2 ** 30),
    free_memory_gib_at_start: round2(freemem() / 2 ** 30),
    loadavg_at_start: loadavg().map(round2),
    node: process.version,
    postgres: await serverVersion().catch((e: unknown) => `unavailable: ${String(e)}`),
  };
};

const table = (results: BenchResult[]): string => {
  const rows: string[][] = [["benchmark", "metric", "value", "baseline", "ratio", "baseline is"]];
  for (const r of results) {
    for (const c of r.comparisons ?? []) rows.push([r.name, c.metric, fmt(c.value), fmt(c.baseline), c.baseline ? fmt(round2(c.value / c.baseline)) : "-", c.baselineIs]);
    for (const key of r.highlights ?? []) if (key in r.metrics) rows.push([r.name, key, fmt(r.metrics[key]!), "-", "-", ""]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i >= 2 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join(" | ")
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.slice(1).map(line)].join("\n");
};

/** Options that take a value (`--limit 10`): their value is not a benchmark name. */
const VALUED = new Set(["--limit", "--variant"]);
const wanted = process.argv.slice(2).filter((a, i, args) => !a.startsWith("-") && !VALUED.has(args[i - 1] ?? ""));
for (const w of wanted) if (!(w in BENCHES)) throw new Error(`unknown benchmark "${w}"; known: ${Object.keys(BENCHES).join(", ")}`);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);

const host = await machine();
const started = performance.now();
const results: BenchResult[] = [];
const failures: { name: string; error: string }[] = [];
for (const name of names) {
  const t = performance.now();
  progress("run", `${name}…`);
  try {
    const result = await BENCHES[name]!();
    results.push(result);
    progress("run", `${name} done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    failures.push({ name, error });
    progress("run", `${name} FAILED: ${error}`);
  }
}
const totalS = round2((performance.now() - started) / 1000);

console.log(
  `\nedoc benchmarks: ${host.date}, ${host.nproc} cores (${host.cpu}), ${host.memory_gib} GiB, Node ${host.node}, PostgreSQL ${host.postgres}, load average at start ${host.loadavg_at_start.join(" ")}`,
);
console.log(`ratio = value / baseline, both measured in this run; total ${totalS} s\n`);
console.log(table(results));
const notes = results.flatMap((r) => r.notes ?? []);
if (notes.length > 0) console.log(`\n${notes.map((n) => `- ${n}`).join("\n")}`);
for (const f of failures) console.log(`\nFAILED ${f.name}: ${f.error.split("\n")[0]}`);

await writeFile(RESULTS, `${JSON.stringify({ machine: { ...host, loadavg_at_end: loadavg().map(round2) }, total_s: totalS, results, failures }, null, 2)}\n`);
console.log(`\nall metrics: ${RESULTS}`);
process.exitCode = failures.length > 0 ? 1 : 0;
