// A directive at the database's speed (issue 23): one joined read of what the rules need (the actor,
// their organisation's zone and policy, the document, the units named with their heads, the office's
// monitors), then one statement that writes everything: the document's ASSIGNED (a compare-and-set on
// the row as read), the directive, one assignment per unit with its first reminder, the events, the
// outbox rows and the interchange's status 04. Every per-row value (ids, refs, deadlines, reminder
// times, recipients) is worked out here by the functions the transactional path uses, and sent as
// arrays. The common case only: a leader directing in their own name a document that has no directive
// yet. A clerk entering a leader's directive, a correction that supersedes the directive in force,
// and a document changed since the read go to the transactional path in issue-directive.ts, which
// writes the same rows.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { ACTOR_COLUMNS, actorOfRow, ORG_COLUMNS, type ActorColumns } from "../actors/actor-columns.ts";
import { auditContentOf, auditInsertParams, auditInsertSql } from "../audit/append-audit-event.ts";
import { loadOrgCalendar } from "../calendar/load-org-calendar.ts";
import type { CoreDeps } from "../deps.ts";
import { interchangeProgressSql } from "../interchange/enqueue-status.ts";
import { t } from "../messages/index.ts";
import { reminderPolicyOfText } from "../reminders/reminder-context.ts";
import { epochMs, isoOrNull, hotRead, runSql, sqlList, type HotStatement } from "../store/direct-sql.ts";
import type { DocumentStatus, Secrecy, Urgency } from "../store/generated/enums.ts";
import { DOCUMENT_TRANSITIONS } from "../workflow/state-machine.ts";
import {
  actorAsAuthor,
  assignmentCreatedEvent,
  directiveEvent,
  newAssignmentOf,
  newAssignmentOutbox,
  planFromFacts,
  wantedUnits,
  type IssueDirectiveResult,
  type ZIssueDirectiveInput,
} from "./plan-directive.ts";

type UnitRow = { id: string; code: string; name: string; active: boolean; hasAccount: boolean; heads: string[] };

/** One row: the actor, the organisation, the document (null columns when it is not the actor's organisation's), the units named. */
type IssueRow = ActorColumns & {
  orgTimeZone: string;
  orgPolicy: string;
  docId: string | null;
  docRef: string;
  docDirection: string;
  docSecrecy: string;
  docStatus: string;
  docUrgency: string;
  docRequestedDue: number | null;
  docVersion: number;
  docHasScan: boolean;
  docDirected: boolean;
  units: UnitRow[] | string;
  monitors: string[] | string;
};

// $1 the actor, $2 the document, $3 the unit codes named. Units are matched by code in any case (as
// Prisma's `mode: "insensitive"` does); heads and monitors are active users with the role, by id.
const ISSUE_READ = hotRead(
  "edoc_issue_read",
  {
    ...ACTOR_COLUMNS,
    ...ORG_COLUMNS,
    docId: 'd."id"',
    docRef: 'd."ref"',
    docDirection: 'd."direction"::text',
    docSecrecy: 'd."secrecy"::text',
    docStatus: 'd."status"::text',
    docUrgency: 'd."urgency"::text',
    docRequestedDue: epochMs('d."requestedDueDate"'),
    docVersion: epochMs('d."updatedAt"'),
    docHasScan: `(NOT d."isPaperOnly" AND EXISTS (SELECT 1 FROM "StoredFile" f WHERE f."documentId" = d."id" AND f."kind" = 'ORIGINAL'))`,
    docDirected: `EXISTS (SELECT 1 FROM "Directive" dir WHERE dir."documentId" = d."id")`,
    units: `(SELECT coalesce(json_agg(json_build_object('id', un."id", 'code', un."code", 'name', un."name", 'active', un."active", 'hasAccount', un."hasAccount",
               'heads', (SELECT coalesce(json_agg(h."id" ORDER BY h."id"), '[]'::json) FROM "User" h WHERE h."unitId" = un."id" AND h."active" AND 'UNIT_HEAD' = ANY (h."roles")))), '[]'::json)::text
        FROM "Unit" un WHERE un."orgId" = u."orgId" AND lower(un."code") IN (SELECT lower(c) FROM unnest($3::text[]) AS c))`,
    monitors: `(SELECT coalesce(json_agg(m."id" ORDER BY m."id"), '[]'::json)::text FROM "User" m WHERE m."orgId" = u."orgId" AND m."active" AND 'MONITOR' = ANY (m."roles"))`,
  },
  `FROM "User" u
JOIN "Unit" au ON au."id" = u."unitId"
JOIN "Organization" o ON o."id" = u."orgId"
LEFT JOIN "Document" d ON d."id" = $2 AND d."orgId" = u."orgId"
WHERE u."id" = $1`,
);

