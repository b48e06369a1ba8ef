// The assignment as the hot paths' joined reads select it (acknowledgement, progress, delegation,
// completion): the columns the rules read, mapped to the state machine's facts in one place.
import { epochMs } from "../store/direct-sql.ts";
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

/**
 * The columns of `AssignmentRuleColumns` with the assignment's id, ref and deadline, for a `hotRead`
 * joining the assignment as `a`, its unit as `un` and its parent as `pa`.
 */
export const ASSIGNMENT_RULE_COLUMNS = {
  id: 'a."id"',
  ref: 'a."ref"',
  status: 'a."status"::text',
  role: 'a."role"::text',
  unitId: 'a."unitId"',
  unitOrgId: 'un."orgId"',
  parentId: 'a."parentId"',
  assigneeUserId: 'a."assigneeUserId"',
  dueAt: epochMs('a."dueAt"'),
  parentStatus: 'pa."status"::text',
} as const;

/** What the next reminder is computed from besides the rule columns (the assignment `a`, its document `d`). */
export const REMINDER_COLUMNS = {
  sentAt: epochMs('a."sentAt"'),
  isPaper: 'a."isPaper"',
  lastReminderAt: epochMs('a."lastReminderAt"'),
  escalationLevel: 'a."escalationLevel"',
  urgency: 'd."urgency"::text',
} as const;

/** Whether an extension request of the assignment `a` waits for a decision. */
export const PENDING_EXTENSION_COLUMN = `EXISTS (SELECT 1 FROM "ExtensionRequest" x WHERE x."assignmentId" = a."id" AND x."status" = 'PENDING')`;
