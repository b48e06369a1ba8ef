// Pending requests die with their assignment: when an assignment is returned, completed or
// cancelled, its waiting extension request (đề nghị gia hạn) is CLOSED in the same transaction, and
// the requester and the leader who was to decide are told. Its card loses its buttons when the
// leader's message is rendered again; a press on an old one answers with the current state.
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { enqueueOutbox, type OutboxIntent } from "../outbox/enqueue-outbox.ts";
import type { Tx } from "../store/tx.ts";
import { EXTENSION_TRANSITIONS } from "../workflow/state-machine.ts";

/**
 * Closes the pending extension requests of these assignments; returns how many were closed.
 * `actorUserId` is not told (nobody is told about their own action).
 */
export const closePendingExtensions = async (
  tx: Tx,
  now: Date,
  c: { assignmentIds: string[]; orgId: string; actorUserId: string; because: "RETURNED" | "COMPLETED" | "CANCELLED" },
): Promise<number> => {
  if (c.assignmentIds.length === 0) return 0;
  const close = EXTENSION_TRANSITIONS.close;
  const pending = await tx.extensionRequest.findMany({
    where: { assignmentId: { in: c.assignmentIds }, status: { in: [...close.from] } },
    select: { id: true, requestedById: true, assignment: { select: { ref: true, directive: { select: { authorId: true } } } } },
  });
  const outbox: OutboxIntent[] = [];
  let closed = 0;
  for (const ext of pending) {
    const moved = await tx.extensionRequest.updateMany({ where: { id: ext.id, status: { in: [...close.from] } }, data: { status: close.to, decidedAt: now } });
    if (moved.count === 0) continue;
    closed += 1;
    await appendAuditEvent(tx, {
      type: "assignment.extensionClosed",
      at: now,
      orgId: c.orgId,
      actorUserId: c.actorUserId,
      entityType: "ExtensionRequest",
      entityId: ext.id,
      data: { ref: ext.assignment.ref, because: c.because },
    });
    for (const userId of new Set([ext.requestedById, ext.assignment.directive.authorId]))
      if (userId !== c.actorUserId) outbox.push({ userId, kind: "extension.closed", payload: { extensionId: ext.id }, dedupeKey: `ext:${ext.id}:closed:${userId}` });
  }
  await enqueueOutbox(tx, now, outbox);
  return closed;
};
