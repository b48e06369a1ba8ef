// Events reach people in the order they happened: two changes in the same second (an extension
// request, then the return that closes it) give the leader three messages, delivered in the order
// written even when delivery workers pick them up in the opposite order at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { reportProgress } from "../../../core/assignments/report-progress.ts";
import { requestExtension } from "../../../core/assignments/request-extension.ts";
import { returnAssignment } from "../../../core/assignments/return-assignment.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { deliverOutboxMessage } from "../../../core/outbox/deliver-outbox-message.ts";
import { findDueOutboxMessages } from "../../../core/outbox/find-due-outbox.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { createRecordingSender } from "../../support/recording-sender.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
const files = createMemoryFileStore();
const deps = () => createTestDeps(db.prisma, { clock, files });

beforeAll(async () => {
  db = await createTestDatabase();
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  org = await setupExampleOrg(deps());
  await linkChat(deps(), "TELEGRAM", "202", "chutich");
});
afterAll(async () => db?.close());

/** Delivers everything due, the workers taking the rows in the opposite order, all at once. */
const deliverReversed = async () => {
  const telegram = createRecordingSender("TELEGRAM");
  telegram.delayMs = 30;
  for (let sweep = 0; sweep < 5; sweep++) {
    const due = await findDueOutboxMessages(deps());
    await Promise.all([...due].reverse().map((row) => deliverOutboxMessage(deps(), { outboxId: row.id, senders: { TELEGRAM: telegram }, workerId: `w${sweep}` })));
  }
  return telegram.sentTo("202").map((s) => s.message.title);
};

describe("event order", () => {
  it("a progress report and the completion in the same second reach the leader in that order", async () => {
    // Tests run in random order: the document's number depends on which ran first.
    const { documentId, displayRef: ref } = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    const r = await issueDirective(deps(), { actorUserId: org.users.chutich!, documentId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-18" } });
    const assignmentId = r.assignments[0]!.assignmentId;
    await db.prisma.outboxMessage.deleteMany();
    await reportProgress(deps(), { actorUserId: org.users["tp.tckh"]!, assignmentId, text: "Đã lấy ý kiến các phường." });
    await completeAssignment(deps(), { actorUserId: org.users["tp.tckh"]!, assignmentId, text: "Đã trình UBND ký công văn trả lời." });
    expect(await deliverReversed()).toEqual([`Báo cáo tiến độ ${ref}-TCKH`, `Hoàn thành ${ref}-TCKH`]);
  });

  it("a request and the return that closes it in the same second: the leader learns the request closed, then the return", async () => {
    const { documentId, displayRef: ref } = await registerSample(deps(), org, { codeNumber: "46", files: [{ bytes: await samplePdf() }] });
    const r = await issueDirective(deps(), { actorUserId: org.users.chutich!, documentId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-18" } });
    const assignmentId = r.assignments[0]!.assignmentId;
    await db.prisma.outboxMessage.deleteMany();
    // The same instant for both changes: the clock does not move between them.
    await requestExtension(deps(), { actorUserId: org.users["tp.tckh"]!, assignmentId, reason: "Chờ số liệu.", newDue: { date: "2026-12-23" } });
    await returnAssignment(deps(), { actorUserId: org.users["tp.tckh"]!, assignmentId, reason: "Không thuộc lĩnh vực của phòng." });

    // The request card is not sent once the request is closed (messages show the current state).
    expect(await deliverReversed()).toEqual([`Đóng đề nghị gia hạn ${ref}-TCKH`, `Trả lại việc ${ref}-TCKH`]);
  });
});
