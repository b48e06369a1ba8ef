import { describe, expect, it } from "vitest";
import { parseMessage } from "../../../../bots/shared/text/commands.ts";
import type { ParsedMessage } from "../../../../bots/shared/text/commands.ts";
import { readCommandHead } from "../../../../bots/shared/text/command-words.ts";
import { readPackageRef } from "../../../../bots/shared/text/package-ref.ts";
import { DIRECTIVE_EXAMPLE, ISSUE_EXAMPLE, REGISTER_EXAMPLE } from "./design-examples.ts";

const today = { year: 2026, month: 11, day: 26 };
const ctx = { today };
const D7_TCKH = { kind: "IN", number: 7, year: 2026, unitCode: "TCKH" } as const;

const parse = (text: string): ParsedMessage => parseMessage(text, ctx);
const nameOf = (text: string): string | null => {
  const m = parse(text);
  return m.kind === "command" ? m.name : null;
};

describe("command words", () => {
  it.each([
    ["/viec", "tasks"],
    ["/việc", "tasks"],
    ["viec", "tasks"],
    ["Việc", "tasks"],
    ["/tasks", "tasks"],
    ["tasks", "tasks"],
    ["/nhan D7-TCKH", "ack"],
    ["/nhận D7-TCKH", "ack"],
    ["/ack D7-TCKH", "ack"],
    ["/xong D7-TCKH", "done"],
    ["/done D7-TCKH", "done"],
    ["/tiendo D7-TCKH đã họp", "progress"],
    ["/tiến độ D7-TCKH đã họp", "progress"],
    ["/progress D7-TCKH", "progress"],
    ["/tralai D7-TCKH sai đơn vị", "return"],
    ["/trả lại D7-TCKH", "return"],
    ["/return D7-TCKH", "return"],
    ["/giahan D7-TCKH 20/12/2026", "extend"],
    ["/gia hạn D7-TCKH 20/12/2026", "extend"],
    ["/extend D7-TCKH", "extend"],
    ["/giao D7-TCKH cv.tckh", "delegate"],
    ["/delegate D7-TCKH cv.tckh", "delegate"],
    ["/chidao D7", "direct"],
    ["/chỉ đạo D7", "direct"],
    ["/direct D7", "direct"],
    ["/dangky", "register"],
    ["/đăng ký", "register"],
    ["/đăng kí", "register"],
    ["/register", "register"],
    ["/phathanh", "issue"],
    ["/phát hành", "issue"],
    ["/issue", "issue"],
    ["/quahan", "overdue"],
    ["/quá hạn", "overdue"],
    ["quá hạn", "overdue"],
    ["/overdue", "overdue"],
    ["/tim ngân sách", "search"],
    ["/tìm ngân sách", "search"],
    ["/search budget", "search"],
    ["/xem D7", "view"],
    ["/view D7", "view"],
    ["/ok", "confirm"],
    ["OK", "confirm"],
    ["ok!", "confirm"],
    ["ok LT5", "confirm"],
    ["tralai LT5 gửi nhầm", "return"],
    ["đồng ý", "confirm"],
    ["/huy", "cancel"],
    ["/hủy", "cancel"],
    ["huỷ", "cancel"],
    ["/cancel", "cancel"],
    ["/sua", "edit"],
    ["/sửa", "edit"],
    ["/edit", "edit"],
    ["/help", "help"],
    ["/trogiup", "help"],
    ["/trợ giúp", "help"],
    ["giúp", "help"],
    ["/link ABCD-2345", "link"],
    ["/lienket ABCD-2345", "link"],
    ["/liên kết ABCD-2345", "link"],
    ["/start", "start"],
    ["/baocao", "report"],
    ["/báo cáo tháng 11", "report"],
    ["/report", "report"],
  ])("%s → %s", (text, name) => {
    expect(nameOf(text)).toBe(name);
  });
});

describe("the interchange card's package refs (LT5)", () => {
  it("reads /ok LT5 and /tralai LT5 lý do; free text starting with ok stays text", () => {
    expect(parse("/ok LT5")).toMatchObject({ name: "confirm", args: "LT5" });
    expect(parse("tralai lt 5: Gửi nhầm cơ quan")).toMatchObject({ name: "return", ref: null, args: "lt 5: Gửi nhầm cơ quan" });
    expect(readPackageRef("lt 5: Gửi nhầm cơ quan")).toEqual({ number: 5, rest: "Gửi nhầm cơ quan" });
    expect(readPackageRef("LT5")).toEqual({ number: 5, rest: "" });
    expect(readPackageRef("LT5x")).toBeNull();
    expect(readPackageRef("LT0")).toBeNull();
    expect(parseMessage("ok LT5 nhé anh", { today })).toMatchObject({ kind: "text" });
    expect(parseMessage("viec LT5", { today })).toMatchObject({ kind: "text" });
  });
});

