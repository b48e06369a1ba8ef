// Recalls through the document interchange, both ways, end to end against the fake axis on 127.0.0.1:
// a sender recalls a document it sent us (status 13 → our copy recalled, its tasks stopped, 15; or 16
// when the work is finished), and our clerk recalls an outgoing document (/thuhoi P1 lý do → 13 to every
// recipient; their 15/16 in /xem and in chat).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../../core/assignments/acknowledge-assignment.ts";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { refreshAgencyDirectory } from "../../../core/interchange/agency-directory.ts";
import { createAxisHttpTransport } from "../../../core/interchange/axis-http-transport.ts";
import { registerInterchangePackage, returnInterchangePackage } from "../../../core/interchange/decide-package.ts";
import { buildEdxmlPackage, buildEdxmlStatus, parseEdxmlStatus, type EdxmlPackageInput } from "../../../core/interchange/edxml.ts";
import { pollInterchange } from "../../../core/interchange/receive-package.ts";
import { outgoingEdxmlDocumentId } from "../../../core/interchange/send-enqueue.ts";
import { sendDueInterchangeOutgoing } from "../../../core/interchange/send-outgoing.ts";
import { pollOutgoingStatuses } from "../../../core/interchange/send-statuses.ts";
import { interchangeViewLines } from "../../../core/interchange/send-view.ts";
import { sendDueInterchangeStatuses } from "../../../core/interchange/status-messages.ts";
import { issueOutgoingDocument, type IssueOutgoingInput } from "../../../core/outgoing/issue-outgoing-document.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import type { InterchangeTransport } from "../../../core/ports/interchange-transport.ts";
import { getDocumentByRef } from "../../../core/queries/get-document.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import { parseMessage } from "../../../bots/shared/text/commands.ts";
import { createTestDeps } from "../../support/core.ts";
import { samplePackage } from "../../support/edxml-fixtures.ts";
import { startFakeAxisServer, type FakeAxisServer } from "../../support/fake-axis-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const CREDENTIALS = { systemId: "edoc-quynhon", secret: "s3cret-value" };
const AGENCY = "000.00.32.H10";
const SENDER = "000.00.31.H10";
const STC = { code: "000.00.31.H10", name: "Sở Tài chính tỉnh Bình Định" };
const SNV = { code: "000.00.33.H10", name: "Sở Nội vụ tỉnh Bình Định" };
const RECALL_REASON = "Văn bản sai số liệu tại phụ lục, sẽ ban hành văn bản thay thế";
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let db: TestDatabase;
let org: OrgFixture;
let fake: FakeAxisServer;
let tmp: string;
let deps: ReturnType<typeof createTestDeps>;
let pdf: Uint8Array;
let png: Uint8Array;
let seq = 0;

const transport = (): InterchangeTransport => createAxisHttpTransport({ baseUrl: fake.url, ...CREDENTIALS, timeoutMs: 5_000 });
const receive = () => pollInterchange(deps, { transport: transport(), tmpDir: tmp });
const receiveStatuses = () => pollOutgoingStatuses(deps, { transport: transport() });
const sendStatuses = () => sendDueInterchangeStatuses(deps, { transport: transport(), agencyOrganId: AGENCY, workerId: "test" });
const sendPackages = () => sendDueInterchangeOutgoing(deps, { transport: transport(), agencyOrganId: AGENCY, workerId: "test" });
const statusesAtFake = async () => Promise.all(fake.statuses.map(async (s) => ({ to: s.to, sender: s.from, messageType: s.messageType, ...(await parseEdxmlStatus(s.bytes)) })));
const outboxTo = async (kind: string) => (await db.prisma.outboxMessage.findMany({ where: { kind }, orderBy: { userId: "asc" } })).map((o) => o.userId);
const render = async (kind: string, userId: string, locale: "vi" | "en" = "vi") => {
  const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { kind, userId } });
  const r = await renderOutboxMessage(deps, { kind: row.kind, payload: row.payload, userId, locale });
  if (!r.ok) throw new Error(`${kind} not rendered: ${r.reason}`);
  return { ...r.message, all: `${r.message.title ?? ""}\n${r.message.text}` };
};
/** A person types in the web chat (the shared command handling every channel uses). */
const say = async (userCode: string, text: string) => {
  const turn = await handleIncoming({ deps, logger }, { channel: "WEB", externalUserId: `w-${userCode}`, chatId: `w-${userCode}`, updateKey: `u:${++seq}`, text });
  return turn.replies.map((m) => `${m.title ?? ""}\n${m.text}`).join("\n---\n");
};

