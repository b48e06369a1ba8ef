// The progress report at the database's speed (issue 23): one joined read of what the rules and the
// reminder need, then one statement that does the compare-and-set, the reminder columns, the report,
// the audit event, the outbox rows and, when the report acknowledges the unit's main assignment, the
// interchange's status 05. The common case: a text report, no file, by a holder (a head of the unit,
// or the officer a delegation is for). A file, and a row changed since the read, go to the
// transactional path in report-progress.ts, which writes the same rows.
import { ACTOR_COLUMNS, actorOfRow, ORG_COLUMNS, type ActorColumns } from "../actors/actor-columns.ts";
import { randomUUID } from "node:crypto";
import { auditContentOf, auditInsertParams, auditInsertSql } from "../audit/append-audit-event.ts";
import { loadOrgCalendar } from "../calendar/load-org-calendar.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { acknowledgesMain, interchangeProgressSql } from "../interchange/enqueue-status.ts";
import { t } from "../messages/index.ts";
import { reminderPolicyOfText } from "../reminders/reminder-context.ts";
import { computeReminderState } from "../reminders/schedule-reminder.ts";
import { dateOfMs, epochMs, isoOrNull, hotRead, runSql, sqlList, type HotStatement } from "../store/direct-sql.ts";
import type { AssignmentRole, AssignmentStatus, Urgency } from "../store/generated/enums.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import { assignmentActionsFor, fromStatuses, requireAssignmentAction, type AssignmentAction, type AssignmentFacts } from "../workflow/state-machine.ts";
import { shownRef } from "./assignment-access.ts";
import { factsOfRow, ASSIGNMENT_RULE_COLUMNS, REMINDER_COLUMNS, PENDING_EXTENSION_COLUMN } from "./assignment-row.ts";

/** One row: the actor, their organisation's calendar zone and policy, and the assignment as the rules, the reminder and the report need it. */
type ProgressRow = ActorColumns & {
  orgTimeZone: string;
  orgPolicy: string;
  id: string | null;
  ref: string;
  status: string;
  role: string;
  unitId: string;
  unitOrgId: string;
  parentId: string | null;
  assigneeUserId: string | null;
  dueAt: number | null;
  sentAt: number;
  acknowledgedAt: number | null;
  isPaper: boolean;
  lastReminderAt: number | null;
  escalationLevel: number;
  urgency: string;
  authorId: string;
  parentStatus: string | null;
  hasPendingExtension: boolean;
};

const PROGRESS_READ = hotRead(
  "edoc_progress_read",
  {
    ...ACTOR_COLUMNS,
    ...ORG_COLUMNS,
    ...ASSIGNMENT_RULE_COLUMNS,
    ...REMINDER_COLUMNS,
    acknowledgedAt: epochMs('a."acknowledgedAt"'),
    authorId: 'dir."authorId"',
    hasPendingExtension: PENDING_EXTENSION_COLUMN,
  },
  `FROM "User" u
JOIN "Unit" au ON au."id" = u."unitId"
JOIN "Organization" o ON o."id" = u."orgId"
LEFT JOIN ("Assignment" a JOIN "Unit" un ON un."id" = a."unitId" JOIN "Document" d ON d."id" = a."documentId"
           JOIN "Directive" dir ON dir."id" = a."directiveId" LEFT JOIN "Assignment" pa ON pa."id" = a."parentId") ON a."id" = $2
WHERE u."id" = $1`,
);

// $1–$7: the assignment.progressReported event (auditInsertParams: at, orgId, actor, type,
// entityType, entityId, data). The compare-and-set is guarded by every value the rules, the reminder
// and the rows were computed from (the assignment's columns, its document's urgency, its directive's
// author, whether an extension request waits, its status: whether the report acknowledges it): a row
// changed since the read matches nothing, and the transactional path decides.
const PROGRESS_WRITE: HotStatement = {
  name: "edoc_progress_write",
  kind: "query",
  text: `
WITH upd AS (
  UPDATE "Assignment" AS a
  SET "status" = 'IN_PROGRESS', "acknowledgedAt" = COALESCE(a."acknowledgedAt", $1::timestamp(3)),
      "acknowledgedById" = CASE WHEN a."acknowledgedAt" IS NULL THEN $3 ELSE a."acknowledgedById" END,
      "nextReminderAt" = $10::timestamp(3), "reminderStep" = $11, "escalationLevel" = $12::int, "updatedAt" = $1::timestamp(3)
  WHERE a."id" = $6 AND a."status"::text IN (${sqlList(fromStatuses("progress"))}) AND a."unitId" = $13 AND a."parentId" IS NOT DISTINCT FROM $14
    AND a."assigneeUserId" IS NOT DISTINCT FROM $15 AND a."role"::text = $16 AND a."dueAt" IS NOT DISTINCT FROM $17::timestamp(3)
    AND a."sentAt" = $18::timestamp(3) AND a."acknowledgedAt" IS NOT DISTINCT FROM $19::timestamp(3) AND a."isPaper" = $20::boolean
    AND a."lastReminderAt" IS NOT DISTINCT FROM $21::timestamp(3) AND a."escalationLevel" = $22::int
    AND EXISTS (SELECT 1 FROM "Document" d WHERE d."id" = a."documentId" AND d."urgency"::text = $23)
    AND EXISTS (SELECT 1 FROM "Directive" dir WHERE dir."id" = a."directiveId" AND dir."authorId" = $24)
    AND EXISTS (SELECT 1 FROM "ExtensionRequest" x WHERE x."assignmentId" = a."id" AND x."status" = 'PENDING') = $25::boolean
    AND a."status"::text = $27
  RETURNING a."id", a."unitId", a."parentId", a."role", a."documentId"
),
report AS (
  INSERT INTO "Report" ("id","assignmentId","kind","text","authorId","createdAt")
  SELECT $8, upd."id", 'PROGRESS', $9, $3, $1::timestamp(3) FROM upd
),
event AS (
  ${auditInsertSql((n) => `$${n}`, "upd")}
),
-- Who hears of it (as report-progress.ts): delegated work, the unit's active heads; the unit's main
-- assignment, the leader who directed it; never the reporter.
audience AS (
  SELECT h."id" AS "userId" FROM upd JOIN "User" h ON h."unitId" = upd."unitId"
  WHERE upd."parentId" IS NOT NULL AND h."active" AND 'UNIT_HEAD' = ANY (h."roles") AND h."id" <> $3
  UNION ALL
  SELECT $24::text FROM upd WHERE upd."parentId" IS NULL AND upd."role" = 'MAIN' AND $24::text <> $3::text
),
outbox AS (
  INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt")
  SELECT gen_random_uuid()::text, 'rep:' || $8::text || ':' || audience."userId", audience."userId", 'assignment.progress', $26::jsonb, 'NORMAL', $1::timestamp(3), $1::timestamp(3)
  FROM audience
  ON CONFLICT DO NOTHING
),
-- Straight from ASSIGNED, the report acknowledges the unit's main assignment: a document from the
-- interchange tells its sender the main unit is at work (status 05; ../interchange/enqueue-status.ts).
ix AS (
  ${interchangeProgressSql("05", { source: "upd", documentId: 'upd."documentId"', description: "$28", at: "$1::timestamp(3)", where: `$29::boolean AND upd."role" = 'MAIN'` })}
)
SELECT (SELECT count(*) FROM upd)::int AS "reported"`,
};

