import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PDFDocument, PDFName, PDFRawStream, decodePDFRawStream, degrees } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasJavaScript } from "../../../core/pdf/javascript.ts";
import { copyForIssue, formatSigningTime, stampSeal } from "../../../core/pdf/seal-stamp.ts";
import { readFileSync } from "node:fs";
import { BAD_DIR } from "../../fixtures/generate-fixtures.ts";
import { samplePdf } from "../../support/workflow.ts";

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "seal-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const textOfPage1 = async (bytes: Uint8Array, name: string): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return (await run("pdftotext", ["-f", "1", "-l", "1", "-layout", path, "-"])).stdout;
};

const SEAL = { agencyName: "UBND thành phố Quy Nhơn", numberAndNotation: "05/UBND-VP", signedAt: new Date("2026-12-01T02:15:30.456Z") };

describe("formatSigningTime", () => {
  it("writes ISO 8601 in Vietnam time with whole seconds, whatever the process zone", () => {
    expect(formatSigningTime(new Date("2026-12-01T02:15:30.999Z"))).toBe("2026-12-01T09:15:30+07:00");
    expect(formatSigningTime(new Date("2026-12-31T20:00:00Z"))).toBe("2027-01-01T03:00:00+07:00");
    expect(formatSigningTime(new Date("2026-06-01T12:00:00Z"), "UTC")).toBe("2026-06-01T12:00:00+00:00");
  });
});

describe("stampSeal", () => {
  it("puts the agency, number and notation, and signing time on page 1 only; the input is untouched", async () => {
    const original = await samplePdf();
    const copy = original.slice();
    const sealed = await stampSeal(original, SEAL);
    expect(original).toEqual(copy);
    const text = await textOfPage1(sealed, "sealed.pdf");
    expect(text).toContain("UBND thành phố Quy Nhơn");
    expect(text).toContain("Số: 05/UBND-VP");
    expect(text).toContain("Thời gian ký: 2026-12-01T09:15:30+07:00");
    const page2 = join(dir, "sealed.pdf");
    const second = (await run("pdftotext", ["-f", "2", "-l", "2", page2, "-"])).stdout;
    expect(second).not.toContain("05/UBND-VP");
    const doc = await PDFDocument.load(sealed);
    expect(doc.getPageCount()).toBe(2);
    // Subset font: the copy stays small.
    expect(sealed.byteLength - original.byteLength).toBeLessThan(40_000);
  });

  it("sits at the top right of the page as displayed, also on a rotated page", async () => {
    const doc = await PDFDocument.create();
    doc.addPage([595.28, 841.89]).setRotation(degrees(90));
    const sealed = await stampSeal(await doc.save(), SEAL);
    const path = join(dir, "rotated.pdf");
    await writeFile(path, sealed);
    const { stdout } = await run("pdftotext", ["-bbox", path, "-"]);
    const words = [...stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
      xMax: Number(m[3]),
      word: m[5],
    }));
    const number = words.find((w) => w.word === "05/UBND-VP");
    expect(number).toBeDefined();
    // Displayed landscape: 841.89 wide; the block is in the right third and the top 60 pt.
    expect(number!.xMax).toBeGreaterThan(841.89 * 0.66);
    expect(number!.y).toBeLessThan(60);
  });

  it("on a scan of a paper original prints the digitised copy's block: SAO Y, the copying agency, the time; no number", async () => {
    const sealed = await stampSeal(await samplePdf(), { form: "SAO_Y", agencyName: "UBND phường Quy Nhơn", signedAt: SEAL.signedAt });
    const lines = (await textOfPage1(sealed, "sao-y.pdf"))
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    // Decree 30 Appendix I Part II, I.3.c: copy type, copying agency, signing time (ISO 8601), in that order.
    const at = lines.indexOf("SAO Y");
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines.slice(at, at + 3)).toEqual(["SAO Y", "UBND phường Quy Nhơn", "Thời gian ký: 2026-12-01T09:15:30+07:00"]);
    expect(lines.join("\n")).not.toContain("Số:");
  });

  it("prints in Tinos (metric-compatible with Times New Roman), 10 pt, black", async () => {
    const sealed = await stampSeal(await samplePdf(), SEAL);
    const path = join(dir, "font.pdf");
    await writeFile(path, sealed);
    const fonts = (await run("pdffonts", [path])).stdout;
    expect(fonts).toMatch(/^Tinos-Regular\S*\s+CID TrueType\s+Identity-H\s+yes/m);
    expect(fonts).not.toContain("DejaVu");
    // The block's operators (in whichever stream holds them: an appended content stream or a form): 10 pt text, black.
    const doc = await PDFDocument.load(sealed);
    const streams = doc.context
      .enumerateIndirectObjects()
      .map(([, o]) => o)
      .filter((o): o is PDFRawStream => o instanceof PDFRawStream && o.dict.get(PDFName.of("Subtype")) !== PDFName.of("Image"))
      .map((o) => new TextDecoder("latin1").decode(decodePDFRawStream(o).decode()));
    const block = streams.filter((ops) => / 10 Tf\b/.test(ops));
    expect(block).toHaveLength(1);
    expect([...block[0]!.matchAll(/ ([\d.]+) Tf\b/g)].map((m) => Number(m[1]))).toEqual([10, 10, 10]);
    expect([...block[0]!.matchAll(/([\d.]+ [\d.]+ [\d.]+) rg/g)].map((m) => m[1])).toEqual(["1 1 1", "0 0 0", "0 0 0", "0 0 0"]);
  });

  it("refuses what is not a PDF", async () => {
    await expect(stampSeal(new TextEncoder().encode("not a pdf"), SEAL)).rejects.toMatchObject({ code: "PDF_CORRUPT" });
  });
});

describe("copyForIssue (no agency certificate)", () => {
  it("keeps the pages, draws no block and no signing time, and removes JavaScript", async () => {
    const copy = await copyForIssue(await samplePdf());
    const text = await textOfPage1(copy, "unsigned.pdf");
    expect(text).toContain("Sample page 1");
    expect(text).not.toContain("Thời gian ký");
    expect(text).not.toContain("SAO Y");
    expect((await PDFDocument.load(copy)).getPageCount()).toBe(2);
    const withJs = new Uint8Array(readFileSync(join(BAD_DIR, "javascript.pdf")));
    expect(hasJavaScript(await PDFDocument.load(await copyForIssue(withJs)))).toBe(false);
  });
});
