import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OUTBOX_KINDS, type OutboxKind } from "../../../core/outbox/outbox-kinds.ts";
import { displayRef, renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { createTestClock, createTestDeps } from "../../support/core.ts";
import { buildOutboxRow, buildScenario } from "../../support/outbox-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg } from "../../support/workflow.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => {
  await db.truncate();
});

describe("displayRef", () => {
  it("drops the current year and keeps others", () => {
    expect(displayRef("D7/2026", 2026)).toBe("D7");
    expect(displayRef("D7/2026-TCKH", 2026)).toBe("D7-TCKH");
    expect(displayRef("D7/2026-TCKH-cv.tckh", 2026)).toBe("D7-TCKH-cv.tckh");
    expect(displayRef("D7/2025-TCKH", 2026)).toBe("D7/2025-TCKH");
    expect(displayRef("P12/2026", 2026)).toBe("P12");
  });
});

describe("renderOutboxMessage", () => {
  it("renders an assignment card in Vietnamese with the directive verbatim, roles, deadline and actions", async () => {
    const deps = createTestDeps(db.prisma);
    const s = await buildScenario(db.prisma);
    const r = await renderOutboxMessage(deps, { kind: "assignment.new", payload: { assignmentId: s.main.id }, userId: s.users.head.id, locale: "vi" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const m = r.message;
    expect(m.title).toBe("[KHẨN] Giao việc D7-TCKH");
    expect(m.text).toContain("Văn bản: Công văn số 45/STC-NS ngày 25/11/2026 của Sở Tài chính tỉnh Bình Định");
    expect(m.text).toContain("Trích yếu: V/v hướng dẫn lập dự toán ngân sách năm 2027");
    expect(m.text).toContain("Ý kiến chỉ đạo của Chủ tịch Nguyễn Văn An:");
    expect(m.text).toContain(`«${s.directive.text}»`);
    expect(m.text).toContain("Đơn vị Phòng Tài chính - Kế hoạch: chủ trì");
    expect(m.text).toContain("Phối hợp: Phòng Tư pháp");
    expect(m.text).toContain("Nhận để biết: Văn phòng HĐND và UBND thành phố");
    expect(m.text).toContain("Hạn xử lý: Thứ Sáu, 18/12/2026");
    expect(m.text).toContain("/nhan D7-TCKH");
    expect(m.actions).toEqual([
      { label: "Nhận", command: "/nhan D7-TCKH", callback: `a1:ack:${s.main.id}` },
      { label: "Giao chuyên viên", command: "/giao D7-TCKH", callback: `a1:dlg:${s.main.id}` },
      { label: "Báo cáo tiến độ", command: "/tiendo D7-TCKH", callback: `a1:prog:${s.main.id}` },
      { label: "Báo cáo hoàn thành", command: "/xong D7-TCKH", callback: `a1:done:${s.main.id}` },
      { label: "Trả lại", command: "/tralai D7-TCKH", callback: `a1:ret:${s.main.id}` },
      { label: "Đề nghị gia hạn", command: "/giahan D7-TCKH", callback: `a1:ext:${s.main.id}` },
    ]);
    expect(m.attachments).toEqual([{ sha256: "a".repeat(64), fileName: "D7-den.pdf", mime: "application/pdf", kind: "document" }]);
    for (const a of m.actions ?? []) expect(Buffer.byteLength(a.callback)).toBeLessThanOrEqual(64);
  });

  it("names the lead unit for a coordinating unit and offers only acknowledgement for information", async () => {
    const deps = createTestDeps(db.prisma);
    const s = await buildScenario(db.prisma);
    const coord = await renderOutboxMessage(deps, { kind: "assignment.new", payload: { assignmentId: s.coord.id }, userId: s.users.tpHead.id, locale: "vi" });
    expect(coord.ok && coord.message.text).toContain("Chủ trì: Phòng Tài chính - Kế hoạch");
    expect(coord.ok && coord.message.text).toContain("Đơn vị Phòng Tư pháp: phối hợp");
    const info = await renderOutboxMessage(deps, { kind: "assignment.new", payload: { assignmentId: s.info.id }, userId: s.users.office.id, locale: "vi" });
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    expect(info.message.actions?.map((a) => a.command)).toEqual(["/nhan D7-VP"]);
    expect(info.message.text).not.toContain("Hạn xử lý");
  });

  it("shows the year of a reference from another year", async () => {
    const deps = createTestDeps(db.prisma);
    const s = await buildScenario(db.prisma);
    deps.clock.set("2027-01-04T02:00:00Z");
    const r = await renderOutboxMessage(deps, { kind: "assignment.new", payload: { assignmentId: s.main.id }, userId: s.users.head.id, locale: "vi" });
    expect(r.ok && r.message.title).toBe("[KHẨN] Giao việc D7/2026-TCKH");
    expect(r.ok && r.message.actions?.[0]?.command).toBe("/nhan D7/2026-TCKH");
  });

  it("never attaches a secret document's file", async () => {
    const deps = createTestDeps(db.prisma);
    const s = await buildScenario(db.prisma, { secrecy: "CONFIDENTIAL" });
    // Even if a stamped file row existed by mistake, it is not attached.
    await db.prisma.storedFile.create({ data: { sha256: "b".repeat(64), size: 1, mime: "application/pdf", kind: "STAMPED", documentId: s.doc.id } });
    const r = await renderOutboxMessage(deps, { kind: "assignment.new", payload: { assignmentId: s.main.id }, userId: s.users.head.id, locale: "vi" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.message.attachments).toEqual([]);
    expect(r.message.text).toContain("không gửi kèm tệp");
  });

  it("stamps the copy itself when it delivers the leaders' card before the registration has stamped it", async () => {
    const deps = createTestDeps(db.prisma);
    const org = await setupExampleOrg(deps);
    const doc = await registerSample(deps, org, { files: [{ bytes: await samplePdf(), fileName: "cv.pdf" }] });
    // A worker that takes the leaders' row between the registration's commit and its stamping sees no copy.
    await db.prisma.storedFile.deleteMany({ where: { documentId: doc.documentId, kind: "STAMPED" } });
    const render = () => renderOutboxMessage(deps, { kind: "document.toDirect", payload: { documentId: doc.documentId }, userId: org.users.chutich!, locale: "vi" });
    const [a, b] = await Promise.all([render(), render()]);
    for (const r of [a, b]) {
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.message.attachments).toEqual([expect.objectContaining({ mime: "application/pdf", kind: "document" })]);
    }
    // Two workers at once make one current copy, and it is the one both cards carry.
    const stamped = await db.prisma.storedFile.findMany({ where: { documentId: doc.documentId, kind: "STAMPED" }, select: { sha256: true } });
    expect(stamped).toHaveLength(1);
    if (a.ok) expect(a.message.attachments?.[0]?.sha256).toBe(stamped[0]!.sha256);
  });

  it("renders English for an English-speaking person", async () => {
    const deps = createTestDeps(db.prisma);
    const s = await buildScenario(db.prisma);
    const r = await renderOutboxMessage(deps, { kind: "assignment.new", payload: { assignmentId: s.main.id }, userId: s.users.head.id, locale: "en" });
    expect(r.ok && r.message.title).toBe("[URGENT] Assignment D7-TCKH");
    expect(r.ok && r.message.text).toContain("Deadline: Friday, 18/12/2026");
  });

  it("skips a card whose assignment was cancelled", async () => {
    const deps = createTestDeps(db.prisma);
    const s = await buildScenario(db.prisma);
    await db.prisma.assignment.update({ where: { id: s.main.id }, data: { status: "CANCELLED" } });
    const r = await renderOutboxMessage(deps, { kind: "assignment.new", payload: { assignmentId: s.main.id }, userId: s.users.head.id, locale: "vi" });
    expect(r).toEqual({ ok: false, reason: "assignment cancelled" });
    const note = await renderOutboxMessage(deps, { kind: "assignment.cancelled", payload: { assignmentId: s.main.id }, userId: s.users.head.id, locale: "vi" });
    expect(note.ok && note.message.text).toContain("Việc D7-TCKH giao cho Phòng Tài chính - Kế hoạch đã được hủy");
  });

  it("counts lateness in working days and says so: completion after a weekend, an overdue reminder without the sweep's count", async () => {
    // Due Friday 18/12/2026 (end of day); Tuesday 22/12 is 4 calendar days but 2 working days later.
    const deps = createTestDeps(db.prisma, { clock: createTestClock("2026-12-22T03:00:00Z") });
    const s = await buildScenario(db.prisma);
    const now = deps.clock.now();
    const report = await db.prisma.report.create({ data: { assignmentId: s.main.id, kind: "COMPLETION", text: "Đã xong.", authorId: s.users.head.id, createdAt: now } });
    await db.prisma.assignment.update({ where: { id: s.main.id }, data: { status: "COMPLETED", completedAt: now, completedById: s.users.head.id } });
    const completed = await renderOutboxMessage(deps, {
      kind: "assignment.completed",
      payload: { assignmentId: s.main.id, reportId: report.id },
      userId: s.users.leader.id,
      locale: "vi",
    });
    expect(completed.ok && completed.message.text).toContain("Hoàn thành quá hạn 2 ngày làm việc.");
    const en = await renderOutboxMessage(deps, {
      kind: "assignment.completed",
      payload: { assignmentId: s.main.id, reportId: report.id },
      userId: s.users.leader.id,
      locale: "en",
    });
    expect(en.ok && en.message.text).toContain("Completed 2 working day(s) late.");
    // A reminder row written before the sweep counted days (no overdueDay) is counted the same way.
    const overdue = await renderOutboxMessage(deps, {
      kind: "reminder.step",
      payload: { assignmentId: s.coord.id, step: "OVERDUE", at: now.toISOString() },
      userId: s.users.tpHead.id,
      locale: "vi",
    });
    expect(overdue.ok && overdue.message.text).toContain("đã quá hạn 2 ngày làm việc.");
  });

  it("renders every outbox kind in both locales", async () => {
    const deps = createTestDeps(db.prisma);
    const s = await buildScenario(db.prisma);
    const now = deps.clock.now();
    await db.prisma.assignment.update({ where: { id: s.coord.id }, data: { status: "ACKNOWLEDGED", acknowledgedAt: now, acknowledgedById: s.users.tpHead.id } });
    const report = await db.prisma.report.create({
      data: { assignmentId: s.main.id, kind: "COMPLETION", text: "Đã tham mưu văn bản trả lời số 12/TCKH.", authorId: s.users.head.id },
    });
    await db.prisma.assignment.update({ where: { id: s.main.id }, data: { status: "COMPLETED", completedAt: now, completedById: s.users.head.id } });
    const returned = await buildScenario(db.prisma);
    await db.prisma.assignment.update({ where: { id: returned.main.id }, data: { status: "RETURNED", returnedAt: now, returnReason: "Không thuộc thẩm quyền" } });
    const extPending = await db.prisma.extensionRequest.create({
      data: { assignmentId: s.coord.id, requestedById: s.users.tpHead.id, reason: "Chờ số liệu", requestedDueAt: new Date("2026-12-25T16:59:59.999Z"), previousDueAt: s.dueAt },
    });
    const extDecided = await db.prisma.extensionRequest.create({
      data: {
        assignmentId: s.coord.id,
        requestedById: s.users.tpHead.id,
        reason: "x",
        requestedDueAt: new Date("2026-12-25T16:59:59.999Z"),
        status: "GRANTED",
        decidedById: s.users.leader.id,
        decidedAt: now,
      },
    });
    const extClosed = await db.prisma.extensionRequest.create({
      data: { assignmentId: returned.main.id, requestedById: s.users.head.id, reason: "x", requestedDueAt: new Date("2026-12-25T16:59:59.999Z"), status: "CLOSED", decidedAt: now },
    });
    const failedRow = await buildOutboxRow(db.prisma, { userId: s.users.head.id, kind: "assignment.new", payload: { assignmentId: s.main.id } });
    const otherDoc = await buildScenario(db.prisma);
    // An issued outgoing document with TCKH as an electronic recipient (core/outgoing).
    const outDoc = await db.prisma.document.create({
      data: {
        orgId: s.org.id,
        direction: "OUT",
        registerBook: "OUT",
        registerYear: 2026,
        registerNumber: 5,
        ref: "P5/2026",
        docType: "Công văn",
        codeNumber: "05",
        codeNotation: "UBND-VP",
        issuer: "UBND thành phố Quy Nhơn",
        subject: "V/v triển khai văn phòng điện tử",
        status: "ISSUED",
        createdById: s.users.clerk.id,
      },
    });
    const outRecipient = await db.prisma.documentRecipient.create({ data: { documentId: outDoc.id, unitId: s.units.tckh.id } });
    // A package from the document interchange refused (core/interchange/receive-package.ts).
    const refusedPackage = await db.prisma.interchangePackage.create({
      data: {
        orgId: s.org.id,
        axisDocId: "1001",
        fromOrganId: "000.00.31.H10",
        state: "REFUSED",
        refusalKey: "interchange.refused.namespace",
        refusalReason: "Gói tin không theo không gian tên edXML.",
        receivedAt: now,
      },
    });
    // Packages waiting on the register clerks' card, and returned by one (core/interchange/decide-package.ts).
    const envelope = {
      from: { organId: "000.00.31.H10", organName: "Sở Tài chính tỉnh Bình Định" },
      to: [],
      code: { codeNumber: "45", codeNotation: "STC-NS" },
      promulgationInfo: { promulgationDate: "2026-12-10" },
      documentType: { type: 1, typeName: "Công văn" },
      subject: "V/v hướng dẫn lập dự toán ngân sách năm 2027",
      toPlaces: [],
      otherInfo: { priority: "1" },
    };
    const heldFiles = {
      original: { sha256: "a".repeat(64), size: 5000 },
      attachments: [{ sha256: "b".repeat(64), size: 812_000, name: "45-STC-NS.pdf", contentType: "application/pdf" }],
    };
    const pendingPackage = await db.prisma.interchangePackage.create({
      data: { orgId: s.org.id, axisDocId: "1002", fromOrganId: "000.00.31.H10", state: "PENDING", envelope, files: heldFiles, receivedAt: now },
    });
    const returnedPackage = await db.prisma.interchangePackage.create({
      data: {
        orgId: s.org.id,
        axisDocId: "1003",
        fromOrganId: "000.00.31.H10",
        state: "RETURNED",
        envelope,
        files: heldFiles,
        returnReason: "Gửi nhầm cơ quan",
        decidedById: s.users.clerk.id,
        decidedAt: now,
        receivedAt: now,
      },
    });
    // An agency returned the outgoing document through the interchange (core/interchange/send-statuses.ts).
    const outgoingPackage = await db.prisma.interchangeOutgoing.create({
      data: { documentId: outDoc.id, edxmlDocumentId: "000.00.32.H10,2026/12/10,05/UBND-VP", state: "SENT", nextAttemptAt: now, createdAt: now },
    });
    const outgoingRecipient = await db.prisma.interchangeOutgoingRecipient.create({
      data: { outgoingId: outgoingPackage.id, documentRecipientId: outRecipient.id, organId: "000.00.31.H10", organName: "Sở Tài chính tỉnh Bình Định", createdAt: now },
    });
    const returnedStatus = await db.prisma.interchangeOutgoingStatus.create({
      data: { axisDocId: "2001", recipientId: outgoingRecipient.id, statusCode: "02", description: "Sai thẩm quyền", receivedAt: now },
    });
    // A sender recalled a package (core/interchange/receive-recall.ts); a recipient answered our recall; the axis kept refusing.
    const recalledPackage = await db.prisma.interchangePackage.create({
      data: {
        orgId: s.org.id,
        axisDocId: "1004",
        fromOrganId: "000.00.31.H10",
        state: "RECALLED",
        envelope,
        files: heldFiles,
        recallAt: now,
        recallReason: "Sai số liệu",
        recallAnswer: "15",
        receivedAt: now,
      },
    });
    const recallAnswer = await db.prisma.interchangeOutgoingStatus.create({
      data: { axisDocId: "2002", recipientId: outgoingRecipient.id, statusCode: "16", description: "Đã xử lý xong", receivedAt: now },
    });
    const failedOutgoing = await db.prisma.interchangeOutgoing.create({
      data: {
        documentId: otherDoc.doc.id,
        edxmlDocumentId: "EFAILED00000001",
        state: "FAILED",
        lastError: "sendEdoc: HTTP 400",
        failedAt: now,
        nextAttemptAt: now,
        createdAt: now,
      },
    });
    const failedStatus = await db.prisma.interchangeStatusMessage.create({
      data: {
        dedupeKey: "x:03",
        packageId: pendingPackage.id,
        statusCode: "03",
        toOrganId: "000.00.31.H10",
        responseCode: "45/STC-NS",
        responseDate: new Date("2026-12-10T00:00:00Z"),
        state: "FAILED",
        lastError: "sendEdoc: FAIL",
        failedAt: now,
        nextAttemptAt: now,
        createdAt: now,
      },
    });
    const payloads: Record<OutboxKind, object> = {
      "document.toDirect": { documentId: otherDoc.doc.id },
      "assignment.new": { assignmentId: s.coord.id },
      "assignment.paper": { assignmentId: s.coord.id },
      "assignment.cancelled": { assignmentId: s.coord.id },
      "assignment.acknowledged": { assignmentId: s.coord.id },
      "assignment.progress": { assignmentId: s.main.id, reportId: report.id },
      "assignment.completed": { assignmentId: s.main.id, reportId: report.id },
      "assignment.returned": { assignmentId: returned.main.id },
      "extension.requested": { extensionId: extPending.id },
      "extension.decided": { extensionId: extDecided.id },
      "extension.closed": { extensionId: extClosed.id },
      "reminder.step": { assignmentId: s.coord.id, step: "DUE_SOON", at: now.toISOString() },
      "office.unreachable": { userId: s.users.head.id, outboxId: failedRow.id },
      "office.channelDeaf": { channel: "ZALO", problem: "webhookSet", detail: "https://other.example/hook", since: now.toISOString() },
      "office.linkCodesLocked": { lockedUntil: new Date(now.getTime() + 30 * 60_000).toISOString(), maxTries: 50, windowMinutes: 30 },
      "office.digest": { date: "2026-12-18" },
      "office.weeklyChart": { weekStart: "2026-11-30" },
      "document.done": { documentId: s.doc.id },
      "outgoing.received": { documentId: outDoc.id, recipientId: outRecipient.id },
      "office.interchangeRefused": { packageId: refusedPackage.id },
      "interchange.toRegister": { packageId: pendingPackage.id },
      "office.interchangeReturned": { packageId: returnedPackage.id },
      "outgoing.interchangeReturned": { statusId: returnedStatus.id },
      "interchange.recalled": { packageId: recalledPackage.id },
      "outgoing.interchangeRecallAnswered": { statusId: recallAnswer.id },
      "outgoing.interchangeFailed": { outgoingId: failedOutgoing.id },
      "interchange.statusFailed": { statusMessageId: failedStatus.id },
    };
    // The directive of otherDoc must not exist for document.toDirect to be relevant.
    await db.prisma.assignment.deleteMany({ where: { documentId: otherDoc.doc.id } });
    await db.prisma.directive.deleteMany({ where: { documentId: otherDoc.doc.id } });
    for (const kind of OUTBOX_KINDS) {
      for (const locale of ["vi", "en"] as const) {
        // The package card is for the register clerks only.
        const userId = kind === "interchange.toRegister" ? s.users.clerk.id : s.users.office.id;
        const r = await renderOutboxMessage(deps, { kind, payload: payloads[kind], userId, locale });
        expect(r, `${kind}/${locale}`).toMatchObject({ ok: true });
        if (r.ok) {
          expect(r.message.text.length, kind).toBeGreaterThan(10);
          expect(`${r.message.title} ${r.message.text}`, kind).not.toMatch(/\{\w+\}/);
        }
      }
    }
    const completed = await renderOutboxMessage(deps, { kind: "assignment.completed", payload: payloads["assignment.completed"], userId: s.users.leader.id, locale: "vi" });
    expect(completed.ok && completed.message.text).toContain("«Đã tham mưu văn bản trả lời số 12/TCKH.»");
    expect(completed.ok && completed.message.text).toContain("Hoàn thành đúng hạn.");
    const toDirect = await renderOutboxMessage(deps, { kind: "document.toDirect", payload: payloads["document.toDirect"], userId: s.users.leader.id, locale: "vi" });
    expect(toDirect.ok && toDirect.message.actions?.[0]?.command).toBe("/chidao D7");
    const digest = await renderOutboxMessage(deps, { kind: "office.digest", payload: { date: "2026-12-21" }, userId: s.users.office.id, locale: "vi" });
    expect(digest.ok && digest.message.text).toContain("Quá hạn:");
    const chart = await renderOutboxMessage(deps, {
      kind: "office.weeklyChart",
      payload: { weekStart: "2026-11-30", pngSha256: "c".repeat(64) },
      userId: s.users.office.id,
      locale: "vi",
    });
    expect(chart.ok && chart.message.attachments).toEqual([{ sha256: "c".repeat(64), fileName: "bao-cao-tuan-2026-11-30.png", mime: "image/png", kind: "photo" }]);
    const overdue = await renderOutboxMessage(deps, {
      kind: "reminder.step",
      payload: { assignmentId: s.coord.id, step: "OVERDUE", at: now.toISOString(), overdueDay: 3 },
      userId: s.users.tpHead.id,
      locale: "vi",
    });
    expect(overdue.ok && overdue.message.text).toContain("đã quá hạn 3 ngày làm việc.");
    // A reminder about work that is done is not sent.
    const stale = await renderOutboxMessage(deps, {
      kind: "reminder.step",
      payload: { assignmentId: s.main.id, step: "OVERDUE", at: now.toISOString() },
      userId: s.users.head.id,
      locale: "vi",
    });
    expect(stale.ok).toBe(false);
  });
});
