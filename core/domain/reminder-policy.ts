// The reminder policy (DESIGN.md "Reminder policy"): when the chase sweep must remind whom about an
// assignment. Pure: no database, no clock of its own, no sending. The sweep stores the answer
// (`at` → Assignment.nextReminderAt, `step` → Assignment.reminderStep), queries `nextReminderAt <= now`,
// sends, and asks again.
//
// | step                  | planned at                                                        | audience              |
// | --------------------- | ----------------------------------------------------------------- | --------------------- |
// | ACK_REMINDER          | sentAt + ack delay (4 working h; khẩn 2 h, thượng khẩn 1 h, hỏa tốc 30 min) | HEADS          |
// | ACK_ESCALATION_OFFICE | ACK_REMINDER + the same delay                                     | HEADS, OFFICE         |
// | DUE_SOON              | 08:00, 2 working days before the deadline day                     | HOLDER                |
// | DUE_TODAY             | 08:00 on the deadline day                                         | HOLDER                |
// | OVERDUE               | 08:00 on each working day after the deadline day (k = 1, 2, …)    | HOLDER, HEADS (+ OFFICE from k = 2) |
//
// Quiet hours: a planned time outside the send window (07:00–18:00 on a working day) waits for the
// next working morning (07:00); hỏa tốc is sent at any hour, and its ack delay counts elapsed time.
import { z } from "zod";

import type { Calendar } from "../calendar/calendar.ts";
import { DomainError } from "../errors.ts";
import { isOpenStatus } from "../workflow/state-machine.ts";
import { atLocalTime, isLocalTime, localDateOf, localMinuteOfDay, minutesOfLocalTime } from "../time.ts";

// === Vocabulary

/** The reminder steps, in their fixed order (used to merge steps that fall at the same instant). */
export const REMINDER_STEPS = ["ACK_REMINDER", "ACK_ESCALATION_OFFICE", "DUE_SOON", "DUE_TODAY", "OVERDUE"] as const;
export type ReminderStep = (typeof REMINDER_STEPS)[number];

/**
 * Who is told. The sweep resolves each to people and drops duplicates (for a unit-level
 * assignment the holder IS the unit's heads):
 * - HEADS: the UNIT_HEAD users of the assignment's unit;
 * - HOLDER: whoever holds the assignment (the officer it was delegated to, else the unit's heads);
 * - OFFICE: the MONITOR users.
 */
export type ReminderAudience = "HOLDER" | "HEADS" | "OFFICE";
const AUDIENCE_ORDER: readonly ReminderAudience[] = ["HOLDER", "HEADS", "OFFICE"];

/** Độ khẩn, as the database enum `Urgency`. */
export type ReminderUrgency = "NORMAL" | "URGENT" | "VERY_URGENT" | "FLASH";

/** As the database enum `AssignmentStatus`. */
export type ReminderAssignmentStatus = "ASSIGNED" | "ACKNOWLEDGED" | "IN_PROGRESS" | "COMPLETED" | "RETURNED" | "CANCELLED";

/** As the database enum `AssignmentRole`. */
export type ReminderAssignmentRole = "MAIN" | "COORDINATE" | "INFO";

// === Policy values (defaults; an organisation overrides them in its `policy:` section)

/** Working minutes without acknowledgement before the heads are reminded, by urgency. */
export const DEFAULT_ACK_DELAY_MINUTES = Object.freeze({ NORMAL: 240, URGENT: 120, VERY_URGENT: 60, FLASH: 30 });
/** The due-soon reminder goes this many working days before the deadline day. */
export const DUE_SOON_WORKING_DAYS = 2;
/** Local time of the due-soon, due-today and overdue reminders. */
export const REMINDER_MORNING_TIME = "08:00";
/** From this overdue working day on (1 = the first), the office is told as well. */
export const OFFICE_FROM_OVERDUE_DAY = 2;
/**
 * Cap: overdue reminders stop after this many working days overdue (two working weeks); the
 * assignment then stays on the office's daily digest, which is where a long-overdue case belongs.
 */
