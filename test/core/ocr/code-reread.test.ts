import type { Block } from "tesseract.js";
import { describe, expect, it } from "vitest";
import { CODE_REREAD_BELOW, codeWordToReread, takeCodeReread } from "../../../core/ocr/read-page.ts";

// The số line's number read again on its own (core/ocr/read-page.ts): which word is read again, and
// when the second read is taken. The words and boxes are those tesseract.js gave on the bench's page
// doc017 (a phone photo: "2434UBND-TCCB", the slash read as a 4, confidence 22).
const word = (text: string, confidence: number, x0: number, x1: number, y0 = 500, y1 = 530) => ({ text, confidence, bbox: { x0, y0, x1, y1 } });
const page = (lines: { text: string; words: ReturnType<typeof word>[] }[]): Block[] =>
  [
    {
      paragraphs: [
        {
          lines: lines.map((l) => ({
            text: `${l.text}\n`,
            words: l.words,
            bbox: { x0: l.words[0]!.bbox.x0, y0: 500, x1: l.words[l.words.length - 1]!.bbox.x1, y1: 530 },
          })),
        },
      ],
    },
  ] as unknown as Block[];
const TEXT = "UBND TỈNH LÂM ĐỒNG\nSố: 2434UBND-TCCB Lâm Đồng, ngày 21 tháng 03 năm 2026\nV/v 2434UBND\n";
const SO_LINE = {
  text: "Số: 2434UBND-TCCB Lâm Đồng, ngày 21 tháng 03 năm 2026",
  words: [word("Số:", 93, 300, 360), word("2434UBND-TCCB", 22, 375, 640), word("Lâm", 95, 900, 960)],
};
const SIZE = { width: 2000, height: 2900 };

describe("the số line's number read again", () => {
  it("picks the number after Số: when tesseract was unsure of it, with a crop around it", () => {
    const target = codeWordToReread(page([{ text: "UBND TỈNH LÂM ĐỒNG", words: [word("UBND", 95, 300, 400)] }, SO_LINE]), SIZE);
    // From halfway between "Số:" (ends at 360) and the number (starts at 375), a third of the line's height around it.
    expect(target).toMatchObject({ line: SO_LINE.text, word: { text: "2434UBND-TCCB", confidence: 22 }, crop: { left: 368, top: 490, width: 282, height: 50 } });
  });

  it("crops the number alone, without Số: or its colon (beside them a clean 694 was read 604)", () => {
    // doc023 of the bench, a clean scan: "604/KH-BNV" (69) on the page; its crop with "Số:" read "604" again
    // at 1× and 2× (78 / 74), the number alone at 2× "694/KH-BNV" (75).
    const line = {
      text: "Số: 604/KH-BNV Hà Nội, ngày 11 tháng 02 năm 2026",
      words: [word("Số:", 93, 367, 410, 245, 271), word("604/KH-BNV", 69, 424, 625, 247, 271), word("Hà", 94, 846, 889, 246, 271)],
    };
    const blocks = [{ paragraphs: [{ lines: [{ text: `${line.text}\n`, words: line.words, bbox: { x0: 367, y0: 245, x1: 1373, y1: 279 } }] }] }] as unknown as Block[];
    const target = codeWordToReread(blocks, SIZE)!;
    expect(target.crop).toEqual({ left: 417, top: 234, width: 219, height: 56 });
    expect(target.crop.left).toBeGreaterThan(410);
    const text = `BỘ NỘI VỤ\n${line.text}\n`;
    expect(takeCodeReread(text, target, [word("694/KH-BNV", 75, 14, 430)], 2)).toBe("BỘ NỘI VỤ\nSố: 694/KH-BNV Hà Nội, ngày 11 tháng 02 năm 2026\n");
  });

  it("leaves a number read with confidence, and a line that is not the số line", () => {
    const sure = { ...SO_LINE, words: [SO_LINE.words[0]!, word("1066/STC-TCCB", CODE_REREAD_BELOW, 375, 640)] };
    expect(codeWordToReread(page([sure]), SIZE)).toBeNull();
    expect(codeWordToReread(page([{ text: "Kính gửi: Sở Tài chính", words: [word("Kính", 50, 300, 360), word("gửi:", 40, 370, 420)] }]), SIZE)).toBeNull();
  });

  it("takes a second read that is a number, more confident and different, joining the words it split the number into; only on the số line", () => {
    const target = codeWordToReread(page([SO_LINE]), SIZE)!;
    // The crop read at twice the scale: the number split in two (x in crop pixels; the crop starts at 368).
    const again = [word("243/U", 92, 14, 174), word("BND-TCCB", 91, 188, 524)];
    expect(takeCodeReread(TEXT, target, again, 2)).toBe("UBND TỈNH LÂM ĐỒNG\nSố: 243/UBND-TCCB Lâm Đồng, ngày 21 tháng 03 năm 2026\nV/v 2434UBND\n");
  });

  it("keeps the page's read when the second puts a digit against a letter where the page's had none", () => {
    // doc025 of the bench, a clean scan: "77/SYT-NV" (40) on the page, the number alone read "77/SY1-NV" (87).
    const line = { text: "Số: 77/SYT-NV Hải Phòng, ngày 02 tháng 03 năm 2026", words: [word("Số:", 93, 300, 360), word("77/SYT-NV", 40, 375, 560), word("Hải", 95, 900, 960)] };
    const target = codeWordToReread(page([line]), SIZE)!;
    const text = `SỞ Y TẾ\n${line.text}\n`;
    expect(takeCodeReread(text, target, [word("77/SY1-NV", 87, 14, 380)], 2)).toBe(text);
    // One fewer than the page's is taken: "1038/S5NV-NV" (32) read "1038/SNV-NV" (87).
    const doubled = { ...line, text: "Số: 1038/S5NV-NV Hải Phòng", words: [line.words[0]!, word("1038/S5NV-NV", 32, 375, 560)] };
    const again = codeWordToReread(page([doubled]), SIZE)!;
    expect(takeCodeReread(`SỞ NỘI VỤ\n${doubled.text}\n`, again, [word("1038/SNV-NV", 87, 14, 380)], 2)).toBe("SỞ NỘI VỤ\nSố: 1038/SNV-NV Hải Phòng\n");
  });

  it("keeps the page's read when the second is less confident, unsure, not a number, or the same", () => {
    const target = codeWordToReread(page([SO_LINE]), SIZE)!;
    expect(takeCodeReread(TEXT, target, [word("243/UBND-TCCB", 20, 170, 680)], 2)).toBe(TEXT);
    // More confident than the page's 22 but still unsure: a 2× crop of a crisp scan read "28614/5KHON-HCTH" so.
    expect(takeCodeReread(TEXT, target, [word("28614/5KHON-HCTH", 30, 170, 680)], 2)).toBe(TEXT);
    expect(takeCodeReread(TEXT, target, [word("UBND-TCCB", 90, 170, 680)], 2)).toBe(TEXT);
    expect(takeCodeReread(TEXT, target, [word("2434UBND-TCCB", 90, 170, 680)], 2)).toBe(TEXT);
    expect(takeCodeReread(TEXT, target, [], 2)).toBe(TEXT);
  });
});
