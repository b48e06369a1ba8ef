// Planning a directive (what the echo before /ok shows and what is recorded) and the rows a directive
// writes: shared by the transactional path (issue-directive.ts) and the direct one (issue-direct.ts),
// so that both refuse alike and write the same values. No database access here.
import { z } from "zod";
import { hasRole, type Actor } from "../actors/actor.ts";
import type { AuditEventInput } from "../audit/append-audit-event.ts";
import type { Calendar } from "../calendar/calendar.ts";
import { assignmentRef } from "../documents/refs.ts";
import { nextReminder, type ReminderPlan, type ReminderPolicy } from "../domain/reminder-policy.ts";
import { DomainError } from "../errors.ts";
import type { OutboxIntent } from "../outbox/enqueue-outbox.ts";
import type { AssignmentRole, DocumentStatus, Secrecy, Urgency } from "../store/generated/enums.ts";
import { dueAtForDate, formatLocalDate, localDateOf, utcMidnightToLocalDate, type LocalDate } from "../time.ts";
import { DOCUMENT_TRANSITIONS, isSecret } from "../workflow/state-machine.ts";
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

/** The actor directing in their own name: a leader (a clerk names the leader). */
export const actorAsAuthor = (actor: Actor): { id: string; name: string } => {
  if (!hasRole(actor, "LEADER"))
    throw new DomainError(hasRole(actor, "CLERK") ? "DIRECTIVE_NEEDS_LEADER" : "FORBIDDEN", hasRole(actor, "CLERK") ? "directive.needsLeader" : "error.forbidden");
  return { id: actor.id, name: actor.name };
};

/** The units a directive names, in order (main, coordinating, for information). */
export const wantedUnits = (input: z.output<typeof ZIssueDirectiveInput>): { code: string; role: AssignmentRole }[] => [
  { code: input.main, role: "MAIN" },
  ...input.coordinate.map((code) => ({ code, role: "COORDINATE" as const })),
  ...input.info.map((code) => ({ code, role: "INFO" as const })),
];

/** What planning a directive reads: the document, the units named (matched by code, any case), the calendar, the directive in force. */
export type DirectiveFacts = {
  author: { id: string; name: string };
  doc: { id: string; ref: string; direction: string; secrecy: Secrecy; status: DocumentStatus; requestedDueDate: Date | null } | null;
  units: { id: string; code: string; name: string; active: boolean; hasAccount: boolean }[];
  calendar: Calendar;
  zone: string;
  now: Date;
  currentDirectiveId: string | null;
};

/**
 * Validates a directive against what was read and works out exactly what would be recorded: the
 * checks in the order the use case has always made them, so both paths refuse alike.
 */
export const planFromFacts = (actor: Actor, input: z.output<typeof ZIssueDirectiveInput>, f: DirectiveFacts): DirectivePlan => {
  if (input.text.trim() === "") throw new DomainError("DIRECTIVE_TEXT_EMPTY", "directive.textEmpty");
  const doc = f.doc;
  if (!doc || doc.direction !== "IN") throw new DomainError("DOCUMENT_NOT_FOUND", "document.notFound");
  if (isSecret(doc.secrecy)) throw new DomainError("DOCUMENT_SECRET", "directive.documentSecret", { ref: doc.ref });
  if (!DOCUMENT_TRANSITIONS.direct.from.includes(doc.status)) throw new DomainError("DOCUMENT_CLOSED", "directive.documentClosed", { ref: doc.ref });

  const wanted = wantedUnits(input);
  const seen = new Set<string>();
  for (const w of wanted) {
    const key = w.code.toUpperCase();
    if (seen.has(key)) throw new DomainError("UNIT_TWICE", "directive.unitTwice", { unit: w.code });
    seen.add(key);
  }
  const byCode = new Map(f.units.map((u) => [u.code.toUpperCase(), u]));
  for (const w of wanted) {
    const unit = byCode.get(w.code.toUpperCase());
    if (!unit) throw new DomainError("UNIT_NOT_FOUND", "directive.unitNotFound", { unit: w.code });
    if (!unit.active) throw new DomainError("UNIT_INACTIVE", "directive.unitInactive", { unit: unit.code });
  }

  const { calendar, zone, now } = f;
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

  const estimatedDays = calendar.unconfirmedBetween(today, localDateOf(mainDue, zone)).map((e) => ({ date: e.date, name: e.name }));
  return {
    documentId: doc.id,
    documentRef: doc.ref,
    authorId: f.author.id,
    authorName: f.author.name,
    enteredById: actor.id,
    text: input.text,
    supersedesId: f.currentDirectiveId,
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

// === The rows both paths write (issue-direct.ts writes them in one statement)

type EventContext = { now: Date; orgId: string; actorUserId: string };

/** A new assignment's ref and first reminder (none for a paper unit or one told for information). */
export const newAssignmentOf = (
  a: Pick<PlannedAssignment, "unitCode" | "role" | "dueAt" | "isPaper">,
  c: { documentRef: string; urgency: Urgency; now: Date; calendar: Calendar; policy: ReminderPolicy },
): { ref: string; reminder: ReminderPlan | null } => ({
  ref: assignmentRef(c.documentRef, a.unitCode),
  reminder: nextReminder({
    assignment: { status: "ASSIGNED", role: a.role, urgency: c.urgency, sentAt: c.now, acknowledgedAt: null, dueAt: a.dueAt, isPaper: a.isPaper, lastReminderAt: null },
    now: c.now,
    calendar: c.calendar,
    policy: c.policy,
  }),
});

/** The assignment.created event. */
export const assignmentCreatedEvent = (
  a: Pick<PlannedAssignment, "unitCode" | "role" | "dueAt" | "isPaper"> & { assignmentId: string; ref: string },
  c: EventContext,
): AuditEventInput => ({
  type: "assignment.created",
  at: c.now,
  orgId: c.orgId,
  actorUserId: c.actorUserId,
  entityType: "Assignment",
  entityId: a.assignmentId,
  data: { ref: a.ref, unit: a.unitCode, role: a.role, dueAt: a.dueAt?.toISOString() ?? null, isPaper: a.isPaper },
});

/** The directive.issued (or directive.superseded) event. */
export const directiveEvent = (plan: DirectivePlan, directiveId: string, c: EventContext): AuditEventInput => ({
  type: plan.supersedesId ? "directive.superseded" : "directive.issued",
  at: c.now,
  orgId: c.orgId,
  actorUserId: c.actorUserId,
  entityType: "Directive",
  entityId: directiveId,
  data: {
    documentId: plan.documentId,
    authorId: plan.authorId,
    enteredById: plan.enteredById,
    supersedesId: plan.supersedesId,
    units: plan.assignments.map((a) => `${a.unitCode}:${a.role}`),
  },
});

/** Who hears of a new assignment: the unit's heads, or for a paper unit the office's monitors; never the actor. */
export const newAssignmentOutbox = (
  a: { assignmentId: string; isPaper: boolean },
  recipientIds: string[],
  c: { actorUserId: string; urgency: Urgency },
): OutboxIntent<"assignment.new" | "assignment.paper">[] => {
  const kind = a.isPaper ? ("assignment.paper" as const) : ("assignment.new" as const);
  return recipientIds
    .filter((id) => id !== c.actorUserId)
    .map((id) => ({ userId: id, kind, payload: { assignmentId: a.assignmentId }, dedupeKey: `asg:${a.assignmentId}:${kind}:${id}`, urgency: c.urgency }));
};