export const MAX_OVERDUE_REMINDERS = 10;
/** Upper bound an organisation may set for the cap (keeps the schedule computation small). */
export const MAX_OVERDUE_REMINDERS_LIMIT = 60;
/** Messages other than hỏa tốc go out only inside this window on working days (quiet hours outside). */
export const DEFAULT_SEND_WINDOW = Object.freeze({ start: "07:00", end: "18:00" });
/** The office digest (not computed here; the value lives in the same policy section). */
export const DIGEST_TIME = "07:30";
/** The weekly chart: ISO weekday (1 = Monday) and time (not computed here). */
export const WEEKLY_CHART_WEEKDAY = 1;
export const WEEKLY_CHART_TIME = "07:30";

const ZLocalTime = z.string().refine(isLocalTime, { message: 'expected "HH:mm"' });
const ZMinutes = z
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 60);

/**
 * The reminder policy of an organisation. Every field has a default; an organisation's
 * `policy:` section is a partial override, merged field by field (nested objects too). Unknown
 * keys are rejected so that a typo does not silently keep the default.
 */
export const ZReminderPolicy = z.strictObject({
  /** Minutes without acknowledgement before ACK_REMINDER, by urgency (working minutes, see `flashCountsElapsedTime`). */
  ackDelayMinutes: z
    .strictObject({
      NORMAL: ZMinutes.default(DEFAULT_ACK_DELAY_MINUTES.NORMAL),
      URGENT: ZMinutes.default(DEFAULT_ACK_DELAY_MINUTES.URGENT),
      VERY_URGENT: ZMinutes.default(DEFAULT_ACK_DELAY_MINUTES.VERY_URGENT),
      FLASH: ZMinutes.default(DEFAULT_ACK_DELAY_MINUTES.FLASH),
    })
    .prefault({}),
  /** Escalate a still-unacknowledged assignment to the office after a second delay. @defaultValue true */
  escalateUnacknowledgedToOffice: z.boolean().default(true),
  /** Working days before the deadline day for DUE_SOON; 0 turns DUE_SOON off. @defaultValue 2 */
  dueSoonWorkingDays: z.number().int().min(0).max(20).default(DUE_SOON_WORKING_DAYS),
  /** Send DUE_TODAY on the morning of the deadline day. @defaultValue true */
  remindOnDueDay: z.boolean().default(true),
  /** Local time of DUE_SOON, DUE_TODAY and OVERDUE. @defaultValue "08:00" */
  morningTime: ZLocalTime.default(REMINDER_MORNING_TIME),
  /** From this overdue working day the office is told too. @defaultValue 2 */
  officeFromOverdueDay: z.number().int().min(1).max(MAX_OVERDUE_REMINDERS_LIMIT).default(OFFICE_FROM_OVERDUE_DAY),
  /** How many overdue reminders at most; 0 turns them off. @defaultValue 10 */
  maxOverdueReminders: z.number().int().min(0).max(MAX_OVERDUE_REMINDERS_LIMIT).default(MAX_OVERDUE_REMINDERS),
  /** Send window on working days; outside it (and on days off) are quiet hours. @defaultValue 07:00–18:00 */
  sendWindow: z
    .strictObject({ start: ZLocalTime.default(DEFAULT_SEND_WINDOW.start), end: ZLocalTime.default(DEFAULT_SEND_WINDOW.end) })
    .prefault({})
    .refine((w) => minutesOfLocalTime(w.start) < minutesOfLocalTime(w.end), { message: "start must be before end" }),
  /** Hỏa tốc is sent at any hour and on days off. @defaultValue true */
  flashIgnoresQuietHours: z.boolean().default(true),
  /** Hỏa tốc ack delays count elapsed time, not office hours (else a Friday-night hỏa tốc waits for Monday). @defaultValue true */
  flashCountsElapsedTime: z.boolean().default(true),
  /** The office digest time on working days (used by the digest job). @defaultValue "07:30" */
  digestTime: ZLocalTime.default(DIGEST_TIME),
  /** The weekly chart's ISO weekday, 1 = Monday (used by the chart job). @defaultValue 1 */
  weeklyChartWeekday: z.number().int().min(1).max(7).default(WEEKLY_CHART_WEEKDAY),
  /** The weekly chart's time. @defaultValue "07:30" */
  weeklyChartTime: ZLocalTime.default(WEEKLY_CHART_TIME),
});
export type ReminderPolicy = z.infer<typeof ZReminderPolicy>;
/** What an organisation may write in its `policy:` section. */
export type ReminderPolicyOverrides = z.input<typeof ZReminderPolicy>;

