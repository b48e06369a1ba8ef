// Delegated work closes with its parent (core/workflow/state-machine.ts, DELEGATION_CLOSE_TRANSITION):
// when a unit's assignment is returned, completed or cancelled, the officers' open delegations under
// it are cancelled in the same transaction, reminders stop, and each officer is told why. A press on
// an old card of theirs answers with that state (conflictFor).
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { enqueueOutbox, type OutboxIntent } from "../outbox/enqueue-outbox.ts";
import type { Tx } from "../store/tx.ts";
import { DELEGATION_CLOSE_TRANSITION } from "../workflow/state-machine.ts";

/**
 * Cancels the open delegations under these (returned, completed or cancelled) assignments; returns how many.
 * Delegations carry no extension requests (only a unit's own assignment may ask), so none to close.
 * `actorUserId` is not told (nobody is told about their own action).
 */
export const closeDelegatedWork = async (
  tx: Tx,
  now: Date,
  c: { parentIds: string[]; orgId: string; actorUserId: string; because: (typeof DELEGATION_CLOSE_TRANSITION.parentTo)[number] },
): Promise<number> => {
  if (c.parentIds.length === 0) return 0;
  const { from, to } = DELEGATION_CLOSE_TRANSITION;
  const open = await tx.assignment.findMany({ where: { parentId: { in: c.parentIds }, status: { in: [...from] } }, select: { id: true, ref: true, assigneeUserId: true } });
  const outbox: OutboxIntent[] = [];
  let closed = 0;
  for (const child of open) {
    const moved = await tx.assignment.updateMany({ where: { id: child.id, status: { in: [...from] } }, data: { status: to, nextReminderAt: null, reminderStep: null } });
    if (moved.count === 0) continue;
    closed += 1;
    await appendAuditEvent(tx, {
      type: "assignment.delegationClosed",
      at: now,
      orgId: c.orgId,
      actorUserId: c.actorUserId,
      entityType: "Assignment",
      entityId: child.id,
      data: { ref: child.ref, because: c.because },
    });
    if (child.assigneeUserId && child.assigneeUserId !== c.actorUserId)
      outbox.push({
        userId: child.assigneeUserId,
        kind: "assignment.cancelled",
        payload: { assignmentId: child.id },
        dedupeKey: `asg:${child.id}:cancelled:${child.assigneeUserId}`,
      });
  }
  await enqueueOutbox(tx, now, outbox);
  return closed;
};
