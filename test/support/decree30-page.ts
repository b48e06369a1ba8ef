// A Decree-30 page for OCR tests (Appendix I layout): header with the parent body and issuer on the
// left, Quốc hiệu and motto on the right, the số line and the place/date line, the V/v trích yếu,
// "Kính gửi", body, nơi nhận and signer block, in Tinos (metric-compatible with Times New Roman).
// Fonts are embedded whole: pdf-lib's subsetting loses Tinos' Vietnamese glyphs.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PDFDocument, type PDFFont, type PDFPage } from "pdf-lib";
import { loadFontkit } from "../../core/pdf/fonts.ts";
import { runPdftoppm } from "../../core/pdf/pdftoppm.ts";

export type Decree30Page = {
  parent: string;
  issuer: string;
  code: string;
  placeDate: string;
  subject: string[];
  recipient: string;
  body: string[];
  signer: { authority?: string; position: string; name: string };
};

export const SAMPLE_PAGE: Decree30Page = {
  parent: "UBND TỈNH BÌNH ĐỊNH",
  issuer: "SỞ TÀI CHÍNH",
  code: "Số: 45/STC-NS",
  placeDate: "Quy Nhơn, ngày 10 tháng 12 năm 2026",
  subject: ["V/v báo cáo tình hình thực hiện dự toán", "ngân sách năm 2026"],
  recipient: "Kính gửi: Ủy ban nhân dân các huyện, thị xã, thành phố",
  body: [
    "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Sở Tài chính đề nghị các đơn vị báo cáo",
    "tình hình thực hiện dự toán ngân sách năm 2026, gửi về Sở Tài chính trước ngày 18 tháng 12",
    "năm 2026 để tổng hợp báo cáo Ủy ban nhân dân tỉnh.",
  ],
  signer: { authority: "KT. GIÁM ĐỐC", position: "PHÓ GIÁM ĐỐC", name: "Nguyễn Văn An" },
};

const require = createRequire(import.meta.url);
const TINOS = dirname(require.resolve("@expo-google-fonts/tinos/package.json"));

/** One A4 page laid out as above, as PDF bytes. */
export const makeDecree30Pdf = async (p: Decree30Page = SAMPLE_PAGE): Promise<Uint8Array> => {
  const doc = await PDFDocument.create();
  doc.registerFontkit(await loadFontkit());
  const [regular, bold, italic] = await Promise.all(
    ["400Regular/Tinos_400Regular.ttf", "700Bold/Tinos_700Bold.ttf", "400Regular_Italic/Tinos_400Regular_Italic.ttf"].map(async (f) =>
      doc.embedFont(await readFile(join(TINOS, f)), { subset: false }),
    ),
  );
  const page: PDFPage = doc.addPage([595.28, 841.89]);
  const mm = 72 / 25.4;
  const centred = (t: string, font: PDFFont, size: number, cx: number, y: number) => page.drawText(t, { x: cx - font.widthOfTextAtSize(t, size) / 2, y, size, font });
  const leftCol = 30 * mm + 40 * mm;
  const rightCol = 595.28 - 15 * mm - 55 * mm;
  let y = 841.89 - 20 * mm;
  centred(p.parent, regular!, 12, leftCol, y);
  centred("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold!, 12, rightCol, y);
  y -= 15;
  centred(p.issuer, bold!, 12, leftCol, y);
  centred("Độc lập - Tự do - Hạnh phúc", bold!, 13, rightCol, y);
  y -= 25;
  centred(p.code, regular!, 13, leftCol, y);
  centred(p.placeDate, italic!, 13, rightCol, y);
  for (const line of p.subject) {
    y -= 15;
    centred(line, regular!, 12, leftCol, y);
  }
  y -= 40;
  centred(p.recipient, regular!, 13, 595.28 / 2, y);
  y -= 12;
  for (const line of p.body) {
    y -= 18;
    page.drawText(line, { x: 30 * mm, y, size: 13, font: regular! });
  }
  y -= 45;
  const signerCol = 595.28 - 15 * mm - 40 * mm;
  page.drawText("Nơi nhận:", { x: 30 * mm, y, size: 12, font: italic! });
  const titles = [...(p.signer.authority ? [p.signer.authority] : []), p.signer.position];
  titles.forEach((t, i) => centred(t, bold!, 13, signerCol, y - i * 15));
  page.drawText("- Như trên;", { x: 30 * mm, y: y - 15, size: 11, font: regular! });
  page.drawText("- Lưu: VT, NS.", { x: 30 * mm, y: y - 28, size: 11, font: regular! });
  centred(p.signer.name, bold!, 13, signerCol, y - 15 * titles.length - 60);
  return doc.save();
};

/**
 * The same pages as images only (a scan): each page of `pdf` rendered by pdftoppm at `dpi` and placed
 * as a PNG on a page of the same size, with no text layer.
 */
export const rasterisePdf = async (pdf: Uint8Array, dpi = 150): Promise<Uint8Array> => {
  const src = await PDFDocument.load(pdf);
  const out = await PDFDocument.create();
  for (let i = 0; i < src.getPageCount(); i++) {
    const r = await runPdftoppm({ bytes: pdf }, ["-f", String(i + 1), "-l", String(i + 1), "-gray", "-png", "-r", String(dpi)], "png");
    if (!r.ok) throw new Error(`pdftoppm failed: ${r.reason}`);
    const { width, height } = src.getPage(i).getSize();
    const png = await out.embedPng(r.bytes);
    out.addPage([width, height]).drawImage(png, { x: 0, y: 0, width, height });
  }
  return out.save();
};

/** A PDF page of plain lines of text (a text layer), in Tinos: an appendix page, say. */
export const makeTextPdf = async (lines: string[]): Promise<Uint8Array> => {
  const doc = await PDFDocument.create();
  doc.registerFontkit(await loadFontkit());
  const font = await doc.embedFont(await readFile(join(TINOS, "400Regular/Tinos_400Regular.ttf")), { subset: false });
  const page = doc.addPage([595.28, 841.89]);
  lines.forEach((t, i) => page.drawText(t, { x: 85, y: 780 - i * 18, size: 13, font }));
  return doc.save();
};

/** The pages of several PDFs, in order, as one PDF. */
export const joinPdfs = async (pdfs: Uint8Array[]): Promise<Uint8Array> => {
  const out = await PDFDocument.create();
  for (const bytes of pdfs) {
    const src = await PDFDocument.load(bytes);
    for (const p of await out.copyPages(src, src.getPageIndices())) out.addPage(p);
  }
  return out.save();
};