const goodPackage = (over: (p: EdxmlPackageInput) => void = () => undefined): Uint8Array => {
  const input = samplePackage();
  input.attachments = [
    { contentType: "application/pdf", name: "45-STC-NS.pdf", description: "Văn bản chính", bytes: pdf },
    { contentId: "phuluc", contentType: "image/png", name: "Phụ lục ảnh.png", bytes: png },
  ];
  over(input);
  return buildEdxmlPackage(input);
};

/** The sender's recall (13) of 45/STC-NS, put on the fake's status list (or, with `messageType: "edoc"`, with the packages). */
const recallFromSender = (over: { code?: string; documentId?: string | null; messageType?: "edoc" | "status" } = {}) =>
  fake.deliver(
    buildEdxmlStatus({
      responseFor: {
        organId: SENDER,
        code: over.code ?? "45/STC-NS",
        promulgationDate: "2026-12-10",
        ...(over.documentId === null ? {} : { documentId: over.documentId ?? "000.00.31.H10,2026/12/10,45/STC-NS" }),
      },
      from: { organId: SENDER, organName: "Sở Tài chính tỉnh Bình Định" },
      statusCode: "13",
      description: RECALL_REASON,
      timestamp: "2026-12-02T09:00:00",
    }),
    { from: SENDER, messageType: over.messageType ?? "status" },
  );

