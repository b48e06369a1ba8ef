// The migration 20261206200000_open_delegation_unique on a database holding what the race it closes
// left behind (two delegations of the same work to the same officer, both open): the one furthest
// along stays open, the others are cancelled and audited, and then the index refuses a new duplicate.
// Runs the migration's own SQL on a database without the index (PGlite, or PostgreSQL with DATABASE_URL).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { OPEN_DELEGATION_INDEX } from "../../../core/assignments/delegate-direct.ts";
import { reportProgress } from "../../../core/assignments/report-progress.ts";
import { verifyAuditChain } from "../../../core/audit/verify-audit-chain.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { DEFAULT_MIGRATIONS_DIR } from "../../../core/store/migrate.ts";
import { violatesUnique } from "../../../core/store/unique-violation.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const MIGRATION = "20261206200000_open_delegation_unique";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
const deps = () => createTestDeps(db.prisma, { clock, files: createMemoryFileStore() });
const u = (code: string) => org.users[code]!;

/** A unit's main assignment in progress, delegated to cv.tckh: the parent and the delegation. */
const delegated = async (codeNumber: string) => {
  const documentId = (await registerSample(deps(), org, { codeNumber })).documentId;
  const r = await issueDirective(deps(), { actorUserId: u("chutich"), documentId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-21" } });
  const parentId = r.assignments[0]!.assignmentId;
  await reportProgress(deps(), { actorUserId: u("tp.tckh"), assignmentId: parentId, text: "Đang phân công." });
  const d = await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: parentId, officerUserCode: "cv.tckh" });
  return { parentId, childId: d.assignmentId };
};

/** Another row like the delegation `childId` (as the race wrote it), `minutes` later, in `status`. */
const twin = async (childId: string, status: "ASSIGNED" | "IN_PROGRESS" | "CANCELLED", minutes: number) => {
  const { id: _id, createdAt, ...row } = await db.prisma.assignment.findUniqueOrThrow({ where: { id: childId } });
  const at = new Date(createdAt.getTime() + minutes * 60_000);
  return (await db.prisma.assignment.create({ data: { ...row, status, createdAt: at, updatedAt: at }, select: { id: true } })).id;
};

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  org = await setupExampleOrg(deps());
});

describe(`migration ${MIGRATION}`, () => {
  it("keeps the duplicate furthest along open, cancels and audits the others, leaves the rest alone; then refuses a new duplicate", async () => {
    const sql = await db.openSql();
    try {
      await sql.exec(`DROP INDEX "${OPEN_DELEGATION_INDEX}"`);
      const one = await delegated("45");
      const other = await delegated("46");
      // What the race left under the first: the delegation (assigned), a twin in progress, a later twin
      // assigned, and a cancelled one (closed: not a duplicate).
      const inProgress = await twin(one.childId, "IN_PROGRESS", 1);
      const later = await twin(one.childId, "ASSIGNED", 2);
      const cancelled = await twin(one.childId, "CANCELLED", 3);
      const events = await db.prisma.auditEvent.count();

      const before = Date.now();
      await sql.exec(await readFile(path.join(DEFAULT_MIGRATIONS_DIR, MIGRATION, "migration.sql"), "utf8"));
      const after = Date.now();

      const rows = await db.prisma.assignment.findMany({
        where: { parentId: { in: [one.parentId, other.parentId] } },
        select: { id: true, status: true, nextReminderAt: true, reminderStep: true, updatedAt: true, ref: true },
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(inProgress)).toMatchObject({ status: "IN_PROGRESS" });
      expect(byId.get(other.childId)).toMatchObject({ status: "ASSIGNED", nextReminderAt: expect.any(Date) });
      expect(byId.get(cancelled)).toMatchObject({ status: "CANCELLED" });
      for (const id of [one.childId, later]) {
        const r = byId.get(id)!;
        expect(r).toMatchObject({ status: "CANCELLED", nextReminderAt: null, reminderStep: null });
        // Written in UTC, as Prisma writes times.
        expect(r.updatedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(r.updatedAt.getTime()).toBeLessThanOrEqual(after + 1000);
      }
      const closed = (await db.prisma.auditEvent.findMany({ where: { seq: { gt: events } } })).sort((a, b) => (a.entityId! < b.entityId! ? -1 : 1));
      expect(closed.map((e) => ({ type: e.type, orgId: e.orgId, actorUserId: e.actorUserId, entityType: e.entityType, entityId: e.entityId, data: e.data, hash: e.hash }))).toEqual(
        [one.childId, later].sort().map((id) => ({
          type: "assignment.delegationClosed",
          orgId: org.orgId,
          actorUserId: null,
          entityType: "Assignment",
          entityId: id,
          data: { ref: byId.get(id)!.ref, because: "DUPLICATE" },
          hash: null,
        })),
      );
      // The service links them into the chain, which then verifies.
      expect(await verifyAuditChain(db.prisma)).toMatchObject({ ok: true });

      // The index: a second open delegation to the officer is refused; a closed one is not.
      const refused = await twin(inProgress, "ASSIGNED", 4).catch((e: unknown) => e);
      expect(violatesUnique(refused, OPEN_DELEGATION_INDEX)).toBe(true);
      await twin(inProgress, "CANCELLED", 5);
      expect(await db.prisma.assignment.count({ where: { parentId: one.parentId, status: { in: ["ASSIGNED", "ACKNOWLEDGED", "IN_PROGRESS"] } } })).toBe(1);
    } finally {
      if (db.kind === "postgres") await sql.close();
    }
  });
});
