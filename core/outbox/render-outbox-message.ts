// Renders an outbox row (kind + payload ids) for the person it is addressed to, from CURRENT data:
// a message sent an hour late shows the deadline and status as they are now, not as they were when
// the row was written. Every text comes from the catalog (core/messages/catalog/notify.ts).
//
// A row whose subject vanished or became moot (an assignment cancelled before its card went out, an
// extension already decided, a reminder for work already done) renders as `{ ok: false, reason }`:
// the delivery marks such a row CANCELLED instead of sending a stale message.
import { loadOrgCalendar } from "../calendar/load-org-calendar.ts";
import type { CoreDeps } from "../deps.ts";
import { t, type Locale, type MessageKey } from "../messages/index.ts";
import type { MessageAction, MessageAttachment, OutboundMessage } from "../ports/sender.ts";
import type { Db } from "../store/client.ts";
import type { AssignmentRole, Urgency } from "../store/generated/enums.ts";
import type { Calendar } from "../calendar/calendar.ts";
import { workingDaysLate } from "../calendar/lateness.ts";
import { utcMidnightToLocalDate, formatDate, formatDateTime, formatDueAt, formatLocalDate, localDateOf, startOfLocalDay, endOfLocalDay, addDays } from "../time.ts";
import { OUTBOX_KINDS, type OutboxKind, type OutboxPayloads } from "./outbox-kinds.ts";
import { buildOfficeDigest, type DigestDocument } from "../reports/office-digest.ts";
import { renderOutgoingReceived } from "../outgoing/render-outgoing-received.ts";
import type { EdxmlMessageHeader } from "../interchange/edxml-types.ts";
import { packageRef, urgencyOfPriority, type HeldFiles } from "../interchange/pending-package.ts";
import { renderInterchangeReturned } from "../interchange/send-render.ts";
import { renderAssignmentRecalled, renderInterchangeRecalled, renderOutgoingFailed, renderRecallAnswered, renderStatusFailed } from "../interchange/recall-render.ts";
import { displayRef } from "../documents/refs.ts";
import type { Role, Secrecy } from "../store/generated/enums.ts";
import { OPEN_STATUSES, assignmentActionsFor, cancelReasonOf, documentActionsFor, extensionActionsFor, isOffline, packageActionsFor } from "../workflow/state-machine.ts";
import { assignmentMessageActions, documentMessageActions, extensionMessageActions, packageMessageActions } from "../workflow/actions.ts";

// === Public API

export type RenderOutboxInput = {
  kind: string;
  payload: unknown;
  /** The person the message is for (office.unreachable and digests read their organisation). */
  userId: string;
  locale: Locale;
};

import type { RenderOutboxResult } from "./render-result.ts";

export type { RenderOutboxResult };

/**
 * Renders one outbox row into a channel-neutral message, or says why it must not be sent.
 *
 * @example
 * const r = await renderOutboxMessage(deps, { kind: "assignment.new", payload: { assignmentId }, userId, locale: "vi" });
 * if (r.ok) await sender.send(target, r.message);
 */
export const renderOutboxMessage = async (deps: CoreDeps, input: RenderOutboxInput): Promise<RenderOutboxResult> => {
  if (!(OUTBOX_KINDS as readonly string[]).includes(input.kind)) return { ok: false, reason: `unknown kind ${input.kind}` };
  const kind = input.kind as OutboxKind;
  const user = await deps.prisma.user.findUnique({
    where: { id: input.userId },
    select: { id: true, orgId: true, unitId: true, roles: true, org: { select: { timeZone: true } } },
  });
  if (!user) return { ok: false, reason: "recipient not found" };
  const zone = user.org.timeZone || deps.settings.officeTimeZone;
  const now = deps.clock.now();
  const ctx: RenderContext = {
    db: deps.prisma,
    locale: input.locale,
    zone,
    now,
    currentYear: Number(localDateOf(now, zone).slice(0, 4)),
    orgId: user.orgId,
    viewer: { id: user.id, unitId: user.unitId, roles: user.roles },
    calendar: () => loadOrgCalendar(deps, { zone }),
    // Loaded when first needed: stamping pulls in the PDF libraries.
    stampedCopy: async (documentId) => (await import("../documents/ensure-stamped-copy.ts")).stampOrLog(deps, documentId),
  };
  const renderer = RENDERERS[kind] as Renderer<typeof kind>;
  return renderer(ctx, (input.payload ?? {}) as OutboxPayloads[typeof kind]);
};

/** A reference as people read it: the year only when it is not the current year (core/documents/refs.ts). */
export { displayRef };

// === Shared pieces

type RenderContext = {
  db: Db;
  locale: Locale;
  zone: string;
  now: Date;
  currentYear: number;
  orgId: string;
  /** The person the message is for: the actions it offers are theirs (core/workflow/state-machine.ts). */
  viewer: { id: string; unitId: string; roles: Role[] };
  calendar: () => Promise<Calendar>;
  /** Makes the document's stamped copy when it is not there yet (a card delivered before the registration stamped it). */
  stampedCopy: (documentId: string) => Promise<unknown>;
};
type Renderer<K extends OutboxKind> = (ctx: RenderContext, payload: OutboxPayloads[K]) => Promise<RenderOutboxResult>;

const skip = (reason: string): RenderOutboxResult => ({ ok: false, reason });
const ok = (message: OutboundMessage): RenderOutboxResult => ({ ok: true, message });
const lines = (...parts: Array<string | null | undefined | false>): string => parts.filter((p): p is string => typeof p === "string" && p !== "").join("\n");

const tag = (ctx: RenderContext, urgency: Urgency): string =>
  urgency === "NORMAL" ? "" : t(ctx.locale, "notify.urgencyTag", { urgency: t(ctx.locale, `notify.urgency.${urgency}`).toUpperCase() });

