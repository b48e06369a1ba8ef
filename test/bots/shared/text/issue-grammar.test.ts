import { describe, expect, it } from "vitest";
import { parseIssue, parseIssueAnswer, parseRecipients, parseSigner } from "../../../../bots/shared/text/issue-grammar.ts";
import { ISSUE_EXAMPLE } from "./design-examples.ts";

const today = { year: 2026, month: 11, day: 26 };
const opts = { today };

describe("parseIssue: DESIGN.md example", () => {
  it("parses the example exactly as written there", () => {
    const r = parseIssue(ISSUE_EXAMPLE, opts);
    expect(r.errors).toEqual([]);
    expect(r.missing).toEqual([]);
    expect(r.defaultsApplied).toEqual([]);
    expect(r.keywordLines).toBe(8);
    expect(r.fields).toEqual({
      docType: "Công văn",
      draftingUnit: "VP",
      subject: "V/v triển khai xử lý văn bản trên phần mềm văn phòng điện tử",
      signerName: "Nguyễn Văn An",
      signerTitle: "Chủ tịch",
      internalRecipients: ["TCKH", "TP", "NB"],
      externalRecipients: ["Sở Nội vụ tỉnh Bình Định"],
      urgency: "NORMAL",
      secrecy: "NONE",
      requiresRedSeal: false,
    });
  });
});

describe("parseIssue", () => {
  it("matches keywords without diacritics and reads a red seal", () => {
    const r = parseIssue(
      "/phathanh\nloai: QD\ntrich yeu: Ve viec thanh lap to cong tac\nnguoi ky: Nguyen Van An, KT. Chủ tịch, Phó Chủ tịch\nnoi nhan: TCKH\ndau do: co\ndo khan: khan",
      opts,
    );
    expect(r.errors).toEqual([]);
    expect(r.fields).toMatchObject({
      docType: "Quyết định",
      signerName: "Nguyen Van An",
      signerTitle: "KT. Chủ tịch, Phó Chủ tịch",
      internalRecipients: ["TCKH"],
      externalRecipients: [],
      requiresRedSeal: true,
      urgency: "URGENT",
    });
    // A named type's ký hiệu needs no drafting unit.
    expect(r.missing).toEqual([]);
  });

  it("reads quy phạm (có/không, with or without diacritics); absent means not normative", () => {
    const base = "/phathanh\nloại: Quyết định\ntrích yếu: V/v ban hành quy chế\nngười ký: Nguyễn Văn An, Chủ tịch\nnơi nhận: TCKH";
    expect(parseIssue(`${base}\nquy phạm: có`, { today }).fields.normative).toBe(true);
    expect(parseIssue(`${base}\nQPPL: khong`, { today }).fields.normative).toBe(false);
    expect(parseIssue(base, { today }).fields.normative).toBeUndefined();
    // The line as the /phathanh hint shows it.
    expect(parseIssue(`${base}\nquy phạm: không (có: văn bản quy phạm pháp luật)`, { today }).fields.normative).toBe(false);
    expect(parseIssue(`${base}\nquy phạm: hình như`, { today }).errors.map((e) => e.messageKey)).toEqual(["grammar.badYesNo"]);
  });

  it("asks for the drafting unit of a công văn unless a default is given", () => {
    const text = "/phathanh\ntrích yếu: V/v họp\nngười ký: Lê Văn Cường, Chánh Văn phòng\nnơi nhận: TCKH";
    expect(parseIssue(text, opts).missing).toEqual(["draftingUnit"]);
    const r = parseIssue(text, { today, defaultDraftingUnit: "VP" });
    expect(r.missing).toEqual([]);
    expect(r.fields.draftingUnit).toBe("VP");
    expect(r.defaultsApplied).toEqual(["docType", "urgency", "secrecy", "requiresRedSeal", "draftingUnit"]);
  });

  it("lists what is missing", () => {
    const r = parseIssue("/phathanh\nngười ký: Nguyễn Văn An", opts);
    expect(r.missing).toEqual(["subject", "signerTitle", "recipients", "draftingUnit"]);
  });

  it("reports bad values and unknown lines", () => {
    const r = parseIssue("/phathanh\nđơn vị soạn: Văn phòng\ndấu đỏ: chắc có\nđộ mật: mật\nbản chính gửi sau", opts);
    expect(r.errors).toEqual([
      { line: 2, messageKey: "grammar.badUnitCode", value: "Văn phòng" },
      { line: 3, messageKey: "grammar.badYesNo", value: "chắc có" },
      { line: 5, messageKey: "grammar.unknownLine", value: "bản chính gửi sau" },
    ]);
    expect(r.fields.secrecy).toBe("CONFIDENTIAL");
    expect(r.fields.requiresRedSeal).toBeUndefined();
  });

  it("adds up several nơi nhận lines", () => {
    const r = parseIssue("nơi nhận: TCKH, TP\nnơi nhận: tp, NB; Sở Y tế; Công an tỉnh", opts);
    expect(r.fields.internalRecipients).toEqual(["TCKH", "TP", "NB"]);
    expect(r.fields.externalRecipients).toEqual(["Sở Y tế", "Công an tỉnh"]);
  });
});

describe("parseRecipients", () => {
  it("splits codes before ';' from names after it", () => {
    expect(parseRecipients("TCKH, TP, NB; Sở Nội vụ tỉnh Bình Định")).toEqual({
      internal: ["TCKH", "TP", "NB"],
      external: ["Sở Nội vụ tỉnh Bình Định"],
    });
  });

  it("takes a name before ';' as external and space-separated upper-case codes as internal", () => {
    expect(parseRecipients("TCKH, Sở Nội vụ")).toEqual({ internal: ["TCKH"], external: ["Sở Nội vụ"] });
    expect(parseRecipients("TCKH TP NB")).toEqual({ internal: ["TCKH", "TP", "NB"], external: [] });
    expect(parseRecipients("; Bộ Nội vụ; Cong an tinh")).toEqual({ internal: [], external: ["Bộ Nội vụ", "Cong an tinh"] });
  });
});

describe("parseSigner", () => {
  it("splits name and title at the first comma", () => {
    expect(parseSigner("Nguyễn Văn An, Chủ tịch")).toEqual({ name: "Nguyễn Văn An", title: "Chủ tịch" });
    expect(parseSigner("Trần B")).toEqual({ name: "Trần B" });
  });
});

describe("parseIssueAnswer", () => {
  it("parses one answer", () => {
    expect(parseIssueAnswer("recipients", "VP; Sở Y tế")).toEqual({
      fields: { internalRecipients: ["VP"], externalRecipients: ["Sở Y tế"] },
    });
    expect(parseIssueAnswer("requiresRedSeal", "không")).toEqual({ fields: { requiresRedSeal: false } });
    expect(parseIssueAnswer("docType", "thư")).toEqual({ error: "grammar.unknownDocType" });
    // Outgoing documents keep Appendix III's own types: a decree or a law is never issued here.
    expect(parseIssueAnswer("docType", "Nghị định")).toEqual({ error: "grammar.unknownDocType" });
    expect(parseIssueAnswer("docType", "Luật")).toEqual({ error: "grammar.unknownDocType" });
  });
});
