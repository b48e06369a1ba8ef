import { describe, expect, it } from "vitest";
import { parseRegistration, parseRegistrationAnswer, splitCodeNotation, splitSigner } from "../../../../bots/shared/text/register-grammar.ts";
import { REGISTER_EXAMPLE } from "./design-examples.ts";

const today = { year: 2026, month: 11, day: 26 };
const opts = { today };

describe("parseRegistration: DESIGN.md example", () => {
  it("parses the example exactly as written there", () => {
    const r = parseRegistration(REGISTER_EXAMPLE, opts);
    expect(r.errors).toEqual([]);
    expect(r.missing).toEqual([]);
    expect(r.defaultsApplied).toEqual([]);
    expect(r.keywordLines).toBe(7);
    expect(r.fields).toEqual({
      codeNumber: "45",
      codeNotation: "STC-NS",
      issuer: "Sở Tài chính tỉnh Bình Định",
      issuedDate: { year: 2026, month: 12, day: 10 },
      docType: "Công văn",
      subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027",
      urgency: "URGENT",
      secrecy: "NONE",
    });
  });
});

describe("parseRegistration", () => {
  it("matches keywords without diacritics and in any case", () => {
    const r = parseRegistration(
      "/dangky\nSO: 12/UBND-VP\nCo quan: UBND tinh Binh Dinh\nNGAY: 01/12/2026\nLoai: quyet dinh\nTrich yeu: Ve viec giao chi tieu\nDo khan: hoa toc\nDo mat: khong",
      opts,
    );
    expect(r.errors).toEqual([]);
    expect(r.fields).toMatchObject({
      codeNumber: "12",
      codeNotation: "UBND-VP",
      issuer: "UBND tinh Binh Dinh",
      docType: "Quyết định",
      subject: "Ve viec giao chi tieu",
      urgency: "FLASH",
      secrecy: "NONE",
    });
  });

  it("accepts English keywords", () => {
    const r = parseRegistration("/register\nnumber: 7/SNV\nissuer: Sở Nội vụ\ndate: 2/12/2026\ntype: TB\nsubject: Thông báo lịch họp\nurgency: very urgent\nsecrecy: none", opts);
    expect(r.errors).toEqual([]);
    expect(r.fields).toMatchObject({ codeNumber: "7", codeNotation: "SNV", docType: "Thông báo", urgency: "VERY_URGENT" });
  });

  it("applies and reports the defaults, and lists the required fields missing", () => {
    const r = parseRegistration("/dangky\ntrích yếu: V/v tổng kết năm", opts);
    expect(r.fields).toEqual({
      subject: "V/v tổng kết năm",
      issuedDate: today,
      docType: "Công văn",
      urgency: "NORMAL",
      secrecy: "NONE",
    });
    expect(r.defaultsApplied).toEqual(["issuedDate", "docType", "urgency", "secrecy"]);
    expect(r.missing).toEqual(["codeNumber", "issuer"]);
  });

  it("applies no defaults when asked not to (a correction)", () => {
    const r = parseRegistration("cơ quan: Sở Y tế", { today, applyDefaults: false });
    expect(r.fields).toEqual({ issuer: "Sở Y tế" });
    expect(r.defaultsApplied).toEqual([]);
  });

  it("keeps values verbatim, including HTML-like characters", () => {
    const r = parseRegistration('/dangky\ntrích yếu:   V/v <b>khẩn</b> & "gấp"  \ncơ quan: Sở TN&MT', opts);
    expect(r.fields.subject).toBe('V/v <b>khẩn</b> & "gấp"');
    expect(r.fields.issuer).toBe("Sở TN&MT");
  });

  it("works as a file caption without the command", () => {
    const r = parseRegistration("số: 45/STC-NS\ncơ quan: Sở Tài chính\ntrích yếu: V/v dự toán", opts);
    expect(r.errors).toEqual([]);
    expect(r.missing).toEqual([]);
    expect(r.fields.codeNotation).toBe("STC-NS");
  });

  it("accepts the first field on the command line and the command with diacritics", () => {
    const r = parseRegistration("Đăng ký số: 45/STC-NS\ncơ quan: Sở Tài chính\ntrích yếu: X", opts);
    expect(r.errors).toEqual([]);
    expect(r.fields.codeNumber).toBe("45");
  });

  it("continues a long trích yếu on the next line", () => {
    const r = parseRegistration("/dangky\ntrích yếu: V/v hướng dẫn lập dự toán\nngân sách năm 2027\nsố: 45", opts);
    expect(r.fields.subject).toBe("V/v hướng dẫn lập dự toán ngân sách năm 2027");
    expect(r.errors).toEqual([]);
  });

  it("reports bad values with their message line, and applies no default over them", () => {
    const r = parseRegistration(`/dangky\nsố: 45/STC\nngày: 31/02/2026\nloại: ${"Thư tay ".repeat(13)}\nđộ khẩn: gấp\nđộ mật: bí mật\nxin anh xem giúp`, opts);
    expect(r.errors).toEqual([
      { line: 3, messageKey: "grammar.badDate", value: "31/02/2026" },
      { line: 4, messageKey: "grammar.tooLong", value: "Thư tay ".repeat(13).trim() },
      { line: 5, messageKey: "grammar.unknownUrgency", value: "gấp" },
      { line: 6, messageKey: "grammar.unknownSecrecy", value: "bí mật" },
      { line: 7, messageKey: "grammar.unknownLine", value: "xin anh xem giúp" },
    ]);
    expect(r.fields.issuedDate).toBeUndefined();
    expect(r.fields.docType).toBeUndefined();
    expect(r.fields.urgency).toBeUndefined();
    expect(r.fields.secrecy).toBeUndefined();
    expect(r.defaultsApplied).toEqual([]);
  });

  it("counts message lines from the top, leading blank lines included", () => {
    const r = parseRegistration("\n/dangky\nngày: hôm kia", opts);
    expect(r.errors).toEqual([{ line: 3, messageKey: "grammar.badDate", value: "hôm kia" }]);
  });

  it("flags empty values and repeated keywords (the later value wins)", () => {
    const r = parseRegistration("/dangky\ncơ quan:\nsố: 1/A\nsố: 2/B", opts);
    expect(r.errors).toEqual([
      { line: 2, messageKey: "grammar.emptyValue", value: "" },
      { line: 4, messageKey: "grammar.duplicateField", value: "2/B" },
    ]);
    expect(r.fields.codeNumber).toBe("2");
    expect(r.fields.codeNotation).toBe("B");
  });

  it("reads secret documents so the caller can refuse the scan", () => {
    expect(parseRegistration("độ mật: Tối mật", opts).fields.secrecy).toBe("SECRET");
    expect(parseRegistration("do mat: mat", opts).fields.secrecy).toBe("CONFIDENTIAL");
  });

  it("reports no keyword lines for ordinary text", () => {
    const r = parseRegistration("Chào anh, em gửi văn bản", opts);
    expect(r.keywordLines).toBe(0);
  });
});

