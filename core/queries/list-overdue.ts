import { z } from "zod";
import { hasRole, loadActor, seesAllDocuments } from "../actors/actor.ts";
import { workingDaysLate } from "../calendar/lateness.ts";
import { OPEN_STATUSES } from "../workflow/state-machine.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import type { Prisma } from "../store/generated/client.ts";
import type { AssignmentRole, AssignmentStatus, Urgency } from "../store/generated/enums.ts";
import { runUseCase } from "../use-case.ts";
import { byDueThenUrgency, loadQueryContext, shownRef } from "./query-context.ts";
import { visibleDocumentsWhere } from "./visibility.ts";

export const ZListOverdueInput = z.object({
  actorUserId: z.string().min(1),
  /** Only this unit (its code, any case). */
  unitCode: z.string().trim().min(1).max(50).optional(),
});
export type ListOverdueInput = z.input<typeof ZListOverdueInput>;

export type OverdueItem = {
  assignmentId: string;
  /** Canonical (`D7/2026-TCKH`) and displayed (`D7-TCKH`) assignment ref. */
  ref: string;
  displayRef: string;
  documentId: string;
  documentRef: string;
  subject: string;
  role: AssignmentRole;
  status: AssignmentStatus;
  urgency: Urgency;
  dueAt: Date;
  /** Working days overdue, at least 1 (an assignment that went overdue last night reads 1). */
  daysOverdue: number;
  isPaper: boolean;
  /** The officer holding a delegation; null for the unit's own assignment. */
  assignee: { code: string; name: string } | null;
};

export type OverdueGroup = { unit: { code: string; name: string }; items: OverdueItem[] };
export type ListOverdueResult = { asOf: Date; total: number; groups: OverdueGroup[] };

/**
 * `/quahan`: open assignments past their deadline, grouped by unit (units by code, items earliest
 * deadline first).
 * - leaders, clerks, the office (and admins): every unit's own assignments (delegations inside a
 *   unit are the same work and are not counted twice); `unitCode` narrows to one unit;
 * - a unit head: their unit, delegations included (to see which officer is late); another unit's
 *   code is refused (FORBIDDEN);
 * - anyone else: the delegations they hold.
 *
 * @example const { groups } = await listOverdue(deps, { actorUserId, unitCode: "TCKH" });
 */
export const listOverdue = (deps: CoreDeps, raw: ListOverdueInput): Promise<ListOverdueResult> =>
  runUseCase(deps, { action: "query.overdue", actorUserId: raw.actorUserId }, async () => {
    const input = ZListOverdueInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const ctx = await loadQueryContext(deps, actor);

    let unitId: string | undefined;
    if (input.unitCode !== undefined) {
      const unit = await deps.prisma.unit.findFirst({ where: { orgId: actor.orgId, code: { equals: input.unitCode, mode: "insensitive" } }, select: { id: true } });
      if (!unit) throw new DomainError("UNIT_NOT_FOUND", "directive.unitNotFound", { unit: input.unitCode });
      unitId = unit.id;
    }

    let scope: Prisma.AssignmentWhereInput;
    if (seesAllDocuments(actor)) {
      scope = { parentId: null, ...(unitId ? { unitId } : {}) };
    } else {
      if (unitId !== undefined && unitId !== actor.unitId) throw new DomainError("FORBIDDEN", "queries.overdueOtherUnit");
      scope = hasRole(actor, "UNIT_HEAD") ? { unitId: actor.unitId } : { assigneeUserId: actor.id };
    }

    const rows = await deps.prisma.assignment.findMany({
      where: { AND: [scope, { status: { in: OPEN_STATUSES }, dueAt: { lt: ctx.now }, document: visibleDocumentsWhere(actor) }] },
      select: {
        id: true,
        ref: true,
        role: true,
        status: true,
        dueAt: true,
        isPaper: true,
        assigneeUserId: true,
        unit: { select: { code: true, name: true } },
        document: { select: { id: true, ref: true, subject: true, urgency: true } },
      },
    });
    const assignees = await deps.prisma.user.findMany({
      where: { id: { in: [...new Set(rows.map((r) => r.assigneeUserId).filter((id): id is string => id !== null))] } },
      select: { id: true, code: true, name: true },
    });
    const assigneeById = new Map(assignees.map((u) => [u.id, { code: u.code, name: u.name }]));

    const groups = new Map<string, OverdueGroup>();
    for (const r of rows) {
      const dueAt = r.dueAt!;
      const item: OverdueItem = {
        assignmentId: r.id,
        ref: r.ref,
        displayRef: shownRef(ctx, r.ref),
        documentId: r.document.id,
        documentRef: r.document.ref,
        subject: r.document.subject,
        role: r.role,
        status: r.status,
        urgency: r.document.urgency,
        dueAt,
        daysOverdue: Math.max(1, workingDaysLate(ctx.calendar, dueAt, ctx.now)),
        isPaper: r.isPaper,
        assignee: r.assigneeUserId ? (assigneeById.get(r.assigneeUserId) ?? null) : null,
      };
      const group = groups.get(r.unit.code) ?? { unit: r.unit, items: [] };
      group.items.push(item);
      groups.set(r.unit.code, group);
    }
    const sorted = [...groups.values()].sort((a, b) => a.unit.code.localeCompare(b.unit.code, "en"));
    for (const g of sorted) g.items.sort((a, b) => byDueThenUrgency(a, b) || a.ref.localeCompare(b.ref, "en", { numeric: true }));
    return { asOf: ctx.now, total: rows.length, groups: sorted };
  });
