import { describe, expect, it } from "vitest";
import { loadVietnameseWords, restoreHoiTone, wordListOf } from "../../../core/ocr/tone-marks.ts";

describe("restoreHoiTone with Viet74K (@vntk/dictionary)", () => {
  it("loads the multi-syllable words once", async () => {
    const words = await loadVietnameseWords();
    expect(words.has("tổng kết")).toBe(true);
    expect(words.has("tống kết")).toBe(false);
    expect(await loadVietnameseWords()).toBe(words);
  });

  it("puts back the dấu hỏi of a syllable that forms no word with its neighbours while the hỏi does", async () => {
    const words = await loadVietnameseWords();
    const r = restoreHoiTone("phục vụ tống kết công tác, kiếm tra và thấm định; Tố chức hội nghị", words);
    expect(r.text).toBe("phục vụ tổng kết công tác, kiểm tra và thẩm định; Tổ chức hội nghị");
    expect(r.changed).toEqual([
      { read: "tống", restored: "tổng" },
      { read: "kiếm", restored: "kiểm" },
      { read: "thấm", restored: "thẩm" },
      { read: "Tố", restored: "Tổ" },
    ]);
  });

  it("leaves a sắc that forms a word, one whose hỏi forms none, and words across punctuation or digits", async () => {
    const words = await loadVietnameseWords();
    for (const text of [
      "Trong quá trình thực hiện, nếu có vướng mắc", // "quá trình": a word (the hỏi "quả trình" is not looked at)
      "sáng kiến cấp tính", // "cấp tính" is a word: a "cấp tỉnh" read so is beyond the list
      "chuyển đối số", // "đối số" is a word
      "ông Nguyễn Văn Tống", // a name: no word with the hỏi either
      "báo cáo số 12 tống", // nothing joins across the number
    ])
      expect(restoreHoiTone(text, words)).toEqual({ text, changed: [] });
    // Across a comma: "tống, kết" forms no word with the hỏi either.
    expect(restoreHoiTone("tống, kết", words).changed).toEqual([]);
  });

  it("works with any list (one entry a line, lower-cased, single syllables ignored)", () => {
    const words = wordListOf("Tổng Kết\ntổng\n");
    expect(restoreHoiTone("TỐNG KẾT", words).text).toBe("TỔNG KẾT");
    expect(words.has("tổng")).toBe(false);
  });
});
