// Benchmark: the service's resident memory while six people each upload a 49 MB file to the web chat
// at once (issue 20, point 3: the whole body used to be copied four times, 332 MB → 1,470 MB). Spawns
// `node bin/edoc.js serve` on a fresh PostgreSQL database (no chat platform, no Redis), signs six
// clerks in (by default; officers are refused before their file is looked at, so they measure the
// transport only), waits until idle, then sends the six uploads together (multipart, as the page does)
// of a valid 49 MB PDF (one page and a 49 MB stream of random bytes), so each file is checked on
// arrival (its structure read by offset from the temporary file) and kept as the clerk's pending file
// (raw pieces streamed into PostgreSQL), as a real scan would be,
// while sampling the service's VmRSS every 50 ms; then waits a few seconds and reads it again; then all
// of that a second time.
// Baseline: the same service's idle VmRSS just before the uploads, in the same run.
//
// Run alone: node --import tsx bench/uploads.ts [--officers]
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PDFDocument, PDFName } from "pdf-lib";
import { DEFAULT_SETTINGS, silentLogger } from "../core/deps.ts";
import { issueLinkCode } from "../core/identity/issue-link-code.ts";
import { importOrganization } from "../core/org/import-organization.ts";
import { openDatabase } from "../core/store/client.ts";
import { cleanEnv, readProc, stop } from "./footprint.ts";
import { createBenchDatabase } from "./support/pg.ts";
import { progress, roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export type UploadsBenchOptions = {
  /** Uploads sent at once, one per person. @defaultValue 6 */
  uploads?: number;
  /** Size of each file, in MB. @defaultValue 49 */
  fileMb?: number;
  /** Idle time before the baseline reading, and again after the uploads. @defaultValue 5000 */
  idleMs?: number;
  /**
   * Who uploads: clerks (the file is checked and kept for their registration) or officers (refused
   * before the file is read: the transport alone). @defaultValue "clerks"
   */
  uploaders?: "clerks" | "officers";
};

const OFFICERS = ["cv.tckh", "cv.tp", "cv.vp", "tp.tckh", "tp.tp", "tp.nv", "ct.nb", "cvp"];
const CLERKS = Array.from({ length: 8 }, (_, i) => `vt.bench${i + 1}`);
/** The bench clerks, added to the example organisation's users. */
const CLERK_LINES = CLERKS.map((code, i) => `  - { code: "${code}", name: "Văn thư ${i + 1}", title: "Văn thư", unit: "VP", roles: [CLERK] }`).join("\n");

/** A valid PDF of `bytes` bytes: one page, and the rest a stream of random bytes the catalog points to. */
const bigPdf = async (bytes: number): Promise<Uint8Array<ArrayBuffer>> => {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  const head = (await doc.save()).byteLength;
  const padding = doc.context.register(doc.context.stream(randomBytes(Math.max(0, bytes - head - 120))));
  doc.catalog.set(PDFName.of("EdocBenchPadding"), padding);
  return new Uint8Array(await doc.save({ useObjectStreams: false }));
};

export const runUploadsBench = async (options: UploadsBenchOptions = {}): Promise<BenchResult> => {
  const uploads = options.uploads ?? 6;
  const fileMb = options.fileMb ?? 49;
  const idleMs = options.idleMs ?? 5_000;
  const uploaders = options.uploaders ?? "clerks";
  const PEOPLE = uploaders === "clerks" ? CLERKS : OFFICERS;
  if (uploads > PEOPLE.length) throw new Error(`uploads: at most ${PEOPLE.length} people`);
  const pgdb = await createBenchDatabase("uploads");
  const dataDir = await mkdtemp(join(tmpdir(), "edoc-bench-uploads-"));
  let child: ChildProcess | undefined;
  try {
    // The organisation and one sign-in code per person, written straight into the service's database.
    const db = await openDatabase({ databaseUrl: pgdb.url, migrate: false });
    const deps = { prisma: db.prisma, logger: silentLogger, clock: { now: () => new Date() }, files: undefined as never, settings: { ...DEFAULT_SETTINGS } };
    const orgText = (await readFile(join(ROOT, "examples/quy-nhon.yaml"), "utf8")).replace(/^users:\n/m, `users:\n${CLERK_LINES}\n`);
    await importOrganization(deps, { text: orgText });
    const codes: string[] = [];
    for (const userCode of PEOPLE.slice(0, uploads)) codes.push((await issueLinkCode(deps, { userCode })).code);
    await db.close();

    const env = cleanEnv({
      DATA_DIR: dataDir,
      DATABASE_URL: pgdb.url,
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      MAX_UPLOAD_MB: "50",
      MAX_CONCURRENT_UPLOADS: String(uploads),
    });
    child = spawn(process.execPath, ["bin/edoc.js", "serve"], { cwd: ROOT, env: { ...env, LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] });
    const proc = child;
    let output = "";
    const port = await new Promise<number>((resolvePort, reject) => {
      const onData = (buf: Buffer) => {
        output += buf.toString();
        const m = /"port":(\d+)[^\n]*http server listening/.exec(output);
        if (m) resolvePort(Number(m[1]));
      };
      proc.stdout!.on("data", onData);
      proc.stderr!.on("data", onData);
      proc.once("exit", (code) => reject(new Error(`edoc serve exited with ${code} before listening:\n${output.slice(-2000)}`)));
      setTimeout(() => reject(new Error(`edoc serve did not listen within 90 s:\n${output.slice(-2000)}`)), 90_000).unref();
    });
    const base = `http://127.0.0.1:${port}/chat/api`;
    const browsers: { cookie: string; csrf: string }[] = [];
    for (const code of codes) {
      const res = await fetch(`${base}/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
      if (!res.ok) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
      browsers.push({ cookie: res.headers.get("set-cookie")!.split(";")[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken });
    }

    // One scan-sized PDF (incompressible bytes), shared by every request body.
    const file = await bigPdf(fileMb * 1024 * 1024);
    await sleep(idleMs);
    const idle = await readProc(proc.pid!);
    if (idle.name !== "node" || !idle.cmdline.includes("bin/edoc.js")) throw new Error(`uploads: pid ${proc.pid} is "${idle.name}", not the service`);
    progress("uploads", `idle VmRSS ${idle.rssMb.toFixed(1)} MB; sending ${uploads} × ${fileMb} MB`);

    /** Sends the uploads together while sampling VmRSS; returns the answers, the peak and the time. */
    const round = async (n: number) => {
      let peakMb = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const m = await readProc(proc.pid!).catch(() => undefined);
          if (m) peakMb = Math.max(peakMb, m.rssMb);
          await sleep(50);
        }
      })();
      const started = performance.now();
      const answers = await Promise.all(
        browsers.map(async (b, i) => {
          const form = new FormData();
          form.set("text", "");
          form.set("updateKey", `bench-upload-${n}-${i}-${randomBytes(4).toString("hex")}`);
          form.set("files", new Blob([file], { type: "application/pdf" }), `scan-${i + 1}.pdf`);
          const res = await fetch(`${base}/messages`, { method: "POST", headers: { cookie: b.cookie, "x-csrf-token": b.csrf }, body: form });
          const body = (await res.json()) as { messages?: { text?: string }[]; error?: { message: string } };
          return { status: res.status, reply: body.error?.message ?? body.messages?.at(-1)?.text ?? "" };
        }),
      );
      const ms = performance.now() - started;
      sampling = false;
      await sampler;
      await sleep(idleMs);
      const after = await readProc(proc.pid!);
      progress(
        "uploads",
        `round ${n}: answers ${answers.map((a) => a.status).join(", ")} in ${(ms / 1000).toFixed(1)} s; peak VmRSS ${peakMb.toFixed(1)} MB; ${idleMs / 1000} s after ${after.rssMb.toFixed(1)} MB`,
      );
      return { answers, peakMb, ms, afterMb: after.rssMb };
    };
    // A second round tells a leak (it would add as much again) from memory the idle process has not
    // handed back yet (freed buffers go at the next garbage collection, which an idle process may not run).
    const first = await round(1);
    const second = await round(2);
    const answers = [...first.answers, ...second.answers];
    const peakMb = Math.max(first.peakMb, second.peakMb);
    const after = { rssMb: second.afterMb };
    const uploadMs = first.ms;
    const leftovers = await readdir(join(dataDir, "tmp", "uploads")).catch(() => [] as string[]);
    const ok = answers.filter((a) => a.status === 200).length;
    await stop(proc);
    child = undefined;

    const metrics = roundAll({
      idle_rss_mb: idle.rssMb,
      peak_rss_mb: peakMb,
      peak_over_idle_mb: peakMb - idle.rssMb,
      round1_peak_rss_mb: first.peakMb,
      round1_after_rss_mb: first.afterMb,
      round2_peak_rss_mb: second.peakMb,
      after_rss_mb: after.rssMb,
      after_over_idle_mb: after.rssMb - idle.rssMb,
      uploaded_mb: 2 * uploads * fileMb,
      answered_200: ok,
      upload_s: uploadMs / 1000,
      temp_files_left: leftovers.length,
    });
    return {
      name: "uploads",
      metrics,
      comparisons: [
        { metric: `peak VmRSS MB, ${uploads}×${fileMb} MB uploads`, value: metrics.round1_peak_rss_mb!, baseline: metrics.idle_rss_mb!, baselineIs: "the same service idle" },
        { metric: `VmRSS MB ${idleMs / 1000} s after`, value: metrics.round1_after_rss_mb!, baseline: metrics.idle_rss_mb!, baselineIs: "the same service idle" },
        { metric: "peak VmRSS MB, the same again", value: metrics.round2_peak_rss_mb!, baseline: metrics.idle_rss_mb!, baselineIs: "the same service idle" },
        { metric: `VmRSS MB ${idleMs / 1000} s after round 2`, value: metrics.after_rss_mb!, baseline: metrics.idle_rss_mb!, baselineIs: "the same service idle" },
      ],
      highlights: ["peak_over_idle_mb", "after_over_idle_mb", "answered_200", "temp_files_left"],
      notes: [
        `uploads: ${uploads} ${uploaders} each sent one ${fileMb} MB file at once, twice through POST /chat/api/messages (multipart, as the page does); service on PostgreSQL, VmRSS sampled every 50 ms; the conversation answered: "${answers[0]?.reply.slice(0, 100) ?? ""}"`,
      ],
    };
  } finally {
    if (child) await stop(child).catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
    await pgdb.drop();
  }
};

if (process.argv[1] === SELF) {
  const result = await runUploadsBench({ uploaders: process.argv.includes("--officers") ? "officers" : "clerks" });
  console.log(JSON.stringify(result, null, 2));
}
