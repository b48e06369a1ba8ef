import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadOrgCalendar } from "../../../core/calendar/load-org-calendar.ts";
import type { JobContext } from "../../../jobs/definition.ts";
import { REMINDER_SEND_JOB, reminderSendJob } from "../../../jobs/definitions/reminder-send.ts";
import { REMINDER_SWEEP_JOB, reminderSweepJob } from "../../../jobs/definitions/reminder-sweep.ts";
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
});

const vn = (local: string) => new Date(`${local}+07:00`);
const silent = { info() {}, warn() {}, error() {}, debug() {} };

/** A job context whose `enqueue` records the jobs (as BullMQ would dedupe them by jobId). */
const jobContext = (deps: JobContext["deps"]) => {
  const queued = new Map<string, { name: string; payload: unknown }>();
  const warnings: object[] = [];
  const ctx: JobContext = {
    deps,
    senders: {},
    logger: { ...silent, warn: (o) => warnings.push(o) },
    enqueue: async (name, payload, options) => {
      const id = options?.jobId ?? `auto-${queued.size}`;
      if (!queued.has(id)) queued.set(id, { name, payload });
    },
  };
  return { ctx, queued, warnings };
};

describe("reminder.sweep and reminder.send", () => {
  it("every 5 minutes (BullMQ pattern with seconds), office time zone", () => {
    expect(reminderSweepJob.name).toBe(REMINDER_SWEEP_JOB);
    expect(reminderSweepJob.schedule).toEqual({ pattern: "0 */5 * * * *", tz: "Asia/Ho_Chi_Minh" });
    expect(reminderSweepJob.schema.parse({})).toEqual({});
  });

  it("enqueues one send job per due assignment with a deterministic id, bounded by the limit; the send job sends once", async () => {
    const clock = createTestClock(vn("2026-03-02T08:00:00"));
    const deps = createTestDeps(db.prisma, { clock });
    const org = await buildOrg(db.prisma);
    const calendar = await loadOrgCalendar(deps);
    const schedule = { calendar, now: clock.now() };
    const due = [];
    for (let i = 0; i < 3; i++) due.push(await buildAssignment(db.prisma, org, { sentAt: clock.now(), schedule })); // ack reminder 13:30
    await buildAssignment(db.prisma, org, { sentAt: vn("2026-03-02T11:00:00"), schedule }); // ack reminder later (13:00 + 3.5 h)
    await buildAssignment(db.prisma, org, { sentAt: clock.now(), status: "COMPLETED", completedAt: clock.now(), schedule }); // nothing pending

    clock.set(vn("2026-03-02T13:30:00"));
    const { ctx, queued, warnings } = jobContext(deps);
    await reminderSweepJob.handler(reminderSweepJob.schema.parse({ limit: 2 }), ctx);
    expect(queued.size).toBe(2);
    expect(warnings).toHaveLength(1); // the batch was full
    await reminderSweepJob.handler({}, ctx);
    // The second run adds the third; the first two keep their ids (deduplicated).
    expect([...queued.keys()].sort()).toEqual(due.map((a) => `remind-${a.id}-0`).sort());
    for (const job of queued.values()) {
      expect(job.name).toBe(REMINDER_SEND_JOB);
      expect(job.payload).toMatchObject({ expectedReminderCount: 0 });
    }

    // Run every send job twice (a retry, or a duplicate): each assignment's heads are told once.
    for (const job of [...queued.values(), ...queued.values()]) await reminderSendJob.handler(reminderSendJob.schema.parse(job.payload), ctx);
    const rows = await db.prisma.outboxMessage.findMany({ select: { payload: true } });
    expect(rows).toHaveLength(3 * 2); // two heads in TCKH
    const counts = await db.prisma.assignment.findMany({ where: { id: { in: due.map((a) => a.id) } }, select: { reminderCount: true } });
    expect(counts.map((c) => c.reminderCount)).toEqual([1, 1, 1]);

    // Nothing is due now: the sweep enqueues nothing new.
    const again = jobContext(deps);
    await reminderSweepJob.handler({}, again.ctx);
    expect(again.queued.size).toBe(0);
  });
});
