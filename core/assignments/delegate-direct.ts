// The delegation at the database's speed (issue 23): one joined read of what the rules, the deadline
// and the reminders need (the actor, their organisation, the unit's assignment, the officer named by
// code and whether a delegation to them is open), then one statement that does the compare-and-set
// of the unit's assignment with its reminder columns, the officer's assignment with its own, the
// audit event, the officer's outbox row and, when it acknowledges the unit's main assignment, the
// interchange's status 05. The common case: a unit head delegates the unit's assignment to an officer
// of the unit. A row changed since the read (or an officer code the read does not match as Prisma
// would) goes to the transactional path in delegate-assignment.ts, which writes the same rows;
// refusals are the same on both, a delegation the open-delegation index refused included.
import { ACTOR_COLUMNS, actorOfRow, ORG_COLUMNS, type ActorColumns } from "../actors/actor-columns.ts";
import { randomUUID } from "node:crypto";
import { auditContentOf, auditInsertParams, auditInsertSql } from "../audit/append-audit-event.ts";
import type { Calendar } from "../calendar/calendar.ts";
import { loadOrgCalendar } from "../calendar/load-org-calendar.ts";
import type { CoreDeps } from "../deps.ts";
import { assignmentRef } from "../documents/refs.ts";
import { DomainError } from "../errors.ts";
import { acknowledgesMain, interchangeProgressSql } from "../interchange/enqueue-status.ts";
import { t } from "../messages/index.ts";
import { reminderPolicyOfText } from "../reminders/reminder-context.ts";
import { computeReminderState } from "../reminders/schedule-reminder.ts";
import { dateOfMs, epochMs, isoOrNull, hotRead, runSql, sqlList, type HotStatement } from "../store/direct-sql.ts";
import type { AssignmentRole, AssignmentStatus, Urgency } from "../store/generated/enums.ts";
import { violatesUnique } from "../store/unique-violation.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import { dueAtForDate, localDateOf } from "../time.ts";
import { requireWorkingDay } from "../workflow/deadlines.ts";
import { OPEN_STATUSES, assignmentActionsFor, fromStatuses, requireAssignmentAction, type AssignmentAction, type AssignmentFacts } from "../workflow/state-machine.ts";
import { shownRef } from "./assignment-access.ts";
import { factsOfRow, ASSIGNMENT_RULE_COLUMNS, REMINDER_COLUMNS, PENDING_EXTENSION_COLUMN } from "./assignment-row.ts";

/** The officer's deadline as the input gives it: a date, or a number of working days from today. */
export type DelegationDue = { date: string } | { workingDays: number };

/**
 * The officer's deadline: the unit's, unless `due` sets one (a working day, after now, not later
 * than the unit's). Shared by both paths so they refuse alike.
 */
export const delegationDueAt = (ctx: { zone: string; calendar: Calendar }, now: Date, due: DelegationDue | undefined, unitDueAt: Date | null): Date | null => {
  if (!due) return unitDueAt;
  if ("date" in due) requireWorkingDay(ctx.calendar, due.date);
  const today = localDateOf(now, ctx.zone);
  const dueAt = "date" in due ? dueAtForDate(due.date, ctx.zone) : dueAtForDate(ctx.calendar.addWorkingDays(today, due.workingDays) as string, ctx.zone);
  if (dueAt <= now) throw new DomainError("DEADLINE_IN_PAST", "directive.deadlineInPast");
  if (unitDueAt && dueAt > unitDueAt) throw new DomainError("DELEGATE_DUE_AFTER_PARENT", "assignment.delegateDueAfterParent");
  return dueAt;
};

/** One row: the actor and their organisation, the unit's assignment, and the officer the code names. */
type DelegateRow = ActorColumns & {
  orgTimeZone: string;
  orgPolicy: string;
  id: string | null;
  ref: string;
  status: string;
  role: string;
  unitId: string;
  unitOrgId: string;
  unitCode: string;
  parentId: string | null;
  assigneeUserId: string | null;
  dueAt: number | null;
  sentAt: number;
  acknowledgedAt: number | null;
  isPaper: boolean;
  lastReminderAt: number | null;
  escalationLevel: number;
  documentId: string;
  directiveId: string;
  documentRef: string;
  urgency: string;
  parentStatus: string | null;
  hasPendingExtension: boolean;
  officerId: string | null;
  officerCode: string;
  officerName: string;
  officerUnitId: string;
  officerOpen: boolean;
};

