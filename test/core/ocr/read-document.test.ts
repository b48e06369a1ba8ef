import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Worker as ThreadWorker } from "node:worker_threads";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasMessage } from "../../../core/messages/index.ts";
import { isUsableTextLayer, readDocument, type ReadDocumentInput } from "../../../core/ocr/read-document.ts";
import { createPageReader, OcrError, type PageReader } from "../../../core/ocr/read-page.ts";
import { runPdftoppm } from "../../../core/pdf/pdftoppm.ts";
import { joinPdfs, makeDecree30Pdf, makeTextPdf, rasterisePdf } from "../../support/decree30-page.ts";

// Real PDFs made here: the Decree-30 sample with its text layer (pdf-lib), the same page as an image
// only (a scan), and an appendix page with text. Real OCR (tesseract.js, Vietnamese model) and real
// poppler (pdfinfo, pdftotext, pdftoppm).
const dir = mkdtempSync(join(tmpdir(), "edoc-read-doc-test-"));
const KNOWN = ["Sở Tài chính tỉnh Bình Định", "Sở Tài chính tỉnh Gia Lai"];
const TODAY = { year: 2026, month: 12, day: 11 };
const APPENDIX = [
  "Phụ lục: danh sách các đơn vị chưa gửi báo cáo quyết toán",
  "1. Ủy ban nhân dân phường Nhơn Bình: thiếu biểu mẫu số 03.",
  "2. Ủy ban nhân dân xã Nhơn Châu: thiếu thuyết minh kèm theo.",
];
let textPdfPath: string;
let scanPdf: Uint8Array;
let mixedPdf: Uint8Array;
let photo: Buffer;
const threads: ThreadWorker[] = [];
const reader: PageReader = createPageReader({ onEngineThread: (t) => threads.push(t) });
const input = (files: ReadDocumentInput["files"], extra: Partial<ReadDocumentInput> = {}): ReadDocumentInput => ({ files, knownIssuers: KNOWN, today: TODAY, ...extra });

beforeAll(async () => {
  const textPdf = await makeDecree30Pdf();
  textPdfPath = join(dir, "text.pdf");
  writeFileSync(textPdfPath, textPdf);
  scanPdf = await rasterisePdf(textPdf, 200);
  mixedPdf = await joinPdfs([scanPdf, await makeTextPdf(APPENDIX)]);
  execFileSync("pdftoppm", ["-r", "150", "-png", "-singlefile", textPdfPath, join(dir, "page")]);
  photo = await sharp(readFileSync(join(dir, "page.png")))
    .jpeg({ quality: 85 })
    .toBuffer();
});

afterAll(async () => {
  await reader.close();
  rmSync(dir, { recursive: true, force: true });
});

const failure = async (p: Promise<unknown>): Promise<OcrError> => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OcrError);
  expect(hasMessage((err as OcrError).messageKey)).toBe(true);
  return err as OcrError;
};

const expectSampleFields = (f: Awaited<ReturnType<typeof readDocument>>["fields"]) => {
  expect(f.code?.value).toEqual({ codeNumber: "45", codeNotation: "STC-NS" });
  expect(f.issuedDate?.value).toEqual({ year: 2026, month: 12, day: 10 });
  expect(f.issuer).toMatchObject({ value: "Sở Tài chính tỉnh Bình Định", known: true });
  expect(f.subject?.value).toBe("V/v báo cáo tình hình thực hiện dự toán ngân sách năm 2026");
  expect(f.requestedDueDate?.value).toEqual({ year: 2026, month: 12, day: 18 });
};

