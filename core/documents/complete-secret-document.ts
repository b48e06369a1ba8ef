// A secret incoming document (mật, tối mật, tuyệt mật) registered from chat holds only its số đến,
// số/ký hiệu, issuer and độ mật: its trích yếu may itself disclose the secret, so chat never carries
// it. The agency's clerk enters the rest here, on the office's own machine (`edoc document
// complete`). The audit log records which fields were entered, never their values.
import { z } from "zod";
import { isAgencyClerk, loadActor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { localDateOf, localDateToUtcMidnight } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { isSecret } from "../workflow/state-machine.ts";
import { documentSearchText } from "./search-text.ts";

const LOCAL_DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");

export const ZCompleteSecretDocumentInput = z
  .object({
    actorUserId: z.string().min(1),
    /** The document's reference: `M3/2026`, or `M3` for this year's. */
    ref: z
      .string()
      .trim()
      .regex(/^[A-Za-z]+\d+(\/\d{4})?$/, "must be a reference such as M3 or M3/2026"),
    subject: z.string().trim().min(1).max(500).optional(),
    issuedDate: LOCAL_DATE.optional(),
    docType: z.string().trim().min(1).max(100).optional(),
    urgency: z.enum(["NORMAL", "URGENT", "VERY_URGENT", "FLASH"]).optional(),
    signerName: z.string().trim().min(1).max(50).optional(),
    signerTitle: z.string().trim().min(1).max(100).optional(),
    description: z.string().trim().min(1).max(500).optional(),
  })
  .refine((v) => FIELDS.some((f) => v[f] !== undefined), { message: "give at least one field to enter" });
export type CompleteSecretDocumentInput = z.input<typeof ZCompleteSecretDocumentInput>;

const FIELDS = ["subject", "issuedDate", "docType", "urgency", "signerName", "signerTitle", "description"] as const;

export type CompleteSecretDocumentResult = { documentId: string; ref: string; fields: string[] };

/**
 * Enters (or corrects) the fields of a secret incoming document that chat does not carry. Only the
 * agency's clerk; only a secret incoming document of the clerk's organisation.
 *
 * @example await completeSecretDocument(deps, { actorUserId, ref: "M1/2026", subject: "V/v …", issuedDate: "2026-11-20" })
 */
export const completeSecretDocument = (deps: CoreDeps, raw: CompleteSecretDocumentInput): Promise<CompleteSecretDocumentResult> =>
  runUseCase(deps, { action: "document.completeSecret", actorUserId: raw.actorUserId, entityType: "Document" }, async () => {
    const actor = await loadActor(deps.prisma, raw.actorUserId);
    if (!isAgencyClerk(actor)) throw new DomainError("FORBIDDEN", "error.forbidden");
    const input = ZCompleteSecretDocumentInput.parse(raw);
    const now = deps.clock.now();
    const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } });
    const ref = input.ref.includes("/") ? input.ref.toUpperCase() : `${input.ref.toUpperCase()}/${localDateOf(now, org.timeZone).slice(0, 4)}`;
    return deps.prisma.$transaction(async (tx) => {
      const doc = await tx.document.findFirst({
        where: { orgId: actor.orgId, ref, direction: "IN" },
        select: { id: true, ref: true, secrecy: true, subject: true, issuer: true, docType: true, codeNumber: true, codeNotation: true },
      });
      if (!doc) throw new DomainError("NOT_FOUND", "document.notFound");
      if (!isSecret(doc.secrecy)) throw new DomainError("DOCUMENT_NOT_SECRET", "document.completeNotSecret", { ref: doc.ref });
      const fields = FIELDS.filter((f) => input[f] !== undefined);
      const subject = input.subject ?? doc.subject;
      const docType = input.docType ?? doc.docType;
      await tx.document.update({
        where: { id: doc.id },
        data: {
          ...(input.subject !== undefined ? { subject: input.subject } : {}),
          ...(input.issuedDate !== undefined ? { issuedDate: localDateToUtcMidnight(input.issuedDate) } : {}),
          ...(input.docType !== undefined ? { docType: input.docType } : {}),
          ...(input.urgency !== undefined ? { urgency: input.urgency } : {}),
          ...(input.signerName !== undefined ? { signerName: input.signerName } : {}),
          ...(input.signerTitle !== undefined ? { signerTitle: input.signerTitle } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
          searchText: documentSearchText({ ref: doc.ref, subject, issuer: doc.issuer, docType, codeNumber: doc.codeNumber, codeNotation: doc.codeNotation }),
        },
      });
      await appendAuditEvent(tx, {
        type: "document.completed",
        at: now,
        orgId: actor.orgId,
        actorUserId: actor.id,
        entityType: "Document",
        entityId: doc.id,
        data: { ref: doc.ref, fields },
      });
      return { documentId: doc.id, ref: doc.ref, fields: [...fields] };
    });
  });
