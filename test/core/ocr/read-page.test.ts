import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasMessage } from "../../../core/messages/index.ts";
import { extractFields } from "../../../core/ocr/extract-fields.ts";
import { createPageReader, OcrError, type PageReader } from "../../../core/ocr/read-page.ts";
import { makeDecree30Pdf } from "../../support/decree30-page.ts";

// Real OCR (tesseract.js with the Vietnamese model from node_modules, no network) of a Decree-30 page
// generated here: a PDF rendered by pdftoppm, and a phone-style JPEG photo of it lying on its side.
const dir = mkdtempSync(join(tmpdir(), "edoc-ocr-test-"));
let pdf: Uint8Array;
let photo: Buffer;
let degraded: Buffer;
const reader: PageReader = createPageReader();

beforeAll(async () => {
  pdf = await makeDecree30Pdf();
  writeFileSync(join(dir, "page.pdf"), pdf);
  execFileSync("pdftoppm", ["-r", "150", "-png", "-singlefile", join(dir, "page.pdf"), join(dir, "page")]);
  // Pixels turned a quarter left, EXIF orientation 6 ("turn right to view"): as a phone stores a photo.
  photo = await sharp(readFileSync(join(dir, "page.png")))
    .rotate(-90)
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  // A poor scan: grey speckle noise (fixed seed), blur, 1.5° skew, JPEG quality 55.
  const png = sharp(readFileSync(join(dir, "page.png"))).greyscale();
  const { data, info } = await png.raw().toBuffer({ resolveWithObject: true });
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + Math.round((next() - 0.5) * 90)));
  degraded = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
    .blur(0.8)
    .rotate(1.5, { background: "#ffffff" })
    .jpeg({ quality: 55 })
    .toBuffer();
});

afterAll(async () => {
  await reader.close();
  rmSync(dir, { recursive: true, force: true });
});

const expectErrorCode = async (p: Promise<unknown>, code: string) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OcrError);
  expect((err as OcrError).code).toBe(code);
  expect(hasMessage((err as OcrError).messageKey)).toBe(true);
};

describe("createPageReader", () => {
  it("reads a PDF page (pdftoppm, 200 dpi) well enough to extract số/ký hiệu, ngày, trích yếu, deadline and signer", async () => {
    const page = await reader.read({ bytes: pdf, page: "last" });
    console.log(`OCR of the generated page (PDF, 200 dpi): ${page.ms} ms, confidence ${page.confidence}`);
    expect(page.page).toBe(1);
    const f = extractFields({ firstPage: page.text, knownIssuers: ["Sở Tài chính tỉnh Bình Định"] });
    expect(f.code?.value).toEqual({ codeNumber: "45", codeNotation: "STC-NS" });
    expect(f.issuedDate?.value).toEqual({ year: 2026, month: 12, day: 10 });
    expect(f.subject?.value).toBe("V/v báo cáo tình hình thực hiện dự toán ngân sách năm 2026");
    expect(f.issuer?.value).toBe("Sở Tài chính tỉnh Bình Định");
    expect(f.docType?.value).toBe("Công văn");
    expect(f.requestedDueDate?.value).toEqual({ year: 2026, month: 12, day: 18 });
    expect(f.signer?.value.fullName).toBe("Nguyễn Văn An");
  });

  it("reads a JPEG photo stored on its side (EXIF orientation applied)", async () => {
    const page = await reader.read({ bytes: photo });
    console.log(`OCR of the generated page (JPEG photo, 150 dpi): ${page.ms} ms`);
    const f = extractFields({ firstPage: page.text });
    expect(f.code?.value).toEqual({ codeNumber: "45", codeNotation: "STC-NS" });
    expect(f.issuedDate?.value).toEqual({ year: 2026, month: 12, day: 10 });
    expect(f.subject?.value).toBe("V/v báo cáo tình hình thực hiện dự toán ngân sách năm 2026");
  });

  it("reads a poor scan (noise, blur, skew, JPEG) and matches its header to the known issuer", async () => {
    const page = await reader.read({ bytes: degraded });
    const f = extractFields({ firstPage: page.text, knownIssuers: ["Sở Tài chính tỉnh Bình Định", "Sở Tài chính tỉnh Gia Lai"] });
    expect(f.code?.value).toEqual({ codeNumber: "45", codeNotation: "STC-NS" });
    expect(f.issuedDate?.value).toEqual({ year: 2026, month: 12, day: 10 });
    expect(f.issuer).toMatchObject({ value: "Sở Tài chính tỉnh Bình Định", known: true });
    expect(f.subject?.value).toBe("V/v báo cáo tình hình thực hiện dự toán ngân sách năm 2026");
  });

  it("stops a read at its timeout with OCR_TIMEOUT, and reads again afterwards with a fresh worker", async () => {
    const own = createPageReader();
    try {
      await expectErrorCode(own.read({ bytes: photo }, { timeoutMs: 1 }), "OCR_TIMEOUT");
      const page = await own.read({ bytes: photo });
      expect(extractFields({ firstPage: page.text }).code?.value.codeNumber).toBe("45");
    } finally {
      await own.close();
    }
  });

  it("stops a read when its signal aborts (OCR_ABORTED)", async () => {
    const own = createPageReader();
    try {
      const controller = new AbortController();
      const reading = own.read({ bytes: photo }, { signal: controller.signal });
      setImmediate(() => controller.abort());
      await expectErrorCode(reading, "OCR_ABORTED");
      await expectErrorCode(own.read({ bytes: photo }, { signal: AbortSignal.abort() }), "OCR_ABORTED");
    } finally {
      await own.close();
    }
  });

  it("refuses bytes that are neither an image nor a PDF, a page the PDF lacks, and a PDF without pdftoppm", async () => {
    await expectErrorCode(reader.read({ bytes: new TextEncoder().encode("not an image at all") }), "OCR_UNREADABLE");
    await expectErrorCode(reader.read({ bytes: pdf, page: 2 }), "OCR_NO_PAGE");
    const noRenderer = createPageReader({ pdftoppmPath: join(dir, "no-such-pdftoppm") });
    try {
      await expectErrorCode(noRenderer.read({ bytes: pdf }), "OCR_NO_RENDERER");
    } finally {
      await noRenderer.close();
    }
  });
});
