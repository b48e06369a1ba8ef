import { z } from "zod";
import { loadActor } from "../actors/actor.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import type { AssignmentRole, AssignmentStatus, Channel, Direction, DocumentStatus, FileKind, Secrecy, Urgency } from "../store/generated/enums.ts";
import { utcMidnightToLocalDate, type LocalDate } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { OPEN_STATUSES } from "../workflow/state-machine.ts";
import { assignmentActionsFor, assignmentStateKey, type AssignmentAction, type AssignmentStateKey } from "../workflow/state-machine.ts";
import { codeOf, deadlineInfo, loadQueryContext, shownRef } from "./query-context.ts";
import { ZDocumentRefInput, canonicalDocumentRef } from "./refs-input.ts";
import { visibleDocumentsWhere } from "./visibility.ts";
import { INTERCHANGE_SEND_SELECT, interchangeSendView, type InterchangeSendView } from "../interchange/send-view.ts";

export const ZGetDocumentByRefInput = z.object({ actorUserId: z.string().min(1), ref: ZDocumentRefInput });
export type GetDocumentByRefInput = z.input<typeof ZGetDocumentByRefInput>;

export type DirectiveView = {
  directiveId: string;
  /** Verbatim, as the leader gave it. */
  text: string;
  authorName: string | null;
  /** Who typed it in: the leader, or a clerk on the leader's behalf. */
  enteredByName: string | null;
  isEnteredOnBehalf: boolean;
  createdAt: Date;
};

export type AssignmentView = {
  assignmentId: string;
  ref: string;
  displayRef: string;
  directiveId: string;
  /** Of the current directive (the others were cancelled when it was superseded). */
  isCurrent: boolean;
  unit: { code: string; name: string };
  role: AssignmentRole;
  status: AssignmentStatus;
  /** The deadline in force, and the one the directive first set (they differ after an extension). */
  dueAt: Date | null;
  originalDueAt: Date | null;
  /** Only for open assignments; null otherwise. */
  workingDaysLeft: number | null;
  isOverdue: boolean;
  isPaper: boolean;
  sentAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedByName: string | null;
  ackChannel: Channel | null;
  completedAt: Date | null;
  completedByName: string | null;
  returnedAt: Date | null;
  returnReason: string | null;
  /** The officer holding a delegation. */
  assignee: { code: string; name: string } | null;
  /** What the viewer may do with it now (bots' buttons). */
  actions: AssignmentAction[];
  /** Where it stands (chờ nhận, đang xử lý, đề nghị gia hạn, hoàn thành quá hạn, …). */
  state: AssignmentStateKey;
  /** Who holds it now: the officer of a delegation; for a unit's, its open delegations' officers, else the unit's heads. */
  holders: string[];
  /** Delegations to officers (only on a unit's own assignment). */
  children: AssignmentView[];
};

export type DocumentView = {
  documentId: string;
  ref: string;
  displayRef: string;
  direction: Direction;
  registerBook: string;
  registerNumber: number;
  registerYear: number;
  docType: string;
  /** Số, ký hiệu as written, e.g. `45/STC-NS`. */
  code: string | null;
  codeNumber: string | null;
  codeNotation: string | null;
  issuer: string | null;
  issuedDate: LocalDate | null;
  subject: string;
  pageCount: number | null;
  description: string | null;
  arrivalAt: Date | null;
  signerName: string | null;
  signerTitle: string | null;
  urgency: Urgency;
  secrecy: Secrecy;
  isPaperOnly: boolean;
  requiresRedSeal: boolean;
  status: DocumentStatus;
  dueAt: Date | null;
  toPlaces: string | null;
  /** Empty for a paper-only document (nothing is stored). */
  files: { kind: FileKind; sha256: string; fileName: string | null; mime: string; size: number; pageCount: number | null }[];
  /** The directive in force; null before the document is directed. */
  directive: DirectiveView | null;
  /** Earlier directives it replaced, newest first (kept: directives are append-only). */
  supersededDirectives: DirectiveView[];
  /** Units' assignments, the current directive's first (main, coordinating, for information). */
  assignments: AssignmentView[];
  /** An outgoing document sent through the interchange: its package and each recipient's last status; null otherwise. */
  interchange: InterchangeSendView | null;
};

