// One chase step for one assignment (the `reminder.send` job): claim the due reminder with a
// compare-and-set, write the outbox rows for the step's audience, store the next reminder, audit —
// all in one transaction. A rerun, an overlapping sweep or a second worker cannot send a step twice:
// the claim matches `reminderCount = expected` only once, and the outbox dedupe keys repeat the count.
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { applyQuietHours, nextReminder, type ReminderAudience, type ReminderPlan } from "../domain/reminder-policy.ts";
import { enqueueOutbox, type OutboxIntent } from "../outbox/enqueue-outbox.ts";
import type { Tx } from "../store/tx.ts";
import { loadReminderContext } from "./reminder-context.ts";
import { readReminderRow, reminderStateOf, type ReminderState } from "./schedule-reminder.ts";

/** Input of `sendDueReminder`. */
export type SendDueReminderInput = {
  assignmentId: string;
  /**
   * The `reminderCount` the sweep saw. The claim succeeds only if the row still has it, so a job
   * enqueued for a step that has been sent meanwhile does nothing.
   * @defaultValue the count read now (claim whatever is due)
   */
  expectedReminderCount?: number;
};

/** One person told, and in which capacity. */
export type ReminderRecipient = { userId: string; audience: ReminderAudience };

export type SendDueReminderResult =
  | {
      status: "sent";
      assignmentId: string;
      plan: ReminderPlan;
      /** The count after this send (part of the outbox dedupe keys). */
      reminderCount: number;
      recipients: ReminderRecipient[];
      /** The reminder stored for next time. */
      next: ReminderState;
    }
  | {
      status: "skipped";
      assignmentId: string;
      /**
       * - `notFound`: no such assignment;
       * - `notDue`: its `nextReminderAt` is empty or still ahead;
       * - `claimedElsewhere`: another run sent this step (the count moved on);
       * - `rescheduled`: nothing is due after all (acknowledged, completed, extended, policy changed):
       *   the stored schedule was corrected without sending.
       */
      reason: "notFound" | "notDue" | "claimedElsewhere" | "rescheduled";
    };

/**
 * Sends the reminder that is due for an assignment (if one is), as outbox rows:
 *
 * - kind `reminder.step`, payload `{ assignmentId, step, steps, at, audience, overdueDay? }`,
 *   dedupe key `rem:<assignmentId>:<reminderCount>:<userId>`;
 * - audience per the policy's plan: HOLDER = the officer the assignment was delegated to
 *   (`assigneeUserId`), else the unit's heads; HEADS = active UNIT_HEAD users of the unit;
 *   OFFICE = active MONITOR users of the organisation. A person is told once, in the first capacity
 *   that names them (HOLDER, then HEADS, then OFFICE): a head who is also in the office is reminded
 *   as the head, and is not "escalated to" about their own unit's delay;
 * - quiet hours: the rows carry `notBefore` = now, or the next working morning when now is outside
 *   the send window (hỏa tốc goes at once, per the policy);
 * - then the next reminder is computed (`nextReminder` with `lastReminderAt` = this step's `at`)
 *   and stored; audit `assignment.reminderSent`.
 *
 * @example await sendDueReminder(deps, { assignmentId, expectedReminderCount: 2 });
 */
