import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueDirective, previewDirective } from "../../../core/directives/issue-directive.ts";
import type { IssueDirectiveInput } from "../../../core/directives/plan-directive.ts";
import type { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let docId: string;
let files: ReturnType<typeof createMemoryFileStore>;
const deps = () => createTestDeps(db.prisma, { clock, files });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  // Tuesday 1 December 2026, 09:00 in Hà Nội.
  clock = createTestClock("2026-12-01T02:00:00Z");
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
  docId = (await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] })).documentId;
  await db.prisma.outboxMessage.deleteMany();
});

const TEXT = "Giao Sở Tài chính chủ trì, phối hợp Sở Tư pháp tham mưu UBND tỉnh trả lời trước ngày 20/12.";
const direct = (over: Partial<IssueDirectiveInput> = {}) =>
  issueDirective(deps(), {
    actorUserId: org.users.chutich!,
    documentId: docId,
    text: TEXT,
    main: "TCKH",
    coordinate: ["TP", "VP"],
    info: ["NB"],
    due: { date: "2026-12-21" },
    ...over,
  });
const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as DomainError).code;

describe("issueDirective", () => {
  it("creates one assignment per unit with refs, deadlines and reminder times, and tells each unit's heads", async () => {
    const r = await direct();
    expect(r.assignments.map((a) => [a.ref, a.role, a.isPaper])).toEqual([
      ["D1/2026-TCKH", "MAIN", false],
      ["D1/2026-TP", "COORDINATE", false],
      ["D1/2026-VP", "COORDINATE", false],
      ["D1/2026-NB", "INFO", false],
    ]);
    const rows = await db.prisma.assignment.findMany({
      orderBy: { createdAt: "asc" },
      select: { ref: true, dueAt: true, originalDueAt: true, nextReminderAt: true, reminderStep: true, status: true },
    });
    const main = rows.find((a) => a.ref === "D1/2026-TCKH")!;
    // 21/12/2026 ends at 23:59:59.999 Hà Nội time.
    expect(main.dueAt?.toISOString()).toBe("2026-12-21T16:59:59.999Z");
    expect(main.originalDueAt).toEqual(main.dueAt);
    // Not acknowledged 4 working hours after 09:00 (lunch 11:30–13:00) → 14:30 the same day.
    expect(main).toMatchObject({ status: "ASSIGNED", reminderStep: "ACK_REMINDER" });
    expect(main.nextReminderAt?.toISOString()).toBe("2026-12-01T07:30:00.000Z");
    expect(rows.find((a) => a.ref === "D1/2026-NB")!.nextReminderAt).toBeNull();
    const outbox = await db.prisma.outboxMessage.findMany({ select: { userId: true, kind: true } });
    const heads = [org.users["tp.tckh"], org.users["tp.tp"], org.users.cvp, org.users["ct.nb"]].sort();
    expect(outbox.map((o) => o.userId).sort()).toEqual(heads);
    expect(outbox.every((o) => o.kind === "assignment.new")).toBe(true);
    const doc = await db.prisma.document.findUniqueOrThrow({ where: { id: docId }, select: { status: true, dueAt: true } });
    expect(doc).toEqual({ status: "ASSIGNED", dueAt: main.dueAt });
  });

  it("keeps the directive text verbatim, HTML included", async () => {
    const text = `Giao <b>TCKH</b> & <script>alert(1)</script>\n\n  thụt đầu dòng  `;
    const r = await direct({ text });
    expect((await db.prisma.directive.findUniqueOrThrow({ where: { id: r.directiveId } })).text).toBe(text);
  });

  it("puts units without an account on the office's paper list", async () => {
    await direct({ info: ["NC"] });
    const nc = await db.prisma.assignment.findFirstOrThrow({ where: { unit: { code: "NC" } }, select: { id: true, isPaper: true, nextReminderAt: true } });
    expect(nc.isPaper).toBe(true);
    expect(nc.nextReminderAt).toBeNull();
    const paper = await db.prisma.outboxMessage.findMany({ where: { kind: "assignment.paper" }, select: { userId: true } });
    expect(paper.map((p) => p.userId).sort()).toEqual([org.users.cvp, org.users["cv.vp"]].sort());
  });

  it("records a clerk entering a paper directive on a leader's behalf, and refuses one without a leader", async () => {
    expect(await codeOf(direct({ actorUserId: org.users.vanthu! }))).toBe("DIRECTIVE_NEEDS_LEADER");
    const r = await direct({ actorUserId: org.users.vanthu!, onBehalfOfUserCode: "ChuTich" });
    const d = await db.prisma.directive.findUniqueOrThrow({ where: { id: r.directiveId } });
    expect([d.authorId, d.enteredById]).toEqual([org.users.chutich, org.users.vanthu]);
    expect(await codeOf(direct({ actorUserId: org.users.vanthu!, onBehalfOfUserCode: "tp.tckh" }))).toBe("DIRECTIVE_LEADER_UNKNOWN");
    expect(await codeOf(direct({ actorUserId: org.users["tp.tckh"]! }))).toBe("FORBIDDEN");
  });

  it("counts 'N working days' across Tết", async () => {
    clock.set("2026-02-13T02:00:00Z"); // Friday before Tết 2026 (16–20/02 off)
    const r = await direct({ due: { workingDays: 3 } });
    expect(r.assignments[0]!.dueAt?.toISOString()).toBe("2026-02-25T16:59:59.999Z");
  });

  it("validates units, roles, deadlines and the document", async () => {
    expect(await codeOf(direct({ main: "XYZ" }))).toBe("UNIT_NOT_FOUND");
    expect(await codeOf(direct({ coordinate: ["TCKH"] }))).toBe("UNIT_TWICE");
    expect(await codeOf(direct({ due: { date: "2026-11-30" } }))).toBe("DEADLINE_IN_PAST");
    expect(await codeOf(direct({ coordinateDue: { date: "2026-12-22" } }))).toBe("COORDINATE_DUE_AFTER_MAIN");
    expect(await codeOf(direct({ text: "   " }))).toBe("DIRECTIVE_TEXT_EMPTY");
    const secret = await registerSample(deps(), org, { secrecy: "TOP_SECRET" });
    expect(await codeOf(direct({ documentId: secret.documentId }))).toBe("DOCUMENT_SECRET");
    expect(await db.prisma.assignment.count()).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { type: "action.refused" } })).toBe(6);
  });

  it("previews exactly what would be recorded without writing", async () => {
    const plan = await previewDirective(deps(), { actorUserId: org.users.chutich!, documentId: docId, text: TEXT, main: "tckh", coordinate: ["tp"], due: { workingDays: 5 } });
    expect(plan.assignments.map((a) => [a.unitName, a.role, a.workingDaysLeft])).toEqual([
      ["Sở Tài chính", "MAIN", 5],
      ["Sở Tư pháp", "COORDINATE", 5],
    ]);
    expect(await db.prisma.directive.count()).toBe(0);
  });

  it("supersedes: a correction is a new directive; the old text stays and its open assignments are cancelled", async () => {
    const first = await direct();
    const second = await direct({ text: "Sửa: giao Sở Tư pháp chủ trì.", main: "TP", coordinate: [], info: [] });
    expect(second.supersedesId).toBe(first.directiveId);
    expect((await db.prisma.directive.findUniqueOrThrow({ where: { id: first.directiveId } })).text).toBe(TEXT);
    const statuses = await db.prisma.assignment.findMany({ where: { directiveId: first.directiveId }, select: { status: true, nextReminderAt: true } });
    expect(statuses.every((s) => s.status === "CANCELLED" && s.nextReminderAt === null)).toBe(true);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.cancelled" } })).toBe(4);
    expect(await db.prisma.assignment.count({ where: { directiveId: second.directiveId, status: "ASSIGNED" } })).toBe(1);
  });

  it("re-stamps the copy with the routing", async () => {
    await direct();
    const stamped = await db.prisma.storedFile.findMany({ where: { documentId: docId, kind: "STAMPED" } });
    expect(stamped).toHaveLength(1);
    const { execFileSync } = await import("node:child_process");
    const latest = stamped[0]!;
    const text = execFileSync("pdftotext", ["-l", "1", "-", "-"], { input: Buffer.from(await files.readBytes(latest.sha256)) }).toString();
    expect(text.replace(/\s+/g, " ")).toContain("TCKH (chủ trì); TP, VP (phối hợp); NB (nhận để biết)");
  });
});

