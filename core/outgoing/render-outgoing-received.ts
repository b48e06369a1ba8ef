// Renders the "outgoing.received" outbox rows (core/outbox/render-outbox-message.ts calls it): a unit
// head receives an outgoing document of the agency like an incoming one, with the sealed PDF and the
// reply `/nhan P12-TCKH`. Rendered from current data: a recipient that has already acknowledged, a
// paper recipient or a paper-only document is not sent (the row is cancelled).
import { t, type Locale } from "../messages/index.ts";
import type { MessageAttachment } from "../ports/sender.ts";
import type { RenderOutboxResult } from "../outbox/render-result.ts";
import type { Db } from "../store/client.ts";
import { formatDate } from "../time.ts";
import { displayRef } from "../documents/refs.ts";
import { numberAndNotation } from "./notation.ts";
import { recipientMessageActions } from "../workflow/actions.ts";
import { isOffline, recipientActionsFor } from "../workflow/state-machine.ts";

/** What the outbox renderer hands over (a subset of its own context). */
export type OutgoingRenderContext = { db: Db; locale: Locale; zone: string; currentYear: number };

const line = (...parts: Array<string | null | undefined | false>): string => parts.filter((p): p is string => typeof p === "string" && p !== "").join("\n");

export const renderOutgoingReceived = async (ctx: OutgoingRenderContext, { documentId, recipientId }: { documentId: string; recipientId: string }): Promise<RenderOutboxResult> => {
  const r = await ctx.db.documentRecipient.findUnique({
    where: { id: recipientId },
    select: {
      isPaper: true,
      acknowledgedAt: true,
      unitId: true,
      document: {
        select: {
          id: true,
          ref: true,
          docType: true,
          codeNumber: true,
          codeNotation: true,
          issuer: true,
          issuedDate: true,
          subject: true,
          urgency: true,
          secrecy: true,
          isPaperOnly: true,
          status: true,
          signerName: true,
          signerTitle: true,
        },
      },
    },
  });
  if (!r || r.document.id !== documentId || !r.unitId) return { ok: false, reason: "recipient not found" };
  const doc = r.document;
  if (isOffline(doc) || r.isPaper) return { ok: false, reason: "paper only" };
  if (doc.status !== "ISSUED") return { ok: false, reason: `document ${doc.status}` };
  if (r.acknowledgedAt) return { ok: false, reason: "already acknowledged" };
  const unit = await ctx.db.unit.findUnique({ where: { id: r.unitId }, select: { code: true, name: true } });
  if (!unit) return { ok: false, reason: "unit not found" };
  const ref = `${displayRef(doc.ref, ctx.currentYear)}-${unit.code}`;
  const code = numberAndNotation(doc.codeNumber, doc.codeNotation);
  const file = await ctx.db.storedFile.findFirst({ where: { documentId: doc.id, kind: "SIGNED" }, orderBy: { createdAt: "desc" }, select: { sha256: true, mime: true } });
  const attachments: MessageAttachment[] = file ? [{ sha256: file.sha256, fileName: `${code.replace(/[^A-Za-z0-9_-]/g, "_")}.pdf`, mime: file.mime, kind: "document" }] : [];
  const urgencyTag = doc.urgency === "NORMAL" ? "" : t(ctx.locale, "notify.urgencyTag", { urgency: t(ctx.locale, `notify.urgency.${doc.urgency}`).toUpperCase() });
  const command = `/nhan ${ref}`;
  return {
    ok: true,
    message: {
      title: t(ctx.locale, "outgoing.received.title", { tag: urgencyTag, code, issuer: doc.issuer ?? "" }),
      text: line(
        t(ctx.locale, "outgoing.received.document", { docType: doc.docType, code, date: doc.issuedDate ? formatDate(doc.issuedDate, "UTC") : "" }),
        t(ctx.locale, "notify.line.subject", { subject: doc.subject }),
        t(ctx.locale, "outgoing.received.signer", { signer: [doc.signerTitle, doc.signerName].filter(Boolean).join(" ") }),
        doc.urgency !== "NORMAL" && t(ctx.locale, "notify.line.urgency", { urgency: t(ctx.locale, `notify.urgency.${doc.urgency}`) }),
        t(ctx.locale, "outgoing.received.unit", { unit: unit.name }),
        t(ctx.locale, "outgoing.received.howToAck", { command }),
      ),
      actions: recipientMessageActions(ctx.locale, { id: recipientId, shownRef: ref }, recipientActionsFor({ acknowledged: r.acknowledgedAt !== null, isPaper: r.isPaper })),
      attachments,
      cardKey: `outgoing:${recipientId}`,
    },
  };
};