/**
 * Merges an organisation's overrides (`Organization.policy`, the org file's `policy:`) over the
 * defaults. `null`/`undefined` mean "no overrides".
 *
 * @throws DomainError `POLICY_INVALID` (message `calendar.policyInvalid`, param `detail`).
 * @example resolveReminderPolicy({ ackDelayMinutes: { NORMAL: 120 } }).ackDelayMinutes.URGENT // 120 (default)
 */
export const resolveReminderPolicy = (overrides?: unknown): ReminderPolicy => {
  const parsed = ZReminderPolicy.safeParse(overrides ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(policy)"}: ${i.message}`).join("; ");
    throw new DomainError("POLICY_INVALID", "calendar.policyInvalid", { detail });
  }
  return parsed.data;
};

/** The policy with no overrides. */
export const DEFAULT_REMINDER_POLICY: ReminderPolicy = Object.freeze(resolveReminderPolicy({}));

// === Quiet hours

/** True when a non-hỏa-tốc message may be sent at `at`: a working day, inside the send window. */
export const isInSendWindow = (at: Date, calendar: Calendar, policy: ReminderPolicy = DEFAULT_REMINDER_POLICY): boolean => {
  if (!calendar.isWorkingDay(localDateOf(at, calendar.zone))) return false;
  const minute = localMinuteOfDay(at, calendar.zone);
  return minute >= minutesOfLocalTime(policy.sendWindow.start) && minute < minutesOfLocalTime(policy.sendWindow.end);
};

/**
 * When a message planned for `at` may actually go out: `at` itself inside the send window (or for
 * hỏa tốc), else the next working morning at the window's start. Also for the delivery job.
 *
 * @example applyQuietHours({ at: fridayAt19h, urgency: "NORMAL", calendar }) // next working day 07:00
 */
export const applyQuietHours = (input: { at: Date; urgency: ReminderUrgency; calendar: Calendar; policy?: ReminderPolicy }): Date => {
  const policy = input.policy ?? DEFAULT_REMINDER_POLICY;
  if (input.urgency === "FLASH" && policy.flashIgnoresQuietHours) return input.at;
  if (isInSendWindow(input.at, input.calendar, policy)) return input.at;
  return input.calendar.nextWorkingMorning(input.at, policy.sendWindow.start);
};

// === The schedule

/** The fields of an assignment the policy reads (names as in the `Assignment` table). */
export type ReminderAssignment = {
  status: ReminderAssignmentStatus;
  role: ReminderAssignmentRole;
  urgency: ReminderUrgency;
  /** When the assignment reached the unit (the ack delay counts from here). */
  sentAt: Date;
  acknowledgedAt: Date | null;
  /** The deadline in force; null = no deadline (only the ack steps apply). */
  dueAt: Date | null;
  /** Served on paper (unit without an account): nobody to remind in a chat. */
  isPaper?: boolean;
  /**
   * The `at` of the reminder most recently SENT for this assignment, exactly as this function
   * returned it (the stored `nextReminderAt` at the time it was sent — not the wall-clock time the
   * message went out); null before the first. Every step planned at or before it counts as done.
   * Store it as `Assignment.lastReminderAt`.
   */
  lastReminderAt: Date | null;
};

/** One planned reminder. */
export type ReminderPlan = {
  /** When to send it: quiet hours applied. Store as `nextReminderAt`. May be ≤ `now` (send at once). */
  at: Date;
  /** The step (the last in `REMINDER_STEPS` order when several fall at the same `at`). Store as `reminderStep`. */
  step: ReminderStep;
  /** Every step sent together at `at`; usually just `[step]`. */
  steps: ReminderStep[];
  /** Who to tell, in the order HOLDER, HEADS, OFFICE, without duplicates. */
  audience: ReminderAudience[];
  /** The time the table gives, before quiet hours (earliest of merged steps). */
  plannedAt: Date;
  /** For OVERDUE: which working day overdue (1 = the first working day after the deadline day). */
  overdueDay?: number;
  /** 2 when the office is told, 1 when the heads are, else 0. Store as `escalationLevel`. */
  escalationLevel: 0 | 1 | 2;
};

