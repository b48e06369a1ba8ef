// Status 05 (đang xử lý) to the sender of a document received through the interchange (docs/EDXML.md,
// "Status messages"): sent when the main unit acknowledges, and so also when a progress report, a
// delegation or a completion acknowledges the unit's main assignment implicitly (straight from
// ASSIGNED). On both paths of each use case: the direct one (one read, one statement) and the
// transactional one, forced by telling the read of another `sentAt` (or, for the completion, of an
// open delegation) so that the guarded write matches nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../../core/assignments/acknowledge-assignment.ts";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { COMPLETE_STATEMENTS } from "../../../core/assignments/complete-direct.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { DELEGATE_STATEMENTS } from "../../../core/assignments/delegate-direct.ts";
import { PROGRESS_STATEMENTS } from "../../../core/assignments/progress-direct.ts";
import { reportProgress } from "../../../core/assignments/report-progress.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import type { HotStatement } from "../../../core/store/direct-sql.ts";
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
const SENDER = "000.00.31.H10";

type Row = Record<string, unknown>;
type Statements = { read: HotStatement; write: HotStatement };

/** The two paths: the direct one (read and write ran), and the transactional one forced from the read. */
const PATHS = [
  { path: "direct", client: (s: Statements) => watchDirect(db.prisma, s), ran: (s: Statements) => [s.read.name, s.write.name] },
  {
    path: "transactional",
    client: (s: Statements) =>
      watchDirect(db.prisma, s, (row: Row) => {
        if (s === COMPLETE_STATEMENTS) row.openDelegation = true;
        else row.sentAt = Number(row.sentAt) - 1;
      }),
    // The completion's direct path stops after its read when it sees an open delegation.
    ran: (s: Statements) => (s === COMPLETE_STATEMENTS ? [s.read.name] : [s.read.name, s.write.name]),
  },
] as const;

/**
 * A document received through the interchange (its package registered, as receive-package.ts leaves it),
 * directed to TCKH (main) and TP (coordinating); the statuses of the registration and the directive cleared.
 */
const receivedAndDirected = async () => {
  const documentId = (await registerSample(deps(), org, { codeNumber: "45", codeNotation: "STC-NS", issuedDate: "2026-11-20" })).documentId;
  const pkg = await db.prisma.interchangePackage.create({
    data: {
      orgId: org.orgId,
      axisDocId: "ax-1",
      fromOrganId: SENDER,
      fromOrganName: "Sở Tài chính tỉnh Bình Định",
      codeNumber: "45",
      codeNotation: "STC-NS",
      promulgationDate: new Date("2026-11-20T00:00:00Z"),
      edxmlDocumentId: "000.00.31.H10,2026/11/20|45/STC-NS",
      state: "REGISTERED",
      documentId,
      receivedAt: clock.now(),
    },
  });
  const r = await issueDirective(deps(), { actorUserId: u("chutich"), documentId, text: "Giao TCKH chủ trì.", main: "TCKH", coordinate: ["TP"], due: { date: "2026-12-21" } });
  await db.prisma.interchangeStatusMessage.deleteMany();
  return { packageId: pkg.id, documentId, main: r.assignments[0]!.assignmentId, coord: r.assignments[1]!.assignmentId };
};

/** The statuses queued for the sender, in the order they go out. */
const statuses = async () =>
  (await db.prisma.interchangeStatusMessage.findMany({ orderBy: { seq: "asc" } })).map((s) => ({
    dedupeKey: s.dedupeKey,
    packageId: s.packageId,
    statusCode: s.statusCode,
    description: s.description,
    toOrganId: s.toOrganId,
    responseCode: s.responseCode,
    responseDate: s.responseDate,
    responseDocumentId: s.responseDocumentId,
    state: s.state,
    nextAttemptAt: s.nextAttemptAt,
    createdAt: s.createdAt,
  }));

/** The 05 row as the acknowledgement writes it. */
const status05 = (packageId: string) => ({
  dedupeKey: `${packageId}:05`,
  packageId,
  statusCode: "05",
  description: "Đơn vị chủ trì đã nhận văn bản và đang xử lý.",
  toOrganId: SENDER,
  responseCode: "45/STC-NS",
  responseDate: new Date("2026-11-20T00:00:00Z"),
  responseDocumentId: "000.00.31.H10,2026/11/20|45/STC-NS",
  state: "PENDING",
  nextAttemptAt: clock.now(),
  createdAt: clock.now(),
});

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

