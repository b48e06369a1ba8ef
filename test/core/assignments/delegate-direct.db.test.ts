// The delegation's direct path (core/assignments/delegate-direct.ts): one read and one statement for
// a unit head delegating to an officer of the unit, the transactional path for the rest. The client
// is wrapped so the test sees which statements ran and can act between the read and the write
// (test/support/direct-sql-watch.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DELEGATE_STATEMENTS } from "../../../core/assignments/delegate-direct.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { returnAssignment } from "../../../core/assignments/return-assignment.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import type { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import type { Db } from "../../../core/store/client.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { countStatements, watchDirect } from "../../support/direct-sql-watch.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
const deps = (prisma: Db = db.prisma) => createTestDeps(prisma, { clock, files });
const u = (code: string) => org.users[code]!;

type Row = Record<string, unknown>;
const watched = (afterRead: (row: Row) => Promise<void> | void = () => {}) => watchDirect(db.prisma, DELEGATE_STATEMENTS, afterRead);
/** Forces the transactional path: the read is told of another `sentAt`, so the guarded write matches nothing. */
const forced = () =>
  watched((row) => {
    row.sentAt = Number(row.sentAt) - 1;
  });

/** Two documents directed alike (TCKH main, TP coordinating), urgent: the same work twice. */
const directTwo = async () => {
  const out: { main: string; coord: string }[] = [];
  for (const codeNumber of ["45", "46"]) {
    const documentId = (await registerSample(deps(), org, { codeNumber, urgency: "URGENT" })).documentId;
    const r = await issueDirective(deps(), { actorUserId: u("chutich"), documentId, text: "Giao TCKH chủ trì.", main: "TCKH", coordinate: ["TP"], due: { date: "2026-12-21" } });
    out.push({ main: r.assignments[0]!.assignmentId, coord: r.assignments[1]!.assignmentId });
  }
  await db.prisma.outboxMessage.deleteMany();
  return out;
};

