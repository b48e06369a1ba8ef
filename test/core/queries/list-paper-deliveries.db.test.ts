import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors.ts";
import { listPaperDeliveries } from "../../../core/queries/list-paper-deliveries.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { assignmentIdOf, buildVisibilityScene, directSample, markAcknowledged, type VisibilityScene } from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let scene: VisibilityScene;
const deps = () => createTestDeps(db.prisma, { clock });
const paper = (user: string) => listPaperDeliveries(deps(), { actorUserId: org.users[user]! });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  org = await setupExampleOrg(deps());
  scene = await buildVisibilityScene(deps(), org); // D2: NC (no account) for information, on paper
});

describe("listPaperDeliveries", () => {
  it("lists the paper units' assignments not yet handed over, most urgent first", async () => {
    await directSample(deps(), org, scene.undirected.documentId, { text: "Giao xã Nhơn Châu báo cáo.", main: "NC", due: { date: "2026-12-11" } });
    const { items } = await paper("cvp");
    expect(items.map((i) => i.displayRef)).toEqual(["D2-NC", "D3-NC"]); // D2 is khẩn
    expect(items[1]).toMatchObject({
      unit: { code: "NC", name: "UBND xã Nhơn Châu" },
      role: "MAIN",
      documentDisplayRef: "D3",
      subject: "V/v báo cáo tình hình quản lý đất đai",
      code: "88/STNMT-QLĐĐ",
      directiveText: "Giao xã Nhơn Châu báo cáo.",
      dueAt: new Date("2026-12-11T16:59:59.999Z"),
      workingDaysLeft: 8,
    });
    expect((await paper("vanthu")).items).toHaveLength(2);
    // Handed over (the office recorded the receipt): off the list.
    await markAcknowledged(db.prisma, await assignmentIdOf(db.prisma, "D2/2026-NC"), org.users.cvp!, clock.now());
    expect((await paper("cv.vp")).items.map((i) => i.displayRef)).toEqual(["D3-NC"]);
  });

  it("is for the office and clerks only", async () => {
    for (const user of ["tp.tckh", "chutich", "cv.tckh"]) {
      expect(((await paper(user).catch((e: unknown) => e)) as DomainError).code).toBe("FORBIDDEN");
    }
  });
});
