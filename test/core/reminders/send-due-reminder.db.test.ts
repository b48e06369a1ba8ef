import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadOrgCalendar } from "../../../core/calendar/load-org-calendar.ts";
import { resolveReminderPolicy } from "../../../core/domain/reminder-policy.ts";
import { findDueReminders } from "../../../core/reminders/find-due-reminders.ts";
import { computeReminderState } from "../../../core/reminders/schedule-reminder.ts";
import { sendDueReminder } from "../../../core/reminders/send-due-reminder.ts";
import { dueAtForDate } from "../../../core/time.ts";
import { createTestClock, createTestDeps } from "../../support/core.ts";
import { buildAssignment, buildOrg, type TestOrg } from "../../support/reminder-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
});

/** Instants in office time (+07:00). */
const vn = (local: string) => new Date(`${local}+07:00`);

const setup = async (policy: object = {}) => {
  const clock = createTestClock(vn("2026-03-02T08:00:00"));
  const deps = createTestDeps(db.prisma, { clock });
  const org = await buildOrg(db.prisma, { policy });
  const calendar = await loadOrgCalendar(deps, { zone: "Asia/Ho_Chi_Minh" });
  return { clock, deps, org, calendar, policy: resolveReminderPolicy(policy) };
};

const sweep = async (deps: ReturnType<typeof createTestDeps>) => {
  const due = await findDueReminders(deps, { now: deps.clock.now(), limit: 100 });
  return Promise.all(due.map((d) => sendDueReminder(deps, { assignmentId: d.assignmentId, expectedReminderCount: d.reminderCount })));
};

const outbox = async () =>
  (await db.prisma.outboxMessage.findMany({ orderBy: { createdAt: "asc" }, select: { userId: true, kind: true, payload: true, dedupeKey: true, nextAttemptAt: true } })).map(
    (r) => ({
      ...r,
      payload: r.payload as { step: string; audience: string; overdueDay?: number; at: string },
    }),
  );

const whoGot = (rows: Awaited<ReturnType<typeof outbox>>, org: TestOrg, step: string) => {
  const byId = new Map(Object.entries(org.users).map(([code, id]) => [id, code]));
  return rows
    .filter((r) => r.payload.step === step)
    .map((r) => `${byId.get(r.userId)}:${r.payload.audience}`)
    .sort();
};