beforeAll(async () => {
  db = await createTestDatabase();
  pdf = await samplePdf();
  png = new Uint8Array(await readFile("test/fixtures/photo-small.png"));
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  deps = createTestDeps(db.prisma, { files: createMemoryFileStore(), settings: { agencyOrganId: AGENCY } });
  org = await setupExampleOrg(deps);
  fake = await startFakeAxisServer(CREDENTIALS);
  tmp = await mkdtemp(path.join(tmpdir(), "edoc-axis-recall-"));
});
afterEach(async () => {
  await fake.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("a sender recalls a document it sent us (13)", () => {
  beforeEach(async () => {
    await db.prisma.organization.update({ where: { id: org.orgId }, data: { interchangeRegister: "DIRECT" } });
  });

  it("a registered document in work: recalled, its open tasks cancelled with a message to their holders, the clerk and office told, 15 answered", async () => {
    fake.deliver(goodPackage(), { from: SENDER });
    const [received] = await receive();
    expect(received).toMatchObject({ outcome: "registered" });
    const documentId = (received as { documentId: string }).documentId;
    const directive = await issueDirective(deps, {
      actorUserId: org.users.chutich!,
      documentId,
      text: "Giao Sở Tài chính chủ trì, Sở Tư pháp phối hợp.",
      main: "TCKH",
      coordinate: ["TP"],
      due: { date: "2026-12-18" },
    });
    const main = directive.assignments.find((a) => a.role === "MAIN")!;
    const coordinate = directive.assignments.find((a) => a.role === "COORDINATE")!;
    await acknowledgeAssignment(deps, { actorUserId: org.users["tp.tckh"]!, assignmentId: main.assignmentId });

    const recallDocId = recallFromSender();
    const outcomes = await receiveStatuses();
    expect(outcomes).toEqual([{ docId: recallDocId, outcome: "recall", recall: { docId: recallDocId, outcome: "recalled", packageId: expect.any(String), answer: "15" } }]);
    expect(fake.statusUpdates.at(-1)).toEqual({ docId: recallDocId, status: "done" });

    expect(await db.prisma.document.findUniqueOrThrow({ where: { id: documentId } })).toMatchObject({ status: "RECALLED" });
    expect((await db.prisma.assignment.findMany({ where: { documentId } })).map((a) => a.status)).toEqual(["CANCELLED", "CANCELLED"]);
    expect(await db.prisma.interchangePackage.findFirstOrThrow()).toMatchObject({
      state: "RECALLED",
      recallAnswer: "15",
      recallReason: RECALL_REASON,
      recallAxisDocId: recallDocId,
    });
    // The holders of the open tasks learn why they stopped, with the sender's reason.
    expect(await outboxTo("assignment.cancelled")).toEqual([org.users["tp.tckh"], org.users["tp.tp"]].sort());
    const stopped = await render("assignment.cancelled", org.users["tp.tp"]!);
    expect(stopped.title).toBe(`Việc ${coordinate.ref.replace("/2026", "")} dừng: văn bản bị thu hồi`);
    expect(stopped.text).toContain(`Lý do thu hồi: ${RECALL_REASON}`);
    expect(stopped.text).toContain("Sở Tài chính tỉnh Bình Định đã thu hồi văn bản qua trục liên thông");
    // The register clerk and the office (MONITOR users) are told.
    expect(await outboxTo("interchange.recalled")).toEqual([org.users.vanthu, org.users.cvp, org.users["cv.vp"]].sort());
    const notice = await render("interchange.recalled", org.users.cvp!);
    expect(notice.title).toBe("Văn bản điện tử 45/STC-NS bị cơ quan gửi thu hồi");
    expect(notice.text).toContain("chuyển sang trạng thái đã thu hồi");
    expect((await render("interchange.recalled", org.users.cvp!, "en")).text).toContain(`Reason for the recall: ${RECALL_REASON}`);
    // A stopped task cannot be acknowledged any more.
    await expect(acknowledgeAssignment(deps, { actorUserId: org.users["tp.tp"]!, assignmentId: coordinate.assignmentId })).rejects.toMatchObject({ code: "ASSIGNMENT_CANCELLED" });

    // The sender hears 15 after the statuses before it, about the document as it named it.
    expect(await sendStatuses()).toMatchObject({ sent: 5, failed: 0 });
    const statuses = await statusesAtFake();
    expect(statuses.map((s) => s.statusCode)).toEqual(["01", "03", "04", "05", "15"]);
    expect(statuses.at(-1)).toMatchObject({
      to: [SENDER],
      sender: AGENCY,
      from: { organId: AGENCY },
      responseFor: { organId: SENDER, code: "45/STC-NS", promulgationDate: "2026-12-10", documentId: "000.00.31.H10,2026/12/10,45/STC-NS" },
      description: "Đồng ý thu hồi: văn bản đã được thu hồi, dừng xử lý.",
    });
  });

  it("a second recall (the same message listed again, or a new one) is answered once", async () => {
    fake.deliver(goodPackage(), { from: SENDER });
    await receive();
    const first = recallFromSender();
    // Our `done` is lost: the axis lists the recall again.
    fake.failNextCall("updateStatus", 1, "500");
    expect((await receiveStatuses()).map((o) => o.outcome === "recall" && o.recall.outcome)).toEqual(["recalled"]);
    const second = recallFromSender({ documentId: null });
    const again = await receiveStatuses();
    expect(again.map((o) => o.docId)).toEqual([first, second]);
    expect(again.map((o) => o.outcome === "recall" && o.recall.outcome)).toEqual(["already", "already"]);
    expect(fake.packages.filter((p) => p.messageType === "status").every((p) => p.done)).toBe(true);
    expect(await db.prisma.interchangeStatusMessage.count({ where: { statusCode: { in: ["15", "16"] } } })).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "interchange.recalled" } })).toBe(3);
  });

  it("a recall of a document we never received: taken, nothing stored, nothing answered; one listed with the packages is routed the same way", async () => {
    fake.deliver(goodPackage(), { from: SENDER });
    await receive();
    const unknown = recallFromSender({ code: "99/STC-NS", documentId: "000.00.31.H10,2026/12/10,99/STC-NS" });
    expect(await receiveStatuses()).toMatchObject([{ docId: unknown, outcome: "recall", recall: { outcome: "unknown" } }]);
    expect(fake.statusUpdates.at(-1)).toEqual({ docId: unknown, status: "done" });
    expect(await db.prisma.interchangePackage.findFirstOrThrow()).toMatchObject({ state: "REGISTERED", recallAnswer: null });
    expect(await db.prisma.outboxMessage.count({ where: { kind: { in: ["interchange.recalled", "assignment.cancelled"] } } })).toBe(0);
    // The real one, listed with the packages (a platform that does not separate the lists).
    const listedWithPackages = recallFromSender({ messageType: "edoc" });
    expect(await receive()).toMatchObject([{ docId: listedWithPackages, outcome: "status", status: { outcome: "recall", recall: { outcome: "recalled", answer: "15" } } }]);
    expect(await db.prisma.interchangePackage.count()).toBe(1);
  });

  it("a recall after the work is complete is refused (16) with the reason; the document stays done, the office is told", async () => {
    fake.deliver(goodPackage(), { from: SENDER });
    const [received] = await receive();
    const documentId = (received as { documentId: string }).documentId;
    const directive = await issueDirective(deps, { actorUserId: org.users.chutich!, documentId, text: "Giao Sở Tài chính chủ trì.", main: "TCKH", due: { date: "2026-12-18" } });
    const main = directive.assignments[0]!;
    await acknowledgeAssignment(deps, { actorUserId: org.users["tp.tckh"]!, assignmentId: main.assignmentId });
    await completeAssignment(deps, { actorUserId: org.users["tp.tckh"]!, assignmentId: main.assignmentId, text: "Đã tham mưu văn bản trả lời." });

    recallFromSender();
    expect(await receiveStatuses()).toMatchObject([{ outcome: "recall", recall: { outcome: "recalled", answer: "16" } }]);
    expect(await db.prisma.document.findUniqueOrThrow({ where: { id: documentId } })).toMatchObject({ status: "DONE" });
    expect(await db.prisma.interchangePackage.findFirstOrThrow()).toMatchObject({ state: "REGISTERED", recallAnswer: "16" });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.cancelled" } })).toBe(0);
    expect((await render("interchange.recalled", org.users.vanthu!)).text).toContain("đã xử lý xong nên không thu hồi được");
    await sendStatuses();
    const last = (await statusesAtFake()).at(-1)!;
    expect(last.statusCode).toBe("16");
    expect(last.description).toBe("Từ chối thu hồi: văn bản D1/2026 đã xử lý xong. Đề nghị liên hệ để thống nhất (ban hành văn bản thay thế hoặc bãi bỏ).");
  });

  it("a package still on the register clerks' card is withdrawn: the notice replaces the card, a press after says it was recalled; a corrected resend is a new package", async () => {
    await db.prisma.organization.update({ where: { id: org.orgId }, data: { interchangeRegister: "CARD" } });
    fake.deliver(goodPackage(), { from: SENDER });
    const [pending] = await receive();
    expect(pending).toMatchObject({ outcome: "pending", number: expect.any(Number) });
    const number = (pending as { number: number }).number;
    recallFromSender({ documentId: null });
    expect(await receiveStatuses()).toMatchObject([{ outcome: "recall", recall: { outcome: "recalled", answer: "15" } }]);
    expect(await db.prisma.interchangePackage.findFirstOrThrow()).toMatchObject({ state: "RECALLED" });
    expect(await db.prisma.document.count()).toBe(0);
    // The clerk's card is replaced (same card key, no buttons); the office gets a plain notice.
    const clerkNotice = await render("interchange.recalled", org.users.vanthu!);
    expect(clerkNotice.cardKey).toBe(`interchange:${(pending as { packageId: string }).packageId}`);
    expect(clerkNotice.actions ?? []).toEqual([]);
    expect(clerkNotice.text).toContain(`Thẻ LT${number} đã được rút`);
    expect((await render("interchange.recalled", org.users.cvp!)).cardKey).toBeUndefined();
    // A press (or /ok LT…) after the recall.
    await expect(registerInterchangePackage(deps, { actorUserId: org.users.vanthu!, package: { number } })).rejects.toMatchObject({
      code: "INTERCHANGE_DECIDED",
      messageKey: "interchange.card.recalled",
    });
    await expect(returnInterchangePackage(deps, { actorUserId: org.users.vanthu!, package: { number }, reason: "x" })).rejects.toMatchObject({
      messageKey: "interchange.card.recalled",
    });
    await linkChat(deps, "WEB", "w-vanthu", "vanthu");
    expect(await say("vanthu", `/ok LT${number}`)).toContain(`LT${number}: cơ quan gửi đã thu hồi văn bản này lúc`);
    await sendStatuses();
    expect((await statusesAtFake()).map((s) => s.statusCode)).toEqual(["01", "15"]);
    // The sender sends the corrected document with the same số/ký hiệu: a new package on the card, not a duplicate.
    fake.deliver(
      goodPackage((p) => (p.header.subject = "V/v hướng dẫn lập dự toán ngân sách năm 2027 (đã sửa)")),
      { from: SENDER },
    );
    expect(await receive()).toMatchObject([{ outcome: "pending" }]);
  });
});

