import { describe, expect, it } from "vitest";

import { DomainError } from "../../core/errors.ts";
import {
  addDays,
  compareLocalDates,
  daysBetween,
  fixedClock,
  formatLocalDate,
  isLocalDate,
  isLocalTime,
  isoWeekday,
  isValidTimeZone,
  localDateToUtcMidnight,
  parseVietnameseDate,
  parseVietnameseDateOrThrow,
  systemClock,
  utcMidnightToLocalDate,
  weekdayName,
} from "../../core/time.ts";
import { createFakeClock } from "../support/fake-clock.ts";

describe("local dates", () => {
  it("accepts only real dates written YYYY-MM-DD", () => {
    expect(isLocalDate("2024-02-29")).toBe(true);
    expect(isLocalDate("2025-02-29")).toBe(false);
    expect(isLocalDate("2026-13-01")).toBe(false);
    expect(isLocalDate("20/12/2026")).toBe(false);
    expect(isLocalTime("07:30")).toBe(true);
    expect(isLocalTime("24:00")).toBe(false);
    expect(isLocalTime("7:30")).toBe(false);
  });

  it("adds and subtracts calendar days across months and years", () => {
    expect(addDays("2025-12-30", 3)).toBe("2026-01-02");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(daysBetween("2026-02-13", "2026-02-23")).toBe(10);
    expect(compareLocalDates("2026-01-01", "2025-12-31")).toBe(1);
    expect(compareLocalDates("2025-12-31", "2026-01-01")).toBe(-1);
  });

  it("knows ISO weekdays", () => {
    expect(isoWeekday("2026-02-16")).toBe(1); // Monday
    expect(isoWeekday("2025-04-26")).toBe(6); // Saturday
    expect(isoWeekday("2026-04-26")).toBe(7); // Sunday
  });

  it("names weekdays in Vietnamese and English", () => {
    expect(weekdayName("2026-02-16")).toBe("Thứ Hai");
    expect(weekdayName("2026-02-20", "vi")).toBe("Thứ Sáu");
    expect(weekdayName("2026-02-22", "vi")).toBe("Chủ Nhật");
    expect(weekdayName("2026-02-21", "en")).toBe("Saturday");
  });

  it("formats a local date as dd/mm/yyyy", () => {
    expect(formatLocalDate("2026-02-03")).toBe("03/02/2026");
  });
});

describe("parseVietnameseDate", () => {
  it("reads the forms officials write", () => {
    expect(parseVietnameseDate("20/12/2026")).toBe("2026-12-20");
    expect(parseVietnameseDate(" 5/1/2027 ")).toBe("2027-01-05");
    expect(parseVietnameseDate("20-12-2026")).toBe("2026-12-20");
    expect(parseVietnameseDate("20.12.26")).toBe("2026-12-20");
    expect(parseVietnameseDate("2026-12-20")).toBe("2026-12-20");
  });

  it("rejects what is not a real date", () => {
    expect(parseVietnameseDate("30/02/2026")).toBeNull();
    expect(parseVietnameseDate("hôm nay")).toBeNull();
    expect(parseVietnameseDate("20/12")).toBeNull(); // no year and no reference
  });

  it("takes a missing year nearest to the reference day", () => {
    expect(parseVietnameseDate("20/12", "2026-12-10")).toBe("2026-12-20");
    expect(parseVietnameseDate("05/01", "2026-12-28")).toBe("2027-01-05");
    expect(parseVietnameseDate("28/12", "2027-01-03")).toBe("2026-12-28");
    expect(parseVietnameseDate("29/02", "2027-06-01")).toBe("2028-02-29");
  });

  it("throws a domain error with the typed text for people", () => {
    try {
      parseVietnameseDateOrThrow(" 31/04/2026 ");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe("DATE_INVALID");
      expect((err as DomainError).params).toEqual({ value: "31/04/2026" });
    }
  });
});

describe("clocks", () => {
  it("fixedClock always answers the same instant, as a fresh Date", () => {
    const clock = fixedClock("2026-02-13T08:00:00Z");
    const a = clock.now();
    a.setTime(0);
    expect(clock.now().toISOString()).toBe("2026-02-13T08:00:00.000Z");
  });

  it("the fake clock can be set and advanced", () => {
    const clock = createFakeClock("2026-02-13T08:00:00Z");
    clock.advance({ hours: 4, minutes: 30 });
    expect(clock.now().toISOString()).toBe("2026-02-13T12:30:00.000Z");
    clock.advance({ days: -1 });
    expect(clock.now().toISOString()).toBe("2026-02-12T12:30:00.000Z");
    clock.set("2027-01-01T00:00:00Z");
    expect(clock.now().toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });

  it("the system clock reads the system's time (between two readings of Date.now())", () => {
    const before = Date.now();
    const read = systemClock.now().getTime();
    const after = Date.now();
    expect(read).toBeGreaterThanOrEqual(before);
    expect(read).toBeLessThanOrEqual(after);
    expect(systemClock.now()).not.toBe(systemClock.now()); // a fresh Date each time, nobody can mutate the clock
  });

  it("validates zone names", () => {
    expect(isValidTimeZone("Asia/Ho_Chi_Minh")).toBe(true);
    expect(isValidTimeZone("Asia/Saigon_Typo")).toBe(false);
  });
});

describe("database DATE columns", () => {
  it("store a local date as UTC midnight and read it back", () => {
    expect(localDateToUtcMidnight("2026-02-17").toISOString()).toBe("2026-02-17T00:00:00.000Z");
    expect(utcMidnightToLocalDate(new Date("2026-02-17T00:00:00.000Z"))).toBe("2026-02-17");
  });
});