type Track = "ACK" | "DEADLINE";
type PlannedStep = { step: ReminderStep; track: Track; plannedAt: Date; at: Date; audience: ReminderAudience[]; overdueDay?: number };

/**
 * Every reminder the table gives for an assignment, in time order, quiet hours applied, steps at the
 * same instant merged — ignoring what was already sent and what `now` is. For reports and tests;
 * the sweep calls `nextReminder`. Empty in the cases where `nextReminder` returns null for good.
 */
export const reminderSchedule = (input: { assignment: ReminderAssignment; calendar: Calendar; policy?: ReminderPolicy }): ReminderPlan[] =>
  merge(plannedSteps(input.assignment, input.calendar, input.policy ?? DEFAULT_REMINDER_POLICY));

/**
 * `after`: only the steps up to the first one later than this instant are needed (nextReminder's case):
 * the overdue steps come one working day apart in time order, so the loop stops at the first of them
 * past it instead of planning every overdue day (an acknowledgement planned ten, each a calendar and
 * time-zone computation).
 */
const plannedSteps = (a: ReminderAssignment, calendar: Calendar, policy: ReminderPolicy, after = Number.POSITIVE_INFINITY): PlannedStep[] => {
  if (!isOpenStatus(a.status) || a.role === "INFO" || a.isPaper === true) return [];
  const zone = calendar.zone;
  const out: PlannedStep[] = [];
  const push = (step: ReminderStep, track: Track, plannedAt: Date, audience: ReminderAudience[], overdueDay?: number): Date | null => {
    // A step planned before the assignment existed is meaningless (a short deadline, a late assignment).
    if (plannedAt.getTime() < a.sentAt.getTime()) return null;
    const at = applyQuietHours({ at: plannedAt, urgency: a.urgency, calendar, policy });
    out.push(overdueDay === undefined ? { step, track, plannedAt, at, audience } : { step, track, plannedAt, at, audience, overdueDay });
    return at;
  };

  // Acknowledge track: only while nobody has acknowledged.
  if (a.status === "ASSIGNED" && a.acknowledgedAt === null) {
    const delay = policy.ackDelayMinutes[a.urgency];
    const elapsed = a.urgency === "FLASH" && policy.flashCountsElapsedTime;
    const after = (from: Date): Date => (elapsed ? new Date(from.getTime() + delay * 60_000) : calendar.addWorkingMinutes(from, delay));
    const first = after(a.sentAt);
    push("ACK_REMINDER", "ACK", first, ["HEADS"]);
    if (policy.escalateUnacknowledgedToOffice) push("ACK_ESCALATION_OFFICE", "ACK", after(first), ["HEADS", "OFFICE"]);
  }

  // Deadline track.
  if (a.dueAt !== null) {
    const dueAt = a.dueAt;
    const dueDay = localDateOf(dueAt, zone);
    // A deadline on a day off: the last chance to work on it is the working day before.
    const lastWorkingDay = calendar.workingDayOnOrBefore(dueDay);
    const morning = (date: string): Date => atLocalTime(date, policy.morningTime, zone);
    const beforeDeadline = (d: Date): boolean => d.getTime() < dueAt.getTime();
    if (policy.dueSoonWorkingDays > 0) {
      const soon = morning(calendar.addWorkingDays(lastWorkingDay, -policy.dueSoonWorkingDays));
      if (beforeDeadline(soon)) push("DUE_SOON", "DEADLINE", soon, ["HOLDER"]);
    }
    if (policy.remindOnDueDay) {
      const today = morning(lastWorkingDay);
      if (beforeDeadline(today)) push("DUE_TODAY", "DEADLINE", today, ["HOLDER"]);
    }
    let day = dueDay;
    for (let k = 1; k <= policy.maxOverdueReminders; k++) {
      day = calendar.addWorkingDays(day, 1);
      const audience: ReminderAudience[] = k >= policy.officeFromOverdueDay ? ["HOLDER", "HEADS", "OFFICE"] : ["HOLDER", "HEADS"];
      const at = push("OVERDUE", "DEADLINE", morning(day), audience, k);
      if (at !== null && at.getTime() > after) break;
    }
  }
  return out;
};

