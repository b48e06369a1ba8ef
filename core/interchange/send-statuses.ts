// The statuses the recipients of our outgoing packages send back (01 arrived, 02 returned with a reason,
// 03 registered, 04 assigned, 05 in progress, 06 done; docs/EDXML.md, "Status messages"). The axis
// lists them apart from packages (`getReceivedEdocList` with `messagetype: status`); each is downloaded,
// parsed, matched to our package (its ResponseFor/DocumentId is the one we gave, else số/ký hiệu + date)
// and to the recipient (its From/OrganId), stored per recipient — the clerk sees them with /xem — and only
// then the axis hears `done`. A 02 reaches the issuing clerk in chat through the outbox, with its reason.
// Idempotent: one row per status docId, so a status listed twice, or a crash before `done`, is stored once.
// A recall (13) is not about one of our packages but about one a sender sent us: ./receive-recall.ts.
// The answers to our own recall (15 accepted, 16 refused) reach the clerk who recalled in chat.
import type { CoreDeps } from "../deps.ts";
import { enqueueOutbox } from "../outbox/enqueue-outbox.ts";
import type { InterchangeTransport, ReceivedPackage } from "../ports/interchange-transport.ts";
import { InterchangeError } from "../ports/interchange-transport.ts";
import { localDateToUtcMidnight } from "../time.ts";
import { EdxmlError } from "./edxml-error.ts";
import { parseEdxmlStatus } from "./edxml-parse.ts";
import type { EdxmlStatus } from "./edxml-types.ts";
import { receiveRecall, type RecallOutcome } from "./receive-recall.ts";
import { isUniqueViolation } from "../store/unique-violation.ts";

/** What happened to one listed status message. */
export type OutgoingStatusOutcome =
  | { docId: string; outcome: "stored"; statusId: string; statusCode: string; documentId: string; organId: string }
  /** Stored by an earlier poll: only `done` was repeated. */
  | { docId: string; outcome: "already"; statusId: string }
  /** About no package we sent, or from an agency that was not its recipient: answered `done`, nothing stored. */
  | { docId: string; outcome: "unmatched"; reason: string }
  /** Not a readable status message: answered `fail`. */
  | { docId: string; outcome: "refused"; reason: string }
  /** The axis could not be reached: left on the axis for the next poll. */
  | { docId: string; outcome: "skipped"; error: string }
  /** A sender's recall (13) of a document it sent us (./receive-recall.ts). */
  | { docId: string; outcome: "recall"; recall: RecallOutcome };

/** The largest status message read (its text fields only): past it, the message is refused. */
const MAX_STATUS_CHARS = 20_000;

const answer = async (transport: InterchangeTransport, docId: string, status: "done" | "fail"): Promise<boolean> => {
  try {
    await transport.updateStatus(docId, status);
    return true;
  } catch (err) {
    if (err instanceof InterchangeError) return false;
    throw err;
  }
};

/** Our package a status answers: by the DocumentId we gave it, else by số/ký hiệu and date. */
const findOutgoing = async (deps: CoreDeps, status: EdxmlStatus) => {
  const select = { id: true, documentId: true, recalledById: true, document: { select: { createdById: true } } } as const;
  if (status.responseFor.documentId) {
    const byId = await deps.prisma.interchangeOutgoing.findUnique({ where: { edxmlDocumentId: status.responseFor.documentId }, select });
    if (byId) return byId;
  }
  const slash = status.responseFor.code.indexOf("/");
  if (slash <= 0) return null;
  const [codeNumber, codeNotation] = [status.responseFor.code.slice(0, slash).trim(), status.responseFor.code.slice(slash + 1).trim()];
  const issuedDate = localDateToUtcMidnight(status.responseFor.promulgationDate);
  const matches = await deps.prisma.interchangeOutgoing.findMany({ where: { document: { direction: "OUT", codeNumber, codeNotation, issuedDate } }, select, take: 2 });
  return matches.length === 1 ? matches[0]! : null;
};

/**
 * Receives one listed status message about a package we sent.
 *
 * @example for (const item of await transport.listReceived("status")) await receiveOutgoingStatus(deps, { transport }, item);
 */
