import { describe, expect, it } from "vitest";
import { DOC_TYPES, docTypeAbbreviation, docTypeByAbbreviation, normalizeDocType, OFFICIAL_LETTER } from "../../../../bots/shared/text/doc-types.ts";
import { parseSecrecy, parseUrgency, parseYesNo, readKeywordLine, splitCodes, stripAnnotation } from "../../../../bots/shared/text/values.ts";

describe("urgency and secrecy words", () => {
  it.each([
    ["thường", "NORMAL"],
    ["Thuong", "NORMAL"],
    ["khẩn", "URGENT"],
    ["KHAN", "URGENT"],
    ["thượng khẩn", "VERY_URGENT"],
    ["thuong khan", "VERY_URGENT"],
    ["hỏa tốc", "FLASH"],
    ["hoả tốc", "FLASH"],
    ["hoa toc", "FLASH"],
    ["urgent", "URGENT"],
    ["khẩn                       (thường | khẩn | thượng khẩn | hỏa tốc; default thường)", "URGENT"],
  ])("urgency %j → %s", (typed, expected) => {
    expect(parseUrgency(typed)).toBe(expected);
  });

  it.each([
    ["không", "NONE"],
    ["khong", "NONE"],
    ["mật", "CONFIDENTIAL"],
    ["Mat", "CONFIDENTIAL"],
    ["tối mật", "SECRET"],
    ["toi mat", "SECRET"],
    ["tuyệt mật", "TOP_SECRET"],
    ["tuyet mat", "TOP_SECRET"],
    ["top secret", "TOP_SECRET"],
  ])("secrecy %j → %s", (typed, expected) => {
    expect(parseSecrecy(typed)).toBe(expected);
  });

  it("rejects unknown words", () => {
    expect(parseUrgency("gấp lắm")).toBeNull();
    expect(parseSecrecy("bí mật quốc gia")).toBeNull();
    expect(parseYesNo("có lẽ")).toBeNull();
  });

  it("reads yes/no", () => {
    expect(parseYesNo("có")).toBe(true);
    expect(parseYesNo("Không")).toBe(false);
    expect(parseYesNo("yes")).toBe(true);
  });
});

describe("document types", () => {
  it.each([
    ["Công văn", OFFICIAL_LETTER],
    ["cong van", OFFICIAL_LETTER],
    ["CV", OFFICIAL_LETTER],
    ["Quyết định", "Quyết định"],
    ["quyet dinh", "Quyết định"],
    ["QĐ", "Quyết định"],
    ["qd", "Quyết định"],
    ["Tờ trình", "Tờ trình"],
    ["TTr", "Tờ trình"],
    ["ttr", "Tờ trình"],
    ["thông báo", "Thông báo"],
    ["Kế hoạch", "Kế hoạch"],
    ["BÁO CÁO", "Báo cáo"],
    ["QyĐ", "Quy định"],
    ["HD", "Hướng dẫn"],
    ["HĐ", "Hợp đồng"],
    ["DA", "Dự án"],
    ["ĐA", "Đề án"],
    ["Giấy uỷ quyền", "Giấy ủy quyền"],
    ["decision", "Quyết định"],
  ])("%j → %s", (typed, name) => {
    expect(normalizeDocType(typed)).toBe(name);
  });

  it("rejects unknown types", () => {
    expect(normalizeDocType("Thư tay")).toBeNull();
    expect(normalizeDocType("")).toBeNull();
  });

  it("maps names to ký hiệu abbreviations and back", () => {
    expect(docTypeAbbreviation("Quyết định")).toBe("QĐ");
    expect(docTypeAbbreviation("Tờ trình")).toBe("TTr");
    expect(docTypeAbbreviation(OFFICIAL_LETTER)).toBeNull();
    expect(docTypeByAbbreviation("kh")).toBe("Kế hoạch");
    for (const t of DOC_TYPES) if (t.abbreviation) expect(docTypeByAbbreviation(t.abbreviation)).toBe(t.name);
  });

  it("lists every abbreviation of DOMAIN.md §3 once", () => {
    const abbreviations = DOC_TYPES.flatMap((t) => (t.abbreviation ? [t.abbreviation] : []));
    const domain = "NQ, QĐ, CT, QC, QyĐ, TC, TB, HD, CTr, KH, PA, ĐA, DA, BC, BB, TTr, HĐ, CĐ, BGN, BTT, GUQ, GM, GGT, GNP, PG, PC, PB, SY, TrS, SL".split(", ");
    expect([...abbreviations].sort()).toEqual([...domain].sort());
  });
});

describe("keyword lines", () => {
  it("folds the keyword and keeps the value verbatim", () => {
    expect(readKeywordLine("Trích Yếu:  V/v hướng dẫn <lập> & dự toán ")).toEqual({
      keyword: "trich yeu",
      value: "V/v hướng dẫn <lập> & dự toán",
    });
  });

  it("splits at the first colon and ignores a list bullet", () => {
    expect(readKeywordLine("- Số, ký hiệu: 45/STC-NS: bản sao")).toEqual({ keyword: "so ky hieu", value: "45/STC-NS: bản sao" });
  });

  it("returns null without a colon", () => {
    expect(readKeywordLine("Giao Phòng Tài chính chủ trì")).toBeNull();
  });

  it("strips template annotations only when set off by two spaces", () => {
    expect(stripAnnotation("20/12/2026          (or: 5 ngày)")).toBe("20/12/2026");
    expect(stripAnnotation("Sở Nội vụ (bản chính)")).toBe("Sở Nội vụ (bản chính)");
  });

  it("splits code lists and reports non-codes", () => {
    expect(splitCodes("TP, VP;NB  tp")).toEqual({ codes: ["TP", "VP", "NB"], bad: [] });
    expect(splitCodes("Phòng TCKH")).toEqual({ codes: ["TCKH"], bad: ["Phòng"] });
  });
});
