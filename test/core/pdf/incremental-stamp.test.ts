// Stamping page 1 by an incremental update (core/pdf/incremental): the original bytes stay a prefix of
// the stamped copy, the copy is valid for qpdf, pdf-lib and poppler, page 1 shows the stamp over its
// old content, and a file the small reader cannot take falls back to the full rewrite.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { bytesSource, PdfFile, type ByteSource } from "../../../core/pdf/incremental/pdf-file.ts";
import { stampReceivedFrom, type ReceivedStamp } from "../../../core/pdf/stamp-received.ts";
import { stampedBytes } from "../../../core/pdf/stamp-first-page.ts";
import { BAD_DIR, FIXTURES_DIR, makeTextPdf } from "../../fixtures/generate-fixtures.ts";
import { handWrittenPdf as handPdf, streamObject } from "../../fixtures/hand-pdf.ts";

const workDir = mkdtempSync(join(tmpdir(), "edoc-incremental-test-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));
let seq = 0;
const writeTemp = (bytes: Uint8Array) => {
  const path = join(workDir, `f${++seq}.pdf`);
  writeFileSync(path, bytes);
  return path;
};
const pageText = (bytes: Uint8Array, page = 1) => execFileSync("pdftotext", ["-f", String(page), "-l", String(page), writeTemp(bytes), "-"], { encoding: "utf8" });
const qpdfCheck = (bytes: Uint8Array) => execFileSync("qpdf", ["--check", writeTemp(bytes)], { encoding: "utf8" });

const STAMP: ReceivedStamp = { agencyName: "UBND phường Quy Nhơn", registerNumber: 321, receivedAt: new Date("2026-12-10T07:35:00Z"), routing: "TCKH (chủ trì)" };

/**
 * A PDF written by hand, classic cross-reference table: a page tree whose root holds the MediaBox, the
 * Rotate and a shared, indirect Resources dictionary; page 1 inherits them and has two content streams;
 * its resources already hold an XObject named EdocStamp.
 */
const handWrittenPdf = (options: { rotate?: number } = {}): Uint8Array => {
  const text = (s: string, y = 700) => `BT /F1 14 Tf 72 ${y} Td (${s}) Tj ET`;
  return handPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 595 842] /Rotate ${options.rotate ?? 0} /Resources 5 0 R >>`,
    "<< /Type /Page /Parent 2 0 R /Contents [6 0 R 7 0 R] >>",
    "<< /Type /Page /Parent 2 0 R /Contents 8 0 R >>",
    "<< /Font << /F1 9 0 R >> /XObject << /EdocStamp 10 0 R >> >>",
    streamObject(text("Hand written first")),
    streamObject(text("second stream", 650)),
    streamObject(text("Page two")),
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    streamObject("", "/Type /XObject /Subtype /Form /BBox [0 0 10 10]"),
  ]);
};

/** Counts the bytes a source hands out. */
const counting = (source: ByteSource) => {
  let bytesRead = 0;
  return {
    source: {
      ...source,
      read: async (offset: number, length: number) => {
        const buf = await source.read(offset, length);
        bytesRead += buf.length;
        return buf;
      },
    } satisfies ByteSource,
    bytesRead: () => bytesRead,
  };
};

const stampIncrementally = async (original: Uint8Array) => {
  const result = await stampReceivedFrom({ bytes: original }, STAMP);
  expect("appended" in result, "rewritten" in result ? `fell back: ${result.reason}` : "").toBe(true);
  return { result, stamped: stampedBytes(original, result) };
};

describe("the ĐẾN stamp as an incremental update", () => {
  it("keeps a pdf-lib file (cross-reference stream) as a prefix and adds the stamp over page 1 only", async () => {
    const original = await makeTextPdf(2, "Trang");
    expect((await PdfFile.open(bytesSource(original))).lastXrefIsStream).toBe(true);
    const { result, stamped } = await stampIncrementally(original);
    expect(Buffer.from(stamped.subarray(0, original.length)).equals(Buffer.from(original))).toBe(true);
    expect("appended" in result && result.appended.length).toBeLessThan(200_000);
    expect(qpdfCheck(stamped)).toContain("No syntax or stream encoding errors");
    expect((await PDFDocument.load(stamped)).getPageCount()).toBe(2);
    const first = pageText(stamped);
    expect(first).toContain("Trang 1");
    expect(first).toContain("ĐẾN");
    expect(first).toContain("Số: 321");
    expect(first).toContain("Chuyển: TCKH (chủ trì)");
    expect(pageText(stamped, 2)).toContain("Trang 2");
    expect(pageText(stamped, 2)).not.toContain("ĐẾN");
  });

  it("follows a hand-written classic file: inherited boxes, shared resources, two content streams, a name already taken", async () => {
    const original = handWrittenPdf();
    const file = await PdfFile.open(bytesSource(original));
    expect(file.lastXrefIsStream).toBe(false);
    const { stamped } = await stampIncrementally(original);
    expect(qpdfCheck(stamped)).toContain("No syntax or stream encoding errors");
    const first = pageText(stamped);
    expect(first).toContain("Hand written first");
    expect(first).toContain("second stream");
    expect(first).toContain("ĐẾN");
    // Page 2 shares the resources dictionary; it is not changed and shows no stamp.
    expect(pageText(stamped, 2)).toContain("Page two");
    expect(pageText(stamped, 2)).not.toContain("ĐẾN");
    const updated = await PdfFile.open(bytesSource(stamped));
    const page = await updated.firstPage();
    const resources = await updated.resolve(page.dict.entries.get("Resources"));
    const xobjects = await updated.resolve(resources?.kind === "dict" ? resources.entries.get("XObject") : undefined);
    expect(xobjects?.kind === "dict" && [...xobjects.entries.keys()].sort()).toEqual(["EdocStamp", "EdocStamp1"]);
  });

  it("draws upright on a page the tree turns by 90°", async () => {
    const { stamped } = await stampIncrementally(handWrittenPdf({ rotate: 90 }));
    const bbox = execFileSync("pdftotext", ["-bbox", "-f", "1", "-l", "1", writeTemp(stamped), "-"], { encoding: "utf8" });
    const page = /<page width="([\d.]+)" height="([\d.]+)">/.exec(bbox)!;
    const word = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">ĐẾN<\/word>/.exec(bbox)!;
    expect(Number(word[1])).toBeGreaterThan(Number(page[1]) / 2); // right half
    expect(Number(word[2])).toBeLessThan(Number(page[2]) / 3); // top third
  });

  it("stamps a file that already has an update (a /Prev chain of two)", async () => {
    const { stamped: once } = await stampIncrementally(handWrittenPdf());
    const again = await stampReceivedFrom({ bytes: once }, { ...STAMP, registerNumber: 987 });
    expect("appended" in again).toBe(true);
    const twice = stampedBytes(once, again);
    expect(qpdfCheck(twice)).toContain("No syntax or stream encoding errors");
    // Both stamps are there (poppler drops the characters they share at the same place: "Số: ").
    const text = pageText(twice);
    expect(text).toContain("Số: 987");
    expect(text).toMatch(/\b321\b/);
    expect(text).toContain("Hand written first");
  });

  it("reads a few kilobytes of a 40 MB file, not the file", async () => {
    const big = await makeTextPdf(1, "Trang");
    // Grow the file with an unreferenced 40 MB stream object before the page objects' update.
    const filler = Buffer.alloc(40 * 1024 * 1024, 0x41);
    const file = await PdfFile.open(bytesSource(big));
    const n = file.size;
    const prefix = Buffer.concat([
      Buffer.from(big),
      Buffer.from(`\n${n} 0 obj\n<< /Length ${filler.length} >>\nstream\n`, "latin1"),
      filler,
      Buffer.from("\nendstream\nendobj\n", "latin1"),
    ]);
    const xrefAt = prefix.length;
    const grown = Buffer.concat([
      prefix,
      Buffer.from(
        `xref\n${n} 1\n${String(big.length + 1).padStart(10, "0")} 00000 n\r\ntrailer\n<< /Size ${n + 1} /Root ${(file.trailer.entries.get("Root") as { num: number }).num} 0 R /Prev ${file.lastXrefOffset} >>\nstartxref\n${xrefAt}\n%%EOF\n`,
        "latin1",
      ),
    ]);
    expect(qpdfCheck(grown)).toContain("No syntax or stream encoding errors");
    const path = writeTemp(grown);
    const { fileSource } = await import("../../../core/pdf/incremental/pdf-file.ts");
    const source = counting(await fileSource(path));
    const { appendFirstPageOverlay } = await import("../../../core/pdf/incremental/overlay-first-page.ts");
    const { embedStampFonts } = await import("../../../core/pdf/fonts.ts");
    const { drawReceivedStamp } = await import("../../../core/pdf/stamp-received.ts");
    const tail = await appendFirstPageOverlay(source.source, async (page, doc) => drawReceivedStamp(page, await embedStampFonts(doc), STAMP));
    await source.source.close();
    expect(source.bytesRead()).toBeLessThan(1024 * 1024);
    expect(pageText(Buffer.concat([grown, tail]))).toContain("ĐẾN");
  });

  it("falls back to the full rewrite for JavaScript (removed), and for a file whose cross-reference is broken", async () => {
    const js = new Uint8Array(readFileSync(join(BAD_DIR, "javascript.pdf")));
    const withJs = await stampReceivedFrom({ bytes: js }, STAMP);
    expect("rewritten" in withJs && withJs.reason).toBe("JavaScript or XFA");
    expect(Buffer.from("rewritten" in withJs ? withJs.rewritten : new Uint8Array()).includes("/JavaScript")).toBe(false);

    const sample = readFileSync(join(FIXTURES_DIR, "sample-2-pages.pdf"));
    const broken = Buffer.from(sample.toString("latin1").replace(/startxref\s+\d+/, "startxref\n17"), "latin1");
    const repaired = await stampReceivedFrom({ bytes: new Uint8Array(broken) }, STAMP);
    expect("rewritten" in repaired).toBe(true);
    expect(pageText(stampedBytes(new Uint8Array(broken), repaired))).toContain("ĐẾN");
  });

  it("takes a file path and never needs the bytes in memory", async () => {
    const original = await makeTextPdf(1, "Theo duong dan");
    const result = await stampReceivedFrom({ path: writeTemp(original) }, STAMP);
    expect("appended" in result).toBe(true);
    expect(pageText(stampedBytes(original, result))).toContain("Theo duong dan 1");
  });
});
