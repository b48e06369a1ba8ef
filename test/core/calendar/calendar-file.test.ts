import { describe, expect, it } from "vitest";

import { loadCalendarFile, loadShippedCalendarFiles } from "../../../core/calendar/calendar-file.ts";
import { DomainError } from "../../../core/errors.ts";
import { isoWeekday } from "../../../core/time.ts";

const loadError = (text: string, name = "test.yaml"): DomainError => {
  try {
    loadCalendarFile({ text, name });
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected the file to be refused");
};

const FILE_HEAD = `year: 2026
days:
  - { date: "2026-01-01", kind: DAY_OFF, name: "Tết Dương lịch", source: "BLLĐ 2019" }
`;

describe("loadCalendarFile", () => {
  it("reads entries with defaults", () => {
    const file = loadCalendarFile({ text: `${FILE_HEAD}  - { date: 2026-08-22, kind: WORKING_DAY, name: "Làm bù", source: "TB", confirmed: false }\n` });
    expect(file.year).toBe(2026);
    expect(file.days).toEqual([
      { date: "2026-01-01", kind: "DAY_OFF", name: "Tết Dương lịch", source: "BLLĐ 2019", confirmed: true },
      { date: "2026-08-22", kind: "WORKING_DAY", name: "Làm bù", source: "TB", confirmed: false },
    ]);
  });

  it("names the bad entry: an impossible date", () => {
    const err = loadError(`${FILE_HEAD}  - { date: "2026-02-30", kind: DAY_OFF, name: "Tết Nguyên Đán", source: "TB" }\n`);
    expect(err.code).toBe("CALENDAR_FILE_INVALID");
    expect(err.messageKey).toBe("calendar.fileInvalid");
    expect(err.params.file).toBe("test.yaml");
    expect(err.params.detail).toContain('days[1] (2026-02-30 "Tết Nguyên Đán"): date:');
  });

  it("names the bad entry: an unknown kind, a missing source, an unknown key", () => {
    expect(loadError(`${FILE_HEAD}  - { date: "2026-02-16", kind: HOLIDAY, name: "Tết", source: "TB" }\n`).params.detail).toMatch(/^days\[1\] \(2026-02-16 "Tết"\): kind: /);
    expect(loadError(`${FILE_HEAD}  - { date: "2026-02-16", kind: DAY_OFF, name: "Tết" }\n`).params.detail).toMatch(/^days\[1\] \(2026-02-16 "Tết"\): source: /);
    expect(loadError(`${FILE_HEAD}  - { date: "2026-02-16", kind: DAY_OFF, name: "Tết", source: "TB", sourse: "x" }\n`).params.detail).toMatch(
      /^days\[1\] \(2026-02-16 "Tết"\): .*sourse/,
    );
  });

  it("refuses a date outside the year, a date listed twice, a weekday 'working day'", () => {
    expect(loadError(`${FILE_HEAD}  - { date: "2025-12-31", kind: DAY_OFF, name: "X", source: "TB" }\n`).params.detail).toBe(
      'days[1] (2025-12-31 "X"): date: not in the file\'s year 2026',
    );
    expect(loadError(`${FILE_HEAD}  - { date: "2026-01-01", kind: DAY_OFF, name: "Y", source: "TB" }\n`).params.detail).toBe(
      'days[1] (2026-01-01 "Y"): date: already listed at days[0]',
    );
    expect(loadError(`${FILE_HEAD}  - { date: "2026-08-21", kind: WORKING_DAY, name: "Z", source: "TB" }\n`).params.detail).toMatch(
      /^days\[1\] \(2026-08-21 "Z"\): kind: WORKING_DAY must be a Saturday or Sunday/,
    );
  });

  it("reports broken YAML and a missing year", () => {
    expect(loadError("year: [2026\n").params.detail).toMatch(/^YAML: /);
    expect(loadError("days: []\n").params.detail).toMatch(/^year: /);
  });
});

describe("the shipped files", () => {
  const files = loadShippedCalendarFiles();
  const byYear = new Map(files.map((f) => [f.year, f]));
  const offDays = (year: number): string[] => (byYear.get(year)?.days ?? []).filter((d) => d.kind === "DAY_OFF").map((d) => d.date);
  const workingSaturdays = (year: number): string[] => (byYear.get(year)?.days ?? []).filter((d) => d.kind === "WORKING_DAY").map((d) => d.date);

  it("cover 2025, 2026 and 2027", () => {
    expect(files.map((f) => f.year)).toEqual([2025, 2026, 2027]);
  });

  it("2025: twelve weekdays off and the make-up Saturday 26/4 (Thông báo 6150/TB-BLĐTBXH)", () => {
    expect(offDays(2025)).toEqual([
      "2025-01-01",
      "2025-01-27",
      "2025-01-28",
      "2025-01-29",
      "2025-01-30",
      "2025-01-31",
      "2025-04-07",
      "2025-04-30",
      "2025-05-01",
      "2025-05-02",
      "2025-09-01",
      "2025-09-02",
    ]);
    expect(workingSaturdays(2025)).toEqual(["2025-04-26"]);
  });

  it("2026: Tết 16–20/02, Giỗ Tổ made up on Monday 27/4, Quốc khánh swap, 24/11 flagged", () => {
    const off = offDays(2026);
    for (const d of ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-27", "2026-08-31", "2026-09-01", "2026-09-02", "2026-11-24"]) {
      expect(off).toContain(d);
    }
    expect(workingSaturdays(2026)).toContain("2026-08-22");
    const culture = byYear.get(2026)?.days.find((d) => d.date === "2026-11-24");
    expect(culture?.confirmed).toBe(false);
    expect(culture?.note).toContain("⚠️");
  });

  it("2027: the Tết days are estimates (confirmed: false) until the year's official notice is read", () => {
    const tet = byYear.get(2027)!.days.filter((d) => d.name.includes("Tết Nguyên Đán"));
    expect(tet.map((d) => d.date)).toEqual(["2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"]);
    expect(tet.every((d) => d.confirmed === false)).toBe(true);
  });

  it("every entry has a Vietnamese name and a source; days off are weekdays", () => {
    for (const f of files) {
      for (const d of f.days) {
        expect(d.name.length).toBeGreaterThan(0);
        expect(d.source.length).toBeGreaterThan(0);
        if (d.kind === "DAY_OFF") expect(isoWeekday(d.date), `${d.date} ${d.name}`).toBeLessThanOrEqual(5);
      }
    }
  });
});
