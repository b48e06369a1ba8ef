import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../../core/assignments/acknowledge-assignment.ts";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { decideExtension } from "../../../core/assignments/decide-extension.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { reportProgress } from "../../../core/assignments/report-progress.ts";
import { requestExtension } from "../../../core/assignments/request-extension.ts";
import { returnAssignment } from "../../../core/assignments/return-assignment.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { ASSIGNMENT_TRANSITIONS, DELEGATION_CLOSE_TRANSITION } from "../../../core/workflow/state-machine.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import type { DomainError } from "../../../core/errors.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
let main: string;
let coord: string;
let docId: string;
const deps = () => createTestDeps(db.prisma, { clock, files });
const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as DomainError).code;
const u = (code: string) => org.users[code]!;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
  docId = (await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] })).documentId;
  const r = await issueDirective(deps(), {
    actorUserId: u("chutich"),
    documentId: docId,
    text: "Giao TCKH chủ trì.",
    main: "TCKH",
    coordinate: ["TP"],
    due: { date: "2026-12-21" },
  });
  main = r.assignments[0]!.assignmentId;
  coord = r.assignments[1]!.assignmentId;
  await db.prisma.outboxMessage.deleteMany();
});

describe("acknowledgeAssignment", () => {
  // Race test: it means something on PostgreSQL, where the two taps really run at once on separate
  // connections (the db project runs on PostgreSQL too in `npm test`); on PGlite (one session) they
  // interleave only between statements.
  it("lets one of two concurrent taps win; the other gets 'already acknowledged' and changes nothing", async () => {
    const results = await Promise.allSettled([
      acknowledgeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, channel: "TELEGRAM", messageId: "101" }),
      acknowledgeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, channel: "ZALO", messageId: "202" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as DomainError).code).toBe("ASSIGNMENT_ALREADY_ACKNOWLEDGED");
    // The message shows the ref as people type it this year.
    expect((rejected.reason as DomainError).params.ref).toBe("D1-TCKH");
    const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id: main } });
    expect(a.status).toBe("ACKNOWLEDGED");
    // The winner's channel and message id are kept as evidence.
    expect([
      ["TELEGRAM", "101"],
      ["ZALO", "202"],
    ]).toContainEqual([a.ackChannel, a.ackMessageId]);
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.acknowledged" } })).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { type: "action.refused", data: { path: ["code"], equals: "ASSIGNMENT_ALREADY_ACKNOWLEDGED" } } })).toBe(1);
  });

  it("refuses someone of another unit, and audits it", async () => {
    expect(await codeOf(acknowledgeAssignment(deps(), { actorUserId: u("tp.tp"), assignmentId: main }))).toBe("FORBIDDEN");
    expect(await codeOf(acknowledgeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: main }))).toBe("FORBIDDEN");
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: main } })).status).toBe("ASSIGNED");
    expect(await db.prisma.auditEvent.count({ where: { type: "action.refused" } })).toBe(2);
  });

  it("moves the next reminder from the acknowledgement step to the deadline steps", async () => {
    const before = await db.prisma.assignment.findUniqueOrThrow({ where: { id: main } });
    expect(before.reminderStep).toBe("ACK_REMINDER");
    await acknowledgeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main });
    const after = await db.prisma.assignment.findUniqueOrThrow({ where: { id: main } });
    expect(after.reminderStep).toBe("DUE_SOON");
  });
});

