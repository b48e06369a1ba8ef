// Builds a benchmark organisation quickly with Prisma's createMany (no YAML import): a leadership
// unit with one LEADER, an office with one CLERK, and `units` departments with `headsPerUnit`
// UNIT_HEAD users each, every head linked to Telegram with a distinct chat id. Plus bulk assignment
// rows made by one INSERT … SELECT generate_series statement.
import { randomUUID } from "node:crypto";
import type { Db } from "../../core/store/client.ts";
import type { SqlRunner } from "../../core/store/sql.ts";

export type BenchHead = { userId: string; unitId: string; unitCode: string; chatId: number };
export type BenchOrg = { orgId: string; leaderId: string; clerkId: string; unitCodes: string[]; unitIds: string[]; heads: BenchHead[] };

/** First Telegram chat id; head i gets CHAT_BASE + i. */
export const CHAT_BASE = 700_000_000;

const pad = (n: number) => String(n).padStart(2, "0");

export const buildBenchOrg = async (prisma: Db, { units, headsPerUnit }: { units: number; headsPerUnit: number }): Promise<BenchOrg> => {
  const orgId = randomUUID();
  await prisma.organization.create({ data: { id: orgId, code: `BENCH${orgId.slice(0, 6)}`, name: "UBND thành phố Benchmark" } });
  const leadershipId = randomUUID();
  const officeId = randomUUID();
  const unitRows = Array.from({ length: units }, (_, i) => ({ id: randomUUID(), orgId, code: `P${pad(i + 1)}`, name: `Phòng ${pad(i + 1)}`, kind: "DEPARTMENT" as const }));
  await prisma.unit.createMany({
    data: [{ id: leadershipId, orgId, code: "LD", name: "Lãnh đạo UBND", kind: "LEADERSHIP" }, { id: officeId, orgId, code: "VP", name: "Văn phòng", kind: "OFFICE" }, ...unitRows],
  });
  const leaderId = randomUUID();
  const clerkId = randomUUID();
  const heads: BenchHead[] = [];
  const userRows: { id: string; orgId: string; code: string; name: string; unitId: string; roles: ("LEADER" | "CLERK" | "UNIT_HEAD")[] }[] = [
    { id: leaderId, orgId, code: "chutich", name: "Nguyễn Văn Chủ Tịch", unitId: leadershipId, roles: ["LEADER"] },
    { id: clerkId, orgId, code: "vanthu", name: "Trần Thị Văn Thư", unitId: officeId, roles: ["CLERK"] },
  ];
  unitRows.forEach((u, i) => {
    for (let h = 0; h < headsPerUnit; h++) {
      const id = randomUUID();
      userRows.push({ id, orgId, code: `truong${pad(i + 1)}_${h + 1}`, name: `Trưởng phòng ${pad(i + 1)}.${h + 1}`, unitId: u.id, roles: ["UNIT_HEAD"] });
      heads.push({ userId: id, unitId: u.id, unitCode: u.code, chatId: CHAT_BASE + heads.length });
    }
  });
  await prisma.user.createMany({ data: userRows });
  await prisma.chatIdentity.createMany({
    data: heads.map((h) => ({ userId: h.userId, channel: "TELEGRAM" as const, externalUserId: String(h.chatId), chatId: String(h.chatId), displayName: h.unitCode })),
  });
  return { orgId, leaderId, clerkId, unitCodes: unitRows.map((u) => u.code), unitIds: unitRows.map((u) => u.id), heads };
};

/** A bare incoming document and directive to hang bulk assignments on (no files, no outbox). */
export const insertBareDirective = async (prisma: Db, org: BenchOrg, at: Date): Promise<{ documentId: string; directiveId: string }> => {
  const documentId = randomUUID();
  const directiveId = randomUUID();
  await prisma.document.create({
    data: {
      id: documentId,
      orgId: org.orgId,
      direction: "IN",
      registerBook: "IN",
      registerYear: at.getUTCFullYear(),
      registerNumber: 9_000_000,
      ref: `D9000000/${at.getUTCFullYear()}`,
      docType: "Công văn",
      issuer: "Sở Tài chính",
      subject: "Benchmark",
      status: "ASSIGNED",
      createdById: org.clerkId,
      arrivalAt: at,
      createdAt: at,
    },
  });
  await prisma.directive.create({ data: { id: directiveId, documentId, authorId: org.leaderId, enteredById: org.leaderId, text: "Benchmark", createdAt: at } });
  return { documentId, directiveId };
};