const ROLE_ORDER: Record<AssignmentRole, number> = { MAIN: 0, COORDINATE: 1, INFO: 2 };

/**
 * A document by its ref (`D7`, `D7/2025`, `P12`): metadata, files, the directive in force and the
 * ones it superseded, and every assignment with its delegations. A document that does not exist and
 * one the person may not see are refused the same way, DOCUMENT_NOT_FOUND, so existence does not
 * leak (rule in ./visibility.ts).
 *
 * @example await getDocumentByRef(deps, { actorUserId, ref: { kind: "IN", number: 7 } })
 */
export const getDocumentByRef = (deps: CoreDeps, raw: GetDocumentByRefInput): Promise<DocumentView> =>
  runUseCase(deps, { action: "query.document", actorUserId: raw.actorUserId, entityType: "Document" }, async () => {
    const input = ZGetDocumentByRefInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const ctx = await loadQueryContext(deps, actor);
    const ref = canonicalDocumentRef(input.ref, ctx.currentYear);
    const doc = await deps.prisma.document.findFirst({
      where: { AND: [{ orgId: actor.orgId, ref }, visibleDocumentsWhere(actor)] },
      select: {
        id: true,
        ref: true,
        direction: true,
        registerBook: true,
        registerNumber: true,
        registerYear: true,
        docType: true,
        codeNumber: true,
        codeNotation: true,
        issuer: true,
        issuedDate: true,
        subject: true,
        pageCount: true,
        description: true,
        arrivalAt: true,
        signerName: true,
        signerTitle: true,
        urgency: true,
        secrecy: true,
        isPaperOnly: true,
        requiresRedSeal: true,
        status: true,
        dueAt: true,
        toPlaces: true,
        files: { select: { kind: true, sha256: true, fileName: true, mime: true, size: true, pageCount: true }, orderBy: { createdAt: "asc" } },
        directives: { select: { id: true, text: true, authorId: true, enteredById: true, supersedesId: true, createdAt: true }, orderBy: { createdAt: "desc" } },
        interchangeOutgoing: { select: INTERCHANGE_SEND_SELECT },
      },
    });
    if (!doc) throw new DomainError("DOCUMENT_NOT_FOUND", "document.notFound", { ref: shownRef(ctx, ref) });

    const assignments = await deps.prisma.assignment.findMany({
      where: { documentId: doc.id },
      select: {
        id: true,
        ref: true,
        directiveId: true,
        unitId: true,
        role: true,
        status: true,
        dueAt: true,
        originalDueAt: true,
        isPaper: true,
        sentAt: true,
        acknowledgedAt: true,
        acknowledgedById: true,
        ackChannel: true,
        completedAt: true,
        completedById: true,
        returnedAt: true,
        returnReason: true,
        parentId: true,
        assigneeUserId: true,
        createdAt: true,
        unit: { select: { code: true, name: true } },
        extensions: { where: { status: "PENDING" }, select: { id: true }, take: 1 },
      },
      orderBy: { createdAt: "asc" },
    });
    const people = await deps.prisma.user.findMany({
      where: {
        id: {
          in: [
            ...doc.directives.flatMap((d) => [d.authorId, d.enteredById]),
            ...assignments.flatMap((a) => [a.acknowledgedById, a.completedById, a.assigneeUserId]).filter((id): id is string => id !== null),
          ],
        },
      },
      select: { id: true, code: true, name: true },
    });
    const person = new Map(people.map((p) => [p.id, p]));
    const headsByUnit = new Map<string, string[]>();
    for (const h of await deps.prisma.user.findMany({
      where: { unitId: { in: [...new Set(assignments.map((a) => a.unitId))] }, active: true, roles: { has: "UNIT_HEAD" } },
      select: { unitId: true, name: true },
      orderBy: { name: "asc" },
    }))
      headsByUnit.set(h.unitId, [...(headsByUnit.get(h.unitId) ?? []), h.name]);
    const nameOf = (id: string | null) => (id ? (person.get(id)?.name ?? null) : null);

    const replaced = new Set(doc.directives.map((d) => d.supersedesId).filter((id): id is string => id !== null));
    const directiveView = (d: (typeof doc.directives)[number]): DirectiveView => ({
      directiveId: d.id,
      text: d.text,
      authorName: nameOf(d.authorId),
      enteredByName: nameOf(d.enteredById),
      isEnteredOnBehalf: d.authorId !== d.enteredById,
      createdAt: d.createdAt,
    });
    const current = doc.directives.find((d) => !replaced.has(d.id)) ?? null;

    const view = (a: (typeof assignments)[number]): AssignmentView => {
      const open = OPEN_STATUSES.includes(a.status);
      const deadline = open ? deadlineInfo(ctx, a.dueAt) : { workingDaysLeft: null, isOverdue: false };
      const assignee = a.assigneeUserId ? person.get(a.assigneeUserId) : undefined;
      return {
        assignmentId: a.id,
        ref: a.ref,
        displayRef: shownRef(ctx, a.ref),
        directiveId: a.directiveId,
        isCurrent: a.directiveId === current?.id,
        unit: a.unit,
        role: a.role,
        status: a.status,
        dueAt: a.dueAt,
        originalDueAt: a.originalDueAt,
        workingDaysLeft: deadline.workingDaysLeft,
        isOverdue: deadline.isOverdue,
        isPaper: a.isPaper,
        sentAt: a.sentAt,
        acknowledgedAt: a.acknowledgedAt,
        acknowledgedByName: nameOf(a.acknowledgedById),
        ackChannel: a.ackChannel,
        completedAt: a.completedAt,
        completedByName: nameOf(a.completedById),
        returnedAt: a.returnedAt,
        returnReason: a.returnReason,
        assignee: assignee ? { code: assignee.code, name: assignee.name } : null,
        actions: assignmentActionsFor(actor, { ...a, hasPendingExtension: a.extensions.length > 0 }),
        // A delegation's parent is on the same document: it tells why a closed delegation closed.
        state: assignmentStateKey({ ...a, hasPendingExtension: a.extensions.length > 0, parent: assignments.find((p) => p.id === a.parentId) ?? null }),
        holders: holdersOf(a),
        children: assignments.filter((c) => c.parentId === a.id).map(view),
      };
    };
    function holdersOf(a: (typeof assignments)[number]): string[] {
      if (a.assigneeUserId) return [nameOf(a.assigneeUserId) ?? ""];
      const delegates = assignments.filter((c) => c.parentId === a.id && c.assigneeUserId && OPEN_STATUSES.includes(c.status)).map((c) => nameOf(c.assigneeUserId) ?? "");
      return delegates.length > 0 ? delegates : (headsByUnit.get(a.unitId) ?? []);
    }
    const topLevel = assignments
      .filter((a) => a.parentId === null)
      .sort(
        (a, b) =>
          Number(b.directiveId === current?.id) - Number(a.directiveId === current?.id) || ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.createdAt.getTime() - b.createdAt.getTime(),
      );

    return {
      documentId: doc.id,
      ref: doc.ref,
      displayRef: shownRef(ctx, doc.ref),
      direction: doc.direction,
      registerBook: doc.registerBook,
      registerNumber: doc.registerNumber,
      registerYear: doc.registerYear,
      docType: doc.docType,
      code: codeOf(doc),
      codeNumber: doc.codeNumber,
      codeNotation: doc.codeNotation,
      issuer: doc.issuer,
      issuedDate: doc.issuedDate ? utcMidnightToLocalDate(doc.issuedDate) : null,
      subject: doc.subject,
      pageCount: doc.pageCount,
      description: doc.description,
      arrivalAt: doc.arrivalAt,
      signerName: doc.signerName,
      signerTitle: doc.signerTitle,
      urgency: doc.urgency,
      secrecy: doc.secrecy,
      isPaperOnly: doc.isPaperOnly,
      requiresRedSeal: doc.requiresRedSeal,
      status: doc.status,
      dueAt: doc.dueAt,
      toPlaces: doc.toPlaces,
      // Belt and braces: a paper-only document never has files, and never shows any.
      files: doc.isPaperOnly ? [] : doc.files,
      directive: current ? directiveView(current) : null,
      supersededDirectives: doc.directives.filter((d) => d !== current).map(directiveView),
      assignments: topLevel.map(view),
      interchange: doc.interchangeOutgoing ? interchangeSendView(doc.interchangeOutgoing) : null,
    };
  });
