// The completion's direct path (core/assignments/complete-direct.ts): one read and one statement for
// the common case, the transactional path for the rest. The database client is wrapped so the test
// sees which of the two statements ran (on PostgreSQL through the pool, on PGlite through Prisma's
// raw queries) and can act between the read and the write.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { COMPLETE_STATEMENTS } from "../../../core/assignments/complete-direct.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import type { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import type { Db } from "../../../core/store/client.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { watchDirect } from "../../support/direct-sql-watch.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
const deps = (prisma: Db = db.prisma) => createTestDeps(prisma, { clock, files });
const u = (code: string) => org.users[code]!;
const TEXT = "Đã tham mưu văn bản trả lời số 12/UBND-TCKH.";

type Row = Record<string, unknown>;
/** The client with the completion's statements watched (see watchDirect). */
const watched = (afterRead: (row: Row) => Promise<void> | void = () => {}) => watchDirect(db.prisma, COMPLETE_STATEMENTS, afterRead);

/** Two documents directed alike (TCKH main, TP coordinating): the same work twice. */
const directTwo = async () => {
  const out: { main: string; coord: string; documentId: string }[] = [];
  for (const codeNumber of ["45", "46"]) {
    const documentId = (await registerSample(deps(), org, { codeNumber })).documentId;
    const r = await issueDirective(deps(), { actorUserId: u("chutich"), documentId, text: "Giao TCKH chủ trì.", main: "TCKH", coordinate: ["TP"], due: { date: "2026-12-21" } });
    out.push({ main: r.assignments[0]!.assignmentId, coord: r.assignments[1]!.assignmentId, documentId });
  }
  await db.prisma.outboxMessage.deleteMany();
  return out;
};

/** Every row a completion wrote, with its own ids and refs replaced by placeholders. */
const rowsOf = async (assignmentId: string) => {
  const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId }, include: { document: true, reports: { include: { files: true } } } });
  const report = a.reports[0]!;
  const names = new Map<string, string>([
    [a.id, "<assignment>"],
    [a.documentId, "<document>"],
    [report.id, "<report>"],
    [a.ref, "<assignment ref>"],
    [a.document.ref, "<document ref>"],
  ]);
  const anon = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === "string" ? [...names].reduce((s, [from, to]) => s.split(from).join(to), x) : x));
  const audit = await db.prisma.auditEvent.findMany({
    where: { entityId: { in: [a.id, a.documentId] }, type: { in: ["assignment.completed", "document.done"] } },
    orderBy: { seq: "asc" },
  });
  const outbox = await db.prisma.outboxMessage.findMany({ where: { dedupeKey: { contains: report.id } }, orderBy: { seq: "asc" } });
  return anon({
    assignment: {
      status: a.status,
      completedAt: a.completedAt,
      completedById: a.completedById,
      acknowledgedAt: a.acknowledgedAt,
      acknowledgedById: a.acknowledgedById,
      nextReminderAt: a.nextReminderAt,
      reminderStep: a.reminderStep,
    },
    document: { status: a.document.status },
    reports: a.reports.map((r) => ({ id: r.id, kind: r.kind, text: r.text, authorId: r.authorId, createdAt: r.createdAt, files: r.files.length })),
    audit: audit.map((e) => ({ at: e.at, orgId: e.orgId, actorUserId: e.actorUserId, type: e.type, entityType: e.entityType, entityId: e.entityId, data: e.data })),
    outbox: outbox.map((m) => ({
      dedupeKey: m.dedupeKey,
      userId: m.userId,
      kind: m.kind,
      payload: m.payload,
      urgency: m.urgency,
      status: m.status,
      attempts: m.attempts,
      nextAttemptAt: m.nextAttemptAt,
      createdAt: m.createdAt,
    })),
  });
};

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
});

