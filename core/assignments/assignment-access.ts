// Who may do what with an assignment, and the shared loading of one for a state change.
import type { Actor } from "../actors/actor.ts";
import { hasRole } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { displayRef } from "../documents/refs.ts";
import { DomainError } from "../errors.ts";
import { localDateOf } from "../time.ts";
import type { Tx } from "../store/tx.ts";
import type { AssignmentStatus } from "../store/generated/enums.ts";

export const OPEN_STATUSES: AssignmentStatus[] = ["ASSIGNED", "ACKNOWLEDGED", "IN_PROGRESS"];

export const ASSIGNMENT_FOR_ACTION = {
  id: true,
  ref: true,
  status: true,
  role: true,
  unitId: true,
  parentId: true,
  assigneeUserId: true,
  dueAt: true,
  originalDueAt: true,
  acknowledgedAt: true,
  isPaper: true,
  documentId: true,
  directiveId: true,
  unit: { select: { code: true, name: true, orgId: true } },
  document: { select: { ref: true, orgId: true, urgency: true } },
  directive: { select: { authorId: true } },
} as const;

export type AssignmentForAction = NonNullable<Awaited<ReturnType<typeof loadAssignmentForAction>>>;

/** Loads an assignment of the actor's organisation; an unknown id or another organisation's → not found. */
export const loadAssignmentForAction = async (tx: Tx, actor: Actor, assignmentId: string) => {
  const a = await tx.assignment.findUnique({ where: { id: assignmentId }, select: ASSIGNMENT_FOR_ACTION });
  if (!a || a.unit.orgId !== actor.orgId) throw new DomainError("ASSIGNMENT_NOT_FOUND", "assignment.notFound");
  return a;
};

/**
 * The holder of an assignment: for a unit's assignment, the unit's heads; for a delegated one, the
 * officer it was delegated to (and the unit's heads, who stay answerable for it).
 */
export const isHolder = (actor: Actor, a: Pick<AssignmentForAction, "unitId" | "assigneeUserId">): boolean =>
  (actor.unitId === a.unitId && hasRole(actor, "UNIT_HEAD")) || (a.assigneeUserId !== null && a.assigneeUserId === actor.id);

/** Refuses (FORBIDDEN, audited by runUseCase) unless the actor holds the assignment. */
export const requireHolder = (actor: Actor, a: Pick<AssignmentForAction, "unitId" | "assigneeUserId">): void => {
  if (!isHolder(actor, a)) throw new DomainError("FORBIDDEN", "assignment.notYours");
};

/** Explains why a compare-and-set did not match, from the row as it is now. */
export const conflictFor = (status: AssignmentStatus, ref: string): DomainError => {
  switch (status) {
    case "ACKNOWLEDGED":
    case "IN_PROGRESS":
      return new DomainError("ASSIGNMENT_ALREADY_ACKNOWLEDGED", "assignment.alreadyAcknowledged", { ref });
    case "COMPLETED":
      return new DomainError("ASSIGNMENT_ALREADY_COMPLETED", "assignment.alreadyCompleted", { ref });
    case "RETURNED":
      return new DomainError("ASSIGNMENT_RETURNED", "assignment.returnedAlready", { ref });
    case "CANCELLED":
      return new DomainError("ASSIGNMENT_CANCELLED", "assignment.cancelled", { ref });
    default:
      return new DomainError("ASSIGNMENT_CONFLICT", "assignment.changedMeanwhile", { ref });
  }
};

/** Active heads of a unit. */
export const unitHeadIds = async (tx: Tx, unitId: string): Promise<string[]> =>
  (await tx.user.findMany({ where: { unitId, active: true, roles: { has: "UNIT_HEAD" } }, select: { id: true } })).map((u) => u.id);

/** A stored ref as people type it now (`D7/2026-TCKH` → `D7-TCKH` during 2026, office time). */
export const shownRef = (deps: Pick<CoreDeps, "clock" | "settings">, ref: string): string =>
  displayRef(ref, Number(localDateOf(deps.clock.now(), deps.settings.officeTimeZone).slice(0, 4)));
