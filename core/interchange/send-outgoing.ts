// Sending our outgoing documents through the national document interchange (issue 19, "Sending";
// docs/EDXML.md): each InterchangeOutgoing row (queued by ./send-enqueue.ts in the issue's
// transaction) becomes one edXML package — From our AGENCY_ORGAN_ID, To every matched recipient, the
// envelope from the document's register entry, the issued copy (sealed, and signed with a certificate)
// as its attachment — sent with `sendEdoc`. Shaped like the outbox: claimed by compare-and-set with a
// lease, a failed send waits with a growing delay and is tried again, so the axis being down loses nothing.
//
// Idempotency: the package is built once and its bytes kept in the file store (`packageSha256`) before
// the first send. A crash after the axis took it and before the row is marked SENT makes the lease run
// out and the same bytes go again: the same DocumentId, số/ký hiệu and date, which a receiving side takes
// as the same document (ours: one record per sender + số/ký hiệu + date). The axis offers no way to ask
// whether it already holds a package, so this is as close to "exactly once" as the protocol allows.
//
// An axis that keeps refusing the package gives it up (FAILED, ./axis-rows.ts): the issuing clerk is told
// once, /xem shows it with the axis' last answer, and a recall waiting for it is given up with it.
import type { CoreDeps } from "../deps.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import { InterchangeError } from "../ports/interchange-transport.ts";
import type { Urgency } from "../store/generated/enums.ts";
import { utcMidnightToLocalDate } from "../time.ts";
import { axisFailureVerdict, axisRetryDelayMs, edxmlTimestamp, isAxisRefusal, type AxisSendOptions } from "./axis-rows.ts";
import { buildEdxmlPackage } from "./edxml-build.ts";

/** Options of {@link sendDueInterchangeOutgoing}: `limit` defaults to 20, `claimMs` to 300_000. */
export type SendInterchangeOutgoingOptions = AxisSendOptions;

export type SendInterchangeOutgoingResult = { sent: number; retried: number; failed: number; errors: { documentId: string; error: string }[] };

/** Our urgency as the edXML Priority code (0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc). */
export const priorityOfUrgency = (urgency: Urgency): string => ({ NORMAL: "0", URGENT: "1", VERY_URGENT: "2", FLASH: "3" })[urgency];

/** Builds the package of one outgoing row from the document as issued. */
const buildOutgoingPackage = async (deps: CoreDeps, outgoingId: string, agencyOrganId: string): Promise<Uint8Array> => {
  const row = await deps.prisma.interchangeOutgoing.findUniqueOrThrow({
    where: { id: outgoingId },
    select: {
      edxmlDocumentId: true,
      createdAt: true,
      recipients: { orderBy: { createdAt: "asc" }, select: { organId: true, organName: true } },
      document: {
        select: {
          ref: true,
          docType: true,
          codeNumber: true,
          codeNotation: true,
          issuedDate: true,
          subject: true,
          description: true,
          signerName: true,
          signerTitle: true,
          urgency: true,
          toPlaces: true,
          issuer: true,
          pageCount: true,
          issuedAmount: true,
          org: { select: { name: true, timeZone: true } },
          files: { where: { kind: { in: ["SIGNED", "ORIGINAL"] } }, select: { kind: true, sha256: true, fileName: true, mime: true } },
        },
      },
    },
  });
  const doc = row.document;
  // The issued copy (sealed and signed, or the plain copy without a certificate); the original only if no copy was made.
  const file = doc.files.find((f) => f.kind === "SIGNED") ?? doc.files.find((f) => f.kind === "ORIGINAL");
  if (!file || !doc.codeNumber || !doc.codeNotation || !doc.issuedDate) throw new Error(`outgoing document ${doc.ref} has no issued file or number: it cannot be sent`);
  const bytes = await deps.files.readBytes(file.sha256);
  const zone = doc.org.timeZone || deps.settings.officeTimeZone;
  return buildEdxmlPackage({
    header: {
      from: { organId: agencyOrganId, organName: doc.issuer ?? doc.org.name },
      to: row.recipients.map((r) => ({ organId: r.organId, organName: r.organName })),
      code: { codeNumber: doc.codeNumber, codeNotation: doc.codeNotation },
      promulgationInfo: { promulgationDate: utcMidnightToLocalDate(doc.issuedDate) },
      documentType: { typeName: doc.docType },
      subject: doc.subject,
      ...(doc.description ? { content: doc.description } : {}),
      ...(doc.signerName || doc.signerTitle
        ? { signerInfo: { ...(doc.signerTitle ? { position: doc.signerTitle } : {}), ...(doc.signerName ? { fullName: doc.signerName } : {}) } }
        : {}),
      toPlaces: (doc.toPlaces ?? "")
        .split(";")
        .map((p) => p.trim())
        .filter(Boolean),
      otherInfo: {
        priority: priorityOfUrgency(doc.urgency),
        ...(doc.issuedAmount ? { promulgationAmount: String(doc.issuedAmount) } : {}),
        ...(doc.pageCount ? { pageAmount: String(doc.pageCount) } : {}),
        appendixes: [],
      },
      documentId: row.edxmlDocumentId,
    },
    traceHeaderList: { traceHeaders: [{ organId: agencyOrganId, timestamp: edxmlTimestamp(row.createdAt, zone) }], business: { bussinessDocType: "0", replacementInfoList: [] } },
    attachments: [{ contentType: "application/pdf", name: file.fileName ?? `${doc.ref.replace("/", "-")}.pdf`, bytes }],
  });
};

