// Benchmark: stamping "ĐẾN" on page 1 of a 50-page scanned PDF (50 full-page JPEGs), our pdf-lib
// stamp vs `qpdf --overlay` of the same stamp (drawn as a one-page PDF, overlaid onto page 1), measured
// in the same run. Each side runs in its own process so peak RSS is its own.
//
// Run alone: node --import tsx bench/stamp.ts
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, copyFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { PDFDocument } from "pdf-lib";
import { embedStampFonts } from "../core/pdf/fonts.ts";
import { drawReceivedStamp, stampReceived, stampReceivedFrom } from "../core/pdf/stamp-received.ts";
import type { ReceivedStamp } from "../core/pdf/stamp-received.ts";
import { generateLargeFixture, makeTextPdf } from "../test/fixtures/generate-fixtures.ts";
import type { BenchResult } from "./support/result.ts";

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);
const GNU_TIME = "/usr/bin/time";

const STAMP: ReceivedStamp = {
  agencyName: "UBND thành phố Quy Nhơn",
  registerNumber: 1234,
  receivedAt: new Date("2026-12-10T07:35:00Z"),
  routing: "Phòng Tài chính - Kế hoạch",
};

type WorkerResult = { ms: number; maxRssMb: number; baseRssMb: number; outBytes: number };

/**
 * This process's peak RSS (VmHWM). Not `process.resourceUsage().maxRSS`: Linux carries ru_maxrss over
 * fork and exec, so a child started by a parent that held a big file reports the parent's peak.
 */
const peakRssMb = async (): Promise<number> => Number(/^VmHWM:\s+(\d+) kB/m.exec(await readFile("/proc/self/status", "utf8"))?.[1] ?? NaN) / 1024;

/**
 * Child-process side: stamp `input` into `output` as the service does (from a file: an incremental
 * update appended to a copy of the original, or a full rewrite), report time and peak RSS.
 */
const workerStamp = async (input: string, output: string): Promise<WorkerResult> => {
  await stampReceived(await makeTextPdf(1), STAMP); // load the modules and fonts first, as a running service has
  const baseRssMb = await peakRssMb(); // runtime + modules, before any PDF work
  const started = performance.now();
  const result = await stampReceivedFrom({ path: input }, STAMP);
  if ("appended" in result) {
    await copyFile(input, output);
    await appendFile(output, result.appended);
  } else await writeFile(output, result.rewritten);
  const ms = performance.now() - started;
  return { ms, maxRssMb: await peakRssMb(), baseRssMb, outBytes: (await stat(output)).size };
};

/** Page 1's size (read once, outside the timed part: qpdf does not need it). */
const firstPageSize = async (input: Uint8Array): Promise<[number, number]> => {
  const first = (await PDFDocument.load(input, { updateMetadata: false })).getPage(0);
  return [first.getWidth(), first.getHeight()];
};