const DELEGATE_READ = hotRead(
  "edoc_delegate_read",
  {
    ...ACTOR_COLUMNS,
    ...ORG_COLUMNS,
    ...ASSIGNMENT_RULE_COLUMNS,
    ...REMINDER_COLUMNS,
    unitCode: 'un."code"',
    acknowledgedAt: epochMs('a."acknowledgedAt"'),
    documentId: 'a."documentId"',
    directiveId: 'a."directiveId"',
    documentRef: 'd."ref"',
    hasPendingExtension: PENDING_EXTENSION_COLUMN,
    officerId: 'off."id"',
    officerCode: 'off."code"',
    officerName: 'off."name"',
    officerUnitId: 'off."unitId"',
    officerOpen: `EXISTS (SELECT 1 FROM "Assignment" c WHERE c."parentId" = a."id" AND c."assigneeUserId" = off."id" AND c."status"::text IN (${sqlList(OPEN_STATUSES)}))`,
  },
  `FROM "User" u
JOIN "Unit" au ON au."id" = u."unitId"
JOIN "Organization" o ON o."id" = u."orgId"
LEFT JOIN ("Assignment" a JOIN "Unit" un ON un."id" = a."unitId" JOIN "Document" d ON d."id" = a."documentId"
           LEFT JOIN "Assignment" pa ON pa."id" = a."parentId") ON a."id" = $2
LEFT JOIN LATERAL (SELECT f."id", f."code", f."name", f."unitId" FROM "User" f WHERE f."orgId" = u."orgId" AND lower(f."code") = lower($3) AND f."active" LIMIT 1) off ON true
WHERE u."id" = $1`,
);

// $1–$7: the assignment.delegated event (auditInsertParams: at, orgId, actor, type, entityType,
// entityId = the officer's assignment, data). The compare-and-set of the unit's assignment is guarded
// by every value the rules, the deadline, the reminders and the rows were computed from (its status
// too: whether the delegation acknowledges it), by the officer (still active in the unit under that
// code) and by no delegation to them being open: a row changed since the read matches nothing, and
// the transactional path decides.
const DELEGATE_WRITE: HotStatement = {
  name: "edoc_delegate_write",
  kind: "query",
  text: `
WITH upd AS (
  UPDATE "Assignment" AS a
  SET "status" = 'IN_PROGRESS', "acknowledgedAt" = COALESCE(a."acknowledgedAt", $1::timestamp(3)),
      "acknowledgedById" = CASE WHEN a."acknowledgedAt" IS NULL THEN $3 ELSE a."acknowledgedById" END,
      "nextReminderAt" = $8::timestamp(3), "reminderStep" = $9, "escalationLevel" = $10::int, "updatedAt" = $1::timestamp(3)
  WHERE a."id" = $11 AND a."status"::text IN (${sqlList(fromStatuses("delegate"))}) AND a."parentId" IS NULL AND a."unitId" = $12
    AND a."assigneeUserId" IS NOT DISTINCT FROM $13 AND a."role"::text = $14 AND a."dueAt" IS NOT DISTINCT FROM $15::timestamp(3)
    AND a."sentAt" = $16::timestamp(3) AND a."acknowledgedAt" IS NOT DISTINCT FROM $17::timestamp(3) AND a."isPaper" = $18::boolean
    AND a."lastReminderAt" IS NOT DISTINCT FROM $19::timestamp(3) AND a."escalationLevel" = $20::int
    AND a."documentId" = $21 AND a."directiveId" = $22
    AND EXISTS (SELECT 1 FROM "Document" d WHERE d."id" = a."documentId" AND d."urgency"::text = $23 AND d."ref" = $24)
    AND EXISTS (SELECT 1 FROM "Unit" un WHERE un."id" = a."unitId" AND un."code" = $25)
    AND EXISTS (SELECT 1 FROM "ExtensionRequest" x WHERE x."assignmentId" = a."id" AND x."status" = 'PENDING') = $26::boolean
    AND EXISTS (SELECT 1 FROM "User" f WHERE f."id" = $27 AND f."unitId" = a."unitId" AND f."active" AND f."orgId" = $2 AND f."code" = $28 AND f."name" = $29)
    AND NOT EXISTS (SELECT 1 FROM "Assignment" c WHERE c."parentId" = a."id" AND c."assigneeUserId" = $27 AND c."status"::text IN (${sqlList(OPEN_STATUSES)}))
    AND a."status"::text = $37
  RETURNING a."id", a."directiveId", a."documentId", a."unitId", a."role"
),
child AS (
  INSERT INTO "Assignment" ("id","directiveId","documentId","unitId","role","ref","dueAt","originalDueAt","parentId","assigneeUserId",
                            "nextReminderAt","reminderStep","escalationLevel","sentAt","createdAt","updatedAt")
  SELECT $6, upd."directiveId", upd."documentId", upd."unitId", upd."role", $30, $31::timestamp(3), $31::timestamp(3), upd."id", $27,
         $32::timestamp(3), $33, $34::int, $1::timestamp(3), $1::timestamp(3), $1::timestamp(3)
  FROM upd
),
event AS (
  ${auditInsertSql((n) => `$${n}`, "upd")}
),
outbox AS (
  INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt")
  SELECT gen_random_uuid()::text, $35, $27, 'assignment.new', $36::jsonb, $23::"Urgency", $1::timestamp(3), $1::timestamp(3)
  FROM upd
  ON CONFLICT DO NOTHING
),
-- Straight from ASSIGNED, the delegation acknowledges the unit's main assignment: a document from the
-- interchange tells its sender the main unit is at work (status 05; ../interchange/enqueue-status.ts).
ix AS (
  ${interchangeProgressSql("05", { source: "upd", documentId: 'upd."documentId"', description: "$38", at: "$1::timestamp(3)", where: `$39::boolean AND upd."role" = 'MAIN'` })}
)
SELECT (SELECT count(*) FROM upd)::int AS "delegated"`,
};

