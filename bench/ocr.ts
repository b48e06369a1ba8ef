// Benchmark: reading the fields of `/dangky` off scans. The corpus (bench/support/ocr-corpus.ts: 40
// Decree-30 documents from a fixed seed, each a clean 200-dpi scan and a degraded phone photo) is read
// by our engine, tesseract.js 7 with @tesseract.js-data/vie (core/ocr/read-page.ts), and by the
// baseline, Debian's `tesseract` CLI with tesseract-ocr-vie (one process per page, OMP_THREAD_LIMIT=1
// like our single worker), page by page in turn so both see the same load. The same
// core/ocr/extract-fields.ts turns either text into fields, compared with the ground truth by exact
// match (trích yếu whitespace-normalised).
//
//   npm run bench -- ocr                    the whole corpus, both engines
//   npm run bench -- ocr --limit 10         the first 10 documents only
//   npm run bench -- ocr --limit 10 --ours-only --variant degraded
//                                           our engine only (no CLI baseline), one variant only
//   node --import tsx bench/ocr.ts --limit 10 --cached
//                                           alone; --cached re-runs only the extraction on the texts
//                                           saved by the last run (bench/ocr-corpus/out/)
// Every miss is written to bench/ocr-corpus/out/misses.json (expected, read, the OCR text).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { extractFields, type ExtractedFields, type OcrDate } from "../core/ocr/extract-fields.ts";
import { createPageReader } from "../core/ocr/read-page.ts";
import { loadVietnameseWords } from "../core/ocr/tone-marks.ts";
import { CORPUS_DIR, ensureCorpus, knownIssuers, type CorpusDoc, type GroundTruth } from "./support/ocr-corpus.ts";
import { median, progress, round2, type BenchResult, type Comparison } from "./support/result.ts";

const run = promisify(execFile);
const OUT = join(CORPUS_DIR, "out");
const GNU_TIME = "/usr/bin/time";

export const FIELDS = ["code", "issuedDate", "issuer", "docType", "subject", "urgency", "requestedDueDate", "signer"] as const;
type Field = (typeof FIELDS)[number];
const FIELD_LABEL: Record<Field, string> = {
  code: "số/ký hiệu",
  issuedDate: "ngày",
  issuer: "cơ quan",
  docType: "loại",
  subject: "trích yếu",
  urgency: "độ khẩn",
  requestedDueDate: "hạn đề nghị",
  signer: "người ký",
};
/** The issue's goals, in % exact match. */
export const GOALS: Partial<Record<Field, number>> = { code: 98, issuedDate: 98, issuer: 95, docType: 95, subject: 90, requestedDueDate: 95 };

const isoOf = (d: OcrDate | undefined): string | null => (d ? `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}` : null);
const ws = (s: string): string => s.replace(/\s+/g, " ").trim();

/** The fields as comparable strings (null: not found / not present). */
const comparable = (f: ExtractedFields): Record<Field, string | null> => ({
  code: f.code ? [f.code.value.codeNumber, f.code.value.codeNotation].filter(Boolean).join("/") : null,
  issuedDate: isoOf(f.issuedDate?.value),
  issuer: f.issuer?.value ?? null,
  docType: f.docType?.value ?? null,
  subject: f.subject ? ws(f.subject.value) : null,
  urgency: f.urgency?.value ?? null,
  requestedDueDate: isoOf(f.requestedDueDate?.value),
  signer: f.signer ? `${f.signer.value.position} | ${f.signer.value.fullName ?? ""}` : null,
});
const expected = (t: GroundTruth): Record<Field, string | null> => ({
  code: `${t.code.codeNumber}/${t.code.codeNotation}`,
  issuedDate: t.issuedDate,
  issuer: t.issuer,
  docType: t.docType,
  subject: ws(t.subject),
  urgency: t.urgency,
  requestedDueDate: t.requestedDueDate,
  signer: `${t.signer.position} | ${t.signer.fullName}`,
});

type Engine = "tesseract.js" | "tesseract-cli";
type Variant = "clean" | "degraded";
type PageRun = { text: string; ms: number; maxRssMb?: number };

