// The reminder table of DESIGN.md. Runs under TZ=UTC and TZ=Asia/Ho_Chi_Minh.
import { describe, expect, it } from "vitest";

import { createCalendar, loadShippedCalendar } from "../../../core/calendar/calendar.ts";
import {
  DEFAULT_REMINDER_POLICY,
  MAX_OVERDUE_REMINDERS,
  applyQuietHours,
  nextReminder,
  reminderSchedule,
  resolveReminderPolicy,
  type ReminderAssignment,
  type ReminderPlan,
  type ReminderPolicy,
} from "../../../core/domain/reminder-policy.ts";
import { DomainError } from "../../../core/errors.ts";
import { dueAtForDate } from "../../../core/time.ts";

const calendar = loadShippedCalendar();
/** Vietnam wall-clock time → instant, independent of the process zone. */
const vn = (isoLocal: string): Date => new Date(`${isoLocal}+07:00`);
const iso = (isoLocal: string): string => vn(isoLocal).toISOString();

const assignment = (over: Partial<ReminderAssignment> = {}): ReminderAssignment => ({
  status: "ASSIGNED",
  role: "MAIN",
  urgency: "NORMAL",
  sentAt: vn("2026-02-12T09:00:00"),
  acknowledgedAt: null,
  dueAt: null,
  isPaper: false,
  lastReminderAt: null,
  ...over,
});

/**
 * Plays the sweep: ask for the next reminder, "send" it a couple of minutes late, record its `at`
 * as lastReminderAt, ask again, until null.
 */
const playSweep = (a: ReminderAssignment, policy: ReminderPolicy = DEFAULT_REMINDER_POLICY, cal = calendar): ReminderPlan[] => {
  const sent: ReminderPlan[] = [];
  let current = a;
  let now = a.sentAt;
  for (let i = 0; i < 50; i++) {
    const plan = nextReminder({ assignment: current, now, calendar: cal, policy });
    if (plan === null) return sent;
    sent.push(plan);
    now = new Date(Math.max(now.getTime(), plan.at.getTime()) + 2 * 60_000);
    current = { ...current, lastReminderAt: plan.at };
  }
  throw new Error("the sweep did not end");
};

const summary = (plans: ReminderPlan[]) => plans.map((p) => ({ at: p.at.toISOString(), step: p.step, audience: p.audience }));

describe("acknowledge reminders", () => {
  it("sent on the Friday before Tết: the ack reminder lands on the first working morning after Tết", () => {
    const a = assignment({ sentAt: vn("2026-02-13T15:00:00") });
    expect(summary(playSweep(a))).toEqual([
      // 15:00–17:00 Friday = 2 h, then Monday 23/02 07:30 + 2 h.
      { at: iso("2026-02-23T09:30:00"), step: "ACK_REMINDER", audience: ["HEADS"] },
      // the same delay again: 09:30–11:30 + 13:00–15:00.
      { at: iso("2026-02-23T15:00:00"), step: "ACK_ESCALATION_OFFICE", audience: ["HEADS", "OFFICE"] },
    ]);
  });

  it("gives the first reminder when the assignment is created", () => {
    const a = assignment({ sentAt: vn("2026-02-13T15:00:00") });
    const plan = nextReminder({ assignment: a, now: a.sentAt, calendar });
    expect(plan?.step).toBe("ACK_REMINDER");
    expect(plan?.escalationLevel).toBe(1);
    expect(plan?.at.toISOString()).toBe(iso("2026-02-23T09:30:00"));
  });

  it("shortens the delay with urgency: khẩn 2 h, thượng khẩn 1 h (working time, over lunch)", () => {
    const sentAt = vn("2026-02-12T10:00:00");
    const first = (urgency: ReminderAssignment["urgency"]) => nextReminder({ assignment: assignment({ urgency, sentAt }), now: sentAt, calendar })?.at.toISOString();
    expect(first("NORMAL")).toBe(iso("2026-02-12T15:30:00"));
    expect(first("URGENT")).toBe(iso("2026-02-12T13:30:00"));
    expect(first("VERY_URGENT")).toBe(iso("2026-02-12T11:00:00"));
  });

  it("hỏa tốc breaks through at night: 30 elapsed minutes, then the office 30 minutes later", () => {
    const a = assignment({ urgency: "FLASH", sentAt: vn("2026-02-13T22:00:00") });
    expect(summary(playSweep(a))).toEqual([
      { at: iso("2026-02-13T22:30:00"), step: "ACK_REMINDER", audience: ["HEADS"] },
      { at: iso("2026-02-13T23:00:00"), step: "ACK_ESCALATION_OFFICE", audience: ["HEADS", "OFFICE"] },
    ]);
  });

  it("hỏa tốc waits like the rest when an organisation turns both breakthroughs off", () => {
    const policy = resolveReminderPolicy({ flashCountsElapsedTime: false, flashIgnoresQuietHours: false });
    const a = assignment({ urgency: "FLASH", sentAt: vn("2026-02-13T22:00:00") });
    expect(nextReminder({ assignment: a, now: a.sentAt, calendar, policy })?.at.toISOString()).toBe(iso("2026-02-23T08:00:00"));
  });

  it("stops once the unit has acknowledged", () => {
    const a = assignment({ status: "ACKNOWLEDGED", acknowledgedAt: vn("2026-02-12T09:30:00") });
    expect(nextReminder({ assignment: a, now: vn("2026-02-12T09:31:00"), calendar })).toBeNull();
  });
});