const DOCUMENT_SELECT = {
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
  registerNumber: true,
  arrivalAt: true,
  status: true,
  direction: true,
} as const;

type DocView = {
  id: string;
  ref: string;
  docType: string;
  codeNumber: string | null;
  codeNotation: string | null;
  issuer: string | null;
  issuedDate: Date | null;
  subject: string;
  urgency: Urgency;
  secrecy: Secrecy;
  isPaperOnly: boolean;
  registerNumber: number;
  arrivalAt: Date | null;
};

/** The document as officials cite it, its subject and urgency. */
const documentLines = (ctx: RenderContext, doc: DocView): string => {
  const code = doc.codeNumber ? (doc.codeNotation ? `${doc.codeNumber}/${doc.codeNotation}` : doc.codeNumber) : null;
  // issuedDate is a DATE column (UTC midnight): format it in UTC, not in the office zone.
  const issued = doc.issuedDate ? t(ctx.locale, "notify.line.issuedDate", { date: formatDate(doc.issuedDate, "UTC") }) : "";
  const issuer = doc.issuer ? t(ctx.locale, "notify.line.issuer", { issuer: doc.issuer }) : "";
  return lines(
    code
      ? t(ctx.locale, "notify.line.document", { docType: doc.docType, code, issued, issuer })
      : t(ctx.locale, "notify.line.documentNoCode", { docType: doc.docType, issued, issuer }),
    t(ctx.locale, "notify.line.subject", { subject: doc.subject }),
    doc.urgency !== "NORMAL" && t(ctx.locale, "notify.line.urgency", { urgency: t(ctx.locale, `notify.urgency.${doc.urgency}`) }),
    isOffline(doc) && t(ctx.locale, "notify.line.paperOnly"),
  );
};

/** The stamped copy of a document, never for secret or paper-only documents. */
const documentAttachments = async (ctx: RenderContext, doc: DocView): Promise<MessageAttachment[]> => {
  if (isOffline(doc)) return [];
  const stampedFile = () =>
    ctx.db.storedFile.findFirst({ where: { documentId: doc.id, kind: "STAMPED" }, orderBy: { createdAt: "desc" }, select: { sha256: true, fileName: true, mime: true } });
  let file = await stampedFile();
  // The registration stamps its copy right after its commit; a worker may get here first. A scan that
  // cannot be stamped is delivered without the file, as before (the registration said why).
  if (!file && (await ctx.db.storedFile.count({ where: { documentId: doc.id, kind: "ORIGINAL" } })) > 0) {
    await ctx.stampedCopy(doc.id); // never throws: a failure is logged (stampOrLog)
    file = await stampedFile();
  }
  if (!file) return [];
  const name = file.fileName ?? `${displayRef(doc.ref, ctx.currentYear).replace(/[^A-Za-z0-9_-]/g, "_")}.pdf`;
  return [{ sha256: file.sha256, fileName: name, mime: file.mime, kind: "document" }];
};

const reportAttachments = async (ctx: RenderContext, doc: DocView, reportId: string): Promise<MessageAttachment[]> => {
  if (isOffline(doc)) return [];
  const files = await ctx.db.storedFile.findMany({ where: { reportId }, orderBy: { createdAt: "asc" }, select: { sha256: true, fileName: true, mime: true } });
  return files.map((f, i) => ({ sha256: f.sha256, fileName: f.fileName ?? `bao-cao-${i + 1}`, mime: f.mime, kind: "document" as const }));
};

const dueText = (ctx: RenderContext, dueAt: Date | null): string => (dueAt ? formatDueAt(dueAt, ctx.zone, ctx.locale) : t(ctx.locale, "notify.noDeadline"));
/** The deadline with the working days left while it is ahead: "Thứ Ba, 08/12/2026 (còn 5 ngày làm việc)". */
const dueTextWithDaysLeft = async (ctx: RenderContext, dueAt: Date | null): Promise<string> => {
  if (!dueAt || dueAt.getTime() < ctx.now.getTime()) return dueText(ctx, dueAt);
  const days = (await ctx.calendar()).workingDaysLeft(ctx.now, dueAt);
  return `${dueText(ctx, dueAt)} (${t(ctx.locale, "queries.daysLeft", { days })})`;
};
const roleText = (ctx: RenderContext, role: AssignmentRole): string => t(ctx.locale, `notify.role.${role}`);
const userName = async (ctx: RenderContext, id: string | null | undefined): Promise<string> => {
  if (!id) return t(ctx.locale, "notify.none");
  const u = await ctx.db.user.findUnique({ where: { id }, select: { name: true, title: true } });
  if (!u) return t(ctx.locale, "notify.none");
  return u.title ? `${u.title} ${u.name}` : u.name;
};

const loadAssignment = async (ctx: RenderContext, id: string) => {
  const a = await ctx.db.assignment.findUnique({
    where: { id },
    select: {
      id: true,
      ref: true,
      role: true,
      status: true,
      dueAt: true,
      sentAt: true,
      directiveId: true,
      parentId: true,
      unitId: true,
      assigneeUserId: true,
      acknowledgedAt: true,
      acknowledgedById: true,
      completedAt: true,
      completedById: true,
      returnReason: true,
      unit: { select: { name: true, code: true } },
      document: { select: DOCUMENT_SELECT },
      directive: { select: { text: true, authorId: true } },
      extensions: { where: { status: "PENDING" }, select: { id: true } },
    },
  });
  return a;
};
type AssignmentView = NonNullable<Awaited<ReturnType<typeof loadAssignment>>>;

/** The actions the table allows the recipient on this assignment now, as buttons / reply lines. */
const assignmentActions = (ctx: RenderContext, a: AssignmentView, ref: string): MessageAction[] =>
  assignmentMessageActions(ctx.locale, { id: a.id, shownRef: ref }, assignmentActionsFor(ctx.viewer, { ...a, unitId: a.unitId, hasPendingExtension: a.extensions.length > 0 }));

