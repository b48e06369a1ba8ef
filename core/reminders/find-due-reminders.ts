// The chase sweep's query: assignments whose next reminder is due. Bounded and ordered, and served
// by the index `Assignment_nextReminderAt_idx` (an index range scan in time order; the LIMIT stops
// it early), so the sweep costs the same with 100 or 1,000,000 assignments on file.
import type { CoreDeps } from "../deps.ts";

/** One due assignment: its id and the reminder count the claim will compare against. */
export type DueReminder = { assignmentId: string; reminderCount: number; nextReminderAt: Date };

/** The largest batch one sweep takes. @defaultValue 500 */
export const DEFAULT_SWEEP_LIMIT = 500;
/** A hard cap on `limit`, whatever the caller asks. */
export const MAX_SWEEP_LIMIT = 5_000;

/**
 * The statement Prisma runs for `findDueReminders` ($1 = now, $2 = limit), for EXPLAIN in tests and
 * by operators (`EXPLAIN` it with a real instant to see the index range scan).
 */
export const DUE_REMINDERS_SQL = 'SELECT "id", "reminderCount", "nextReminderAt" FROM "public"."Assignment" WHERE "nextReminderAt" <= $1 ORDER BY "nextReminderAt" ASC LIMIT $2';

/**
 * Assignments with `nextReminderAt <= now`, the most overdue first, at most `limit`.
 * The sweep enqueues one `reminder.send` job per row; rows left over are taken by the next sweep.
 *
 * @example const due = await findDueReminders(deps, { now: deps.clock.now(), limit: 500 });
 */
export const findDueReminders = async (deps: Pick<CoreDeps, "prisma">, input: { now: Date; limit?: number }): Promise<DueReminder[]> => {
  const limit = Math.max(1, Math.min(Math.floor(input.limit ?? DEFAULT_SWEEP_LIMIT), MAX_SWEEP_LIMIT));
  const rows = await deps.prisma.assignment.findMany({
    where: { nextReminderAt: { lte: input.now } },
    orderBy: { nextReminderAt: "asc" },
    take: limit,
    select: { id: true, reminderCount: true, nextReminderAt: true },
  });
  return rows.map((r) => ({ assignmentId: r.id, reminderCount: r.reminderCount, nextReminderAt: r.nextReminderAt! }));
};