/** As delegate-assignment.ts's DelegateAssignmentResult: the officer's new assignment and the unit's, with the head's actions on it now. */
type DelegateDirectResult = { assignmentId: string; ref: string; officerId: string; officerName: string; dueAt: Date | null; unit: ActionOutcome<AssignmentAction> };

export type DelegateDirectInput = { actorUserId: string; assignmentId: string; officerUserCode: string; due?: DelegationDue | undefined; note?: string | undefined };

/**
 * The partial unique index that keeps one open delegation per officer under a unit's assignment
 * (migration 20261206200000_open_delegation_unique): two delegations at the same moment both read that
 * none is open; the database refuses the second.
 */
export const OPEN_DELEGATION_INDEX = "Assignment_open_delegation_key";

/** A delegation the index refused answers as one refused by the read (DELEGATION_EXISTS); any other error is returned as it is. */
export const openDelegationRefusal = (err: unknown, officerCode: string): unknown =>
  violatesUnique(err, OPEN_DELEGATION_INDEX) ? new DomainError("DELEGATION_EXISTS", "assignment.delegationExists", { user: officerCode }, { cause: err }) : err;

/** LIKE's wildcards and escape: Prisma's case-insensitive match may treat them apart; such codes take the transactional path. */
const LIKE_SPECIAL = /[%_\\]/;

/**
 * A delegation in one read and one statement. Refuses as the transactional path does (unknown actor
 * or assignment, not a head of the unit, wrong state, an officer outside the unit, a delegation to
 * them already open, a bad deadline); returns null, having written nothing, when the transactional
 * path must decide (an officer code with LIKE's wildcards, or a row changed between the read and
 * the write).
 */
