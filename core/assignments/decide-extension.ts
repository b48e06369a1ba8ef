import { shownRef } from "./assignment-access.ts";
import { z } from "zod";
import { hasRole, loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { loadReminderContext } from "../reminders/reminder-context.ts";
import { refreshAssignmentReminder } from "../reminders/schedule-reminder.ts";
import { runUseCase } from "../use-case.ts";

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
export const decideExtension = (deps: CoreDeps, raw: DecideExtensionInput): Promise<{ extensionId: string; status: "GRANTED" | "REFUSED"; dueAt: Date | null }> =>
  runUseCase(deps, { action: "assignment.decideExtension", actorUserId: raw.actorUserId, entityType: "ExtensionRequest", entityId: raw.extensionId }, async () => {
    const input = ZDecideExtensionInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    if (!hasRole(actor, "LEADER")) throw new DomainError("FORBIDDEN", "error.forbidden");
    const now = deps.clock.now();
    // Read outside the transaction: on PGlite (one session) a read through deps.prisma inside an
    // open transaction would wait for that transaction to end.
    const ctx = await loadReminderContext(deps, { orgId: actor.orgId });
    return deps.prisma.$transaction(async (tx) => {
      const ext = await tx.extensionRequest.findUnique({
        where: { id: input.extensionId },
        select: { id: true, requestedById: true, requestedDueAt: true, assignment: { select: { id: true, ref: true, dueAt: true, unit: { select: { orgId: true } } } } },
      });
      if (!ext || ext.assignment.unit.orgId !== actor.orgId) throw new DomainError("EXTENSION_NOT_FOUND", "assignment.extensionNotFound");
      const status = input.grant ? "GRANTED" : "REFUSED";
      const decided = await tx.extensionRequest.updateMany({
        where: { id: ext.id, status: "PENDING" },
        data: { status, decidedById: actor.id, decidedAt: now, decisionNote: input.note ?? null },
      });
      if (decided.count === 0) throw new DomainError("EXTENSION_ALREADY_DECIDED", "assignment.extensionAlreadyDecided", { ref: shownRef(deps, ext.assignment.ref) });
      let dueAt = ext.assignment.dueAt;
      if (input.grant) {
        dueAt = ext.requestedDueAt;
        await tx.assignment.update({ where: { id: ext.assignment.id }, data: { dueAt } });
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
      return { extensionId: ext.id, status, dueAt };
    });
  });
