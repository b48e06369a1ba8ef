import { z } from "zod";
import { hasRole, isAgencyClerk, loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import { ZChannel } from "../channels.ts";
import type { CoreDeps } from "../deps.ts";
import { displayRef } from "../documents/refs.ts";
import { DomainError } from "../errors.ts";
import { localDateOf } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { ZOutgoingRefInput, canonicalOutgoingRef } from "./outgoing-ref.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import { isSecret, recipientActionsFor, type RecipientAction } from "../workflow/state-machine.ts";

export const ZAcknowledgeOutgoingInput = z
  .object({
    actorUserId: z.string().min(1),
    /** The recipient row (a button press carries it). */
    recipientId: z.string().min(1).optional(),
    /** Or the document's ref with the unit (`/nhan P12-TCKH`): the unit defaults to the actor's. */
    ref: ZOutgoingRefInput.optional(),
    unitCode: z.string().trim().min(1).max(50).optional(),
    /** Evidence: where the acknowledgement came from. */
    channel: ZChannel.optional(),
  })
  .refine((v) => v.recipientId !== undefined || v.ref !== undefined, { message: "recipientId or ref is required" });
export type AcknowledgeOutgoingInput = z.input<typeof ZAcknowledgeOutgoingInput>;

/** The recipient row (`id`; `ref`: the document's canonical ref and the unit, `P12/2026-TCKH`; `actions`: none left). */
export type AcknowledgeOutgoingResult = ActionOutcome<RecipientAction> & {
  recipientId: string;
  documentId: string;
  /** The recipient's ref as people type it: `P12-TCKH`. */
  displayRef: string;
  acknowledgedAt: Date;
};

/**
 * A recipient unit confirms it received an outgoing document (đã nhận). Allowed to a UNIT_HEAD of
 * the recipient unit, and to a clerk who may issue (the agency's văn thư) for a PAPER recipient:
 * recording the receipt of the paper copy. Compare-and-set on `acknowledgedAt`: a second
 * acknowledgement changes nothing and is refused with OUTGOING_ALREADY_ACKNOWLEDGED. Secret
 * documents are not acknowledged through the system (their metadata is not visible at unit level).
 *
 * @example await acknowledgeOutgoing(deps, { actorUserId, ref: "P12", unitCode: "TCKH", channel: "ZALO" })
 */
export const acknowledgeOutgoing = (deps: CoreDeps, raw: AcknowledgeOutgoingInput): Promise<AcknowledgeOutgoingResult> =>
  runUseCase(deps, { action: "outgoing.acknowledge", actorUserId: raw.actorUserId, entityType: "DocumentRecipient", entityId: raw.recipientId ?? null }, async () => {
    const input = ZAcknowledgeOutgoingInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } });
    const currentYear = Number(localDateOf(deps.clock.now(), org.timeZone || deps.settings.officeTimeZone).slice(0, 4));
    const notFound = () => new DomainError("OUTGOING_RECIPIENT_NOT_FOUND", "outgoing.recipientNotFound");

    let where: { id: string } | { documentId: string; unitId: string };
    if (input.recipientId) {
      where = { id: input.recipientId };
    } else {
      const ref = canonicalOutgoingRef(input.ref!, currentYear);
      if (!ref) throw notFound();
      const doc = await deps.prisma.document.findUnique({ where: { orgId_direction_ref: { orgId: actor.orgId, direction: "OUT", ref } }, select: { id: true } });
      const unit = await deps.prisma.unit.findFirst({
        where: { orgId: actor.orgId, code: { equals: input.unitCode ?? actor.unitCode, mode: "insensitive" } },
        select: { id: true },
      });
      if (!doc || !unit) throw notFound();
      where = { documentId: doc.id, unitId: unit.id };
    }
    const recipient = await deps.prisma.documentRecipient.findFirst({
      where: { ...where, document: { orgId: actor.orgId, direction: "OUT" } },
      select: {
        id: true,
        unitId: true,
        isPaper: true,
        acknowledgedAt: true,
        document: { select: { id: true, ref: true, secrecy: true, status: true } },
      },
    });
    if (!recipient || !recipient.unitId || isSecret(recipient.document.secrecy) || recipient.document.status !== "ISSUED") throw notFound();
    const unit = await deps.prisma.unit.findUniqueOrThrow({ where: { id: recipient.unitId }, select: { code: true } });
    const isHead = hasRole(actor, "UNIT_HEAD") && actor.unitId === recipient.unitId;
    const isPaperReceipt = recipient.isPaper && isAgencyClerk(actor);
    if (!isHead && !isPaperReceipt) throw new DomainError("FORBIDDEN", "error.forbidden");
    const shown = `${displayRef(recipient.document.ref, currentYear)}-${unit.code}`;

    const now = deps.clock.now();
    return deps.prisma.$transaction(async (tx) => {
      const claimed = await tx.documentRecipient.updateMany({ where: { id: recipient.id, acknowledgedAt: null }, data: { acknowledgedAt: now } });
      if (claimed.count === 0) throw new DomainError("OUTGOING_ALREADY_ACKNOWLEDGED", "outgoing.alreadyAcknowledged", { ref: shown });
      await appendAuditEvent(tx, {
        type: "outgoing.acknowledged",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "DocumentRecipient",
        entityId: recipient.id,
        data: { documentId: recipient.document.id, ref: recipient.document.ref, unit: unit.code, channel: input.channel ?? null, paperReceipt: !isHead },
      });
      return {
        id: recipient.id,
        ref: `${recipient.document.ref}-${unit.code}`,
        actions: recipientActionsFor({ acknowledged: true, isPaper: recipient.isPaper }),
        recipientId: recipient.id,
        documentId: recipient.document.id,
        displayRef: shown,
        acknowledgedAt: now,
      };
    });
  });
