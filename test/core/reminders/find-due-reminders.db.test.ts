import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DUE_REMINDERS_SQL, findDueReminders } from "../../../core/reminders/find-due-reminders.ts";
import { createTestDeps } from "../../support/core.ts";
import { buildAssignment, buildOrg } from "../../support/reminder-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
});

const NOW = new Date("2026-03-02T01:00:00Z");

/** Many assignments on one directive: `due` of them due, the rest later or with nothing pending. */
const seed = async (total: number, due: number) => {
  const org = await buildOrg(db.prisma);
  const first = await buildAssignment(db.prisma, org, { sentAt: NOW, nextReminderAt: new Date(NOW.getTime() + 86_400_000) });
  const template = await db.prisma.assignment.findUniqueOrThrow({ where: { id: first.id } });
  const rows = Array.from({ length: total - 1 }, (_, i) => ({
    directiveId: template.directiveId,
    documentId: template.documentId,
    unitId: template.unitId,
    role: "MAIN" as const,
    ref: `X${i}`,
    sentAt: NOW,
    reminderCount: i % 3,
    // The first `due` rows are due (spread over the last hours); every 4th of the others has nothing pending.
    nextReminderAt: i < due ? new Date(NOW.getTime() - (i + 1) * 60_000) : i % 4 === 0 ? null : new Date(NOW.getTime() + (i + 1) * 60_000),
  }));
  for (let i = 0; i < rows.length; i += 1000) await db.prisma.assignment.createMany({ data: rows.slice(i, i + 1000) });
};

describe("findDueReminders", () => {
  it("returns only due rows, most overdue first, with their reminder counts, and is bounded", async () => {
    await seed(200, 30);
    const deps = createTestDeps(db.prisma);
    const all = await findDueReminders(deps, { now: NOW, limit: 100 });
    expect(all).toHaveLength(30);
    expect(all.every((d) => d.nextReminderAt.getTime() <= NOW.getTime())).toBe(true);
    const times = all.map((d) => d.nextReminderAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(all[0]!.nextReminderAt).toEqual(new Date(NOW.getTime() - 30 * 60_000));
    const byRef = await db.prisma.assignment.findMany({ where: { id: { in: all.map((d) => d.assignmentId) } }, select: { id: true, reminderCount: true } });
    expect(Object.fromEntries(all.map((d) => [d.assignmentId, d.reminderCount]))).toEqual(Object.fromEntries(byRef.map((r) => [r.id, r.reminderCount])));

    const batch = await findDueReminders(deps, { now: NOW, limit: 10 });
    expect(batch.map((d) => d.assignmentId)).toEqual(all.slice(0, 10).map((d) => d.assignmentId));
    // An instant before everything: nothing.
    expect(await findDueReminders(deps, { now: new Date(NOW.getTime() - 86_400_000) })).toEqual([]);
  });

  it("is served by the index Assignment_nextReminderAt_idx", async () => {
    await seed(5000, 20);
    await db.prisma.$executeRawUnsafe('ANALYZE "Assignment"');
    const sql = DUE_REMINDERS_SQL.replace("$1", `'2026-03-02 01:00:00'::timestamp(3)`).replace("$2", "500");
    const plan = (await db.prisma.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`)).map((r) => r["QUERY PLAN"]).join("\n");
    // Print once so the plan can be read in the test log.
    console.log(`EXPLAIN (${db.kind}):\n${plan}`);
    expect(plan).toContain("Assignment_nextReminderAt_idx");
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