const order = (s: ReminderStep): number => REMINDER_STEPS.indexOf(s);

const merge = (steps: readonly PlannedStep[]): ReminderPlan[] => {
  const byAt = new Map<number, PlannedStep[]>();
  for (const s of steps) byAt.set(s.at.getTime(), [...(byAt.get(s.at.getTime()) ?? []), s]);
  return [...byAt.entries()]
    .sort(([a], [b]) => a - b)
    .map(([atMs, group]) => {
      const sorted = [...group].sort((x, y) => order(x.step) - order(y.step));
      const last = sorted[sorted.length - 1]!;
      const audience = AUDIENCE_ORDER.filter((who) => group.some((g) => g.audience.includes(who)));
      const overdue = group.find((g) => g.overdueDay !== undefined);
      const plan: ReminderPlan = {
        at: new Date(atMs),
        step: last.step,
        steps: sorted.map((g) => g.step),
        audience,
        plannedAt: new Date(Math.min(...group.map((g) => g.plannedAt.getTime()))),
        escalationLevel: audience.includes("OFFICE") ? 2 : audience.includes("HEADS") ? 1 : 0,
      };
      if (overdue?.overdueDay !== undefined) plan.overdueDay = overdue.overdueDay;
      return plan;
    });
};

/**
 * The next reminder to send for an assignment, or null when there is none.
 *
 * Use it (a) when an assignment is created (`lastReminderAt: null`), (b) right after the sweep has
 * sent the step due now (pass that step's `at` as `lastReminderAt`), and (c) after anything that
 * changes the schedule: acknowledgement, a granted extension (new `dueAt`), delegation, a policy
 * change. What was planned at or before `lastReminderAt` counts as done.
 *
 * Catch-up: when the sweep has been down, several steps may be due already. Within each track
 * (acknowledge / deadline) only the latest due step is kept, so people get one current reminder
 * (e.g. OVERDUE day 3 with the office), not a burst of stale ones.
 *
 * The office zone and working hours are the calendar's (`calendar.withZone(unitZone)` for a unit
 * in another zone).
 *
 * Returns null when:
 * - the assignment is COMPLETED, RETURNED or CANCELLED (nothing to chase);
 * - its role is INFO (nhận để biết: for information, nobody is chased);
 * - it is served on paper (`isPaper`: no chat account to remind; it is on the office's paper list);
 * - it is acknowledged (or the ack steps are done or turned off) and it has no deadline;
 * - every step has been sent: the ack steps are done and the overdue reminders have reached the cap
 *   (`policy.maxOverdueReminders`, default `MAX_OVERDUE_REMINDERS` = 10); the office digest keeps
 *   listing it after that.
 *
 * @example
 * const plan = nextReminder({ assignment, now: clock.now(), calendar, policy });
 * await store.assignments.scheduleReminder(id, plan?.at ?? null, plan?.step ?? null);
 */
export const nextReminder = (input: { assignment: ReminderAssignment; now: Date; calendar: Calendar; policy?: ReminderPolicy }): ReminderPlan | null => {
  const { assignment, now, calendar } = input;
  const policy = input.policy ?? DEFAULT_REMINDER_POLICY;
  const cut = assignment.lastReminderAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  // Every step up to the first one past both `now` and the last sent: a later one is never the next.
  const pending = plannedSteps(assignment, calendar, policy, Math.max(now.getTime(), cut)).filter((s) => s.at.getTime() > cut);

  // Drop a due step when a later step of the same track is due too (catch-up after downtime).
  const latestDue = new Map<Track, number>();
  for (const s of pending) {
    if (s.at.getTime() <= now.getTime()) latestDue.set(s.track, Math.max(latestDue.get(s.track) ?? -Infinity, s.at.getTime()));
  }
  const current = pending.filter((s) => s.at.getTime() > now.getTime() || s.at.getTime() === latestDue.get(s.track));

  const plans = merge(current);
  return plans[0] ?? null;
};
