import { z } from "zod";
import { hasRole, loadActor, seesAllDocuments } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { displayRef } from "../documents/refs.ts";
import { DomainError } from "../errors.ts";
import { seesSecretMetadata } from "../queries/visibility.ts";
import type { DocumentStatus, Secrecy, Urgency } from "../store/generated/enums.ts";
import { localDateOf } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import type { OutgoingDelivery } from "./issue-outgoing-document.ts";
import { numberAndNotation } from "./notation.ts";
import { ZOutgoingRefInput, canonicalOutgoingRef } from "./outgoing-ref.ts";
import { isSecret as isSecretLevel } from "../workflow/state-machine.ts";

export const ZGetOutgoingStatusInput = z.object({ actorUserId: z.string().min(1), ref: ZOutgoingRefInput });
export type GetOutgoingStatusInput = z.input<typeof ZGetOutgoingStatusInput>;

export type OutgoingRecipientStatus = {
  recipientId: string;
  unitCode: string | null;
  /** The unit's name, or the external agency's name. */
  name: string;
  delivery: OutgoingDelivery;
  acknowledgedAt: Date | null;
  /** Who acknowledged (the unit head, or the clerk recording a paper receipt). */
  acknowledgedBy: string | null;
};

export type OutgoingStatus = {
  documentId: string;
  ref: string;
  displayRef: string;
  docType: string;
  /** "05/UBND-VP" */
  numberAndNotation: string;
  subject: string;
  issuedAt: Date | null;
  status: DocumentStatus;
  urgency: Urgency;
  secrecy: Secrecy;
  isPaperOnly: boolean;
  requiresRedSeal: boolean;
  isSigned: boolean;
  recipients: OutgoingRecipientStatus[];
  /** Recipients that confirmed receipt / all recipients. */
  acknowledgedCount: number;
  recipientCount: number;
};

/**
 * The issuing side's view of an outgoing document: each recipient with its delivery method and
 * acknowledgement. For the clerk who issued it, the agency's clerks, leaders and the office, and the
 * drafting unit's heads; secret documents only for those who see secret metadata. Anyone else gets
 * OUTGOING_NOT_FOUND (existence is not leaked).
 *
 * @example const s = await getOutgoingStatus(deps, { actorUserId, ref: "P12" });
 */
export const getOutgoingStatus = (deps: CoreDeps, raw: GetOutgoingStatusInput): Promise<OutgoingStatus> =>
  runUseCase(deps, { action: "outgoing.status", actorUserId: raw.actorUserId, entityType: "Document" }, async () => {
    const input = ZGetOutgoingStatusInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } });
    const currentYear = Number(localDateOf(deps.clock.now(), org.timeZone || deps.settings.officeTimeZone).slice(0, 4));
    const ref = canonicalOutgoingRef(input.ref, currentYear);
    const notFound = () => new DomainError("OUTGOING_NOT_FOUND", "outgoing.notFound");
    if (!ref) throw notFound();
    const doc = await deps.prisma.document.findUnique({
      where: { orgId_direction_ref: { orgId: actor.orgId, direction: "OUT", ref } },
      select: {
        id: true,
        ref: true,
        docType: true,
        codeNumber: true,
        codeNotation: true,
        subject: true,
        arrivalAt: true,
        status: true,
        urgency: true,
        secrecy: true,
        isPaperOnly: true,
        requiresRedSeal: true,
        isSigned: true,
        createdById: true,
        draftingUnitId: true,
        recipients: {
          orderBy: { createdAt: "asc" },
          select: { id: true, unitId: true, externalName: true, isPaper: true, acknowledgedAt: true },
        },
      },
    });
    if (!doc) throw notFound();
    const isSecret = isSecretLevel(doc.secrecy);
    const mayView =
      (isSecret ? seesSecretMetadata(actor) : seesAllDocuments(actor)) ||
      doc.createdById === actor.id ||
      (!isSecret && hasRole(actor, "UNIT_HEAD") && doc.draftingUnitId === actor.unitId);
    if (!mayView) throw notFound();

    const unitIds = doc.recipients.map((r) => r.unitId).filter((id): id is string => id !== null);
    const units = new Map((await deps.prisma.unit.findMany({ where: { id: { in: unitIds } }, select: { id: true, code: true, name: true } })).map((u) => [u.id, u]));
    const acks = await deps.prisma.auditEvent.findMany({
      where: { type: "outgoing.acknowledged", entityType: "DocumentRecipient", entityId: { in: doc.recipients.map((r) => r.id) } },
      select: { entityId: true, actorUserId: true },
    });
    const people = new Map(
      (await deps.prisma.user.findMany({ where: { id: { in: acks.map((a) => a.actorUserId).filter((x): x is string => x !== null) } }, select: { id: true, name: true } })).map(
        (u) => [u.id, u.name],
      ),
    );
    const recipients = doc.recipients.map((r): OutgoingRecipientStatus => {
      const unit = r.unitId ? units.get(r.unitId) : undefined;
      const ack = acks.find((a) => a.entityId === r.id);
      return {
        recipientId: r.id,
        unitCode: unit?.code ?? null,
        name: unit?.name ?? r.externalName ?? "",
        delivery: r.unitId ? (r.isPaper ? "PAPER" : "ELECTRONIC") : "EXTERNAL",
        acknowledgedAt: r.acknowledgedAt,
        acknowledgedBy: ack?.actorUserId ? (people.get(ack.actorUserId) ?? null) : null,
      };
    });
    return {
      documentId: doc.id,
      ref: doc.ref,
      displayRef: displayRef(doc.ref, currentYear),
      docType: doc.docType,
      numberAndNotation: numberAndNotation(doc.codeNumber, doc.codeNotation),
      subject: doc.subject,
      issuedAt: doc.arrivalAt,
      status: doc.status,
      urgency: doc.urgency,
      secrecy: doc.secrecy,
      isPaperOnly: doc.isPaperOnly,
      requiresRedSeal: doc.requiresRedSeal,
      isSigned: doc.isSigned,
      recipients,
      acknowledgedCount: recipients.filter((r) => r.acknowledgedAt !== null).length,
      recipientCount: recipients.length,
    };
  });