describe.each(PATHS)("status 05 on the $path path", ({ client, ran }) => {
  it("a progress report straight from ASSIGNED on the main assignment queues 05, as the acknowledgement does", async () => {
    const d = await receivedAndDirected();
    clock.advance(3_600_000);
    const c = client(PROGRESS_STATEMENTS);
    await reportProgress(deps(c.prisma), { actorUserId: u("tp.tckh"), assignmentId: d.main, text: "Đang tổng hợp số liệu." });
    expect(c.ran).toEqual(ran(PROGRESS_STATEMENTS));
    expect(await statuses()).toEqual([status05(d.packageId)]);
    // A second report: still the one row.
    clock.advance(60_000);
    await reportProgress(deps(c.prisma), { actorUserId: u("tp.tckh"), assignmentId: d.main, text: "Đã xong phần số liệu." });
    expect(await db.prisma.interchangeStatusMessage.count()).toBe(1);
  });

  it("a delegation straight from ASSIGNED on the main assignment queues 05", async () => {
    const d = await receivedAndDirected();
    clock.advance(3_600_000);
    const c = client(DELEGATE_STATEMENTS);
    await delegateAssignment(deps(c.prisma), { actorUserId: u("tp.tckh"), assignmentId: d.main, officerUserCode: "cv.tckh" });
    expect(c.ran).toEqual(ran(DELEGATE_STATEMENTS));
    expect(await statuses()).toEqual([status05(d.packageId)]);
  });

  it("an assignment already acknowledged: a report or a delegation queues no 05 of its own", async () => {
    const d = await receivedAndDirected();
    await acknowledgeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: d.main });
    expect((await statuses()).map((s) => s.statusCode)).toEqual(["05"]);
    // Take the acknowledgement's row away: whatever comes now would be the report's or the delegation's.
    await db.prisma.interchangeStatusMessage.deleteMany();
    clock.advance(3_600_000);
    const p = client(PROGRESS_STATEMENTS);
    await reportProgress(deps(p.prisma), { actorUserId: u("tp.tckh"), assignmentId: d.main, text: "Đang tổng hợp số liệu." });
    expect(p.ran).toEqual(ran(PROGRESS_STATEMENTS));
    const g = client(DELEGATE_STATEMENTS);
    await delegateAssignment(deps(g.prisma), { actorUserId: u("tp.tckh"), assignmentId: d.main, officerUserCode: "cv.tckh" });
    expect(g.ran).toEqual(ran(DELEGATE_STATEMENTS));
    expect(await statuses()).toEqual([]);
  });

  it("a coordinating unit's report, and an officer's report on delegated work, queue nothing", async () => {
    const d = await receivedAndDirected();
    clock.advance(3_600_000);
    const p = client(PROGRESS_STATEMENTS);
    await reportProgress(deps(p.prisma), { actorUserId: u("tp.tp"), assignmentId: d.coord, text: "Đã góp ý." });
    expect(await statuses()).toEqual([]);
    const delegated = await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: d.main, officerUserCode: "cv.tckh" });
    await db.prisma.interchangeStatusMessage.deleteMany();
    await reportProgress(deps(p.prisma), { actorUserId: u("cv.tckh"), assignmentId: delegated.assignmentId, text: "Đang làm." });
    expect(p.ran).toEqual([...ran(PROGRESS_STATEMENTS), ...ran(PROGRESS_STATEMENTS)]);
    expect(await statuses()).toEqual([]);
  });

  it("a completion straight from ASSIGNED queues 05 and then 06, in that order", async () => {
    const d = await receivedAndDirected();
    clock.advance(3_600_000);
    const c = client(COMPLETE_STATEMENTS);
    await completeAssignment(deps(c.prisma), { actorUserId: u("tp.tckh"), assignmentId: d.main, text: "Đã tham mưu văn bản trả lời." });
    expect(c.ran).toEqual(ran(COMPLETE_STATEMENTS));
    expect(await statuses()).toEqual([
      status05(d.packageId),
      { ...status05(d.packageId), dedupeKey: `${d.packageId}:06`, statusCode: "06", description: "Đã hoàn thành xử lý văn bản." },
    ]);
  });

  it("a completion after the acknowledgement queues only 06", async () => {
    const d = await receivedAndDirected();
    await acknowledgeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: d.main });
    await db.prisma.interchangeStatusMessage.deleteMany();
    clock.advance(3_600_000);
    const c = client(COMPLETE_STATEMENTS);
    await completeAssignment(deps(c.prisma), { actorUserId: u("tp.tckh"), assignmentId: d.main, text: "Đã tham mưu văn bản trả lời." });
    expect((await statuses()).map((s) => s.statusCode)).toEqual(["06"]);
  });
});
