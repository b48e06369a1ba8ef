// Runs under TZ=UTC and TZ=Asia/Ho_Chi_Minh: results must not depend on the process zone.
import { describe, expect, it } from "vitest";

import { createCalendar, loadShippedCalendar, parseWorkingHours } from "../../../core/calendar/calendar.ts";
import { DomainError } from "../../../core/errors.ts";
import { dueAtForDate } from "../../../core/time.ts";

const calendar = loadShippedCalendar();
/** An instant written as Vietnam wall-clock time, independent of the process zone. */
const vn = (isoLocal: string): Date => new Date(`${isoLocal}+07:00`);

describe("unconfirmedBetween", () => {
  it("lists the estimated days of a range, in order, and nothing for a range of confirmed data", () => {
    expect(calendar.unconfirmedBetween("2027-01-25", "2027-02-26").map((e) => e.date)).toEqual(["2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"]);
    expect(calendar.unconfirmedBetween("2027-02-09", "2027-02-09").map((e) => e.name)).toEqual(["Tết Nguyên Đán (mùng 4 Tết)"]);
    expect(calendar.unconfirmedBetween("2026-02-01", "2026-03-31")).toEqual([]); // Tết 2026: from the official notice
    expect(calendar.unconfirmedBetween("2027-03-01", "2027-01-01")).toEqual([]);
  });
});

describe("working days", () => {
  it("follows the yearly data: holidays off, the make-up Saturday on, weekends off", () => {
    expect(calendar.isWorkingDay("2026-02-13")).toBe(true); // Friday before Tết
    expect(calendar.isWorkingDay("2026-02-17")).toBe(false); // mùng 1 Tết
    expect(calendar.isWorkingDay("2026-02-21")).toBe(false); // Saturday
    expect(calendar.isWorkingDay("2025-04-26")).toBe(true); // make-up Saturday
    expect(calendar.isWorkingDay("2025-05-02")).toBe(false); // swapped Friday
    expect(calendar.isWorkingDay("2026-04-27")).toBe(false); // Giỗ Tổ made up
    expect(calendar.dayInfo("2026-04-27").entry?.name).toContain("Giỗ Tổ Hùng Vương");
  });

  it("adds working days across Tết 2026", () => {
    expect(calendar.addWorkingDays("2026-02-13", 1)).toBe("2026-02-23");
    expect(calendar.addWorkingDays("2026-02-12", 3)).toBe("2026-02-24");
    expect(calendar.addWorkingDays("2026-02-23", -1)).toBe("2026-02-13");
    expect(calendar.addWorkingDays("2026-02-17", 0)).toBe("2026-02-23");
    expect(calendar.addWorkingDays("2026-02-13", 0)).toBe("2026-02-13");
  });

  it("adds working days across the 2025 make-up Saturday and the 30/4–2/5 break", () => {
    expect(calendar.addWorkingDays("2025-04-25", 1)).toBe("2025-04-26");
    expect(calendar.addWorkingDays("2025-04-25", 2)).toBe("2025-04-28");
    expect(calendar.addWorkingDays("2025-04-25", 4)).toBe("2025-05-05"); // 26/4, 28/4, 29/4, then 30/4–4/5 off
    expect(calendar.addWorkingDays("2025-04-28", -1)).toBe("2025-04-26");
    expect(calendar.addWorkingDays("2025-04-29", 1)).toBe("2025-05-05");
  });

  it("keeps the wall-clock time when adding working days to an instant", () => {
    const friday = vn("2026-02-13T15:00:00");
    expect(calendar.addWorkingDays(friday, 1).toISOString()).toBe(vn("2026-02-23T15:00:00").toISOString());
  });

  it("counts working days between dates", () => {
    expect(calendar.workingDaysBetween("2026-02-13", "2026-02-24")).toBe(2);
    expect(calendar.workingDaysBetween("2026-02-24", "2026-02-13")).toBe(-2);
    expect(calendar.workingDaysBetween("2026-02-13", "2026-02-13")).toBe(0);
  });

  it("finds the last working day on or before a date", () => {
    expect(calendar.workingDayOnOrBefore("2026-02-22")).toBe("2026-02-13");
    expect(calendar.workingDayOnOrBefore("2026-02-23")).toBe("2026-02-23");
  });
});

