// The registration of an incoming document at the database's speed (issue 23): one joined read (the
// actor, their unit, the organisation's time zone, the leaders to tell, the same-number duplicates),
// with a scan one more read (the same-file duplicates, once the file's hash is known), then one
// statement that takes the number from the year's counter and writes the document, its original,
// the audit events and the leaders' outbox rows. The statement is one implicit transaction: the
// counter's row stays locked until it commits, so concurrent registrations queue on it as they do on
// the transactional path (numbers consecutive, no duplicates), and a failed statement gives its
// number back. register-incoming-document.ts decides which path runs and builds what both write.
import { ACTOR_COLUMNS, actorOfRow, type ActorColumns } from "../actors/actor-columns.ts";
import type { Actor } from "../actors/actor.ts";
import { auditContentOf, auditInsertParams, auditInsertSql } from "../audit/append-audit-event.ts";
import type { CoreDeps } from "../deps.ts";
import { hotRead, runSql, type HotStatement } from "../store/direct-sql.ts";

/** A document a duplicate check found. */
export type FoundDocument = { id: string; ref: string };
/** A leader to ask for direction, as `sentTo` names them. */
export type Leader = { id: string; name: string; title: string | null };
/** What the same-number check looks for (both paths); null: no check. */
export type SameNumberQuery = { issuer: string; codeNumber: string; codeNotation: string | null; issuedDate: string | null };

type RegisterRow = ActorColumns & { orgTimeZone: string; leaders: string; sameNumber: string };

// The same-number check, on both paths (the joined read here, findDuplicates through SAME_NUMBER_READ):
// the issuer compared case-insensitively, the first five by id. lower() = lower() is what ILIKE (Prisma's
// `mode: "insensitive"`, used before) does with a pattern free of wildcards, but it takes %, _ and \ in
// an issuer as themselves (ILIKE matched other issuers with them, missed the same issuer with a
// backslash and failed on a trailing one), and the index on ("orgId", lower("issuer"), "codeNumber",
// "issuedDate") serves it. With ILIKE no index could: each registration read every document of its
// organisation (5.8 of its 6.1 ms of PostgreSQL CPU with 5,000 documents; BENCHMARKS.md, issue 23).
// $2–$5: issuer, số, ký hiệu, date (YYYY-MM-DD); no check without a số.
const sameNumberWhere = (orgId: string) =>
  `$3::text IS NOT NULL AND d."orgId" = ${orgId} AND d."direction" = 'IN' AND lower(d."issuer") = lower($2::text) AND d."codeNumber" = $3::text
              AND d."codeNotation" IS NOT DISTINCT FROM $4::text AND ($5::date IS NULL OR d."issuedDate" = $5::date)`;

const REGISTER_READ = hotRead(
  "edoc_register_read",
  {
    ...ACTOR_COLUMNS,
    orgTimeZone: 'o."timeZone"',
    leaders: `(SELECT COALESCE(json_agg(json_build_object('id', l."id", 'name', l."name", 'title', l."title") ORDER BY l."name"), '[]')::text
      FROM "User" l WHERE l."orgId" = u."orgId" AND l."active" AND 'LEADER' = ANY (l."roles"))`,
    sameNumber: `(SELECT COALESCE(json_agg(json_build_object('id', s."id", 'ref', s."ref") ORDER BY s."id"), '[]')::text
      FROM (SELECT d."id", d."ref" FROM "Document" d
            WHERE ${sameNumberWhere('u."orgId"')}
            ORDER BY d."id" LIMIT 5) s)`,
  },
  `FROM "User" u
JOIN "Unit" au ON au."id" = u."unitId"
JOIN "Organization" o ON o."id" = u."orgId"
WHERE u."id" = $1`,
);

// The same-number check alone ($1: the organisation), for findDuplicates.
const SAME_NUMBER_READ: HotStatement = {
  name: "edoc_register_same_number",
  kind: "query",
  text: `
SELECT d."id", d."ref" FROM "Document" d
WHERE ${sameNumberWhere("$1::text")}
ORDER BY d."id" LIMIT 5`,
};

// The same-file check (a scan only): documents of the organisation whose original has this hash.
const SAME_FILE_READ: HotStatement = {
  name: "edoc_register_same_file",
  kind: "query",
  text: `
SELECT d."id", d."ref" FROM "StoredFile" f JOIN "Document" d ON d."id" = f."documentId"
WHERE f."sha256" = $1 AND f."kind" = 'ORIGINAL' AND d."orgId" = $2 AND d."direction" = 'IN'
ORDER BY f."id" LIMIT 5`,
};