describe("the deadline the sender asked for (requestedDueDate: an interchange package's DueDate)", () => {
  const ask = (date: string) => db.prisma.document.update({ where: { id: docId }, data: { requestedDueDate: new Date(`${date}T00:00:00Z`) } });

  it("is the main unit's deadline when none is given, and the plan says so", async () => {
    await ask("2026-12-18");
    const r = await direct({ due: undefined });
    const main = r.assignments.find((a) => a.role === "MAIN")!;
    // Friday 18/12/2026 ends at 23:59:59.999 Hà Nội time; coordinators default to it.
    expect(main.dueAt?.toISOString()).toBe("2026-12-18T16:59:59.999Z");
    expect(r.assignments.find((a) => a.role === "COORDINATE")!.dueAt).toEqual(main.dueAt);
    expect(r.requestedDue).toEqual({ requested: "2026-12-18", due: "2026-12-18", isUsed: true });
  });

  it("falls on the last working day not after the date asked for (a Sunday gives the Friday)", async () => {
    await ask("2026-12-20");
    const plan = await previewDirective(deps(), { actorUserId: org.users.chutich!, documentId: docId, text: TEXT, main: "TCKH" });
    expect(plan.requestedDue).toEqual({ requested: "2026-12-20", due: "2026-12-18", isUsed: true });
    expect(plan.assignments[0]!.dueAt?.toISOString()).toBe("2026-12-18T16:59:59.999Z");
  });

  it("yields to a deadline the leader gives, and is still shown", async () => {
    await ask("2026-12-18");
    const r = await direct({ due: { date: "2026-12-21" } });
    expect(r.assignments[0]!.dueAt?.toISOString()).toBe("2026-12-21T16:59:59.999Z");
    expect(r.requestedDue).toEqual({ requested: "2026-12-18", due: "2026-12-18", isUsed: false });
  });

  it("refuses a directive with no deadline on a document that asks for none, and one whose asked date has passed", async () => {
    expect(await codeOf(direct({ due: undefined }))).toBe("DIRECTIVE_NO_DUE");
    await ask("2026-11-30");
    const err = (await direct({ due: undefined }).catch((e: unknown) => e)) as DomainError;
    expect(err.code).toBe("REQUESTED_DEADLINE_PASSED");
    expect(err.params).toEqual({ date: "30/11/2026" });
    expect(await db.prisma.directive.count()).toBe(0);
  });
});
