// The document interchange's jobs (trục liên thông, docs/EDXML.md): `interchange.poll` asks the axis for
// new packages every AXIS_POLL_SECONDS and receives each (core/interchange/receive-package.ts), then sends the
// statuses it queued; `interchange.send` sends our outgoing documents' packages (core/interchange/send-outgoing.ts);
// `interchange.agencies` refreshes the agency directory once a day; `interchange.statuses` sends (and retries) the queued status messages on its own, so a
// status whose send failed goes out once the axis is back even when no package arrives. Both guard with the
// database (one row per docId; status rows claimed by compare-and-set), so an overlapping run changes nothing.
import { z } from "zod";
import {
  pollInterchange,
  type InterchangeReceiver,
  sendDueInterchangeStatuses,
  isAgencyDirectoryStale,
  refreshAgencyDirectory,
  sendDueInterchangeOutgoing,
  pollOutgoingStatuses,
} from "../../core/interchange/index.ts";
import { InterchangeError } from "../../core/index.ts";
import { defineJob, type JobContext, type JobDefinition } from "../definition.ts";

export const INTERCHANGE_POLL_JOB = "interchange.poll";
export const INTERCHANGE_STATUSES_JOB = "interchange.statuses";
export const INTERCHANGE_SEND_JOB = "interchange.send";
export const INTERCHANGE_AGENCIES_JOB = "interchange.agencies";

export type InterchangeJobsOptions = InterchangeReceiver & {
  /** `AGENCY_ORGAN_ID`. */
  agencyOrganId: string;
  /** `AXIS_POLL_SECONDS` in ms. @defaultValue 60_000 */
  pollEveryMs?: number;
  /** How often queued statuses are sent. @defaultValue 15_000 */
  statusesEveryMs?: number;
  /** How often queued outgoing packages are sent. @defaultValue 15_000 */
  sendEveryMs?: number;
  /** How often the agency directory job checks whether the axis' directory is a day old. @defaultValue 3_600_000 */
  agenciesEveryMs?: number;
};

const sendStatuses = async (options: InterchangeJobsOptions, ctx: JobContext) => {
  const r = await sendDueInterchangeStatuses(ctx.deps, { transport: options.transport, agencyOrganId: options.agencyOrganId, workerId: ctx.workerId ?? "jobs" });
  if (r.sent > 0) ctx.logger.info({ sent: r.sent }, "interchange statuses sent");
  if (r.retried > 0) ctx.logger.warn({ retried: r.retried }, "interchange statuses not sent: the axis is unreachable or refused them; they are tried again later");
  if (r.failed > 0) ctx.logger.error({ failed: r.failed }, "interchange statuses given up: the axis kept refusing them; the office was told");
};

const sendOutgoing = async (options: InterchangeJobsOptions, ctx: JobContext) => {
  const r = await sendDueInterchangeOutgoing(ctx.deps, { transport: options.transport, agencyOrganId: options.agencyOrganId, workerId: ctx.workerId ?? "jobs" });
  if (r.sent > 0) ctx.logger.info({ sent: r.sent }, "outgoing documents sent through the interchange");
  if (r.retried > 0) ctx.logger.warn({ retried: r.retried }, "outgoing documents not sent: the axis is unreachable or refused them; they are tried again later");
  if (r.failed > 0) ctx.logger.error({ failed: r.failed }, "outgoing packages given up: the axis kept refusing them; the issuing clerks were told");
  for (const e of r.errors)
    ctx.logger.error({ documentId: e.documentId, error: e.error }, "an outgoing package cannot be built: check the document's issued file in the file store");
};

/** The statuses recipients sent back about our packages (listed apart from packages: `messagetype: status`). */
const receiveStatuses = async (options: InterchangeJobsOptions, ctx: JobContext) => {
  let outcomes;
  try {
    outcomes = await pollOutgoingStatuses(ctx.deps, options);
  } catch (err) {
    if (!(err instanceof InterchangeError)) throw err;
    ctx.logger.warn({ call: err.call, kind: err.kind, error: err.message }, "the interchange's status list cannot be read now; trying again at the next poll");
    return;
  }
  for (const o of outcomes) {
    if (o.outcome === "stored")
      ctx.logger.info({ docId: o.docId, documentId: o.documentId, organId: o.organId, status: o.statusCode }, "interchange status received for an outgoing document");
    else if (o.outcome === "unmatched") ctx.logger.warn({ docId: o.docId, reason: o.reason }, "interchange status about no package of ours: taken and ignored");
    else if (o.outcome === "refused") ctx.logger.warn({ docId: o.docId, reason: o.reason }, "interchange status message unreadable: the axis was told fail");
    else if (o.outcome === "skipped") ctx.logger.warn({ docId: o.docId, error: o.error }, "interchange status left on the axis for the next poll");
    else if (o.outcome === "recall") ctx.logger.info({ ...o.recall }, "a sender recalled a document it sent us");
  }
};

/** The jobs, with the transport wired by the composition root (only when AXIS_URL is set). */
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
        else if (o.outcome === "refused")
          ctx.logger.warn({ docId: o.docId, packageId: o.packageId, reason: o.reasonKey, answered: o.answered }, "interchange package refused; the office was told");
        else if (o.outcome === "duplicate") ctx.logger.info({ docId: o.docId, duplicateOf: o.duplicateOfId }, "interchange package is a document already received");
        else if (o.outcome === "skipped") ctx.logger.warn({ docId: o.docId, error: o.error }, "interchange package left on the axis for the next poll");
        else if (o.outcome === "status")
          ctx.logger.info({ docId: o.docId, outcome: o.status.outcome }, "a status message listed with the packages went to the outgoing documents' statuses");
      }
      await receiveStatuses(options, ctx);
      await sendStatuses(options, ctx);
      await sendOutgoing(options, ctx);
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
  defineJob({
    name: INTERCHANGE_SEND_JOB,
    schema: z.object({}).passthrough(),
    schedule: { every: options.sendEveryMs ?? 15_000 },
    retry: { attempts: 1, backoffMs: 1_000 },
    removeOnComplete: true,
    handler: async (_payload, ctx) => sendOutgoing(options, ctx),
  }),
  defineJob({
    name: INTERCHANGE_AGENCIES_JOB,
    schema: z.object({ force: z.boolean().optional() }).passthrough(),
    // Hourly check, daily refresh: the first run after start fills an empty directory.
    schedule: { every: options.agenciesEveryMs ?? 3_600_000 },
    retry: { attempts: 1, backoffMs: 1_000 },
    removeOnComplete: true,
    handler: async (payload, ctx) => {
      if (!payload.force && !(await isAgencyDirectoryStale(ctx.deps))) return;
      try {
        const r = await refreshAgencyDirectory(ctx.deps, options);
        ctx.logger.info(r, "interchange agency directory refreshed");
      } catch (err) {
        if (!(err instanceof InterchangeError)) throw err;
        ctx.logger.warn({ call: err.call, kind: err.kind, error: err.message }, "the interchange's agency directory cannot be read now; trying again within the hour");
      }
    },
  }),
];