const ASSIGNMENT_GONE = new Set(["CANCELLED"]);

// === Renderers, one per kind

const renderDocumentToDirect: Renderer<"document.toDirect"> = async (ctx, { documentId }) => {
  const doc = await ctx.db.document.findUnique({
    where: { id: documentId },
    select: { ...DOCUMENT_SELECT, requestedDueDate: true, directives: { where: { supersededBy: { is: null } }, select: { id: true }, take: 1 } },
  });
  if (!doc) return skip("document not found");
  if (doc.status === "RECALLED" || doc.status === "RETURNED_TO_SENDER") return skip(`document ${doc.status}`);
  if (doc.directives.length > 0) return skip("document already directed");
  const ref = displayRef(doc.ref, ctx.currentYear);
  return ok({
    title: t(ctx.locale, "notify.documentToDirect.title", { tag: tag(ctx, doc.urgency), ref }),
    text: lines(
      documentLines(ctx, doc),
      doc.arrivalAt && t(ctx.locale, "notify.line.arrived", { number: doc.registerNumber, date: formatDate(doc.arrivalAt, ctx.zone) }),
      doc.requestedDueDate && t(ctx.locale, "notify.line.requestedDue", { date: formatLocalDate(utcMidnightToLocalDate(doc.requestedDueDate)) }),
      t(ctx.locale, "notify.documentToDirect.howTo", { command: `/chidao ${ref}` }),
    ),
    actions: documentMessageActions(ctx.locale, { id: doc.id, shownRef: ref }, documentActionsFor(ctx.viewer, doc)),
    attachments: await documentAttachments(ctx, doc),
    cardKey: `document:${doc.id}`,
  });
};

const renderAssignmentNew: Renderer<"assignment.new"> = async (ctx, { assignmentId }) => {
  const a = await loadAssignment(ctx, assignmentId);
  if (!a) return skip("assignment not found");
  if (ASSIGNMENT_GONE.has(a.status)) return skip("assignment cancelled");
  if (a.status === "COMPLETED") return skip("assignment already completed");
  const ref = displayRef(a.ref, ctx.currentYear);
  const siblings = await ctx.db.assignment.findMany({
    where: { directiveId: a.directiveId, parentId: null, status: { not: "CANCELLED" } },
    select: { role: true, unit: { select: { name: true } } },
    orderBy: { createdAt: "asc" },
  });
  const unitsOf = (role: AssignmentRole) => siblings.filter((s) => s.role === role).map((s) => s.unit.name);
  const mains = unitsOf("MAIN");
  const coords = unitsOf("COORDINATE");
  const infos = unitsOf("INFO");
  const actions = assignmentActions(ctx, a, ref);
  return ok({
    title: t(ctx.locale, "notify.assignmentNew.title", { tag: tag(ctx, a.document.urgency), ref }),
    text: lines(
      documentLines(ctx, a.document),
      t(ctx.locale, "notify.line.directive", { leader: await userName(ctx, a.directive.authorId) }),
      t(ctx.locale, "notify.line.directiveText", { text: a.directive.text }),
      t(ctx.locale, "notify.line.role", { unit: a.unit.name, role: roleText(ctx, a.role) }),
      mains.length > 0 && a.role !== "MAIN" && t(ctx.locale, "notify.line.mainUnit", { units: mains.join(", ") }),
      coords.length > 0 && t(ctx.locale, "notify.line.coordinators", { units: coords.join(", ") }),
      infos.length > 0 && t(ctx.locale, "notify.line.infoUnits", { units: infos.join(", ") }),
      a.assigneeUserId && t(ctx.locale, "notify.line.delegatedTo", { name: await userName(ctx, a.assigneeUserId) }),
      a.role !== "INFO" && t(ctx.locale, "notify.line.due", { due: await dueTextWithDaysLeft(ctx, a.dueAt) }),
      actions.some((x) => x.command === `/nhan ${ref}`) && t(ctx.locale, "notify.line.howToAck", { command: `/nhan ${ref}` }),
      actions.some((x) => x.command === `/xong ${ref}`) && t(ctx.locale, "notify.line.howToDone", { command: `/xong ${ref}` }),
    ),
    actions,
    attachments: await documentAttachments(ctx, a.document),
    cardKey: `assignment:${a.id}`,
  });
};

const renderAssignmentPaper: Renderer<"assignment.paper"> = async (ctx, { assignmentId }) => {
  const a = await loadAssignment(ctx, assignmentId);
  if (!a) return skip("assignment not found");
  if (ASSIGNMENT_GONE.has(a.status)) return skip("assignment cancelled");
  const ref = displayRef(a.ref, ctx.currentYear);
  return ok({
    title: t(ctx.locale, "notify.assignmentPaper.title", { tag: tag(ctx, a.document.urgency), ref }),
    text: lines(
      t(ctx.locale, "notify.assignmentPaper.body", { unit: a.unit.name, docRef: displayRef(a.document.ref, ctx.currentYear), role: roleText(ctx, a.role) }),
      documentLines(ctx, a.document),
      t(ctx.locale, "notify.line.directiveText", { text: a.directive.text }),
      a.role !== "INFO" && t(ctx.locale, "notify.line.due", { due: dueText(ctx, a.dueAt) }),
    ),
    attachments: await documentAttachments(ctx, a.document),
  });
};