describe("deadline reminders", () => {
  const due = dueAtForDate("2026-02-24"); // Tuesday after Tết

  it("due soon 2 working days before (across Tết), the morning of the day, then overdue every working day", () => {
    const a = assignment({ status: "ACKNOWLEDGED", acknowledgedAt: vn("2026-02-12T09:10:00"), dueAt: due });
    const plans = playSweep(a);
    expect(summary(plans.slice(0, 4))).toEqual([
      { at: iso("2026-02-13T08:00:00"), step: "DUE_SOON", audience: ["HOLDER"] },
      { at: iso("2026-02-24T08:00:00"), step: "DUE_TODAY", audience: ["HOLDER"] },
      { at: iso("2026-02-25T08:00:00"), step: "OVERDUE", audience: ["HOLDER", "HEADS"] },
      { at: iso("2026-02-26T08:00:00"), step: "OVERDUE", audience: ["HOLDER", "HEADS", "OFFICE"] },
    ]);
    expect(plans[2]?.overdueDay).toBe(1);
    expect(plans[3]?.overdueDay).toBe(2);
    expect(plans[3]?.escalationLevel).toBe(2);
    // Capped: MAX_OVERDUE_REMINDERS overdue reminders, the last on the 10th working day overdue (skipping the weekend).
    const overdue = plans.filter((p) => p.step === "OVERDUE");
    expect(overdue).toHaveLength(MAX_OVERDUE_REMINDERS);
    expect(overdue.at(-1)?.at.toISOString()).toBe(iso("2026-03-10T08:00:00"));
    expect(plans).toHaveLength(2 + MAX_OVERDUE_REMINDERS);
  });

  it("a deadline on a day off: due today is the last working day before it", () => {
    const a = assignment({ status: "ACKNOWLEDGED", acknowledgedAt: vn("2026-02-09T09:10:00"), sentAt: vn("2026-02-09T09:00:00"), dueAt: dueAtForDate("2026-02-22") });
    expect(summary(playSweep(a).slice(0, 3))).toEqual([
      { at: iso("2026-02-11T08:00:00"), step: "DUE_SOON", audience: ["HOLDER"] },
      { at: iso("2026-02-13T08:00:00"), step: "DUE_TODAY", audience: ["HOLDER"] },
      { at: iso("2026-02-23T08:00:00"), step: "OVERDUE", audience: ["HOLDER", "HEADS"] },
    ]);
  });

  it("interleaves with the ack steps and drops steps planned before the assignment existed", () => {
    // Sent the day before the deadline: DUE_SOON (13/02) is before sentAt and is dropped.
    const a = assignment({ sentAt: vn("2026-02-23T10:00:00"), dueAt: due });
    expect(summary(playSweep(a).slice(0, 4))).toEqual([
      { at: iso("2026-02-23T15:30:00"), step: "ACK_REMINDER", audience: ["HEADS"] },
      { at: iso("2026-02-24T08:00:00"), step: "DUE_TODAY", audience: ["HOLDER"] },
      { at: iso("2026-02-24T10:00:00"), step: "ACK_ESCALATION_OFFICE", audience: ["HEADS", "OFFICE"] },
      { at: iso("2026-02-25T08:00:00"), step: "OVERDUE", audience: ["HOLDER", "HEADS"] },
    ]);
  });

  it("after an extension, the schedule follows the new deadline", () => {
    const a = assignment({ status: "IN_PROGRESS", acknowledgedAt: vn("2026-02-12T09:10:00"), dueAt: dueAtForDate("2026-03-06"), lastReminderAt: vn("2026-02-25T08:00:00") });
    const plan = nextReminder({ assignment: a, now: vn("2026-02-25T09:00:00"), calendar });
    expect(plan?.step).toBe("DUE_SOON");
    expect(plan?.at.toISOString()).toBe(iso("2026-03-04T08:00:00"));
  });

  it("catches up after downtime with one current reminder per track, not a burst", () => {
    const a = assignment({ dueAt: due }); // never acknowledged, sweep down since 12/02
    const now = vn("2026-02-26T10:00:00");
    const first = nextReminder({ assignment: a, now, calendar });
    expect(first?.step).toBe("ACK_ESCALATION_OFFICE"); // the ack reminder itself is superseded
    expect(first!.at.getTime()).toBeLessThan(now.getTime()); // due: send at once
    const second = nextReminder({ assignment: { ...a, lastReminderAt: first!.at }, now: vn("2026-02-26T10:02:00"), calendar });
    expect(second?.step).toBe("OVERDUE");
    expect(second?.overdueDay).toBe(2);
    expect(second?.audience).toEqual(["HOLDER", "HEADS", "OFFICE"]);
    const third = nextReminder({ assignment: { ...a, lastReminderAt: second!.at }, now: vn("2026-02-26T10:04:00"), calendar });
    expect(third?.at.toISOString()).toBe(iso("2026-02-27T08:00:00"));
  });

  it("merges steps that fall at the same instant into one reminder", () => {
    const policy = resolveReminderPolicy({ flashCountsElapsedTime: false });
    // hỏa tốc sent on Sunday, counted in working time: 07:30 + 30 min = 08:00 Monday, the deadline day.
    const a = assignment({ urgency: "FLASH", sentAt: vn("2026-02-22T10:00:00"), dueAt: dueAtForDate("2026-02-23") });
    const plan = nextReminder({ assignment: a, now: a.sentAt, calendar, policy });
    expect(plan?.at.toISOString()).toBe(iso("2026-02-23T08:00:00"));
    expect(plan?.steps).toEqual(["ACK_REMINDER", "DUE_TODAY"]);
    expect(plan?.step).toBe("DUE_TODAY");
    expect(plan?.audience).toEqual(["HOLDER", "HEADS"]);
  });
});

