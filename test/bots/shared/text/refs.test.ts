import { describe, expect, it } from "vitest";
import { formatRef, parseRef, readRef, refsEqual } from "../../../../bots/shared/text/refs.ts";
import type { DocRef } from "../../../../bots/shared/text/refs.ts";

const ctx = { currentYear: 2026 };

describe("parseRef", () => {
  it.each<[string, DocRef]>([
    ["D123", { kind: "IN", number: 123, year: 2026 }],
    ["d123", { kind: "IN", number: 123, year: 2026 }],
    ["d 123", { kind: "IN", number: 123, year: 2026 }],
    ["Đ7", { kind: "IN", number: 7, year: 2026 }],
    ["D007", { kind: "IN", number: 7, year: 2026 }],
    ["D123/2025", { kind: "IN", number: 123, year: 2025 }],
    ["D123 / 2025", { kind: "IN", number: 123, year: 2025 }],
    ["P12", { kind: "OUT", number: 12, year: 2026 }],
    ["p12/2025", { kind: "OUT", number: 12, year: 2025 }],
    ["D123-TCKH", { kind: "IN", number: 123, year: 2026, unitCode: "TCKH" }],
    ["d123-tckh", { kind: "IN", number: 123, year: 2026, unitCode: "TCKH" }],
    ["P12-TCKH", { kind: "OUT", number: 12, year: 2026, unitCode: "TCKH" }],
    ["D123/2025-TCKH", { kind: "IN", number: 123, year: 2025, unitCode: "TCKH" }],
    ["D123-TCKH/2025", { kind: "IN", number: 123, year: 2025, unitCode: "TCKH" }],
    ["D7-TCKH-cv.tckh", { kind: "IN", number: 7, year: 2026, unitCode: "TCKH", suffix: "cv.tckh" }],
    ["D7-tckh-CV.TCKH", { kind: "IN", number: 7, year: 2026, unitCode: "TCKH", suffix: "CV.TCKH" }],
    ["  D7-TCKH  ", { kind: "IN", number: 7, year: 2026, unitCode: "TCKH" }],
  ])("%s", (text, expected) => {
    expect(parseRef(text, ctx)).toEqual(expected);
  });

  it.each(["", "D", "D0", "X123", "123", "D12a", "D7-", "D7-2", "D7-Tài", "D7/20255", "D7/2025/2024", "D7/2025-TCKH/2024", "D7 TCKH", "Đã xong", "D1/1800"])(
    "rejects %j",
    (text) => {
      expect(parseRef(text, ctx)).toBeNull();
    },
  );
});

describe("readRef", () => {
  it("returns the rest of the text verbatim", () => {
    expect(readRef("D7-TCKH Đã hoàn thành <b>báo cáo</b>", ctx)).toEqual({
      ref: { kind: "IN", number: 7, year: 2026, unitCode: "TCKH" },
      rest: " Đã hoàn thành <b>báo cáo</b>",
    });
  });

  it("stops a delegated code before a final full stop", () => {
    expect(readRef("D7-TCKH-cv.tckh. Xong", ctx)?.ref.suffix).toBe("cv.tckh");
  });
});

describe("formatRef", () => {
  it.each<[DocRef, string]>([
    [{ kind: "IN", number: 123, year: 2026 }, "D123"],
    [{ kind: "IN", number: 123, year: 2025 }, "D123/2025"],
    [{ kind: "OUT", number: 12, year: 2026 }, "P12"],
    [{ kind: "IN", number: 7, year: 2026, unitCode: "tckh" }, "D7-TCKH"],
    [{ kind: "IN", number: 7, year: 2025, unitCode: "TCKH" }, "D7/2025-TCKH"],
    [{ kind: "IN", number: 7, year: 2026, unitCode: "TCKH", suffix: "cv.tckh" }, "D7-TCKH-cv.tckh"],
  ])("%j → %s", (ref, text) => {
    expect(formatRef(ref, ctx)).toBe(text);
  });

  it("is the inverse of parseRef", () => {
    for (const text of ["D1", "D99/2024", "P5-VP", "D7/2025-TCKH-tp.tckh"]) {
      expect(formatRef(parseRef(text, ctx)!, ctx)).toBe(text);
    }
  });
});

describe("refsEqual", () => {
  it("compares codes case-insensitively", () => {
    expect(refsEqual(parseRef("d7-tckh-CV.tckh", ctx)!, parseRef("D7-TCKH-cv.tckh", ctx)!)).toBe(true);
    expect(refsEqual(parseRef("D7-TCKH", ctx)!, parseRef("P7-TCKH", ctx)!)).toBe(false);
    expect(refsEqual(parseRef("D7", ctx)!, parseRef("D7/2025", ctx)!)).toBe(false);
  });
});
