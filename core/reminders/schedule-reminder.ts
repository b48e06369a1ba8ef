// The reminder columns of an assignment (nextReminderAt, reminderStep, escalationLevel), computed
// from the pure policy (core/domain/reminder-policy.ts). The workflow use cases call
// `computeReminderState` (or `refreshAssignmentReminder` inside their transaction) whenever the
// schedule may change: an assignment is created, acknowledged, delegated, completed, returned,
// cancelled, or its deadline is extended. The chase job (send-due-reminder.ts) uses the same functions.
import type { Calendar } from "../calendar/calendar.ts";
import { DEFAULT_REMINDER_POLICY, nextReminder, type ReminderAssignment, type ReminderPlan, type ReminderPolicy } from "../domain/reminder-policy.ts";
import type { Tx } from "../store/tx.ts";

/**
 * The fields of an `Assignment` row the schedule depends on, plus its document's urgency
 * (`Document.urgency`) and the current escalation level.
 */
export type ReminderAssignmentRow = ReminderAssignment & {
  /** `Assignment.escalationLevel` as stored (kept when nothing is pending). @defaultValue 0 */
  escalationLevel?: number;
};

/** The reminder columns to store on the assignment. */
export type ReminderState = {
  /** When the sweep must look at the assignment next; null when nothing is pending. */
  nextReminderAt: Date | null;
  /** The step due at `nextReminderAt` (`ReminderStep`), null when nothing is pending. */
  reminderStep: string | null;
  /**
   * The escalation level of the pending reminder (0 holder, 1 unit heads, 2 office); when nothing is
   * pending, the stored level is kept (it then tells how far the chase went).
   */
  escalationLevel: number;
};

/** Input of `computeReminderState`. */
export type ComputeReminderStateInput = {
  assignment: ReminderAssignmentRow;
  calendar: Calendar;
  /** @defaultValue `DEFAULT_REMINDER_POLICY` */
  policy?: ReminderPolicy;
  now: Date;
};

/**
 * The reminder state of an assignment after a change: the next step the policy plans (see
 * `nextReminder` for every case that leaves nothing pending).
 *
 * Pass `lastReminderAt` as stored: steps planned at or before it count as sent. After an
 * acknowledgement the ack steps disappear; after an extension the deadline steps move; after
 * completion nothing is pending.
 *
 * @example
 * // in a use case's transaction, after acknowledging:
 * const { calendar, policy } = await loadReminderContext(deps, { orgId });
 * const state = computeReminderState({ assignment: { ...row, urgency: doc.urgency }, calendar, policy, now });
 * await tx.assignment.update({ where: { id }, data: state });
 */
export const computeReminderState = (input: ComputeReminderStateInput): ReminderState => {
  const plan = nextReminder({ assignment: input.assignment, now: input.now, calendar: input.calendar, policy: input.policy ?? DEFAULT_REMINDER_POLICY });
  return reminderStateOf(plan, input.assignment.escalationLevel ?? 0);
};

/** The columns for a plan (or for no plan, keeping `currentLevel`). */
export const reminderStateOf = (plan: ReminderPlan | null, currentLevel: number): ReminderState =>
  plan === null
    ? { nextReminderAt: null, reminderStep: null, escalationLevel: currentLevel }
    : { nextReminderAt: plan.at, reminderStep: plan.step, escalationLevel: plan.escalationLevel };

/** The columns `computeReminderState` reads, as a Prisma `select`. */
export const REMINDER_ROW_SELECT = {
  id: true,
  status: true,
  role: true,
  sentAt: true,
  acknowledgedAt: true,
  dueAt: true,
  isPaper: true,
  lastReminderAt: true,
  escalationLevel: true,
  reminderCount: true,
  nextReminderAt: true,
  reminderStep: true,
  document: { select: { urgency: true } },
} as const;

/** Reads one assignment as `computeReminderState` needs it (null when there is no such row). */
export const readReminderRow = async (
  tx: Tx,
  assignmentId: string,
): Promise<(ReminderAssignmentRow & { id: string; reminderCount: number; nextReminderAt: Date | null; reminderStep: string | null }) | null> => {
  const row = await tx.assignment.findUnique({ where: { id: assignmentId }, select: REMINDER_ROW_SELECT });
  if (row === null) return null;
  const { document, ...rest } = row;
  return { ...rest, urgency: document.urgency };
};

/**
 * Recomputes and stores the reminder columns of one assignment inside the caller's transaction:
 * the one-line call for a workflow use case after it changed the assignment.
 *
 * @returns the stored state, or null when the assignment does not exist.
 * @example await refreshAssignmentReminder(tx, { assignmentId, calendar, policy, now });
 */
export const refreshAssignmentReminder = async (tx: Tx, input: { assignmentId: string; calendar: Calendar; policy?: ReminderPolicy; now: Date }): Promise<ReminderState | null> => {
  const row = await readReminderRow(tx, input.assignmentId);
  if (row === null) return null;
  const state = computeReminderState({ assignment: row, calendar: input.calendar, now: input.now, ...(input.policy ? { policy: input.policy } : {}) });
  await tx.assignment.update({ where: { id: input.assignmentId }, data: state });
  return state;
};
