import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { acknowledgesMain, enqueueInterchangeProgress } from "../interchange/enqueue-status.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { loadReminderContext } from "../reminders/reminder-context.ts";
import { refreshAssignmentReminder } from "../reminders/schedule-reminder.ts";
import { runUseCase } from "../use-case.ts";
import { conflictFor, fromStatuses, requireAssignmentAction } from "../workflow/state-machine.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import type { AssignmentAction } from "../workflow/state-machine.ts";
import { factsOf, loadAssignmentForAction, outcomeAfter, unitHeadIds, shownRef } from "./assignment-access.ts";
import { reportProgressDirect } from "./progress-direct.ts";
import { createReport, prepareReportFile } from "./store-report.ts";

const ZFile = z.object({ bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array, "must be bytes"), fileName: z.string().optional(), mimeHint: z.string().optional() });

export const ZReportProgressInput = z.object({
  actorUserId: z.string().min(1),
  assignmentId: z.string().min(1),
  text: z.string().max(10_000),
  files: z.array(ZFile).default([]),
});
export type ReportProgressInput = z.input<typeof ZReportProgressInput>;

/**
 * The holder reports progress (báo cáo tiến độ). Reporting implies the assignment was received.
 * A delegated officer's report goes to the unit's heads; a unit's report on the main assignment
 * goes to the leader who directed it.
 */
/** The assignment, now in progress (`id`, `ref`, the reporter's `actions`), and the report. */
export type ReportProgressResult = ActionOutcome<AssignmentAction> & { reportId: string };

export const reportProgress = (deps: CoreDeps, raw: ReportProgressInput): Promise<ReportProgressResult> =>
  runUseCase(deps, { action: "assignment.reportProgress", actorUserId: raw.actorUserId, entityType: "Assignment", entityId: raw.assignmentId }, async () => {
    const input = ZReportProgressInput.parse(raw);
    if (input.text.trim() === "") throw new DomainError("REPORT_TEXT_EMPTY", "assignment.reportTextEmpty");
    // The common case (a text report, no file) in one read and one statement; the rest here.
    const direct = input.files.length === 0 ? await reportProgressDirect(deps, input) : null;
    if (direct !== null) return direct;
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const file = await prepareReportFile(deps, input.files);
    const now = deps.clock.now();
    // Read outside the transaction: on PGlite (one session) a read through deps.prisma inside an
    // open transaction would wait for that transaction to end.
    const ctx = await loadReminderContext(deps, { orgId: actor.orgId });
    return deps.prisma.$transaction(async (tx) => {
      const a = await loadAssignmentForAction(tx, actor, input.assignmentId);
      requireAssignmentAction(actor, factsOf(a), "progress", shownRef(deps, a.ref));
      const moved = await tx.assignment.updateMany({
        where: { id: a.id, status: { in: fromStatuses("progress") } },
        data: { status: "IN_PROGRESS", ...(a.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedById: actor.id }) },
      });
      if (moved.count === 0) throw conflictFor((await tx.assignment.findUniqueOrThrow({ where: { id: a.id }, select: { status: true } })).status, shownRef(deps, a.ref));
      // Straight from ASSIGNED the report acknowledges the unit's main assignment: a document from the
      // interchange tells its sender the main unit is at work (status 05), as the acknowledgement does.
      if (acknowledgesMain(a)) await enqueueInterchangeProgress(tx, now, { documentId: a.documentId, statusCode: "05" });
      const reportId = await createReport(tx, now, { assignmentId: a.id, kind: "PROGRESS", text: input.text, authorId: actor.id, ref: a.ref, file });
      await refreshAssignmentReminder(tx, { assignmentId: a.id, calendar: ctx.calendar, policy: ctx.policy, now });
      await appendAuditEvent(tx, {
        type: "assignment.progressReported",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "Assignment",
        entityId: a.id,
        data: { reportId, sha256: file?.sha256 ?? null },
      });
      const audience = a.parentId ? await unitHeadIds(tx, a.unitId) : a.role === "MAIN" ? [a.directive.authorId] : [];
      await enqueueOutbox(
        tx,
        now,
        audience
          .filter((id) => id !== actor.id)
          .map((userId) => ({ userId, kind: "assignment.progress" as const, payload: { assignmentId: a.id, reportId }, dedupeKey: `rep:${reportId}:${userId}` })),
      );
      return { ...outcomeAfter(actor, a, "IN_PROGRESS"), reportId };
    });
  });
