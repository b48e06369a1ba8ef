import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors.ts";
import { getAssignmentByRef, type GetAssignmentByRefInput } from "../../../core/queries/get-assignment.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import {
  DIRECTIVE_TEXT,
  assignmentIdOf,
  buildVisibilityScene,
  directSample,
  markAcknowledged,
  markDelegated,
  requestExtension,
  type VisibilityScene,
} from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let scene: VisibilityScene;
const deps = () => createTestDeps(db.prisma, { clock });
const get = (user: string, ref: GetAssignmentByRefInput["ref"]) => getAssignmentByRef(deps(), { actorUserId: org.users[user]!, ref });
const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as DomainError).code;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z"); // Tuesday 09:00 in Hà Nội
  org = await setupExampleOrg(deps());
  scene = await buildVisibilityScene(deps(), org);
});

describe("getAssignmentByRef", () => {
  it("resolves D1-TCKH (this year, any case) with the ids, deadline and directive the bots need", async () => {
    const a = await get("tp.tckh", { number: 1, unitCode: "tckh" });
    expect(a).toMatchObject({
      assignmentId: await assignmentIdOf(db.prisma, "D1/2026-TCKH"),
      documentId: scene.tckh.documentId,
      ref: "D1/2026-TCKH",
      displayRef: "D1-TCKH",
      documentDisplayRef: "D1",
      subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027",
      code: "45/STC-NS",
      status: "ASSIGNED",
      role: "MAIN",
      dueAt: new Date("2026-12-04T16:59:59.999Z"),
      workingDaysLeft: 3, // Tue 01/12 → Fri 04/12
      isOverdue: false,
      parentId: null,
      unit: { code: "TCKH", name: "Sở Tài chính" },
      assignee: null,
      directiveText: DIRECTIVE_TEXT,
      actions: ["ack", "delegate", "progress", "complete", "return", "extend"],
    });
  });

  it("gives each person the actions they may take now", async () => {
    const id = await assignmentIdOf(db.prisma, "D1/2026-TCKH");
    expect((await get("chutich", { number: 1, unitCode: "TCKH" })).actions).toEqual([]); // sees it, does not hold it
    expect((await get("tp.nv", { number: 1, unitCode: "NV" })).actions).toEqual(["ack"]); // for information only
    await markAcknowledged(db.prisma, id, org.users["tp.tckh"]!, clock.now());
    expect((await get("tp.tckh", { number: 1, unitCode: "TCKH" })).actions).toEqual(["delegate", "progress", "complete", "return", "extend"]);
    await requestExtension(db.prisma, id, org.users["tp.tckh"]!, new Date("2026-12-11T16:59:59.999Z"), clock.now());
    const pending = await get("tp.tckh", { number: 1, unitCode: "TCKH" });
    expect(pending.hasPendingExtension).toBe(true);
    expect(pending.actions).toEqual(["delegate", "progress", "complete", "return"]);
  });

  it("resolves a delegation D1-TCKH-cv.tckh for the officer, who sees nothing before it", async () => {
    expect(await codeOf(get("cv.tckh", { number: 1, unitCode: "TCKH" }))).toBe("ASSIGNMENT_NOT_FOUND");
    const parent = await assignmentIdOf(db.prisma, "D1/2026-TCKH");
    const child = await markDelegated(db.prisma, parent, org.users["cv.tckh"]!, clock.now());
    const a = await get("cv.tckh", { number: 1, unitCode: "TCKH", officerCode: "CV.TCKH" });
    expect(a).toMatchObject({
      assignmentId: child,
      parentId: parent,
      displayRef: "D1-TCKH-cv.tckh",
      assignee: { code: "cv.tckh", name: "Hoàng Văn Em" },
      actions: ["ack", "progress", "complete"],
    });
    // The unit's own assignment: visible to the officer (same document), but not theirs to act on.
    expect(await get("cv.tckh", { number: 1, unitCode: "TCKH" })).toMatchObject({ assignmentId: parent, status: "IN_PROGRESS", actions: [] });
    expect(await codeOf(get("cv.tckh", { number: 1, unitCode: "TCKH", officerCode: "cv.tp" }))).toBe("ASSIGNMENT_NOT_FOUND");
  });

  it("prefers the open assignment when an earlier directive's was cancelled", async () => {
    const first = await assignmentIdOf(db.prisma, "D2/2026-TP");
    await directSample(deps(), org, scene.tp.documentId, { text: "Bổ sung: Sở Tư pháp chủ trì, TCKH phối hợp.", main: "TP", coordinate: ["TCKH"], due: { date: "2026-12-09" } });
    const a = await get("tp.tp", { number: 2, unitCode: "TP" });
    expect(a.assignmentId).not.toBe(first);
    expect(a).toMatchObject({ status: "ASSIGNED", directiveText: "Bổ sung: Sở Tư pháp chủ trì, TCKH phối hợp." });
  });

  it("refuses unknown and invisible assignments the same way", async () => {
    expect(await codeOf(get("ct.nb", { number: 1, unitCode: "TCKH" }))).toBe("ASSIGNMENT_NOT_FOUND"); // exists, not visible
    expect(await codeOf(get("tp.tckh", { number: 1, unitCode: "NB" }))).toBe("ASSIGNMENT_NOT_FOUND"); // no such unit share
    expect(await codeOf(get("tp.tckh", { number: 1, year: 2025, unitCode: "TCKH" }))).toBe("ASSIGNMENT_NOT_FOUND");
    expect(await codeOf(get("tp.tckh", { number: 1, unitCode: "" }))).toBe("VALIDATION");
  });
});