/** The same stamp alone on a blank page of page 1's size, for qpdf to overlay. */
const makeStampPage = async (size: [number, number]): Promise<Uint8Array> => {
  const doc = await PDFDocument.create();
  const page = doc.addPage(size);
  drawReceivedStamp(page, await embedStampFonts(doc), STAMP);
  return doc.save();
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Measured = { metrics: Record<string, number>; comparisons: BenchResult["comparisons"] };

/** Both sides on one input; metric names end with `suffix`. */
const measure = async (input: string, dir: string, runs: number, suffix: string, label: string): Promise<Measured> => {
  const inputMb = (await stat(input)).size / 1024 / 1024;
  const hasGnuTime = existsSync(GNU_TIME);
  const pageSize = await firstPageSize(new Uint8Array(await readFile(input)));

  const ours: WorkerResult[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await run(process.execPath, ["--import", "tsx", SELF, "--worker", input, join(dir, `ours${suffix}-${i}.pdf`)], { maxBuffer: 1024 * 1024 });
    ours.push(JSON.parse(stdout.trim().split("\n").at(-1)!) as WorkerResult);
  }

  // Baseline: drawing the one-page stamp PDF (in this process) is counted, then qpdf overlays it onto page 1.
  const qpdfMs: number[] = [];
  const qpdfRss: number[] = [];
  let qpdfOutBytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const stampPdf = join(dir, `stamp${suffix}-${i}.pdf`);
    await writeFile(stampPdf, await makeStampPage(pageSize));
    const out = join(dir, `qpdf${suffix}-${i}.pdf`);
    const qpdfArgs = [input, "--overlay", stampPdf, "--to=1", "--", out];
    const { stderr } = hasGnuTime ? await run(GNU_TIME, ["-f", "maxrss_kb=%M", "qpdf", ...qpdfArgs]) : await run("qpdf", qpdfArgs);
    qpdfMs.push(performance.now() - started);
    const rss = /maxrss_kb=(\d+)/.exec(stderr);
    if (rss) qpdfRss.push(Number(rss[1]) / 1024);
    qpdfOutBytes = (await stat(out)).size;
  }

  const oursMs = median(ours.map((r) => r.ms));
  const oursRss = median(ours.map((r) => r.maxRssMb));
  const oursBase = median(ours.map((r) => r.baseRssMb));
  const baseMs = median(qpdfMs);
  const metrics: Record<string, number> = {
    [`input_mb${suffix}`]: inputMb,
    [`ours_ms${suffix}`]: oursMs,
    [`ours_peak_rss_mb${suffix}`]: oursRss,
    [`ours_rss_over_runtime_mb${suffix}`]: oursRss - oursBase,
    [`ours_out_mb${suffix}`]: ours[0]!.outBytes / 1024 / 1024,
    [`qpdf_ms${suffix}`]: baseMs,
    [`qpdf_out_mb${suffix}`]: qpdfOutBytes / 1024 / 1024,
    [`time_ratio_ours_over_qpdf${suffix}`]: oursMs / baseMs,
  };
  if (qpdfRss.length > 0) {
    metrics[`qpdf_peak_rss_mb${suffix}`] = median(qpdfRss);
    metrics[`rss_ratio_ours_over_qpdf${suffix}`] = oursRss / median(qpdfRss);
  }
  for (const [k, v] of Object.entries(metrics)) metrics[k] = Math.round(v * 100) / 100;
  const comparisons: BenchResult["comparisons"] = [
    { metric: `stamp p.1 of ${label}, ms`, value: metrics[`ours_ms${suffix}`]!, baseline: metrics[`qpdf_ms${suffix}`]!, baselineIs: "qpdf --overlay (+ drawing the stamp page)" },
  ];
  if (metrics[`qpdf_peak_rss_mb${suffix}`] !== undefined)
    comparisons.push({
      metric: `stamp peak RSS MB, ${label}`,
      value: metrics[`ours_peak_rss_mb${suffix}`]!,
      baseline: metrics[`qpdf_peak_rss_mb${suffix}`]!,
      baselineIs: "qpdf --overlay peak RSS (/usr/bin/time)",
    });
  return { metrics, comparisons };
};

/** Runs the benchmark and returns its metrics (times in ms, memory in MB, ratios ours/qpdf). */
export const runStampBench = async (options: { runs?: number } = {}): Promise<BenchResult> => {
  const runs = options.runs ?? 3;
  const scan = await generateLargeFixture("fifty-page-scan.pdf");
  const dir = await mkdtemp(join(tmpdir(), "edoc-bench-stamp-"));
  try {
    // The same scan four times over (200 pages, ~4× the bytes): the cost should not grow with it.
    const big = join(dir, "two-hundred-page-scan.pdf");
    // (four copies under different names: qpdf would share the pages of one file given four times)
    const copies = await Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        const copy = join(dir, `copy-${i}.pdf`);
        await copyFile(scan, copy);
        return copy;
      }),
    );
    await run("qpdf", ["--empty", "--pages", ...copies, "--", big]);
    await Promise.all(copies.map((c) => rm(c)));
    const one = await measure(scan, dir, runs, "", "50-page scan");
    const four = await measure(big, dir, runs, "_x4", "200-page scan");
    const metrics = { ...one.metrics, ...four.metrics };
    return {
      name: "stamp-page-1-of-50-page-scan",
      metrics,
      comparisons: [...(one.comparisons ?? []), ...(four.comparisons ?? [])],
      notes: [
        `stamp: median of ${runs} runs, each side in its own process; inputs ${metrics.input_mb} MB and ${metrics.input_mb_x4} MB; ours = the service's path from a file (an incremental update appended to a copy, or a full pdf-lib rewrite when the file needs it), after loading modules and fonts; peak RSS includes the Node runtime (${metrics.ours_rss_over_runtime_mb} / ${metrics.ours_rss_over_runtime_mb_x4} MB above it)`,
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

if (process.argv[1] === SELF) {
  const workerAt = process.argv.indexOf("--worker");
  if (workerAt >= 0) {
    const [input, output] = process.argv.slice(workerAt + 1);
    console.log(JSON.stringify(await workerStamp(input!, output!)));
  } else {
    const result = await runStampBench();
    console.log(result.name);
    for (const [k, v] of Object.entries(result.metrics)) console.log(`  ${k.padEnd(28)} ${v}`);
  }
}
