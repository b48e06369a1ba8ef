import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invalidateOrgCalendar } from "../../../core/calendar/load-org-calendar.ts";
import { stackedBarChartHeight } from "../../../core/charts/render-bar-chart.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { buildWeeklyCompletions, sendWeeklyChart } from "../../../core/reports/weekly-chart.ts";
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

const vn = (local: string) => new Date(`${local}+07:00`);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

beforeEach(async () => {
  await db.truncate();
  invalidateOrgCalendar();
  org = await buildOrg(db.prisma);
  const sentAt = vn("2026-04-01T08:00:00");
  const done = (unit: "TCKH" | "TP" | "VP", completedAt: string, due: string) =>
    buildAssignment(db.prisma, org, { unit, sentAt, status: "COMPLETED", completedAt: vn(completedAt), dueAt: dueAtForDate(due) });
  // Week Mon 20/04 – Sun 26/04/2026.
  await done("TCKH", "2026-04-20T10:00:00", "2026-04-21"); // on time
  await done("TCKH", "2026-04-22T10:00:00", "2026-04-21"); // late
  await done("TCKH", "2026-04-24T23:00:00", "2026-04-24"); // on time (same evening)
  await done("TP", "2026-04-23T09:00:00", "2026-04-20"); // late
  await done("VP", "2026-04-26T23:59:00", "2026-04-30"); // Sunday night: still the week, on time
  await done("VP", "2026-04-27T00:01:00", "2026-04-30"); // next week: not counted
  await done("TP", "2026-04-19T23:59:00", "2026-04-10"); // previous week: not counted
});

describe("weekly chart", () => {
  it("counts on-time and late completions of the week by unit", async () => {
    const data = await buildWeeklyCompletions(createTestDeps(db.prisma), { orgId: org.orgId, weekStart: "2026-04-20" });
    expect(data.weekEnd).toBe("2026-04-26");
    expect(data.totals).toEqual({ onTime: 3, late: 2 });
    expect(data.units.map((u) => [u.unitCode, u.onTime, u.late])).toEqual([
      ["TCKH", 2, 1],
      ["TP", 0, 1],
      ["VP", 1, 0],
    ]);
  });

  it("is sent on the first working day of the week (Tuesday after a Monday holiday) as a PNG in the file store", async () => {
    const files = createMemoryFileStore();
    // Mon 27/04/2026 is a day off (nghỉ bù Giỗ Tổ Hùng Vương): nothing; Tue 28/04 is the week's first working day.
    const clock = createTestClock(vn("2026-04-27T07:30:00"));
    const deps = createTestDeps(db.prisma, { clock });
    expect(await sendWeeklyChart(deps, { orgId: org.orgId, files })).toMatchObject({ status: "skipped", reason: "notFirstWorkingDayOfWeek" });
    clock.set(vn("2026-04-28T07:30:00"));
    const result = await sendWeeklyChart(deps, { orgId: org.orgId, files });
    if (result.status !== "queued") throw new Error(`expected queued, got ${result.reason}`);
    expect(result).toMatchObject({ weekStart: "2026-04-20", weekEnd: "2026-04-26" });

    const png = Buffer.from(await files.readBytes(result.pngSha256));
    expect(png.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe("png");
    expect([meta.width, meta.height]).toEqual([1600, 2 * stackedBarChartHeight(3)]);
    await writeFile(path.join(os.tmpdir(), "edoc-weekly-chart.png"), png); // for a look by hand

    const rows = await db.prisma.outboxMessage.findMany({ select: { userId: true, kind: true, payload: true, dedupeKey: true } });
    expect(rows.map((r) => r.userId).sort()).toEqual([org.users.cvp, org.users["cv.vp"]].sort());
    expect(rows.every((r) => r.kind === "office.weeklyChart")).toBe(true);
    expect(rows[0]!.payload).toEqual({ weekStart: "2026-04-20", weekEnd: "2026-04-26", orgId: org.orgId, pngSha256: result.pngSha256 });
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual([`chart:2026-04-20:${org.users.cvp}`, `chart:2026-04-20:${org.users["cv.vp"]}`].sort());

    // Wednesday: not the first working day any more.
    clock.set(vn("2026-04-29T07:30:00"));
    expect(await sendWeeklyChart(deps, { orgId: org.orgId, files })).toMatchObject({ status: "skipped", reason: "notFirstWorkingDayOfWeek" });
    expect(await db.prisma.outboxMessage.count()).toBe(2);
  });

  it("a week without completions sends nothing", async () => {
    const clock = createTestClock(vn("2026-03-09T07:30:00"));
    expect(await sendWeeklyChart(createTestDeps(db.prisma, { clock }), { orgId: org.orgId, files: createMemoryFileStore() })).toMatchObject({ status: "skipped", reason: "empty" });
  });
});
