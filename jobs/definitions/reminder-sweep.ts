// `reminder.sweep` (STYLE.md rule 18): every 5 minutes, the assignments whose next reminder is due,
// one `reminder.send` job each. The sweep only reads; the per-assignment job claims and sends.
import { z } from "zod";

import { DEFAULT_SWEEP_LIMIT, findDueReminders } from "../../core/index.ts";
import { defineJob } from "../definition.ts";
import { REMINDER_SEND_JOB } from "./reminder-send.ts";

export const REMINDER_SWEEP_JOB = "reminder.sweep";

export const ZReminderSweepPayload = z.object({
  /** Largest batch per run. @defaultValue 500 */
  limit: z.number().int().min(1).max(5_000).optional(),
});
export type ReminderSweepPayload = z.infer<typeof ZReminderSweepPayload>;

/**
 * The deterministic id of the send job for one step of one assignment: `remind-<id>-<count>`
 * (no ":", never all digits). While that job is stored, an overlapping sweep cannot add it twice;
 * once it is gone, the database claim (compare-and-set on `reminderCount`) is the guard. Keep
 * finished jobs longer than a sweep interval (`removeOnComplete: { age: 3600 }`).
 */
export const reminderSendJobId = (assignmentId: string, reminderCount: number): string => `remind-${assignmentId}-${reminderCount}`;

export const reminderSweepJob = defineJob<ReminderSweepPayload>({
  name: REMINDER_SWEEP_JOB,
  schema: ZReminderSweepPayload,
  // Seconds field first (BullMQ pattern): at second 0 of every 5th minute.
  schedule: { pattern: "0 */5 * * * *", tz: "Asia/Ho_Chi_Minh" },
  retry: { attempts: 3, backoffMs: 10_000 },
  async handler(payload, ctx) {
    const limit = payload.limit ?? DEFAULT_SWEEP_LIMIT;
    const due = await findDueReminders(ctx.deps, { now: ctx.deps.clock.now(), limit });
    for (const d of due) {
      await ctx.enqueue(REMINDER_SEND_JOB, { assignmentId: d.assignmentId, expectedReminderCount: d.reminderCount }, { jobId: reminderSendJobId(d.assignmentId, d.reminderCount) });
    }
    if (due.length >= limit)
      ctx.logger.warn(
        { job: REMINDER_SWEEP_JOB, due: due.length, limit },
        "reminder sweep hit its batch limit: the rest waits for the next sweep; raise the limit if this repeats",
      );
    else ctx.logger.debug({ job: REMINDER_SWEEP_JOB, due: due.length }, "reminder sweep done");
  },
});
