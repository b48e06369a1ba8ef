// Who may do what with an assignment, and the shared loading of one for a state change.
import type { Actor } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { displayRef } from "../documents/refs.ts";
import { DomainError } from "../errors.ts";
import { localDateOf } from "../time.ts";
import type { Tx } from "../store/tx.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import { assignmentActionsFor, type AssignmentAction, type AssignmentFacts } from "../workflow/state-machine.ts";
import type { AssignmentStatus } from "../store/generated/enums.ts";

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
  extensions: { where: { status: "PENDING" }, select: { id: true } },
  parent: { select: { status: true } },
} as const;

export type AssignmentForAction = NonNullable<Awaited<ReturnType<typeof loadAssignmentForAction>>>;

/** Loads an assignment of the actor's organisation; an unknown id or another organisation's → not found. */
export const loadAssignmentForAction = async (tx: Tx, actor: Actor, assignmentId: string) => {
  const a = await tx.assignment.findUnique({ where: { id: assignmentId }, select: ASSIGNMENT_FOR_ACTION });
  if (!a || a.unit.orgId !== actor.orgId) throw new DomainError("ASSIGNMENT_NOT_FOUND", "assignment.notFound");
  return a;
};

/** The facts the transition table needs, from a loaded assignment. */
export const factsOf = (a: AssignmentForAction): AssignmentFacts => ({ ...a, hasPendingExtension: a.extensions.length > 0 });

/**
 * What a state-changing use case returns about the assignment it changed: its id and ref, and the
 * actions the actor may take on it in its new state (`status`, and `change` for the other facts
 * the change moved, e.g. a request now waiting), from the transition table.
 */
export const outcomeAfter = (
  actor: Actor,
  a: AssignmentForAction,
  status: AssignmentStatus,
  change: Partial<Pick<AssignmentFacts, "hasPendingExtension">> = {},
): ActionOutcome<AssignmentAction> => ({ id: a.id, ref: a.ref, actions: assignmentActionsFor(actor, { ...factsOf(a), status, ...change }) });

/** Active heads of a unit. */
export const unitHeadIds = async (tx: Tx, unitId: string): Promise<string[]> =>
  (await tx.user.findMany({ where: { unitId, active: true, roles: { has: "UNIT_HEAD" } }, select: { id: true } })).map((u) => u.id);

/** A stored ref as people type it now (`D7/2026-TCKH` → `D7-TCKH` during 2026, office time). */
export const shownRef = (deps: Pick<CoreDeps, "clock" | "settings">, ref: string): string =>
  displayRef(ref, Number(localDateOf(deps.clock.now(), deps.settings.officeTimeZone).slice(0, 4)));