describe("splitCodeNotation", () => {
  it("splits at the first slash", () => {
    expect(splitCodeNotation("45/STC-NS")).toEqual({ codeNumber: "45", codeNotation: "STC-NS" });
    expect(splitCodeNotation("30/2020/NĐ-CP")).toEqual({ codeNumber: "30", codeNotation: "2020/NĐ-CP" });
    expect(splitCodeNotation("45")).toEqual({ codeNumber: "45" });
  });
});

describe("incoming document types (Decree 30 Art. 22.1: every incoming document is registered)", () => {
  it.each([
    ["Nghị định", "Nghị định"],
    ["nghi dinh", "Nghị định"],
    ["NĐ", "Nghị định"],
    ["Luật", "Luật"],
    ["Bộ luật", "Bộ luật"],
    ["thông tư", "Thông tư"],
    ["Thông tư liên tịch", "Thông tư liên tịch"],
    ["TTLT", "Thông tư liên tịch"],
    ["Nghị quyết liên tịch", "Nghị quyết liên tịch"],
    ["Pháp lệnh", "Pháp lệnh"],
    ["Hiến pháp", "Hiến pháp"],
    ["Kết luận", "Kết luận"],
    ["Thông báo kết luận", "Thông báo kết luận"],
    ["Đơn", "Đơn"],
    ["đơn khiếu nại", "Đơn"],
    ["quyết định", "Quyết định"],
    ["QĐ", "Quyết định"],
    ["CV", "Công văn"],
    ["Tờ khai", "Tờ khai"],
    ["phiếu  lấy ý kiến", "Phiếu lấy ý kiến"],
  ])('takes "loại: %s" as %j', (typed, docType) => {
    const r = parseRegistration(`/dangky\nsố: 12/2026/NĐ-CP\ncơ quan: Chính phủ\nloại: ${typed}\ntrích yếu: Quy định chi tiết`, opts);
    expect(r.errors).toEqual([]);
    expect(r.fields.docType).toBe(docType);
    expect(r.defaultsApplied).not.toContain("docType");
  });

  it("answers the type question the same way", () => {
    expect(parseRegistrationAnswer("docType", "Nghị định", opts)).toEqual({ fields: { docType: "Nghị định" } });
    expect(parseRegistrationAnswer("docType", "x".repeat(101), opts)).toEqual({ error: "grammar.tooLong" });
  });
});

