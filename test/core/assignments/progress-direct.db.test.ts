// The progress report's direct path (core/assignments/progress-direct.ts): one read and one statement
// for a text report, the transactional path for the rest. The client is wrapped so the test sees
// which statements ran and can act between the read and the write (test/support/direct-sql-watch.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { PROGRESS_STATEMENTS } from "../../../core/assignments/progress-direct.ts";
import { reportProgress } from "../../../core/assignments/report-progress.ts";
import { returnAssignment } from "../../../core/assignments/return-assignment.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import type { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import type { Db } from "../../../core/store/client.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { countStatements, watchDirect } from "../../support/direct-sql-watch.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
const deps = (prisma: Db = db.prisma) => createTestDeps(prisma, { clock, files });
const u = (code: string) => org.users[code]!;
const TEXT = "Đã làm việc với các xã, đang tổng hợp số liệu.";

type Row = Record<string, unknown>;
const watched = (afterRead: (row: Row) => Promise<void> | void = () => {}) => watchDirect(db.prisma, PROGRESS_STATEMENTS, afterRead);
/** Forces the transactional path: the read is told of another `sentAt`, so the guarded write matches nothing. */
const forced = () =>
  watched((row) => {
    row.sentAt = Number(row.sentAt) - 1;
  });

/** Two documents directed alike (TCKH main, TP coordinating): the same work twice. */
const directTwo = async () => {
  const out: { main: string; coord: string }[] = [];
  for (const codeNumber of ["45", "46"]) {
    const documentId = (await registerSample(deps(), org, { codeNumber })).documentId;
    const r = await issueDirective(deps(), { actorUserId: u("chutich"), documentId, text: "Giao TCKH chủ trì.", main: "TCKH", coordinate: ["TP"], due: { date: "2026-12-21" } });
    out.push({ main: r.assignments[0]!.assignmentId, coord: r.assignments[1]!.assignmentId });
  }
  await db.prisma.outboxMessage.deleteMany();
  return out;
};