export const receiveOutgoingStatus = async (
  deps: CoreDeps,
  { transport }: { transport: InterchangeTransport },
  item: ReceivedPackage,
  /** The message's bytes when the caller already downloaded them (a status listed with the packages). */
  body?: Uint8Array,
): Promise<OutgoingStatusOutcome> => {
  const { docId } = item;
  const known = await deps.prisma.interchangeOutgoingStatus.findUnique({ where: { axisDocId: docId }, select: { id: true } });
  if (known) {
    await answer(transport, docId, "done");
    return { docId, outcome: "already", statusId: known.id };
  }
  let status: EdxmlStatus;
  try {
    status = await parseEdxmlStatus(body ?? (await transport.fetch(docId)), { maxMetadataChars: MAX_STATUS_CHARS });
  } catch (err) {
    if (err instanceof InterchangeError) return { docId, outcome: "skipped", error: err.message };
    if (!(err instanceof EdxmlError)) throw err;
    await answer(transport, docId, "fail");
    return { docId, outcome: "refused", reason: err.message };
  }
  if (status.statusCode.trim() === "13") return { docId, outcome: "recall", recall: await receiveRecall(deps, { transport }, item, status) };
  const outgoing = await findOutgoing(deps, status);
  const recipient = outgoing
    ? await deps.prisma.interchangeOutgoingRecipient.findUnique({
        where: { outgoingId_organId: { outgoingId: outgoing.id, organId: status.from.organId.trim().toUpperCase() } },
        select: { id: true, organName: true },
      })
    : null;
  if (!outgoing || !recipient) {
    await answer(transport, docId, "done");
    return {
      docId,
      outcome: "unmatched",
      reason: outgoing
        ? `agency ${status.from.organId} is not a recipient of ${status.responseFor.code}`
        : `no package of ours is ${status.responseFor.code} of ${status.responseFor.promulgationDate}`,
    };
  }
  const now = deps.clock.now();
  const statusCode = status.statusCode.trim().slice(0, 10);
  const description = status.description?.trim().slice(0, 2000) || null;
  let statusId: string;
  try {
    statusId = await deps.prisma.$transaction(async (tx) => {
      const row = await tx.interchangeOutgoingStatus.create({
        data: { axisDocId: docId, recipientId: recipient.id, statusCode, description, timestamp: status.timestamp, receivedAt: now },
        select: { id: true },
      });
      await tx.interchangeOutgoingRecipient.update({ where: { id: recipient.id }, data: { statusCode, statusDescription: description, statusAt: now } });
      // A returned document (02) reaches the clerk who issued it, with the reason.
      if (statusCode === "02") {
        await enqueueOutbox(tx, now, [
          {
            userId: outgoing.document.createdById,
            kind: "outgoing.interchangeReturned",
            payload: { statusId: row.id },
            dedupeKey: `outgoing.interchangeReturned:${row.id}`,
            urgency: "URGENT",
          },
        ]);
      }
      // The answer to our recall (15 accepted, 16 refused) reaches the clerk who recalled.
      if (statusCode === "15" || statusCode === "16") {
        const userId = outgoing.recalledById ?? outgoing.document.createdById;
        await enqueueOutbox(tx, now, [
          { userId, kind: "outgoing.interchangeRecallAnswered", payload: { statusId: row.id }, dedupeKey: `outgoing.interchangeRecallAnswered:${row.id}` },
        ]);
      }
      return row.id;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await deps.prisma.interchangeOutgoingStatus.findUniqueOrThrow({ where: { axisDocId: docId }, select: { id: true } });
    return { docId, outcome: "already", statusId: winner.id };
  }
  await answer(transport, docId, "done");
  return { docId, outcome: "stored", statusId, statusCode, documentId: outgoing.documentId, organId: status.from.organId };
};

/** Whether these bytes are a status message (edXML whose header holds a Status), read with the status parser's limits. */
export const isStatusMessage = async (bytes: Uint8Array): Promise<boolean> => {
  try {
    await parseEdxmlStatus(bytes, { maxMetadataChars: MAX_STATUS_CHARS });
    return true;
  } catch (err) {
    if (err instanceof EdxmlError) return false;
    throw err;
  }
};

/** Polls the status list once; one message's trouble never stops the others. */
export const pollOutgoingStatuses = async (deps: CoreDeps, { transport }: { transport: InterchangeTransport }): Promise<OutgoingStatusOutcome[]> => {
  const listed = await transport.listReceived("status");
  const outcomes: OutgoingStatusOutcome[] = [];
  for (const item of listed) outcomes.push(await receiveOutgoingStatus(deps, { transport }, item));
  return outcomes;
};
