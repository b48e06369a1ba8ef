import { describe, expect, it } from "vitest";
import { addDays, formatDate, isValidDate, parseDate, parseDateOrDuration, parseDuration, readDate, readDateOrDuration } from "../../../../bots/shared/text/dates.ts";

const today = { year: 2026, month: 11, day: 26 };
const ctx = { today };
const d = (day: number, month: number, year: number) => ({ day, month, year });

describe("parseDate", () => {
  it.each([
    ["10/12/2026", d(10, 12, 2026)],
    ["10-12-2026", d(10, 12, 2026)],
    ["10.12.2026", d(10, 12, 2026)],
    ["5/1/2027", d(5, 1, 2027)],
    ["05/01/2027", d(5, 1, 2027)],
    ["10/12/26", d(10, 12, 2026)],
    ["10/12", d(10, 12, 2026)],
    ["ngày 10 tháng 12 năm 2026", d(10, 12, 2026)],
    ["Ngày 10 Tháng 12 Năm 2026", d(10, 12, 2026)],
    ["ngay 10 thang 12 nam 2026", d(10, 12, 2026)],
    ["10 tháng 12 năm 2026", d(10, 12, 2026)],
    ["ngày 10 tháng 12", d(10, 12, 2026)],
    ["ngày 20/12/2026", d(20, 12, 2026)],
    ["  20/12/2026.  ", d(20, 12, 2026)],
    ["hôm nay", today],
    ["hom nay", today],
    ["Hôm nay", today],
    ["ngày mai", d(27, 11, 2026)],
    ["ngay mai", d(27, 11, 2026)],
    ["today", today],
    ["tomorrow", d(27, 11, 2026)],
  ])("%s", (text, expected) => {
    expect(parseDate(text, ctx)).toEqual(expected);
  });

  it.each([
    "31/02/2026",
    "29/02/2026",
    "31/04/2026",
    "0/12/2026",
    "10/13/2026",
    "32/1/2026",
    "10/12/20266",
    "10/12/202",
    "1.2.3.4",
    "10/12-2026",
    "ngày 30 tháng 2 năm 2026",
    "20/12/2026 xong",
    "mai",
    "",
    "abc",
  ])("rejects %j", (text) => {
    expect(parseDate(text, ctx)).toBeNull();
  });

  it("accepts 29 February in a leap year", () => {
    expect(parseDate("29/02/2028", ctx)).toEqual(d(29, 2, 2028));
  });

  it("rolls 'ngày mai' over month and year ends", () => {
    expect(parseDate("ngày mai", { today: d(31, 12, 2026) })).toEqual(d(1, 1, 2027));
  });
});

describe("readDate", () => {
  it("returns the text after the date verbatim", () => {
    expect(readDate("25/12/2026 chờ số liệu của Sở", ctx)).toEqual({ date: d(25, 12, 2026), rest: " chờ số liệu của Sở" });
  });

  it("does not read a date glued to letters", () => {
    expect(readDate("10/12abc", ctx)).toBeNull();
  });
});

describe("durations", () => {
  it.each([
    ["5 ngày", 5],
    ["5 ngay", 5],
    ["5 ngày làm việc", 5],
    ["5 ngay lam viec", 5],
    ["10 Ngày", 10],
    ["3 working days", 3],
    ["1 day", 1],
  ])("%s", (text, n) => {
    expect(parseDuration(text)).toEqual({ workingDays: n });
  });

  it.each(["0 ngày", "ngày", "5", "5 tuần", "5 ngày rưỡi"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe("parseDateOrDuration", () => {
  it("tells a date from a duration", () => {
    expect(parseDateOrDuration("20/12/2026", ctx)).toEqual({ kind: "date", date: d(20, 12, 2026) });
    expect(parseDateOrDuration("5 ngày", ctx)).toEqual({ kind: "duration", workingDays: 5 });
    expect(parseDateOrDuration("sớm", ctx)).toBeNull();
  });

  it("reads a deadline at the start and keeps the rest", () => {
    expect(readDateOrDuration("3 ngày vì chờ ý kiến", ctx)).toEqual({
      value: { kind: "duration", workingDays: 3 },
      rest: " vì chờ ý kiến",
    });
  });
});

describe("deadline phrasing (issue 21)", () => {
  it.each([
    ["trước ngày 20/12/2026", d(20, 12, 2026)],
    ["Trước ngày 20/12/2026", d(20, 12, 2026)],
    ["truoc ngay 20/12/2026", d(20, 12, 2026)],
    ["trước 20/12/2026", d(20, 12, 2026)],
    ["chậm nhất ngày 20/12/2026", d(20, 12, 2026)],
    ["chậm nhất là ngày 20 tháng 12 năm 2026", d(20, 12, 2026)],
    ["cham nhat ngay 20/12", d(20, 12, 2026)],
    ["không quá ngày 20/12/2026", d(20, 12, 2026)],
  ])("reads %j as the deadline date", (text, date) => {
    expect(parseDateOrDuration(text, ctx)).toEqual({ kind: "date", date });
  });

  it.each([
    ["5 ngày làm việc", 5],
    ["5 ngay lam viec", 5],
    ["trong 5 ngày làm việc", 5],
    ["trong vòng 10 ngày", 10],
  ])("reads %j as working days", (text, workingDays) => {
    expect(parseDateOrDuration(text, ctx)).toEqual({ kind: "duration", workingDays });
  });

  it.each(["trước ngày", "chậm nhất", "trước ngày 31/02/2026", "trong 5 tuần", "trước khi họp"])("rejects %j", (text) => {
    expect(parseDateOrDuration(text, ctx)).toBeNull();
  });

  it("keeps what follows a phrased deadline (the reason of /giahan, the officer of /giao)", () => {
    expect(readDateOrDuration("trước ngày 20/12/2026 chờ số liệu", ctx)).toEqual({ value: { kind: "date", date: d(20, 12, 2026) }, rest: " chờ số liệu" });
  });

  it("leaves an issue date alone: only a deadline takes the lead words", () => {
    expect(parseDate("trước ngày 20/12/2026", ctx)).toBeNull();
  });
});

describe("calendar helpers", () => {
  it("validates dates", () => {
    expect(isValidDate(d(28, 2, 2027))).toBe(true);
    expect(isValidDate(d(29, 2, 2027))).toBe(false);
    expect(isValidDate(d(1, 1, 1800))).toBe(false);
  });

  it("adds days across months", () => {
    expect(addDays(d(30, 11, 2026), 2)).toEqual(d(2, 12, 2026));
    expect(addDays(d(1, 3, 2028), -1)).toEqual(d(29, 2, 2028));
  });

  it("formats as dd/mm/yyyy", () => {
    expect(formatDate(d(5, 1, 2027))).toBe("05/01/2027");
  });
});
