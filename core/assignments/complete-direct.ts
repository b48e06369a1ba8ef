// The completion at the database's speed (issue 23): one joined read of what the rules need, then one
// statement that does the compare-and-set, the report, the audit events, the leader's outbox row, the
// document's status and the interchange's status 06 (after 05 when straight from ASSIGNED). The common
// case only: a unit head completing the unit's own assignment with a text report, nothing else to
// close. Everything else (a file, delegated work, a pending extension request, an open delegation
// under it, a row changed since the read) goes to the transactional path in complete-assignment.ts,
// which writes the same rows.
import { ACTOR_COLUMNS, actorOfRow, type ActorColumns } from "../actors/actor-columns.ts";
import { randomUUID } from "node:crypto";
import { auditContentOf, auditInsertParams, auditInsertSql } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { DomainError } from "../errors.ts";
import { acknowledgesMain, interchangeProgressSql } from "../interchange/enqueue-status.ts";
import { t } from "../messages/index.ts";
import type { AssignmentRole, AssignmentStatus } from "../store/generated/enums.ts";
import { epochMs, isoOrNull, hotRead, runSql, sqlList, type HotStatement } from "../store/direct-sql.ts";
import type { ActionOutcome } from "../workflow/actions.ts";
import {
  DOCUMENT_TRANSITIONS,
  EXTENSION_TRANSITIONS,
  OPEN_STATUSES,
  assignmentActionsFor,
  fromStatuses,
  requireAssignmentAction,
  type AssignmentAction,
  type AssignmentFacts,
} from "../workflow/state-machine.ts";
import { shownRef } from "./assignment-access.ts";
import { factsOfRow, ASSIGNMENT_RULE_COLUMNS } from "./assignment-row.ts";

/** One row: the actor, their unit, and the assignment as the rules and the completion need it. */
type CompleteRow = ActorColumns & {
  id: string | null;
  ref: string;
  status: string;
  role: string;
  unitId: string;
  unitOrgId: string;
  parentId: string | null;
  assigneeUserId: string | null;
  dueAt: number | null;
  documentId: string;
  documentRef: string;
  authorId: string;
  parentStatus: string | null;
  pendingExtension: boolean;
  openDelegation: boolean;
};

const OPEN = sqlList(OPEN_STATUSES);
const CLOSABLE_EXTENSION = sqlList(EXTENSION_TRANSITIONS.close.from);

const COMPLETE_READ = hotRead(
  "edoc_complete_read",
  {
    ...ACTOR_COLUMNS,
    ...ASSIGNMENT_RULE_COLUMNS,
    documentId: 'a."documentId"',
    documentRef: 'd."ref"',
    authorId: 'dir."authorId"',
    pendingExtension: `EXISTS (SELECT 1 FROM "ExtensionRequest" e WHERE e."assignmentId" = a."id" AND e."status"::text IN (${CLOSABLE_EXTENSION}))`,
    openDelegation: `EXISTS (SELECT 1 FROM "Assignment" c WHERE c."parentId" = a."id" AND c."status"::text IN (${OPEN}))`,
  },
  `FROM "User" u
JOIN "Unit" au ON au."id" = u."unitId"
LEFT JOIN ("Assignment" a JOIN "Unit" un ON un."id" = a."unitId" JOIN "Document" d ON d."id" = a."documentId"
           JOIN "Directive" dir ON dir."id" = a."directiveId" LEFT JOIN "Assignment" pa ON pa."id" = a."parentId") ON a."id" = $2
WHERE u."id" = $1`,
);