// $1–$7: the document.registered event (auditInsertParams: at, orgId, actor, type, entityType,
// entityId = the document's id, data without ref and number, added here from the counter);
// $31–$37: the document.duplicateWarned event, written when $38. The ref, the search text and the
// original's file name are made from the number the counter returns, as documentRef, documentSearchText
// and the transactional path make them. The second event is selected from the first's RETURNING, so
// it takes the later `seq` as it does on the transactional path.
const REGISTER_WRITE: HotStatement = {
  name: "edoc_register_write",
  kind: "query",
  text: `
WITH counter AS (
  INSERT INTO "RegisterCounter" ("orgId", "book", "year", "last") VALUES ($2, $8, $9::int, 1)
  ON CONFLICT ("orgId", "book", "year") DO UPDATE SET "last" = "RegisterCounter"."last" + 1
  RETURNING "last"
),
doc AS (
  INSERT INTO "Document" ("id","orgId","direction","registerBook","registerYear","registerNumber","ref","docType","codeNumber","codeNotation","issuer","issuedDate",
                          "subject","pageCount","description","arrivalAt","signerName","signerTitle","urgency","secrecy","isPaperOnly","toPlaces","issuerOrganId",
                          "requestedDueDate","createdById","searchText","createdAt","updatedAt")
  SELECT $6, $2, 'IN', $8, $9::int, c."last", r."ref", $11, $12, $13, $14, $15::date,
         $16, $17::int, $18, $1::timestamp(3), $19, $20, $21::"Urgency", $22::"Secrecy", $23::boolean, $24, $25,
         $26::date, $3, concat_ws(' ', lower(r."ref"), NULLIF($27::text, '')), $1::timestamp(3), $1::timestamp(3)
  FROM counter c CROSS JOIN LATERAL (SELECT $10::text || c."last"::text || '/' || $9::int::text AS "ref") r
  RETURNING "id", "ref", "registerNumber"
),
original AS (
  INSERT INTO "StoredFile" ("id","sha256","size","mime","kind","fileName","pageCount","documentId","createdAt")
  SELECT gen_random_uuid()::text, $28::text, $29::int, 'application/pdf', 'ORIGINAL', replace(doc."ref", '/', '-') || '.pdf', $30::int, doc."id", $1::timestamp(3)
  FROM doc WHERE $28::text IS NOT NULL
),
registered_event AS (
  ${auditInsertSql((n) => (n === 7 ? `($7::jsonb || jsonb_build_object('ref', doc."ref", 'number', doc."registerNumber"))` : `$${n}`), "doc")}
  RETURNING "seq"
),
warned AS (SELECT 1 AS "one" FROM registered_event WHERE $38::boolean),
warned_event AS (
  ${auditInsertSql((n) => `$${n + 30}`, "warned")}
),
-- The leaders asked to direct it, in the order given (by name), each once.
outbox AS (
  INSERT INTO "OutboxMessage" ("id","dedupeKey","userId","kind","payload","urgency","nextAttemptAt","createdAt")
  SELECT gen_random_uuid()::text, 'doc:' || doc."id" || ':toDirect:' || l."id", l."id", 'document.toDirect', jsonb_build_object('documentId', doc."id"),
         $21::"Urgency", $1::timestamp(3), $1::timestamp(3)
  FROM doc CROSS JOIN json_array_elements_text($39::json) WITH ORDINALITY AS l("id", "ord")
  ORDER BY l."ord"
  ON CONFLICT DO NOTHING
)
SELECT "registerNumber" AS "number", "ref" FROM doc`,
};

/**
 * The joined read: the actor (ACTOR_UNKNOWN as `loadActor` when unknown or inactive), the
 * organisation's time zone, its active leaders by name, and the documents `sameNumber` finds.
 */
