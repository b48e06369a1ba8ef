// One living card per assignment and chat: the Telegram sender edits the card it sent before (same
// `cardKey`, remembered through core/outbox/card-registry.ts) instead of adding a message, and the
// bot updates that card when a typed command changes the assignment. Real grammY against the fake
// Bot API server (which keeps each message's edit history), on a real database.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { redeemLinkCode } from "../../../core/identity/redeem-link-code.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { findCard } from "../../../core/outbox/card-registry.ts";
import { deliverOutboxMessage } from "../../../core/outbox/deliver-outbox-message.ts";
import { findDueOutboxMessages } from "../../../core/outbox/find-due-outbox.ts";
import type { SendTarget } from "../../../core/ports/sender.ts";
import { createTelegramBot, type TelegramBot } from "../../../bots/telegram/create-telegram-bot.ts";
import { createTelegramSender } from "../../../bots/telegram/telegram-sender.ts";
import type { BotLogger } from "../../../bots/shared/types.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { inlineButtons, startFakeTelegramServer, type FakeTelegramServer, type FakeUser, type StoredMessage, shown } from "../../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const TOKEN = "4444:living-card-token";
const LEADER: FakeUser = { id: 202, first_name: "An" };
const HEAD_TCKH: FakeUser = { id: 303, first_name: "Dung" };
const HEAD_TP: FakeUser = { id: 404, first_name: "Khải" };

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
let fake: FakeTelegramServer;
const errors: unknown[] = [];
const logger: BotLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => errors.push(obj) };
const deps = () => createTestDeps(db.prisma, { clock, files });
const labels = (m: StoredMessage | undefined) => inlineButtons(m).map((b) => b.text);
const newSender = () => createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, files, maxRetryAttempts: 0, cards: deps() });
const target = (chatId: number): SendTarget => ({ identityId: "i1", channel: "TELEGRAM", chatId: String(chatId), userId: "u1", locale: "vi" });
const action = (label: string, verb: string) => ({ label, command: `/${verb} D1-TCKH`, callback: `a1:${verb}:abc` });

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  errors.length = 0;
  clock = createTestClock("2026-12-01T02:00:00Z");
  files = createMemoryFileStore();
  fake = await startFakeTelegramServer({ token: TOKEN });
});
afterEach(async () => {
  await fake.close();
  expect(errors).toEqual([]);
});

