import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { acknowledgesMain, enqueueInterchangeProgress } from "../interchange/enqueue-status.ts";
import { enqueueOutbox, type OutboxIntent } from "../outbox/enqueue-outbox.ts";
import { runUseCase } from "../use-case.ts";
import { DOCUMENT_TRANSITIONS, conflictFor, fromStatuses, requireAssignmentAction } from "../workflow/state-machine.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import type { AssignmentAction } from "../workflow/state-machine.ts";
import { factsOf, loadAssignmentForAction, outcomeAfter, unitHeadIds, shownRef } from "./assignment-access.ts";
import { closeDelegatedWork } from "./close-delegated-work.ts";
import { completeDirect } from "./complete-direct.ts";
import { closePendingExtensions } from "./close-extensions.ts";
import { createReport, prepareReportFile } from "./store-report.ts";

const ZFile = z.object({ bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array, "must be bytes"), fileName: z.string().optional(), mimeHint: z.string().optional() });

export const ZCompleteAssignmentInput = z.object({
  actorUserId: z.string().min(1),
  assignmentId: z.string().min(1),
  /** The completion report (báo cáo hoàn thành), verbatim. */
  text: z.string().max(10_000),
  files: z.array(ZFile).default([]),
});
export type CompleteAssignmentInput = z.input<typeof ZCompleteAssignmentInput>;
/** The completed assignment (`id`, `ref`, the actions left: none), its report, and whether the document is done. */
export type CompleteAssignmentResult = ActionOutcome<AssignmentAction> & { reportId: string; documentDone: boolean };

/**
 * The holder reports the assignment completed, with a report (text and optional files).
 * Compare-and-set: a second report gets ASSIGNMENT_ALREADY_COMPLETED. A delegated officer's
 * completion is reported to the unit's heads (who then complete the unit's assignment); a unit's
 * completion to the leader who directed it. The document is done when its main assignment is
 * completed; coordinators' states stay as they are. When a head completes the unit's assignment
 * while an officer's delegation under it is still open, the delegation closes with it (the officer
 * is told; their old buttons answer with that state).
 *
 * @example await completeAssignment(deps, { actorUserId, assignmentId, text: "Đã tham mưu văn bản trả lời số 12/UBND-TCKH." })
 */
export const completeAssignment = (deps: CoreDeps, raw: CompleteAssignmentInput): Promise<CompleteAssignmentResult> =>
  runUseCase(deps, { action: "assignment.complete", actorUserId: raw.actorUserId, entityType: "Assignment", entityId: raw.assignmentId }, async () => {
    const input = ZCompleteAssignmentInput.parse(raw);
    if (input.text.trim() === "") throw new DomainError("REPORT_TEXT_EMPTY", "assignment.reportTextEmpty");
    // The common case (no file, nothing else to close) in one read and one statement; the rest here.
    const direct = input.files.length === 0 ? await completeDirect(deps, input) : null;
    if (direct !== null) return direct;
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const file = await prepareReportFile(deps, input.files);
    const now = deps.clock.now();
    return deps.prisma.$transaction(async (tx) => {
      const a = await loadAssignmentForAction(tx, actor, input.assignmentId);
      requireAssignmentAction(actor, factsOf(a), "complete", shownRef(deps, a.ref));
      const done = await tx.assignment.updateMany({
        where: { id: a.id, status: { in: fromStatuses("complete") } },
        data: {
          status: "COMPLETED",
          completedAt: now,
          completedById: actor.id,
          nextReminderAt: null,
          reminderStep: null,
          ...(a.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedById: actor.id }),
        },
      });
      if (done.count === 0) throw conflictFor((await tx.assignment.findUniqueOrThrow({ where: { id: a.id }, select: { status: true } })).status, shownRef(deps, a.ref));
      await closePendingExtensions(tx, now, { assignmentIds: [a.id], orgId: actor.orgId, actorUserId: actor.id, because: "COMPLETED" });
      if (a.parentId === null) await closeDelegatedWork(tx, now, { parentIds: [a.id], orgId: actor.orgId, actorUserId: actor.id, because: "COMPLETED" });
      const reportId = await createReport(tx, now, { assignmentId: a.id, kind: "COMPLETION", text: input.text, authorId: actor.id, ref: a.ref, file });
      await appendAuditEvent(tx, {
        type: "assignment.completed",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "Assignment",
        entityId: a.id,
        data: { ref: a.ref, reportId, sha256: file?.sha256 ?? null, late: a.dueAt ? now > a.dueAt : false },
      });

      const outbox: OutboxIntent[] = [];
      const tell = (userIds: string[]) =>
        userIds
          .filter((id) => id !== actor.id)
          .forEach((userId) => outbox.push({ userId, kind: "assignment.completed", payload: { assignmentId: a.id, reportId }, dedupeKey: `rep:${reportId}:${userId}` }));
      let documentDone = false;
      if (a.parentId) {
        tell(await unitHeadIds(tx, a.unitId));
      } else {
        tell([a.directive.authorId]);
        if (a.role === "MAIN") {
          // A document from the interchange: its sender hears the handling is complete (status 06), after
          // hearing the main unit is at work (05) when the completion also acknowledges it (straight from ASSIGNED).
          if (acknowledgesMain(a)) await enqueueInterchangeProgress(tx, now, { documentId: a.documentId, statusCode: "05" });
          await enqueueInterchangeProgress(tx, now, { documentId: a.documentId, statusCode: "06" });
          const closed = await tx.document.updateMany({
            where: { id: a.documentId, status: { in: [...DOCUMENT_TRANSITIONS.complete.from] } },
            data: { status: DOCUMENT_TRANSITIONS.complete.to },
          });
          documentDone = closed.count === 1;
          if (documentDone) {
            await appendAuditEvent(tx, {
              type: "document.done",
              at: now,
              orgId: actor.orgId,
              actorUserId: actor.id,
              entityType: "Document",
              entityId: a.documentId,
              data: { ref: a.document.ref },
            });
          }
        }
      }
      await enqueueOutbox(tx, now, outbox);
      return { ...outcomeAfter(actor, a, "COMPLETED", { hasPendingExtension: false }), reportId, documentDone };
    });
  });
