// Renders the "outgoing.interchangeReturned" outbox rows (core/outbox/render-outbox-message.ts calls it):
// the clerk who issued an outgoing document learns that an agency returned it through the interchange
// (status 02), with the reason the agency gave and what to do.
import { t, type Locale } from "../messages/index.ts";
import type { OutboundMessage } from "../ports/sender.ts";
import type { Db } from "../store/client.ts";
import { displayRef } from "../documents/refs.ts";
import { numberAndNotation } from "../outgoing/notation.ts";

/** What the outbox renderer hands over (a subset of its own context). */
export type InterchangeRenderContext = { db: Db; locale: Locale; currentYear: number };

/** The outbox renderer's result (core/outbox/render-outbox-message.ts), spelt out here so as not to import it back. */
type RenderResult = { ok: true; message: OutboundMessage } | { ok: false; reason: string };

export const renderInterchangeReturned = async (ctx: InterchangeRenderContext, { statusId }: { statusId: string }): Promise<RenderResult> => {
  const s = await ctx.db.interchangeOutgoingStatus.findUnique({
    where: { id: statusId },
    select: {
      description: true,
      recipient: { select: { organId: true, organName: true, outgoing: { select: { document: { select: { ref: true, codeNumber: true, codeNotation: true, subject: true } } } } } },
    },
  });
  if (!s) return { ok: false, reason: "status not found" };
  const doc = s.recipient.outgoing.document;
  const ref = displayRef(doc.ref, ctx.currentYear);
  return {
    ok: true,
    message: {
      title: t(ctx.locale, "notify.outgoingReturned.title", { code: numberAndNotation(doc.codeNumber, doc.codeNotation), agency: s.recipient.organName }),
      text: [
        t(ctx.locale, "notify.outgoingReturned.document", { ref, subject: doc.subject }),
        t(ctx.locale, "notify.outgoingReturned.agency", { agency: s.recipient.organName, organId: s.recipient.organId }),
        t(ctx.locale, "notify.outgoingReturned.reason", { reason: s.description ?? t(ctx.locale, "notify.outgoingReturned.noReason") }),
        t(ctx.locale, "notify.outgoingReturned.next", { ref }),
      ].join("\n"),
    },
  };
};
