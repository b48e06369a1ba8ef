// The assignment as the hot paths' joined reads select it (acknowledgement, progress, delegation,
// completion): the columns the rules read, mapped to the state machine's facts in one place.
import type { AssignmentRole, AssignmentStatus } from "../store/generated/enums.ts";
import type { AssignmentFacts } from "../workflow/state-machine.ts";

/** The columns of a joined read the rules need (status and role as text; the parent's status when delegated). */
export type AssignmentRuleColumns = { unitId: string; parentId: string | null; assigneeUserId: string | null; status: string; role: string; parentStatus: string | null };

/**
 * The facts `requireAssignmentAction` decides on, from a joined read's row.
 *
 * @example const facts = factsOfRow(r, { dueAt, hasPendingExtension: r.hasPendingExtension === true });
 */
export const factsOfRow = (r: AssignmentRuleColumns, more: { dueAt: Date | null; hasPendingExtension: boolean }): AssignmentFacts => ({
  unitId: r.unitId,
  parentId: r.parentId,
  assigneeUserId: r.assigneeUserId,
  status: r.status as AssignmentStatus,
  role: r.role as AssignmentRole,
  dueAt: more.dueAt,
  hasPendingExtension: more.hasPendingExtension,
  parent: r.parentStatus === null ? null : { status: r.parentStatus as AssignmentStatus },
});