const peakRssMb = async (): Promise<number> => Number(/^VmHWM:\s+(\d+) kB/m.exec(await readFile("/proc/self/status", "utf8"))?.[1] ?? NaN) / 1024;
const rssMb = async (): Promise<number> => Number(/^VmRSS:\s+(\d+) kB/m.exec(await readFile("/proc/self/status", "utf8"))?.[1] ?? NaN) / 1024;

/** The CLI's version, or null when it (or its Vietnamese model) is missing. */
const cliAvailable = async (): Promise<string | null> => {
  try {
    const { stdout, stderr } = await run("tesseract", ["--list-langs"]);
    if (!/^vie$/m.test(stdout + stderr)) return null;
    const v = await run("tesseract", ["--version"]);
    return (v.stdout + v.stderr).split("\n")[0]!.trim();
  } catch {
    return null;
  }
};

const readWithCli = async (path: string): Promise<PageRun> => {
  const started = performance.now();
  const timed = existsSync(GNU_TIME);
  const [cmd, args] = timed ? [GNU_TIME, ["-f", "MAXRSS %M", "tesseract", path, "stdout", "-l", "vie"]] : ["tesseract", [path, "stdout", "-l", "vie"]];
  const { stdout, stderr } = await run(cmd, args, { env: { ...process.env, OMP_THREAD_LIMIT: "1" }, maxBuffer: 16 * 2 ** 20 });
  const ms = performance.now() - started;
  const rss = /MAXRSS (\d+)/.exec(stderr)?.[1];
  return { text: stdout, ms, ...(rss ? { maxRssMb: Number(rss) / 1024 } : {}) };
};

const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
};

