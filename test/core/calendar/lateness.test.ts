import { describe, expect, it } from "vitest";
import { loadShippedCalendar } from "../../../core/calendar/calendar.ts";
import { workingDaysLate } from "../../../core/calendar/lateness.ts";
import { dueAtForDate } from "../../../core/time.ts";

const calendar = loadShippedCalendar({ zone: "Asia/Ho_Chi_Minh" });
const at = (iso: string) => new Date(iso);
// Friday 18/12/2026, until the end of the day (Vietnam time).
const friday = dueAtForDate("2026-12-18", "Asia/Ho_Chi_Minh");

describe("workingDaysLate: lateness in working days, one way everywhere", () => {
  it("is 0 up to the deadline itself", () => {
    expect(workingDaysLate(calendar, friday, at("2026-12-18T10:00:00Z"))).toBe(0);
    expect(workingDaysLate(calendar, friday, friday)).toBe(0);
  });

  it("counts working days after the deadline's day, not calendar days", () => {
    expect(workingDaysLate(calendar, friday, at("2026-12-21T03:00:00Z"))).toBe(1); // Monday
    expect(workingDaysLate(calendar, friday, at("2026-12-22T03:00:00Z"))).toBe(2); // Tuesday: 4 calendar days
  });

  it("is at least 1 once the deadline has passed, even over a weekend or the same day", () => {
    expect(workingDaysLate(calendar, friday, at("2026-12-19T03:00:00Z"))).toBe(1); // Saturday
    expect(workingDaysLate(calendar, friday, at("2026-12-20T15:00:00Z"))).toBe(1); // Sunday evening
    const tenOClock = at("2026-12-18T03:00:00Z"); // a deadline with a time of its own, missed by the afternoon
    expect(workingDaysLate(calendar, tenOClock, at("2026-12-18T08:00:00Z"))).toBe(1);
  });

  it("skips the days off of the shipped calendar (1 January 2027)", () => {
    const dec31 = dueAtForDate("2026-12-31", "Asia/Ho_Chi_Minh");
    expect(workingDaysLate(calendar, dec31, at("2027-01-04T03:00:00Z"))).toBe(1); // Fri 1/1 off, weekend, Monday
  });

  it("agrees with Calendar.workingDaysLeft for a past deadline", () => {
    const now = at("2026-12-22T03:00:00Z");
    expect(calendar.workingDaysLeft(now, friday)).toBe(-workingDaysLate(calendar, friday, now));
  });
});
