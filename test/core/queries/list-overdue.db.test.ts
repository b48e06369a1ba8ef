import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors.ts";
import { listOverdue } from "../../../core/queries/list-overdue.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { assignmentIdOf, buildVisibilityScene, markCompleted, markDelegated } from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
const deps = () => createTestDeps(db.prisma, { clock });
const overdue = (user: string, unitCode?: string) => listOverdue(deps(), { actorUserId: org.users[user]!, ...(unitCode ? { unitCode } : {}) });
const shape = (r: Awaited<ReturnType<typeof overdue>>) => r.groups.map((g) => [g.unit.code, g.items.map((i) => `${i.displayRef}:${i.daysOverdue}`)]);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z"); // Tuesday 09:00 in Hà Nội
  org = await setupExampleOrg(deps());
  // D1 main TCKH due Fri 04/12; D2 main TP due Tue 08/12 (NC for information, on paper, no deadline).
  await buildVisibilityScene(deps(), org);
});

describe("listOverdue", () => {
  it("nothing is overdue before the deadlines", async () => {
    expect(await overdue("cvp")).toMatchObject({ total: 0, groups: [] });
  });

  it("the office sees every unit, with working days overdue (weekend not counted)", async () => {
    clock.set("2026-12-09T02:00:00Z"); // Wednesday 09:00
    const r = await overdue("cvp");
    expect(r.asOf).toEqual(new Date("2026-12-09T02:00:00Z"));
    expect(r.total).toBe(2);
    // D1: Mon 07, Tue 08, Wed 09 = 3 working days; D2: Wed 09 = 1.
    expect(shape(r)).toEqual([
      ["TCKH", ["D1-TCKH:3"]],
      ["TP", ["D2-TP:1"]],
    ]);
    expect(r.groups[0]!.unit.name).toBe("Sở Tài chính");
    expect(r.groups[0]!.items[0]).toMatchObject({
      ref: "D1/2026-TCKH",
      role: "MAIN",
      status: "ASSIGNED",
      subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027",
      assignee: null,
      isPaper: false,
    });
    for (const user of ["chutich", "vanthu"]) expect(shape(await overdue(user))).toEqual(shape(r));
    expect(shape(await overdue("cvp", "tp"))).toEqual([["TP", ["D2-TP:1"]]]);
  });

  it("completed work is not overdue; a delegation is not counted twice for the office", async () => {
    const d1 = await assignmentIdOf(db.prisma, "D1/2026-TCKH");
    await markDelegated(db.prisma, d1, org.users["cv.tckh"]!, clock.now());
    await markCompleted(db.prisma, await assignmentIdOf(db.prisma, "D2/2026-TP"), org.users["tp.tp"]!, clock.now());
    clock.set("2026-12-09T02:00:00Z");
    expect(shape(await overdue("cvp"))).toEqual([["TCKH", ["D1-TCKH:3"]]]);
    // The unit head sees which officer is late; the officer sees their own.
    const head = await overdue("tp.tckh");
    expect(shape(head)).toEqual([["TCKH", ["D1-TCKH:3", "D1-TCKH-cv.tckh:3"]]]);
    expect(head.groups[0]!.items[1]!.assignee).toEqual({ code: "cv.tckh", name: "Hoàng Văn Em" });
    expect(shape(await overdue("cv.tckh"))).toEqual([["TCKH", ["D1-TCKH-cv.tckh:3"]]]);
  });

  it("a unit head sees their unit only, and may not ask for another", async () => {
    clock.set("2026-12-09T02:00:00Z");
    expect(shape(await overdue("tp.tp"))).toEqual([["TP", ["D2-TP:1"]]]);
    expect(shape(await overdue("tp.tp", "TP"))).toEqual([["TP", ["D2-TP:1"]]]);
    expect(((await overdue("tp.tp", "TCKH").catch((e: unknown) => e)) as DomainError).code).toBe("FORBIDDEN");
    expect(((await overdue("cvp", "XYZ").catch((e: unknown) => e)) as DomainError).code).toBe("UNIT_NOT_FOUND");
    expect(await overdue("ct.nb")).toMatchObject({ total: 0, groups: [] });
  });

  it("goes overdue the moment the deadline's day ends in the office zone", async () => {
    clock.set("2026-12-04T16:59:59.000Z"); // Fri 23:59:59 Hà Nội: still due today
    expect((await overdue("cvp")).total).toBe(0);
    clock.set("2026-12-04T17:00:00.000Z"); // Sat 00:00
    expect(shape(await overdue("cvp"))).toEqual([["TCKH", ["D1-TCKH:1"]]]);
  });
});
