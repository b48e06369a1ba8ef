import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument, degrees } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { isDomainError } from "../../../core/errors.ts";
import { hasJavaScript } from "../../../core/pdf/javascript.ts";
import { loadFontkit, loadStampFontBytes } from "../../../core/pdf/fonts.ts";
import { renderFirstPage, type PageRaster } from "../../../core/pdf/free-space.ts";
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
    // Every line of the carved stamp is printed; Chuyển and the case file stay blank until known.
    const lines = text.split("\n").map((l) => l.trim());
    expect(lines).toContain("Chuyển:");
    expect(lines).toContain("Số và ký hiệu HS:");
    expect(text).toContain("Sample page 1"); // the page's own content is still there
  });

  it("fills the Số và ký hiệu HS line with the case file once the document is filed", async () => {
    const lines = pdftotext(await stampReceived(sample, { ...stamp, routing: "TCKH (chủ trì)", caseFile: "05-VP" }))
      .split("\n")
      .map((l) => l.trim());
    expect(lines).toContain("Chuyển: TCKH (chủ trì)");
    expect(lines).toContain("Số và ký hiệu HS: 05-VP");
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

// === Placement: never over what is printed

const QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
const TIEU_NGU = "Độc lập - Tự do - Hạnh phúc";

/** An A4 page as an agency prints it, whose top right (Quốc hiệu, then body text) is full of text. */
const crowdedPage = async (): Promise<Uint8Array> => {
  const doc = await PDFDocument.create();
  doc.registerFontkit(await loadFontkit());
  const bytes = await loadStampFontBytes();
  const regular = await doc.embedFont(bytes.regular, { subset: true });
  const bold = await doc.embedFont(bytes.bold, { subset: true });
  const page = doc.addPage([595.28, 841.89]);
  page.drawText("UBND TỈNH GIA LAI", { x: 60, y: 800, size: 12, font: regular });
  page.drawText("SỞ TÀI CHÍNH", { x: 75, y: 785, size: 12, font: bold });
  page.drawText("Số: 45/STC-NS", { x: 75, y: 765, size: 12, font: regular });
  page.drawText(QUOC_HIEU, { x: 300, y: 815, size: 11, font: bold });
  page.drawText(TIEU_NGU, { x: 345, y: 800, size: 12, font: bold });
  // The rest of the right half, from the top of the page down, is text as well.
  page.drawText("Gia Lai, ngày 20 tháng 11 năm 2026", { x: 330, y: 830, size: 9, font: regular });
  for (let y = 780; y > 560; y -= 14) page.drawText("nội dung văn bản kín lề phải của trang", { x: 300, y, size: 11, font: regular });
  for (let y = 540; y > 80; y -= 16) page.drawText("Nội dung văn bản trải đều từ lề trái tới lề phải của trang giấy khổ A4 này.", { x: 60, y, size: 12, font: regular });
  return doc.save();
};

/** The displayed box of each word pdftotext finds on page 1, in points from the top left. */
const wordBoxes = (bytes: Uint8Array) =>
  [...pdftotext(bytes, ["-bbox"]).matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)].map((m) => ({
    x0: Number(m[1]),
    y0: Number(m[2]),
    x1: Number(m[3]),
    y1: Number(m[4]),
    word: m[5]!,
  }));

/** The raster's pixels under a rectangle given in points (page 595.28 × 841.89). */
const pixelsUnder = (raster: PageRaster, box: { x0: number; y0: number; x1: number; y1: number }) => {
  const s = raster.width / 595.28;
  const out: number[] = [];
  for (let y = Math.floor(box.y0 * s); y < Math.ceil(box.y1 * s); y++) {
    for (let x = Math.floor(box.x0 * s); x < Math.ceil(box.x1 * s); x++) out.push(raster.grey[y * raster.width + x]!);
  }
  return out;
};

describe("stampReceived placement", () => {
  it("puts the stamp in blank space when the top right is full of text: the Quốc hiệu stays visible and readable", async () => {
    const page = await crowdedPage();
    const before = wordBoxes(page);
    const quocHieu = before.filter((w) => w.y1 < 50 && w.x0 > 290);
    expect(quocHieu.map((w) => w.word).join(" ")).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    const stamped = await stampReceived(page, { ...stamp, routing: "TCKH (chủ trì); TP, VP (phối hợp); NB (để biết)", caseFile: "05-VP" });

    const text = pdftotext(stamped)
      .split("\n")
      .map((l) => l.trim());
    expect(text).toContain(QUOC_HIEU);
    expect(text).toContain(TIEU_NGU);
    expect(text).toContain("Số và ký hiệu HS: 05-VP");
    // The stamp's words overlap none of the page's words.
    const after = wordBoxes(stamped);
    const stampWords = after.filter((w) => !before.some((b) => b.word === w.word && Math.abs(b.x0 - w.x0) < 0.5 && Math.abs(b.y0 - w.y0) < 0.5));
    expect(stampWords.map((w) => w.word)).toContain("ĐẾN");
    const overlaps = stampWords.filter((w) => before.some((b) => w.x0 < b.x1 && b.x0 < w.x1 && w.y0 < b.y1 && b.y0 < w.y1));
    expect(overlaps).toEqual([]);
    const den = stampWords.find((w) => w.word === "ĐẾN")!;
    expect(den.x1).toBeLessThan(595.28 / 2); // not in the top right: the left half, under the header
    // Not a pixel of the Quốc hiệu changed.
    const [rasterBefore, rasterAfter] = await Promise.all([renderFirstPage(page), renderFirstPage(stamped)]);
    for (const w of quocHieu) expect(pixelsUnder(rasterAfter!, w)).toEqual(pixelsUnder(rasterBefore!, w));
  });

  it("without pdftoppm keeps the top right corner but draws no fill, so nothing printed there is hidden", async () => {
    const page = await crowdedPage();
    const quocHieu = wordBoxes(page).filter((w) => w.y1 < 50 && w.x0 > 290);
    const stamped = await stampReceived(page, { ...stamp, routing: "TCKH (chủ trì)" }, { pdftoppmPath: join(workDir, "no-such-pdftoppm") });
    const den = wordBox(stamped, "ĐẾN");
    expect(den.xMin).toBeGreaterThan(den.pageWidth / 2);
    const [rasterBefore, rasterAfter] = await Promise.all([renderFirstPage(page), renderFirstPage(stamped)]);
    // Every dark pixel of the Quốc hiệu stays dark (at most the stamp's red ink lies on it): none is covered white.
    const a = quocHieu.flatMap((w) => pixelsUnder(rasterAfter!, w));
    const b = quocHieu.flatMap((w) => pixelsUnder(rasterBefore!, w));
    expect(b.filter((v) => v < 100).length).toBeGreaterThan(100);
    expect(a.filter((v, i) => b[i]! < 100 && v > 160)).toEqual([]);
  });
});

describe("formatStampDateTime", () => {
  it("shows Vietnam time whatever the process time zone, across a day and year boundary", () => {
    expect(formatStampDateTime(new Date("2026-12-31T17:30:00Z"))).toBe("00:30 01/01/2027");
    expect(formatStampDateTime(new Date("2026-03-05T01:05:00Z"))).toBe("08:05 05/03/2026");
    expect(formatStampDateTime(new Date("2026-03-05T01:05:00Z"), "UTC")).toBe("01:05 05/03/2026");
  });
});
