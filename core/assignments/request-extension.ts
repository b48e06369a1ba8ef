import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { loadReminderContext } from "../reminders/reminder-context.ts";
import { dueAtForDate } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { requireAssignmentAction } from "../workflow/state-machine.ts";
import { requireWorkingDay } from "../workflow/deadlines.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import type { AssignmentAction } from "../workflow/state-machine.ts";
import { factsOf, loadAssignmentForAction, outcomeAfter, shownRef } from "./assignment-access.ts";

export const ZRequestExtensionInput = z.object({
  actorUserId: z.string().min(1),
  assignmentId: z.string().min(1),
  reason: z.string().max(2000),
  newDue: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD") }),
});
export type RequestExtensionInput = z.input<typeof ZRequestExtensionInput>;

/**
 * A unit head asks the leader who directed an assignment for a later deadline (xin gia hạn). One
 * pending request at a time; the new date must be after the deadline in force.
 */
/** The assignment (`id`, `ref`, the requester's `actions` now that a request waits), the request and the date asked for. */
export type RequestExtensionResult = ActionOutcome<AssignmentAction> & { extensionId: string; requestedDueAt: Date };

export const requestExtension = (deps: CoreDeps, raw: RequestExtensionInput): Promise<RequestExtensionResult> =>
  runUseCase(deps, { action: "assignment.requestExtension", actorUserId: raw.actorUserId, entityType: "Assignment", entityId: raw.assignmentId }, async () => {
    const input = ZRequestExtensionInput.parse(raw);
    if (input.reason.trim() === "") throw new DomainError("EXTENSION_REASON_EMPTY", "assignment.extensionReasonEmpty");
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const now = deps.clock.now();
    // Read outside the transaction: on PGlite (one session) a read through deps.prisma inside an
    // open transaction would wait for that transaction to end.
    const ctx = await loadReminderContext(deps, { orgId: actor.orgId });
    return deps.prisma.$transaction(async (tx) => {
      const a = await loadAssignmentForAction(tx, actor, input.assignmentId);
      requireAssignmentAction(actor, factsOf(a), "extend", shownRef(deps, a.ref));
      if (!a.dueAt) throw new DomainError("EXTENSION_NO_DEADLINE", "assignment.extensionNoDeadline");
      requireWorkingDay(ctx.calendar, input.newDue.date);
      const requestedDueAt = dueAtForDate(input.newDue.date, ctx.zone);
      if (requestedDueAt <= a.dueAt) throw new DomainError("EXTENSION_NOT_LATER", "assignment.extensionNotLater");
      if ((await tx.extensionRequest.count({ where: { assignmentId: a.id, status: "PENDING" } })) > 0)
        throw new DomainError("EXTENSION_PENDING", "assignment.extensionPending", { ref: shownRef(deps, a.ref) });
      const ext = await tx.extensionRequest.create({
        data: { assignmentId: a.id, requestedById: actor.id, reason: input.reason, requestedDueAt, previousDueAt: a.dueAt, createdAt: now },
        select: { id: true },
      });
      await appendAuditEvent(tx, {
        type: "assignment.extensionRequested",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "ExtensionRequest",
        entityId: ext.id,
        data: { assignmentId: a.id, ref: a.ref, from: a.dueAt.toISOString(), to: requestedDueAt.toISOString() },
      });
      await enqueueOutbox(tx, now, [{ userId: a.directive.authorId, kind: "extension.requested", payload: { extensionId: ext.id }, dedupeKey: `ext:${ext.id}:requested` }]);
      return { ...outcomeAfter(actor, a, a.status, { hasPendingExtension: true }), extensionId: ext.id, requestedDueAt };
    });
  });
