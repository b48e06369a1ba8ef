// An officer's delegated work closes with the unit's assignment, seen on Telegram: the officer's
// card (sent by the Telegram sender) becomes the closing notice without buttons, and a press on an
// old button answers with the current state instead of acting. Real grammY (long polling) and the
// real sender against the fake Bot API, on a real database.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../../core/assignments/acknowledge-assignment.ts";
import { completeAssignment } from "../../../core/assignments/complete-assignment.ts";
import { delegateAssignment } from "../../../core/assignments/delegate-assignment.ts";
import { returnAssignment } from "../../../core/assignments/return-assignment.ts";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { deliverOutboxMessage } from "../../../core/outbox/deliver-outbox-message.ts";
import { findDueOutboxMessages } from "../../../core/outbox/find-due-outbox.ts";
import type { BotLogger } from "../../../bots/shared/types.ts";
import { createTelegramBot, type TelegramBot } from "../../../bots/telegram/create-telegram-bot.ts";
import { createTelegramSender } from "../../../bots/telegram/telegram-sender.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { inlineButtons, shown, startFakeTelegramServer, type FakeTelegramServer, type FakeUser, type StoredMessage } from "../../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const TOKEN = "4545:delegation-token";
const OFFICER: FakeUser = { id: 707, first_name: "Lan" };

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
let fake: FakeTelegramServer;
let tg: TelegramBot;
const errors: unknown[] = [];
const logger: BotLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => void errors.push(obj) };
const deps = () => createTestDeps(db.prisma, { clock, files });
const u = (code: string) => org.users[code]!;

/** Delivers the officer's due outbox rows through the Telegram sender (with its living cards). */
const deliverToOfficer = async () => {
  const sender = createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, files, maxRetryAttempts: 0, cards: deps() });
  const officer = u("cv.tp");
  for (const row of await findDueOutboxMessages(deps())) {
    const { userId } = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id }, select: { userId: true } });
    if (userId === officer) await deliverOutboxMessage(deps(), { outboxId: row.id, senders: { TELEGRAM: sender }, workerId: "test" });
  }
};

/** TP coordinates D1; its head delegates to the officer, whose card arrives with its buttons. */
const delegated = async (): Promise<{ parentId: string; childId: string; card: StoredMessage; ackData: string }> => {
  const doc = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
  const r = await issueDirective(deps(), {
    actorUserId: u("chutich"),
    documentId: doc.documentId,
    text: "Giao TCKH chủ trì, TP phối hợp.",
    main: "TCKH",
    coordinate: ["TP"],
    due: { date: "2026-12-21" },
  });
  const parentId = r.assignments.find((a) => a.unitCode === "TP")!.assignmentId;
  const child = await delegateAssignment(deps(), { actorUserId: u("tp.tp"), assignmentId: parentId, officerUserCode: "cv.tp" });
  await deliverToOfficer();
  const card = fake.messages(OFFICER.id).find((m) => shown(m).includes("D1-TP-cv.tp"))!;
  expect(inlineButtons(card).map((b) => b.text)).toContain("Nhận");
  // The button as it was sent (the stored message is edited in place later).
  const ackData = inlineButtons(card).find((b) => b.text === "Nhận")!.callback_data!;
  return { parentId, childId: child.assignmentId, card, ackData };
};

/** Presses the card's old "Nhận" (its data as it was sent) and returns the callback answer's text. */
const pressOldAck = async (card: StoredMessage, data: string): Promise<string> => {
  const before = fake.callbackAnswers.length;
  fake.pushUpdate(fake.callbackQuery(OFFICER, data, card));
  await fake.waitFor(() => fake.callbackAnswers.length > before, 10_000, "the callback answer");
  return fake.callbackAnswers.at(-1)!.text ?? "";
};

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  errors.length = 0;
  clock = createTestClock("2026-12-01T02:00:00Z"); // Tuesday 09:00 in Vietnam
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
  await linkChat(deps(), "TELEGRAM", String(OFFICER.id), "cv.tp");
  fake = await startFakeTelegramServer({ token: TOKEN });
  tg = createTelegramBot({ token: TOKEN, apiRoot: fake.apiRoot, deps: deps(), logger, botInfo: fake.botInfo });
  await tg.startPolling();
});
afterEach(async () => {
  await tg.stop();
  await fake.close();
  expect(errors).toEqual([]);
});

