import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { getDocumentByRef } from "../../../core/queries/get-document.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { DIRECTIVE_TEXT, assignmentIdOf, directSample, markAcknowledged, markDelegated } from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
const deps = () => createTestDeps(db.prisma, { clock, files });
const get = (user: string, ref: Parameters<typeof getDocumentByRef>[1]["ref"]) => getDocumentByRef(deps(), { actorUserId: org.users[user]!, ref });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z"); // Tuesday 09:00 in Hà Nội
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
});

describe("getDocumentByRef", () => {
  it("shows metadata, the stored files and, before any directive, no assignments", async () => {
    const reg = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }], urgency: "URGENT" });
    const doc = await get("chutich", { number: reg.registerNumber });
    expect(doc).toMatchObject({
      documentId: reg.documentId,
      ref: "D1/2026",
      displayRef: "D1",
      direction: "IN",
      code: "45/STC-NS",
      issuer: "Sở Tài chính tỉnh Bình Định",
      issuedDate: "2026-11-20",
      subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027",
      urgency: "URGENT",
      secrecy: "NONE",
      isPaperOnly: false,
      status: "REGISTERED",
      directive: null,
      supersededDirectives: [],
      assignments: [],
    });
    expect(doc.files.map((f) => f.kind).sort()).toEqual(["ORIGINAL", "STAMPED"]);
    expect(doc.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
  });

  it("shows a secret document's metadata to the office, with no files, under its own register (M)", async () => {
    const reg = await registerSample(deps(), org, { secrecy: "SECRET" });
    const doc = await get("cvp", { kind: "IN_SECRET", number: reg.registerNumber });
    expect(doc).toMatchObject({ ref: "M1/2026", displayRef: "M1", secrecy: "SECRET", isPaperOnly: true, files: [] });
    // D1 is a different register: nothing there.
    expect(((await get("cvp", { number: 1 }).catch((e: unknown) => e)) as DomainError).code).toBe("DOCUMENT_NOT_FOUND");
  });

  it("shows the directive in force, the superseded ones, assignments with deadlines, acknowledgements and delegations", async () => {
    const reg = await registerSample(deps(), org);
    await directSample(deps(), org, reg.documentId, { main: "TP", due: { date: "2026-12-10" } });
    clock.advance(3_600_000);
    const corrected = "Sửa: giao Phòng TCKH chủ trì, phối hợp Sở Tư pháp; Sở Nội vụ để biết.";
    await directSample(deps(), org, reg.documentId, {
      actorUserId: org.users.vanthu!,
      onBehalfOfUserCode: "pct",
      text: corrected,
      main: "TCKH",
      coordinate: ["TP"],
      info: ["NV"],
      due: { date: "2026-12-10" },
    });
    const main = await assignmentIdOf(db.prisma, "D1/2026-TCKH");
    clock.advance(3_600_000);
    await markAcknowledged(db.prisma, main, org.users["tp.tckh"]!, clock.now());
    await markDelegated(db.prisma, main, org.users["cv.tckh"]!, clock.now(), new Date("2026-12-08T16:59:59.999Z"));
    // An extension was granted: the deadline in force moved, the original stays.
    await db.prisma.assignment.update({ where: { id: main }, data: { dueAt: new Date("2026-12-15T16:59:59.999Z") } });

    const doc = await get("tp.tckh", { number: 1, year: 2026 });
    expect(doc.status).toBe("ASSIGNED");
    expect(doc.directive).toMatchObject({ text: corrected, authorName: "Đặng Thị Hạnh", enteredByName: "Trần Thị Bình", isEnteredOnBehalf: true });
    expect(doc.supersededDirectives).toHaveLength(1);
    expect(doc.supersededDirectives[0]).toMatchObject({ text: DIRECTIVE_TEXT, authorName: "Nguyễn Văn An", enteredByName: "Nguyễn Văn An", isEnteredOnBehalf: false });

    expect(doc.assignments.map((a) => [a.displayRef, a.role, a.status, a.isCurrent])).toEqual([
      ["D1-TCKH", "MAIN", "IN_PROGRESS", true],
      ["D1-TP", "COORDINATE", "ASSIGNED", true],
      ["D1-NV", "INFO", "ASSIGNED", true],
      ["D1-TP", "MAIN", "CANCELLED", false],
    ]);
    const [tckh, tp, nv, cancelled] = doc.assignments;
    expect(tckh).toMatchObject({
      unit: { code: "TCKH", name: "Sở Tài chính" },
      dueAt: new Date("2026-12-15T16:59:59.999Z"),
      originalDueAt: new Date("2026-12-10T16:59:59.999Z"),
      workingDaysLeft: 10, // Tue 01/12 → Tue 15/12
      isOverdue: false,
      acknowledgedByName: "Phạm Thị Dung",
      ackChannel: "TELEGRAM",
      assignee: null,
      actions: ["delegate", "progress", "complete", "extend"],
    });
    expect(tckh!.children).toHaveLength(1);
    expect(tckh!.children[0]).toMatchObject({
      displayRef: "D1-TCKH-cv.tckh",
      status: "ASSIGNED",
      assignee: { code: "cv.tckh", name: "Hoàng Văn Em" },
      dueAt: new Date("2026-12-08T16:59:59.999Z"),
      children: [],
    });
    expect(tp!.actions).toEqual([]); // tp.tckh is not Tư pháp's head
    expect(nv!.dueAt).toBeNull();
    expect(cancelled).toMatchObject({ workingDaysLeft: null, isOverdue: false, actions: [] });
  });

  it("reads a ref without a year as the current year in the office zone", async () => {
    await registerSample(deps(), org); // D1/2026
    // 31/12/2026 23:30 in Hà Nội is already 2027 there (16:30 UTC is still 2026 in UTC).
    clock.set("2026-12-31T17:30:00Z");
    expect(((await get("chutich", { number: 1 }).catch((e: unknown) => e)) as DomainError).code).toBe("DOCUMENT_NOT_FOUND");
    const doc = await get("chutich", { number: 1, year: 2026 });
    expect([doc.ref, doc.displayRef]).toEqual(["D1/2026", "D1/2026"]);
  });

  it("validates the ref", async () => {
    const r = await getDocumentByRef(deps(), { actorUserId: org.users.chutich!, ref: { number: 0 } }).catch((e: unknown) => e);
    expect((r as DomainError).code).toBe("VALIDATION");
  });
});