export type BulkAssignments = {
  documentId: string;
  directiveId: string;
  /** Rows numbered from `from` (inclusive) to `to` (inclusive): ref `B<n>`, unit round-robin. */
  from: number;
  to: number;
  /**
   * SQL expression for "nextReminderAt" (timestamp without time zone, UTC) in terms of `n` (the
   * series value) and `d.now` (the current UTC instant), e.g. `NULL` or `d.now - interval '1 hour'`.
   */
  nextReminderAtSql: string;
  /** SQL expression for "status" (an AssignmentStatus literal cast), in terms of `n`. */
  statusSql?: string;
  dueAt: Date;
};

/**
 * Inserts assignments in ONE `INSERT … SELECT generate_series` statement (1 M rows take seconds, not
 * minutes). Unit `n` is `unitIds[n % units]`.
 */
export const insertBulkAssignments = async (sql: SqlRunner, unitIds: string[], b: BulkAssignments): Promise<void> => {
  await sql.query(
    `INSERT INTO "Assignment" ("id","directiveId","documentId","unitId","role","status","ref","dueAt","originalDueAt","isPaper","nextReminderAt","reminderStep","sentAt","createdAt","updatedAt")
     SELECT gen_random_uuid()::text, $1, $2, ($3::text[])[1 + n % $4], 'MAIN', ${b.statusSql ?? `'ASSIGNED'`}::"AssignmentStatus", 'B' || n, d.due, d.due, false,
            ${b.nextReminderAtSql}, CASE WHEN (${b.nextReminderAtSql}) IS NULL THEN NULL ELSE 'DUE_SOON' END, d.now, d.now, d.now
     FROM generate_series($6::int, $7::int) AS n,
          (SELECT $5::timestamptz AT TIME ZONE 'UTC' AS due, now() AT TIME ZONE 'UTC' AS now) AS d`,
    [b.directiveId, b.documentId, unitIds, unitIds.length, b.dueAt.toISOString(), b.from, b.to],
  );
};

/**
 * One document, directive and acknowledged MAIN assignment per operation, for the benchmarks whose
 * operations each need a fresh assignment (complete, progress, delegate): ids `<prefix>{doc,dir,asg}-<n>`
 * for n in [0, total), the assignment of unit `unitIds[n % units]`, acknowledged by that unit's head,
 * due in 10 days, a DUE_SOON reminder pending. Three INSERT … SELECT generate_series statements.
 */
export const insertOwnAssignments = async (
  sql: { query(text: string, params: unknown[]): Promise<unknown> },
  org: BenchOrg,
  headIds: string[],
  b: { prefix: string; total: number; year: number },
): Promise<void> => {
  const { prefix, total, year } = b;
  const series = `FROM generate_series(0, ${total - 1}) AS n, (SELECT now() AT TIME ZONE 'UTC' AS now) AS d`;
  await sql.query(
    `INSERT INTO "Document" ("id","orgId","direction","registerBook","registerYear","registerNumber","ref","docType","issuer","subject","status","createdById","arrivalAt","createdAt","updatedAt")
     SELECT '${prefix}doc-' || n, $1, 'IN', 'IN', $2::int, n + 1, 'D' || (n + 1) || '/' || $2::text, 'Công văn', 'Sở Tài chính', 'Benchmark ' || n, 'ASSIGNED', $3, d.now, d.now, d.now ${series}`,
    [org.orgId, year, org.clerkId],
  );
  await sql.query(
    `INSERT INTO "Directive" ("id","documentId","authorId","enteredById","text","createdAt") SELECT '${prefix}dir-' || n, '${prefix}doc-' || n, $1, $1, 'Giao phòng chủ trì', d.now ${series}`,
    [org.leaderId],
  );
  await sql.query(
    `INSERT INTO "Assignment" ("id","directiveId","documentId","unitId","role","status","ref","dueAt","originalDueAt","isPaper","acknowledgedAt","acknowledgedById","nextReminderAt","reminderStep","sentAt","createdAt","updatedAt")
     SELECT '${prefix}asg-' || n, '${prefix}dir-' || n, '${prefix}doc-' || n, ($1::text[])[1 + n % $3], 'MAIN', 'ACKNOWLEDGED', 'D' || (n + 1) || '/' || $4::text, d.now + interval '10 days', d.now + interval '10 days', false,
            d.now, ($2::text[])[1 + n % $3], d.now + interval '1 day', 'DUE_SOON', d.now, d.now, d.now ${series}`,
    [org.unitIds, headIds, org.unitIds.length, year],
  );
};