export const runOcrBench = async (opts: { limit?: number; cached?: boolean; oursOnly?: boolean; variants?: Variant[] } = {}): Promise<BenchResult> => {
  const limit = opts.limit ?? (argValue("--limit") ? Number(argValue("--limit")) : undefined);
  const cached = opts.cached ?? process.argv.includes("--cached");
  const oursOnly = opts.oursOnly ?? process.argv.includes("--ours-only");
  const variantArg = argValue("--variant");
  const variants: Variant[] = opts.variants ?? (variantArg === "clean" || variantArg === "degraded" ? [variantArg] : ["clean", "degraded"]);
  progress("ocr", "corpus…");
  const all = await ensureCorpus({ log: (m) => progress("ocr", m) });
  const docs: CorpusDoc[] = limit ? all.slice(0, limit) : all;
  const known = knownIssuers();
  await mkdir(OUT, { recursive: true });

  const cli = oursOnly ? null : cached ? "cached" : await cliAvailable();
  const engines: Engine[] = cli ? ["tesseract.js", "tesseract-cli"] : ["tesseract.js"];
  const notes: string[] = [];
  if (oursOnly) notes.push("baseline not run (--ours-only)");
  else if (!cli) notes.push("baseline SKIPPED: `tesseract` with the `vie` model not found (apt-get install tesseract-ocr tesseract-ocr-vie)");

  const rssBefore = await rssMb();
  const reader = createPageReader({ timeoutMs: 180_000 });
  // The word list that puts back dấu hỏi read as dấu sắc in the trích yếu (--no-words: without it).
  const wordsRss = await rssMb();
  const wordsStarted = performance.now();
  const words = process.argv.includes("--no-words") ? undefined : await loadVietnameseWords();
  const wordsMs = performance.now() - wordsStarted;
  const wordsMb = (await rssMb()) - wordsRss;
  const hits = new Map<string, number>(); // `${engine}/${variant}/${field}` → matches
  const times = new Map<string, number[]>(); // `${engine}/${variant}` → ms per page
  const cliRss: number[] = [];
  const misses: unknown[] = [];
  try {
    for (const [n, doc] of docs.entries()) {
      for (const variant of variants) {
        for (const engine of engines) {
          const textPath = join(OUT, `${doc.truth.id}.${variant}.${engine}.txt`);
          let page: PageRun;
          if (cached) page = { text: await readFile(textPath, "utf8"), ms: NaN };
          else {
            page = engine === "tesseract.js" ? await reader.read({ path: doc[variant] }).then((r) => ({ text: r.text, ms: r.ms })) : await readWithCli(doc[variant]);
            await writeFile(textPath, page.text);
          }
          if (page.maxRssMb) cliRss.push(page.maxRssMb);
          const key = `${engine}/${variant}`;
          times.set(key, [...(times.get(key) ?? []), page.ms]);
          const got = comparable(extractFields({ firstPage: page.text, knownIssuers: known, ...(words ? { words } : {}) }));
          const want = expected(doc.truth);
          for (const field of FIELDS) {
            const ok = got[field] === want[field];
            const k = `${key}/${field}`;
            hits.set(k, (hits.get(k) ?? 0) + (ok ? 1 : 0));
            if (!ok) misses.push({ doc: doc.truth.id, variant, engine, field, expected: want[field], read: got[field] });
          }
        }
      }
      progress("ocr", `${n + 1}/${docs.length} ${doc.truth.id}`);
    }
  } finally {
    await reader.close();
  }
  const jsPeakMb = (await peakRssMb()) - rssBefore;
  await writeFile(join(OUT, "misses.json"), `${JSON.stringify(misses, null, 2)}\n`);

  const metrics: Record<string, number> = { documents: docs.length, pages_per_engine: docs.length * variants.length };
  const comparisons: Comparison[] = [];
  const pct = (engine: Engine, variant: Variant | "all", field: Field): number => {
    const vs: Variant[] = variant === "all" ? variants : [variant];
    const h = vs.reduce((s, v) => s + (hits.get(`${engine}/${v}/${field}`) ?? 0), 0);
    return round2((100 * h) / (docs.length * vs.length));
  };
  for (const engine of engines) {
    const tag = engine === "tesseract.js" ? "js" : "cli";
    for (const variant of [...variants, "all"] as const) for (const field of FIELDS) metrics[`${tag}_${variant}_${field}_pct`] = pct(engine, variant, field);
    for (const variant of variants) {
      const ms = times.get(`${engine}/${variant}`) ?? [];
      metrics[`${tag}_${variant}_ms_median`] = round2(median(ms));
    }
  }
  metrics.js_peak_rss_mb_over_start = round2(jsPeakMb);
  if (words) Object.assign(metrics, { word_list_load_ms: round2(wordsMs), word_list_rss_mb: round2(wordsMb) });
  if (cliRss.length) metrics.cli_peak_rss_mb = round2(Math.max(...cliRss));

  const baselineIs = "Debian tesseract CLI + tesseract-ocr-vie, same extraction";
  for (const variant of variants) {
    for (const field of FIELDS) {
      const value = metrics[`js_${variant}_${field}_pct`]!;
      const goal = GOALS[field];
      const label = `${FIELD_LABEL[field]} % ${variant}${goal ? ` (goal ${goal})` : ""}`;
      if (cli) comparisons.push({ metric: label, value, baseline: metrics[`cli_${variant}_${field}_pct`]!, baselineIs });
      else comparisons.push({ metric: label, value, baseline: 0, baselineIs: "baseline skipped" });
    }
    if (!cli && !cached) comparisons.push({ metric: `ms per page ${variant}, median`, value: metrics[`js_${variant}_ms_median`]!, baseline: 0, baselineIs: "baseline skipped" });
    if (cli && !cached)
      comparisons.push({
        metric: `ms per page ${variant}, median`,
        value: metrics[`js_${variant}_ms_median`]!,
        baseline: metrics[`cli_${variant}_ms_median`]!,
        baselineIs: "CLI, one process per page (model load included)",
      });
  }
  if (!cli && !cached)
    comparisons.push({ metric: "peak RSS MB", value: metrics.js_peak_rss_mb_over_start!, baseline: 0, baselineIs: "baseline skipped; ours: process VmHWM − RSS at start" });
  if (cliRss.length)
    comparisons.push({
      metric: "peak RSS MB",
      value: metrics.js_peak_rss_mb_over_start!,
      baseline: metrics.cli_peak_rss_mb!,
      baselineIs: "CLI peak RSS (/usr/bin/time); ours: process VmHWM − RSS at start",
    });
  notes.push(`ocr: ${docs.length} documents × (${variants.join(", ")}) per engine; baseline ${cli ?? "skipped"}; misses in ${join(OUT, "misses.json")}`);
  return { name: "ocr", metrics, comparisons, highlights: ["documents"], notes };
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runOcrBench();
  console.log(JSON.stringify(r, null, 2));
}
