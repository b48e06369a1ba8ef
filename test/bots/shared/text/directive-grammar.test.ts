import { describe, expect, it } from "vitest";
import { parseDirective } from "../../../../bots/shared/text/directive-grammar.ts";
import { DIRECTIVE_EXAMPLE } from "./design-examples.ts";

const today = { year: 2026, month: 11, day: 26 };
const opts = { today };
const D123 = { kind: "IN", number: 123, year: 2026 } as const;

describe("parseDirective: DESIGN.md example", () => {
  it("parses the example exactly as written there", () => {
    const d = parseDirective(DIRECTIVE_EXAMPLE, opts);
    expect(d).toEqual({
      ref: D123,
      main: ["TCKH"],
      coordinate: ["TP", "VP"],
      info: ["NB"],
      due: { kind: "date", date: { year: 2026, month: 12, day: 20 } },
      dueByRole: {},
      text: "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp Phòng Tư pháp tham mưu UBND thành phố trả lời trước ngày 20/12.",
      errors: [],
    });
  });

  it.each([
    ["hạn: trước ngày 20/12/2026", { kind: "date", date: { year: 2026, month: 12, day: 20 } }],
    ["hạn: chậm nhất ngày 20/12/2026", { kind: "date", date: { year: 2026, month: 12, day: 20 } }],
    ["hạn: 5 ngày làm việc", { kind: "duration", workingDays: 5 }],
    ["hạn xử lý: trong 5 ngày làm việc", { kind: "duration", workingDays: 5 }],
  ])("reads the deadline line %j", (line, due) => {
    const d = parseDirective(DIRECTIVE_EXAMPLE.replace(/hạn: .*$/m, line), opts);
    expect(d.errors).toEqual([]);
    expect(d.due).toEqual(due);
  });

  it("reads 'hạn: 5 ngày' as five working days", () => {
    const d = parseDirective(DIRECTIVE_EXAMPLE.replace(/hạn: .*$/m, "hạn: 5 ngày"), opts);
    expect(d.due).toEqual({ kind: "duration", workingDays: 5 });
  });

  it("takes a clerk's paper directive on behalf of a leader (first line)", () => {
    const d = parseDirective("/chidao D123 thay: chutich\nĐồng ý.\nchủ trì: TCKH", opts);
    expect(d.onBehalfOf).toBe("chutich");
    expect(d.ref).toEqual(D123);
    expect(d.text).toBe("Đồng ý.");
    expect(d.errors).toEqual([]);
  });

  it("takes 'thay' without a colon at the end of the first line, or on its own line", () => {
    expect(parseDirective("/chidao D123 thay chutich\nĐồng ý\nchu tri: VP", opts).onBehalfOf).toBe("chutich");
    expect(parseDirective("/chidao D123\nThay: pct.kt\nĐồng ý\nchu tri: VP", opts).onBehalfOf).toBe("pct.kt");
  });

  it("keeps 'thay mặt …' text after the REF as directive text", () => {
    const d = parseDirective("/chidao D123 thay mặt UBND giao TCKH xử lý\nchủ trì: TCKH", opts);
    expect(d.onBehalfOf).toBeUndefined();
    expect(d.text).toBe("thay mặt UBND giao TCKH xử lý");
  });
});

describe("parseDirective: the text is verbatim", () => {
  it("keeps HTML-like characters, ampersands, inner blank lines and indentation", () => {
    const message = [
      "/chidao D7",
      "",
      "Giao <b>TCKH</b> & TP:",
      "  - rà soát số liệu <i>năm 2026</i>;",
      "",
      "  - báo cáo UBND trước 15/12 (bản giấy & bản điện tử).",
      "chủ trì: TCKH",
      "phối hợp: TP",
      "",
    ].join("\n");
    const d = parseDirective(message, opts);
    expect(d.text).toBe("Giao <b>TCKH</b> & TP:\n  - rà soát số liệu <i>năm 2026</i>;\n\n  - báo cáo UBND trước 15/12 (bản giấy & bản điện tử).");
    expect(d.errors).toEqual([]);
  });

  it("takes lines with an unknown keyword as text", () => {
    const d = parseDirective("/chidao D7\nLưu ý: phải có ý kiến của Sở Tư pháp.\nchủ trì: TP", opts);
    expect(d.text).toBe("Lưu ý: phải có ý kiến của Sở Tư pháp.");
  });

  it("takes text written on the command line", () => {
    const d = parseDirective("/chidao D7 Đồng ý, giao TCKH thực hiện.\nchủ trì: TCKH", opts);
    expect(d.text).toBe("Đồng ý, giao TCKH thực hiện.");
  });
});