/**
 * Sends the outgoing packages that are due (pending and due, or claimed by a worker whose lease ran out),
 * oldest first; each claimed by compare-and-set, so two workers never send the same row at once.
 *
 * @example await sendDueInterchangeOutgoing(deps, { transport, agencyOrganId: "000.00.32.H10", workerId: "jobs" });
 */
export const sendDueInterchangeOutgoing = async (deps: CoreDeps, options: SendInterchangeOutgoingOptions): Promise<SendInterchangeOutgoingResult> => {
  const { transport, agencyOrganId, workerId, limit = 20, claimMs = 300_000 } = options;
  const now = deps.clock.now();
  const dueWhere = {
    OR: [
      { state: "PENDING" as const, nextAttemptAt: { lte: now } },
      { state: "SENDING" as const, lockedUntil: { lt: now } },
    ],
  };
  const due = await deps.prisma.interchangeOutgoing.findMany({
    where: dueWhere,
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true, attempts: true, refusals: true, documentId: true },
  });
  const result: SendInterchangeOutgoingResult = { sent: 0, retried: 0, failed: 0, errors: [] };
  for (const row of due) {
    const claimed = await deps.prisma.interchangeOutgoing.updateMany({
      where: { id: row.id, attempts: row.attempts, ...dueWhere },
      data: { state: "SENDING", lockedUntil: new Date(now.getTime() + claimMs), lockedBy: workerId, attempts: { increment: 1 } },
    });
    if (claimed.count === 0) continue;
    const retryLater = async (error: string, refusals = row.refusals) => {
      const delay = axisRetryDelayMs(row.attempts + 1, options);
      await deps.prisma.interchangeOutgoing.updateMany({
        where: { id: row.id, lockedBy: workerId, state: "SENDING" },
        data: { state: "PENDING", nextAttemptAt: new Date(deps.clock.now().getTime() + delay), lockedUntil: null, lastError: error.slice(0, 500), refusals },
      });
      result.retried += 1;
    };
    let bytes: Uint8Array;
    try {
      const current = await deps.prisma.interchangeOutgoing.findUniqueOrThrow({ where: { id: row.id }, select: { packageSha256: true } });
      if (current.packageSha256) {
        bytes = await deps.files.readBytes(current.packageSha256);
      } else {
        // Built once and kept before the first send: every later attempt sends these very bytes.
        bytes = await buildOutgoingPackage(deps, row.id, agencyOrganId);
        const stored = await deps.files.put(bytes);
        await deps.prisma.interchangeOutgoing.updateMany({ where: { id: row.id, lockedBy: workerId, packageSha256: null }, data: { packageSha256: stored.sha256 } });
      }
    } catch (err) {
      // Our side cannot make the package (a file missing from the store): tried again later, and said why.
      const error = err instanceof Error ? err.message : String(err);
      result.errors.push({ documentId: row.documentId, error });
      await retryLater(error);
      continue;
    }
    const recipients = await deps.prisma.interchangeOutgoingRecipient.findMany({ where: { outgoingId: row.id }, orderBy: { createdAt: "asc" }, select: { organId: true } });
    try {
      const { docId } = await transport.send(bytes, { from: agencyOrganId, to: recipients.map((r) => r.organId), messageType: "edoc" });
      await deps.prisma.interchangeOutgoing.updateMany({
        where: { id: row.id, lockedBy: workerId },
        data: { state: "SENT", axisDocId: docId, sentAt: deps.clock.now(), lockedUntil: null, lastError: null },
      });
      result.sent += 1;
    } catch (err) {
      if (!(err instanceof InterchangeError)) throw err;
      const refusals = row.refusals + (isAxisRefusal(err) ? 1 : 0);
      if (axisFailureVerdict(err, row.refusals, options) === "fail") {
        await giveUpOutgoing(deps, { id: row.id, workerId, refusals, lastError: err.message.slice(0, 500) });
        result.failed += 1;
      } else {
        await retryLater(err.message, refusals);
      }
    }
  }
  return result;
};

/** Gives a package up (FAILED), with any recall waiting for it, and tells the issuing clerk once. */
const giveUpOutgoing = async (deps: CoreDeps, p: { id: string; workerId: string; refusals: number; lastError: string }): Promise<void> => {
  const now = deps.clock.now();
  await deps.prisma.$transaction(async (tx) => {
    const moved = await tx.interchangeOutgoing.updateMany({
      where: { id: p.id, lockedBy: p.workerId, state: "SENDING" },
      data: { state: "FAILED", failedAt: now, lockedUntil: null, lastError: p.lastError, refusals: p.refusals },
    });
    if (moved.count === 0) return;
    // A recall of a package that never left has nothing to recall: its 13s are given up with it, untold.
    await tx.interchangeStatusMessage.updateMany({
      where: { outgoingId: p.id, state: "PENDING" },
      data: { state: "FAILED", failedAt: now, lastError: "the package itself was not sent" },
    });
    const row = await tx.interchangeOutgoing.findUniqueOrThrow({ where: { id: p.id }, select: { document: { select: { createdById: true } } } });
    const userId = row.document.createdById;
    await enqueueOutbox(tx, now, [
      { userId, kind: "outgoing.interchangeFailed", payload: { outgoingId: p.id }, dedupeKey: `outgoing.interchangeFailed:${p.id}:${userId}`, urgency: "URGENT" },
    ]);
  });
};
