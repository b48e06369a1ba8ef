// /xem shows where the work stands: on a document, every assignment's state (chờ nhận, đã nhận,
// đang xử lý, đề nghị gia hạn, trả lại, đã hoàn thành đúng hạn, hoàn thành quá hạn, thay bằng chỉ
// đạo mới; a delegation closed with its unit's assignment: đóng vì đơn vị trả lại / đã hoàn thành),
// who holds it and its labelled deadline; on an assignment, also the PDF, the history
// with who and when, and every action the person may take. Driven by the real use cases through
// the channel-neutral dispatcher, on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { requestExtension } from "../../../core/assignments/request-extension.ts";
import { returnAssignment } from "../../../core/assignments/return-assignment.ts";
import { acknowledgeAssignment } from "../../../core/assignments/acknowledge-assignment.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { renderOutboxMessage } from "../../../core/outbox/render-outbox-message.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import type { BotEnv, TurnResult } from "../../../bots/shared/types.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { assignmentIdOf } from "../../support/query-builders.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
const files = createMemoryFileStore();
let seq = 0;
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const deps = () => createTestDeps(db.prisma, { clock, files });
const env = (): BotEnv => ({ deps: deps(), logger });
const u = (code: string) => org.users[code]!;

/** The leader reads in the web chat, the TCKH head on Zalo. */
const CHATS = { chutich: { channel: "WEB", id: "w-chutich" }, "tp.tckh": { channel: "ZALO", id: "z-tckh" } } as const;
const xem = async (who: keyof typeof CHATS, ref: string): Promise<TurnResult> =>
  handleIncoming(env(), { channel: CHATS[who].channel, externalUserId: CHATS[who].id, chatId: CHATS[who].id, updateKey: `v:${++seq}`, text: `/xem ${ref}` });
const textOf = (r: TurnResult) => r.replies.map((m) => `${m.title ?? ""}\n${m.text}`).join("\n");

let d1: string;
let d2: string;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  org = await setupExampleOrg(deps());
  for (const [code, chat] of Object.entries(CHATS)) await linkChat(deps(), chat.channel, chat.id, code);
  d1 = (await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] })).documentId;
  d2 = (await registerSample(deps(), org, { codeNumber: "46", files: [{ bytes: await samplePdf() }] })).documentId;
  await issueDirective(deps(), {
    actorUserId: u("chutich"),
    documentId: d1,
    text: "Giao TCKH chủ trì, TP phối hợp.",
    main: "TCKH",
    coordinate: ["TP"],
    due: { date: "2026-12-18" },
  });
}, 120_000);
afterAll(async () => db?.close());