const renderAssignmentCancelled: Renderer<"assignment.cancelled"> = async (ctx, { assignmentId }) => {
  const a = await loadAssignment(ctx, assignmentId);
  if (!a) return skip("assignment not found");
  // The document's sender recalled it through the interchange (core/interchange/receive-recall.ts).
  if (a.document.status === "RECALLED") return renderAssignmentRecalled(ctx, { ref: a.ref, unitName: a.unit.name, documentId: a.document.id, cardKey: `assignment:${a.id}` });
  const ref = displayRef(a.ref, ctx.currentYear);
  // A delegation closed because the unit returned or completed its assignment (core/assignments/close-delegated-work.ts).
  const parent = a.parentId
    ? await ctx.db.assignment.findUnique({ where: { id: a.parentId }, select: { status: true, ref: true, returnReason: true, completedById: true } })
    : null;
  const why = parent ? cancelReasonOf(parent.status) : "SUPERSEDED";
  if (parent && why !== "SUPERSEDED") {
    const parentRef = displayRef(parent.ref, ctx.currentYear);
    return ok({
      title: t(ctx.locale, "notify.delegationClosed.title", { ref }),
      text:
        why === "RETURNED"
          ? t(ctx.locale, "notify.delegationClosed.RETURNED", { ref, unit: a.unit.name, parentRef, reason: parent.returnReason ?? "" })
          : t(ctx.locale, "notify.delegationClosed.COMPLETED", { ref, unit: a.unit.name, parentRef, head: await userName(ctx, parent.completedById) }),
      cardKey: `assignment:${a.id}`,
    });
  }
  return ok({
    title: t(ctx.locale, "notify.assignmentCancelled.title", { ref }),
    text: t(ctx.locale, "notify.assignmentCancelled.body", { ref, unit: a.unit.name }),
    cardKey: `assignment:${a.id}`,
  });
};

const renderAssignmentAcknowledged: Renderer<"assignment.acknowledged"> = async (ctx, { assignmentId }) => {
  const a = await loadAssignment(ctx, assignmentId);
  if (!a) return skip("assignment not found");
  if (ASSIGNMENT_GONE.has(a.status)) return skip("assignment cancelled");
  if (!a.acknowledgedAt) return skip("assignment not acknowledged");
  const ref = displayRef(a.ref, ctx.currentYear);
  return ok({
    title: t(ctx.locale, "notify.assignmentAcknowledged.title", { ref }),
    text: lines(
      t(ctx.locale, "notify.assignmentAcknowledged.body", { unit: a.unit.name, ref, at: formatDateTime(a.acknowledgedAt, ctx.zone), who: await userName(ctx, a.acknowledgedById) }),
      t(ctx.locale, "notify.line.subject", { subject: a.document.subject }),
    ),
  });
};

const renderReport =
  (which: "progress" | "completed"): Renderer<"assignment.progress" | "assignment.completed"> =>
  async (ctx, { assignmentId, reportId }) => {
    const a = await loadAssignment(ctx, assignmentId);
    if (!a) return skip("assignment not found");
    if (ASSIGNMENT_GONE.has(a.status)) return skip("assignment cancelled");
    const report = await ctx.db.report.findUnique({ where: { id: reportId }, select: { text: true, authorId: true, createdAt: true } });
    if (!report) return skip("report not found");
    const ref = displayRef(a.ref, ctx.currentYear);
    const attachments = await reportAttachments(ctx, a.document, reportId);
    const key = which === "progress" ? "assignmentProgress" : "assignmentCompleted";
    let timeliness: string | null = null;
    if (which === "completed" && a.dueAt) {
      const late = workingDaysLate(await ctx.calendar(), a.dueAt, a.completedAt ?? report.createdAt);
      timeliness = late > 0 ? t(ctx.locale, "notify.assignmentCompleted.late", { days: late }) : t(ctx.locale, "notify.assignmentCompleted.onTime");
    }
    // The next step: an officer finished delegated work; the head may now close the unit's own task.
    const next: MessageAction[] = [];
    if (which === "completed" && a.parentId) {
      const parent = await loadAssignment(ctx, a.parentId);
      if (parent && assignmentActionsFor(ctx.viewer, { ...parent, hasPendingExtension: parent.extensions.length > 0 }).includes("complete")) {
        const parentRef = displayRef(parent.ref, ctx.currentYear);
        const [complete] = assignmentMessageActions(ctx.locale, { id: parent.id, shownRef: parentRef }, ["complete"]);
        next.push({ ...complete!, label: t(ctx.locale, "action.closeUnitTask") });
      }
    }
    return ok({
      title: t(ctx.locale, `notify.${key}.title`, { ref }),
      text: lines(
        t(ctx.locale, `notify.${key}.body`, { who: await userName(ctx, report.authorId), unit: a.unit.name, ref, at: formatDateTime(report.createdAt, ctx.zone) }),
        t(ctx.locale, "notify.line.subject", { subject: a.document.subject }),
        t(ctx.locale, "notify.line.report", { text: report.text }),
        attachments.length > 0 && t(ctx.locale, "notify.line.reportFiles", { count: attachments.length }),
        timeliness,
      ),
      attachments,
      ...(next.length > 0 ? { actions: next } : {}),
    });
  };

const renderAssignmentReturned: Renderer<"assignment.returned"> = async (ctx, { assignmentId }) => {
  const a = await loadAssignment(ctx, assignmentId);
  if (!a) return skip("assignment not found");
  if (ASSIGNMENT_GONE.has(a.status)) return skip("assignment cancelled");
  const ref = displayRef(a.ref, ctx.currentYear);
  return ok({
    title: t(ctx.locale, "notify.assignmentReturned.title", { ref }),
    text: lines(
      t(ctx.locale, "notify.assignmentReturned.body", { unit: a.unit.name, ref, reason: a.returnReason ?? t(ctx.locale, "notify.none") }),
      t(ctx.locale, "notify.line.subject", { subject: a.document.subject }),
    ),
  });
};

const loadExtension = (ctx: RenderContext, id: string) =>
  ctx.db.extensionRequest.findUnique({
    where: { id },
    select: { id: true, status: true, reason: true, requestedDueAt: true, previousDueAt: true, requestedById: true, decidedById: true, decisionNote: true, assignmentId: true },
  });