// $1–$7: the assignment.completed event (auditInsertParams: at, orgId, actor, type, entityType,
// entityId, data); $19–$25: the document.done event. The compare-and-set is guarded by every value
// the rules and the rows were computed from (the status too: whether the completion acknowledges it),
// and by nothing left to close (no pending request, no open delegation): a row changed since the read
// matches nothing, and the transactional path decides.
// document.done is selected from the first event's RETURNING, so it takes the later `seq` as it does
// on the transactional path.
const COMPLETE_WRITE: HotStatement = {
  name: "edoc_complete_write",
  kind: "query",
  text: `
WITH upd AS (
  UPDATE "Assignment" AS a
  SET "status" = 'COMPLETED', "completedAt" = $1::timestamp(3), "completedById" = $3, "nextReminderAt" = NULL, "reminderStep" = NULL,
      "acknowledgedAt" = COALESCE(a."acknowledgedAt", $1::timestamp(3)),
      "acknowledgedById" = CASE WHEN a."acknowledgedAt" IS NULL THEN $3 ELSE a."acknowledgedById" END,
      "updatedAt" = $1::timestamp(3)
  WHERE a."id" = $6 AND a."status"::text IN (${sqlList(fromStatuses("complete"))}) AND a."parentId" IS NULL AND a."unitId" = $10
    AND a."assigneeUserId" IS NOT DISTINCT FROM $11 AND a."role"::text = $12 AND a."dueAt" IS NOT DISTINCT FROM $13::timestamp(3)
    AND EXISTS (SELECT 1 FROM "Directive" dir WHERE dir."id" = a."directiveId" AND dir."authorId" = $14)
    AND NOT EXISTS (SELECT 1 FROM "ExtensionRequest" e WHERE e."assignmentId" = a."id" AND e."status"::text IN (${CLOSABLE_EXTENSION}))
    AND NOT EXISTS (SELECT 1 FROM "Assignment" c WHERE c."parentId" = a."id" AND c."status"::text IN (${OPEN}))
    AND a."status"::text = $26
  RETURNING a."id", a."role", a."documentId"
),
report AS (
  INSERT INTO "Report" ("id","assignmentId","kind","text","authorId","createdAt")
  SELECT $8, upd."id", 'COMPLETION', $9, $3, $1::timestamp(3) FROM upd
),
completed_event AS (
  ${auditInsertSql((n) => `$${n}`, "upd")}
  RETURNING "seq"
),
-- The main assignment closes its document (DOCUMENT_TRANSITIONS.complete).
doc AS (
  UPDATE "Document" AS d SET "status" = '${DOCUMENT_TRANSITIONS.complete.to}', "updatedAt" = $1::timestamp(3)
  FROM upd
  WHERE upd."role" = 'MAIN' AND d."id" = upd."documentId" AND d."status"::text IN (${sqlList(DOCUMENT_TRANSITIONS.complete.from)})
  RETURNING d."id"
),
done_event AS (
  ${auditInsertSql((n) => `$${n + 18}`, "completed_event, doc")}
),
-- The leader who directed it is told (not when that is the actor).
outbox AS (
  INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt")
  SELECT gen_random_uuid()::text, $16, $15, 'assignment.completed', $17::jsonb, 'NORMAL', $1::timestamp(3), $1::timestamp(3)
  FROM upd WHERE $15::text IS NOT NULL
  ON CONFLICT DO NOTHING
),
-- A document from the interchange: its sender hears the main unit is at work (status 05) when the
-- completion also acknowledges the assignment (straight from ASSIGNED), as the acknowledgement does ...
ix05 AS (
  ${interchangeProgressSql("05", { source: "upd", documentId: 'upd."documentId"', description: "$27", at: "$1::timestamp(3)", where: `$28::boolean AND upd."role" = 'MAIN'` })}
  RETURNING "seq"
),
-- ... and that the handling is complete (status 06; ../interchange/enqueue-status.ts), selected after
-- 05's RETURNING so that it takes the later "seq" (the order the sender gets them in).
ix AS (
  ${interchangeProgressSql("06", {
    source: `upd CROSS JOIN (SELECT count(*) FROM ix05) AS "after05"`,
    documentId: 'upd."documentId"',
    description: "$18",
    at: "$1::timestamp(3)",
    where: `upd."role" = 'MAIN'`,
  })}
)
SELECT (SELECT count(*) FROM upd)::int AS "completed", (SELECT count(*) FROM doc)::int AS "documentDone"`,
};

export type CompleteDirectInput = { actorUserId: string; assignmentId: string; text: string };

/**
 * A completion without a file in one read and one statement. Refuses as the transactional path does
 * (unknown actor, unknown assignment, not the holder, wrong state); returns null, having written
 * nothing, when the transactional path must do it (delegated work, a pending extension request, an
 * open delegation under it, or a row that changed between the read and the write).
 */
export const completeDirect = async (
  deps: CoreDeps,
  input: CompleteDirectInput,
): Promise<(ActionOutcome<AssignmentAction> & { reportId: string; documentDone: boolean }) | null> => {
  const { rows } = await runSql<CompleteRow>(deps.prisma, COMPLETE_READ, [input.actorUserId, input.assignmentId]);
  const { row: r, actor } = actorOfRow(rows[0]);
  if (r.id === null || r.unitOrgId !== actor.orgId) throw new DomainError("ASSIGNMENT_NOT_FOUND", "assignment.notFound");
  const dueAt = r.dueAt === null ? null : new Date(r.dueAt);
  const facts = factsOfRow(r, { dueAt: dueAt, hasPendingExtension: r.pendingExtension });
  requireAssignmentAction(actor, facts, "complete", shownRef(deps, r.ref));
  if (r.parentId !== null || r.pendingExtension || r.openDelegation) return null;

  const now = deps.clock.now();
  const reportId = randomUUID();
  const event = (type: "assignment.completed" | "document.done", entityType: string, entityId: string, data: Record<string, unknown>) =>
    auditInsertParams(auditContentOf({ type, at: now, orgId: actor.orgId, actorUserId: actor.id, entityType, entityId, data }));
  const told = r.authorId !== actor.id ? r.authorId : null;
  const { rows: written } = await runSql<{ completed: number; documentDone: number }>(deps.prisma, COMPLETE_WRITE, [
    ...event("assignment.completed", "Assignment", r.id, { ref: r.ref, reportId, sha256: null, late: dueAt ? now > dueAt : false }),
    reportId,
    input.text,
    r.unitId,
    r.assigneeUserId,
    r.role,
    isoOrNull(dueAt),
    r.authorId,
    told,
    told === null ? null : `rep:${reportId}:${told}`,
    JSON.stringify({ assignmentId: r.id, reportId }),
    t("vi", "interchange.status.06", { unit: "" }),
    ...event("document.done", "Document", r.documentId, { ref: r.documentRef }),
    r.status,
    t("vi", "interchange.status.05"),
    acknowledgesMain(r),
  ]);
  if (Number(written[0]?.completed ?? 0) !== 1) return null;
  deps.auditCheckpoint?.afterCommit();
  // As the transactional path answers: the assignment, the actions left to the actor (none), the report.
  const actions = assignmentActionsFor(actor, { ...facts, status: "COMPLETED", hasPendingExtension: false });
  return { id: r.id, ref: r.ref, actions, reportId, documentDone: Number(written[0]!.documentDone) === 1 };
};

/** The two statements, by name (tests watch for them to tell the direct path from the transactional one). */
export const COMPLETE_STATEMENTS = { read: COMPLETE_READ, write: COMPLETE_WRITE } as const;