export const delegateDirect = async (deps: CoreDeps, input: DelegateDirectInput): Promise<DelegateDirectResult | null> => {
  if (LIKE_SPECIAL.test(input.officerUserCode)) return null;
  const { rows } = await runSql<DelegateRow>(deps.prisma, DELEGATE_READ, [input.actorUserId, input.assignmentId, input.officerUserCode]);
  const { row: r, actor } = actorOfRow(rows[0]);
  if (r.id === null || r.unitOrgId !== actor.orgId) throw new DomainError("ASSIGNMENT_NOT_FOUND", "assignment.notFound");
  const unitDueAt = dateOfMs(r.dueAt);
  const sentAt = new Date(r.sentAt);
  const acknowledgedAt = dateOfMs(r.acknowledgedAt);
  const lastReminderAt = dateOfMs(r.lastReminderAt);
  const facts = factsOfRow(r, { dueAt: unitDueAt, hasPendingExtension: r.hasPendingExtension === true });
  requireAssignmentAction(actor, facts, "delegate", shownRef(deps, r.ref));
  if (r.officerId === null || r.officerUnitId !== r.unitId)
    throw new DomainError("OFFICER_NOT_IN_UNIT", "assignment.officerNotInUnit", { user: input.officerUserCode, unit: r.unitCode });
  if (r.officerOpen) throw new DomainError("DELEGATION_EXISTS", "assignment.delegationExists", { user: r.officerCode });

  const now = deps.clock.now();
  const calendar = await loadOrgCalendar(deps, { zone: r.orgTimeZone });
  const policy = reminderPolicyOfText(r.orgPolicy);
  const dueAt = delegationDueAt({ zone: r.orgTimeZone, calendar }, now, input.due, unitDueAt);
  const urgency = r.urgency as Urgency;
  // As refreshAssignmentReminder reads them after the change: the unit's assignment in progress, the officer's new one.
  const unitState = computeReminderState({
    assignment: {
      status: "IN_PROGRESS",
      role: facts.role,
      urgency,
      sentAt,
      acknowledgedAt: acknowledgedAt ?? now,
      dueAt: unitDueAt,
      isPaper: r.isPaper,
      lastReminderAt,
      escalationLevel: r.escalationLevel,
    },
    calendar,
    policy,
    now,
  });
  const childState = computeReminderState({
    assignment: { status: "ASSIGNED", role: facts.role, urgency, sentAt: now, acknowledgedAt: null, dueAt, isPaper: false, lastReminderAt: null, escalationLevel: 0 },
    calendar,
    policy,
    now,
  });
  const childId = randomUUID();
  const ref = assignmentRef(r.documentRef, r.unitCode, r.officerCode);
  const audit = auditInsertParams(
    auditContentOf({
      type: "assignment.delegated",
      at: now,
      orgId: actor.orgId,
      actorUserId: actor.id,
      entityType: "Assignment",
      entityId: childId,
      data: { parentId: r.id, ref, officerId: r.officerId, dueAt: dueAt?.toISOString() ?? null, note: input.note ?? null },
    }),
  );
  const { rows: written } = await runSql<{ delegated: number }>(deps.prisma, DELEGATE_WRITE, [
    ...audit,
    isoOrNull(unitState.nextReminderAt),
    unitState.reminderStep,
    unitState.escalationLevel,
    r.id,
    r.unitId,
    r.assigneeUserId,
    r.role,
    isoOrNull(unitDueAt),
    sentAt.toISOString(),
    isoOrNull(acknowledgedAt),
    r.isPaper,
    isoOrNull(lastReminderAt),
    r.escalationLevel,
    r.documentId,
    r.directiveId,
    r.urgency,
    r.documentRef,
    r.unitCode,
    facts.hasPendingExtension,
    r.officerId,
    r.officerCode,
    r.officerName,
    ref,
    isoOrNull(dueAt),
    isoOrNull(childState.nextReminderAt),
    childState.reminderStep,
    childState.escalationLevel,
    `asg:${childId}:assignment.new:${r.officerId}`,
    JSON.stringify({ assignmentId: childId }),
    r.status,
    t("vi", "interchange.status.05"),
    acknowledgesMain(r),
  ]).catch((err: unknown) => {
    throw openDelegationRefusal(err, r.officerCode);
  });
  if (Number(written[0]?.delegated ?? 0) !== 1) return null;
  deps.auditCheckpoint?.afterCommit();
  return {
    assignmentId: childId,
    ref,
    officerId: r.officerId,
    officerName: r.officerName,
    dueAt,
    unit: { id: r.id, ref: r.ref, actions: assignmentActionsFor(actor, { ...facts, status: "IN_PROGRESS" }) },
  };
};

/** The two statements, by name (tests watch for them to tell the direct path from the transactional one). */
export const DELEGATE_STATEMENTS = { read: DELEGATE_READ, write: DELEGATE_WRITE } as const;
