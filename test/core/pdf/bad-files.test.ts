// The bad-file corpus: each file's expected outcome, through the intake's single entry, and proof that a
// refused file leaves nothing in the file store.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDomainError } from "../../../core/errors.ts";
import type { DomainError } from "../../../core/errors.ts";
import { createFsFileStore } from "../../../core/files/file-store.ts";
import type { FileStore } from "../../../core/files/file-store.ts";
import { intake } from "../../../core/messages/catalog/intake.ts";
import { prepareIncoming } from "../../../core/pdf/prepare-incoming.ts";
import type { PrepareIncomingOptions } from "../../../core/pdf/prepare-incoming.ts";
import type { UploadPart } from "../../../core/pdf/validate-upload.ts";
import { BAD_DIR, FIXTURES_DIR, generateLargeFixture } from "../../fixtures/generate-fixtures.ts";

const bad = (name: string): UploadPart => ({ bytes: new Uint8Array(readFileSync(join(BAD_DIR, name))), fileName: name, mimeHint: "application/pdf" });

let storeDir: string;
let store: FileStore;
const storedFiles = () => readdirSync(storeDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

/** What a use case does: prepare, and store only what was accepted. */
const intakeAndStore = async (parts: UploadPart[], options?: PrepareIncomingOptions) => {
  const prepared = await prepareIncoming(parts, options);
  const stored = await store.put(prepared.pdf);
  return { prepared, stored };
};

const refusal = async (parts: UploadPart[], options?: PrepareIncomingOptions): Promise<DomainError> => {
  const before = storedFiles();
  const err = await intakeAndStore(parts, options).then(
    () => null,
    (e: unknown) => e,
  );
  if (!isDomainError(err)) throw new Error(`expected a DomainError, got ${String(err)}`);
  expect(storedFiles()).toBe(before); // nothing stored for a refused upload
  // Every refusal has a Vietnamese and an English text in the catalog.
  expect(intake.vi).toHaveProperty([err.messageKey]);
  expect(intake.en).toHaveProperty([err.messageKey]);
  return err;
};

beforeAll(() => {
  storeDir = mkdtempSync(join(tmpdir(), "edoc-bad-files-"));
  store = createFsFileStore(storeDir);
});
afterAll(() => rmSync(storeDir, { recursive: true, force: true }));

describe("refused uploads", () => {
  it.each([
    ["empty.pdf", "FILE_EMPTY", "intake.fileEmpty"],
    ["truncated.pdf", "PDF_CORRUPT", "intake.pdfCorrupt"],
    ["html-named.pdf", "FILE_TYPE_UNSUPPORTED", "intake.fileTypeHtml"],
    ["zip-named.pdf", "FILE_TYPE_UNSUPPORTED", "intake.fileTypeZip"],
    ["encrypted-user-password.pdf", "PDF_ENCRYPTED", "intake.pdfEncrypted"],
    ["zero-pages.pdf", "PDF_EMPTY", "intake.pdfEmpty"],
    ["image-bomb-50000.png", "IMAGE_TOO_LARGE", "intake.imageTooLarge"],
    ["truncated.jpg", "IMAGE_CORRUPT", "intake.imageCorrupt"],
  ])("%s → %s", async (name, code, key) => {
    const err = await refusal([bad(name)]);
    expect(err.code).toBe(code);
    expect(err.messageKey).toBe(key);
  });

  it("refuses the image-bomb from its IHDR alone, decoding nothing", async () => {
    const err = await refusal([bad("image-bomb-50000.png")]);
    expect(err.params).toMatchObject({ width: 50_000, height: 50_000 });
    // Proof that no pixel is decoded: the signature and the IHDR chunk (33 bytes, no image data at
    // all) get the same refusal, where a decoder would have found the file corrupt.
    const bomb = bad("image-bomb-50000.png");
    const headerOnly = await refusal([{ ...bomb, bytes: bomb.bytes.subarray(0, 8 + 4 + 4 + 13 + 4) }]);
    expect(headerOnly.code).toBe("IMAGE_TOO_LARGE");
    expect(headerOnly.params).toMatchObject({ width: 50_000, height: 50_000 });
  });

  it("refuses a 60 MB file by size before parsing it", async () => {
    const bytes = new Uint8Array(readFileSync(await generateLargeFixture("sixty-mb.pdf")));
    const err = await refusal([{ bytes, fileName: "big.pdf" }]);
    expect(err.code).toBe("FILE_TOO_LARGE");
    expect(err.params).toMatchObject({ maxMb: 50 });
    // The limit is configurable: with 70 MB allowed the same file is a valid one-page PDF.
    const accepted = await prepareIncoming([{ bytes }], { limits: { maxBytes: 70 * 1024 * 1024 } });
    expect(accepted.pageCount).toBe(1);
  });

  it("refuses a 2,000-page PDF by its page count", async () => {
    const bytes = new Uint8Array(readFileSync(await generateLargeFixture("two-thousand-pages.pdf")));
    const err = await refusal([{ bytes }]);
    expect(err.code).toBe("PDF_TOO_MANY_PAGES");
    expect(err.params).toEqual({ pages: 2000, max: 300 });
  });

  it("refuses an owner-only encrypted PDF when decryption is off or qpdf is missing", async () => {
    expect((await refusal([bad("encrypted-owner-only.pdf")], { decryptOwnerOnly: false })).code).toBe("PDF_ENCRYPTED");
    const missing = await refusal([bad("encrypted-owner-only.pdf")], { qpdfPath: "/nonexistent/qpdf" });
    expect(missing.code).toBe("PDF_ENCRYPTED");
    expect(missing.params).toEqual({ reason: "qpdf-unavailable" });
  });

  it("refuses two PDFs, or a PDF with photos, and an empty upload", async () => {
    const pdf = { bytes: new Uint8Array(readFileSync(join(FIXTURES_DIR, "sample-2-pages.pdf"))) };
    expect((await refusal([pdf, pdf])).code).toBe("INTAKE_MIXED_PARTS");
    expect((await refusal([pdf, bad("photo-named.pdf")])).code).toBe("INTAKE_MIXED_PARTS");
    expect((await refusal([])).code).toBe("INTAKE_NO_PARTS");
  });

  it("refuses more photos than the limit", async () => {
    const photo = bad("photo-named.pdf");
    const err = await refusal([photo, photo, photo], { limits: { maxPhotos: 2 } });
    expect(err.code).toBe("INTAKE_TOO_MANY_PHOTOS");
  });
});

describe("accepted uploads", () => {
  it("accepts a JPEG named .pdf as a photo and assembles it into a one-page PDF", async () => {
    const { prepared, stored } = await intakeAndStore([bad("photo-named.pdf")]);
    expect(prepared).toMatchObject({ source: "photos", pageCount: 1 });
    expect(await store.has(stored.sha256)).toBe(true);
  });

  it("decrypts an owner-only encrypted PDF with qpdf", async () => {
    const { prepared } = await intakeAndStore([bad("encrypted-owner-only.pdf")]);
    expect(prepared).toMatchObject({ source: "pdf", pageCount: 1, wasDecrypted: true });
    expect(Buffer.from(prepared.pdf).includes("/Encrypt")).toBe(false);
  });

  it("accepts a PDF with JavaScript unchanged and flags it", async () => {
    const part = bad("javascript.pdf");
    const { prepared } = await intakeAndStore([part]);
    expect(prepared.hasJavaScript).toBe(true);
    expect(Buffer.from(prepared.pdf).equals(Buffer.from(part.bytes))).toBe(true);
  });

  it("keeps a valid PDF byte for byte", async () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES_DIR, "sample-2-pages.pdf")));
    const { prepared } = await intakeAndStore([{ bytes }]);
    expect(prepared).toMatchObject({ source: "pdf", pageCount: 2, wasDecrypted: false, hasJavaScript: false });
    expect(prepared.pdf).toEqual(bytes);
  });
});