/** Every row a progress report wrote on `assignmentId`, with its own ids and refs replaced by placeholders. */
const rowsOf = async (assignmentId: string) => {
  const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId }, include: { reports: { include: { files: true }, orderBy: { createdAt: "asc" } } } });
  const names = new Map<string, string>([[a.id, "<assignment>"], ...a.reports.map((r, i) => [r.id, `<report ${i}>`] as [string, string]), [a.ref, "<ref>"]]);
  const anon = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === "string" ? [...names].reduce((s, [from, to]) => s.split(from).join(to), x) : x));
  const audit = await db.prisma.auditEvent.findMany({ where: { entityId: a.id, type: "assignment.progressReported" }, orderBy: { seq: "asc" } });
  const outbox = await db.prisma.outboxMessage.findMany({
    where: { OR: a.reports.map((r) => ({ dedupeKey: { contains: r.id } })) },
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
  });
  return anon({
    assignment: {
      status: a.status,
      acknowledgedAt: a.acknowledgedAt,
      acknowledgedById: a.acknowledgedById,
      nextReminderAt: a.nextReminderAt,
      reminderStep: a.reminderStep,
      escalationLevel: a.escalationLevel,
      completedAt: a.completedAt,
    },
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

describe("reportProgress's direct path", () => {
  it("a head's report on the unit's assignment: exactly the rows the transactional path writes, in one read and one statement", async () => {
    const [one, two] = await directTwo();
    clock.advance(3_600_000);
    const direct = watched();
    const r1 = await reportProgress(deps(direct.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: TEXT });
    expect(direct.ran).toEqual([PROGRESS_STATEMENTS.read.name, PROGRESS_STATEMENTS.write.name]);
    const tx = forced();
    const r2 = await reportProgress(deps(tx.prisma), { actorUserId: u("tp.tckh"), assignmentId: two!.main, text: TEXT });
    expect(tx.ran).toEqual([PROGRESS_STATEMENTS.read.name, PROGRESS_STATEMENTS.write.name]);

    expect([r1.id, r2.id]).toEqual([one!.main, two!.main]);
    expect(r1.actions).toEqual(r2.actions);
    expect(r1.actions).toEqual(["delegate", "progress", "complete", "extend"]);
    const [rows1, rows2] = [await rowsOf(one!.main), await rowsOf(two!.main)];
    expect(rows1).toEqual(rows2);
    // In progress, acknowledged by the report, the acknowledgement reminder replaced by a deadline one,
    // the event, the leader told.
    expect(rows1).toMatchObject({
      assignment: { status: "IN_PROGRESS", acknowledgedById: u("tp.tckh"), reminderStep: expect.stringMatching(/^(?!ACK)/), completedAt: null },
      reports: [{ id: "<report 0>", kind: "PROGRESS", text: TEXT, authorId: u("tp.tckh"), files: 0 }],
      audit: [{ type: "assignment.progressReported", entityId: "<assignment>", actorUserId: u("tp.tckh"), data: { reportId: "<report 0>", sha256: null } }],
      outbox: [
        { userId: u("chutich"), kind: "assignment.progress", dedupeKey: `rep:<report 0>:${u("chutich")}`, payload: { assignmentId: "<assignment>", reportId: "<report 0>" } },
      ],
    });
    expect((rows1 as { assignment: { nextReminderAt: unknown } }).assignment.nextReminderAt).not.toBeNull();

    // A second report on an assignment already in progress, and a coordinating unit's (nobody told): alike on both paths.
    clock.advance(3_600_000);
    await reportProgress(deps(direct.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: "Lần hai." });
    await reportProgress(deps(forced().prisma), { actorUserId: u("tp.tckh"), assignmentId: two!.main, text: "Lần hai." });
    expect(await rowsOf(one!.main)).toEqual(await rowsOf(two!.main));
    await reportProgress(deps(direct.prisma), { actorUserId: u("tp.tp"), assignmentId: one!.coord, text: TEXT });
    await reportProgress(deps(forced().prisma), { actorUserId: u("tp.tp"), assignmentId: two!.coord, text: TEXT });
    const coord = await rowsOf(one!.coord);
    expect(coord).toEqual(await rowsOf(two!.coord));
    expect(coord).toMatchObject({ assignment: { status: "IN_PROGRESS" }, outbox: [] });
    expect(direct.ran.filter((n) => n === PROGRESS_STATEMENTS.write.name)).toHaveLength(3);
  });

  it("an officer's report on delegated work: the unit's active heads are told, alike on both paths", async () => {
    const [one, two] = await directTwo();
    // A second head of the unit, and a former one (inactive): only active heads hear of it.
    for (const [code, active] of [
      ["pgd.tckh", true],
      ["cu.tckh", false],
    ] as const)
      await db.prisma.user.create({ data: { orgId: org.orgId, code, name: code, unitId: org.units.TCKH!, roles: ["UNIT_HEAD"], active } });
    const heads = (await db.prisma.user.findMany({ where: { code: { in: ["tp.tckh", "pgd.tckh"] } }, select: { id: true } })).map((h) => h.id);
    const children: string[] = [];
    for (const a of [one!, two!]) children.push((await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: a.main, officerUserCode: "cv.tckh" })).assignmentId);
    await db.prisma.outboxMessage.deleteMany();
    clock.advance(3_600_000);
    const direct = watched();
    const r1 = await reportProgress(deps(direct.prisma), { actorUserId: u("cv.tckh"), assignmentId: children[0]!, text: TEXT });
    expect(direct.ran).toEqual([PROGRESS_STATEMENTS.read.name, PROGRESS_STATEMENTS.write.name]);
    const r2 = await reportProgress(deps(forced().prisma), { actorUserId: u("cv.tckh"), assignmentId: children[1]!, text: TEXT });
    expect(r1.actions).toEqual(r2.actions);
    expect(r1.actions).toEqual(["progress", "complete"]);
    const rows = await rowsOf(children[0]!);
    expect(rows).toEqual(await rowsOf(children[1]!));
    expect((rows as { outbox: { userId: string }[] }).outbox.map((m) => m.userId).sort()).toEqual([...heads].sort());
    // A head reporting on the delegation: the other head is told, not the reporter.
    await reportProgress(deps(direct.prisma), { actorUserId: u("tp.tckh"), assignmentId: children[0]!, text: "Trưởng phòng bổ sung." });
    const last = await db.prisma.report.findFirstOrThrow({ where: { text: "Trưởng phòng bổ sung." } });
    expect((await db.prisma.outboxMessage.findMany({ where: { dedupeKey: { contains: last.id } } })).map((m) => m.userId)).toEqual(heads.filter((h) => h !== u("tp.tckh")));
  });

  it("the assignment completed between the read and the write: 'already completed', no report, nobody told", async () => {
    const [one] = await directTwo();
    const racing = watched(async () => {
      await completeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: "Hoàn thành." });
    });
    const err = (await reportProgress(deps(racing.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: TEXT }).catch((e: unknown) => e)) as DomainError;
    expect(err.code).toBe("ASSIGNMENT_ALREADY_COMPLETED");
    expect(racing.ran).toEqual([PROGRESS_STATEMENTS.read.name, PROGRESS_STATEMENTS.write.name]);
    expect((await db.prisma.report.findMany({ where: { assignmentId: one!.main } })).map((r) => r.kind)).toEqual(["COMPLETION"]);
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.progressReported" } })).toBe(0);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.progress" } })).toBe(0);
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: one!.main } })).status).toBe("COMPLETED");
  });

  it("the assignment returned between the read and the write: 'returned', nothing written", async () => {
    const [one] = await directTwo();
    const racing = watched(async () => {
      await returnAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: one!.main, reason: "Không thuộc lĩnh vực." });
    });
    const err = (await reportProgress(deps(racing.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: TEXT }).catch((e: unknown) => e)) as DomainError;
    expect(err.code).toBe("ASSIGNMENT_RETURNED");
    expect(await db.prisma.report.count()).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.progressReported" } })).toBe(0);
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: one!.main } })).status).toBe("RETURNED");
  });

  it("sends two statements and nothing else (Prisma and the pool counted); a file takes the transactional path", async () => {
    const [one, two] = await directTwo();
    const c = countStatements(db.prisma);
    try {
      // Once to load the calendar for this client (cached per client), then counted.
      await reportProgress(deps(c.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: TEXT });
      c.statements.length = 0;
      await reportProgress(deps(c.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, text: "Lần hai." });
      expect(c.statements).toHaveLength(2);
      expect(c.statements.every((s) => /(pool|queryRawUnsafe): (SELECT|WITH)/.test(s))).toBe(true);
      c.statements.length = 0;
      const w = watched();
      await reportProgress(deps(w.prisma), { actorUserId: u("tp.tckh"), assignmentId: two!.main, text: TEXT, files: [{ bytes: await samplePdf() }] });
      expect(w.ran).toEqual([]);
    } finally {
      c.restore();
    }
    const report = await db.prisma.report.findFirstOrThrow({ where: { assignmentId: two!.main }, include: { files: true } });
    expect(report.files).toHaveLength(1);
    expect(await db.prisma.outboxMessage.count({ where: { dedupeKey: { contains: report.id }, userId: u("chutich") } })).toBe(1);
  });
});