describe("parseRegistrationAnswer", () => {
  it("parses a single answer to a question", () => {
    expect(parseRegistrationAnswer("codeNumber", "45/STC-NS", opts)).toEqual({ fields: { codeNumber: "45", codeNotation: "STC-NS" } });
    expect(parseRegistrationAnswer("issuedDate", "ngày mai", opts)).toEqual({ fields: { issuedDate: { year: 2026, month: 11, day: 27 } } });
    expect(parseRegistrationAnswer("urgency", "siêu khẩn", opts)).toEqual({ error: "grammar.unknownUrgency" });
  });
});

describe("field lengths (Decree 30, Appendix VI)", () => {
  const today = { year: 2026, month: 12, day: 1 };
  it("refuses a trích yếu over 500 characters in the person's language, keeping the rest", () => {
    const long = "V/v ".padEnd(501, "x");
    const r = parseRegistration(`/dangky\nsố: 45/STC-NS\ncơ quan: Sở Tài chính\ntrích yếu: ${long}`, { today });
    expect(r.errors.map((e) => e.messageKey)).toEqual(["grammar.tooLong"]);
    expect(r.fields.subject).toBeUndefined();
    expect(r.missing).toContain("subject");
    expect(r.fields.issuer).toBe("Sở Tài chính");
    const exact = parseRegistration(`/dangky\nsố: 45/STC-NS\ncơ quan: Sở Tài chính\ntrích yếu: ${long.slice(0, 500)}`, { today });
    expect(exact.errors).toEqual([]);
  });

  it("counts wrapped continuation lines too", () => {
    const r = parseRegistration(`/dangky\ncơ quan: Sở Tài chính\ntrích yếu: ${"a".repeat(300)}\n${"b".repeat(300)}`, { today });
    expect(r.errors.map((e) => e.messageKey)).toEqual(["grammar.tooLong"]);
    expect(r.fields.subject).toBeUndefined();
  });
});

describe("người ký (the signer)", () => {
  it("splits the title from the name: title first, name first with a comma or a dash, an office's word kept in the title", () => {
    expect(splitSigner("Phó Giám đốc Trần Văn Minh")).toEqual({ signerTitle: "Phó Giám đốc", signerName: "Trần Văn Minh" });
    expect(splitSigner("Trần Văn Minh, Phó Giám đốc")).toEqual({ signerTitle: "Phó Giám đốc", signerName: "Trần Văn Minh" });
    expect(splitSigner("Trần Văn Minh - Phó Chủ tịch UBND tỉnh")).toEqual({ signerTitle: "Phó Chủ tịch UBND tỉnh", signerName: "Trần Văn Minh" });
    expect(splitSigner("PHÓ GIÁM ĐỐC, Ngô Xuân Thảo")).toEqual({ signerTitle: "PHÓ GIÁM ĐỐC", signerName: "Ngô Xuân Thảo" });
    expect(splitSigner("Giám đốc Sở Lê Thị Hoa")).toEqual({ signerTitle: "Giám đốc Sở", signerName: "Lê Thị Hoa" });
    expect(splitSigner("Lê Thị Hoa")).toEqual({ signerName: "Lê Thị Hoa" });
    expect(splitSigner("NGUYỄN VĂN AN")).toEqual({ signerName: "NGUYỄN VĂN AN" });
  });

  it("is a /dangky line matched without diacritics (and in English); a later line without a title drops the title", () => {
    const r = parseRegistration("/dangky\nsố: 45/STC-NS\ncơ quan: Sở Tài chính\ntrích yếu: V/v dự toán\nnguoi ky: Phó Giám đốc Trần Văn Minh", opts);
    expect(r.errors).toEqual([]);
    expect(r.fields).toMatchObject({ signerName: "Trần Văn Minh", signerTitle: "Phó Giám đốc" });
    expect(parseRegistration("/dangky\nsigner: Trần Văn Minh", opts).fields).toMatchObject({ signerName: "Trần Văn Minh" });
    expect(parseRegistration("/dangky\nsigner: Trần Văn Minh", opts).fields.signerTitle).toBeUndefined();
    expect(parseRegistration("/dangky\nNgười ký: Trần Văn Minh, Giám đốc", opts).fields).toMatchObject({ signerName: "Trần Văn Minh", signerTitle: "Giám đốc" });
  });

  it("refuses a name over 50 characters", () => {
    const r = parseRegistration(`/dangky\nngười ký: ${"Nguyễn ".repeat(9)}An`, opts);
    expect(r.errors.map((e) => e.messageKey)).toEqual(["grammar.tooLong"]);
    expect(r.fields.signerName).toBeUndefined();
  });
});
