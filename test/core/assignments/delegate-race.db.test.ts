// Two delegations of the same assignment to the same officer at the same moment: both paths read "a
// delegation to them is already open" before they write, so only the database can refuse the second
// (the partial unique index "Assignment_open_delegation_key", migration
// 20261206200000_open_delegation_unique). The loser gets the answer a later duplicate gets.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { DELEGATE_STATEMENTS } from "../../../core/assignments/delegate-direct.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { reportProgress } from "../../../core/assignments/report-progress.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { DomainError } from "../../../core/errors.ts";
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
const N = 10;

type Row = Record<string, unknown>;

/** The unit's main assignment (TCKH), in progress: a delegation's write then changes nothing another one is guarded by. */
const mainInProgress = async () => {
  const documentId = (await registerSample(deps(), org, { codeNumber: "45" })).documentId;
  const r = await issueDirective(deps(), { actorUserId: u("chutich"), documentId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-21" } });
  const main = r.assignments[0]!.assignmentId;
  await reportProgress(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, text: "Đang phân công." });
  clock.advance(3_600_000);
  return main;
};

const delegation = (assignmentId: string) => ({ actorUserId: u("tp.tckh"), assignmentId, officerUserCode: "cv.tckh" });

/** What `attempts` came to: how many delegated, and the codes and params of the refusals. */
const outcomes = async (attempts: Promise<unknown>[]) => {
  const settled = await Promise.allSettled(attempts);
  const refusals = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
  for (const r of refusals) if (!(r instanceof DomainError)) throw r;
  return {
    delegated: settled.filter((s) => s.status === "fulfilled").length,
    refusals: (refusals as DomainError[]).map((e) => ({ code: e.code, key: e.messageKey, params: e.params })),
  };
};

/** What a duplicate made after the first delegation answers (no race): the answer the losers must get. */
const DUPLICATE = { code: "DELEGATION_EXISTS", key: "assignment.delegationExists", params: { user: "cv.tckh" } };

/** The delegation's rows: one officer's assignment, one event, one message to the officer; the refusals audited alike. */
const expectOneDelegation = async (parentId: string, refused: number) => {
  expect(await db.prisma.assignment.count({ where: { parentId } })).toBe(1);
  expect(await db.prisma.auditEvent.count({ where: { type: "assignment.delegated" } })).toBe(1);
  expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.new", userId: u("cv.tckh") } })).toBe(1);
  const audited = await db.prisma.auditEvent.findMany({ where: { type: "action.refused" }, select: { data: true } });
  expect(audited.map((e) => e.data)).toEqual(Array.from({ length: refused }, () => ({ action: "assignment.delegate", code: "DELEGATION_EXISTS", params: { user: "cv.tckh" } })));
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

describe("delegations to the same officer at the same moment", () => {
  it(`${N} on the direct path, every read made before any write: one delegation, ${N - 1} 'already delegated'`, async () => {
    const main = await mainInProgress();
    // Every read sees no open delegation: the writes race.
    let reads = 0;
    let release = () => {};
    const allRead = new Promise<void>((resolve) => (release = resolve));
    const w = watchDirect(db.prisma, DELEGATE_STATEMENTS, async () => {
      if (++reads === N) release();
      await allRead;
    });
    const r = await outcomes(Array.from({ length: N }, () => delegateAssignment(deps(w.prisma), delegation(main))));
    expect(r).toEqual({ delegated: 1, refusals: Array.from({ length: N - 1 }, () => DUPLICATE) });
    expect(reads).toBe(N);
    await expectOneDelegation(main, N - 1);
    // A later duplicate answers the same.
    expect(await outcomes([delegateAssignment(deps(), delegation(main))])).toEqual({ delegated: 0, refusals: [DUPLICATE] });
  });

  it(`${N} on the transactional path: one delegation, ${N - 1} 'already delegated'`, async () => {
    const main = await mainInProgress();
    const forced = watchDirect(db.prisma, DELEGATE_STATEMENTS, (row: Row) => {
      row.sentAt = Number(row.sentAt) - 1;
    });
    const r = await outcomes(Array.from({ length: N }, () => delegateAssignment(deps(forced.prisma), delegation(main))));
    expect(r).toEqual({ delegated: 1, refusals: Array.from({ length: N - 1 }, () => DUPLICATE) });
    await expectOneDelegation(main, N - 1);
  });

  it("the transactional path's check missing an open delegation: the index refuses it with the same answer, nothing written", async () => {
    const main = await mainInProgress();
    await delegateAssignment(deps(), delegation(main));
    const before = await db.prisma.assignment.findUniqueOrThrow({ where: { id: main } });
    // The read is told no delegation is open (and another sentAt, so the direct write does not match);
    // the transaction's count is told none either, as a delegation committed just after it would be.
    const blind = db.prisma.$extends({ query: { assignment: { count: async () => 0 } } }) as unknown as Db;
    const w = watchDirect(blind, DELEGATE_STATEMENTS, (row: Row) => {
      row.officerOpen = false;
      row.sentAt = Number(row.sentAt) - 1;
    });
    clock.advance(60_000);
    expect(await outcomes([delegateAssignment(deps(w.prisma), delegation(main))])).toEqual({ delegated: 0, refusals: [DUPLICATE] });
    expect(w.ran).toEqual([DELEGATE_STATEMENTS.read.name, DELEGATE_STATEMENTS.write.name]);
    await expectOneDelegation(main, 1);
    expect(await db.prisma.assignment.findUniqueOrThrow({ where: { id: main } })).toEqual(before);
  });

  it("a closed delegation does not count: the officer may be given the work again, on either path", async () => {
    const main = await mainInProgress();
    const first = await delegateAssignment(deps(), delegation(main));
    await completeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: first.assignmentId, text: "Đã dự thảo." });
    clock.advance(60_000);
    const second = await delegateAssignment(deps(), delegation(main));
    await completeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: second.assignmentId, text: "Đã sửa dự thảo." });
    clock.advance(60_000);
    const forced = watchDirect(db.prisma, DELEGATE_STATEMENTS, (row: Row) => {
      row.sentAt = Number(row.sentAt) - 1;
    });
    await delegateAssignment(deps(forced.prisma), delegation(main));
    expect(forced.ran).toEqual([DELEGATE_STATEMENTS.read.name, DELEGATE_STATEMENTS.write.name]);
    const children = await db.prisma.assignment.findMany({ where: { parentId: main }, orderBy: { createdAt: "asc" }, select: { status: true, assigneeUserId: true } });
    expect(children).toEqual([
      { status: "COMPLETED", assigneeUserId: u("cv.tckh") },
      { status: "COMPLETED", assigneeUserId: u("cv.tckh") },
      { status: "ASSIGNED", assigneeUserId: u("cv.tckh") },
    ]);
  });
});