const renderExtensionRequested: Renderer<"extension.requested"> = async (ctx, { extensionId }) => {
  const ext = await loadExtension(ctx, extensionId);
  if (!ext) return skip("extension not found");
  if (ext.status !== "PENDING") return skip("extension already decided");
  const a = await loadAssignment(ctx, ext.assignmentId);
  if (!a || ASSIGNMENT_GONE.has(a.status)) return skip("assignment cancelled");
  const ref = displayRef(a.ref, ctx.currentYear);
  return ok({
    title: t(ctx.locale, "notify.extensionRequested.title", { ref }),
    text: lines(
      t(ctx.locale, "notify.extensionRequested.body", {
        who: await userName(ctx, ext.requestedById),
        unit: a.unit.name,
        ref,
        from: dueText(ctx, ext.previousDueAt ?? a.dueAt),
        to: dueText(ctx, ext.requestedDueAt),
      }),
      t(ctx.locale, "notify.line.subject", { subject: a.document.subject }),
      t(ctx.locale, "notify.extensionRequested.reason", { reason: ext.reason }),
    ),
    actions: extensionMessageActions(ctx.locale, { id: ext.id, assignmentShownRef: ref }, extensionActionsFor(ctx.viewer, { status: ext.status, assignmentStatus: a.status })),
    cardKey: `extension:${ext.id}`,
  });
};

const renderExtensionDecided: Renderer<"extension.decided"> = async (ctx, { extensionId }) => {
  const ext = await loadExtension(ctx, extensionId);
  if (!ext) return skip("extension not found");
  if (ext.status === "PENDING") return skip("extension not decided");
  const a = await loadAssignment(ctx, ext.assignmentId);
  if (!a) return skip("assignment not found");
  const ref = displayRef(a.ref, ctx.currentYear);
  const granted = ext.status === "GRANTED";
  return ok({
    title: t(ctx.locale, "notify.extensionDecided.title", { ref }),
    text: lines(
      t(ctx.locale, granted ? "notify.extensionDecided.granted" : "notify.extensionDecided.refused", {
        ref,
        who: await userName(ctx, ext.decidedById),
        due: dueText(ctx, granted ? ext.requestedDueAt : a.dueAt),
      }),
      ext.decisionNote && t(ctx.locale, "notify.extensionDecided.note", { note: ext.decisionNote }),
    ),
  });
};

const renderExtensionClosed: Renderer<"extension.closed"> = async (ctx, { extensionId }) => {
  const ext = await loadExtension(ctx, extensionId);
  if (!ext) return skip("extension not found");
  if (ext.status !== "CLOSED") return skip("extension not closed");
  const a = await loadAssignment(ctx, ext.assignmentId);
  if (!a) return skip("assignment not found");
  const ref = displayRef(a.ref, ctx.currentYear);
  const why = a.status === "COMPLETED" || a.status === "RETURNED" || a.status === "CANCELLED" ? a.status : "OTHER";
  return ok({
    title: t(ctx.locale, "notify.extensionClosed.title", { ref }),
    text: lines(
      t(ctx.locale, `assignment.extensionClosed.${why}`, { ref }),
      t(ctx.locale, "notify.line.subject", { subject: a.document.subject }),
      a.role !== "INFO" && t(ctx.locale, "notify.extensionClosed.due", { due: dueText(ctx, a.dueAt) }),
    ),
    // The leader's request card is edited in place: it now says the request is closed, with no buttons.
    actions: [],
    cardKey: `extension:${ext.id}`,
  });
};

const isOutboxKind = (kind: string): kind is OutboxKind => (OUTBOX_KINDS as readonly string[]).includes(kind);

const KNOWN_STEPS = ["ACK_REMINDER", "ACK_ESCALATION_OFFICE", "DUE_SOON", "DUE_TODAY", "OVERDUE"] as const;
/** A step stored in the payload (a string) that has its own reminder texts. */
const isKnownStep = (step: string): step is (typeof KNOWN_STEPS)[number] => (KNOWN_STEPS as readonly string[]).includes(step);

const renderReminder: Renderer<"reminder.step"> = async (ctx, { assignmentId, step, overdueDay }) => {
  const a = await loadAssignment(ctx, assignmentId);
  if (!a) return skip("assignment not found");
  if (a.status === "CANCELLED" || a.status === "COMPLETED") return skip(`assignment ${a.status.toLowerCase()}`);
  const isAckStep = step === "ACK_REMINDER" || step === "ACK_ESCALATION_OFFICE";
  if (isAckStep && a.status !== "ASSIGNED") return skip("assignment already acknowledged");
  const ref = displayRef(a.ref, ctx.currentYear);
  const key = isKnownStep(step) ? step : "generic";
  // The sweep counts overdue working days (overdueDay); older rows count them now, the same way.
  const overdueDays = overdueDay ?? (a.dueAt ? workingDaysLate(await ctx.calendar(), a.dueAt, ctx.now) : 0);
  const params = { tag: tag(ctx, a.document.urgency), ref, unit: a.unit.name, role: roleText(ctx, a.role), sentAt: formatDateTime(a.sentAt, ctx.zone), days: overdueDays };
  return ok({
    title: t(ctx.locale, `notify.reminder.${key}.title`, params),
    text: lines(
      t(ctx.locale, `notify.reminder.${key}.body`, params),
      t(ctx.locale, "notify.line.subject", { subject: a.document.subject }),
      a.role !== "INFO" && t(ctx.locale, "notify.line.due", { due: dueText(ctx, a.dueAt) }),
      a.status === "ASSIGNED" && t(ctx.locale, "notify.line.howToAck", { command: `/nhan ${ref}` }),
    ),
    actions: assignmentActions(ctx, a, ref),
  });
};

