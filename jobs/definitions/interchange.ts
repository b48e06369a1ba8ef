// The document interchange's jobs (trục liên thông, ../shared/EDXML.md): `interchange.poll` asks the axis for
// new packages every AXIS_POLL_SECONDS and receives each (core/interchange/receive-package.ts), then sends the
// statuses it queued; `interchange.statuses` sends (and retries) the queued status messages on its own, so a
// status whose send failed goes out once the axis is back even when no package arrives. Both guard with the
// database (one row per docId; status rows claimed by compare-and-set), so an overlapping run changes nothing.
import { z } from "zod";
import { pollInterchange, type InterchangeReceiver } from "../../core/interchange/receive-package.ts";
import { sendDueInterchangeStatuses } from "../../core/interchange/status-messages.ts";
import { InterchangeError } from "../../core/ports/interchange-transport.ts";
import { defineJob, type JobContext, type JobDefinition } from "../definition.ts";

export const INTERCHANGE_POLL_JOB = "interchange.poll";
export const INTERCHANGE_STATUSES_JOB = "interchange.statuses";

export type InterchangeJobsOptions = InterchangeReceiver & {
  /** `AGENCY_ORGAN_ID`. */
  agencyOrganId: string;
  /** `AXIS_POLL_SECONDS` in ms. @defaultValue 60_000 */
  pollEveryMs?: number;
  /** How often queued statuses are sent. @defaultValue 15_000 */
  statusesEveryMs?: number;
};

const sendStatuses = async (options: InterchangeJobsOptions, ctx: JobContext) => {
  const r = await sendDueInterchangeStatuses(ctx.deps, { transport: options.transport, agencyOrganId: options.agencyOrganId, workerId: ctx.workerId ?? "jobs" });
  if (r.sent > 0) ctx.logger.info({ sent: r.sent }, "interchange statuses sent");
  if (r.retried > 0) ctx.logger.warn({ retried: r.retried }, "interchange statuses not sent: the axis is unreachable or refused them; they are tried again later");
};

/** The two jobs, with the transport wired by the composition root (only when AXIS_URL is set). */
export const createInterchangeJobs = (options: InterchangeJobsOptions): JobDefinition<any>[] => [
  defineJob({
    name: INTERCHANGE_POLL_JOB,
    schema: z.object({}).passthrough(),
    schedule: { every: options.pollEveryMs ?? 60_000 },
    retry: { attempts: 1, backoffMs: 1_000 },
    removeOnComplete: true,
    handler: async (_payload, ctx) => {
      let outcomes;
      try {
        outcomes = await pollInterchange(ctx.deps, options);
      } catch (err) {
        if (!(err instanceof InterchangeError)) throw err;
        ctx.logger.warn({ call: err.call, kind: err.kind, error: err.message }, "the interchange cannot be polled now; trying again at the next poll");
        return;
      }
      for (const o of outcomes) {
        if (o.outcome === "registered") ctx.logger.info({ docId: o.docId, documentId: o.documentId, ref: o.ref }, "interchange package registered");
        else if (o.outcome === "refused") ctx.logger.warn({ docId: o.docId, packageId: o.packageId, reason: o.reasonKey, answered: o.answered }, "interchange package refused; the office was told");
        else if (o.outcome === "duplicate") ctx.logger.info({ docId: o.docId, duplicateOf: o.duplicateOfId }, "interchange package is a document already received");
        else if (o.outcome === "skipped") ctx.logger.warn({ docId: o.docId, error: o.error }, "interchange package left on the axis for the next poll");
      }
      await sendStatuses(options, ctx);
    },
  }),
  defineJob({
    name: INTERCHANGE_STATUSES_JOB,
    schema: z.object({}).passthrough(),
    schedule: { every: options.statusesEveryMs ?? 15_000 },
    retry: { attempts: 1, backoffMs: 1_000 },
    removeOnComplete: true,
    handler: async (_payload, ctx) => sendStatuses(options, ctx),
  }),
];
