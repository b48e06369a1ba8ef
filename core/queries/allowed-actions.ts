// What a person may do with an assignment right now, for the bots' buttons and reply hints. The use
// cases in core/assignments enforce their own checks; this mirrors them (it reuses their `isHolder`
// and `OPEN_STATUSES`) so a button is shown only when pressing it can succeed.
import { hasRole, type Actor } from "../actors/actor.ts";
import { OPEN_STATUSES, isHolder } from "../assignments/assignment-access.ts";
import type { AssignmentRole, AssignmentStatus } from "../store/generated/enums.ts";

/** Actions on an assignment, in the order bots show them. */
export const ASSIGNMENT_ACTIONS = ["ack", "delegate", "progress", "complete", "return", "extend"] as const;
export type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

/** The facts about an assignment that decide the actions. */
export type AssignmentForActions = {
  unitId: string;
  parentId: string | null;
  assigneeUserId: string | null;
  status: AssignmentStatus;
  role: AssignmentRole;
  dueAt: Date | null;
  /** An extension request is waiting for the leader: no second one. @defaultValue false */
  hasPendingExtension?: boolean;
};

/**
 * The actions `actor` may take on an assignment now:
 * - `ack` (nhận): the holder (the unit's heads; for a delegation, the officer too) while ASSIGNED;
 * - `delegate` (giao): a head of the unit, on the unit's own (top-level) open assignment;
 * - `progress` / `complete` (báo cáo tiến độ / hoàn thành): the holder of an open assignment (a
 *   report on one not yet acknowledged counts as its acknowledgement, as the use cases do);
 * - `return` (trả lại: not this unit's business): the holder of a top-level assignment before the
 *   work has started (ASSIGNED or ACKNOWLEDGED);
 * - `extend` (xin gia hạn): the holder of a top-level open assignment with a deadline, when no
 *   request is pending.
 * An INFO assignment (nhận để biết) only ever offers `ack`. Closed assignments offer nothing.
 *
 * @example allowedActions(actor, assignment) // ["ack", "delegate", "return", "extend"]
 */
export const allowedActions = (actor: Actor, a: AssignmentForActions): AssignmentAction[] => {
  if (!OPEN_STATUSES.includes(a.status)) return [];
  const holder = isHolder(actor, a);
  const isTopLevel = a.parentId === null;
  const out = new Set<AssignmentAction>();
  if (holder && a.status === "ASSIGNED") out.add("ack");
  if (a.role !== "INFO") {
    if (isTopLevel && actor.unitId === a.unitId && hasRole(actor, "UNIT_HEAD")) out.add("delegate");
    if (holder) {
      out.add("progress");
      out.add("complete");
    }
    if (holder && isTopLevel && (a.status === "ASSIGNED" || a.status === "ACKNOWLEDGED")) out.add("return");
    if (holder && isTopLevel && a.dueAt !== null && !a.hasPendingExtension) out.add("extend");
  }
  return ASSIGNMENT_ACTIONS.filter((x) => out.has(x));
};
