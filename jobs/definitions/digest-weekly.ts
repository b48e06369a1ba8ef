// `digest.weekly`: the weekly chart (on-time vs late completions by unit, last week) for the office.
// Sent on the first working day of the week at 07:30: the cron fires Monday–Saturday and the handler
// sends only on the week's first working day of the organisation calendar (Monday normally; the day
// after a Monday holiday; a week entirely off sends nothing). See core/reports/weekly-chart.ts.
import { z } from "zod";

import { type CoreDeps, type FileStore, sendWeeklyChart, listOrganizationIds } from "../../core/index.ts";
import { defineJob, type JobDefinition } from "../definition.ts";

export const DIGEST_WEEKLY_JOB = "digest.weekly";

export const ZDigestWeeklyPayload = z.object({
  /** One organisation; default: every organisation. */
  orgId: z.string().min(1).optional(),
});
export type DigestWeeklyPayload = z.infer<typeof ZDigestWeeklyPayload>;

/**
 * The job, with the file store the PNG goes to. Without `files`, it uses `deps.files` when the
 * core deps carry a file store, and fails (so the runner reports it) when they do not.
 */
export const createDigestWeeklyJob = (options: { files?: FileStore } = {}): JobDefinition<DigestWeeklyPayload> =>
  defineJob<DigestWeeklyPayload>({
    name: DIGEST_WEEKLY_JOB,
    schema: ZDigestWeeklyPayload,
    // Seconds field first (BullMQ pattern): 07:30:00, Monday to Saturday.
    schedule: { pattern: "0 30 7 * * 1-6", tz: "Asia/Ho_Chi_Minh" },
    retry: { attempts: 3, backoffMs: 60_000 },
    async handler(payload, ctx) {
      const files = options.files ?? (ctx.deps as CoreDeps & { files?: FileStore }).files;
      if (files === undefined) throw new Error("digest.weekly needs a file store: pass createDigestWeeklyJob({ files }) in the composition root");
      const orgIds = payload.orgId !== undefined ? [payload.orgId] : await listOrganizationIds(ctx.deps);
      for (const orgId of orgIds) {
        const result = await sendWeeklyChart(ctx.deps, { orgId, files });
        ctx.logger.info(
          result.status === "queued"
            ? { job: DIGEST_WEEKLY_JOB, orgId, weekStart: result.weekStart, recipients: result.recipients.length, png: result.pngSha256 }
            : { job: DIGEST_WEEKLY_JOB, orgId, date: result.date, skipped: result.reason },
          result.status === "queued" ? "weekly chart queued" : "weekly chart skipped",
        );
      }
    },
  });

/** The job using `deps.files` (see `createDigestWeeklyJob`). */
export const digestWeeklyJob = createDigestWeeklyJob();