describe("our clerk recalls an outgoing document (/thuhoi P1 lý do)", () => {
  const issue = (over: Partial<IssueOutgoingInput> = {}) =>
    issueOutgoingDocument(deps, {
      actorUserId: org.users.vanthu!,
      docType: "Công văn",
      draftingUnitCode: "VP",
      subject: "V/v triển khai văn phòng điện tử",
      signerName: "Nguyễn Văn An",
      signerTitle: "Chủ tịch",
      urgency: "NORMAL",
      internalRecipients: ["TCKH"],
      externalRecipients: [STC.name, SNV.name],
      files: [{ bytes: pdf, fileName: "cv.pdf" }],
      ...over,
    });
  /** A recipient's answer to our recall. */
  const answerFrom = (from: string, r: { codeNumber: string; codeNotation: string }, statusCode: "15" | "16", description?: string) =>
    fake.deliver(
      buildEdxmlStatus({
        responseFor: {
          organId: AGENCY,
          code: `${r.codeNumber}/${r.codeNotation}`,
          promulgationDate: "2026-12-01",
          documentId: outgoingEdxmlDocumentId({ agencyOrganId: AGENCY, issuedDate: "2026-12-01", ...r }),
        },
        from: { organId: from },
        statusCode,
        ...(description ? { description } : {}),
        timestamp: "2026-12-02T10:00:00",
      }),
      { from, messageType: "status" },
    );

  beforeEach(async () => {
    fake.agencies = [
      { code: STC.code, name: STC.name },
      { code: SNV.code, name: SNV.name },
    ];
    await refreshAgencyDirectory(deps, { transport: transport() });
    await linkChat(deps, "WEB", "w-vanthu", "vanthu");
    await linkChat(deps, "WEB", "w-vt.nb", "vt.nb");
  });

  it("sends 13 with the reason to every recipient; their 15/16 are shown by /xem and reach the clerk; a second recall is refused", async () => {
    const r = await issue();
    expect(await sendPackages()).toMatchObject({ sent: 1 });
    // The reason is required; only the issuing clerks may recall.
    expect(await say("vanthu", `/thuhoi ${r.displayRef}`)).toContain(`Thiếu lý do thu hồi. Ví dụ: /thuhoi ${r.displayRef}`);
    expect(await say("vt.nb", `/thuhoi ${r.displayRef} gửi nhầm`)).toContain(`Chỉ văn thư phát hành văn bản ${r.displayRef} mới thu hồi được.`);
    expect(await say("vanthu", "/thuhoi D1 gửi nhầm")).toContain("Thiếu số văn bản đi.");
    expect(await db.prisma.interchangeStatusMessage.count()).toBe(0);

    const done = await say("vanthu", `/thuhoi ${r.displayRef} Sai số liệu tại phụ lục 2`);
    expect(done).toContain(`Đã thu hồi văn bản ${r.displayRef} (lý do: Sai số liệu tại phụ lục 2)`);
    expect(done).toContain(`${STC.name} (${STC.code}); ${SNV.name} (${SNV.code})`);
    expect(await sendStatuses()).toMatchObject({ sent: 2, failed: 0 });
    const sent = await statusesAtFake();
    const documentId = outgoingEdxmlDocumentId({ agencyOrganId: AGENCY, issuedDate: "2026-12-01", codeNumber: r.codeNumber, codeNotation: r.codeNotation });
    expect(sent.map((s) => s.to)).toEqual([[STC.code], [SNV.code]]);
    for (const s of sent) {
      expect(s).toMatchObject({
        sender: AGENCY,
        from: { organId: AGENCY },
        messageType: "status",
        statusCode: "13",
        description: "Sai số liệu tại phụ lục 2",
        responseFor: { organId: AGENCY, code: r.numberAndNotation, promulgationDate: "2026-12-01", documentId },
      });
    }
    // Recalled once.
    expect(await say("vanthu", `thu hoi ${r.displayRef} lần nữa`)).toContain(`Văn bản ${r.displayRef} đã được Trần Thị Bình thu hồi lúc`);
    expect(await sendStatuses()).toMatchObject({ sent: 0 });

    answerFrom(STC.code, r, "15");
    answerFrom(SNV.code, r, "16", "Văn bản đã được triển khai tới các phòng");
    expect((await receiveStatuses()).map((o) => o.outcome)).toEqual(["stored", "stored"]);
    const view = await getDocumentByRef(deps, { actorUserId: org.users.vanthu!, ref: { kind: "OUT", number: r.registerNumber } });
    const lines = interchangeViewLines("vi", view.interchange, "Asia/Ho_Chi_Minh").join("\n");
    expect(lines).toContain("Đã thu hồi lúc");
    expect(lines).toContain("lý do: Sai số liệu tại phụ lục 2");
    expect(lines).toContain(`${STC.name} (${STC.code}): đồng ý thu hồi`);
    expect(lines).toContain(`${SNV.name} (${SNV.code}): từ chối thu hồi, lý do: Văn bản đã được triển khai tới các phòng`);
    expect(await say("vanthu", `/xem ${r.displayRef}`)).toContain(`${SNV.name} (${SNV.code}): từ chối thu hồi`);
    expect(await outboxTo("outgoing.interchangeRecallAnswered")).toEqual([org.users.vanthu, org.users.vanthu]);
    const refused = (await db.prisma.outboxMessage.findMany({ where: { kind: "outgoing.interchangeRecallAnswered" } })).map((o) => o.payload);
    const messages = await Promise.all(
      refused.map((payload) => renderOutboxMessage(deps, { kind: "outgoing.interchangeRecallAnswered", payload, userId: org.users.vanthu!, locale: "vi" })),
    );
    expect(messages.map((m) => m.ok && m.message.title).sort()).toEqual([
      `${SNV.name} từ chối thu hồi văn bản ${r.numberAndNotation}`,
      `${STC.name} đồng ý thu hồi văn bản ${r.numberAndNotation}`,
    ]);
  });

  it("a recall before the package went out waits for it; a document not sent through the interchange cannot be recalled through it", async () => {
    const r = await issue();
    expect(await say("vanthu", `/thuhoi ${r.displayRef} Gửi nhầm`)).toContain(`Đã thu hồi văn bản ${r.displayRef}`);
    expect(await sendStatuses()).toMatchObject({ sent: 0, waiting: 2 });
    await sendPackages();
    expect(await sendStatuses()).toMatchObject({ sent: 2 });
    expect(fake.sent).toHaveLength(1);
    expect((await statusesAtFake()).map((s) => s.statusCode)).toEqual(["13", "13"]);

    const paper = await issue({ externalRecipients: ["Bộ Nội vụ"] });
    expect(await say("vanthu", `/thuhoi ${paper.displayRef} Gửi nhầm`)).toContain(`Văn bản ${paper.displayRef} không gửi qua trục liên thông nên không thu hồi qua trục được.`);
  });

  it("the commands parse with and without the slash, with or without diacritics", () => {
    const today = { year: 2026, month: 12, day: 2 };
    expect(parseMessage("/thuhoi P12 Sai số liệu", { today })).toMatchObject({ kind: "command", name: "recall", ref: { kind: "OUT", number: 12 }, reason: "Sai số liệu" });
    expect(parseMessage("Thu hồi P12/2025 gửi nhầm", { today })).toMatchObject({ name: "recall", ref: { kind: "OUT", number: 12, year: 2025 }, reason: "gửi nhầm" });
    expect(parseMessage("/recall P3", { today })).toMatchObject({ name: "recall", ref: { number: 3 }, reason: "" });
    // Without a slash and without a ref, it is text.
    expect(parseMessage("thu hồi văn bản đi", { today })).toMatchObject({ kind: "text" });
  });
});
