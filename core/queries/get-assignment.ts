import { z } from "zod";
import { loadActor, type Actor } from "../actors/actor.ts";
import type { Prisma } from "../store/generated/client.ts";
import { OPEN_STATUSES } from "../workflow/state-machine.ts";
import type { CoreDeps } from "../deps.ts";
import { assignmentRef, displayRef } from "../documents/refs.ts";
import { localDateOf } from "../time.ts";
import { DomainError } from "../errors.ts";
import type { AssignmentRole, AssignmentStatus, FileKind, Urgency } from "../store/generated/enums.ts";
import { runUseCase } from "../use-case.ts";
import { assignmentActionsFor, assignmentStateKey, conflictFor, isHolder, isOffline, type AssignmentAction, type AssignmentStateKey } from "../workflow/state-machine.ts";
import { codeOf, deadlineInfo, loadQueryContext, shownRef, type DeadlineInfo, type QueryContext } from "./query-context.ts";
import { ZAssignmentRefInput, canonicalDocumentRef } from "./refs-input.ts";
import { visibleDocumentsWhere } from "./visibility.ts";

const DETAIL_SELECT = {
  id: true,
  ref: true,
  documentId: true,
  status: true,
  role: true,
  dueAt: true,
  originalDueAt: true,
  isPaper: true,
  parentId: true,
  unitId: true,
  assigneeUserId: true,
  directiveId: true,
  acknowledgedAt: true,
  createdAt: true,
  sentAt: true,
  acknowledgedById: true,
  completedAt: true,
  completedById: true,
  returnedAt: true,
  returnReason: true,
  unit: { select: { id: true, code: true, name: true } },
  directive: { select: { text: true } },
  document: {
    select: {
      ref: true,
      subject: true,
      issuer: true,
      codeNumber: true,
      codeNotation: true,
      urgency: true,
      secrecy: true,
      isPaperOnly: true,
      files: { where: { kind: { in: ["STAMPED", "ORIGINAL"] as FileKind[] } }, select: { kind: true, sha256: true, fileName: true, mime: true }, orderBy: { createdAt: "desc" } },
    },
  },
  extensions: { select: { id: true, status: true, createdAt: true, requestedById: true, requestedDueAt: true, decidedAt: true, decidedById: true }, orderBy: { createdAt: "asc" } },
  reports: { select: { kind: true, text: true, authorId: true, createdAt: true } },
  children: { select: { createdAt: true, assigneeUserId: true, status: true, reports: { select: { kind: true, text: true, authorId: true, createdAt: true } } } },
  /** A delegation's parent: why a closed delegation closed (core/workflow/state-machine.ts cancelReasonOf). */
  parent: { select: { status: true } },
} as const;

/** One line of an assignment's history (received, delegated, progress, extension, completed…), oldest first. */
export type AssignmentHistoryEntry = {
  at: Date;
  kind: "received" | "acknowledged" | "delegated" | "progress" | "completed" | "returned" | "extensionRequested" | "extensionGranted" | "extensionRefused" | "extensionClosed";
  /** Who did it (a person's name), when known. */
  who: string | null;
  /** A report's or reason's text, verbatim. */
  text: string | null;
  /** The date asked for, for an extension request. */
  date: Date | null;
};

export const ZGetAssignmentByRefInput = z.object({ actorUserId: z.string().min(1), ref: ZAssignmentRefInput });
export type GetAssignmentByRefInput = z.input<typeof ZGetAssignmentByRefInput>;

export type AssignmentDetail = DeadlineInfo & {
  assignmentId: string;
  documentId: string;
  /** Canonical (`D7/2026-TCKH`) and displayed (`D7-TCKH`) refs. */
  ref: string;
  displayRef: string;
  documentRef: string;
  documentDisplayRef: string;
  subject: string;
  issuer: string | null;
  code: string | null;
  urgency: Urgency;
  status: AssignmentStatus;
  role: AssignmentRole;
  originalDueAt: Date | null;
  isPaper: boolean;
  /** Set on a delegation: the unit's assignment it was handed down from. */
  parentId: string | null;
  unit: { id: string; code: string; name: string };
  assignee: { id: string; code: string; name: string } | null;
  directiveId: string;
  /** The directive this assignment belongs to, verbatim. */
  directiveText: string;
  acknowledgedAt: Date | null;
  hasPendingExtension: boolean;
  /** The extension request waiting for the leader, if any. */
  pendingExtensionId: string | null;
  /** What this person may do now: the bots show these as buttons or reply hints. */
  actions: AssignmentAction[];
  /** Where it stands (chờ nhận, đang xử lý, đề nghị gia hạn, hoàn thành quá hạn, …). */
  state: AssignmentStateKey;
  /** Who holds it now: the officers of open delegations, else the unit's heads. */
  holders: string[];
  history: AssignmentHistoryEntry[];
  /** The document's stamped PDF (or the original), never for a secret or paper-only document. */
  pdf: { sha256: string; fileName: string | null; mime: string } | null;
};

