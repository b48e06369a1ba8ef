// Renders the outbox rows of recalls and of rows the axis kept refusing (core/outbox/render-outbox-message.ts
// calls these): a sender recalled a package (the register clerks and the office; for a package still on the
// clerks' card the notice replaces the card), a holder's task stopped because its document was recalled, a
// recipient answered our recall (15/16), and a package or status message that was given up (FAILED).
import { t, type Locale } from "../messages/index.ts";
import type { OutboundMessage } from "../ports/sender.ts";
import type { Db } from "../store/client.ts";
import type { Role } from "../store/generated/enums.ts";
import { displayRef } from "../documents/refs.ts";
import { numberAndNotation } from "../outgoing/notation.ts";
import { formatLocalDate, utcMidnightToLocalDate } from "../time.ts";
import type { EdxmlMessageHeader } from "./edxml-types.ts";
import { packageRef } from "./pending-package.ts";
import { interchangeStatusName } from "./send-view.ts";

/** What the outbox renderer hands over (a subset of its own context). */
export type RecallRenderContext = { db: Db; locale: Locale; currentYear: number; zone: string; viewer: { roles: Role[] } };

/** The outbox renderer's result (core/outbox/render-outbox-message.ts), spelt out here so as not to import it back. */
type RenderResult = { ok: true; message: OutboundMessage } | { ok: false; reason: string };

const lines = (...parts: Array<string | null | undefined | false>): string => parts.filter((p): p is string => typeof p === "string" && p !== "").join("\n");

/** A received package's document as its sender named it: from the register when registered, else its envelope. */
const receivedDocument = (pkg: {
  fromOrganId: string;
  fromOrganName: string | null;
  envelope: unknown;
  document: { ref: string; codeNumber: string | null; codeNotation: string | null; issuer: string | null; issuedDate: Date | null; subject: string } | null;
}) => {
  const header = pkg.envelope as EdxmlMessageHeader | null;
  if (pkg.document) {
    const d = pkg.document;
    return {
      code: numberAndNotation(d.codeNumber, d.codeNotation),
      date: d.issuedDate ? formatLocalDate(utcMidnightToLocalDate(d.issuedDate)) : "—",
      sender: d.issuer ?? pkg.fromOrganName ?? pkg.fromOrganId,
      subject: d.subject,
    };
  }
  return {
    code: header ? `${header.code.codeNumber}/${header.code.codeNotation}` : "—",
    date: header ? formatLocalDate(header.promulgationInfo.promulgationDate) : "—",
    sender: header?.from.organName ?? pkg.fromOrganName ?? pkg.fromOrganId,
    subject: header?.subject ?? "",
  };
};

const RECEIVED_SELECT = {
  id: true,
  number: true,
  state: true,
  fromOrganId: true,
  fromOrganName: true,
  envelope: true,
  recallAnswer: true,
  recallReason: true,
  document: { select: { ref: true, codeNumber: true, codeNotation: true, issuer: true, issuedDate: true, subject: true } },
} as const;

/** `interchange.recalled`: a sender recalled a package; what became of it here. */
export const renderInterchangeRecalled = async (ctx: RecallRenderContext, { packageId }: { packageId: string }): Promise<RenderResult> => {
  const pkg = await ctx.db.interchangePackage.findUnique({ where: { id: packageId }, select: RECEIVED_SELECT });
  if (!pkg || !pkg.recallAnswer) return { ok: false, reason: "package not recalled" };
  const doc = receivedDocument(pkg);
  const ref = packageRef(pkg.number);
  const docRef = pkg.document ? displayRef(pkg.document.ref, ctx.currentYear) : "";
  // A package that waited on the card (never registered, not returned): the notice replaces the clerks' card.
  const wasOnCard = pkg.state === "RECALLED" && !pkg.document;
  const outcome =
    pkg.recallAnswer === "16"
      ? t(ctx.locale, "notify.interchangeRecalled.refused", { docRef })
      : pkg.state === "RETURNED"
        ? t(ctx.locale, "notify.interchangeRecalled.returned")
        : pkg.document
          ? t(ctx.locale, "notify.interchangeRecalled.registered", { docRef })
          : t(ctx.locale, "notify.interchangeRecalled.card", { ref });
  return {
    ok: true,
    message: {
      title: t(ctx.locale, "notify.interchangeRecalled.title", { code: doc.code }),
      text: lines(
        t(ctx.locale, "notify.interchangeRefused.document", { code: doc.code, date: doc.date, sender: doc.sender, organId: pkg.fromOrganId }),
        doc.subject && t(ctx.locale, "notify.line.subject", { subject: doc.subject }),
        t(ctx.locale, "notify.interchangeRecalled.reason", { reason: pkg.recallReason ?? t(ctx.locale, "notify.interchangeRecalled.noReason") }),
        outcome,
      ),
      ...(wasOnCard && ctx.viewer.roles.includes("CLERK") ? { cardKey: `interchange:${pkg.id}` } : {}),
    },
  };
};