describe("the officer's delegation closes with the unit's assignment (returned, completed, replaced), on Telegram", () => {
  it("returned: the card becomes 'Đóng việc' with the reason and no buttons; an old press answers with the closed state", async () => {
    const { parentId, childId, card, ackData } = await delegated();
    // Delegating starts the work and the table lets a unit return only before that: put the unit's
    // assignment back to "acknowledged" by hand, as if the table allowed it (the rule must hold).
    await db.prisma.assignment.update({ where: { id: parentId }, data: { status: "ACKNOWLEDGED" } });
    await returnAssignment(deps(), { actorUserId: u("tp.tp"), assignmentId: parentId, reason: "Không thuộc lĩnh vực của phòng." });
    await deliverToOfficer();

    const now = fake.message(OFFICER.id, card.message_id);
    expect(shown(now)).toContain("Đóng việc D1-TP-cv.tp");
    expect(shown(now)).toContain("Sở Tư pháp đã trả lại việc D1-TP cho lãnh đạo (lý do: Không thuộc lĩnh vực của phòng.)");
    expect(inlineButtons(now)).toEqual([]);
    expect(await pressOldAck(card, ackData)).toBe("Việc D1-TP-cv.tp đã đóng vì đơn vị đã trả lại việc này cho lãnh đạo; không cần xử lý tiếp.");
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: childId }, select: { status: true } })).status).toBe("CANCELLED");
    // The typed command says the same.
    await expect(acknowledgeAssignment(deps(), { actorUserId: u("cv.tp"), assignmentId: childId })).rejects.toMatchObject({ messageKey: "assignment.delegationClosed.RETURNED" });
  });

  it("completed by the unit's head: the card becomes 'Đóng việc' naming the head, without buttons; an old press answers with the closed state", async () => {
    const { parentId, childId, card, ackData } = await delegated();
    await completeAssignment(deps(), { actorUserId: u("tp.tp"), assignmentId: parentId, text: "Phòng đã tổng hợp ý kiến phối hợp." });
    await deliverToOfficer();

    const head = await db.prisma.user.findUniqueOrThrow({ where: { id: u("tp.tp") }, select: { name: true } });
    const now = fake.message(OFFICER.id, card.message_id);
    expect(shown(now)).toContain("Đóng việc D1-TP-cv.tp");
    expect(shown(now)).toContain(`${head.name} đã báo cáo hoàn thành việc D1-TP của Sở Tư pháp. Không cần xử lý tiếp.`);
    expect(inlineButtons(now)).toEqual([]);
    expect(await pressOldAck(card, ackData)).toBe("Việc D1-TP-cv.tp đã đóng vì thủ trưởng đơn vị đã báo cáo hoàn thành việc của đơn vị; không cần xử lý tiếp.");
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: childId }, select: { status: true } })).status).toBe("CANCELLED");
    await expect(acknowledgeAssignment(deps(), { actorUserId: u("cv.tp"), assignmentId: childId })).rejects.toMatchObject({ messageKey: "assignment.delegationClosed.COMPLETED" });
  });

  it("cancelled by a new directive: the card becomes 'Hủy giao việc' without buttons; an old press answers with the cancelled state", async () => {
    const { childId, card, ackData } = await delegated();
    const docId = (await db.prisma.assignment.findUniqueOrThrow({ where: { id: childId }, select: { documentId: true } })).documentId;
    await issueDirective(deps(), { actorUserId: u("chutich"), documentId: docId, text: "Giao TCKH chủ trì.", main: "TCKH", due: { date: "2026-12-21" } });
    await deliverToOfficer();

    const now = fake.message(OFFICER.id, card.message_id);
    expect(shown(now)).toContain("Hủy giao việc D1-TP-cv.tp");
    expect(inlineButtons(now)).toEqual([]);
    expect(await pressOldAck(card, ackData)).toBe("Việc D1-TP-cv.tp đã bị thay bằng ý kiến chỉ đạo mới; xem việc mới bằng /viec.");
    expect((await db.prisma.assignment.findUniqueOrThrow({ where: { id: childId }, select: { status: true } })).status).toBe("CANCELLED");
  });
});