/**
 * An assignment by its ref (`D7-TCKH`, `D7/2025-TCKH`, `D7-TCKH-cv.tckh`), with the ids the bots
 * need and the actions this person may take. A ref without a year is this year's (office zone).
 * When a unit had several assignments on the document (an earlier directive was superseded), the
 * open one wins, else the newest. Not existing and not visible are both ASSIGNMENT_NOT_FOUND.
 *
 * @example await getAssignmentByRef(deps, { actorUserId, ref: { number: 7, unitCode: "TCKH" } })
 */
export const getAssignmentByRef = (deps: CoreDeps, raw: GetAssignmentByRefInput): Promise<AssignmentDetail> =>
  runUseCase(deps, { action: "query.assignment", actorUserId: raw.actorUserId, entityType: "Assignment" }, async () => {
    const input = ZGetAssignmentByRefInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const ctx = await loadQueryContext(deps, actor);
    const docRef = canonicalDocumentRef(input.ref, ctx.currentYear);
    const wanted = assignmentRef(docRef, input.ref.unitCode, input.ref.officerCode);
    const notFound = () => new DomainError("ASSIGNMENT_NOT_FOUND", "queries.assignmentNotFound", { ref: shownRef(ctx, wanted) });

    const candidates = await deps.prisma.assignment.findMany({ where: refWhere(actor, docRef, input.ref), select: DETAIL_SELECT, orderBy: { createdAt: "desc" } });
    const assignees = await deps.prisma.user.findMany({
      where: { id: { in: candidates.map((c) => c.assigneeUserId).filter((id): id is string => id !== null) } },
      select: { id: true, code: true, name: true },
    });
    const assigneeById = new Map(assignees.map((u) => [u.id, u]));
    const a = pickByRef(candidates, assigneeById, input.ref.officerCode);
    if (!a) throw notFound();

    return detailOf(ctx, actor, a, a.assigneeUserId ? (assigneeById.get(a.assigneeUserId) ?? null) : null, await namesFor(deps, a));
  });

/** The assignments of the actor's visible document `docRef` a ref can name (its unit's, or an officer's delegation). */
const refWhere = (actor: Actor, docRef: string, ref: { unitCode: string; officerCode?: string | undefined }): Prisma.AssignmentWhereInput => ({
  document: { AND: [{ orgId: actor.orgId, ref: docRef }, visibleDocumentsWhere(actor)] },
  unit: { code: { equals: ref.unitCode, mode: "insensitive" } },
  ...(ref.officerCode ? { parentId: { not: null }, assigneeUserId: { not: null } } : { parentId: null }),
});

/** Of the candidates (newest first), the officer's if one is named; an open one beats a cancelled or closed one of an earlier directive. */
const pickByRef = <C extends { status: AssignmentStatus; assigneeUserId: string | null }>(
  candidates: C[],
  assigneeById: Map<string, { code: string }>,
  officerCode: string | undefined,
): C | undefined => {
  const officer = officerCode?.toLowerCase();
  const matching = candidates.filter((c) => officer === undefined || assigneeById.get(c.assigneeUserId ?? "")?.code.toLowerCase() === officer);
  return matching.find((c) => OPEN_STATUSES.includes(c.status)) ?? matching[0];
};

/**
 * The id of the assignment a ref names, found exactly as {@link getAssignmentByRef} finds it (same
 * visibility, same choice, same ASSIGNMENT_NOT_FOUND), reading only what the choice needs: for a
 * command that then hands the id to its use case, which reads the assignment itself.
 *
 * @example const { assignmentId } = await resolveAssignmentRef(deps, { actorUserId, ref: { number: 7, unitCode: "TCKH" } })
 */
