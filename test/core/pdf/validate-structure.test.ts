// validatePdf reads most files by offset (core/pdf/incremental/pdf-file.ts) instead of loading them
// with pdf-lib: it must reach the same verdicts — real page count, scripts found also inside object
// streams — and hand anything it cannot follow to pdf-lib.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { isDomainError } from "../../../core/errors.ts";
import { validatePdf } from "../../../core/pdf/validate-upload.ts";
import { BAD_DIR } from "../../fixtures/generate-fixtures.ts";
import { handWrittenPdf, streamObject } from "../../fixtures/hand-pdf.ts";

/** A page tree of `leaves` pages that declares `declared` in its /Count. */
const pagesPdf = (leaves: number, declared: number): Uint8Array => {
  const kids = Array.from({ length: leaves }, (_, i) => `${i + 4} 0 R`).join(" ");
  const pages = Array.from({ length: leaves }, () => "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>");
  return handWrittenPdf(["<< /Type /Catalog /Pages 2 0 R >>", `<< /Type /Pages /Kids [${kids}] /Count ${declared} >>`, streamObject("BT ET"), ...pages]);
};

describe("validatePdf without loading the document", () => {
  it("counts the pages the tree holds, not the /Count it declares", async () => {
    expect((await validatePdf(pagesPdf(3, 1))).pageCount).toBe(3);
    const err = await validatePdf(pagesPdf(301, 1)).catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe("PDF_TOO_MANY_PAGES");
  });

  it("finds JavaScript inside an object stream", async () => {
    const doc = await PDFDocument.load(readFileSync(join(BAD_DIR, "javascript.pdf")));
    const packed = await doc.save({ useObjectStreams: true }); // the action dictionaries now sit in an object stream
    expect(Buffer.from(packed).includes("/JavaScript")).toBe(false); // not visible in the raw bytes
    const result = await validatePdf(packed);
    expect(result.hasJavaScript).toBe(true);
  });

  it("gives a file with a broken cross-reference to pdf-lib, which repairs it", async () => {
    const good = Buffer.from(pagesPdf(2, 2)).toString("latin1");
    const broken = new Uint8Array(Buffer.from(good.replace(/startxref\s+\d+/, "startxref\n5"), "latin1"));
    expect((await validatePdf(broken)).pageCount).toBe(2);
  });
});