export const sendDueReminder = async (deps: CoreDeps, input: SendDueReminderInput): Promise<SendDueReminderResult> => {
  const { assignmentId } = input;
  const skipped = (reason: "notFound" | "notDue" | "claimedElsewhere" | "rescheduled"): SendDueReminderResult => ({ status: "skipped", assignmentId, reason });
  const now = deps.clock.now();

  const owner = await deps.prisma.assignment.findUnique({ where: { id: assignmentId }, select: { unit: { select: { orgId: true } } } });
  if (owner === null) return skipped("notFound");
  const { calendar, policy, orgId } = await loadReminderContext(deps, { orgId: owner.unit.orgId });

  return deps.prisma.$transaction(async (tx) => {
    const row = await readReminderRow(tx, assignmentId);
    if (row === null) return skipped("notFound");
    if (row.nextReminderAt === null || row.nextReminderAt.getTime() > now.getTime()) return skipped("notDue");
    const expected = input.expectedReminderCount ?? row.reminderCount;
    if (row.reminderCount !== expected) return skipped("claimedElsewhere");

    const plan = nextReminder({ assignment: row, now, calendar, policy });
    if (plan === null || plan.at.getTime() > now.getTime()) {
      // The stored schedule is stale (e.g. written before an acknowledgement): correct it, send nothing.
      const state = reminderStateOf(plan, row.escalationLevel ?? 0);
      const fixed = await tx.assignment.updateMany({ where: { id: assignmentId, reminderCount: expected, nextReminderAt: row.nextReminderAt }, data: state });
      return fixed.count === 1 ? skipped("rescheduled") : skipped("claimedElsewhere");
    }

    // The claim (compare-and-set): only one run moves the count from `expected` to `expected + 1`.
    // On PostgreSQL a concurrent run blocks on the row lock here and then matches no row.
    const claim = await tx.assignment.updateMany({
      where: { id: assignmentId, nextReminderAt: { lte: now }, reminderCount: expected },
      data: { reminderCount: { increment: 1 }, lastReminderAt: plan.at },
    });
    if (claim.count === 0) return skipped("claimedElsewhere");

    const claimed = await readReminderRow(tx, assignmentId);
    const details = await tx.assignment.findUnique({ where: { id: assignmentId }, select: { unitId: true, assigneeUserId: true, ref: true } });
    if (claimed === null || details === null) throw new Error(`sendDueReminder: assignment ${assignmentId} vanished inside its transaction`);

    const recipients = await resolveReminderAudience(tx, { orgId, unitId: details.unitId, assigneeUserId: details.assigneeUserId, audience: plan.audience });
    const notBefore = applyQuietHours({ at: now, urgency: claimed.urgency, calendar, policy });
    const intents: OutboxIntent[] = recipients.map((r) => ({
      userId: r.userId,
      kind: "reminder.step",
      payload: {
        assignmentId,
        step: plan.step,
        steps: plan.steps,
        at: plan.at.toISOString(),
        audience: r.audience,
        ...(plan.overdueDay !== undefined ? { overdueDay: plan.overdueDay } : {}),
      },
      dedupeKey: `rem:${assignmentId}:${claimed.reminderCount}:${r.userId}`,
      urgency: claimed.urgency,
      notBefore,
    }));
    await enqueueOutbox(tx, now, intents);

    const next = reminderStateOf(nextReminder({ assignment: claimed, now, calendar, policy }), plan.escalationLevel);
    await tx.assignment.update({ where: { id: assignmentId }, data: next });

    await appendAuditEvent(tx, {
      type: "assignment.reminderSent",
      at: now,
      orgId,
      entityType: "Assignment",
      entityId: assignmentId,
      data: {
        ref: details.ref,
        step: plan.step,
        steps: plan.steps,
        plannedAt: plan.plannedAt.toISOString(),
        at: plan.at.toISOString(),
        reminderCount: claimed.reminderCount,
        escalationLevel: plan.escalationLevel,
        ...(plan.overdueDay !== undefined ? { overdueDay: plan.overdueDay } : {}),
        recipients: recipients.map((r) => `${r.audience}:${r.userId}`),
        nextReminderAt: next.nextReminderAt?.toISOString() ?? null,
        nextStep: next.reminderStep,
      },
    });
    return { status: "sent", assignmentId, plan, reminderCount: claimed.reminderCount, recipients, next };
  });
};

/**
 * The people a reminder goes to, each once, in the order HOLDER, HEADS, OFFICE (see
 * `sendDueReminder`). Inactive users are left out.
 */
export const resolveReminderAudience = async (
  tx: Tx,
  input: { orgId: string; unitId: string; assigneeUserId: string | null; audience: readonly ReminderAudience[] },
): Promise<ReminderRecipient[]> => {
  const wants = new Set(input.audience);
  const needHeads = wants.has("HEADS") || (wants.has("HOLDER") && input.assigneeUserId === null);
  const heads = needHeads
    ? await tx.user.findMany({ where: { unitId: input.unitId, active: true, roles: { has: "UNIT_HEAD" } }, select: { id: true }, orderBy: { code: "asc" } })
    : [];
  const office = wants.has("OFFICE")
    ? await tx.user.findMany({ where: { orgId: input.orgId, active: true, roles: { has: "MONITOR" } }, select: { id: true }, orderBy: { code: "asc" } })
    : [];
  let holder: { id: string }[] = [];
  if (wants.has("HOLDER")) {
    if (input.assigneeUserId === null) holder = heads;
    else {
      const assignee = await tx.user.findFirst({ where: { id: input.assigneeUserId, active: true }, select: { id: true } });
      holder = assignee === null ? heads : [assignee];
    }
  }
  const out: ReminderRecipient[] = [];
  const seen = new Set<string>();
  const add = (users: { id: string }[], audience: ReminderAudience): void => {
    for (const u of users) {
      if (seen.has(u.id)) continue;
      seen.add(u.id);
      out.push({ userId: u.id, audience });
    }
  };
  if (wants.has("HOLDER")) add(holder, "HOLDER");
  if (wants.has("HEADS")) add(heads, "HEADS");
  if (wants.has("OFFICE")) add(office, "OFFICE");
  return out;
};