export const resolveAssignmentRef = (deps: CoreDeps, raw: GetAssignmentByRefInput): Promise<{ assignmentId: string }> =>
  runUseCase(deps, { action: "query.assignment", actorUserId: raw.actorUserId, entityType: "Assignment" }, async () => {
    const input = ZGetAssignmentByRefInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const currentYear = await currentYearOf(deps, actor);
    const docRef = canonicalDocumentRef(input.ref, currentYear);
    const candidates = await deps.prisma.assignment.findMany({
      where: refWhere(actor, docRef, input.ref),
      select: { id: true, status: true, assigneeUserId: true },
      orderBy: { createdAt: "desc" },
    });
    const ids = input.ref.officerCode ? candidates.map((c) => c.assigneeUserId).filter((id): id is string => id !== null) : [];
    const assignees = ids.length > 0 ? await deps.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, code: true } }) : [];
    const a = pickByRef(candidates, new Map(assignees.map((u) => [u.id, u])), input.ref.officerCode);
    if (!a) {
      const wanted = assignmentRef(docRef, input.ref.unitCode, input.ref.officerCode);
      throw new DomainError("ASSIGNMENT_NOT_FOUND", "queries.assignmentNotFound", { ref: displayRef(wanted, currentYear) });
    }
    return { assignmentId: a.id };
  });

/** This year in the organisation's zone (as loadQueryContext reckons it, without loading the calendar). */
const currentYearOf = async (deps: CoreDeps, actor: Pick<Actor, "orgId">): Promise<number> => {
  const org = await deps.prisma.organization.findUniqueOrThrow({ where: { id: actor.orgId }, select: { timeZone: true } });
  return Number(localDateOf(deps.clock.now(), org.timeZone || deps.settings.officeTimeZone).slice(0, 4));
};

type DetailRow = Prisma.AssignmentGetPayload<{ select: typeof DETAIL_SELECT }>;

/** The names of everyone the history and the holders mention, and the unit's heads. */
const namesFor = async (deps: CoreDeps, a: DetailRow): Promise<{ names: Map<string, string>; heads: string[] }> => {
  const ids = [
    a.acknowledgedById,
    a.completedById,
    ...a.reports.map((r) => r.authorId),
    ...a.children.flatMap((c) => [c.assigneeUserId, ...c.reports.map((r) => r.authorId)]),
    ...a.extensions.flatMap((e) => [e.requestedById, e.decidedById]),
  ].filter((id): id is string => id !== null);
  const people = await deps.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const heads = await deps.prisma.user.findMany({ where: { unitId: a.unitId, active: true, roles: { has: "UNIT_HEAD" } }, select: { name: true }, orderBy: { name: "asc" } });
  return { names: new Map(people.map((p) => [p.id, p.name])), heads: heads.map((h) => h.name) };
};

const historyOf = (a: DetailRow, names: Map<string, string>): AssignmentHistoryEntry[] => {
  const who = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  const entry = (at: Date | null, kind: AssignmentHistoryEntry["kind"], by: string | null, text: string | null = null, date: Date | null = null): AssignmentHistoryEntry[] =>
    at ? [{ at, kind, who: who(by), text, date }] : [];
  const reports = [...a.reports, ...a.children.flatMap((c) => c.reports)];
  return [
    ...entry(a.sentAt, "received", null),
    ...entry(a.acknowledgedAt, "acknowledged", a.acknowledgedById),
    ...a.children.flatMap((c) => entry(c.createdAt, "delegated", c.assigneeUserId)),
    ...reports.filter((r) => r.kind === "PROGRESS").flatMap((r) => entry(r.createdAt, "progress", r.authorId, r.text)),
    ...a.extensions.flatMap((e) => [
      ...entry(e.createdAt, "extensionRequested", e.requestedById, null, e.requestedDueAt),
      ...(e.status === "GRANTED" ? entry(e.decidedAt, "extensionGranted", e.decidedById, null, e.requestedDueAt) : []),
      ...(e.status === "REFUSED" ? entry(e.decidedAt, "extensionRefused", e.decidedById) : []),
      ...(e.status === "CLOSED" ? entry(e.decidedAt, "extensionClosed", null) : []),
    ]),
    // An officer's completion of delegated work, then the unit's own.
    ...reports.filter((r) => r.kind === "COMPLETION" && !a.reports.includes(r)).flatMap((r) => entry(r.createdAt, "completed", r.authorId, r.text)),
    ...entry(a.completedAt, "completed", a.completedById, a.reports.find((r) => r.kind === "COMPLETION")?.text ?? null),
    ...entry(a.returnedAt, "returned", null, a.returnReason),
  ].sort((x, y) => x.at.getTime() - y.at.getTime());
};

