import { describe, expect, it } from "vitest";
import { foldVietnamese, foldWithIndex, matchFoldedPrefix } from "../../../../bots/shared/text/fold.ts";

describe("foldVietnamese", () => {
  it("lower-cases, strips diacritics and maps đ to d", () => {
    expect(foldVietnamese("Độ khẩn")).toBe("do khan");
    expect(foldVietnamese("ĐĂNG KÝ")).toBe("dang ky");
    expect(foldVietnamese("Trích yếu")).toBe("trich yeu");
    expect(foldVietnamese("Tuyệt mật")).toBe("tuyet mat");
  });

  it("treats both tone placements and NFC/NFD input alike", () => {
    expect(foldVietnamese("hoả tốc")).toBe("hoa toc");
    expect(foldVietnamese("hỏa tốc")).toBe("hoa toc");
    expect(foldVietnamese("Quyết định".normalize("NFD"))).toBe("quyet dinh");
  });

  it("collapses and trims whitespace, including newlines and tabs", () => {
    expect(foldVietnamese("  cơ \t quan\n ban  hành ")).toBe("co quan ban hanh");
  });
});

describe("foldWithIndex", () => {
  it("maps every folded character back to its original index", () => {
    const original = "Đã xong";
    const { folded, index } = foldWithIndex(original);
    expect(folded).toBe("da xong");
    expect(index).toHaveLength(folded.length + 1);
    expect(index[folded.length]).toBe(original.length);
    expect(original[index[3]!]).toBe("x");
  });

  it("keeps the map right for decomposed input", () => {
    const original = "Ngày 5".normalize("NFD");
    const { folded, index } = foldWithIndex(original);
    expect(folded).toBe("ngay 5");
    expect(original.slice(index[5]!)).toBe("5");
  });
});

describe("matchFoldedPrefix", () => {
  it("matches on folded text and slices groups from the original", () => {
    const m = matchFoldedPrefix("  Thay: ChuTich còn lại", /^thay:\s*([a-z]+)/d);
    expect(m?.group(1)).toBe("ChuTich");
    expect("  Thay: ChuTich còn lại".slice(m!.end)).toBe(" còn lại");
  });

  it("returns null when the pattern does not match at the start", () => {
    expect(matchFoldedPrefix("xin thay: a", /^thay/d)).toBeNull();
  });
});