describe("quiet hours", () => {
  it("defer what falls outside 07:00–18:00 or on a day off to the next working morning; hỏa tốc goes through", () => {
    const q = (local: string, urgency: ReminderAssignment["urgency"] = "NORMAL") => applyQuietHours({ at: vn(local), urgency, calendar }).toISOString();
    expect(q("2026-02-12T17:59:00")).toBe(iso("2026-02-12T17:59:00"));
    expect(q("2026-02-12T18:00:00")).toBe(iso("2026-02-13T07:00:00"));
    expect(q("2026-02-12T06:15:00")).toBe(iso("2026-02-12T07:00:00"));
    expect(q("2026-02-13T19:30:00")).toBe(iso("2026-02-23T07:00:00")); // Friday evening before Tết
    expect(q("2025-04-26T10:00:00")).toBe(iso("2025-04-26T10:00:00")); // make-up Saturday is a working day
    expect(q("2026-02-17T10:00:00", "VERY_URGENT")).toBe(iso("2026-02-23T07:00:00"));
    expect(q("2026-02-17T02:00:00", "FLASH")).toBe(iso("2026-02-17T02:00:00"));
  });

  it("apply to reminders: a long office day pushes the ack reminder past 18:00, so it waits", () => {
    const longDay = createCalendar({ entries: calendar.entries(), workingHours: [{ start: "06:00", end: "20:00" }] });
    const a = assignment({ sentAt: vn("2026-02-12T15:00:00") });
    const plan = nextReminder({ assignment: a, now: a.sentAt, calendar: longDay });
    expect(plan?.plannedAt.toISOString()).toBe(iso("2026-02-12T19:00:00"));
    expect(plan?.at.toISOString()).toBe(iso("2026-02-13T07:00:00"));
  });

  it("apply to the morning reminders when an organisation sets them before the window", () => {
    const policy = resolveReminderPolicy({ morningTime: "06:30" });
    const a = assignment({ status: "ACKNOWLEDGED", acknowledgedAt: vn("2026-02-12T09:10:00"), dueAt: dueAtForDate("2026-02-24") });
    expect(
      reminderSchedule({ assignment: a, calendar, policy })
        .map((p) => p.at.toISOString())
        .slice(0, 2),
    ).toEqual([iso("2026-02-13T07:00:00"), iso("2026-02-24T07:00:00")]);
  });
});

