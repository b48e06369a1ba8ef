import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { loadReminderContext } from "../reminders/reminder-context.ts";
import { refreshAssignmentReminder } from "../reminders/schedule-reminder.ts";
import { runUseCase } from "../use-case.ts";
import { conflictFor, fromStatuses, requireAssignmentAction } from "../workflow/state-machine.ts";
import { factsOf, loadAssignmentForAction, unitHeadIds, shownRef } from "./assignment-access.ts";

export const ZAcknowledgeAssignmentInput = z.object({
  actorUserId: z.string().min(1),
  assignmentId: z.string().min(1),
  /** Evidence: where the acknowledgement came from. */
  channel: z.enum(["TELEGRAM", "ZALO", "WEB"]).optional(),
  messageId: z.string().max(128).optional(),
});
export type AcknowledgeAssignmentInput = z.input<typeof ZAcknowledgeAssignmentInput>;
export type AcknowledgeAssignmentResult = { assignmentId: string; ref: string; acknowledgedAt: Date };

/**
 * Marks an assignment as received by its holder (đã nhận). Compare-and-set: of two taps, one wins;
 * the other gets ASSIGNMENT_ALREADY_ACKNOWLEDGED and changes nothing. The channel and message id
 * are kept as evidence. When an officer acknowledges delegated work, the unit's heads are told.
 *
 * @example await acknowledgeAssignment(deps, { actorUserId, assignmentId, channel: "TELEGRAM", messageId: "42" })
 */
export const acknowledgeAssignment = (deps: CoreDeps, raw: AcknowledgeAssignmentInput): Promise<AcknowledgeAssignmentResult> =>
  runUseCase(deps, { action: "assignment.acknowledge", actorUserId: raw.actorUserId, entityType: "Assignment", entityId: raw.assignmentId }, async () => {
    const input = ZAcknowledgeAssignmentInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const now = deps.clock.now();
    // Read outside the transaction: on PGlite (one session) a read through deps.prisma inside an
    // open transaction would wait for that transaction to end.
    const ctx = await loadReminderContext(deps, { orgId: actor.orgId });
    return deps.prisma.$transaction(async (tx) => {
      const a = await loadAssignmentForAction(tx, actor, input.assignmentId);
      requireAssignmentAction(actor, factsOf(a), "ack", shownRef(deps, a.ref));
      const claimed = await tx.assignment.updateMany({
        where: { id: a.id, status: { in: fromStatuses("ack") } },
        data: { status: "ACKNOWLEDGED", acknowledgedAt: now, acknowledgedById: actor.id, ackChannel: input.channel ?? null, ackMessageId: input.messageId ?? null },
      });
      if (claimed.count === 0) {
        const current = await tx.assignment.findUniqueOrThrow({ where: { id: a.id }, select: { status: true } });
        throw conflictFor(current.status, shownRef(deps, a.ref));
      }
      await refreshAssignmentReminder(tx, { assignmentId: a.id, calendar: ctx.calendar, policy: ctx.policy, now });
      await appendAuditEvent(tx, {
        type: "assignment.acknowledged",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "Assignment",
        entityId: a.id,
        data: { ref: a.ref, channel: input.channel ?? null, messageId: input.messageId ?? null },
      });
      if (a.parentId) {
        const heads = (await unitHeadIds(tx, a.unitId)).filter((id) => id !== actor.id);
        await enqueueOutbox(tx, now, heads.map((userId) => ({ userId, kind: "assignment.acknowledged" as const, payload: { assignmentId: a.id }, dedupeKey: `asg:${a.id}:ack:${userId}` })));
      }
      return { assignmentId: a.id, ref: a.ref, acknowledgedAt: now };
    });
  });
