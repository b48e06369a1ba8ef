import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, degrees } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { isDomainError } from "../../../core/errors.ts";
import { hasJavaScript } from "../../../core/pdf/javascript.ts";
import { formatStampDateTime, stampReceived } from "../../../core/pdf/stamp-received.ts";
import { BAD_DIR, FIXTURES_DIR, makeTextPdf } from "../../fixtures/generate-fixtures.ts";

const workDir = mkdtempSync(join(tmpdir(), "edoc-stamp-test-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let seq = 0;
const writeTemp = (bytes: Uint8Array) => {
  const path = join(workDir, `f${++seq}.pdf`);
  writeFileSync(path, bytes);
  return path;
};
const pdftotext = (bytes: Uint8Array, args: string[] = [], page = 1) =>
  execFileSync("pdftotext", [...args, "-f", String(page), "-l", String(page), writeTemp(bytes), "-"], { encoding: "utf8" });

/** Where pdftotext places a word on page 1 as displayed (rotation applied), from its -bbox output. */
const wordBox = (bytes: Uint8Array, word: string) => {
  const html = pdftotext(bytes, ["-bbox"]);
  const page = /<page width="([\d.]+)" height="([\d.]+)">/.exec(html);
  const re = new RegExp(`<word xMin="([\\d.]+)" yMin="([\\d.]+)" xMax="([\\d.]+)" yMax="([\\d.]+)">${word}</word>`);
  const m = re.exec(html);
  if (!page || !m) throw new Error(`word ${word} not found`);
  return { pageWidth: Number(page[1]), pageHeight: Number(page[2]), xMin: Number(m[1]), yMin: Number(m[2]) };
};

const sample = new Uint8Array(readFileSync(join(FIXTURES_DIR, "sample-2-pages.pdf")));
const stamp = {
  agencyName: "UBND thành phố Quy Nhơn",
  registerNumber: 123,
  // 07:35 UTC = 14:35 in Vietnam (UTC+7)
  receivedAt: new Date("2026-12-10T07:35:00Z"),
};

describe("stampReceived", () => {
  it("writes the stamp text with correct Vietnamese diacritics (read back by pdftotext)", async () => {
    const text = pdftotext(await stampReceived(sample, stamp));
    expect(text).toContain("UBND THÀNH PHỐ QUY NHƠN");
    expect(text).toContain("ĐẾN");
    expect(text).toContain("Số: 123");
    expect(text).toContain("Ngày: 14:35 10/12/2026");
    expect(text).not.toContain("Chuyển");
    expect(text).toContain("Sample page 1"); // the page's own content is still there
  });

  it("adds the routing when given, wrapping a long agency name and routing", async () => {
    const text = pdftotext(
      await stampReceived(sample, {
        ...stamp,
        agencyName: "Ủy ban nhân dân thành phố Quy Nhơn, tỉnh Bình Định",
        routing: "Phòng Tài chính - Kế hoạch (chủ trì); Phòng Tư pháp; Văn phòng HĐND và UBND",
      }),
    );
    const lines = text.split("\n").map((l) => l.trim());
    expect(lines.join(" ")).toContain("ỦY BAN NHÂN DÂN THÀNH PHỐ QUY NHƠN, TỈNH BÌNH ĐỊNH".split(" ").slice(0, 3).join(" "));
    expect(lines.some((l) => l.startsWith("Chuyển: Phòng Tài chính"))).toBe(true);
    expect(text).toContain("Phòng Tư pháp");
    // wrapped: the agency name does not fit on one 50 mm line
    expect(lines).not.toContain("ỦY BAN NHÂN DÂN THÀNH PHỐ QUY NHƠN, TỈNH BÌNH ĐỊNH");
  });

  it("never modifies the original bytes and keeps every page", async () => {
    const before = createHash("sha256").update(sample).digest("hex");
    const stamped = await stampReceived(sample, { ...stamp, routing: "TCKH" });
    expect(createHash("sha256").update(sample).digest("hex")).toBe(before);
    expect(stamped).not.toBe(sample);
    const doc = await PDFDocument.load(stamped);
    expect(doc.getPageCount()).toBe(2);
    const page2 = pdftotext(stamped, [], 2);
    expect(page2).toContain("Sample page 2");
    expect(page2).not.toContain("ĐẾN"); // page 2 is untouched
  });

  it("embeds a font subset, so a stamp adds kilobytes, not the whole font", async () => {
    const stamped = await stampReceived(sample, stamp);
    expect(stamped.byteLength - sample.byteLength).toBeLessThan(60_000);
  });

  it("places the stamp at the top right of the page as displayed, also on a rotated page", async () => {
    for (const angle of [0, 90, 270]) {
      const doc = await PDFDocument.load(await makeTextPdf(1));
      doc.getPage(0).setRotation(degrees(angle));
      const box = wordBox(await stampReceived(await doc.save(), stamp), "ĐẾN");
      expect({ angle, isRight: box.xMin > box.pageWidth / 2, isTop: box.yMin < box.pageHeight * 0.15 }).toEqual({ angle, isRight: true, isTop: true });
    }
  });

  it("removes JavaScript from the stamped copy", async () => {
    const withJs = new Uint8Array(readFileSync(join(BAD_DIR, "javascript.pdf")));
    expect(hasJavaScript(await PDFDocument.load(withJs))).toBe(true);
    const stamped = await stampReceived(withJs, stamp);
    expect(hasJavaScript(await PDFDocument.load(stamped))).toBe(false);
    expect(pdftotext(stamped)).toContain("Document with JavaScript");
  });

  it("refuses input that is not a readable PDF with a typed error", async () => {
    const err = await stampReceived(new Uint8Array(readFileSync(join(BAD_DIR, "truncated.pdf"))), stamp).catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe("PDF_CORRUPT");
  });
});

describe("formatStampDateTime", () => {
  it("shows Vietnam time whatever the process time zone, across a day and year boundary", () => {
    expect(formatStampDateTime(new Date("2026-12-31T17:30:00Z"))).toBe("00:30 01/01/2027");
    expect(formatStampDateTime(new Date("2026-03-05T01:05:00Z"))).toBe("08:05 05/03/2026");
    expect(formatStampDateTime(new Date("2026-03-05T01:05:00Z"), "UTC")).toBe("01:05 05/03/2026");
  });
});
