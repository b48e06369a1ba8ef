// `digest.daily`: the office's morning digest. The cron fires Monday–Saturday at 07:30 office time
// (Saturday for make-up working days); the handler asks the organisation's calendar and does
// nothing on a day off (a Tết weekday sends nothing, a make-up working Saturday sends).
import { z } from "zod";

import { sendOfficeDigest, listOrganizationIds } from "../../core/index.ts";
import { defineJob } from "../definition.ts";

export const DIGEST_DAILY_JOB = "digest.daily";

export const ZDigestDailyPayload = z.object({
  /** One organisation; default: every organisation. */
  orgId: z.string().min(1).optional(),
});
export type DigestDailyPayload = z.infer<typeof ZDigestDailyPayload>;

export const digestDailyJob = defineJob<DigestDailyPayload>({
  name: DIGEST_DAILY_JOB,
  schema: ZDigestDailyPayload,
  // Seconds field first (BullMQ pattern): 07:30:00, Monday to Saturday.
  schedule: { pattern: "0 30 7 * * 1-6", tz: "Asia/Ho_Chi_Minh" },
  retry: { attempts: 5, backoffMs: 30_000 },
  async handler(payload, ctx) {
    const orgIds = payload.orgId !== undefined ? [payload.orgId] : await listOrganizationIds(ctx.deps);
    for (const orgId of orgIds) {
      const result = await sendOfficeDigest(ctx.deps, { orgId });
      ctx.logger.info(
        result.status === "queued"
          ? {
              job: DIGEST_DAILY_JOB,
              orgId,
              date: result.date,
              recipients: result.recipients.length,
              overdue: result.digest.totals.overdue,
              dueToday: result.digest.totals.dueToday,
            }
          : { job: DIGEST_DAILY_JOB, orgId, date: result.date, skipped: result.reason },
        result.status === "queued" ? "office digest queued" : "office digest skipped",
      );
    }
  },
});