describe("parseDirective: keywords", () => {
  it("matches keywords without diacritics and in any case; English keywords too", () => {
    const d = parseDirective("/chidao d7-tckh\nXu ly\nCHU TRI: tckh\nphoi hop: tp vp\nde biet: NB; NC\nHan: ngay 15 thang 12 nam 2026", opts);
    expect(d.ref).toEqual({ kind: "IN", number: 7, year: 2026, unitCode: "TCKH" });
    expect(d.main).toEqual(["tckh"]);
    expect(d.coordinate).toEqual(["tp", "vp"]);
    expect(d.info).toEqual(["NB", "NC"]);
    expect(d.due).toEqual({ kind: "date", date: { year: 2026, month: 12, day: 15 } });

    const e = parseDirective("/direct D7\nOK\nmain: TCKH\ncoordinate: TP\ncc: NB\ndue: 3 days", opts);
    expect(e.errors).toEqual([]);
    expect(e.due).toEqual({ kind: "duration", workingDays: 3 });
    expect(e.info).toEqual(["NB"]);
  });

  it("takes per-role deadlines", () => {
    const d = parseDirective("/chidao D7\nXử lý\nchủ trì: TCKH\nphối hợp: TP\nhạn: 20/12/2026\nhạn phối hợp: 15/12/2026\nhạn chủ trì: 10 ngày", opts);
    expect(d.due).toEqual({ kind: "date", date: { year: 2026, month: 12, day: 20 } });
    expect(d.dueByRole).toEqual({
      coordinate: { kind: "date", date: { year: 2026, month: 12, day: 15 } },
      main: { kind: "duration", workingDays: 10 },
    });
    expect(d.errors).toEqual([]);
  });

  it("adds up several unit lines of one role without duplicates", () => {
    const d = parseDirective("/chidao D7\nX\nchủ trì: TCKH\nphối hợp: TP\nphối hợp: VP, tp", opts);
    expect(d.coordinate).toEqual(["TP", "VP"]);
  });

  it("accepts the form without the command line when the conversation knows the document", () => {
    const ref = { kind: "IN", number: 9, year: 2026 } as const;
    const d = parseDirective("Đồng ý.\nchủ trì: VP", { today, ref });
    expect(d.ref).toEqual(ref);
    expect(d.text).toBe("Đồng ý.");
    expect(d.errors).toEqual([]);
  });

  it("accepts the command with diacritics and Telegram's @bot form", () => {
    expect(parseDirective("Chỉ đạo D7\nX\nchủ trì: VP", opts).ref?.number).toBe(7);
    expect(parseDirective("/chidao@EOfficeBot D8\nX\nchủ trì: VP", opts).ref?.number).toBe(8);
  });
});

describe("parseDirective: errors", () => {
  it("flags a missing main unit, several main units and a unit in two roles", () => {
    expect(parseDirective("/chidao D7\nX\nphối hợp: TP", opts).errors).toEqual([{ line: 0, messageKey: "grammar.noMainUnit", value: "" }]);
    expect(parseDirective("/chidao D7\nX\nchủ trì: TCKH, TP", opts).errors).toEqual([{ line: 0, messageKey: "grammar.severalMainUnits", value: "TCKH, TP" }]);
    expect(parseDirective("/chidao D7\nX\nchủ trì: TCKH\nphối hợp: tckh, TP", opts).errors).toEqual([{ line: 0, messageKey: "grammar.unitInSeveralRoles", value: "TCKH" }]);
  });

  it("flags a missing REF, a bad deadline, a deadline for info units, names instead of codes and empty text", () => {
    const d = parseDirective("/chidao\nchủ trì: Phòng TCKH\nhạn: sớm nhất có thể\nhạn để biết: 5 ngày", opts);
    expect(d.errors).toEqual([
      { line: 2, messageKey: "grammar.badUnitCode", value: "Phòng" },
      { line: 3, messageKey: "grammar.badDue", value: "sớm nhất có thể" },
      { line: 4, messageKey: "grammar.dueForInfo", value: "5 ngày" },
      { line: 1, messageKey: "grammar.missingRef", value: "" },
      { line: 0, messageKey: "grammar.emptyText", value: "" },
    ]);
    expect(d.main).toEqual(["TCKH"]);
    expect(d.due).toBeUndefined();
  });

  it("flags a repeated deadline", () => {
    const d = parseDirective("/chidao D7\nX\nchủ trì: VP\nhạn: 5 ngày\nhạn: 7 ngày", opts);
    expect(d.errors).toEqual([{ line: 5, messageKey: "grammar.duplicateField", value: "7 ngày" }]);
    expect(d.due).toEqual({ kind: "duration", workingDays: 7 });
  });
});