describe("completeAssignment's direct path", () => {
  it("writes exactly the rows the transactional path writes, in one read and one statement", async () => {
    const [one, two] = await directTwo();
    clock.advance(3_600_000);
    const direct = watched();
    const r1 = await completeAssignment(deps(direct.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: TEXT });
    expect(direct.ran).toEqual([COMPLETE_STATEMENTS.read.name, COMPLETE_STATEMENTS.write.name]);
    // The same completion made to take the transactional path: the read is told of an open delegation.
    const forced = watched((row) => {
      row.openDelegation = true;
    });
    const r2 = await completeAssignment(deps(forced.prisma), { actorUserId: u("tp.tckh"), assignmentId: two!.main, text: TEXT });
    expect(forced.ran).toEqual([COMPLETE_STATEMENTS.read.name]);

    expect(r1.documentDone).toBe(true);
    expect(r2.documentDone).toBe(true);
    // Both answer alike: the assignment, its ref, the actions left (none once completed).
    expect([r1.id, r2.id]).toEqual([one!.main, two!.main]);
    expect([r1.ref, r2.ref]).toEqual([expect.stringMatching(/^D1\/2026-TCKH$/), expect.stringMatching(/^D2\/2026-TCKH$/)]);
    expect(r1.actions).toEqual(r2.actions);
    expect(r1.actions).toEqual([]);
    const [rows1, rows2] = [await rowsOf(one!.main), await rowsOf(two!.main)];
    expect(rows1).toEqual(rows2);
    // And what they are: completed (acknowledged by the completion), reminders off, the document
    // done, the two events in order, the leader told.
    expect(rows1).toMatchObject({
      assignment: { status: "COMPLETED", completedById: u("tp.tckh"), acknowledgedById: u("tp.tckh"), nextReminderAt: null, reminderStep: null },
      document: { status: "DONE" },
      reports: [{ id: "<report>", kind: "COMPLETION", text: TEXT, authorId: u("tp.tckh"), files: 0 }],
      audit: [
        { type: "assignment.completed", entityId: "<assignment>", data: { ref: "<assignment ref>", reportId: "<report>", sha256: null, late: false } },
        { type: "document.done", entityId: "<document>", data: { ref: "<document ref>" } },
      ],
      outbox: [{ userId: u("chutich"), kind: "assignment.completed", dedupeKey: `rep:<report>:${u("chutich")}`, payload: { assignmentId: "<assignment>", reportId: "<report>" } }],
    });
    // A coordinating unit's completion leaves the document as it is; the leader is told.
    const c = await completeAssignment(deps(direct.prisma), { actorUserId: u("tp.tp"), assignmentId: one!.coord, text: TEXT });
    expect(c.documentDone).toBe(false);
    expect(direct.ran.filter((n) => n === COMPLETE_STATEMENTS.write.name)).toHaveLength(2);
    expect(await db.prisma.auditEvent.count({ where: { type: "document.done" } })).toBe(2);
    expect(await db.prisma.outboxMessage.count({ where: { userId: u("chutich"), kind: "assignment.completed" } })).toBe(3);
  });

  it("a completion made between the read and the write: the second gets 'already completed' and writes nothing", async () => {
    const [one] = await directTwo();
    const racing = watched(async () => {
      await completeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: "Báo cáo thứ nhất." });
    });
    const err = (await completeAssignment(deps(racing.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: TEXT }).catch((e: unknown) => e)) as DomainError;
    expect(err.code).toBe("ASSIGNMENT_ALREADY_COMPLETED");
    expect(err.params.ref).toBe("D1-TCKH");
    // The direct write was tried and matched nothing; the transactional path named the conflict.
    expect(racing.ran).toEqual([COMPLETE_STATEMENTS.read.name, COMPLETE_STATEMENTS.write.name]);
    const reports = await db.prisma.report.findMany({ where: { assignmentId: one!.main } });
    expect(reports.map((r) => r.text)).toEqual(["Báo cáo thứ nhất."]);
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.completed" } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { type: "document.done" } })).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.completed" } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { type: "action.refused", data: { path: ["code"], equals: "ASSIGNMENT_ALREADY_COMPLETED" } } })).toBe(1);
  });

  it("a delegation opened between the read and the write: the transactional path completes and closes it, the officer is told", async () => {
    const [one] = await directTwo();
    const racing = watched(async () => {
      await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv.tckh" });
    });
    await completeAssignment(deps(racing.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: TEXT });
    expect(racing.ran).toEqual([COMPLETE_STATEMENTS.read.name, COMPLETE_STATEMENTS.write.name]);
    const child = await db.prisma.assignment.findFirstOrThrow({ where: { parentId: one!.main } });
    expect(child.status).toBe("CANCELLED");
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: one!.main } })).status).toBe("COMPLETED");
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.delegationClosed", entityId: child.id } })).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { userId: u("cv.tckh"), kind: "assignment.cancelled" } })).toBe(1);
    expect(await db.prisma.report.count({ where: { assignmentId: one!.main } })).toBe(1);
  });

  it("leaves delegated work and a unit's assignment with an open delegation to the transactional path, writing nothing itself", async () => {
    const [one, two] = await directTwo();
    await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv.tckh" });
    await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: two!.main, officerUserCode: "cv.tckh" });
    const child = (await db.prisma.assignment.findFirstOrThrow({ where: { parentId: one!.main } })).id;
    // The officer's delegated work: the unit's heads are told.
    const w1 = watched();
    await completeAssignment(deps(w1.prisma), { actorUserId: u("cv.tckh"), assignmentId: child, text: TEXT });
    expect(w1.ran).toEqual([COMPLETE_STATEMENTS.read.name]);
    expect(await db.prisma.outboxMessage.count({ where: { userId: u("tp.tckh"), kind: "assignment.completed" } })).toBe(1);
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: one!.main } })).status).toBe("IN_PROGRESS");
    // The head completes the unit's assignment while the officer's delegation is open: it closes.
    const w2 = watched();
    await completeAssignment(deps(w2.prisma), { actorUserId: u("tp.tckh"), assignmentId: two!.main, text: TEXT });
    expect(w2.ran).toEqual([COMPLETE_STATEMENTS.read.name]);
    expect((await db.prisma.assignment.findFirstOrThrow({ where: { parentId: two!.main } })).status).toBe("CANCELLED");
  });
});