describe("delegation, reports and completion", () => {
  it("runs the whole story: delegate → officer acknowledges → completes with a photo → head completes → document done", async () => {
    const child = await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, officerUserCode: "cv.tckh", due: { date: "2026-12-15" } });
    expect(child.ref).toBe("D1/2026-TCKH-cv.tckh");
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: main } })).status).toBe("IN_PROGRESS");
    expect(await db.prisma.outboxMessage.findMany({ select: { userId: true, kind: true } })).toEqual([{ userId: u("cv.tckh"), kind: "assignment.new" }]);

    await acknowledgeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: child.assignmentId });
    const photo = new Uint8Array(await (await import("node:fs/promises")).readFile("test/fixtures/photo-small.png"));
    const done = await completeAssignment(deps(), {
      actorUserId: u("cv.tckh"),
      assignmentId: child.assignmentId,
      text: "Đã dự thảo văn bản trả lời.",
      files: [{ bytes: photo, fileName: "anh.png" }],
    });
    expect(done.documentDone).toBe(false);
    const report = await db.prisma.report.findUniqueOrThrow({ where: { id: done.reportId }, select: { text: true, files: { select: { kind: true, sha256: true } } } });
    expect(report.text).toBe("Đã dự thảo văn bản trả lời.");
    expect(report.files).toHaveLength(1);
    expect(await files.has(report.files[0]!.sha256)).toBe(true);
    const told = await db.prisma.outboxMessage.findMany({ where: { kind: { in: ["assignment.acknowledged", "assignment.completed"] } }, select: { userId: true, kind: true } });
    expect(told).toEqual(
      expect.arrayContaining([
        { userId: u("tp.tckh"), kind: "assignment.acknowledged" },
        { userId: u("tp.tckh"), kind: "assignment.completed" },
      ]),
    );
    expect(told.some((t) => t.userId === u("cv.tckh"))).toBe(false);

    const final = await completeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, text: "Phòng TCKH đã hoàn thành." });
    expect(final.documentDone).toBe(true);
    expect((await db.prisma.document.findUniqueOrThrow({ where: { id: docId } })).status).toBe("DONE");
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.completed", userId: u("chutich") } })).toBe(1);
    // The coordinator's assignment stays as it was, visible.
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: coord } })).status).toBe("ASSIGNED");
    expect(await codeOf(completeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, text: "Lần nữa" }))).toBe("ASSIGNMENT_ALREADY_COMPLETED");
  });

  it("refuses a delegation to someone outside the unit or later than the unit's deadline", async () => {
    expect(await codeOf(delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, officerUserCode: "cv.tp" }))).toBe("OFFICER_NOT_IN_UNIT");
    expect(await codeOf(delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, officerUserCode: "cv.tckh", due: { date: "2026-12-22" } }))).toBe(
      "DELEGATE_DUE_AFTER_PARENT",
    );
    expect(await codeOf(delegateAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: main, officerUserCode: "cv.tckh" }))).toBe("FORBIDDEN");
  });

  it("tells the leader of the main unit's progress, nobody of their own action", async () => {
    await reportProgress(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, text: "Đang tổng hợp số liệu." });
    expect(await db.prisma.outboxMessage.findMany({ select: { userId: true, kind: true } })).toEqual([{ userId: u("chutich"), kind: "assignment.progress" }]);
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: main } })).status).toBe("IN_PROGRESS");
  });
});