describe("the Telegram sender keeps one card per cardKey and chat", () => {
  it("edits the card in place (text and buttons), tolerates 'not modified', and removes the keyboard when no action is left", async () => {
    const sender = newSender();
    const first = await sender.send(target(303), {
      title: "Giao việc D1-TCKH",
      text: "Hạn xử lý: 08/12/2026",
      actions: [action("Nhận", "ack"), action("Báo cáo hoàn thành", "done")],
      cardKey: "assignment:abc",
    });
    const second = await sender.send(target(303), {
      title: "Giao việc D1-TCKH",
      text: "Đã nhận. Hạn xử lý: 08/12/2026",
      actions: [action("Báo cáo hoàn thành", "done")],
      cardKey: "assignment:abc",
    });
    expect(second.platformMessageId).toBe(first.platformMessageId);
    const again = await sender.send(target(303), {
      title: "Giao việc D1-TCKH",
      text: "Đã nhận. Hạn xử lý: 08/12/2026",
      actions: [action("Báo cáo hoàn thành", "done")],
      cardKey: "assignment:abc",
    });
    expect(again.platformMessageId).toBe(first.platformMessageId);
    await sender.send(target(303), { title: "Giao việc D1-TCKH", text: "Đã hoàn thành.", cardKey: "assignment:abc" });

    const messages = fake.messages(303);
    expect(messages).toHaveLength(1);
    const card = messages[0]!;
    expect(shown(card)).toBe("Giao việc D1-TCKH\nĐã hoàn thành.");
    expect(labels(card)).toEqual([]);
    expect(card.edits.map((e) => e.method)).toEqual(["editMessageText", "editMessageText"]);
    expect(card.edits[0]!.next.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(["Báo cáo hoàn thành"]);
    // Another chat and a message without a cardKey are new messages.
    await sender.send(target(404), { title: "Giao việc D1-TCKH", text: "…", cardKey: "assignment:abc" });
    await sender.send(target(303), { text: "Nhắc việc D1-TCKH" });
    expect(fake.messages(404)).toHaveLength(1);
    expect(fake.messages(303)).toHaveLength(2);
  });

  it("sends a new card when the old one is gone, and does not remember a card split over several messages", async () => {
    const sender = newSender();
    const first = await sender.send(target(303), { text: "Thẻ cũ", actions: [action("Nhận", "ack")], cardKey: "assignment:abc" });
    await sender.api.deleteMessage(303, Number(first.platformMessageId));
    const second = await sender.send(target(303), { text: "Thẻ mới", actions: [action("Nhận", "ack")], cardKey: "assignment:abc" });
    expect(second.platformMessageId).not.toBe(first.platformMessageId);
    expect(fake.messages(303).map(shown)).toEqual(["Thẻ mới"]);
    expect(await findCard(deps(), { channel: "TELEGRAM", chatId: "303", cardKey: "assignment:abc" })).toEqual({ messageId: second.platformMessageId });

    const long = "Nội dung rất dài. ".repeat(300);
    await sender.send(target(303), { text: long, actions: [action("Nhận", "ack")], cardKey: "assignment:abc" });
    // The earlier card lost its buttons: only the newest version is live.
    expect(labels(fake.message(303, Number(second.platformMessageId)))).toEqual([]);
    expect(await findCard(deps(), { channel: "TELEGRAM", chatId: "303", cardKey: "assignment:abc" })).toBeNull();
    await sender.send(target(303), { text: "Ngắn lại", cardKey: "assignment:abc" });
    expect(fake.messages(303).map(shown).at(-1)).toBe("Ngắn lại");
  });
});

describe("an assignment's card through the outbox and the bot", () => {
  let tg: TelegramBot;
  beforeEach(async () => {
    org = await setupExampleOrg(deps());
    for (const [user, code] of [
      [LEADER, "chutich"],
      [HEAD_TCKH, "tp.tckh"],
      [HEAD_TP, "tp.tp"],
    ] as const) {
      const { code: linkCode } = await issueLinkCode(deps(), { userCode: code });
      await redeemLinkCode(deps(), { channel: "TELEGRAM", externalUserId: String(user.id), chatId: String(user.id), code: linkCode });
    }
    tg = createTelegramBot({ token: TOKEN, apiRoot: fake.apiRoot, deps: deps(), logger, botInfo: fake.botInfo });
    await tg.startPolling();
  });
  afterEach(async () => {
    await tg.stop();
  });

  const deliverAll = async () => {
    const sender = newSender();
    for (const row of await findDueOutboxMessages(deps())) await deliverOutboxMessage(deps(), { outboxId: row.id, senders: { TELEGRAM: sender }, workerId: "test" });
  };
  const direct = async (documentId: string, main: string) => {
    await issueDirective(deps(), { actorUserId: org.users.chutich!, documentId, text: `Giao ${main} chủ trì tham mưu trả lời.`, main, due: { workingDays: 5 } });
    await deliverAll();
  };
  const ask = async (user: FakeUser, text: string): Promise<StoredMessage> => {
    const before = fake.messages(user.id).length;
    fake.pushUpdate(fake.textMessage(user, text));
    return (await fake.waitForMessages(user.id, before + 1, 15_000))[before]!;
  };

  it("acknowledge (/nhan) then complete (/xong): the head's card is edited each time and ends without buttons", async () => {
    const { documentId } = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    await direct(documentId, "TCKH");
    const card = fake.messages(HEAD_TCKH.id).find((m) => shown(m).includes("Giao việc D1-TCKH"))!;
    // Exactly what the transition table allows a unit head on the unit's new assignment.
    expect(labels(card)).toEqual(["Nhận", "Giao chuyên viên", "Báo cáo tiến độ", "Báo cáo hoàn thành", "Trả lại", "Đề nghị gia hạn"]);

    expect(shown(await ask(HEAD_TCKH, "/nhan D1-TCKH"))).toContain("Đã xác nhận đã nhận việc D1-TCKH");
    await fake.waitFor(() => card.edits.length === 1, 10_000, "the first edit");
    expect(labels(card)).toEqual(["Giao chuyên viên", "Báo cáo tiến độ", "Báo cáo hoàn thành", "Trả lại", "Đề nghị gia hạn"]);

    expect(shown(await ask(HEAD_TCKH, "/xong D1-TCKH Đã trình UBND ký công văn trả lời"))).toContain("Đã báo cáo hoàn thành D1-TCKH");
    await fake.waitFor(() => card.edits.length === 2, 10_000, "the second edit");
    expect(labels(card)).toEqual([]);
    expect(card.edits.every((e) => e.method === "editMessageReplyMarkup")).toBe(true);
    // Still one card for the assignment in the head's chat (and the stamped PDF sent with it).
    expect(fake.messages(HEAD_TCKH.id).filter((m) => shown(m).includes("Giao việc D1-TCKH"))).toHaveLength(1);
  });

  it("an extension request dies with its returned assignment: the leader's card says so, the old button answers with the current state, the deadline stays", async () => {
    const { documentId } = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    await issueDirective(deps(), { actorUserId: org.users.chutich!, documentId, text: "Giao TCKH chủ trì tham mưu trả lời.", main: "TCKH", due: { date: "2026-12-18" } });
    await deliverAll();
    expect(shown(await ask(HEAD_TCKH, "/giahan D1-TCKH 23/12/2026 Cần thêm số liệu của các phường"))).toContain("Đã gửi đề nghị gia hạn D1-TCKH");
    await deliverAll();
    const extCard = fake.messages(LEADER.id).find((m) => shown(m).includes("Đề nghị gia hạn D1-TCKH"))!;
    expect(labels(extCard)).toEqual(["Đồng ý gia hạn", "Không đồng ý"]);
    const grantData = inlineButtons(extCard).find((b) => b.text === "Đồng ý gia hạn")!.callback_data!;

    expect(shown(await ask(HEAD_TCKH, "/tralai D1-TCKH Không thuộc lĩnh vực của phòng"))).toContain("Đã trả lại việc D1-TCKH");
    await deliverAll();
    // The request card, edited in place, now says it is closed and offers nothing; the return is a
    // new message below it (events in the order they happened).
    await fake.waitFor(() => labels(fake.message(LEADER.id, extCard.message_id)).length === 0, 10_000, "the request card without buttons");
    expect(shown(fake.message(LEADER.id, extCard.message_id))).toContain("đã đóng vì việc đã được trả lại lãnh đạo");
    const leaderChat = fake.messages(LEADER.id).map(shown);
    const cardAt = fake.messages(LEADER.id).findIndex((m) => m.message_id === extCard.message_id);
    expect(leaderChat.findIndex((t) => t.startsWith("Trả lại việc D1-TCKH"))).toBeGreaterThan(cardAt);
    const ext = await db.prisma.extensionRequest.findFirstOrThrow({ select: { status: true, assignment: { select: { dueAt: true, status: true } } } });
    expect(ext).toEqual({ status: "CLOSED", assignment: { status: "RETURNED", dueAt: new Date("2026-12-18T16:59:59.999Z") } });

    // The old "Đồng ý gia hạn" pressed anyway (a stale copy of the card): nothing changes, the
    // answer is the request's current state.
    fake.pushUpdate(fake.callbackQuery(LEADER, grantData, extCard));
    await fake.waitFor(() => fake.callbackAnswers.length > 0, 10_000, "the press answered");
    expect(fake.callbackAnswers.at(-1)!.text).toContain("đã đóng vì việc đã được trả lại lãnh đạo; hạn xử lý không đổi");
    expect(await db.prisma.extensionRequest.findFirstOrThrow({ select: { status: true, assignment: { select: { dueAt: true } } } })).toEqual({
      status: "CLOSED",
      assignment: { dueAt: new Date("2026-12-18T16:59:59.999Z") },
    });
  });

  it("a superseding directive turns the old card into the cancellation notice, in place", async () => {
    const { documentId } = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    await direct(documentId, "TCKH");
    const card = fake.messages(HEAD_TCKH.id).find((m) => shown(m).includes("Giao việc D1-TCKH"))!;
    const count = fake.messages(HEAD_TCKH.id).length;
    await direct(documentId, "TP");
    expect(fake.messages(HEAD_TCKH.id)).toHaveLength(count);
    expect(shown(card)).toContain("Hủy giao việc D1-TCKH");
    expect(labels(card)).toEqual([]);
    expect(card.edits.map((e) => e.method)).toEqual(["editMessageText"]);
    expect(shown(fake.messages(HEAD_TP.id).find((m) => shown(m).includes("Giao việc D1-TP")))).toContain("Giao TP chủ trì");
  });
});
