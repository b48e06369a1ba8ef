import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listMyTasks, type AssignmentTask, type TaskItem } from "../../../core/queries/list-my-tasks.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { DIRECTIVE_TEXT, assignmentIdOf, directSample, markAcknowledged, markCompleted, markDelegated, requestExtension } from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
const deps = () => createTestDeps(db.prisma, { clock });
const tasksOf = async (user: string): Promise<TaskItem[]> => (await listMyTasks(deps(), { actorUserId: org.users[user]! })).items;
const refs = (items: TaskItem[]) => items.map((i) => `${i.kind}:${i.displayRef}`);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z"); // Tuesday 09:00 in Hà Nội
  org = await setupExampleOrg(deps());
});

/** Registers a document and directs it to TCKH with a deadline; returns its id. */
const directed = async (subject: string, urgency: "NORMAL" | "FLASH", due: string | null, role: "main" | "info" = "main") => {
  const doc = await registerSample(deps(), org, { subject, urgency });
  clock.advance(60_000);
  await directSample(deps(), org, doc.documentId, role === "main" ? { main: "TCKH", due: { date: due! } } : { main: "TP", info: ["TCKH"], due: { date: "2026-12-21" } });
  return doc;
};

describe("listMyTasks", () => {
  it("a unit head: the unit's open assignments, earliest deadline first, then most urgent, no deadline last", async () => {
    await directed("Việc A thường, hạn 15/12", "NORMAL", "2026-12-15"); // D1
    await directed("Việc B hỏa tốc, hạn 15/12", "FLASH", "2026-12-15"); // D2
    await directed("Việc C, hạn 03/12", "NORMAL", "2026-12-03"); // D3
    await directed("Để biết", "NORMAL", null, "info"); // D4: TCKH for information
    await directed("Đã xong", "NORMAL", "2026-12-04"); // D5
    await markCompleted(db.prisma, await assignmentIdOf(db.prisma, "D5/2026-TCKH"), org.users["tp.tckh"]!, clock.now());
    await directed("Để biết, đã nhận", "NORMAL", null, "info"); // D6
    await markAcknowledged(db.prisma, await assignmentIdOf(db.prisma, "D6/2026-TCKH"), org.users["tp.tckh"]!, clock.now());

    const items = await tasksOf("tp.tckh");
    expect(refs(items)).toEqual(["assignment:D3-TCKH", "assignment:D2-TCKH", "assignment:D1-TCKH", "assignment:D4-TCKH"]);
    const first = items[0] as AssignmentTask;
    expect(first).toMatchObject({
      ref: "D3/2026-TCKH",
      documentRef: "D3/2026",
      documentDisplayRef: "D3",
      subject: "Việc C, hạn 03/12",
      issuer: "Sở Tài chính tỉnh Bình Định",
      code: "45/STC-NS",
      role: "MAIN",
      status: "ASSIGNED",
      urgency: "NORMAL",
      dueAt: new Date("2026-12-03T16:59:59.999Z"),
      workingDaysLeft: 2,
      isOverdue: false,
      isDelegated: false,
      directiveText: DIRECTIVE_TEXT,
      actions: ["ack", "delegate", "progress", "complete", "return", "extend"],
    });
    expect(items[3]).toMatchObject({ role: "INFO", dueAt: null, workingDaysLeft: null, isOverdue: false });
    // Another unit's head sees only their own (TP is main on D4 and D6).
    expect(refs(await tasksOf("tp.tp"))).toEqual(["assignment:D4-TP", "assignment:D6-TP"]);
    expect(await tasksOf("ct.nb")).toEqual([]);
  });

  it("an officer: what is delegated to them; the head keeps the unit's assignment", async () => {
    await directed("Việc giao chuyên viên", "NORMAL", "2026-12-15");
    const parent = await assignmentIdOf(db.prisma, "D1/2026-TCKH");
    expect(await tasksOf("cv.tckh")).toEqual([]);
    await markDelegated(db.prisma, parent, org.users["cv.tckh"]!, clock.now(), new Date("2026-12-10T16:59:59.999Z"));
    const mine = await tasksOf("cv.tckh");
    expect(refs(mine)).toEqual(["assignment:D1-TCKH-cv.tckh"]);
    expect(mine[0]).toMatchObject({ isDelegated: true, status: "ASSIGNED", actions: ["ack", "progress", "complete"], dueAt: new Date("2026-12-10T16:59:59.999Z") });
    expect(refs(await tasksOf("tp.tckh"))).toEqual(["assignment:D1-TCKH"]);
    expect((await tasksOf("tp.tckh"))[0]).toMatchObject({ status: "IN_PROGRESS" });
  });

  it("an overdue task says so, with negative working days left", async () => {
    await directed("Việc trễ", "NORMAL", "2026-12-03");
    clock.set("2026-12-07T02:00:00Z"); // Monday after: Fri 04 and Mon 07 are past the deadline
    expect((await tasksOf("tp.tckh"))[0]).toMatchObject({ isOverdue: true, workingDaysLeft: -2 });
  });

  it("a leader: documents to direct (never secret ones) and extension requests on their own directives", async () => {
    await directed("Đã chỉ đạo", "NORMAL", "2026-12-10"); // D1, directed by chutich
    const waiting = await registerSample(deps(), org, { subject: "Chờ chỉ đạo, hỏa tốc", urgency: "FLASH" }); // D2
    await registerSample(deps(), org, { subject: "Chờ chỉ đạo" }); // D3
    await registerSample(deps(), org, { subject: "Mật", secrecy: "CONFIDENTIAL" }); // M1
    const main = await assignmentIdOf(db.prisma, "D1/2026-TCKH");
    await requestExtension(db.prisma, main, org.users["tp.tckh"]!, new Date("2026-12-17T16:59:59.999Z"), clock.now());

    const items = await tasksOf("chutich");
    expect(refs(items)).toEqual(["extensionRequest:D1-TCKH", "toDirect:D2", "toDirect:D3"]);
    expect(items[0]).toMatchObject({
      kind: "extensionRequest",
      assignmentId: main,
      unit: { code: "TCKH" },
      dueAt: new Date("2026-12-10T16:59:59.999Z"),
      requestedDueAt: new Date("2026-12-17T16:59:59.999Z"),
      reason: "Cần thêm thời gian lấy ý kiến các phường.",
      requestedByName: "Phạm Thị Dung",
    });
    expect(items[1]).toMatchObject({ kind: "toDirect", documentId: waiting.documentId, urgency: "FLASH", dueAt: null });
    // The other leader did not give that directive: no extension request for them.
    expect(refs(await tasksOf("pct"))).toEqual(["toDirect:D2", "toDirect:D3"]);
    // Clerks and the office have no tasks of their own here.
    expect(await tasksOf("vanthu")).toEqual([]);
  });
});