// $1 now; $2–$6 the document's compare-and-set (id, updatedAt as read, urgency, ref) and the main
// unit's deadline; $7–$10 the directive; $11–$18 the assignments, one array per column; $19–$25 the
// assignment.created events (auditInsertParams' columns, entityId and data as arrays); $26–$32 the
// directive.issued event; $33–$36 the outbox rows; $37 the interchange status' description; $38 the
// document's status as read.
// The document's row guards the whole: it is updated only if nothing changed it since the read and
// no directive is on it, and only if the units are still active with the accounts read; everything
// else is selected from it, so a document changed meanwhile gets nothing written and the
// transactional path decides. A concurrent directive on the same document waits for the row and
// then finds its status and `updatedAt` changed. The created events and the outbox rows take their `seq` in the
// plan's order; directive.issued is selected after all the created events, so it takes the last `seq`
// as on the transactional path.
const createdEventCol = (n: number): string => (n === 6 ? `ev."entityId"` : n === 7 ? `ev."data"` : `$${n + 18}`);
const ISSUE_WRITE: HotStatement = {
  name: "edoc_issue_write",
  kind: "query",
  text: `
WITH doc AS (
  UPDATE "Document" AS d SET "status" = '${DOCUMENT_TRANSITIONS.direct.to}', "dueAt" = $6::timestamp(3), "updatedAt" = $1::timestamp(3)
  WHERE d."id" = $2 AND d."updatedAt" = $3::timestamp(3) AND d."status"::text = $38 AND d."status"::text IN (${sqlList(DOCUMENT_TRANSITIONS.direct.from)})
    AND d."urgency"::text = $4 AND d."ref" = $5
    AND NOT EXISTS (SELECT 1 FROM "Directive" x WHERE x."documentId" = d."id")
    AND (SELECT count(*) FROM "Unit" un JOIN unnest($12::text[], $16::boolean[]) AS w("id", "isPaper") ON un."id" = w."id"
         WHERE un."active" AND un."hasAccount" = NOT w."isPaper") = cardinality($12::text[])
  RETURNING d."id"
),
directive AS (
  INSERT INTO "Directive" ("id","documentId","authorId","enteredById","text","supersedesId","createdAt")
  SELECT $7, doc."id", $8, $9, $10, NULL, $1::timestamp(3) FROM doc
  RETURNING "id"
),
asg AS (
  INSERT INTO "Assignment" ("id","directiveId","documentId","unitId","role","ref","dueAt","originalDueAt","isPaper","sentAt","createdAt","updatedAt","nextReminderAt","reminderStep")
  SELECT w."id", directive."id", $2, w."unitId", w."role"::"AssignmentRole", w."ref", w."dueAt"::timestamp(3), w."dueAt"::timestamp(3), w."isPaper",
         $1::timestamp(3), $1::timestamp(3), $1::timestamp(3), w."nextReminderAt"::timestamp(3), w."reminderStep"
  FROM directive, unnest($11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::boolean[], $17::text[], $18::text[])
       AS w("id","unitId","role","ref","dueAt","isPaper","nextReminderAt","reminderStep")
),
created_events AS (
  ${auditInsertSql(createdEventCol, `(SELECT e."entityId", e."data" FROM doc, unnest($24::text[], $25::text[]) WITH ORDINALITY AS e("entityId","data","ord") ORDER BY e."ord") AS ev`)}
  RETURNING "seq"
),
issued_event AS (
  ${auditInsertSql((n) => `$${n + 25}`, `doc, (SELECT count(*) FROM created_events) AS created`)}
),
outbox AS (
  INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt")
  SELECT gen_random_uuid()::text, o."dedupeKey", o."userId", o."kind", o."payload"::jsonb, $4::"Urgency", $1::timestamp(3), $1::timestamp(3)
  FROM (SELECT m.* FROM doc, unnest($33::text[], $34::text[], $35::text[], $36::text[]) WITH ORDINALITY AS m("userId","kind","payload","dedupeKey","ord") ORDER BY m."ord") AS o
  ON CONFLICT DO NOTHING
),
-- A document from the interchange: its sender hears it was assigned (status 04; ../interchange/enqueue-status.ts).
ix AS (
  ${interchangeProgressSql("04", { source: "doc", documentId: 'doc."id"', description: "$37", at: "$1::timestamp(3)" })}
)
SELECT (SELECT count(*) FROM doc)::int AS "issued"`,
};