describe("/xem, state by state", () => {
  it("follows every state of the document's assignments, with holder and labelled deadline", async () => {
    clock.set("2026-12-01T02:00:00Z"); // its own start: the tests run in any order and share the clock
    const tckh = await assignmentIdOf(db.prisma, "D1/2026-TCKH");
    const tp = await assignmentIdOf(db.prisma, "D1/2026-TP");
    expect(textOf(await xem("chutich", "D1"))).toContain("• D1-TCKH (chủ trì): chờ nhận · Phạm Thị Dung · hạn xử lý: Thứ Sáu, 18/12/2026");
    expect(textOf(await xem("chutich", "D1"))).toContain("• D1-TP (phối hợp): chờ nhận · Bùi Quang Khải · hạn xử lý: Thứ Sáu, 18/12/2026");

    await acknowledgeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: tckh });
    expect(textOf(await xem("chutich", "D1"))).toContain("• D1-TCKH (chủ trì): đã nhận · Phạm Thị Dung");

    clock.set("2026-12-02T02:00:00Z");
    await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: tckh, officerUserCode: "cv.tckh", due: { date: "2026-12-16" } });
    let view = textOf(await xem("chutich", "D1"));
    expect(view).toContain("• D1-TCKH (chủ trì): đang xử lý · Hoàng Văn Em · hạn xử lý: Thứ Sáu, 18/12/2026");
    expect(view).toContain("– D1-TCKH-cv.tckh: chờ nhận · Hoàng Văn Em · hạn xử lý: Thứ Tư, 16/12/2026");

    await requestExtension(deps(), { actorUserId: u("tp.tp"), assignmentId: tp, reason: "Chờ ý kiến Sở Tư pháp.", newDue: { date: "2026-12-23" } });
    expect(textOf(await xem("chutich", "D1"))).toContain("• D1-TP (phối hợp): đề nghị gia hạn · Bùi Quang Khải");
    await returnAssignment(deps(), { actorUserId: u("tp.tp"), reason: "Không thuộc lĩnh vực.", assignmentId: tp });
    expect(textOf(await xem("chutich", "D1"))).toContain("• D1-TP (phối hợp): trả lại · Bùi Quang Khải");

    clock.set("2026-12-03T03:00:00Z");
    const child = await assignmentIdOf(db.prisma, "D1/2026-TCKH-cv.tckh");
    await completeAssignment(deps(), { actorUserId: u("cv.tckh"), assignmentId: child, text: "Đã dự thảo văn bản trả lời." });
    view = textOf(await xem("chutich", "D1"));
    expect(view).toContain("– D1-TCKH-cv.tckh: đã hoàn thành đúng hạn · Hoàng Văn Em");
    // Nobody holds the unit's task now but its head.
    expect(view).toContain("• D1-TCKH (chủ trì): đang xử lý · Phạm Thị Dung");

    // The officer's completion tells the head, and offers the next step: close the unit's task.
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { kind: "assignment.completed", userId: u("tp.tckh") } });
    const told = await renderOutboxMessage(deps(), { kind: row.kind, payload: row.payload, userId: u("tp.tckh"), locale: "vi" });
    expect(told.ok && told.message.actions).toEqual([{ label: "Hoàn thành việc của đơn vị", command: "/xong D1-TCKH", callback: `a1:done:${tckh}` }]);

    // The assignment itself, as its head sees it on Zalo: state, holder, deadline, PDF, history, actions.
    const mine = await xem("tp.tckh", "D1-TCKH");
    const card = textOf(mine);
    expect(card).toContain("Trạng thái: đang xử lý");
    expect(card).toContain("Người xử lý: Phạm Thị Dung");
    expect(card).toContain("Hạn xử lý: Thứ Sáu, 18/12/2026");
    expect(card).toContain("Văn bản (PDF) gửi kèm");
    expect(card).toContain("09:00 01/12/2026: đơn vị nhận giao việc");
    expect(card).toContain("09:00 01/12/2026: Phạm Thị Dung xác nhận đã nhận");
    expect(card).toContain("09:00 02/12/2026: giao chuyên viên Hoàng Văn Em");
    expect(card).toContain("10:00 03/12/2026: Hoàng Văn Em báo cáo hoàn thành: Đã dự thảo văn bản trả lời.");
    expect(mine.replies[0]!.attachments).toHaveLength(1);
    expect(mine.replies[0]!.actions?.map((a) => a.command)).toEqual(["/giao D1-TCKH", "/tiendo D1-TCKH", "/xong D1-TCKH", "/giahan D1-TCKH"]);

    // Completed after the deadline.
    clock.set("2026-12-21T03:00:00Z");
    await completeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: tckh, text: "Đã trình UBND ký công văn trả lời." });
    expect(textOf(await xem("chutich", "D1"))).toContain("• D1-TCKH (chủ trì): hoàn thành quá hạn · Phạm Thị Dung");
    const done = await xem("tp.tckh", "D1-TCKH");
    expect(textOf(done)).toContain("Trạng thái: hoàn thành quá hạn");
    expect(done.replies[0]!.actions).toEqual([]);
  });

  it("shows an assignment replaced by a new directive as such", async () => {
    clock.set("2026-12-21T03:00:00Z");
    await issueDirective(deps(), { actorUserId: u("chutich"), documentId: d2, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-30" } });
    await issueDirective(deps(), { actorUserId: u("chutich"), documentId: d2, text: "Giao TP chủ trì.", main: "TP", due: { date: "2026-12-30" } });
    // The leader still sees the replaced assignment (the unit no longer has a part in the document).
    const view = textOf(await xem("chutich", "D2-TCKH"));
    expect(view).toContain("Trạng thái: đã thay bằng chỉ đạo mới");
    expect(textOf(await xem("chutich", "D2"))).toContain("• D2-TP (chủ trì): chờ nhận · Bùi Quang Khải · hạn xử lý: Thứ Tư, 30/12/2026");
  });

  describe("a delegation closed with its unit's assignment says why", () => {
    /** A fresh document: TCKH leads it, and its head delegates it to the officer. */
    const delegatedDoc = async (codeNumber: string) => {
      clock.set("2026-12-01T02:00:00Z"); // its own start: the tests run in any order and share the clock
      const reg = await registerSample(deps(), org, { codeNumber, files: [{ bytes: await samplePdf() }] });
      const r = await issueDirective(deps(), { actorUserId: u("chutich"), documentId: reg.documentId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-18" } });
      const parentId = r.assignments[0]!.assignmentId;
      await delegateAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: parentId, officerUserCode: "cv.tckh", due: { date: "2026-12-16" } });
      const view = textOf(await xem("chutich", reg.displayRef));
      expect(view).toContain(`– ${reg.displayRef}-TCKH-cv.tckh: chờ nhận · Hoàng Văn Em · hạn xử lý: Thứ Tư, 16/12/2026`);
      return { doc: reg.displayRef, documentId: reg.documentId, parentId };
    };
    /** The delegation as the leader (web chat) and the unit's head (Zalo) see it: its state line and its actions. */
    const delegationCard = async (who: keyof typeof CHATS, ref: string) => {
      const r = await xem(who, ref);
      return { text: textOf(r), actions: r.replies[0]!.actions ?? [] };
    };

    it("completed by the unit's head: đóng vì đơn vị đã hoàn thành", async () => {
      const { doc, parentId } = await delegatedDoc("48");
      clock.set("2026-12-03T03:00:00Z");
      await completeAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: parentId, text: "Phòng đã hoàn thành." });
      const view = textOf(await xem("chutich", doc));
      expect(view).toContain(`• ${doc}-TCKH (chủ trì): đã hoàn thành đúng hạn · Phạm Thị Dung`);
      expect(view).toContain(`– ${doc}-TCKH-cv.tckh: đóng vì đơn vị đã hoàn thành · Hoàng Văn Em`);
      expect(view).not.toContain("thay bằng chỉ đạo mới");
      for (const who of ["chutich", "tp.tckh"] as const) {
        const card = await delegationCard(who, `${doc}-TCKH-cv.tckh`);
        expect(card.text).toContain("Trạng thái: đóng vì đơn vị đã hoàn thành");
        expect(card.actions).toEqual([]);
      }
    });

    it("returned by the unit: đóng vì đơn vị trả lại", async () => {
      const { doc, parentId } = await delegatedDoc("49");
      // Delegating starts the work and the table lets a unit return only before that: put the unit's
      // assignment back to "acknowledged" by hand, as if the table allowed it (the rule must hold).
      await db.prisma.assignment.update({ where: { id: parentId }, data: { status: "ACKNOWLEDGED" } });
      await returnAssignment(deps(), { actorUserId: u("tp.tckh"), assignmentId: parentId, reason: "Không thuộc lĩnh vực." });
      const view = textOf(await xem("chutich", doc));
      expect(view).toContain(`• ${doc}-TCKH (chủ trì): trả lại · Phạm Thị Dung`);
      expect(view).toContain(`– ${doc}-TCKH-cv.tckh: đóng vì đơn vị trả lại · Hoàng Văn Em`);
      expect(view).not.toContain("thay bằng chỉ đạo mới");
      for (const who of ["chutich", "tp.tckh"] as const) expect((await delegationCard(who, `${doc}-TCKH-cv.tckh`)).text).toContain("Trạng thái: đóng vì đơn vị trả lại");
    });

    it("replaced by a new directive: đã thay bằng chỉ đạo mới, as before", async () => {
      const { doc, documentId } = await delegatedDoc("50");
      await issueDirective(deps(), { actorUserId: u("chutich"), documentId, text: "Giao TP chủ trì.", main: "TP", due: { date: "2026-12-18" } });
      const card = await delegationCard("chutich", `${doc}-TCKH-cv.tckh`);
      expect(card.text).toContain("Trạng thái: đã thay bằng chỉ đạo mới");
      expect(card.text).not.toContain("đóng vì đơn vị");
      expect(textOf(await xem("chutich", `${doc}-TCKH`))).toContain("Trạng thái: đã thay bằng chỉ đạo mới");
    });
  });

  it("the extension card's reply lines work as typed text (Zalo's way): /giahan REF dong y decides the request", async () => {
    clock.set("2026-12-21T03:00:00Z");
    // Its own document's ref: other tests of this file register documents too, in any order.
    const d3 = await registerSample(deps(), org, { codeNumber: "47", files: [{ bytes: await samplePdf() }] });
    const ref = `${d3.displayRef}-TCKH`;
    const r = await issueDirective(deps(), { actorUserId: u("chutich"), documentId: d3.documentId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-30" } });
    const ext = await requestExtension(deps(), { actorUserId: u("tp.tckh"), assignmentId: r.assignments[0]!.assignmentId, reason: "Chờ số liệu.", newDue: { date: "2027-01-05" } });
    const row = await db.prisma.outboxMessage.findFirstOrThrow({
      where: { kind: "extension.requested", userId: u("chutich"), payload: { path: ["extensionId"], equals: ext.extensionId } },
    });
    const card = await renderOutboxMessage(deps(), { kind: row.kind, payload: row.payload, userId: u("chutich"), locale: "vi" });
    expect(card).toMatchObject({ ok: true });
    expect(card.ok && card.message.actions?.map((a) => a.command)).toEqual([`/giahan ${ref} dong y`, `/giahan ${ref} khong`]);
    const said = await handleIncoming(env(), {
      channel: "WEB",
      externalUserId: CHATS.chutich.id,
      chatId: CHATS.chutich.id,
      updateKey: `v:${++seq}`,
      text: `/giahan ${ref} đồng ý`,
    });
    expect(textOf(said)).toContain("Đã trả lời đề nghị gia hạn.");
    expect(await db.prisma.extensionRequest.findUniqueOrThrow({ where: { id: ext.extensionId }, select: { status: true, assignment: { select: { dueAt: true } } } })).toEqual({
      status: "GRANTED",
      assignment: { dueAt: new Date("2027-01-05T16:59:59.999Z") },
    });
  });
});
