// Runs under TZ=UTC and TZ=Asia/Ho_Chi_Minh: results must not depend on the process zone.
import { describe, expect, it } from "vitest";

import { DomainError } from "../../core/errors.ts";
import {
  atLocalTime,
  dueAtForDate,
  endOfLocalDay,
  formatDate,
  formatDateTime,
  formatDueAt,
  isDateOnlyDueAt,
  localDateOf,
  localMinuteOfDay,
  localTimeOf,
  parseLocalDateTime,
  startOfLocalDay,
  toIsoWithOffset,
} from "../../core/time.ts";

const VN = "Asia/Ho_Chi_Minh";

describe("instants and the office wall clock", () => {
  it("converts a local date-time in Vietnam to the UTC instant", () => {
    expect(atLocalTime("2026-02-13", "15:00").toISOString()).toBe("2026-02-13T08:00:00.000Z");
    expect(atLocalTime("2026-02-13", "15:00", "UTC").toISOString()).toBe("2026-02-13T15:00:00.000Z");
  });

  it("reads the local date and time of an instant", () => {
    const lateUtc = new Date("2026-02-13T18:30:00Z"); // 01:30 on the 14th in Vietnam
    expect(localDateOf(lateUtc)).toBe("2026-02-14");
    expect(localDateOf(lateUtc, "UTC")).toBe("2026-02-13");
    expect(localTimeOf(lateUtc, VN)).toBe("01:30");
    expect(localMinuteOfDay(new Date("2026-02-13T00:30:30Z"), VN)).toBe(450.5); // 07:30:30
  });

  it("defines a deadline date as the last instant of that local day", () => {
    const due = dueAtForDate("2026-12-20");
    expect(due.toISOString()).toBe("2026-12-20T16:59:59.999Z");
    expect(due.getTime()).toBe(endOfLocalDay("2026-12-20", VN).getTime());
    expect(startOfLocalDay("2026-12-20", VN).toISOString()).toBe("2026-12-19T17:00:00.000Z");
    expect(isDateOnlyDueAt(due, VN)).toBe(true);
    expect(isDateOnlyDueAt(new Date("2026-12-20T07:30:00Z"), VN)).toBe(false);
  });

  it("rejects an unknown zone with a domain error", () => {
    expect(() => atLocalTime("2026-01-01", "08:00", "Mars/Olympus")).toThrow(DomainError);
  });
});

describe("parseLocalDateTime", () => {
  it("reads date-times in the office zone", () => {
    expect(parseLocalDateTime("2026-12-20 14:30")?.toISOString()).toBe("2026-12-20T07:30:00.000Z");
    expect(parseLocalDateTime("2026-12-20T14:30", VN)?.toISOString()).toBe("2026-12-20T07:30:00.000Z");
    expect(parseLocalDateTime("14:30 20/12/2026", VN)?.toISOString()).toBe("2026-12-20T07:30:00.000Z");
    expect(parseLocalDateTime("20/12/2026 8h05", VN)?.toISOString()).toBe("2026-12-20T01:05:00.000Z");
  });

  it("reads a date alone as a deadline", () => {
    expect(parseLocalDateTime("20/12/2026", VN)?.getTime()).toBe(dueAtForDate("2026-12-20", VN).getTime());
  });

  it("returns null for nonsense", () => {
    expect(parseLocalDateTime("25:00 20/12/2026", VN)).toBeNull();
    expect(parseLocalDateTime("mai", VN)).toBeNull();
  });
});

describe("formatting", () => {
  const at = new Date("2026-02-13T18:05:00Z"); // 01:05 Saturday 14/02 in Vietnam

  it("formats dates and date-times as Vietnamese documents do", () => {
    expect(formatDate(at)).toBe("14/02/2026");
    expect(formatDateTime(at, VN)).toBe("01:05 14/02/2026");
    expect(formatDateTime(at, "UTC")).toBe("18:05 13/02/2026");
    expect(toIsoWithOffset(at, VN)).toBe("2026-02-14T01:05:00.000+07:00");
  });

  it("shows a date-only deadline as its date, a timed one with its time", () => {
    expect(formatDueAt(dueAtForDate("2026-12-18"), VN)).toBe("Thứ Sáu, 18/12/2026");
    expect(formatDueAt(dueAtForDate("2026-12-18"), VN, "en")).toBe("Friday, 18/12/2026");
    expect(formatDueAt(new Date("2026-12-18T07:30:00Z"), VN)).toBe("Thứ Sáu, 14:30 18/12/2026");
  });
});
