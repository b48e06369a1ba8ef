import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { runUseCase } from "../use-case.ts";
import { conflictFor, fromStatuses, requireAssignmentAction } from "../workflow/state-machine.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import type { AssignmentAction } from "../workflow/state-machine.ts";
import { factsOf, loadAssignmentForAction, outcomeAfter, shownRef } from "./assignment-access.ts";
import { closeDelegatedWork } from "./close-delegated-work.ts";
import { closePendingExtensions } from "./close-extensions.ts";

export const ZReturnAssignmentInput = z.object({
  actorUserId: z.string().min(1),
  assignmentId: z.string().min(1),
  /** Why (e.g. not this unit's field); shown to the leader verbatim. */
  reason: z.string().max(2000),
});
export type ReturnAssignmentInput = z.input<typeof ZReturnAssignmentInput>;

/**
 * A unit head returns an assignment to the leader who directed it (wrong unit), with a reason.
 * Only before work has started (assigned or acknowledged). The leader can then give a new
 * directive that supersedes the old one. Open delegations under it close with it.
 */
/** The returned assignment (`id`, `ref`, the actions left: none). */
export type ReturnAssignmentResult = ActionOutcome<AssignmentAction> & { assignmentId: string };

export const returnAssignment = (deps: CoreDeps, raw: ReturnAssignmentInput): Promise<ReturnAssignmentResult> =>
  runUseCase(deps, { action: "assignment.return", actorUserId: raw.actorUserId, entityType: "Assignment", entityId: raw.assignmentId }, async () => {
    const input = ZReturnAssignmentInput.parse(raw);
    if (input.reason.trim() === "") throw new DomainError("RETURN_REASON_EMPTY", "assignment.returnReasonEmpty");
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const now = deps.clock.now();
    return deps.prisma.$transaction(async (tx) => {
      const a = await loadAssignmentForAction(tx, actor, input.assignmentId);
      requireAssignmentAction(actor, factsOf(a), "return", shownRef(deps, a.ref));
      const moved = await tx.assignment.updateMany({
        where: { id: a.id, status: { in: fromStatuses("return") } },
        data: { status: "RETURNED", returnedAt: now, returnReason: input.reason, nextReminderAt: null, reminderStep: null },
      });
      if (moved.count === 0) throw conflictFor((await tx.assignment.findUniqueOrThrow({ where: { id: a.id }, select: { status: true } })).status, shownRef(deps, a.ref));
      await closePendingExtensions(tx, now, { assignmentIds: [a.id], orgId: actor.orgId, actorUserId: actor.id, because: "RETURNED" });
      await closeDelegatedWork(tx, now, { parentIds: [a.id], orgId: actor.orgId, actorUserId: actor.id, because: "RETURNED" });
      await appendAuditEvent(tx, {
        type: "assignment.returned",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "Assignment",
        entityId: a.id,
        data: { ref: a.ref, reason: input.reason },
      });
      const leader = a.directive.authorId;
      if (leader !== actor.id) {
        await enqueueOutbox(tx, now, [{ userId: leader, kind: "assignment.returned", payload: { assignmentId: a.id }, dedupeKey: `asg:${a.id}:returned:${leader}` }]);
      }
      return { ...outcomeAfter(actor, a, "RETURNED", { hasPendingExtension: false }), assignmentId: a.id };
    });
  });