const detailOf = (
  ctx: QueryContext,
  actor: Actor,
  a: DetailRow,
  assignee: AssignmentDetail["assignee"],
  people: { names: Map<string, string>; heads: string[] },
): AssignmentDetail => {
  const pending = a.extensions.filter((e) => e.status === "PENDING");
  const hasPendingExtension = pending.length > 0;
  const openDelegates = a.children.filter((c) => OPEN_STATUSES.includes(c.status) && c.assigneeUserId).map((c) => people.names.get(c.assigneeUserId!) ?? "");
  const pdf = isOffline(a.document) ? null : (a.document.files.find((f) => f.kind === "STAMPED") ?? a.document.files[0] ?? null);
  return {
    ...deadlineInfo(ctx, OPEN_STATUSES.includes(a.status) ? a.dueAt : null),
    dueAt: a.dueAt,
    assignmentId: a.id,
    documentId: a.documentId,
    ref: a.ref,
    displayRef: shownRef(ctx, a.ref),
    documentRef: a.document.ref,
    documentDisplayRef: shownRef(ctx, a.document.ref),
    subject: a.document.subject,
    issuer: a.document.issuer,
    code: codeOf(a.document),
    urgency: a.document.urgency,
    status: a.status,
    role: a.role,
    originalDueAt: a.originalDueAt,
    isPaper: a.isPaper,
    parentId: a.parentId,
    unit: a.unit,
    assignee,
    directiveId: a.directiveId,
    directiveText: a.directive.text,
    acknowledgedAt: a.acknowledgedAt,
    hasPendingExtension,
    pendingExtensionId: pending[0]?.id ?? null,
    actions: assignmentActionsFor(actor, { ...a, hasPendingExtension }),
    state: assignmentStateKey({ ...a, hasPendingExtension }),
    holders: assignee ? [assignee.name] : openDelegates.length > 0 ? openDelegates : people.heads,
    history: historyOf(a, people.names),
    pdf: pdf ? { sha256: pdf.sha256, fileName: pdf.fileName, mime: pdf.mime } : null,
  };
};

/**
 * Why an assignment the actor cannot see is not shown. A cancelled one stops making its document
 * visible (./visibility.ts), but whoever held it (its unit's heads, the officer of a delegation)
 * still has its card: their press is answered with its state (cancelled, or closed because the unit
 * returned it), naming nothing but the ref they already have. Anyone else: not found.
 */
const goneOrNotFound = async (deps: CoreDeps, ctx: QueryContext, actor: Actor, assignmentId: string): Promise<DomainError> => {
  const gone = await deps.prisma.assignment.findFirst({
    where: { id: assignmentId, status: "CANCELLED", document: { orgId: actor.orgId } },
    select: { ref: true, status: true, unitId: true, assigneeUserId: true, parent: { select: { status: true } } },
  });
  if (gone && isHolder(actor, gone)) return conflictFor(gone.status, shownRef(ctx, gone.ref), gone.parent?.status);
  return new DomainError("ASSIGNMENT_NOT_FOUND", "assignment.notFound");
};

export const ZGetAssignmentByIdInput = z.object({ actorUserId: z.string().min(1), assignmentId: z.string().min(1) });
export type GetAssignmentByIdInput = z.input<typeof ZGetAssignmentByIdInput>;

/**
 * An assignment by its id (what a button carries), as {@link getAssignmentByRef} gives it: a stale
 * button is answered from here with the assignment's current state and actions.
 */
export const getAssignmentById = (deps: CoreDeps, raw: GetAssignmentByIdInput): Promise<AssignmentDetail> =>
  runUseCase(deps, { action: "query.assignment", actorUserId: raw.actorUserId, entityType: "Assignment", entityId: raw.assignmentId }, async () => {
    const input = ZGetAssignmentByIdInput.parse(raw);
    const actor = await loadActor(deps.prisma, input.actorUserId);
    const ctx = await loadQueryContext(deps, actor);
    const a = await deps.prisma.assignment.findFirst({
      where: { id: input.assignmentId, document: { AND: [{ orgId: actor.orgId }, visibleDocumentsWhere(actor)] } },
      select: DETAIL_SELECT,
    });
    if (!a) throw await goneOrNotFound(deps, ctx, actor, input.assignmentId);
    const assignee = a.assigneeUserId ? await deps.prisma.user.findUnique({ where: { id: a.assigneeUserId }, select: { id: true, code: true, name: true } }) : null;
    return detailOf(ctx, actor, a, assignee, await namesFor(deps, a));
  });
