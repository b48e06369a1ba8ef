// The outbox sweep: every few seconds, hand each due row to one `outbox.deliver` job. The job id
// `outbox-<id>-<attempts>-<due ms>` keeps a row from being queued twice while a delivery of that
// attempt is still queued; a row that became due again at another time (released after a 429, or
// from a killed worker's claim) gets a new id, so the old job still stored in Redis (a killed worker's
// active job waits for BullMQ's stall check) does not hold it back. The delivery's compare-and-set
// claim is the real guard against double sends.
import { z } from "zod";
import { findDueOutboxMessages } from "../../core/index.ts";
import { defineJob } from "../definition.ts";
import { OUTBOX_DELIVER_JOB } from "./outbox-deliver.ts";

export const OUTBOX_DISPATCH_JOB = "outbox.dispatch";

export type OutboxDispatchOptions = {
  /** Sweep interval. @defaultValue 5000 */
  everyMs?: number;
  /** Rows per sweep. @defaultValue 200 */
  batchSize?: number;
};

export const createOutboxDispatchJob = (opts: OutboxDispatchOptions = {}) =>
  defineJob({
    name: OUTBOX_DISPATCH_JOB,
    schema: z.object({}).passthrough(),
    schedule: { every: opts.everyMs ?? 5_000 },
    retry: { attempts: 1, backoffMs: 1_000 },
    removeOnComplete: true,
    handler: async (_payload, ctx) => {
      const due = await findDueOutboxMessages(ctx.deps, { limit: opts.batchSize ?? 200 });
      for (const row of due) await ctx.enqueue(OUTBOX_DELIVER_JOB, { outboxId: row.id }, { jobId: `outbox-${row.id}-${row.attempts}-${row.dueAt.getTime()}` });
      if (due.length > 0) ctx.logger.debug({ count: due.length }, "outbox rows handed to delivery");
    },
  });

export const outboxDispatchJob = createOutboxDispatchJob();