export const readRegistration = async (
  deps: CoreDeps,
  actorUserId: string,
  sameNumber: SameNumberQuery | null,
): Promise<{ actor: Actor; timeZone: string; leaders: Leader[]; sameNumber: FoundDocument[] }> => {
  const { rows } = await runSql<RegisterRow>(deps.prisma, REGISTER_READ, [
    actorUserId,
    sameNumber?.issuer ?? null,
    sameNumber?.codeNumber ?? null,
    sameNumber?.codeNotation ?? null,
    sameNumber?.issuedDate ?? null,
  ]);
  const { row: r, actor } = actorOfRow(rows[0]);
  return { actor, timeZone: r.orgTimeZone, leaders: JSON.parse(r.leaders) as Leader[], sameNumber: JSON.parse(r.sameNumber) as FoundDocument[] };
};

/** The organisation's incoming documents `query` finds (at most five, by id), as the joined read finds them. */
export const readSameNumber = async (deps: CoreDeps, orgId: string, query: SameNumberQuery): Promise<FoundDocument[]> =>
  (await runSql<FoundDocument>(deps.prisma, SAME_NUMBER_READ, [orgId, query.issuer, query.codeNumber, query.codeNotation, query.issuedDate])).rows;

/** The organisation's incoming documents whose original has this hash (at most five). */
export const readSameFile = async (deps: CoreDeps, orgId: string, sha256: string): Promise<FoundDocument[]> =>
  (await runSql<FoundDocument>(deps.prisma, SAME_FILE_READ, [sha256, orgId])).rows;

/** What a registration writes, as both paths take it (register-incoming-document.ts builds it). */
export type IncomingRegistration = {
  documentId: string;
  at: Date;
  orgId: string;
  actorUserId: string;
  book: string;
  year: number;
  prefix: string;
  document: {
    docType: string;
    codeNumber: string | null;
    codeNotation: string | null;
    issuer: string;
    /** YYYY-MM-DD */
    issuedDate: string | null;
    subject: string;
    pageCount: number | null;
    description: string | null;
    signerName: string | null;
    signerTitle: string | null;
    urgency: string;
    secrecy: string;
    isPaperOnly: boolean;
    toPlaces: string | null;
    issuerOrganId: string | null;
    /** YYYY-MM-DD */
    requestedDueDate: string | null;
  };
  /** The search text without the ref (documentSearchText of the rest); the ref is put first once numbered. */
  searchTextAfterRef: string;
  original: { sha256: string; size: number; pageCount: number } | null;
  /** document.registered's data but its ref and number. */
  registeredData: Record<string, unknown>;
  /** document.duplicateWarned's data, when there are warnings. */
  warnedData: Record<string, unknown> | null;
  /** The leaders to ask for direction (not the actor), in order. */
  toDirect: string[];
};

/** Writes the registration in one statement; returns the number the counter gave and the document's ref. */
export const writeRegistration = async (deps: CoreDeps, reg: IncomingRegistration): Promise<{ number: number; ref: string }> => {
  const d = reg.document;
  const event = (type: "document.registered" | "document.duplicateWarned", data: Record<string, unknown>) =>
    auditInsertParams(auditContentOf({ type, at: reg.at, orgId: reg.orgId, actorUserId: reg.actorUserId, entityType: "Document", entityId: reg.documentId, data }));
  const { rows } = await runSql<{ number: number; ref: string }>(deps.prisma, REGISTER_WRITE, [
    ...event("document.registered", reg.registeredData),
    reg.book,
    reg.year,
    reg.prefix,
    d.docType,
    d.codeNumber,
    d.codeNotation,
    d.issuer,
    d.issuedDate,
    d.subject,
    d.pageCount,
    d.description,
    d.signerName,
    d.signerTitle,
    d.urgency,
    d.secrecy,
    d.isPaperOnly,
    d.toPlaces,
    d.issuerOrganId,
    d.requestedDueDate,
    reg.searchTextAfterRef,
    reg.original?.sha256 ?? null,
    reg.original?.size ?? null,
    reg.original?.pageCount ?? null,
    ...event("document.duplicateWarned", reg.warnedData ?? {}),
    reg.warnedData !== null,
    JSON.stringify(reg.toDirect),
  ]);
  deps.auditCheckpoint?.afterCommit();
  const row = rows[0]!;
  return { number: Number(row.number), ref: row.ref };
};

/** The statements, by name (tests watch for them to tell the direct path from the transactional one). */
export const REGISTER_STATEMENTS = { read: REGISTER_READ, sameFile: SAME_FILE_READ, sameNumber: SAME_NUMBER_READ, write: REGISTER_WRITE } as const;