/** Every row a delegation of `parentId` wrote, with its own ids and refs replaced by placeholders. */
const rowsOf = async (parentId: string) => {
  const parent = await db.prisma.assignment.findUniqueOrThrow({ where: { id: parentId }, include: { document: { select: { ref: true } } } });
  const children = await db.prisma.assignment.findMany({ where: { parentId }, orderBy: { createdAt: "asc" } });
  const names = new Map<string, string>([
    [parent.id, "<parent>"],
    ...children.map((c, i) => [c.id, `<child ${i}>`] as [string, string]),
    [parent.directiveId, "<directive>"],
    [parent.documentId, "<document>"],
    [parent.document.ref, "<document ref>"],
  ]);
  const anon = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v), (_k, x: unknown) => (typeof x === "string" ? [...names].reduce((s, [from, to]) => s.split(from).join(to), x) : x));
  const columns = (a: typeof parent) => {
    const { id: _id, updatedAt: _updatedAt, document: _document, ...rest } = a as typeof parent & { document?: unknown };
    return rest;
  };
  const audit = await db.prisma.auditEvent.findMany({ where: { entityId: { in: children.map((c) => c.id) } }, orderBy: { seq: "asc" } });
  const outbox = await db.prisma.outboxMessage.findMany({ where: { OR: children.map((c) => ({ dedupeKey: { contains: c.id } })) }, orderBy: { createdAt: "asc" } });
  return anon({
    parent: columns(parent),
    children: children.map((c) => columns(c as typeof parent)),
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

describe("delegateAssignment's direct path", () => {
  it("writes exactly the rows the transactional path writes, in one read and one statement", async () => {
    const [one, two] = await directTwo();
    clock.advance(3_600_000);
    const direct = watched();
    const input = { actorUserId: u("tp.tckh"), officerUserCode: "CV.TCKH", due: { workingDays: 3 }, note: "Anh Em dự thảo." };
    const r1 = await delegateAssignment(deps(direct.prisma), { ...input, assignmentId: one!.main });
    expect(direct.ran).toEqual([DELEGATE_STATEMENTS.read.name, DELEGATE_STATEMENTS.write.name]);
    const tx = forced();
    const r2 = await delegateAssignment(deps(tx.prisma), { ...input, assignmentId: two!.main });
    expect(tx.ran).toEqual([DELEGATE_STATEMENTS.read.name, DELEGATE_STATEMENTS.write.name]);

    // Both answer alike: the officer's assignment, its ref and deadline, the unit's assignment and the head's actions on it.
    const { assignmentId: c1, ...rest1 } = r1;
    const { assignmentId: c2, ...rest2 } = r2;
    expect(c1).not.toBe(c2);
    expect({ ...rest1, ref: rest1.ref.replace("D1/", "Dn/"), unit: { ...rest1.unit, ref: rest1.unit.ref.replace("D1/", "Dn/"), id: "<parent>" } }).toEqual({
      ...rest2,
      ref: rest2.ref.replace("D2/", "Dn/"),
      unit: { ...rest2.unit, ref: rest2.unit.ref.replace("D2/", "Dn/"), id: "<parent>" },
    });
    expect(r1).toMatchObject({
      ref: "D1/2026-TCKH-cv.tckh",
      officerId: u("cv.tckh"),
      officerName: "Hoàng Văn Em",
      unit: { id: one!.main, actions: ["delegate", "progress", "complete", "extend"] },
    });
    const [rows1, rows2] = [await rowsOf(one!.main), await rowsOf(two!.main)];
    expect(rows1).toEqual(rows2);
    expect(rows1).toMatchObject({
      parent: { status: "IN_PROGRESS", acknowledgedById: u("tp.tckh"), ref: expect.stringMatching(/-TCKH$/) },
      children: [
        {
          status: "ASSIGNED",
          parentId: "<parent>",
          assigneeUserId: u("cv.tckh"),
          ref: "<document ref>-TCKH-cv.tckh",
          directiveId: "<directive>",
          documentId: "<document>",
          role: "MAIN",
          acknowledgedAt: null,
          reminderStep: "ACK_REMINDER",
        },
      ],
      audit: [
        {
          type: "assignment.delegated",
          entityId: "<child 0>",
          data: { parentId: "<parent>", ref: "<document ref>-TCKH-cv.tckh", officerId: u("cv.tckh"), note: "Anh Em dự thảo." },
        },
      ],
      outbox: [
        { userId: u("cv.tckh"), kind: "assignment.new", urgency: "URGENT", dedupeKey: `asg:<child 0>:assignment.new:${u("cv.tckh")}`, payload: { assignmentId: "<child 0>" } },
      ],
    });
    const child = (rows1 as { children: { dueAt: string; originalDueAt: string; nextReminderAt: string | null }[] }).children[0]!;
    expect(child.dueAt).toBe(child.originalDueAt);
    expect(child.nextReminderAt).not.toBeNull();

    // A second officer on each, with the unit's own deadline: alike again.
    await db.prisma.user.create({ data: { orgId: org.orgId, code: "cv2.tckh", name: "Chuyên viên hai", unitId: org.units.TCKH!, roles: ["OFFICER"] } });
    await delegateAssignment(deps(direct.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv2.tckh" });
    await delegateAssignment(deps(forced().prisma), { actorUserId: u("tp.tckh"), assignmentId: two!.main, officerUserCode: "cv2.tckh" });
    expect(await rowsOf(one!.main)).toEqual(await rowsOf(two!.main));
    expect(direct.ran.filter((n) => n === DELEGATE_STATEMENTS.write.name)).toHaveLength(2);
  });

  it("refuses as the transactional path does, from the read alone", async () => {
    const [one] = await directTwo();
    const w = watched();
    const refusal = async (over: Partial<Parameters<typeof delegateAssignment>[1]>) =>
      (
        (await delegateAssignment(deps(w.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv.tckh", ...over }).catch(
          (e: unknown) => e,
        )) as DomainError
      ).code;
    expect(await refusal({ officerUserCode: "cv.tp" })).toBe("OFFICER_NOT_IN_UNIT");
    expect(await refusal({ officerUserCode: "nobody" })).toBe("OFFICER_NOT_IN_UNIT");
    expect(await refusal({ actorUserId: u("cv.tckh") })).toBe("FORBIDDEN");
    expect(await refusal({ assignmentId: one!.coord })).toBe("FORBIDDEN");
    expect(await refusal({ due: { date: "2026-12-31" } })).toBe("DELEGATE_DUE_AFTER_PARENT");
    expect(await refusal({ due: { date: "2026-11-30" } })).toBe("DEADLINE_IN_PAST");
    expect(await refusal({ due: { date: "2026-12-05" } })).toBe("DEADLINE_NOT_WORKING_DAY");
    expect(w.ran.every((n) => n === DELEGATE_STATEMENTS.read.name)).toBe(true);
    await delegateAssignment(deps(w.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv.tckh" });
    expect(await refusal({})).toBe("DELEGATION_EXISTS");
    expect(await db.prisma.assignment.count({ where: { parentId: one!.main } })).toBe(1);
  });

  it("a delegation to the same officer made between the read and the write: 'already delegated', one delegation", async () => {
    const [one] = await directTwo();
    const racing = watched(async () => {
      await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv.tckh" });
    });
    const err = (await delegateAssignment(deps(racing.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv.tckh" }).catch(
      (e: unknown) => e,
    )) as DomainError;
    expect(err.code).toBe("DELEGATION_EXISTS");
    expect(racing.ran).toEqual([DELEGATE_STATEMENTS.read.name, DELEGATE_STATEMENTS.write.name]);
    expect(await db.prisma.assignment.count({ where: { parentId: one!.main } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.delegated" } })).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.new", userId: u("cv.tckh") } })).toBe(1);
  });

  it("the assignment returned between the read and the write: 'returned', no delegation", async () => {
    const [one] = await directTwo();
    const racing = watched(async () => {
      await returnAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: one!.main, reason: "Không thuộc lĩnh vực." });
    });
    const err = (await delegateAssignment(deps(racing.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv.tckh" }).catch(
      (e: unknown) => e,
    )) as DomainError;
    expect(err.code).toBe("ASSIGNMENT_RETURNED");
    expect(await db.prisma.assignment.count({ where: { parentId: one!.main } })).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.delegated" } })).toBe(0);
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: one!.main } })).status).toBe("RETURNED");
  });

  it("the officer moved to another unit between the read and the write: 'not in the unit', no delegation", async () => {
    const [one] = await directTwo();
    const racing = watched(async () => {
      await db.prisma.user.update({ where: { id: u("cv.tckh") }, data: { unitId: org.units.TP! } });
    });
    const err = (await delegateAssignment(deps(racing.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv.tckh" }).catch(
      (e: unknown) => e,
    )) as DomainError;
    expect(err.code).toBe("OFFICER_NOT_IN_UNIT");
    expect(await db.prisma.assignment.count({ where: { parentId: one!.main } })).toBe(0);
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: one!.main } })).status).toBe("ASSIGNED");
  });

  it("sends two statements and nothing else (Prisma and the pool counted)", async () => {
    const [one, two] = await directTwo();
    const c = countStatements(db.prisma);
    try {
      // Once to load the calendar for this client (cached per client), then counted.
      await delegateAssignment(deps(c.prisma), { actorUserId: u("tp.tckh"), assignmentId: one!.main, officerUserCode: "cv.tckh" });
      c.statements.length = 0;
      await delegateAssignment(deps(c.prisma), { actorUserId: u("tp.tckh"), assignmentId: two!.main, officerUserCode: "cv.tckh", due: { workingDays: 2 } });
      expect(c.statements).toHaveLength(2);
      expect(c.statements.every((s) => /(pool|queryRawUnsafe): (SELECT|WITH)/.test(s))).toBe(true);
    } finally {
      c.restore();
    }
    expect(await db.prisma.assignment.count({ where: { parentId: { in: [one!.main, two!.main] } } })).toBe(2);
  });
});