describe("readDocument", () => {
  it("reads a PDF with a text layer from its text, without starting the OCR engine", async () => {
    const own = createPageReader({ onEngineThread: () => expect.fail("the OCR engine was started for a text-layer PDF") });
    try {
      const r = await readDocument(input([{ path: textPdfPath }]), { pageReader: own });
      expect(r.pages).toEqual([{ page: 1, source: "TEXT_LAYER" }]);
      expect(r.source).toBe("TEXT_LAYER");
      expect(r.pageCount).toBe(1);
      expectSampleFields(r.fields);
      expect(r.fields.signer?.value.fullName).toBe("Nguyễn Văn An");
      expect(r.text).toContain("để tổng hợp báo cáo Ủy ban nhân dân tỉnh.");
      expect(r.isPartial).toBe(false);
    } finally {
      await own.close();
    }
  });

  it("OCRs only the image pages of a mixed PDF and keeps every page's text in order", async () => {
    const seen: string[] = [];
    const r = await readDocument(input([{ bytes: mixedPdf }], { onFields: (f) => seen.push(f.code?.value.codeNumber ?? "none") }), { pageReader: reader });
    expect(r.pages).toEqual([
      { page: 1, source: "OCR" },
      { page: 2, source: "TEXT_LAYER" },
    ]);
    expect(r.source).toBe("MIXED");
    expectSampleFields(r.fields);
    expect(seen).toEqual(["45"]);
    expect(r.text.indexOf("tổng hợp")).toBeGreaterThan(-1);
    expect(r.text.indexOf("thiếu thuyết minh kèm theo")).toBeGreaterThan(r.text.indexOf("tổng hợp"));
  });

  it("reads photos of pages with OCR, one page each", async () => {
    const r = await readDocument(input([{ bytes: photo }, { bytes: photo }]), { pageReader: reader });
    expect(r.pages).toEqual([
      { page: 1, source: "OCR" },
      { page: 2, source: "OCR" },
    ]);
    expect(r.pageCount).toBe(2);
    expect(r.source).toBe("OCR");
    expect(r.fields.code?.value.codeNumber).toBe("45");
  });

  it("extends an earlier read with pages added later (photos sent one by one): only the new page is OCR'd, the signer comes from the new last page", async () => {
    const signerPdf = await makeTextPdf(["để tổng hợp báo cáo Ủy ban nhân dân tỉnh.", "", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "", "", "Trần Văn Minh"]);
    const rendered = await runPdftoppm({ bytes: signerPdf }, ["-r", "150", "-png"], "png");
    if (!rendered.ok) throw new Error(rendered.reason);
    const signerPage = await sharp(rendered.bytes).jpeg({ quality: 85 }).toBuffer();
    const first = await readDocument(input([{ bytes: photo }]), { pageReader: reader });
    expect(first.pageTexts.map((p) => [p.page, p.source])).toEqual([[1, "OCR"]]);
    expect(first.fields.signer?.value.fullName).toBe("Nguyễn Văn An");
    const reads: unknown[] = [];
    const counting: PageReader = { read: (i, o) => (reads.push(i), reader.read(i, o)), close: () => reader.close() };
    const more = await readDocument(input([{ bytes: photo }, { bytes: signerPage }], { known: first.pageTexts }), { pageReader: counting });
    expect(reads).toHaveLength(1);
    expect(more.pages).toEqual([
      { page: 1, source: "OCR" },
      { page: 2, source: "OCR" },
    ]);
    expectSampleFields(more.fields);
    expect(more.fields.signer?.value).toMatchObject({ position: "PHÓ GIÁM ĐỐC", fullName: "Trần Văn Minh" });
    expect(more.text.startsWith(first.pageTexts[0]!.text)).toBe(true);
    // A known page past the document's end is ignored.
    const alone = await readDocument(input([{ bytes: photo }], { known: [...first.pageTexts, { page: 2, text: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nLê Văn Cường", source: "OCR" }] }), {
      pageReader: counting,
    });
    expect(alone.pageCount).toBe(1);
    expect(alone.fields.signer?.value.fullName).toBe("Nguyễn Văn An");
  });

  it("OCRs at most maxOcrPages pages, page 1 first, and says the read is partial", async () => {
    const r = await readDocument(input([{ bytes: photo }, { bytes: photo }, { bytes: photo }], { maxOcrPages: 1 }), { pageReader: reader });
    expect(r.pages).toEqual([{ page: 1, source: "OCR" }]);
    expect(r.pageCount).toBe(3);
    expect(r.isPartial).toBe(true);
    expect(r.fields.code?.value.codeNumber).toBe("45");
  });

  it("falls back to OCR when no text extractor is installed", async () => {
    const r = await readDocument(input([{ path: textPdfPath }]), { pageReader: reader, pdftotextPath: join(dir, "no-pdftotext"), pdfinfoPath: join(dir, "no-pdfinfo") });
    expect(r.pages).toEqual([{ page: 1, source: "OCR" }]);
    expect(r.fields.code?.value).toEqual({ codeNumber: "45", codeNotation: "STC-NS" });
  });

  it("lowers the confidence of an issue date after today (a likely misread digit)", async () => {
    const r = await readDocument(input([{ path: textPdfPath }], { today: { year: 2026, month: 12, day: 9 } }), { pageReader: reader });
    expect(r.fields.issuedDate?.value).toEqual({ year: 2026, month: 12, day: 10 });
    expect(r.fields.issuedDate?.confidence).toBeLessThanOrEqual(0.4);
  });

  it("times out with OCR_TIMEOUT, and the next read works", async () => {
    const own = createPageReader();
    try {
      const err = await failure(readDocument(input([{ bytes: scanPdf }], { timeoutMs: 1 }), { pageReader: own }));
      expect(err.code).toBe("OCR_TIMEOUT");
      const r = await readDocument(input([{ bytes: scanPdf }]), { pageReader: own });
      expect(r.pages).toEqual([{ page: 1, source: "OCR" }]);
      expectSampleFields(r.fields);
    } finally {
      await own.close();
    }
  });

  it("rejects with OCR_ENGINE_FAILED when the engine's thread dies under a read, and the next read starts a new engine", async () => {
    const started: ThreadWorker[] = [];
    const own = createPageReader({
      onEngineThread: (t) => {
        started.push(t);
        if (started.length === 1) void t.terminate(); // the first engine dies as the read begins
      },
    });
    try {
      const err = await failure(readDocument(input([{ bytes: scanPdf }]), { pageReader: own }));
      expect(err.code).toBe("OCR_ENGINE_FAILED");
      const r = await readDocument(input([{ bytes: scanPdf }]), { pageReader: own });
      expectSampleFields(r.fields);
      expect(started).toHaveLength(2);
    } finally {
      await own.close();
    }
  });

  it("stops when the caller aborts (OCR_ABORTED) and refuses what is neither a PDF nor an image", async () => {
    expect((await failure(readDocument(input([{ bytes: scanPdf }], { signal: AbortSignal.abort() }), { pageReader: reader }))).code).toBe("OCR_ABORTED");
    expect((await failure(readDocument(input([{ bytes: new TextEncoder().encode("no document here") }]), { pageReader: reader }))).code).toBe("OCR_UNREADABLE");
    expect((await failure(readDocument(input([]), { pageReader: reader }))).code).toBe("OCR_UNREADABLE");
  });
});

describe("isUsableTextLayer", () => {
  it("takes Vietnamese text, and refuses a near-empty layer and a legacy-font (TCVN3) layer", () => {
    expect(isUsableTextLayer("Sở Tài chính đề nghị các đơn vị báo cáo tình hình thực hiện dự toán")).toBe(true);
    expect(isUsableTextLayer("ĐẾN Số: 7 Ngày: 11/12/2026")).toBe(false);
    // "Cộng hòa xã hội chủ nghĩa Việt Nam" in a .VnTime font, as pdftotext extracts it.
    expect(isUsableTextLayer("Céng hßa x· héi chñ nghÜa ViÖt Nam. §éc lËp - Tù do - H¹nh phóc. Sè: 45/STC-NS")).toBe(false);
  });
});
