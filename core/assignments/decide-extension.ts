import { shownRef } from "./assignment-access.ts";
import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { loadReminderContext } from "../reminders/reminder-context.ts";
import { refreshAssignmentReminder } from "../reminders/schedule-reminder.ts";
import { runUseCase } from "../use-case.ts";
import { localDateOf } from "../time.ts";
import { requireWorkingDay } from "../workflow/deadlines.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import { EXTENSION_TRANSITIONS, OPEN_STATUSES, checkExtensionAction, extensionActionsFor, extensionStaleError, type ExtensionAction } from "../workflow/state-machine.ts";

export const ZDecideExtensionInput = z.object({
  actorUserId: z.string().min(1),
  extensionId: z.string().min(1),
  grant: z.boolean(),
  note: z.string().max(2000).optional(),
});
export type DecideExtensionInput = z.input<typeof ZDecideExtensionInput>;

/**
 * A leader grants or refuses an extension. Granting moves the deadline in force (`dueAt`) and keeps
 * the directive's original one (`originalDueAt`), so reports count both. The requester is told.
 */
/** The decided request (`id`; `ref` is its assignment's; `actions`: the decisions left, none), its state and the deadline in force. */
export type DecideExtensionResult = ActionOutcome<ExtensionAction> & { extensionId: string; status: "GRANTED" | "REFUSED"; dueAt: Date | null };

export const decideExtension = (deps: CoreDeps, raw: DecideExtensionInput): Promise<DecideExtensionResult> =>
  runUseCase(deps, { action: "assignment.decideExtension", actorUserId: raw.actorUserId, entityType: "ExtensionRequest", entityId: raw.extensionId }, async () => {
    const input = ZDecideExtensionInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const now = deps.clock.now();
    // Read outside the transaction: on PGlite (one session) a read through deps.prisma inside an
    // open transaction would wait for that transaction to end.
    const ctx = await loadReminderContext(deps, { orgId: actor.orgId });
    return deps.prisma.$transaction(async (tx) => {
      const ext = await tx.extensionRequest.findUnique({
        where: { id: input.extensionId },
        select: {
          id: true,
          status: true,
          requestedById: true,
          requestedDueAt: true,
          assignment: { select: { id: true, ref: true, status: true, dueAt: true, unit: { select: { orgId: true } } } },
        },
      });
      if (!ext || ext.assignment.unit.orgId !== actor.orgId) throw new DomainError("EXTENSION_NOT_FOUND", "assignment.extensionNotFound");
      const action = input.grant ? "grant" : "refuse";
      const ref = shownRef(deps, ext.assignment.ref);
      const refusal = checkExtensionAction(actor, { status: ext.status, assignmentStatus: ext.assignment.status }, action);
      if (refusal === "forbidden") throw new DomainError("FORBIDDEN", "error.forbidden");
      if (refusal === "state") throw extensionStaleError({ status: ext.status, assignmentStatus: ext.assignment.status }, ref);
      const status = EXTENSION_TRANSITIONS[action].to;
      // Compare-and-set on both rows: the request still waits AND its assignment is still open.
      const decided = await tx.extensionRequest.updateMany({
        where: { id: ext.id, status: { in: [...EXTENSION_TRANSITIONS[action].from] }, assignment: { status: { in: [...OPEN_STATUSES] } } },
        data: { status, decidedById: actor.id, decidedAt: now, decisionNote: input.note ?? null },
      });
      if (decided.count === 0) {
        const current = await tx.extensionRequest.findUniqueOrThrow({ where: { id: ext.id }, select: { status: true, assignment: { select: { status: true } } } });
        throw extensionStaleError({ status: current.status, assignmentStatus: current.assignment.status }, ref);
      }
      let dueAt = ext.assignment.dueAt;
      if (input.grant) {
        // The calendar may have changed since the request: a granted deadline is a working day too.
        requireWorkingDay(ctx.calendar, localDateOf(ext.requestedDueAt, ctx.zone));
        dueAt = ext.requestedDueAt;
        const moved = await tx.assignment.updateMany({ where: { id: ext.assignment.id, status: { in: [...OPEN_STATUSES] } }, data: { dueAt } });
        if (moved.count === 0) {
          const current = await tx.assignment.findUniqueOrThrow({ where: { id: ext.assignment.id }, select: { status: true } });
          throw extensionStaleError({ status: "CLOSED", assignmentStatus: current.status }, ref);
        }
        await refreshAssignmentReminder(tx, { assignmentId: ext.assignment.id, calendar: ctx.calendar, policy: ctx.policy, now });
      }
      await appendAuditEvent(tx, {
        type: input.grant ? "assignment.extensionGranted" : "assignment.extensionRefused",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "ExtensionRequest",
        entityId: ext.id,
        data: { assignmentId: ext.assignment.id, ref: ext.assignment.ref, dueAt: dueAt?.toISOString() ?? null, note: input.note ?? null },
      });
      if (ext.requestedById !== actor.id) {
        await enqueueOutbox(tx, now, [{ userId: ext.requestedById, kind: "extension.decided", payload: { extensionId: ext.id }, dedupeKey: `ext:${ext.id}:decided` }]);
      }
      return { id: ext.id, ref: ext.assignment.ref, actions: extensionActionsFor(actor, { status, assignmentStatus: ext.assignment.status }), extensionId: ext.id, status, dueAt };
    });
  });