describe("Telegram /cmd@BotName", () => {
  it("accepts the bot's own name, in any case", () => {
    const m = parseMessage("/nhan@EOfficeBot D7-TCKH", { today, botUsername: "eofficebot" });
    expect(m).toMatchObject({ kind: "command", name: "ack", ref: D7_TCKH });
  });

  it("reports a command for another bot", () => {
    expect(parseMessage("/viec@OtherBot", { today, botUsername: "EOfficeBot" })).toEqual({ kind: "otherBot", botName: "OtherBot" });
  });

  it("accepts any bot name when the bot's own is not configured", () => {
    expect(parse("/xong@SomeBot D7-TCKH Đã xong")).toMatchObject({ name: "done", report: "Đã xong" });
  });

  it("finds the head's bot name and the verbatim rest", () => {
    expect(readCommandHead("/start@EOfficeBot ABCD-2345")).toEqual({
      name: "start",
      word: "start",
      isSlash: true,
      botName: "EOfficeBot",
      rest: " ABCD-2345",
    });
  });
});

describe("arguments", () => {
  it("acknowledges with a REF, tolerant of case and spaces", () => {
    expect(parse("/nhan d 7-tckh")).toMatchObject({ kind: "command", name: "ack", ref: D7_TCKH, isSlash: true });
    expect(parse("nhận P12-TCKH")).toMatchObject({ name: "ack", ref: { kind: "OUT", number: 12, unitCode: "TCKH" }, isSlash: false });
  });

  it("keeps a completion report verbatim, over several lines", () => {
    const report = "Đã trình UBND <b>dự thảo</b> & tờ trình số 15/TTr-TCKH.\n\nKèm: bảng số liệu.";
    expect(parse(`/xong D7-TCKH ${report}  `)).toMatchObject({ name: "done", ref: D7_TCKH, report });
  });

  it("accepts a colon after the REF", () => {
    expect(parse("/xong D7-TCKH: Đã nộp")).toMatchObject({ name: "done", report: "Đã nộp" });
  });

  it("keeps a /xong without REF as a command with ref null (the bot explains the usage)", () => {
    expect(parse("/xong đã nộp rồi")).toMatchObject({ name: "done", ref: null, report: "đã nộp rồi" });
  });

  it("reads a progress note and a return reason", () => {
    expect(parse("/tiendo D7-TCKH Đã họp lấy ý kiến lần 1")).toMatchObject({ name: "progress", text: "Đã họp lấy ý kiến lần 1" });
    expect(parse("trả lại D7-TCKH Không thuộc chức năng của phòng")).toMatchObject({
      name: "return",
      ref: D7_TCKH,
      reason: "Không thuộc chức năng của phòng",
    });
  });

  it("reads an extension request: date or working days, then the reason", () => {
    expect(parse("/giahan D7-TCKH 25/12/2026 chờ số liệu của Sở Tài chính")).toMatchObject({
      name: "extend",
      due: { kind: "date", date: { year: 2026, month: 12, day: 25 } },
      reason: "chờ số liệu của Sở Tài chính",
    });
    expect(parse("gia han D7-TCKH 5 ngay lam viec vi thieu so lieu")).toMatchObject({
      name: "extend",
      due: { kind: "duration", workingDays: 5 },
      reason: "vi thieu so lieu",
    });
    expect(parse("/giahan D7-TCKH sang tuần")).toMatchObject({ name: "extend", due: null, reason: "sang tuần" });
  });

  it("reads a delegation: officer code, optional deadline, note", () => {
    expect(parse("/giao D7-TCKH cv.tckh 20/12/2026 Ưu tiên xử lý")).toMatchObject({
      name: "delegate",
      ref: D7_TCKH,
      officerCode: "cv.tckh",
      due: { kind: "date", date: { year: 2026, month: 12, day: 20 } },
      note: "Ưu tiên xử lý",
    });
    expect(parse("/giao D7-TCKH cv.tckh")).toMatchObject({ officerCode: "cv.tckh", due: null, note: "" });
    expect(parse("/giao D7-TCKH 20.12.2026")).toMatchObject({ officerCode: null, due: { kind: "date" } });
  });

  it("keeps search words verbatim", () => {
    expect(parse("/tim  Ngân sách 2027 & <dự toán> ")).toMatchObject({ name: "search", query: "Ngân sách 2027 & <dự toán>" });
    expect(parse("tìm công văn Sở Tài chính")).toMatchObject({ name: "search", query: "công văn Sở Tài chính", isSlash: false });
  });

  it("reads /help with a topic", () => {
    expect(parse("/help chỉ đạo")).toMatchObject({ name: "help", topic: "direct" });
    expect(parse("/help")).toMatchObject({ name: "help", topic: null });
  });

  it("normalises link codes in /link and /start", () => {
    expect(parse("/link abcd-2345")).toMatchObject({ name: "link", code: "ABCD2345" });
    expect(parse("/link 1234")).toMatchObject({ name: "link", code: null, args: "1234" });
    expect(parse("liên kết ABCD 2345")).toMatchObject({ name: "link", code: "ABCD2345" });
    expect(parse("/start ABCD-2345")).toMatchObject({ name: "start", payload: "ABCD-2345", linkCode: "ABCD2345" });
    expect(parse("/start")).toMatchObject({ name: "start", payload: "", linkCode: null });
  });

  it("keeps the arguments of /sua and /baocao verbatim", () => {
    expect(parse("/sua trích yếu: V/v mới")).toMatchObject({ name: "edit", args: "trích yếu: V/v mới" });
    expect(parse("/baocao tháng 11")).toMatchObject({ name: "report", args: "tháng 11" });
  });
});

