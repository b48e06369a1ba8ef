import { describe, expect, it } from "vitest";
import { loadShippedCalendar } from "../../../core/calendar/calendar.ts";
import { resolveReminderPolicy } from "../../../core/domain/reminder-policy.ts";
import { computeReminderState, type ReminderAssignmentRow } from "../../../core/reminders/schedule-reminder.ts";
import { dueAtForDate } from "../../../core/time.ts";

const calendar = loadShippedCalendar();
const vn = (local: string) => new Date(`${local}+07:00`);
const base = (over: Partial<ReminderAssignmentRow> = {}): ReminderAssignmentRow => ({
  status: "ASSIGNED",
  role: "MAIN",
  urgency: "NORMAL",
  sentAt: vn("2026-02-13T16:00:00"),
  acknowledgedAt: null,
  dueAt: null,
  isPaper: false,
  lastReminderAt: null,
  escalationLevel: 0,
  ...over,
});

describe("computeReminderState (same answer under any TZ)", () => {
  it("new assignment on the Friday before Tết: the heads are reminded 4 working hours later, after Tết", () => {
    // 16:00–17:00 Friday = 1 h; Tết 16–20/02 and the weekend off; Monday 23/02 07:30 + 3 h = 10:30.
    expect(computeReminderState({ assignment: base(), calendar, now: vn("2026-02-13T16:00:00") })).toEqual({
      nextReminderAt: vn("2026-02-23T10:30:00"),
      reminderStep: "ACK_REMINDER",
      escalationLevel: 1,
    });
  });

  it("khẩn uses its own delay; the organisation policy overrides it", () => {
    const assignment = base({ urgency: "URGENT", sentAt: vn("2026-03-02T08:00:00") });
    expect(computeReminderState({ assignment, calendar, now: assignment.sentAt }).nextReminderAt).toEqual(vn("2026-03-02T10:00:00"));
    const policy = resolveReminderPolicy({ ackDelayMinutes: { URGENT: 30 } });
    expect(computeReminderState({ assignment, calendar, policy, now: assignment.sentAt }).nextReminderAt).toEqual(vn("2026-03-02T08:30:00"));
  });

  it("acknowledged: the deadline track; an extension moves it; completed: nothing pending, level kept", () => {
    const now = vn("2026-03-02T09:00:00");
    const acked = base({ status: "ACKNOWLEDGED", acknowledgedAt: now, sentAt: vn("2026-03-02T08:00:00"), dueAt: dueAtForDate("2026-03-13"), escalationLevel: 1 });
    expect(computeReminderState({ assignment: acked, calendar, now })).toEqual({ nextReminderAt: vn("2026-03-11T08:00:00"), reminderStep: "DUE_SOON", escalationLevel: 0 });
    const extended = { ...acked, dueAt: dueAtForDate("2026-03-20") };
    expect(computeReminderState({ assignment: extended, calendar, now }).nextReminderAt).toEqual(vn("2026-03-18T08:00:00"));
    const done = { ...acked, status: "COMPLETED" as const, escalationLevel: 2 };
    expect(computeReminderState({ assignment: done, calendar, now })).toEqual({ nextReminderAt: null, reminderStep: null, escalationLevel: 2 });
  });
});