export type ProgressDirectInput = { actorUserId: string; assignmentId: string; text: string };

/**
 * A progress report without a file in one read and one statement. Refuses as the transactional path
 * does (unknown actor, unknown assignment, not the holder, wrong state, for information only);
 * returns null, having written nothing, when a row changed between the read and the write (the
 * transactional path then re-reads it and decides).
 */
export const reportProgressDirect = async (deps: CoreDeps, input: ProgressDirectInput): Promise<(ActionOutcome<AssignmentAction> & { reportId: string }) | null> => {
  const { rows } = await runSql<ProgressRow>(deps.prisma, PROGRESS_READ, [input.actorUserId, input.assignmentId]);
  const { row: r, actor } = actorOfRow(rows[0]);
  if (r.id === null || r.unitOrgId !== actor.orgId) throw new DomainError("ASSIGNMENT_NOT_FOUND", "assignment.notFound");
  const dueAt = dateOfMs(r.dueAt);
  const sentAt = new Date(r.sentAt);
  const acknowledgedAt = dateOfMs(r.acknowledgedAt);
  const lastReminderAt = dateOfMs(r.lastReminderAt);
  const facts = factsOfRow(r, { dueAt: dueAt, hasPendingExtension: r.hasPendingExtension === true });
  requireAssignmentAction(actor, facts, "progress", shownRef(deps, r.ref));

  const now = deps.clock.now();
  const calendar = await loadOrgCalendar(deps, { zone: r.orgTimeZone });
  const state = computeReminderState({
    assignment: {
      status: "IN_PROGRESS",
      role: facts.role,
      urgency: r.urgency as Urgency,
      sentAt,
      acknowledgedAt: acknowledgedAt ?? now,
      dueAt,
      isPaper: r.isPaper,
      lastReminderAt,
      escalationLevel: r.escalationLevel,
    },
    calendar,
    policy: reminderPolicyOfText(r.orgPolicy),
    now,
  });
  const reportId = randomUUID();
  const audit = auditInsertParams(
    auditContentOf({
      type: "assignment.progressReported",
      at: now,
      orgId: actor.orgId,
      actorUserId: actor.id,
      entityType: "Assignment",
      entityId: r.id,
      data: { reportId, sha256: null },
    }),
  );
  const { rows: written } = await runSql<{ reported: number }>(deps.prisma, PROGRESS_WRITE, [
    ...audit,
    reportId,
    input.text,
    isoOrNull(state.nextReminderAt),
    state.reminderStep,
    state.escalationLevel,
    r.unitId,
    r.parentId,
    r.assigneeUserId,
    r.role,
    isoOrNull(dueAt),
    sentAt.toISOString(),
    isoOrNull(acknowledgedAt),
    r.isPaper,
    isoOrNull(lastReminderAt),
    r.escalationLevel,
    r.urgency,
    r.authorId,
    facts.hasPendingExtension,
    JSON.stringify({ assignmentId: r.id, reportId }),
    r.status,
    t("vi", "interchange.status.05"),
    acknowledgesMain(r),
  ]);
  if (Number(written[0]?.reported ?? 0) !== 1) return null;
  deps.auditCheckpoint?.afterCommit();
  return { id: r.id, ref: r.ref, actions: assignmentActionsFor(actor, { ...facts, status: "IN_PROGRESS" }), reportId };
};

/** The two statements, by name (tests watch for them to tell the direct path from the transactional one). */
export const PROGRESS_STATEMENTS = { read: PROGRESS_READ, write: PROGRESS_WRITE } as const;
