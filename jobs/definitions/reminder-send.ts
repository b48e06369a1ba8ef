// `reminder.send`: one chase step for one assignment (claim → outbox rows → next reminder → audit,
// in one transaction: core/reminders/send-due-reminder.ts). Safe to run twice.
import { z } from "zod";

import { sendDueReminder } from "../../core/index.ts";
import { defineJob } from "../definition.ts";

export const REMINDER_SEND_JOB = "reminder.send";

export const ZReminderSendPayload = z.object({
  assignmentId: z.string().min(1),
  /** The count the sweep saw; the claim only succeeds while the row still has it. */
  expectedReminderCount: z.number().int().min(0).optional(),
});
export type ReminderSendPayload = z.infer<typeof ZReminderSendPayload>;

export const reminderSendJob = defineJob<ReminderSendPayload>({
  name: REMINDER_SEND_JOB,
  schema: ZReminderSendPayload,
  retry: { attempts: 5, backoffMs: 5_000 },
  async handler(payload, ctx) {
    const result = await sendDueReminder(ctx.deps, payload);
    if (result.status === "sent") {
      ctx.logger.info(
        {
          job: REMINDER_SEND_JOB,
          assignmentId: result.assignmentId,
          step: result.plan.step,
          reminderCount: result.reminderCount,
          recipients: result.recipients.length,
          next: result.next.nextReminderAt?.toISOString() ?? null,
        },
        "reminder queued",
      );
    } else {
      ctx.logger.debug({ job: REMINDER_SEND_JOB, assignmentId: result.assignmentId, reason: result.reason }, "reminder skipped");
    }
  },
});