describe("working time", () => {
  it("is office hours on working days (07:30–11:30, 13:00–17:00 by default)", () => {
    expect(calendar.isWorkingTime(vn("2026-02-12T07:30:00"))).toBe(true);
    expect(calendar.isWorkingTime(vn("2026-02-12T07:29:59"))).toBe(false);
    expect(calendar.isWorkingTime(vn("2026-02-12T12:00:00"))).toBe(false);
    expect(calendar.isWorkingTime(vn("2026-02-12T17:00:00"))).toBe(false);
    expect(calendar.isWorkingTime(vn("2026-02-17T09:00:00"))).toBe(false); // Tết
    expect(calendar.isWorkingTime(vn("2026-02-12T12:00:00"), [{ start: "08:00", end: "17:00" }])).toBe(true);
  });

  it("adds working hours over lunch, nights, weekends and Tết", () => {
    expect(calendar.addWorkingHours(vn("2026-02-12T10:00:00"), 2).toISOString()).toBe(vn("2026-02-12T13:30:00").toISOString());
    expect(calendar.addWorkingHours(vn("2026-02-12T07:30:00"), 4).toISOString()).toBe(vn("2026-02-12T11:30:00").toISOString());
    expect(calendar.addWorkingHours(vn("2026-02-12T16:00:00"), 4).toISOString()).toBe(vn("2026-02-13T10:30:00").toISOString());
    expect(calendar.addWorkingHours(vn("2026-02-13T15:00:00"), 4).toISOString()).toBe(vn("2026-02-23T09:30:00").toISOString());
    expect(calendar.addWorkingHours(vn("2026-02-14T10:00:00"), 0.5).toISOString()).toBe(vn("2026-02-23T08:00:00").toISOString());
    expect(calendar.addWorkingMinutes(vn("2026-02-12T20:00:00"), 60).toISOString()).toBe(vn("2026-02-13T08:30:00").toISOString());
  });

  it("finds the next working morning", () => {
    expect(calendar.nextWorkingMorning(vn("2026-02-12T06:00:00")).toISOString()).toBe(vn("2026-02-12T07:00:00").toISOString());
    expect(calendar.nextWorkingMorning(vn("2026-02-12T07:00:00")).toISOString()).toBe(vn("2026-02-12T07:00:00").toISOString());
    expect(calendar.nextWorkingMorning(vn("2026-02-13T19:00:00")).toISOString()).toBe(vn("2026-02-23T07:00:00").toISOString());
    expect(calendar.nextWorkingMorning(vn("2025-04-25T19:00:00"), "08:00").toISOString()).toBe(vn("2025-04-26T08:00:00").toISOString());
  });
});

describe("workingDaysLeft", () => {
  const due = dueAtForDate("2026-02-24"); // Tuesday after Tết

  it("counts working days left, across Tết", () => {
    expect(calendar.workingDaysLeft(vn("2026-02-12T09:00:00"), due)).toBe(3); // 13/2, 23/2, 24/2
    expect(calendar.workingDaysLeft(vn("2026-02-18T09:00:00"), due)).toBe(2);
    expect(calendar.workingDaysLeft(vn("2026-02-24T16:00:00"), due)).toBe(0);
    expect(calendar.workingDaysLeft(vn("2026-02-24T23:59:00"), due)).toBe(0);
  });

  it("is negative when overdue: minus the working days overdue, at least -1", () => {
    expect(calendar.workingDaysLeft(vn("2026-02-25T00:00:00"), due)).toBe(-1);
    expect(calendar.workingDaysLeft(vn("2026-02-25T09:00:00"), due)).toBe(-1);
    expect(calendar.workingDaysLeft(vn("2026-02-27T09:00:00"), due)).toBe(-3);
    expect(calendar.workingDaysLeft(vn("2026-02-28T09:00:00"), due)).toBe(-3); // Saturday
    const fridayDue = dueAtForDate("2026-02-13");
    expect(calendar.workingDaysLeft(vn("2026-02-14T09:00:00"), fridayDue)).toBe(-1); // the weekend after
    expect(calendar.workingDaysLeft(vn("2026-02-23T09:00:00"), fridayDue)).toBe(-1); // first working day after Tết
  });
});

describe("years without data", () => {
  it("lists the covered years and falls back to Monday–Friday, saying so once", () => {
    const uncovered: number[] = [];
    const cal = loadShippedCalendar({ onUncoveredYear: (y) => uncovered.push(y) });
    expect(cal.coveredYears()).toEqual([2025, 2026, 2027]);
    expect(cal.isCovered(2030)).toBe(false);
    expect(cal.isWorkingDay("2030-01-01")).toBe(true); // a Tuesday: no holiday data for 2030
    expect(cal.isWorkingDay("2030-01-05")).toBe(false); // Saturday
    expect(cal.dayInfo("2030-01-02").isCovered).toBe(false);
    expect(cal.dayInfo("2026-01-01").isCovered).toBe(true);
    expect(uncovered).toEqual([2030]);
  });
});

describe("options", () => {
  it("takes another zone and other working hours", () => {
    const utcCal = createCalendar({ entries: calendar.entries(), zone: "UTC", workingHours: [{ start: "08:00", end: "12:00" }] });
    expect(utcCal.addWorkingHours(new Date("2026-02-12T11:00:00Z"), 2).toISOString()).toBe("2026-02-13T09:00:00.000Z");
    expect(calendar.withZone("UTC").zone).toBe("UTC");
  });

  it("refuses overlapping or reversed working hours", () => {
    expect(() => parseWorkingHours([{ start: "13:00", end: "11:00" }])).toThrow(DomainError);
    expect(() =>
      parseWorkingHours([
        { start: "07:30", end: "12:00" },
        { start: "11:00", end: "17:00" },
      ]),
    ).toThrow(DomainError);
    expect(parseWorkingHours([{ start: "08:00", end: "12:00" }])).toEqual([{ start: "08:00", end: "12:00" }]);
  });

  it("refuses a date listed twice", () => {
    const entry = { date: "2026-01-01", kind: "DAY_OFF" as const, name: "A", source: "S", confirmed: true };
    expect(() => createCalendar({ entries: [entry, { ...entry }] })).toThrow(/listed twice/);
  });
});

describe("database rows", () => {
  it("accepts CalendarDay rows (nullable source, no confirmed flag)", () => {
    const cal = createCalendar({ entries: [{ date: "2031-01-01", kind: "DAY_OFF", name: "Tết Dương lịch", source: null }] });
    expect(cal.isWorkingDay("2031-01-01")).toBe(false);
    expect(cal.isWorkingDay("2031-01-02")).toBe(true);
    expect(cal.coveredYears()).toEqual([2031]);
    expect(cal.entries()).toEqual([{ date: "2031-01-01", kind: "DAY_OFF", name: "Tết Dương lịch", source: "", confirmed: true }]);
  });
});
