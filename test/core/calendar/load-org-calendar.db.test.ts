import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DomainError } from "../../../core/errors.ts";
import { importCalendarFile, invalidateOrgCalendar, loadOrgCalendar } from "../../../core/calendar/load-org-calendar.ts";
import { createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  invalidateOrgCalendar();
});

const FILE_2026 = `year: 2026
days:
  - { date: "2026-01-01", kind: DAY_OFF, name: "Tết Dương lịch", source: "BLLĐ 2019 Điều 112" }
  - { date: "2026-03-03", kind: DAY_OFF, name: "Nghỉ thử nghiệm", source: "Thông báo 1/TB-UBND" }
  - { date: "2026-03-07", kind: WORKING_DAY, name: "Làm bù thứ Bảy", source: "Thông báo 1/TB-UBND" }
`;

describe("loadOrgCalendar / importCalendarFile", () => {
  it("uses the shipped files when the table is empty, in the organisation's zone", async () => {
    const deps = createTestDeps(db.prisma);
    const calendar = await loadOrgCalendar(deps, { zone: "Asia/Bangkok" });
    expect(calendar.zone).toBe("Asia/Bangkok");
    expect(calendar.isWorkingDay("2026-02-17")).toBe(false); // Tết
    expect(calendar.isWorkingDay("2026-08-22")).toBe(true); // make-up Saturday
    expect(calendar.isCovered(2027)).toBe(true);
  });

  it("an imported year replaces that year of the shipped data (other years stay), audited, in one go", async () => {
    const deps = createTestDeps(db.prisma);
    // Cached before the import: the import must invalidate it.
    expect((await loadOrgCalendar(deps)).isWorkingDay("2026-03-03")).toBe(true);
    const result = await importCalendarFile(deps, { text: FILE_2026, name: "2026.yaml", actorUserId: null });
    expect(result).toEqual({ year: 2026, days: 3, replaced: 0 });
    const calendar = await loadOrgCalendar(deps);
    expect(calendar.isWorkingDay("2026-03-03")).toBe(false);
    expect(calendar.isWorkingDay("2026-03-07")).toBe(true);
    expect(calendar.isWorkingDay("2026-02-17")).toBe(true); // the shipped Tết days of 2026 are replaced
    expect(calendar.isWorkingDay("2027-01-01")).toBe(false); // 2027 still shipped
    const audit = await db.prisma.auditEvent.findMany({ where: { type: "calendar.imported" } });
    expect(audit.map((a) => [a.entityId, (a.data as { days: number }).days])).toEqual([["2026", 3]]);

    // Importing again replaces the same rows.
    expect(await importCalendarFile(deps, { text: FILE_2026 })).toEqual({ year: 2026, days: 3, replaced: 3 });
    expect(await db.prisma.calendarDay.count()).toBe(3);
  });

  it("refuses an invalid file and writes nothing", async () => {
    const deps = createTestDeps(db.prisma);
    const bad = FILE_2026.replace('"2026-03-07", kind: WORKING_DAY', '"2026-03-09", kind: WORKING_DAY');
    const err = await importCalendarFile(deps, { text: bad, name: "bad.yaml" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("CALENDAR_FILE_INVALID");
    expect(await db.prisma.calendarDay.count()).toBe(0);
    expect(await db.prisma.auditEvent.count()).toBe(0);
  });
});
