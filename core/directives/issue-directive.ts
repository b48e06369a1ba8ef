import { z } from "zod";
import { hasRole, loadActor, type Actor } from "../actors/actor.ts";
import { appendAuditEvent } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { stampOrLog } from "../documents/ensure-stamped-copy.ts";
import { assignmentRef } from "../documents/refs.ts";
import { nextReminder } from "../domain/reminder-policy.ts";
import { loadReminderContext } from "../reminders/reminder-context.ts";
import { DomainError } from "../errors.ts";
import { enqueueInterchangeProgress } from "../interchange/enqueue-status.ts";
import { enqueueOutbox, type OutboxIntent } from "../outbox/enqueue-outbox.ts";
import type { AssignmentRole } from "../store/generated/enums.ts";
import { dueAtForDate, formatLocalDate, localDateOf, utcMidnightToLocalDate, type LocalDate } from "../time.ts";
import { runUseCase } from "../use-case.ts";
import { closePendingExtensions } from "../assignments/close-extensions.ts";
import { DOCUMENT_TRANSITIONS, SUPERSEDE_TRANSITION, isSecret } from "../workflow/state-machine.ts";
import { requireWorkingDay } from "../workflow/deadlines.ts";

const ZDue = z.union([z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD") }), z.object({ workingDays: z.number().int().min(1).max(365) })]);
export type DueInput = z.infer<typeof ZDue>;

export const ZIssueDirectiveInput = z.object({
  actorUserId: z.string().min(1),
  documentId: z.string().min(1),
  /** A clerk entering a paper directive names the leader it comes from (user code). */
  onBehalfOfUserCode: z.string().trim().min(1).optional(),
  /** The directive, verbatim. Never edited afterwards. */
  text: z.string().max(10_000),
  main: z.string().trim().min(1),
  coordinate: z.array(z.string().trim().min(1)).default([]),
  info: z.array(z.string().trim().min(1)).default([]),
  /**
   * The main unit's deadline. Omitted: the deadline the sender asked for (an interchange package's
   * DueDate, a scan's "trước ngày …"), on the last working day not after it; refused when the document
   * has none.
   */
  due: ZDue.optional(),
  /** Coordinators' deadline: not later than the main unit's. Defaults to it. */
  coordinateDue: ZDue.optional(),
});
export type IssueDirectiveInput = z.input<typeof ZIssueDirectiveInput>;

export type PlannedAssignment = {
  unitId: string;
  unitCode: string;
  unitName: string;
  role: AssignmentRole;
  dueAt: Date | null;
  /** Working days from today to the deadline (0 = due today). */
  workingDaysLeft: number | null;
  isPaper: boolean;
};

export type DirectivePlan = {
  documentId: string;
  documentRef: string;
  authorId: string;
  authorName: string;
  enteredById: string;
  text: string;
  assignments: PlannedAssignment[];
  /** The directive this one replaces, when the document already has one. */
  supersedesId: string | null;
  /**
   * Estimated calendar days (`confirmed: false`, e.g. Tết before the year's official notice) from
   * today to the latest deadline: the deadlines and working days shown were counted with them.
   */
  estimatedDays: { date: LocalDate; name: string }[];
  /**
   * The deadline the sender asked for, when the document carries one: the date asked (`requested`)
   * and the working day it gives (`due`, the last working day not after it). `isUsed`: the main
   * unit's deadline was taken from it (no deadline was given).
   */
  requestedDue: { requested: LocalDate; due: LocalDate; isUsed: boolean } | null;
};

export type IssueDirectiveResult = Omit<DirectivePlan, "assignments"> & {
  directiveId: string;
  assignments: (PlannedAssignment & { assignmentId: string; ref: string })[];
};

/** Validates a directive and works out exactly what would be recorded (the echo before /ok). */
const planDirective = async (deps: CoreDeps, actor: Actor, input: z.output<typeof ZIssueDirectiveInput>): Promise<DirectivePlan> => {
  let author = { id: actor.id, name: actor.name };
  if (input.onBehalfOfUserCode) {
    if (!hasRole(actor, "CLERK", "LEADER")) throw new DomainError("FORBIDDEN", "error.forbidden");
    const leader = await deps.prisma.user.findFirst({
      where: { orgId: actor.orgId, code: { equals: input.onBehalfOfUserCode, mode: "insensitive" }, active: true },
      select: { id: true, name: true, roles: true },
    });
    if (!leader || !leader.roles.includes("LEADER")) throw new DomainError("DIRECTIVE_LEADER_UNKNOWN", "directive.leaderUnknown", { user: input.onBehalfOfUserCode });
    author = { id: leader.id, name: leader.name };
  } else if (!hasRole(actor, "LEADER")) {
    throw new DomainError(hasRole(actor, "CLERK") ? "DIRECTIVE_NEEDS_LEADER" : "FORBIDDEN", hasRole(actor, "CLERK") ? "directive.needsLeader" : "error.forbidden");
  }
  if (input.text.trim() === "") throw new DomainError("DIRECTIVE_TEXT_EMPTY", "directive.textEmpty");

  const doc = await deps.prisma.document.findFirst({
    where: { id: input.documentId, orgId: actor.orgId },
    select: { id: true, ref: true, direction: true, secrecy: true, status: true, urgency: true, requestedDueDate: true, org: { select: { timeZone: true } } },
  });
  if (!doc || doc.direction !== "IN") throw new DomainError("DOCUMENT_NOT_FOUND", "document.notFound");
  if (isSecret(doc.secrecy)) throw new DomainError("DOCUMENT_SECRET", "directive.documentSecret", { ref: doc.ref });
  if (!DOCUMENT_TRANSITIONS.direct.from.includes(doc.status)) throw new DomainError("DOCUMENT_CLOSED", "directive.documentClosed", { ref: doc.ref });

  const wanted: { code: string; role: AssignmentRole }[] = [
    { code: input.main, role: "MAIN" },
    ...input.coordinate.map((code) => ({ code, role: "COORDINATE" as const })),
    ...input.info.map((code) => ({ code, role: "INFO" as const })),
  ];
  const seen = new Set<string>();
  for (const w of wanted) {
    const key = w.code.toUpperCase();
    if (seen.has(key)) throw new DomainError("UNIT_TWICE", "directive.unitTwice", { unit: w.code });
    seen.add(key);
  }
  const units = await deps.prisma.unit.findMany({
    where: { orgId: actor.orgId, code: { in: wanted.map((w) => w.code), mode: "insensitive" } },
    select: { id: true, code: true, name: true, active: true, hasAccount: true },
  });
  const byCode = new Map(units.map((u) => [u.code.toUpperCase(), u]));
  for (const w of wanted) {
    const unit = byCode.get(w.code.toUpperCase());
    if (!unit) throw new DomainError("UNIT_NOT_FOUND", "directive.unitNotFound", { unit: w.code });
    if (!unit.active) throw new DomainError("UNIT_INACTIVE", "directive.unitInactive", { unit: unit.code });
  }

  const { calendar, zone } = await loadReminderContext(deps, { orgId: actor.orgId });
  const now = deps.clock.now();
  const today = localDateOf(now, zone);
  const resolve = (due: DueInput): Date => {
    if ("date" in due) requireWorkingDay(calendar, due.date);
    return "date" in due ? dueAtForDate(due.date, zone) : dueAtForDate(calendar.addWorkingDays(today, due.workingDays) as string, zone);
  };
  const requested = doc.requestedDueDate ? utcMidnightToLocalDate(doc.requestedDueDate) : null;
  const requestedDue =
    requested === null ? null : { requested, due: calendar.isWorkingDay(requested) ? requested : calendar.addWorkingDays(requested, -1), isUsed: input.due === undefined };
  if (input.due === undefined && requestedDue === null) throw new DomainError("DIRECTIVE_NO_DUE", "directive.noDue");
  const mainDue = resolve(input.due ?? { date: requestedDue!.due });
  if (mainDue <= now) {
    if (input.due === undefined) throw new DomainError("REQUESTED_DEADLINE_PASSED", "directive.requestedDeadlinePassed", { date: formatLocalDate(requestedDue!.requested) });
    throw new DomainError("DEADLINE_IN_PAST", "directive.deadlineInPast");
  }
  const coordinateDue = input.coordinateDue ? resolve(input.coordinateDue) : mainDue;
  if (coordinateDue <= now) throw new DomainError("DEADLINE_IN_PAST", "directive.deadlineInPast");
  if (coordinateDue > mainDue) throw new DomainError("COORDINATE_DUE_AFTER_MAIN", "directive.coordinateDueAfterMain");

  const current = await deps.prisma.directive.findFirst({ where: { documentId: doc.id, supersededBy: null }, orderBy: { createdAt: "desc" }, select: { id: true } });
  const estimatedDays = calendar.unconfirmedBetween(today, localDateOf(mainDue, zone)).map((e) => ({ date: e.date, name: e.name }));
  return {
    documentId: doc.id,
    documentRef: doc.ref,
    authorId: author.id,
    authorName: author.name,
    enteredById: actor.id,
    text: input.text,
    supersedesId: current?.id ?? null,
    estimatedDays,
    requestedDue,
    assignments: wanted.map((w) => {
      const unit = byCode.get(w.code.toUpperCase())!;
      const dueAt = w.role === "MAIN" ? mainDue : w.role === "COORDINATE" ? coordinateDue : null;
      return {
        unitId: unit.id,
        unitCode: unit.code,
        unitName: unit.name,
        role: w.role,
        dueAt,
        workingDaysLeft: dueAt ? calendar.workingDaysLeft(now, dueAt) : null,
        isPaper: !unit.hasAccount,
      };
    }),
  };
};

/**
 * Checks a directive and returns exactly what `issueDirective` would record, without writing
 * anything: the units by full name, the deadlines and working days left. For the echo before /ok.
 */
export const previewDirective = (deps: CoreDeps, raw: IssueDirectiveInput): Promise<DirectivePlan> =>
  runUseCase(deps, { action: "directive.preview", actorUserId: raw.actorUserId, entityType: "Document", entityId: raw.documentId }, async () => {
    const actor = await loadActor(deps.prisma, raw.actorUserId);
    return planDirective(deps, actor, ZIssueDirectiveInput.parse(raw));
  });

/**
 * Records a leader's directive on an incoming document (a clerk may enter it on a leader's behalf:
 * both are recorded) and creates one assignment per unit: exactly one main unit, any coordinating
 * and for-information units. Units without an account are served on paper (listed for the office).
 * A document that already has a directive gets a new one that supersedes it: the old one is kept,
 * its open assignments are cancelled. Each unit's heads are told through the outbox.
 *
 * @example await issueDirective(deps, { actorUserId, documentId, text: "Giao Phòng TCKH chủ trì…", main: "TCKH", coordinate: ["TP"], due: { workingDays: 5 } })
 */
export const issueDirective = (deps: CoreDeps, raw: IssueDirectiveInput): Promise<IssueDirectiveResult> =>
  runUseCase(deps, { action: "directive.issue", actorUserId: raw.actorUserId, entityType: "Document", entityId: raw.documentId }, async () => {
    const actor = await loadActor(deps.prisma, raw.actorUserId);
    const input = ZIssueDirectiveInput.parse(raw);
    const plan = await planDirective(deps, actor, input);
    const now = deps.clock.now();
    const { calendar, policy } = await loadReminderContext(deps, { orgId: actor.orgId });

    const result = await deps.prisma.$transaction(
      async (tx) => {
        const doc = await tx.document.findUniqueOrThrow({ where: { id: plan.documentId }, select: { orgId: true, urgency: true, ref: true } });
        const outbox: OutboxIntent[] = [];

        if (plan.supersedesId) {
          // Compare-and-set on the directive chain: two leaders superseding at once → one wins.
          const stillCurrent = await tx.directive.count({ where: { supersedesId: plan.supersedesId } });
          if (stillCurrent > 0) throw new DomainError("DIRECTIVE_CHANGED", "directive.changedMeanwhile");
          const cancelled = await tx.assignment.findMany({
            where: { directiveId: plan.supersedesId, status: { in: [...SUPERSEDE_TRANSITION.from] } },
            select: { id: true, unitId: true, isPaper: true, parentId: true, assigneeUserId: true },
          });
          await tx.assignment.updateMany({
            where: { id: { in: cancelled.map((c) => c.id) } },
            data: { status: SUPERSEDE_TRANSITION.to, nextReminderAt: null, reminderStep: null },
          });
          await closePendingExtensions(tx, now, { assignmentIds: cancelled.map((c) => c.id), orgId: doc.orgId, actorUserId: actor.id, because: "CANCELLED" });
          for (const c of cancelled.filter((c) => !c.isPaper)) {
            const people = c.assigneeUserId ? [{ id: c.assigneeUserId }] : await unitHeads(tx, c.unitId);
            for (const p of people.filter((p) => p.id !== actor.id))
              outbox.push({ userId: p.id, kind: "assignment.cancelled", payload: { assignmentId: c.id }, dedupeKey: `asg:${c.id}:cancelled:${p.id}` });
          }
        }

        const directive = await tx.directive.create({
          data: { documentId: plan.documentId, authorId: plan.authorId, enteredById: plan.enteredById, text: plan.text, supersedesId: plan.supersedesId, createdAt: now },
          select: { id: true },
        });
        const created: IssueDirectiveResult["assignments"] = [];
        for (const a of plan.assignments) {
          const ref = assignmentRef(doc.ref, a.unitCode);
          const reminder = nextReminder({
            assignment: { status: "ASSIGNED", role: a.role, urgency: doc.urgency, sentAt: now, acknowledgedAt: null, dueAt: a.dueAt, isPaper: a.isPaper, lastReminderAt: null },
            now,
            calendar,
            policy,
          });
          const row = await tx.assignment.create({
            data: {
              directiveId: directive.id,
              documentId: plan.documentId,
              unitId: a.unitId,
              role: a.role,
              ref,
              dueAt: a.dueAt,
              originalDueAt: a.dueAt,
              isPaper: a.isPaper,
              sentAt: now,
              createdAt: now,
              nextReminderAt: reminder?.at ?? null,
              reminderStep: reminder?.step ?? null,
            },
            select: { id: true },
          });
          created.push({ ...a, assignmentId: row.id, ref });
          await appendAuditEvent(tx, {
            type: "assignment.created",
            at: now,
            orgId: doc.orgId,
            actorUserId: actor.id,
            entityType: "Assignment",
            entityId: row.id,
            data: { ref, unit: a.unitCode, role: a.role, dueAt: a.dueAt?.toISOString() ?? null, isPaper: a.isPaper },
          });
          const recipients = a.isPaper
            ? (await tx.user.findMany({ where: { orgId: doc.orgId, active: true, roles: { has: "MONITOR" } }, select: { id: true } })).map((u) => ({
                id: u.id,
                kind: "assignment.paper" as const,
              }))
            : (await unitHeads(tx, a.unitId)).map((u) => ({ id: u.id, kind: "assignment.new" as const }));
          for (const r of recipients.filter((r) => r.id !== actor.id))
            outbox.push({ userId: r.id, kind: r.kind, payload: { assignmentId: row.id }, dedupeKey: `asg:${row.id}:${r.kind}:${r.id}`, urgency: doc.urgency });
        }
        const main = plan.assignments.find((a) => a.role === "MAIN")!;
        await tx.document.update({ where: { id: plan.documentId }, data: { status: DOCUMENT_TRANSITIONS.direct.to, dueAt: main.dueAt } });
        await appendAuditEvent(tx, {
          type: plan.supersedesId ? "directive.superseded" : "directive.issued",
          at: now,
          orgId: doc.orgId,
          actorUserId: actor.id,
          entityType: "Directive",
          entityId: directive.id,
          data: {
            documentId: plan.documentId,
            authorId: plan.authorId,
            enteredById: plan.enteredById,
            supersedesId: plan.supersedesId,
            units: plan.assignments.map((a) => `${a.unitCode}:${a.role}`),
          },
        });
        await enqueueOutbox(tx, now, outbox);
        // A document from the interchange: its sender hears it was assigned (status 04).
        await enqueueInterchangeProgress(tx, now, { documentId: plan.documentId, statusCode: "04", unit: main.unitName });
        return { ...plan, directiveId: directive.id, assignments: created };
      },
      { timeout: 30_000 },
    );
    await stampOrLog(deps, plan.documentId, { restamp: true });
    return result;
  });

const unitHeads = (tx: Pick<CoreDeps["prisma"], "user">, unitId: string) =>
  tx.user.findMany({ where: { unitId, active: true, roles: { has: "UNIT_HEAD" } }, select: { id: true } });
