import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { assignmentRef } from "../documents/refs.ts";
import { DomainError } from "../errors.ts";
import { acknowledgesMain, enqueueInterchangeProgress } from "../interchange/enqueue-status.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { loadReminderContext } from "../reminders/reminder-context.ts";
import { refreshAssignmentReminder } from "../reminders/schedule-reminder.ts";
import { runUseCase } from "../use-case.ts";
import { OPEN_STATUSES, conflictFor, fromStatuses, requireAssignmentAction } from "../workflow/state-machine.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import type { AssignmentAction } from "../workflow/state-machine.ts";
import { factsOf, loadAssignmentForAction, outcomeAfter, shownRef } from "./assignment-access.ts";
import { delegateDirect, delegationDueAt, openDelegationRefusal } from "./delegate-direct.ts";

export const ZDelegateAssignmentInput = z.object({
  actorUserId: z.string().min(1),
  assignmentId: z.string().min(1),
  /** The officer's user code, e.g. `cv.tckh`. */
  officerUserCode: z.string().trim().min(1),
  /** The officer's deadline: not later than the unit's. Defaults to it. */
  due: z.union([z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }), z.object({ workingDays: z.number().int().min(1).max(365) })]).optional(),
  note: z.string().max(2000).optional(),
});
export type DelegateAssignmentInput = z.input<typeof ZDelegateAssignmentInput>;
/**
 * The new delegation (`assignmentId`, `ref`: `D7/2026-TCKH-cv.tckh`), the officer, and `unit`: the
 * unit's assignment whose state changed (now in progress) with the head's actions on it now, the
 * card the channels update.
 */
export type DelegateAssignmentResult = { assignmentId: string; ref: string; officerId: string; officerName: string; dueAt: Date | null; unit: ActionOutcome<AssignmentAction> };

/**
 * A unit head hands the unit's assignment to one of the unit's officers: a child assignment with
 * its own deadline (not later than the parent's). The parent counts as received and in progress;
 * the officer is told.
 *
 * @example await delegateAssignment(deps, { actorUserId, assignmentId, officerUserCode: "cv.tckh", due: { workingDays: 3 } })
 */
export const delegateAssignment = (deps: CoreDeps, raw: DelegateAssignmentInput): Promise<DelegateAssignmentResult> =>
  runUseCase(deps, { action: "assignment.delegate", actorUserId: raw.actorUserId, entityType: "Assignment", entityId: raw.assignmentId }, async () => {
    const input = ZDelegateAssignmentInput.parse(raw);
    // The common case in one read and one statement; the rest (a row changed meanwhile) here.
    const direct = await delegateDirect(deps, input);
    if (direct !== null) return direct;
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const now = deps.clock.now();
    // Read outside the transaction: on PGlite (one session) a read through deps.prisma inside an
    // open transaction would wait for that transaction to end.
    const ctx = await loadReminderContext(deps, { orgId: actor.orgId });
    return deps.prisma.$transaction(async (tx) => {
      const a = await loadAssignmentForAction(tx, actor, input.assignmentId);
      requireAssignmentAction(actor, factsOf(a), "delegate", shownRef(deps, a.ref));
      const officer = await tx.user.findFirst({
        where: { orgId: actor.orgId, code: { equals: input.officerUserCode, mode: "insensitive" }, active: true },
        select: { id: true, code: true, name: true, unitId: true },
      });
      if (!officer || officer.unitId !== a.unitId) throw new DomainError("OFFICER_NOT_IN_UNIT", "assignment.officerNotInUnit", { user: input.officerUserCode, unit: a.unit.code });
      const open = await tx.assignment.count({ where: { parentId: a.id, assigneeUserId: officer.id, status: { in: OPEN_STATUSES } } });
      if (open > 0) throw new DomainError("DELEGATION_EXISTS", "assignment.delegationExists", { user: officer.code });

      const dueAt = delegationDueAt(ctx, now, input.due, a.dueAt);
      const ref = assignmentRef(a.document.ref, a.unit.code, officer.code);
      // Two delegations at the same moment both count none open: the index refuses the second.
      const child = await tx.assignment
        .create({
          data: {
            directiveId: a.directiveId,
            documentId: a.documentId,
            unitId: a.unitId,
            role: a.role,
            ref,
            dueAt,
            originalDueAt: dueAt,
            parentId: a.id,
            assigneeUserId: officer.id,
            sentAt: now,
            createdAt: now,
          },
          select: { id: true },
        })
        .catch((err: unknown) => {
          throw openDelegationRefusal(err, officer.code);
        });
      const moved = await tx.assignment.updateMany({
        where: { id: a.id, status: { in: fromStatuses("delegate") } },
        data: { status: "IN_PROGRESS", ...(a.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedById: actor.id }) },
      });
      if (moved.count === 0) throw conflictFor((await tx.assignment.findUniqueOrThrow({ where: { id: a.id }, select: { status: true } })).status, shownRef(deps, a.ref));
      // Straight from ASSIGNED the delegation acknowledges the unit's main assignment: a document from the
      // interchange tells its sender the main unit is at work (status 05), as the acknowledgement does.
      if (acknowledgesMain(a)) await enqueueInterchangeProgress(tx, now, { documentId: a.documentId, statusCode: "05" });
      await refreshAssignmentReminder(tx, { assignmentId: child.id, calendar: ctx.calendar, policy: ctx.policy, now });
      await refreshAssignmentReminder(tx, { assignmentId: a.id, calendar: ctx.calendar, policy: ctx.policy, now });
      await appendAuditEvent(tx, {
        type: "assignment.delegated",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "Assignment",
        entityId: child.id,
        data: { parentId: a.id, ref, officerId: officer.id, dueAt: dueAt?.toISOString() ?? null, note: input.note ?? null },
      });
      await enqueueOutbox(tx, now, [
        { userId: officer.id, kind: "assignment.new", payload: { assignmentId: child.id }, dedupeKey: `asg:${child.id}:assignment.new:${officer.id}`, urgency: a.document.urgency },
      ]);
      return { assignmentId: child.id, ref, officerId: officer.id, officerName: officer.name, dueAt, unit: outcomeAfter(actor, a, "IN_PROGRESS") };
    });
  });
