// Status messages back to a package's sender (01 stored, 02 returned, 03 registered, …; docs/EDXML.md),
// shaped like the outbox (core/outbox): a row written in the transaction of the change it reports, then
// claimed by compare-and-set with a lease and sent with `sendEdoc` (`messagetype: status`). A failed send
// waits with a growing delay and is tried again: the axis being down loses nothing. One package's statuses
// go out in the order they were written (01 before 03), so a later one waits while an earlier one is unsent.
// The rows are written by ./enqueue-status.ts; a recall of our own outgoing document (13, one row per
// recipient) by ./recall-outgoing.ts, and it waits until that package itself was sent.
// An axis that keeps refusing a row gives it up (FAILED, ./axis-rows.ts): a later status of the same
// package no longer waits for it, and the office (or, for a recall, the clerk who recalled) is told once.
import type { CoreDeps } from "../deps.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { InterchangeError } from "../ports/interchange-transport.ts";
import { utcMidnightToLocalDate } from "../time.ts";
import { axisFailureVerdict, axisRetryDelayMs, edxmlTimestamp, isAxisRefusal, type AxisSendOptions } from "./axis-rows.ts";
import { buildEdxmlStatus } from "./edxml-build.ts";

/** Options of {@link sendDueInterchangeStatuses}: `limit` defaults to 50, `claimMs` to 120_000. */
export type SendInterchangeStatusesOptions = AxisSendOptions;

export type SendInterchangeStatusesResult = { sent: number; retried: number; waiting: number; failed: number };

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
    where: {
      OR: [
        { state: "PENDING", nextAttemptAt: { lte: now } },
        { state: "SENDING", lockedUntil: { lt: now } },
      ],
    },
    orderBy: { seq: "asc" },
    take: limit,
    select: {
      id: true,
      seq: true,
      packageId: true,
      outgoingId: true,
      attempts: true,
      state: true,
      package: { select: { orgId: true } },
      outgoing: { select: { state: true, document: { select: { orgId: true } } } },
    },
  });
  const result: SendInterchangeStatusesResult = { sent: 0, retried: 0, waiting: 0, failed: 0 };
  const blocked = new Set<string>();
  for (const row of due) {
    // A package's statuses go out in order: a later one waits for every earlier one to be sent (or given up).
    const chain = row.packageId ?? row.outgoingId ?? row.id;
    const chainWhere = row.packageId ? { packageId: row.packageId } : { outgoingId: row.outgoingId };
    // A recall of our package waits until the package itself went out.
    const earlier =
      blocked.has(chain) || (row.outgoing && row.outgoing.state !== "SENT")
        ? 1
        : await deps.prisma.interchangeStatusMessage.count({ where: { ...chainWhere, seq: { lt: row.seq }, state: { in: ["PENDING", "SENDING"] } } });
    if (earlier > 0) {
      blocked.add(chain);
      result.waiting += 1;
      continue;
    }
    const claimed = await deps.prisma.interchangeStatusMessage.updateMany({
      where: {
        id: row.id,
        attempts: row.attempts,
        OR: [
          { state: "PENDING", nextAttemptAt: { lte: now } },
          { state: "SENDING", lockedUntil: { lt: now } },
        ],
      },
      data: { state: "SENDING", lockedUntil: new Date(now.getTime() + claimMs), lockedBy: workerId, attempts: { increment: 1 } },
    });
    if (claimed.count === 0) continue;
    const message = await deps.prisma.interchangeStatusMessage.findUniqueOrThrow({ where: { id: row.id } });
    const orgId = row.package?.orgId ?? row.outgoing?.document.orgId;
    const org = orgId ? await deps.prisma.organization.findUnique({ where: { id: orgId }, select: { name: true, timeZone: true } }) : null;
    const zone = org?.timeZone || deps.settings.officeTimeZone;
    const bytes = buildEdxmlStatus({
      responseFor: {
        organId: message.responseOrganId ?? message.toOrganId,
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
      const lastError = err.message.slice(0, 500);
      const refusals = message.refusals + (isAxisRefusal(err) ? 1 : 0);
      if (axisFailureVerdict(err, message.refusals, options) === "fail") {
        await giveUpStatus(deps, { id: row.id, workerId, refusals, lastError, orgId });
        result.failed += 1;
        continue;
      }
      const delay = axisRetryDelayMs(message.attempts, options);
      await deps.prisma.interchangeStatusMessage.updateMany({
        where: { id: row.id, lockedBy: workerId },
        data: { state: "PENDING", nextAttemptAt: new Date(deps.clock.now().getTime() + delay), lockedUntil: null, lastError, refusals },
      });
      blocked.add(chain);
      result.retried += 1;
    }
  }
  return result;
};

/**
 * Gives a status row up (FAILED) and tells, once: the clerk who recalled, for a recall of our document;
 * the office (MONITOR users) for a status back to a package's sender.
 */
const giveUpStatus = async (deps: CoreDeps, p: { id: string; workerId: string; refusals: number; lastError: string; orgId: string | undefined }): Promise<void> => {
  const now = deps.clock.now();
  await deps.prisma.$transaction(async (tx) => {
    const moved = await tx.interchangeStatusMessage.updateMany({
      where: { id: p.id, lockedBy: p.workerId, state: "SENDING" },
      data: { state: "FAILED", failedAt: now, lockedUntil: null, lastError: p.lastError, refusals: p.refusals },
    });
    if (moved.count === 0) return;
    const row = await tx.interchangeStatusMessage.findUniqueOrThrow({
      where: { id: p.id },
      select: { outgoing: { select: { recalledById: true, document: { select: { createdById: true } } } } },
    });
    const people = row.outgoing
      ? [row.outgoing.recalledById ?? row.outgoing.document.createdById]
      : p.orgId
        ? (await tx.user.findMany({ where: { orgId: p.orgId, active: true, roles: { has: "MONITOR" } }, select: { id: true } })).map((u) => u.id)
        : [];
    await enqueueOutbox(
      tx,
      now,
      people.map((userId) => ({ userId, kind: "interchange.statusFailed" as const, payload: { statusMessageId: p.id }, dedupeKey: `interchange.statusFailed:${p.id}:${userId}` })),
    );
  });
};