describe("delegated work closes with its parent", () => {
  const renderFor = (userId: string, assignmentId: string) =>
    renderOutboxMessage(deps(), { kind: "assignment.cancelled", payload: { assignmentId }, userId, locale: "vi" }).then((r) =>
      r.ok ? `${r.message.title}\n${r.message.text}` : r.reason,
    );
  const messageKeyOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as DomainError).messageKey;
  /** The TCKH head as the notices name people (title and name). */
  const headName = async () => {
    const head = await db.prisma.user.findUniqueOrThrow({ where: { id: u("tp.tckh") }, select: { name: true, title: true } });
    return head.title ? `${head.title} ${head.name}` : head.name;
  };

  it("a cancelled unit assignment (new directive) cancels its officer's delegation; the officer is told; their actions answer with that state", async () => {
    const child = await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, officerUserCode: "cv.tckh" });
    await db.prisma.outboxMessage.deleteMany();
    await issueDirective(deps(), { actorUserId: u("chutich"), documentId: docId, text: "Giao TP chủ trì.", main: "TP", due: { date: "2026-12-21" } });
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: child.assignmentId } })).status).toBe("CANCELLED");
    expect(await db.prisma.outboxMessage.findMany({ where: { userId: u("cv.tckh") }, select: { kind: true } })).toEqual([{ kind: "assignment.cancelled" }]);
    expect(await renderFor(u("cv.tckh"), child.assignmentId)).toContain("Hủy giao việc D1-TCKH-cv.tckh");
    expect(await codeOf(acknowledgeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: child.assignmentId }))).toBe("ASSIGNMENT_CANCELLED");
    expect(await messageKeyOf(completeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: child.assignmentId, text: "Xong" }))).toBe("assignment.cancelled");
  });

  it("a returned unit assignment closes the open delegation under it: cancelled, reminders stopped, the officer told why, their actions refused with it", async () => {
    // The table lets a unit return only before work starts, and delegating starts it: a returned
    // assignment cannot get a delegation through the use cases. The rule is kept whatever the table
    // comes to allow, so the state is set up by hand: a delegation under an assignment that is back
    // to "acknowledged".
    expect(ASSIGNMENT_TRANSITIONS.return.from).not.toContain(ASSIGNMENT_TRANSITIONS.delegate.to);
    const child = await delegateAssignment(deps(), { actorUserId: u("tp.tp"), assignmentId: coord, officerUserCode: "cv.tp" });
    await db.prisma.assignment.update({ where: { id: coord }, data: { status: "ACKNOWLEDGED" } });
    await db.prisma.outboxMessage.deleteMany();
    await returnAssignment(deps(), { actorUserId: u("tp.tp"), assignmentId: coord, reason: "Không thuộc lĩnh vực của phòng." });

    const closed = await db.prisma.assignment.findUniqueOrThrow({ where: { id: child.assignmentId }, select: { status: true, nextReminderAt: true } });
    expect(closed).toEqual({ status: "CANCELLED", nextReminderAt: null });
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.delegationClosed", entityId: child.assignmentId } })).toBe(1);
    expect(await db.prisma.outboxMessage.findMany({ where: { userId: u("cv.tp") }, select: { kind: true } })).toEqual([{ kind: "assignment.cancelled" }]);
    // The head who returned it is not told of their own action.
    expect(await db.prisma.outboxMessage.count({ where: { userId: u("tp.tp") } })).toBe(0);
    expect(await renderFor(u("cv.tp"), child.assignmentId)).toBe(
      "Đóng việc D1-TP-cv.tp\nViệc D1-TP-cv.tp đã đóng vì Sở Tư pháp đã trả lại việc D1-TP cho lãnh đạo (lý do: Không thuộc lĩnh vực của phòng.). Không cần xử lý tiếp.",
    );
    const en = await renderOutboxMessage(deps(), { kind: "assignment.cancelled", payload: { assignmentId: child.assignmentId }, userId: u("cv.tp"), locale: "en" });
    expect(en.ok && en.message.text).toContain("returned D1-TP to the leader");
    // One after another: an attempt started before its refusal is awaited would reject unobserved.
    for (const attempt of [
      () => acknowledgeAssignment(deps(), { actorUserId: u("cv.tp"), assignmentId: child.assignmentId }),
      () => reportProgress(deps(), { actorUserId: u("cv.tp"), assignmentId: child.assignmentId, text: "Đang làm" }),
      () => completeAssignment(deps(), { actorUserId: u("cv.tp"), assignmentId: child.assignmentId, text: "Xong" }),
    ])
      expect(await messageKeyOf(attempt())).toBe("assignment.delegationClosed.RETURNED");
  });

  it("a head completing the unit's assignment closes the officer's open delegation under it: cancelled, reminders stopped, audited, the officer told who completed it, their actions refused with it", async () => {
    const child = await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, officerUserCode: "cv.tckh" });
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: child.assignmentId }, select: { nextReminderAt: true } })).nextReminderAt).not.toBeNull();
    await db.prisma.outboxMessage.deleteMany();
    // The rule is the table's: a completion is one of the parent states that close delegations.
    expect(DELEGATION_CLOSE_TRANSITION.parentTo).toContain(ASSIGNMENT_TRANSITIONS.complete.to);
    await completeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, text: "Phòng đã tự hoàn thành." });

    const closed = await db.prisma.assignment.findUniqueOrThrow({ where: { id: child.assignmentId }, select: { status: true, nextReminderAt: true, reminderStep: true } });
    expect(closed).toEqual({ status: "CANCELLED", nextReminderAt: null, reminderStep: null });
    expect(
      await db.prisma.auditEvent.findMany({ where: { type: "assignment.delegationClosed", entityId: child.assignmentId }, select: { actorUserId: true, data: true } }),
    ).toEqual([{ actorUserId: u("tp.tckh"), data: { ref: "D1/2026-TCKH-cv.tckh", because: "COMPLETED" } }]);
    expect(await db.prisma.outboxMessage.findMany({ where: { userId: u("cv.tckh") }, select: { kind: true } })).toEqual([{ kind: "assignment.cancelled" }]);
    // The head is not told of their own action; the leader is told of the completion as before.
    expect(await db.prisma.outboxMessage.count({ where: { userId: u("tp.tckh") } })).toBe(0);
    expect(await db.prisma.outboxMessage.findMany({ where: { userId: u("chutich") }, select: { kind: true } })).toEqual([{ kind: "assignment.completed" }]);
    expect(await renderFor(u("cv.tckh"), child.assignmentId)).toBe(
      `Đóng việc D1-TCKH-cv.tckh\nViệc D1-TCKH-cv.tckh đã đóng vì ${await headName()} đã báo cáo hoàn thành việc D1-TCKH của Sở Tài chính. Không cần xử lý tiếp.`,
    );
    const en = await renderOutboxMessage(deps(), { kind: "assignment.cancelled", payload: { assignmentId: child.assignmentId }, userId: u("cv.tckh"), locale: "en" });
    expect(en.ok && en.message.text).toContain("reported Sở Tài chính's task D1-TCKH completed");
    for (const attempt of [
      () => acknowledgeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: child.assignmentId }),
      () => reportProgress(deps(), { actorUserId: u("cv.tckh"), assignmentId: child.assignmentId, text: "Đang làm" }),
      () => completeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: child.assignmentId, text: "Xong" }),
    ]) {
      const refused = (await attempt().catch((e: unknown) => e)) as DomainError;
      expect([refused.code, refused.messageKey]).toEqual(["ASSIGNMENT_CANCELLED", "assignment.delegationClosed.COMPLETED"]);
    }
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: child.assignmentId }, select: { status: true } })).status).toBe("CANCELLED");
  });

  it("a delegation the officer completed stays completed when the head completes the unit's assignment; the officer is not told", async () => {
    const child = await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, officerUserCode: "cv.tckh" });
    await completeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: child.assignmentId, text: "Đã dự thảo." });
    await db.prisma.outboxMessage.deleteMany();
    await completeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, text: "Phòng đã hoàn thành." });
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: child.assignmentId } })).status).toBe("COMPLETED");
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.delegationClosed" } })).toBe(0);
    expect(await db.prisma.outboxMessage.count({ where: { userId: u("cv.tckh") } })).toBe(0);
  });

  it("a completed delegation stays completed when its unit's assignment is cancelled", async () => {
    const child = await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, officerUserCode: "cv.tckh" });
    await completeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: child.assignmentId, text: "Đã dự thảo." });
    await db.prisma.outboxMessage.deleteMany();
    await issueDirective(deps(), { actorUserId: u("chutich"), documentId: docId, text: "Giao TP chủ trì.", main: "TP", due: { date: "2026-12-21" } });
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: child.assignmentId } })).status).toBe("COMPLETED");
    expect(await db.prisma.outboxMessage.count({ where: { userId: u("cv.tckh") } })).toBe(0);
  });
});