describe("cases that return null", () => {
  const open = assignment({ dueAt: dueAtForDate("2026-02-24") });
  const now = vn("2026-02-12T09:00:00");

  it.each([
    ["completed", { status: "COMPLETED" as const }],
    ["returned", { status: "RETURNED" as const }],
    ["cancelled", { status: "CANCELLED" as const }],
    ["for information only (INFO)", { role: "INFO" as const }],
    ["served on paper", { isPaper: true }],
  ])("%s", (_name, over) => {
    expect(nextReminder({ assignment: open, now, calendar })).not.toBeNull();
    expect(nextReminder({ assignment: { ...open, ...over }, now, calendar })).toBeNull();
  });

  it("acknowledged and without a deadline", () => {
    expect(nextReminder({ assignment: assignment({ status: "ACKNOWLEDGED", acknowledgedAt: now }), now, calendar })).toBeNull();
  });

  it("after the overdue cap an organisation sets", () => {
    const policy = resolveReminderPolicy({ maxOverdueReminders: 2 });
    const plans = playSweep(assignment({ status: "ACKNOWLEDGED", acknowledgedAt: now, dueAt: dueAtForDate("2026-02-24") }), policy);
    expect(plans.map((p) => p.step)).toEqual(["DUE_SOON", "DUE_TODAY", "OVERDUE", "OVERDUE"]);
  });
});

describe("the policy schema", () => {
  it("has the DESIGN.md defaults", () => {
    expect(DEFAULT_REMINDER_POLICY.ackDelayMinutes).toEqual({ NORMAL: 240, URGENT: 120, VERY_URGENT: 60, FLASH: 30 });
    expect(DEFAULT_REMINDER_POLICY.sendWindow).toEqual({ start: "07:00", end: "18:00" });
    expect(DEFAULT_REMINDER_POLICY.morningTime).toBe("08:00");
    expect(DEFAULT_REMINDER_POLICY.dueSoonWorkingDays).toBe(2);
    expect(DEFAULT_REMINDER_POLICY.officeFromOverdueDay).toBe(2);
    expect(DEFAULT_REMINDER_POLICY.maxOverdueReminders).toBe(MAX_OVERDUE_REMINDERS);
  });

  it("merges partial overrides, nested ones too", () => {
    const policy = resolveReminderPolicy({ ackDelayMinutes: { NORMAL: 120 }, sendWindow: { end: "17:30" } });
    expect(policy.ackDelayMinutes).toEqual({ NORMAL: 120, URGENT: 120, VERY_URGENT: 60, FLASH: 30 });
    expect(policy.sendWindow).toEqual({ start: "07:00", end: "17:30" });
    expect(resolveReminderPolicy(null)).toEqual(DEFAULT_REMINDER_POLICY);
  });

  it("refuses bad values and unknown keys, naming them", () => {
    const detail = (overrides: unknown): string => {
      try {
        resolveReminderPolicy(overrides);
      } catch (err) {
        expect(err).toBeInstanceOf(DomainError);
        expect((err as DomainError).code).toBe("POLICY_INVALID");
        return String((err as DomainError).params.detail);
      }
      throw new Error("expected a refusal");
    };
    expect(detail({ ackDelayMinutes: { URGENT: -5 } })).toContain("ackDelayMinutes.URGENT");
    expect(detail({ morningTime: "8h" })).toContain("morningTime");
    expect(detail({ sendWindow: { start: "19:00" } })).toContain("sendWindow");
    expect(detail({ ackDelay: 10 })).toContain("ackDelay");
  });
});