describe("sendDueReminder: the chase along a timeline (fake clock)", () => {
  it("not acknowledged → heads after 4 working hours, then the office; due soon; overdue daily, office from day 2", async () => {
    const { clock, deps, org, calendar, policy } = await setup();
    const a = await buildAssignment(db.prisma, org, {
      sentAt: clock.now(),
      dueAt: dueAtForDate("2026-03-06"),
      schedule: { calendar, policy, now: clock.now() },
    });
    const row = () => db.prisma.assignment.findUniqueOrThrow({ where: { id: a.id } });
    // 08:00 + 4 working hours (07:30–11:30, 13:00–17:00) = 13:30 the same day.
    expect((await row()).nextReminderAt).toEqual(vn("2026-03-02T13:30:00"));
    expect((await row()).reminderStep).toBe("ACK_REMINDER");

    clock.set(vn("2026-03-02T13:29:00"));
    expect(await sweep(deps)).toEqual([]);

    clock.set(vn("2026-03-02T13:30:00"));
    const [first] = await sweep(deps);
    expect(first?.status).toBe("sent");
    let rows = await outbox();
    expect(whoGot(rows, org, "ACK_REMINDER")).toEqual(["pp.tckh:HEADS", "tp.tckh:HEADS"]);
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual([`rem:${a.id}:1:${org.users["pp.tckh"]}`, `rem:${a.id}:1:${org.users["tp.tckh"]}`].sort());
    expect(await row()).toMatchObject({
      reminderCount: 1,
      lastReminderAt: vn("2026-03-02T13:30:00"),
      nextReminderAt: vn("2026-03-03T08:00:00"),
      reminderStep: "ACK_ESCALATION_OFFICE",
      escalationLevel: 2,
    });
    // A second sweep at the same moment sends nothing.
    expect(await sweep(deps)).toEqual([]);

    // Next morning 08:00 (13:30–17:00 + 07:30–08:00 = 4 h): heads again and the office.
    clock.set(vn("2026-03-03T08:00:00"));
    await sweep(deps);
    rows = await outbox();
    expect(whoGot(rows, org, "ACK_ESCALATION_OFFICE")).toEqual(["cv.vp:OFFICE", "cvp:OFFICE", "pp.tckh:HEADS", "tp.tckh:HEADS"]);

    // The head acknowledges at 09:00; the use case recomputes the schedule.
    clock.set(vn("2026-03-03T09:00:00"));
    await db.prisma.assignment.update({ where: { id: a.id }, data: { status: "ACKNOWLEDGED", acknowledgedAt: clock.now(), acknowledgedById: org.users["tp.tckh"] } });
    const acked = await row();
    const state = computeReminderState({ assignment: { ...acked, urgency: "NORMAL" }, calendar, policy, now: clock.now() });
    expect(state).toEqual({ nextReminderAt: vn("2026-03-04T08:00:00"), reminderStep: "DUE_SOON", escalationLevel: 0 });
    await db.prisma.assignment.update({ where: { id: a.id }, data: state });

    // Due soon: 2 working days before Friday's deadline, to the holder (the unit's heads).
    clock.set(vn("2026-03-04T08:00:00"));
    await sweep(deps);
    expect(whoGot(await outbox(), org, "DUE_SOON")).toEqual(["pp.tckh:HOLDER", "tp.tckh:HOLDER"]);
    expect((await row()).nextReminderAt).toEqual(vn("2026-03-06T08:00:00"));

    clock.set(vn("2026-03-06T08:00:00"));
    await sweep(deps);
    expect(whoGot(await outbox(), org, "DUE_TODAY")).toEqual(["pp.tckh:HOLDER", "tp.tckh:HOLDER"]);
    // Overdue day 1 is the next working day, Monday 09/03, 08:00.
    expect((await row()).nextReminderAt).toEqual(vn("2026-03-09T08:00:00"));

    clock.set(vn("2026-03-09T08:00:00"));
    await sweep(deps);
    rows = (await outbox()).filter((r) => r.payload.step === "OVERDUE");
    expect(rows.map((r) => r.payload.overdueDay)).toEqual([1, 1]);
    expect(whoGot(rows, org, "OVERDUE")).toEqual(["pp.tckh:HOLDER", "tp.tckh:HOLDER"]);

    clock.set(vn("2026-03-10T08:00:00"));
    await sweep(deps);
    rows = (await outbox()).filter((r) => r.payload.step === "OVERDUE" && r.payload.overdueDay === 2);
    expect(whoGot(rows, org, "OVERDUE")).toEqual(["cv.vp:OFFICE", "cvp:OFFICE", "pp.tckh:HOLDER", "tp.tckh:HOLDER"]);
    expect(await row()).toMatchObject({ reminderCount: 6, escalationLevel: 2, nextReminderAt: vn("2026-03-11T08:00:00") });

    // Every send is audited.
    const audits = await db.prisma.auditEvent.findMany({ where: { type: "assignment.reminderSent", entityId: a.id }, orderBy: { seq: "asc" } });
    expect(audits.map((e) => (e.data as { step: string }).step)).toEqual(["ACK_REMINDER", "ACK_ESCALATION_OFFICE", "DUE_SOON", "DUE_TODAY", "OVERDUE", "OVERDUE"]);

    // Completed: the next sweep finds the stale schedule, sends nothing and clears it.
    await db.prisma.assignment.update({ where: { id: a.id }, data: { status: "COMPLETED", completedAt: clock.now() } });
    const before = (await outbox()).length;
    clock.set(vn("2026-03-11T08:00:00"));
    expect((await sweep(deps)).map((r) => r.status === "skipped" && r.reason)).toEqual(["rescheduled"]);
    expect((await outbox()).length).toBe(before);
    expect((await row()).nextReminderAt).toBeNull();
  });

  // Race test: it means something on PostgreSQL, where the two sends really run at once on separate
  // connections (the db project runs on PostgreSQL too in `npm test`); on PGlite (one session) they
  // interleave only between statements.
  it("two concurrent sends for the same assignment write one set of outbox rows", async () => {
    const { clock, deps, org, calendar, policy } = await setup();
    const a = await buildAssignment(db.prisma, org, { sentAt: clock.now(), dueAt: dueAtForDate("2026-03-20"), schedule: { calendar, policy, now: clock.now() } });
    clock.set(vn("2026-03-02T14:00:00"));
    const results = await Promise.all([
      sendDueReminder(deps, { assignmentId: a.id, expectedReminderCount: 0 }),
      sendDueReminder(deps, { assignmentId: a.id, expectedReminderCount: 0 }),
      sendDueReminder(deps, { assignmentId: a.id }),
    ]);
    expect(results.filter((r) => r.status === "sent")).toHaveLength(1);
    // The losers either lost the claim or saw the step already sent (next reminder in the future).
    for (const r of results) if (r.status === "skipped") expect(["claimedElsewhere", "notDue"]).toContain(r.reason);
    const rows = await outbox();
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.dedupeKey)).size).toBe(2);
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).reminderCount).toBe(1);
    // A job enqueued by an older sweep (count 0) after the send does nothing.
    expect(await sendDueReminder(deps, { assignmentId: a.id, expectedReminderCount: 0 })).toMatchObject({ status: "skipped" });
    expect(await outbox()).toHaveLength(2);
  });

  it("tells a delegated officer as the holder, and tells nobody twice (a head who is also in the office)", async () => {
    const { clock, deps, org, calendar, policy } = await setup();
    // An assignment to the office itself: cvp is its head AND a MONITOR.
    const vp = await buildAssignment(db.prisma, org, {
      unit: "VP",
      sentAt: clock.now(),
      dueAt: dueAtForDate("2026-03-03"),
      acknowledgedAt: clock.now(),
      status: "ACKNOWLEDGED",
      schedule: { calendar, policy, now: clock.now() },
    });
    const delegated = await buildAssignment(db.prisma, org, {
      sentAt: clock.now(),
      dueAt: dueAtForDate("2026-03-03"),
      status: "ACKNOWLEDGED",
      acknowledgedAt: clock.now(),
      assigneeUserId: org.users["cv.tckh"],
      schedule: { calendar, policy, now: clock.now() },
    });
    // Overdue day 2 (Thu 05/03): holder, heads and the office.
    clock.set(vn("2026-03-05T08:00:00"));
    await sweep(deps);
    const rows = await outbox();
    const of = (id: string) =>
      whoGot(
        rows.filter((r) => (r.payload as unknown as { assignmentId: string }).assignmentId === id),
        org,
        "OVERDUE",
      );
    expect(of(vp.id)).toEqual(["cv.vp:OFFICE", "cvp:HOLDER"]);
    expect(of(delegated.id)).toEqual(["cv.tckh:HOLDER", "cv.vp:OFFICE", "cvp:OFFICE", "pp.tckh:HEADS", "tp.tckh:HEADS"]);
  });

  it("quiet hours: a reminder claimed after 18:00 waits for the next working morning; hỏa tốc goes at once", async () => {
    const { clock, deps, org, calendar, policy } = await setup();
    clock.set(vn("2026-03-06T16:00:00")); // Friday
    const normal = await buildAssignment(db.prisma, org, { sentAt: vn("2026-03-06T08:00:00"), schedule: { calendar, policy, now: clock.now() } });
    const flash = await buildAssignment(db.prisma, org, { urgency: "FLASH", sentAt: vn("2026-03-06T20:00:00"), schedule: { calendar, policy, now: clock.now() } });
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: flash.id } })).nextReminderAt).toEqual(vn("2026-03-06T20:30:00"));
    // The sweep was down until 20:45 on Friday.
    clock.set(vn("2026-03-06T20:45:00"));
    await sweep(deps);
    const rows = await db.prisma.outboxMessage.findMany({ select: { payload: true, nextAttemptAt: true, urgency: true } });
    const at = (id: string) => rows.filter((r) => (r.payload as { assignmentId: string }).assignmentId === id).map((r) => r.nextAttemptAt.toISOString());
    expect(new Set(at(normal.id))).toEqual(new Set([vn("2026-03-09T07:00:00").toISOString()]));
    expect(new Set(at(flash.id))).toEqual(new Set([vn("2026-03-06T20:45:00").toISOString()]));
  });

  it("uses the organisation's policy (Organization.policy), and never chases INFO or paper assignments", async () => {
    const { clock, deps, org, calendar } = await setup({ ackDelayMinutes: { NORMAL: 60 } });
    const orgPolicy = resolveReminderPolicy({ ackDelayMinutes: { NORMAL: 60 } });
    const a = await buildAssignment(db.prisma, org, { sentAt: clock.now(), schedule: { calendar, policy: orgPolicy, now: clock.now() } });
    const info = await buildAssignment(db.prisma, org, { role: "INFO", sentAt: clock.now(), schedule: { calendar, policy: orgPolicy, now: clock.now() } });
    const paper = await buildAssignment(db.prisma, org, {
      isPaper: true,
      sentAt: clock.now(),
      dueAt: dueAtForDate("2026-03-03"),
      schedule: { calendar, policy: orgPolicy, now: clock.now() },
    });
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: a.id } })).nextReminderAt).toEqual(vn("2026-03-02T09:00:00"));
    for (const id of [info.id, paper.id]) expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id } })).nextReminderAt).toBeNull();
    // The send plans with the org policy too: 1 working hour after 08:00.
    clock.set(vn("2026-03-02T09:00:00"));
    const [sent] = await sweep(deps);
    expect(sent).toMatchObject({ status: "sent", plan: { step: "ACK_REMINDER", at: vn("2026-03-02T09:00:00") } });
  });
});
