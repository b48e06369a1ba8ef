import { z } from "zod";
import { hasRole, loadActor } from "../actors/actor.ts";
import { OPEN_STATUSES } from "../workflow/state-machine.ts";
import type { CoreDeps } from "../deps.ts";
import type { Prisma } from "../store/generated/client.ts";
import type { AssignmentRole, AssignmentStatus, Urgency } from "../store/generated/enums.ts";
import { runUseCase } from "../use-case.ts";
import { assignmentActionsFor, type AssignmentAction } from "../workflow/state-machine.ts";
import { byDueThenUrgency, codeOf, deadlineInfo, loadQueryContext, namesOf, shownRef, type DeadlineInfo } from "./query-context.ts";
import { visibleDocumentsWhere } from "./visibility.ts";

export const ZListMyTasksInput = z.object({ actorUserId: z.string().min(1) });
export type ListMyTasksInput = z.input<typeof ZListMyTasksInput>;

/** What every task shows about its document and deadline. */
type TaskBase = DeadlineInfo & {
  documentId: string;
  /** The document's canonical ref (`D7/2026`) and as people type it this year (`D7`). */
  documentRef: string;
  documentDisplayRef: string;
  subject: string;
  issuer: string | null;
  /** Số, ký hiệu of the issuer, e.g. `45/STC-NS`. */
  code: string | null;
  urgency: Urgency;
};

/** An assignment the person holds: their unit's (unit head) or delegated to them (officer). */
export type AssignmentTask = TaskBase & {
  kind: "assignment";
  assignmentId: string;
  /** Canonical (`D7/2026-TCKH`) and displayed (`D7-TCKH`) assignment ref. */
  ref: string;
  displayRef: string;
  unit: { code: string; name: string };
  role: AssignmentRole;
  status: AssignmentStatus;
  /** Delegated to this person by their unit head (Assignment.parentId set). */
  isDelegated: boolean;
  /** The current directive, verbatim. */
  directiveText: string;
  actions: AssignmentAction[];
};

/** A leader: a registered document waiting for a directive. */
export type DirectTask = TaskBase & { kind: "toDirect"; ref: string; displayRef: string; arrivalAt: Date | null };

/** A leader: a unit asks for more time on an assignment of a directive this leader gave. */
export type ExtensionTask = TaskBase & {
  kind: "extensionRequest";
  extensionRequestId: string;
  assignmentId: string;
  ref: string;
  displayRef: string;
  unit: { code: string; name: string };
  requestedDueAt: Date;
  reason: string;
  requestedByName: string | null;
};

export type TaskItem = AssignmentTask | DirectTask | ExtensionTask;
export type ListMyTasksResult = { items: TaskItem[] };

const DOC = { id: true, ref: true, subject: true, issuer: true, codeNumber: true, codeNotation: true, urgency: true } as const;

/**
 * `/viec`: what the person must act on now, earliest deadline first (no deadline last), then the
 * more urgent first.
 * - unit head: the unit's own open assignments (not the delegations inside the unit);
 * - anyone: open assignments delegated to them;
 * - leader: documents waiting for a directive (registered, not secret) and pending extension
 *   requests on assignments of directives they gave.
 * A for-information (INFO) assignment is a task only until it is acknowledged.
 *
 * @example const { items } = await listMyTasks(deps, { actorUserId });
 */
export const listMyTasks = (deps: CoreDeps, raw: ListMyTasksInput): Promise<ListMyTasksResult> =>
  runUseCase(deps, { action: "query.myTasks", actorUserId: raw.actorUserId }, async () => {
    const input = ZListMyTasksInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const ctx = await loadQueryContext(deps, actor);
    const visible = visibleDocumentsWhere(actor);
    const base = (
      d: { id: string; ref: string; subject: string; issuer: string | null; codeNumber: string | null; codeNotation: string | null; urgency: Urgency },
      dueAt: Date | null,
    ): TaskBase => ({
      documentId: d.id,
      documentRef: d.ref,
      documentDisplayRef: shownRef(ctx, d.ref),
      subject: d.subject,
      issuer: d.issuer,
      code: codeOf(d),
      urgency: d.urgency,
      ...deadlineInfo(ctx, dueAt),
    });

    const mine: Prisma.AssignmentWhereInput[] = [{ assigneeUserId: actor.id }];
    if (hasRole(actor, "UNIT_HEAD")) mine.push({ unitId: actor.unitId, parentId: null });
    const assignments = await deps.prisma.assignment.findMany({
      where: {
        status: { in: OPEN_STATUSES },
        document: visible,
        AND: [{ OR: mine }, { OR: [{ role: { not: "INFO" } }, { status: "ASSIGNED" }] }],
      },
      select: {
        id: true,
        ref: true,
        role: true,
        status: true,
        dueAt: true,
        unitId: true,
        parentId: true,
        assigneeUserId: true,
        unit: { select: { code: true, name: true } },
        directive: { select: { text: true } },
        document: { select: DOC },
        extensions: { where: { status: "PENDING" }, select: { id: true }, take: 1 },
      },
    });
    const items: TaskItem[] = assignments.map((a) => ({
      ...base(a.document, a.dueAt),
      kind: "assignment",
      assignmentId: a.id,
      ref: a.ref,
      displayRef: shownRef(ctx, a.ref),
      unit: a.unit,
      role: a.role,
      status: a.status,
      isDelegated: a.parentId !== null,
      directiveText: a.directive.text,
      actions: assignmentActionsFor(actor, { ...a, hasPendingExtension: a.extensions.length > 0 }),
    }));

    if (hasRole(actor, "LEADER")) {
      const toDirect = await deps.prisma.document.findMany({
        where: { AND: [visible, { direction: "IN", status: "REGISTERED", secrecy: "NONE" }] },
        select: { ...DOC, dueAt: true, arrivalAt: true },
      });
      for (const d of toDirect) items.push({ ...base(d, d.dueAt), kind: "toDirect", ref: d.ref, displayRef: shownRef(ctx, d.ref), arrivalAt: d.arrivalAt });

      const requests = await deps.prisma.extensionRequest.findMany({
        where: { status: "PENDING", assignment: { status: { in: OPEN_STATUSES }, directive: { authorId: actor.id }, document: visible } },
        select: {
          id: true,
          requestedDueAt: true,
          reason: true,
          requestedById: true,
          assignment: { select: { id: true, ref: true, dueAt: true, unit: { select: { code: true, name: true } }, document: { select: DOC } } },
        },
      });
      const requesters = await namesOf(
        deps,
        requests.map((r) => r.requestedById),
      );
      for (const r of requests) {
        items.push({
          ...base(r.assignment.document, r.assignment.dueAt),
          kind: "extensionRequest",
          extensionRequestId: r.id,
          assignmentId: r.assignment.id,
          ref: r.assignment.ref,
          displayRef: shownRef(ctx, r.assignment.ref),
          unit: r.assignment.unit,
          requestedDueAt: r.requestedDueAt,
          reason: r.reason,
          requestedByName: requesters.get(r.requestedById) ?? null,
        });
      }
    }
    // Stable order for equal deadline and urgency: by ref, so a list reads the same every time.
    items.sort((a, b) => byDueThenUrgency(a, b) || a.ref.localeCompare(b.ref, "en", { numeric: true }));
    return { items };
  });