const renderOfficeUnreachable: Renderer<"office.unreachable"> = async (ctx, { userId, outboxId }) => {
  const person = await ctx.db.user.findUnique({
    where: { id: userId },
    select: { name: true, code: true, unit: { select: { name: true } }, identities: { select: { channel: true, status: true } } },
  });
  if (!person) return skip("person not found");
  const row = await ctx.db.outboxMessage.findUnique({ where: { id: outboxId }, select: { kind: true, lastError: true, status: true, channel: true, identityId: true } });
  const what = row && isOutboxKind(row.kind) ? t(ctx.locale, `notify.what.${row.kind}`) : t(ctx.locale, "notify.none");
  const linked = person.identities.filter((i) => i.status !== "UNLINKED");
  const blocked = linked.filter((i) => i.status === "UNREACHABLE").map((i) => t(ctx.locale, `notify.channel.${i.channel}`));
  const cause =
    linked.length === 0
      ? t(ctx.locale, "notify.officeUnreachable.noIdentity", { code: person.code })
      : blocked.length === linked.length
        ? t(ctx.locale, "notify.officeUnreachable.blocked", { channels: blocked.join(", ") })
        : t(ctx.locale, "notify.officeUnreachable.failed", { error: row?.lastError ?? t(ctx.locale, "notify.none") });
  return ok({
    title: t(ctx.locale, "notify.officeUnreachable.title", { name: person.name }),
    text: lines(
      t(ctx.locale, "notify.officeUnreachable.body", { what, name: person.name, unit: person.unit.name }),
      cause,
      // Kept in the person's inbox (the web chat) after their linked chats refused it.
      row?.status === "SENT" &&
        row.identityId === null &&
        row.channel &&
        t(ctx.locale, "notify.officeUnreachable.keptInInbox", { channel: t(ctx.locale, `notify.channel.${row.channel}`) }),
    ),
  });
};

const renderOfficeChannelDeaf: Renderer<"office.channelDeaf"> = async (ctx, { channel, problem, detail, since }) => {
  const params = { channel: t(ctx.locale, `notify.channel.${channel}`), detail, since: formatDateTime(new Date(since), ctx.zone) };
  return ok({
    title: t(ctx.locale, "notify.channelDeaf.title", params),
    text: lines(t(ctx.locale, `notify.channelDeaf.${problem}`, params), t(ctx.locale, "notify.channelDeaf.since", params)),
  });
};

const renderOfficeLinkCodesLocked: Renderer<"office.linkCodesLocked"> = async (ctx, { lockedUntil, maxTries, windowMinutes }) => {
  const params = { until: formatDateTime(new Date(lockedUntil), ctx.zone), maxTries, windowMinutes };
  return ok({
    title: t(ctx.locale, "notify.linkCodesLocked.title", params),
    text: lines(t(ctx.locale, "notify.linkCodesLocked.body", params), t(ctx.locale, "notify.linkCodesLocked.advice", params)),
  });
};

const renderOfficeInterchangeRefused: Renderer<"office.interchangeRefused"> = async (ctx, { packageId }) => {
  const pkg = await ctx.db.interchangePackage.findUnique({
    where: { id: packageId },
    select: {
      axisDocId: true,
      fromOrganId: true,
      fromOrganName: true,
      refusalReason: true,
      axisAnswer: true,
      statuses: { where: { statusCode: "02" }, select: { responseCode: true, responseDate: true }, take: 1 },
    },
  });
  if (!pkg) return skip("package not found");
  const returned = pkg.statuses[0];
  return ok({
    title: t(ctx.locale, "notify.interchangeRefused.title"),
    text: lines(
      returned
        ? t(ctx.locale, "notify.interchangeRefused.document", {
            code: returned.responseCode,
            date: formatLocalDate(utcMidnightToLocalDate(returned.responseDate)),
            sender: pkg.fromOrganName ?? pkg.fromOrganId,
            organId: pkg.fromOrganId,
          })
        : t(ctx.locale, "notify.interchangeRefused.unknownDocument", { docId: pkg.axisDocId, organId: pkg.fromOrganId }),
      pkg.refusalReason && t(ctx.locale, "notify.interchangeRefused.reason", { reason: pkg.refusalReason }),
      t(ctx.locale, returned ? "notify.interchangeRefused.returned" : "notify.interchangeRefused.failed"),
    ),
  });
};

