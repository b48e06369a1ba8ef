// Status messages back to a package's sender (01 stored, 02 returned, 03 registered, …; ../shared/EDXML.md),
// shaped like the outbox (core/outbox): a row written in the transaction of the change it reports, then
// claimed by compare-and-set with a lease and sent with `sendEdoc` (`messagetype: status`). A failed send
// waits with a growing delay and is tried again: the axis being down loses nothing. One package's statuses
// go out in the order they were written (01 before 03), so a later one waits while an earlier one is unsent.
// The rows are written by ./enqueue-status.ts.
import type { CoreDeps } from "../deps.ts";
import { InterchangeError } from "../ports/interchange-transport.ts";
import { utcMidnightToLocalDate } from "../time.ts";
import { axisRetryDelayMs, edxmlTimestamp, type AxisSendOptions } from "./axis-rows.ts";
import { buildEdxmlStatus } from "./edxml-build.ts";

/** Options of {@link sendDueInterchangeStatuses}: `limit` defaults to 50, `claimMs` to 120_000. */
export type SendInterchangeStatusesOptions = AxisSendOptions;

export type SendInterchangeStatusesResult = { sent: number; retried: number; waiting: number };

/**
 * Sends the status rows that are due (pending and due, or claimed by a worker whose lease ran out), oldest
 * first. A row is claimed by compare-and-set before it is sent, so two workers never send the same row.
 *
 * @example
 * await sendDueInterchangeStatuses(deps, { transport, agencyOrganId: "000.00.32.H10", workerId: "jobs" });
 */
export const sendDueInterchangeStatuses = async (deps: CoreDeps, options: SendInterchangeStatusesOptions): Promise<SendInterchangeStatusesResult> => {
  const { transport, agencyOrganId, workerId, limit = 50, claimMs = 120_000 } = options;
  const now = deps.clock.now();
  const due = await deps.prisma.interchangeStatusMessage.findMany({
    where: { OR: [{ state: "PENDING", nextAttemptAt: { lte: now } }, { state: "SENDING", lockedUntil: { lt: now } }] },
    orderBy: { seq: "asc" },
    take: limit,
    select: { id: true, seq: true, packageId: true, attempts: true, state: true, package: { select: { orgId: true } } },
  });
  const result: SendInterchangeStatusesResult = { sent: 0, retried: 0, waiting: 0 };
  const blocked = new Set<string>();
  for (const row of due) {
    // A package's statuses go out in order: a later one waits for every earlier one to be sent.
    const earlier = blocked.has(row.packageId)
      ? 1
      : await deps.prisma.interchangeStatusMessage.count({ where: { packageId: row.packageId, seq: { lt: row.seq }, state: { not: "SENT" } } });
    if (earlier > 0) {
      blocked.add(row.packageId);
      result.waiting += 1;
      continue;
    }
    const claimed = await deps.prisma.interchangeStatusMessage.updateMany({
      where: { id: row.id, attempts: row.attempts, OR: [{ state: "PENDING", nextAttemptAt: { lte: now } }, { state: "SENDING", lockedUntil: { lt: now } }] },
      data: { state: "SENDING", lockedUntil: new Date(now.getTime() + claimMs), lockedBy: workerId, attempts: { increment: 1 } },
    });
    if (claimed.count === 0) continue;
    const message = await deps.prisma.interchangeStatusMessage.findUniqueOrThrow({ where: { id: row.id } });
    const org = await deps.prisma.organization.findUnique({ where: { id: row.package.orgId }, select: { name: true, timeZone: true } });
    const zone = org?.timeZone || deps.settings.officeTimeZone;
    const bytes = buildEdxmlStatus({
      responseFor: {
        organId: message.toOrganId,
        code: message.responseCode,
        promulgationDate: utcMidnightToLocalDate(message.responseDate),
        ...(message.responseDocumentId ? { documentId: message.responseDocumentId } : {}),
      },
      from: { organId: agencyOrganId, ...(org?.name ? { organName: org.name } : {}) },
      statusCode: message.statusCode,
      ...(message.description ? { description: message.description } : {}),
      timestamp: edxmlTimestamp(now, zone),
    });
    try {
      const { docId } = await transport.send(bytes, { from: agencyOrganId, to: [message.toOrganId], messageType: "status" });
      await deps.prisma.interchangeStatusMessage.updateMany({
        where: { id: row.id, lockedBy: workerId },
        data: { state: "SENT", axisDocId: docId, sentAt: deps.clock.now(), lockedUntil: null, lastError: null },
      });
      result.sent += 1;
    } catch (err) {
      if (!(err instanceof InterchangeError)) throw err;
      const delay = axisRetryDelayMs(message.attempts, options);
      await deps.prisma.interchangeStatusMessage.updateMany({
        where: { id: row.id, lockedBy: workerId },
        data: { state: "PENDING", nextAttemptAt: new Date(deps.clock.now().getTime() + delay), lockedUntil: null, lastError: err.message.slice(0, 500) },
      });
      blocked.add(row.packageId);
      result.retried += 1;
    }
  }
  return result;
};