describe("forms inside commands", () => {
  it("parses the DESIGN.md /dangky example", () => {
    const m = parse(REGISTER_EXAMPLE);
    expect(m.kind === "command" && m.name === "register" ? m.registration.fields.codeNotation : null).toBe("STC-NS");
  });

  it("parses the DESIGN.md /phathanh example", () => {
    const m = parse(ISSUE_EXAMPLE);
    expect(m.kind === "command" && m.name === "issue" ? m.issue.fields.externalRecipients : null).toEqual(["Sở Nội vụ tỉnh Bình Định"]);
  });

  it("parses the DESIGN.md /chidao example, with message line numbers in errors", () => {
    const m = parse(DIRECTIVE_EXAMPLE);
    expect(m.kind === "command" && m.name === "direct" ? m.directive.main : null).toEqual(["TCKH"]);
    const bad = parse("/chidao D7\nX\nchủ trì: VP\nhạn: sớm");
    expect(bad.kind === "command" && bad.name === "direct" ? bad.directive.errors : null).toEqual([{ line: 4, messageKey: "grammar.badDue", value: "sớm" }]);
  });

  it("passes the default drafting unit to /phathanh", () => {
    const m = parseMessage("/phathanh\ntrích yếu: V/v\nngười ký: A, B\nnơi nhận: VP", { today, defaultDraftingUnit: "VP" });
    expect(m.kind === "command" && m.name === "issue" ? m.issue.missing : null).toEqual([]);
  });
});

describe("DESIGN.md one-liners", () => {
  it("/chidao D123 thay: chutich (a clerk entering a paper directive)", () => {
    const m = parse("/chidao D123 thay: chutich");
    const d = m.kind === "command" && m.name === "direct" ? m.directive : null;
    expect(d?.ref).toEqual({ kind: "IN", number: 123, year: 2026 });
    expect(d?.onBehalfOf).toBe("chutich");
    // Nothing else was given yet: the conversation asks for the units and the text.
    expect(d?.errors.map((e) => e.messageKey)).toEqual(["grammar.noMainUnit", "grammar.emptyText"]);
  });

  it("/nhan P12-TCKH (an internal recipient acknowledges an outgoing document)", () => {
    expect(parse("/nhan P12-TCKH")).toMatchObject({ name: "ack", ref: { kind: "OUT", number: 12, year: 2026, unitCode: "TCKH" } });
  });
});

describe("input encodings", () => {
  it("accepts decomposed (NFD) Vietnamese and CRLF line ends", () => {
    expect(parse("/nhận D7-TCKH".normalize("NFD"))).toMatchObject({ name: "ack", ref: D7_TCKH });
    const m = parse("/chidao D7\r\nGiao <b>TCKH</b>\r\nchủ trì: TCKH\r\n");
    expect(m.kind === "command" && m.name === "direct" ? m.directive.text : null).toBe("Giao <b>TCKH</b>");
  });
});

describe("free text and the ambiguity rule", () => {
  it.each([
    "xong rồi anh ơi",
    "Xong",
    "nhận được rồi ạ",
    "OK anh, em làm ngay",
    "Báo cáo anh, em đã gửi",
    "giao việc cho ai ạ?",
    "Hướng dẫn em với",
    "Đăng ký giúp em văn bản này",
    "xem giúp em D7",
    "link này bị lỗi",
    "Kính gửi lãnh đạo",
    "",
  ])("%j is text", (text) => {
    expect(parse(text)).toEqual({ kind: "text", text });
  });

  it("takes a slash-less command word followed by what it needs as a command", () => {
    expect(parse("xong D7-TCKH đã nộp")).toMatchObject({ name: "done", isSlash: false, report: "đã nộp" });
    expect(parse("Đăng ký\nsố: 1/A")).toMatchObject({ name: "register", isSlash: false });
    expect(parse("xem D7")).toMatchObject({ name: "view", ref: { kind: "IN", number: 7, year: 2026 } });
  });

  it("reports an unknown slash command", () => {
    expect(parse("/foo bar baz")).toEqual({ kind: "unknownCommand", word: "foo", args: "bar baz" });
  });

  it("recognises numbered answers", () => {
    expect(parse("1")).toEqual({ kind: "choice", n: 1 });
    expect(parse(" 2. ")).toEqual({ kind: "choice", n: 2 });
    expect(parse("3)")).toEqual({ kind: "choice", n: 3 });
    expect(parse("0")).toEqual({ kind: "text", text: "0" });
    expect(parse("123")).toEqual({ kind: "text", text: "123" });
  });

  it("recognises a bare link code", () => {
    expect(parse("ABCD-2345")).toEqual({ kind: "linkCode", code: "ABCD2345" });
    expect(parse(" wxyz2345 ")).toEqual({ kind: "linkCode", code: "WXYZ2345" });
    expect(parse("STRENGTH")).toEqual({ kind: "text", text: "STRENGTH" });
  });
});