/** json_agg sent as text (drivers differ in how they parse json): parsed here. */
const parsed = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

/**
 * A leader's directive on a document without one, in one read and one statement. Refuses as the
 * transactional path does (the same planning, on what the read returned); returns null, having written
 * nothing, when the transactional path must do it (the document has a directive, or it or the units
 * changed between the read and the write). `hasScan`: the document's copy must be re-stamped.
 */
export const issueDirect = async (deps: CoreDeps, input: z.output<typeof ZIssueDirectiveInput>): Promise<{ result: IssueDirectiveResult; hasScan: boolean } | null> => {
  if (input.onBehalfOfUserCode) return null;
  const wanted = wantedUnits(input);
  const { rows } = await runSql<IssueRow>(deps.prisma, ISSUE_READ, [input.actorUserId, input.documentId, wanted.map((w) => w.code)]);
  const { row: r, actor } = actorOfRow(rows[0]);
  const author = actorAsAuthor(actor);
  if (r.docDirected) return null;
  const units = parsed(r.units);
  const calendar = await loadOrgCalendar(deps, { zone: r.orgTimeZone });
  const policy = reminderPolicyOfText(r.orgPolicy);
  const doc =
    r.docId === null
      ? null
      : {
          id: r.docId,
          ref: r.docRef,
          direction: r.docDirection,
          secrecy: r.docSecrecy as Secrecy,
          status: r.docStatus as DocumentStatus,
          requestedDueDate: r.docRequestedDue === null ? null : new Date(r.docRequestedDue),
        };
  const plan = planFromFacts(actor, input, { author, doc, units, calendar, zone: r.orgTimeZone, now: deps.clock.now(), currentDirectiveId: null });

  const now = deps.clock.now();
  const urgency = r.docUrgency as Urgency;
  const directiveId = randomUUID();
  const headsOf = new Map(units.map((u) => [u.id, u.heads]));
  const monitors = parsed(r.monitors);
  const created = plan.assignments.map((a) => {
    const { ref, reminder } = newAssignmentOf(a, { documentRef: r.docRef, urgency, now, calendar, policy });
    return { ...a, assignmentId: randomUUID(), ref, reminder };
  });
  const ctx = { now, orgId: actor.orgId, actorUserId: actor.id };
  const createdEvents = created.map((a) => auditContentOf(assignmentCreatedEvent(a, ctx)));
  const outbox = created.flatMap((a) => newAssignmentOutbox(a, a.isPaper ? monitors : (headsOf.get(a.unitId) ?? []), { actorUserId: actor.id, urgency }));
  const main = plan.assignments.find((a) => a.role === "MAIN")!;

  const { rows: written } = await runSql<{ issued: number }>(deps.prisma, ISSUE_WRITE, [
    now.toISOString(),
    plan.documentId,
    new Date(r.docVersion).toISOString(),
    urgency,
    r.docRef,
    isoOrNull(main.dueAt),
    directiveId,
    plan.authorId,
    plan.enteredById,
    plan.text,
    created.map((a) => a.assignmentId),
    created.map((a) => a.unitId),
    created.map((a) => a.role),
    created.map((a) => a.ref),
    created.map((a) => isoOrNull(a.dueAt)),
    created.map((a) => a.isPaper),
    created.map((a) => isoOrNull(a.reminder?.at ?? null)),
    created.map((a) => a.reminder?.step ?? null),
    // The created events: auditInsertParams' columns 1–5 (the same for all), 6–7 per event.
    ...auditInsertParams(createdEvents[0]!).slice(0, 5),
    createdEvents.map((e) => e.entityId),
    createdEvents.map((e) => JSON.stringify(e.data)),
    ...auditInsertParams(auditContentOf(directiveEvent(plan, directiveId, ctx))),
    outbox.map((o) => o.userId),
    outbox.map((o) => o.kind),
    outbox.map((o) => JSON.stringify(o.payload)),
    outbox.map((o) => o.dedupeKey),
    t("vi", "interchange.status.04", { unit: main.unitName }),
    r.docStatus,
  ]);
  if (Number(written[0]?.issued ?? 0) !== 1) return null;
  deps.auditCheckpoint?.afterCommit();
  return {
    result: { ...plan, directiveId, assignments: created.map(({ reminder: _, ...a }) => a) },
    hasScan: r.docHasScan,
  };
};

/** The two statements, by name (tests watch for them to tell the direct path from the transactional one). */
export const ISSUE_STATEMENTS = { read: ISSUE_READ, write: ISSUE_WRITE } as const;
