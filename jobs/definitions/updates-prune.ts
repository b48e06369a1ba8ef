// `updates.prune`: forgets processed incoming updates (the dedupe table) once no platform can
// redeliver them. Telegram keeps an unconfirmed update for 24 h and Zalo redelivers for less; after a
// week without updates Telegram starts its ids again at random, so a key must not outlive that.
// Also deletes expired conversation states and pending-file pieces (a form abandoned mid-way would
// otherwise keep its scans in the database for good).
import { z } from "zod";

import { pruneExpiredConversations, pruneProcessedUpdates } from "../../core/index.ts";
import { defineJob } from "../definition.ts";

export const UPDATES_PRUNE_JOB = "updates.prune";

/** How long a processed update is remembered. @defaultValue 48 h: twice the longest redelivery window */
export const DEFAULT_PROCESSED_UPDATE_RETENTION_HOURS = 48;

export const ZUpdatesPrunePayload = z.object({
  /** Keep the updates of the last this many hours. @defaultValue 48 */
  retentionHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 6)
    .optional(),
});
export type UpdatesPrunePayload = z.infer<typeof ZUpdatesPrunePayload>;

export const updatesPruneJob = defineJob<UpdatesPrunePayload>({
  name: UPDATES_PRUNE_JOB,
  schema: ZUpdatesPrunePayload,
  // Seconds field first (BullMQ pattern): hourly, at minute 17 (off the hour that the digests use).
  schedule: { pattern: "0 17 * * * *", tz: "Asia/Ho_Chi_Minh" },
  retry: { attempts: 3, backoffMs: 60_000 },
  async handler(payload, ctx) {
    const hours = payload.retentionHours ?? DEFAULT_PROCESSED_UPDATE_RETENTION_HOURS;
    const olderThan = new Date(ctx.deps.clock.now().getTime() - hours * 3_600_000);
    const removed = await pruneProcessedUpdates(ctx.deps, olderThan);
    const expired = await pruneExpiredConversations(ctx.deps);
    ctx.logger.debug({ job: UPDATES_PRUNE_JOB, removed, expired, olderThan: olderThan.toISOString() }, "processed updates and expired conversations pruned");
  },
});
