import { describe, expect, it } from "vitest";
import { loadShippedCalendar } from "../../../core/calendar/calendar.ts";
import { firstWorkingDayOfWeek, mondayOf } from "../../../core/reports/weekly-chart.ts";

const calendar = loadShippedCalendar();

describe("the weekly chart's day", () => {
  it("is the first working day of the ISO week", () => {
    expect(mondayOf("2026-04-29")).toBe("2026-04-27");
    expect(mondayOf("2026-05-03")).toBe("2026-04-27"); // Sunday
    expect(firstWorkingDayOfWeek(calendar, "2026-03-11")).toBe("2026-03-09");
    expect(firstWorkingDayOfWeek(calendar, "2026-04-29")).toBe("2026-04-28"); // Monday 27/04: nghỉ bù Giỗ Tổ
    expect(firstWorkingDayOfWeek(calendar, "2026-02-18")).toBe(null); // Tết week 16–22/02/2026
  });
});
