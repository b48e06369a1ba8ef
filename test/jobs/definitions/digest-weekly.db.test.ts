import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { invalidateOrgCalendar } from "../../../core/calendar/load-org-calendar.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { dueAtForDate } from "../../../core/time.ts";
import type { JobContext } from "../../../jobs/definition.ts";
import { createDigestWeeklyJob } from "../../../jobs/definitions/digest-weekly.ts";
import { createTestClock, createTestDeps } from "../../support/core.ts";
import { buildAssignment, buildOrg } from "../../support/reminder-builders.ts";
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

const silent = { info() {}, warn() {}, error() {}, debug() {} };

describe("digest.weekly", () => {
  it("on Monday 07:30 stores last week's chart and queues it for the office", async () => {
    const org = await buildOrg(db.prisma);
    await buildAssignment(db.prisma, org, {
      sentAt: new Date("2026-03-02T01:00:00Z"),
      status: "COMPLETED",
      completedAt: new Date("2026-03-04T03:00:00Z"),
      dueAt: dueAtForDate("2026-03-03"),
    });
    const files = createMemoryFileStore();
    const job = createDigestWeeklyJob({ files });
    expect(job.schedule).toEqual({ pattern: "0 30 7 * * 1-6", tz: "Asia/Ho_Chi_Minh" });
    const deps = createTestDeps(db.prisma, { clock: createTestClock(new Date("2026-03-09T07:30:00+07:00")) });
    const ctx: JobContext = { deps, senders: {}, logger: silent, enqueue: async () => {} };
    await job.handler({}, ctx);
    const rows = await db.prisma.outboxMessage.findMany({ select: { kind: true, payload: true } });
    expect(rows).toHaveLength(2);
    const sha = (rows[0]!.payload as { pngSha256: string }).pngSha256;
    expect(await files.has(sha)).toBe(true);
    expect(rows[0]).toEqual({ kind: "office.weeklyChart", payload: { weekStart: "2026-03-02", weekEnd: "2026-03-08", orgId: org.orgId, pngSha256: sha } });
  });
});
