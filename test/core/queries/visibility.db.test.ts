// The visibility matrix: each role × each kind of document, checked through both read paths
// (a document by ref, and search), which share the one rule of core/queries/visibility.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors.ts";
import { getDocumentByRef } from "../../../core/queries/get-document.ts";
import { searchDocuments } from "../../../core/queries/search-documents.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { assignmentIdOf, buildVisibilityScene, directSample, markCompleted, markDelegated, type VisibilityScene } from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let scene: VisibilityScene;
const deps = () => createTestDeps(db.prisma, { clock });

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

type DocName = keyof VisibilityScene;
const NAMES: DocName[] = ["tckh", "tp", "secret", "undirected"];

/** Which of the scene's documents `user` can open by ref (D1, D2, M1, D3). */
const openable = async (user: string): Promise<DocName[]> => {
  const out: DocName[] = [];
  for (const name of NAMES) {
    const [, prefix, number] = /^([A-Z]+)(\d+)\//.exec(scene[name].ref)!;
    const kind = prefix === "M" ? "IN_SECRET" : "IN";
    const r = await getDocumentByRef(deps(), { actorUserId: org.users[user]!, ref: { kind, number: Number(number) } }).catch((e: DomainError) => e);
    if ("documentId" in r) out.push(name);
    else expect(r.code).toBe("DOCUMENT_NOT_FOUND");
  }
  return out;
};
/** Which of them `user` finds by searching a word every subject has ("V/v"). */
const searchable = async (user: string): Promise<DocName[]> => {
  const { hits } = await searchDocuments(deps(), { actorUserId: org.users[user]!, query: "V/v", limit: 50 });
  return NAMES.filter((n) => hits.some((h) => h.documentId === scene[n].documentId));
};

describe("who sees which document", () => {
  const MATRIX: [string, DocName[]][] = [
    ["chutich", ["tckh", "tp", "secret", "undirected"]], // LEADER
    ["pct", ["tckh", "tp", "secret", "undirected"]], // LEADER (not the author: leaders see all)
    ["vanthu", ["tckh", "tp", "secret", "undirected"]], // CLERK
    ["cvp", ["tckh", "tp", "secret", "undirected"]], // UNIT_HEAD + MONITOR (the office)
    ["cv.vp", ["tckh", "tp", "secret", "undirected"]], // OFFICER + MONITOR
    ["admin", ["tckh", "tp", "undirected"]], // ADMIN: everything but secret metadata
    ["tp.tckh", ["tckh"]], // head of the main unit
    ["tp.nv", ["tckh"]], // head of a for-information unit
    ["tp.tp", ["tp"]],
    ["cv.tckh", []], // officer: nothing until work is delegated to them
    ["cv.tp", []],
    ["ct.nb", []], // a ward with no assignment
  ];
  for (const [user, expected] of MATRIX) {
    it(`${user} sees ${expected.join(", ") || "nothing"}`, async () => {
      expect(await openable(user)).toEqual(expected);
      expect(await searchable(user)).toEqual(expected);
    });
  }

  it("refuses an invisible document exactly like a missing one, and audits the refusal", async () => {
    const invisible = await getDocumentByRef(deps(), { actorUserId: org.users["ct.nb"]!, ref: { number: 1 } }).catch((e: DomainError) => e);
    const missing = await getDocumentByRef(deps(), { actorUserId: org.users["ct.nb"]!, ref: { number: 999 } }).catch((e: DomainError) => e);
    expect(invisible).toMatchObject({ code: "DOCUMENT_NOT_FOUND", messageKey: "document.notFound" });
    expect(missing).toMatchObject({ code: "DOCUMENT_NOT_FOUND", messageKey: "document.notFound" });
    const refused = await db.prisma.auditEvent.findMany({ where: { type: "action.refused", actorUserId: org.users["ct.nb"] }, select: { data: true } });
    expect(refused.map((r) => (r.data as { code: string }).code)).toEqual(["DOCUMENT_NOT_FOUND", "DOCUMENT_NOT_FOUND"]);
  });

  it("an officer sees a document once work on it is delegated to them, and keeps seeing it when done", async () => {
    const parent = await assignmentIdOf(db.prisma, "D1/2026-TCKH");
    const child = await markDelegated(db.prisma, parent, org.users["cv.tckh"]!, clock.now());
    expect(await openable("cv.tckh")).toEqual(["tckh"]);
    expect(await openable("cv.tp")).toEqual([]);
    await markCompleted(db.prisma, child, org.users["cv.tckh"]!, clock.now());
    expect(await openable("cv.tckh")).toEqual(["tckh"]);
  });

  it("a superseded directive's cancelled assignment no longer shows the document to that unit", async () => {
    // The leader corrects D2: Tư pháp was wrong, TCKH handles it.
    await directSample(deps(), org, scene.tp.documentId, { text: "Sửa: giao Phòng TCKH chủ trì.", main: "TCKH", info: [], due: { date: "2026-12-08" } });
    expect(await openable("tp.tp")).toEqual([]);
    expect(await openable("tp.tckh")).toEqual(["tckh", "tp"]);
    expect(await openable("chutich")).toEqual(["tckh", "tp", "secret", "undirected"]);
  });

  it("an inactive or unknown person is refused", async () => {
    await db.prisma.user.update({ where: { id: org.users["tp.tckh"]! }, data: { active: false } });
    const r = await getDocumentByRef(deps(), { actorUserId: org.users["tp.tckh"]!, ref: { number: 1 } }).catch((e: DomainError) => e);
    expect((r as DomainError).code).toBe("ACTOR_UNKNOWN");
  });
});
