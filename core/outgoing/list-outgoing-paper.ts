import { z } from "zod";
import { hasRole, loadActor } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { displayRef } from "../documents/refs.ts";
import { DomainError } from "../errors.ts";
import { seesSecretMetadata } from "../queries/visibility.ts";
import type { Urgency } from "../store/generated/enums.ts";
import { localDateOf } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import type { OutgoingDelivery } from "./issue-outgoing-document.ts";
import { numberAndNotation } from "./notation.ts";
import { isSecret } from "../workflow/state-machine.ts";

export const ZListOutgoingPaperInput = z.object({ actorUserId: z.string().min(1) });
export type ListOutgoingPaperInput = z.input<typeof ZListOutgoingPaperInput>;

export type OutgoingPaperItem = {
  recipientId: string;
  documentId: string;
  ref: string;
  displayRef: string;
  numberAndNotation: string;
  subject: string;
  urgency: Urgency;
  /** Why it goes on paper: the document carries the red seal, is secret, or the recipient has no account / is external. */
  reason: "RED_SEAL" | "SECRET" | "NO_ACCOUNT" | "EXTERNAL";
  delivery: Exclude<OutgoingDelivery, "ELECTRONIC">;
  unitCode: string | null;
  name: string;
  issuedAt: Date | null;
};

/**
 * The office's list of outgoing documents to send on paper or through another channel: recipients
 * marked paper (red seal, secret, a unit without an account, an external agency) whose receipt is not
 * recorded yet. Most urgent first, then oldest first. For the office (MONITOR) and clerks; secret
 * documents only for those who see secret metadata.
 *
 * @example const { items } = await listOutgoingPaper(deps, { actorUserId });
 */
export const listOutgoingPaper = (deps: CoreDeps, raw: ListOutgoingPaperInput): Promise<{ items: OutgoingPaperItem[] }> =>
  runUseCase(deps, { action: "outgoing.paperList", actorUserId: raw.actorUserId }, async () => {
    const input = ZListOutgoingPaperInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    if (!hasRole(actor, "MONITOR", "CLERK")) throw new DomainError("FORBIDDEN", "error.forbidden");
    const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } });
    const currentYear = Number(localDateOf(deps.clock.now(), org.timeZone || deps.settings.officeTimeZone).slice(0, 4));
    const rows = await deps.prisma.documentRecipient.findMany({
      where: {
        isPaper: true,
        acknowledgedAt: null,
        document: { orgId: actor.orgId, direction: "OUT", status: "ISSUED", ...(seesSecretMetadata(actor) ? {} : { secrecy: "NONE" }) },
      },
      select: {
        id: true,
        unitId: true,
        externalName: true,
        document: { select: { id: true, ref: true, codeNumber: true, codeNotation: true, subject: true, urgency: true, secrecy: true, requiresRedSeal: true, arrivalAt: true } },
      },
    });
    const units = new Map(
      (
        await deps.prisma.unit.findMany({ where: { id: { in: rows.map((r) => r.unitId).filter((x): x is string => x !== null) } }, select: { id: true, code: true, name: true } })
      ).map((u) => [u.id, u]),
    );
    const RANK: Record<Urgency, number> = { NORMAL: 0, URGENT: 1, VERY_URGENT: 2, FLASH: 3 };
    const items = rows.map((r): OutgoingPaperItem => {
      const unit = r.unitId ? units.get(r.unitId) : undefined;
      const d = r.document;
      return {
        recipientId: r.id,
        documentId: d.id,
        ref: d.ref,
        displayRef: displayRef(d.ref, currentYear),
        numberAndNotation: numberAndNotation(d.codeNumber, d.codeNotation),
        subject: d.subject,
        urgency: d.urgency,
        reason: isSecret(d.secrecy) ? "SECRET" : d.requiresRedSeal ? "RED_SEAL" : r.unitId ? "NO_ACCOUNT" : "EXTERNAL",
        delivery: r.unitId ? "PAPER" : "EXTERNAL",
        unitCode: unit?.code ?? null,
        name: unit?.name ?? r.externalName ?? "",
        issuedAt: d.arrivalAt,
      };
    });
    items.sort((a, b) => RANK[b.urgency] - RANK[a.urgency] || (a.issuedAt?.getTime() ?? 0) - (b.issuedAt?.getTime() ?? 0) || a.ref.localeCompare(b.ref, "en", { numeric: true }));
    return { items };
  });
