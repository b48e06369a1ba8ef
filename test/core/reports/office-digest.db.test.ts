import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invalidateOrgCalendar } from "../../../core/calendar/load-org-calendar.ts";
import { buildOfficeDigest, sendOfficeDigest } from "../../../core/reports/office-digest.ts";
import { dueAtForDate } from "../../../core/time.ts";
import { createTestClock, createTestDeps } from "../../support/core.ts";
import { buildAssignment, buildOrg, type TestOrg } from "../../support/reminder-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
let org: TestOrg;
beforeEach(async () => {
  await db.truncate();
  invalidateOrgCalendar();
  org = await buildOrg(db.prisma);
  const sentAt = new Date("2026-02-02T02:00:00Z");
  // Overdue since Thu 12/02 (TCKH), due Mon 23/02 (TP), a secret one overdue (TP), and lines that never count.
  await buildAssignment(db.prisma, org, { sentAt, dueAt: dueAtForDate("2026-02-12"), status: "ACKNOWLEDGED", subject: "V/v lập dự toán 2027" });
  await buildAssignment(db.prisma, org, { unit: "TP", sentAt, dueAt: dueAtForDate("2026-02-23"), role: "COORDINATE" });
  await buildAssignment(db.prisma, org, { unit: "TP", sentAt, dueAt: dueAtForDate("2026-02-10"), secrecy: "CONFIDENTIAL", subject: "Nội dung mật" });
  await buildAssignment(db.prisma, org, { sentAt, dueAt: dueAtForDate("2026-02-10"), role: "INFO" });
  await buildAssignment(db.prisma, org, { sentAt, dueAt: dueAtForDate("2026-02-10"), status: "COMPLETED", completedAt: sentAt });
  await buildAssignment(db.prisma, org, { sentAt, dueAt: dueAtForDate("2026-02-24") });
});

/** 07:30 office time on a date. */
const morning = (date: string) => new Date(`${date}T07:30:00+07:00`);

describe("office digest", () => {
  it("lists overdue and due-today open assignments by unit, with working days overdue", async () => {
    const digest = await buildOfficeDigest(createTestDeps(db.prisma), { orgId: org.orgId, date: "2026-02-23" });
    expect(digest.totals).toEqual({ overdue: 2, dueToday: 1 });
    // One overdue each: by unit name ("Phòng Tài chính…" before "Phòng Tư pháp").
    expect(digest.units.map((u) => [u.unitCode, u.overdue.map((i) => i.ref), u.dueToday.map((i) => i.ref)])).toEqual([
      ["TCKH", [expect.stringMatching(/-TCKH$/)], []],
      ["TP", [expect.stringMatching(/-TP$/)], [expect.stringMatching(/-TP$/)]],
    ]);
    const tckh = digest.units[0]!.overdue[0]!;
    // Due Thu 12/02; Fri 13/02 worked; Tết 16–20/02 off; Mon 23/02 → 2 working days overdue.
    expect(tckh).toMatchObject({ subject: "V/v lập dự toán 2027", workingDaysOverdue: 2, status: "ACKNOWLEDGED" });
    expect(digest.units[1]!.unitName).toBe("Phòng Tư pháp");
    // The secret document's subject stays out.
    expect(digest.units[1]!.overdue[0]!.subject).toBeNull();
    expect(digest.units[1]!.dueToday[0]!.workingDaysOverdue).toBe(0);
  });

  it("is not sent on a Tết day; is sent on a working day, once per MONITOR, once per day", async () => {
    const clock = createTestClock(morning("2026-02-17"));
    const deps = createTestDeps(db.prisma, { clock });
    expect(await sendOfficeDigest(deps, { orgId: org.orgId })).toMatchObject({ status: "skipped", reason: "nonWorkingDay", date: "2026-02-17" });
    expect(await db.prisma.outboxMessage.count()).toBe(0);

    clock.set(morning("2026-02-23"));
    const sent = await sendOfficeDigest(deps, { orgId: org.orgId });
    expect(sent).toMatchObject({ status: "queued", date: "2026-02-23" });
    const rows = await db.prisma.outboxMessage.findMany({ select: { userId: true, kind: true, payload: true, dedupeKey: true } });
    expect(rows.map((r) => r.userId).sort()).toEqual([org.users.cvp, org.users["cv.vp"]].sort());
    expect(rows.every((r) => r.kind === "office.digest")).toBe(true);
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual([`digest:2026-02-23:${org.users.cvp}`, `digest:2026-02-23:${org.users["cv.vp"]}`].sort());
    expect(rows[0]!.payload).toEqual({ date: "2026-02-23", orgId: org.orgId });
    // The job runs again (a retry): nothing more.
    await sendOfficeDigest(deps, { orgId: org.orgId });
    expect(await db.prisma.outboxMessage.count()).toBe(2);
  });

  it("a make-up working Saturday sends; an ordinary Saturday does not", async () => {
    const clock = createTestClock(morning("2026-08-15"));
    const deps = createTestDeps(db.prisma, { clock });
    expect(await sendOfficeDigest(deps, { orgId: org.orgId })).toMatchObject({ status: "skipped", reason: "nonWorkingDay" });
    clock.set(morning("2026-08-22"));
    expect(await sendOfficeDigest(deps, { orgId: org.orgId })).toMatchObject({ status: "queued", date: "2026-08-22" });
  });
});