describe("returns and extensions", () => {
  it("returns a wrongly assigned task to the leader with its reason", async () => {
    await returnAssignment(deps(), { actorUserId: u("tp.tp"), assignmentId: coord, reason: "Không thuộc lĩnh vực của phòng." });
    const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id: coord } });
    expect([a.status, a.returnReason, a.nextReminderAt]).toEqual(["RETURNED", "Không thuộc lĩnh vực của phòng.", null]);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.returned", userId: u("chutich") } })).toBe(1);
    expect(await codeOf(returnAssignment(deps(), { actorUserId: u("tp.tp"), assignmentId: coord, reason: "x" }))).toBe("ASSIGNMENT_RETURNED");
  });

  it("keeps both the original and the extended deadline", async () => {
    const ext = await requestExtension(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, reason: "Chờ số liệu của phường.", newDue: { date: "2026-12-31" } });
    expect(await codeOf(requestExtension(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, reason: "x", newDue: { date: "2027-01-05" } }))).toBe("EXTENSION_PENDING");
    expect(await codeOf(decideExtension(deps(), { actorUserId: u("tp.tckh"), extensionId: ext.extensionId, grant: true }))).toBe("FORBIDDEN");
    await decideExtension(deps(), { actorUserId: u("chutich"), extensionId: ext.extensionId, grant: true });
    const a = await db.prisma.assignment.findUniqueOrThrow({ where: { id: main } });
    expect(a.originalDueAt?.toISOString()).toBe("2026-12-21T16:59:59.999Z");
    expect(a.dueAt?.toISOString()).toBe("2026-12-31T16:59:59.999Z");
    const row = await db.prisma.extensionRequest.findUniqueOrThrow({ where: { id: ext.extensionId } });
    expect([row.status, row.previousDueAt?.toISOString()]).toEqual(["GRANTED", "2026-12-21T16:59:59.999Z"]);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "extension.decided", userId: u("tp.tckh") } })).toBe(1);
    expect(await codeOf(decideExtension(deps(), { actorUserId: u("chutich"), extensionId: ext.extensionId, grant: false }))).toBe("EXTENSION_ALREADY_DECIDED");
  });

  it("closes a waiting request when the assignment is cancelled or completed; whoever did not act is told; a late decision changes nothing", async () => {
    const first = await requestExtension(deps(), { actorUserId: u("tp.tp"), assignmentId: coord, reason: "Chờ ý kiến Sở Tư pháp.", newDue: { date: "2026-12-30" } });
    // The leader gives a new directive: the old assignments are cancelled, and so is the waiting request.
    const next = await issueDirective(deps(), { actorUserId: u("chutich"), documentId: docId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-21" } });
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: coord } })).status).toBe("CANCELLED");
    expect((await db.prisma.extensionRequest.findUniqueOrThrow({ where: { id: first.extensionId } })).status).toBe("CLOSED");
    // The leader acted: only the requester is told.
    expect(await db.prisma.outboxMessage.findMany({ where: { kind: "extension.closed" }, select: { userId: true } })).toEqual([{ userId: u("tp.tp") }]);
    expect(await codeOf(decideExtension(deps(), { actorUserId: u("chutich"), extensionId: first.extensionId, grant: false }))).toBe("EXTENSION_CLOSED");

    await db.prisma.outboxMessage.deleteMany();
    const newMain = next.assignments[0]!.assignmentId;
    const second = await requestExtension(deps(), { actorUserId: u("tp.tckh"), assignmentId: newMain, reason: "Chờ số liệu.", newDue: { date: "2026-12-31" } });
    await completeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: newMain, text: "Đã tham mưu văn bản trả lời." });
    expect((await db.prisma.extensionRequest.findUniqueOrThrow({ where: { id: second.extensionId } })).status).toBe("CLOSED");
    // The head completed (their own action): only the leader who was to decide is told.
    expect(await db.prisma.outboxMessage.findMany({ where: { kind: "extension.closed" }, select: { userId: true } })).toEqual([{ userId: u("chutich") }]);
    expect(await codeOf(decideExtension(deps(), { actorUserId: u("chutich"), extensionId: second.extensionId, grant: true }))).toBe("EXTENSION_CLOSED");
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: newMain } })).dueAt?.toISOString()).toBe("2026-12-21T16:59:59.999Z");
  });

  it("refuses a deadline on a day off, everywhere a date is given, and names the next working day", async () => {
    const refusal = async (p: Promise<unknown>) => {
      const e = (await p.catch((err: unknown) => err)) as DomainError;
      return [e.code, e.params];
    };
    // Sunday 27/12/2026 → Monday 28/12/2026.
    expect(await refusal(requestExtension(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, reason: "x", newDue: { date: "2026-12-27" } }))).toEqual([
      "DEADLINE_NOT_WORKING_DAY",
      { date: "27/12/2026", next: "28/12/2026" },
    ]);
    // Saturday 12/12/2026 for an officer → Monday 14/12/2026.
    expect(await refusal(delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, officerUserCode: "cv.tckh", due: { date: "2026-12-12" } }))).toEqual([
      "DEADLINE_NOT_WORKING_DAY",
      { date: "12/12/2026", next: "14/12/2026" },
    ]);
    // New Year's Day (Friday 01/01/2027) → Monday 04/01/2027.
    expect(await refusal(issueDirective(deps(), { actorUserId: u("chutich"), documentId: docId, text: "x", main: "TCKH", due: { date: "2027-01-01" } }))).toEqual([
      "DEADLINE_NOT_WORKING_DAY",
      { date: "01/01/2027", next: "04/01/2027" },
    ]);
    expect(await db.prisma.extensionRequest.count()).toBe(0);
    expect(await db.prisma.assignment.count({ where: { parentId: main } })).toBe(0);
  });

  it("refuses an extension that is not later than the deadline", async () => {
    expect(await codeOf(requestExtension(deps(), { actorUserId: u("tp.tckh"), assignmentId: main, reason: "x", newDue: { date: "2026-12-18" } }))).toBe("EXTENSION_NOT_LATER");
  });
});