/** `assignment.cancelled` for a document its sender recalled: why the holder's task stopped. */
export const renderAssignmentRecalled = async (ctx: RecallRenderContext, a: { ref: string; unitName: string; documentId: string; cardKey: string }): Promise<RenderResult> => {
  const pkg = await ctx.db.interchangePackage.findUnique({ where: { documentId: a.documentId }, select: RECEIVED_SELECT });
  const ref = displayRef(a.ref, ctx.currentYear);
  return {
    ok: true,
    message: {
      title: t(ctx.locale, "notify.assignmentRecalled.title", { ref }),
      text: t(ctx.locale, "notify.assignmentRecalled.body", {
        ref,
        unit: a.unitName,
        sender: pkg ? receivedDocument(pkg).sender : "—",
        reason: pkg?.recallReason ?? t(ctx.locale, "notify.interchangeRecalled.noReason"),
      }),
      cardKey: a.cardKey,
    },
  };
};

/** `outgoing.interchangeRecallAnswered`: a recipient accepted (15) or refused (16) our recall. */
export const renderRecallAnswered = async (ctx: RecallRenderContext, { statusId }: { statusId: string }): Promise<RenderResult> => {
  const s = await ctx.db.interchangeOutgoingStatus.findUnique({
    where: { id: statusId },
    select: {
      statusCode: true,
      description: true,
      recipient: { select: { organName: true, outgoing: { select: { document: { select: { ref: true, codeNumber: true, codeNotation: true, subject: true } } } } } },
    },
  });
  if (!s || (s.statusCode !== "15" && s.statusCode !== "16")) return { ok: false, reason: "not an answer to a recall" };
  const doc = s.recipient.outgoing.document;
  const ref = displayRef(doc.ref, ctx.currentYear);
  return {
    ok: true,
    message: {
      title: t(ctx.locale, s.statusCode === "15" ? "notify.recallAnswered.title.15" : "notify.recallAnswered.title.16", {
        agency: s.recipient.organName,
        code: numberAndNotation(doc.codeNumber, doc.codeNotation),
      }),
      text: lines(
        t(ctx.locale, "notify.recallAnswered.document", { ref, subject: doc.subject }),
        s.description && t(ctx.locale, "notify.recallAnswered.reason", { reason: s.description }),
        t(ctx.locale, "notify.recallAnswered.next", { ref }),
      ),
    },
  };
};

/** `outgoing.interchangeFailed`: the axis kept refusing our package; sending stopped. */
export const renderOutgoingFailed = async (ctx: RecallRenderContext, { outgoingId }: { outgoingId: string }): Promise<RenderResult> => {
  const row = await ctx.db.interchangeOutgoing.findUnique({
    where: { id: outgoingId },
    select: {
      state: true,
      lastError: true,
      recipients: { orderBy: { createdAt: "asc" }, select: { organName: true } },
      document: { select: { ref: true, codeNumber: true, codeNotation: true, subject: true } },
    },
  });
  if (!row || row.state !== "FAILED") return { ok: false, reason: "package not failed" };
  const ref = displayRef(row.document.ref, ctx.currentYear);
  return {
    ok: true,
    message: {
      title: t(ctx.locale, "notify.interchangeFailed.title", { code: numberAndNotation(row.document.codeNumber, row.document.codeNotation) }),
      text: t(ctx.locale, "notify.interchangeFailed.body", {
        ref,
        subject: row.document.subject,
        error: row.lastError ?? "—",
        agencies: row.recipients.map((r) => r.organName).join("; "),
      }),
    },
  };
};

/** `interchange.statusFailed`: the axis kept refusing a status message; sending stopped. */
export const renderStatusFailed = async (ctx: RecallRenderContext, { statusMessageId }: { statusMessageId: string }): Promise<RenderResult> => {
  const row = await ctx.db.interchangeStatusMessage.findUnique({
    where: { id: statusMessageId },
    select: {
      state: true,
      statusCode: true,
      toOrganId: true,
      responseCode: true,
      responseDate: true,
      lastError: true,
      package: { select: { fromOrganName: true } },
      outgoing: { select: { recipients: { select: { organId: true, organName: true } } } },
    },
  });
  if (!row || row.state !== "FAILED") return { ok: false, reason: "status not failed" };
  const agency = row.package?.fromOrganName ?? row.outgoing?.recipients.find((r) => r.organId === row.toOrganId)?.organName ?? row.toOrganId;
  const status = interchangeStatusName(ctx.locale, row.statusCode);
  return {
    ok: true,
    message: {
      title: t(ctx.locale, "notify.statusFailed.title", { status }),
      text: t(ctx.locale, "notify.statusFailed.body", {
        status,
        agency: `${agency} (${row.toOrganId})`,
        code: row.responseCode,
        date: formatLocalDate(utcMidnightToLocalDate(row.responseDate)),
        error: row.lastError ?? "—",
      }),
    },
  };
};
