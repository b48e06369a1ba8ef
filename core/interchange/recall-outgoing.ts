// Our clerk recalls an outgoing document sent through the interchange (`/thuhoi P12 lý do`; issue 19,
// "Recall"): a status message 13 with the reason goes to every recipient of its package, through the
// durable status sender (./status-messages.ts: one row per recipient, retried, given up only when the axis
// keeps refusing). The recipients answer 15 (accepted) or 16 (refused); ./send-statuses.ts stores each
// answer on its recipient (/xem P12 shows it) and tells the clerk who recalled.
//
// Decisions: the reason is required (it is the 13's Description, read by the recipient's clerk). Who may
// recall: the clerk who issued the document, or a clerk of the issuer (the office's clerks for the
// organisation's documents, the unit's clerks for a ward's or commune's own-seal documents). A document
// recalls once. A package that was never accepted by the axis (FAILED) reached nobody: the recall is
// recorded but nothing is sent; one still waiting to be sent sends its 13s right after it.
import { isAgencyClerk, hasRole, loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { displayRef } from "../documents/refs.ts";
import { DomainError } from "../errors.ts";
import { canonicalOutgoingRef, type OutgoingRefInput, ZOutgoingRefInput } from "../outgoing/outgoing-ref.ts";
import { formatDateTime, localDateOf } from "../time.ts";
import { runUseCase } from "../use-case.ts";

/** The longest recall reason (it travels as the 13's Description). */
export const RECALL_REASON_MAX = 500;

export type RecallOutgoingInput = { actorUserId: string; ref: OutgoingRefInput; reason: string };

export type RecallOutgoingResult = {
  documentId: string;
  /** `P12` as people type it this year. */
  displayRef: string;
  reason: string;
  /** The recipients the 13 goes to; empty when the package never left (FAILED). */
  recipients: { organId: string; name: string }[];
};

/**
 * Thu hồi: recalls an outgoing document from every interchange recipient.
 *
 * @example await recallOutgoingDocument(deps, { actorUserId, ref: { kind: "OUT", number: 12 }, reason: "Sai số liệu tại phụ lục 2" })
 */
export const recallOutgoingDocument = (deps: CoreDeps, input: RecallOutgoingInput): Promise<RecallOutgoingResult> =>
  runUseCase(deps, { action: "outgoing.recall", actorUserId: input.actorUserId, entityType: "Document" }, async () => {
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } });
    const zone = org.timeZone || deps.settings.officeTimeZone;
    const currentYear = Number(localDateOf(deps.clock.now(), zone).slice(0, 4));
    const parsedRef = ZOutgoingRefInput.safeParse(input.ref);
    const canonical = parsedRef.success ? canonicalOutgoingRef(parsedRef.data, currentYear) : null;
    const shownInput = typeof input.ref === "string" ? input.ref : canonical ? displayRef(canonical, currentYear) : "";
    const doc = canonical
      ? await deps.prisma.document.findUnique({
          where: { orgId_direction_ref: { orgId: actor.orgId, direction: "OUT", ref: canonical } },
          select: {
            id: true,
            ref: true,
            createdById: true,
            issuerUnitId: true,
            codeNumber: true,
            codeNotation: true,
            issuedDate: true,
            interchangeOutgoing: {
              select: {
                id: true,
                state: true,
                edxmlDocumentId: true,
                recalledAt: true,
                recalledById: true,
                recallReason: true,
                recipients: { orderBy: { createdAt: "asc" }, select: { organId: true, organName: true } },
              },
            },
          },
        })
      : null;
    if (!doc) throw new DomainError("DOCUMENT_NOT_FOUND", "outgoing.recall.notFound", { ref: shownInput });
    const ref = displayRef(doc.ref, currentYear);
    const mayRecall = doc.createdById === actor.id || (hasRole(actor, "CLERK") && (doc.issuerUnitId ? actor.unitId === doc.issuerUnitId : isAgencyClerk(actor)));
    if (!mayRecall) throw new DomainError("FORBIDDEN", "outgoing.recall.forbidden", { ref });
    const out = doc.interchangeOutgoing;
    if (!out || !doc.codeNumber || !doc.codeNotation || !doc.issuedDate) throw new DomainError("INTERCHANGE_NOT_SENT", "outgoing.recall.notInterchange", { ref });
    const already = async (recalledAt: Date, recalledById: string | null) => {
      const who = recalledById ? await deps.prisma.user.findUnique({ where: { id: recalledById }, select: { name: true } }) : null;
      return new DomainError("INTERCHANGE_RECALLED", "outgoing.recall.already", { ref, who: who?.name ?? "—", at: formatDateTime(recalledAt, zone) });
    };
    if (out.recalledAt) throw await already(out.recalledAt, out.recalledById);
    const reason = input.reason.trim();
    if (reason === "") throw new DomainError("REASON_REQUIRED", "outgoing.recall.reasonRequired", { ref });
    if (reason.length > RECALL_REASON_MAX) throw new DomainError("VALIDATION", "outgoing.recall.reasonTooLong", { ref, max: RECALL_REASON_MAX });

    const now = deps.clock.now();
    const agencyOrganId = deps.settings.agencyOrganId;
    const sends = out.state !== "FAILED";
    const recorded = await deps.prisma.$transaction(async (tx) => {
      // The compare-and-set: two clerks recalling at once → one recall.
      const moved = await tx.interchangeOutgoing.updateMany({ where: { id: out.id, recalledAt: null }, data: { recalledAt: now, recallReason: reason, recalledById: actor.id } });
      if (moved.count === 0) return false;
      if (sends) {
        await tx.interchangeStatusMessage.createMany({
          data: out.recipients.map((r) => ({
            dedupeKey: `out:${out.id}:${r.organId}:13`,
            outgoingId: out.id,
            statusCode: "13",
            description: reason,
            toOrganId: r.organId,
            // ResponseFor names our document: its issuer is us.
            responseOrganId: agencyOrganId ?? null,
            responseCode: `${doc.codeNumber}/${doc.codeNotation}`,
            responseDate: doc.issuedDate!,
            responseDocumentId: out.edxmlDocumentId,
            nextAttemptAt: now,
            createdAt: now,
          })),
          skipDuplicates: true,
        });
      }
      await appendAuditEvent(tx, {
        type: "outgoing.recalled",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "Document",
        entityId: doc.id,
        data: { ref: doc.ref, reason, recipients: sends ? out.recipients.map((r) => r.organId) : [], packageState: out.state },
      });
      return true;
    });
    if (!recorded) {
      const now2 = await deps.prisma.interchangeOutgoing.findUniqueOrThrow({ where: { id: out.id }, select: { recalledAt: true, recalledById: true } });
      throw await already(now2.recalledAt ?? now, now2.recalledById);
    }
    return { documentId: doc.id, displayRef: ref, reason, recipients: sends ? out.recipients.map((r) => ({ organId: r.organId, name: r.organName })) : [] };
  });