/** A file's size as people read it: "812 KB", "3,4 MB". */
const sizeText = (ctx: RenderContext, bytes: number): string =>
  bytes >= 1_048_576
    ? `${(bytes / 1_048_576).toLocaleString(ctx.locale === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 1 })} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * The register clerk's card for a package from the interchange waiting for the register (card mode): its
 * envelope, its files, Vào sổ and Trả lại. Rendered only while the package waits and only for a register
 * clerk: a card queued before another clerk decided is not sent.
 */
const renderInterchangeToRegister: Renderer<"interchange.toRegister"> = async (ctx, { packageId }) => {
  const pkg = await ctx.db.interchangePackage.findUnique({
    where: { id: packageId },
    select: { id: true, number: true, state: true, envelope: true, files: true, fromOrganId: true },
  });
  if (!pkg || !pkg.envelope) return skip("package not found");
  if (pkg.state !== "PENDING") return skip("package already decided");
  if (!ctx.viewer.roles.includes("CLERK")) return skip("not a register clerk");
  const header = pkg.envelope as unknown as EdxmlMessageHeader;
  const held = pkg.files as unknown as HeldFiles;
  const ref = packageRef(pkg.number);
  const urgency = urgencyOfPriority(header.otherInfo?.priority);
  const signer = [header.signerInfo?.competence, header.signerInfo?.position, header.signerInfo?.fullName].filter(Boolean).join(" ");
  const [main, ...appendices] = held.attachments;
  return ok({
    title: t(ctx.locale, "notify.interchangeCard.title", { ref, tag: tag(ctx, urgency) }),
    text: lines(
      t(ctx.locale, "notify.interchangeCard.intro"),
      t(ctx.locale, "notify.interchangeCard.code", {
        docType: header.documentType?.typeName ?? t(ctx.locale, "notify.interchangeCard.defaultType"),
        code: `${header.code.codeNumber}/${header.code.codeNotation}`,
      }),
      t(ctx.locale, "notify.interchangeCard.issuer", { issuer: header.from.organName ?? header.from.organId, organId: header.from.organId }),
      t(ctx.locale, "notify.interchangeCard.date", { date: formatLocalDate(header.promulgationInfo.promulgationDate) }),
      t(ctx.locale, "notify.line.subject", { subject: header.subject }),
      urgency !== "NORMAL" && t(ctx.locale, "notify.line.urgency", { urgency: t(ctx.locale, `notify.urgency.${urgency}`) }),
      signer !== "" && t(ctx.locale, "notify.interchangeCard.signer", { signer }),
      header.dueDate && t(ctx.locale, "notify.interchangeCard.dueDate", { date: formatLocalDate(header.dueDate) }),
      main && t(ctx.locale, "notify.interchangeCard.mainFile", { name: main.name, size: sizeText(ctx, main.size) }),
      ...appendices.map((a) => t(ctx.locale, "notify.interchangeCard.appendix", { name: a.name, size: sizeText(ctx, a.size) })),
      t(ctx.locale, "notify.interchangeCard.how", { register: `/ok ${ref}`, return: `/tralai ${ref}` }),
    ),
    actions: packageMessageActions(ctx.locale, { id: pkg.id, shownRef: ref }, packageActionsFor(pkg.state)),
    ...(main ? { attachments: [{ sha256: main.sha256, fileName: main.name, mime: main.contentType, kind: "document" as const }] } : {}),
    cardKey: `interchange:${pkg.id}`,
  });
};

const renderOfficeInterchangeReturned: Renderer<"office.interchangeReturned"> = async (ctx, { packageId }) => {
  const pkg = await ctx.db.interchangePackage.findUnique({
    where: { id: packageId },
    select: { number: true, state: true, envelope: true, returnReason: true, decidedById: true, decidedAt: true },
  });
  if (!pkg || !pkg.envelope) return skip("package not found");
  if (pkg.state !== "RETURNED") return skip("package not returned");
  const header = pkg.envelope as unknown as EdxmlMessageHeader;
  return ok({
    title: t(ctx.locale, "notify.interchangeReturned.title", { ref: packageRef(pkg.number) }),
    text: lines(
      t(ctx.locale, "notify.interchangeRefused.document", {
        code: `${header.code.codeNumber}/${header.code.codeNotation}`,
        date: formatLocalDate(header.promulgationInfo.promulgationDate),
        sender: header.from.organName ?? header.from.organId,
        organId: header.from.organId,
      }),
      t(ctx.locale, "notify.line.subject", { subject: header.subject }),
      t(ctx.locale, "notify.interchangeReturned.body", { who: await userName(ctx, pkg.decidedById), at: pkg.decidedAt ? formatDateTime(pkg.decidedAt, ctx.zone) : "—" }),
      t(ctx.locale, "notify.interchangeRefused.reason", { reason: pkg.returnReason ?? "" }),
    ),
  });
};

/** At most this many lines per list of the digest; the rest are counted in a last line. */
const DIGEST_LIST_LIMIT = 10;
/** A trích yếu longer than this is cut in the digest (the document card has it whole). */
const DIGEST_SUBJECT_CHARS = 90;

const renderOfficeDigest: Renderer<"office.digest"> = async (ctx, { date, auditHead }) => {
  const digest = await buildOfficeDigest({ prisma: ctx.db }, { orgId: ctx.orgId, date, calendar: await ctx.calendar() });
  const unitLines = digest.units.map((u) =>
    t(ctx.locale, "notify.officeDigest.unit", {
      unit: u.unitName,
      overdue: u.overdue.length,
      dueToday: u.dueToday.length,
      refs: [...u.overdue, ...u.dueToday].map((i) => displayRef(i.ref, ctx.currentYear)).join(", "),
    }),
  );
  const list = <T>(headingKey: MessageKey, params: Record<string, string | number>, items: T[], line: (item: T) => string): string | null =>
    items.length === 0
      ? null
      : // A blank line before each list.
        "\n" +
        lines(
          t(ctx.locale, headingKey, { ...params, count: items.length }),
          ...items.slice(0, DIGEST_LIST_LIMIT).map(line),
          items.length > DIGEST_LIST_LIMIT && t(ctx.locale, "office.digest.more", { count: items.length - DIGEST_LIST_LIMIT }),
        );
  const cut = (text: string): string => (text.length > DIGEST_SUBJECT_CHARS ? `${text.slice(0, DIGEST_SUBJECT_CHARS - 1).trimEnd()}…` : text);
  const documentLine = (d: DigestDocument): string =>
    t(ctx.locale, d.subject === null ? "office.digest.documentSecret" : "office.digest.document", {
      ref: displayRef(d.ref, ctx.currentYear),
      code: d.code ?? t(ctx.locale, "office.digest.noCode"),
      issuer: d.issuer ?? "",
      subject: d.subject === null ? "" : cut(d.subject),
      level: t(ctx.locale, `office.secrecy.${d.secrecy === "NONE" ? "CONFIDENTIAL" : d.secrecy}`),
      urgency: d.urgency === "NORMAL" ? "" : ` [${t(ctx.locale, `notify.urgency.${d.urgency}`).toUpperCase()}]`,
    });
  const nothingDue = digest.totals.overdue + digest.totals.dueToday === 0;
  return ok({
    title: t(ctx.locale, "notify.officeDigest.title", { date: formatLocalDate(date) }),
    text: lines(
      nothingDue ? t(ctx.locale, "notify.officeDigest.empty") : lines(t(ctx.locale, "notify.officeDigest.summary", digest.totals), ...unitLines),
      list("office.digest.awaitingDirective", {}, digest.awaitingDirective, documentLine),
      list("office.digest.unacknowledged", {}, digest.unacknowledged, (a) =>
        t(ctx.locale, a.isPaper ? "office.digest.unacknowledgedPaper" : "office.digest.unacknowledgedLine", {
          ref: displayRef(a.ref, ctx.currentYear),
          unit: a.unitName,
          sent: formatDate(a.sentAt, ctx.zone),
        }),
      ),
      list("office.digest.received", { since: formatLocalDate(digest.receivedSince) }, digest.received, documentLine),
      // The audit chain's head, so a copy of it exists outside the database (core/audit/audit-checkpoint.ts).
      auditHead && `\n${t(ctx.locale, "notify.officeDigest.auditHead", { seq: auditHead.seq, hash: auditHead.hash.slice(0, 12) })}`,
    ),
  });
};

const renderOfficeWeekly: Renderer<"office.weeklyChart"> = async (ctx, { weekStart, weekEnd: givenEnd, pngSha256 }) => {
  const weekEnd = givenEnd ?? addDays(weekStart, 6);
  const done = await ctx.db.assignment.findMany({
    where: {
      document: { orgId: ctx.orgId },
      status: "COMPLETED",
      role: { not: "INFO" },
      parentId: null,
      completedAt: { gte: startOfLocalDay(weekStart, ctx.zone), lte: endOfLocalDay(weekEnd, ctx.zone) },
    },
    select: { dueAt: true, completedAt: true, unit: { select: { name: true } } },
  });
  const byUnit = new Map<string, { onTime: number; late: number }>();
  for (const a of done) {
    const e = byUnit.get(a.unit.name) ?? { onTime: 0, late: 0 };
    if (a.dueAt && a.completedAt && a.completedAt > a.dueAt) e.late += 1;
    else e.onTime += 1;
    byUnit.set(a.unit.name, e);
  }
  const unitLines = [...byUnit.entries()].sort((x, y) => x[0].localeCompare(y[0], "vi")).map(([unit, e]) => t(ctx.locale, "notify.officeWeekly.unit", { unit, ...e }));
  return ok({
    title: t(ctx.locale, "notify.officeWeekly.title", { from: formatLocalDate(weekStart), to: formatLocalDate(weekEnd) }),
    text: unitLines.length === 0 ? t(ctx.locale, "notify.officeWeekly.empty") : lines(...unitLines),
    // The chart image, when the weekly job rendered one (core/reports/weekly-chart.ts).
    attachments: pngSha256 ? [{ sha256: pngSha256, fileName: `bao-cao-tuan-${weekStart}.png`, mime: "image/png", kind: "photo" }] : [],
  });
};

const renderDocumentDone: Renderer<"document.done"> = async (ctx, { documentId }) => {
  const doc = await ctx.db.document.findUnique({ where: { id: documentId }, select: DOCUMENT_SELECT });
  if (!doc) return skip("document not found");
  const main = await ctx.db.assignment.findFirst({
    where: { documentId, role: "MAIN", parentId: null, status: "COMPLETED" },
    orderBy: { completedAt: "desc" },
    select: { completedAt: true, unit: { select: { name: true } } },
  });
  if (!main?.completedAt) return skip("document not done");
  const ref = displayRef(doc.ref, ctx.currentYear);
  return ok({
    title: t(ctx.locale, "notify.documentDone.title", { ref }),
    text: lines(
      t(ctx.locale, "notify.documentDone.body", { ref, unit: main.unit.name, at: formatDateTime(main.completedAt, ctx.zone) }),
      t(ctx.locale, "notify.line.subject", { subject: doc.subject }),
    ),
  });
};

const RENDERERS: { [K in OutboxKind]: Renderer<K> } = {
  "document.toDirect": renderDocumentToDirect,
  "assignment.new": renderAssignmentNew,
  "assignment.paper": renderAssignmentPaper,
  "assignment.cancelled": renderAssignmentCancelled,
  "assignment.acknowledged": renderAssignmentAcknowledged,
  "assignment.progress": renderReport("progress"),
  "assignment.completed": renderReport("completed"),
  "assignment.returned": renderAssignmentReturned,
  "extension.requested": renderExtensionRequested,
  "extension.decided": renderExtensionDecided,
  "extension.closed": renderExtensionClosed,
  "reminder.step": renderReminder,
  "office.unreachable": renderOfficeUnreachable,
  "office.channelDeaf": renderOfficeChannelDeaf,
  "office.linkCodesLocked": renderOfficeLinkCodesLocked,
  "office.digest": renderOfficeDigest,
  "office.weeklyChart": renderOfficeWeekly,
  "document.done": renderDocumentDone,
  "outgoing.received": (ctx, payload) => renderOutgoingReceived(ctx, payload),
  "office.interchangeRefused": renderOfficeInterchangeRefused,
  "interchange.toRegister": renderInterchangeToRegister,
  "office.interchangeReturned": renderOfficeInterchangeReturned,
  "outgoing.interchangeReturned": (ctx, payload) => renderInterchangeReturned(ctx, payload),
  "interchange.recalled": (ctx, payload) => renderInterchangeRecalled(ctx, payload),
  "outgoing.interchangeRecallAnswered": (ctx, payload) => renderRecallAnswered(ctx, payload),
  "outgoing.interchangeFailed": (ctx, payload) => renderOutgoingFailed(ctx, payload),
  "interchange.statusFailed": (ctx, payload) => renderStatusFailed(ctx, payload),
};
