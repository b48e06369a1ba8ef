// The leader's guided directive end to end on Telegram: the real grammY client (long polling
// through @grammyjs/runner) against the fake Bot API server, on a real database. The leader presses
// "Chỉ đạo" on the delivered document card and is guided by buttons to the recorded directive.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { deliverOutboxMessage } from "../../../core/outbox/deliver-outbox-message.ts";
import { findDueOutboxMessages } from "../../../core/outbox/find-due-outbox.ts";
import { createTelegramBot, type TelegramBot } from "../../../bots/telegram/create-telegram-bot.ts";
import { createTelegramSender } from "../../../bots/telegram/telegram-sender.ts";
import type { BotLogger } from "../../../bots/shared/types.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { inlineButtons, startFakeTelegramServer, type FakeTelegramServer, type FakeUser, type StoredMessage, shown } from "../../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture, linkChat } from "../../support/workflow.ts";

const TOKEN = "4242:test-token";
const LEADER: FakeUser = { id: 202, first_name: "An" };
const HEAD_TCKH: FakeUser = { id: 303, first_name: "Dung" };
const STRANGER: FakeUser = { id: 999, first_name: "Người lạ" };
const TEXT = "Giao Sở Tài chính chủ trì, phối hợp Sở Tư pháp tham mưu <b>trả lời</b> & báo cáo UBND thành phố.";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
let fake: FakeTelegramServer;
let tg: TelegramBot;
const errors: unknown[] = [];
const logger: BotLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => errors.push(obj) };
const deps = () => createTestDeps(db.prisma, { clock, files });

const link = (user: FakeUser, userCode: string) => linkChat(deps(), "TELEGRAM", String(user.id), userCode);
/** Waits for the chat's next message after the ones already there. */
const nextMessage = async (chatId: number, act: () => void): Promise<StoredMessage> => {
  const before = fake.messages(chatId).length;
  act();
  return (await fake.waitForMessages(chatId, before + 1, 10_000))[before]!;
};
const answers = (n: number) => fake.waitFor(() => fake.callbackAnswers.length >= n && fake.callbackAnswers, 10_000, `${n} callback answers`);
const buttonData = (m: StoredMessage, label: string): string => {
  const data = inlineButtons(m).find((b) => b.text === label)?.callback_data;
  expect(
    data,
    `no button "${label}" on: ${inlineButtons(m)
      .map((b) => b.text)
      .join(" | ")}`,
  ).toBeDefined();
  return data!;
};
/** Presses the button labelled `label` on `m` and returns the bot's next message to that chat. */
const pressFor = (user: FakeUser, m: StoredMessage, label: string) => nextMessage(user.id, () => fake.pushUpdate(fake.callbackQuery(user, buttonData(m, label), m)));

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
  fake = await startFakeTelegramServer({ token: TOKEN });
  tg = createTelegramBot({ token: TOKEN, apiRoot: fake.apiRoot, deps: deps(), logger, botInfo: fake.botInfo, albumDebounceMs: 300 });
  await tg.startPolling();
});
afterEach(async () => {
  await tg.stop();
  await fake.close();
  expect(errors).toEqual([]);
});

/** Registers D1 and delivers the leader's "document to direct" card; returns it. */
const cardToDirect = async (): Promise<{ card: StoredMessage; documentId: string }> => {
  await link(LEADER, "chutich");
  await link(HEAD_TCKH, "tp.tckh");
  const { documentId } = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
  const sender = createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, files });
  for (const row of await findDueOutboxMessages(deps())) await deliverOutboxMessage(deps(), { outboxId: row.id, senders: { TELEGRAM: sender }, workerId: "test" });
  const card = await fake.waitFor(() => fake.messages(LEADER.id).find((m) => inlineButtons(m).some((b) => b.text === "Chỉ đạo")), 10_000, "the card");
  return { card, documentId };
};

describe("the guided directive on Telegram", () => {
  it("Chỉ đạo on the card → TCKH → toggle TP → Xong → 5 ngày → the text → Xác nhận: recorded, the heads' cards queued", async () => {
    const { card, documentId } = await cardToDirect();
    expect(buttonData(card, "Chỉ đạo")).toBe(`a1:dir:${documentId}`);

    const units = await pressFor(LEADER, card, "Chỉ đạo");
    expect(shown(units)).toContain("Chỉ đạo D1: đơn vị chủ trì");
    expect(inlineButtons(units).map((b) => b.text)).toContain("Sở Tài chính");
    for (const b of inlineButtons(units)) expect(Buffer.byteLength(b.callback_data ?? "")).toBeLessThanOrEqual(64);

    const coordinators = await pressFor(LEADER, units, "Sở Tài chính");
    expect(shown(coordinators)).toContain("Chủ trì: Sở Tài chính");
    // The pressed menu is spent: its buttons go.
    await fake.waitFor(() => inlineButtons(fake.message(LEADER.id, units.message_id)).length === 0, 10_000, "the unit menu's buttons gone");

    const withTp = await pressFor(LEADER, coordinators, "Sở Tư pháp");
    expect(shown(withTp)).toContain("Phối hợp: Sở Tư pháp");
    expect(inlineButtons(withTp).map((b) => b.text)).toContain("✓ Sở Tư pháp");

    const due = await pressFor(LEADER, withTp, "Xong");
    expect(inlineButtons(due).map((b) => b.text)).toEqual(["3 ngày", "5 ngày", "7 ngày", "10 ngày"]);
    const ask = await pressFor(LEADER, due, "5 ngày");
    expect(shown(ask)).toContain("Gửi nội dung ý kiến chỉ đạo");
    expect(shown(ask)).toContain("Hạn xử lý: 5 ngày làm việc");

    const echo = await nextMessage(LEADER.id, () => fake.pushUpdate(fake.textMessage(LEADER, TEXT)));
    expect(shown(echo)).toContain(TEXT);
    expect(shown(echo)).toContain("Chủ trì: Sở Tài chính");
    expect(shown(echo)).toContain("Phối hợp: Sở Tư pháp");
    expect(shown(echo)).toMatch(/Hạn xử lý: 5 ngày làm việc → Thứ Ba, 08\/12\/2026/);
    expect(inlineButtons(echo).map((b) => b.text)).toEqual(["Xác nhận", "Sửa", "Hủy"]);
    expect(await db.prisma.directive.count()).toBe(0);

    const done = await pressFor(LEADER, echo, "Xác nhận");
    expect(shown(done)).toContain("Đã ghi ý kiến chỉ đạo trên D1");
    const directive = await db.prisma.directive.findFirstOrThrow({
      select: { text: true, authorId: true, assignments: { select: { id: true, role: true, dueAt: true, unit: { select: { code: true } } }, orderBy: { ref: "asc" } } },
    });
    expect(directive.text).toBe(TEXT);
    expect(directive.authorId).toBe(org.users.chutich);
    expect(directive.assignments.map((a) => [a.unit.code, a.role, a.dueAt!.toISOString().slice(0, 10)])).toEqual([
      ["TCKH", "MAIN", "2026-12-08"],
      ["TP", "COORDINATE", "2026-12-08"],
    ]);
    const queued = await db.prisma.outboxMessage.findMany({ where: { kind: "assignment.new", status: "PENDING" }, select: { userId: true, payload: true } });
    expect(queued.map((q) => [q.userId, (q.payload as { assignmentId: string }).assignmentId]).sort()).toEqual(
      [
        [org.users["tp.tckh"]!, directive.assignments[0]!.id],
        [org.users["tp.tp"]!, directive.assignments[1]!.id],
      ].sort(),
    );
    await answers(6);
    expect(fake.callbackAnswers.every((a) => a.text === undefined)).toBe(true);
  });

  it("a stranger's and a non-leader's press of Chỉ đạo are refused; a press on a spent menu is stale", async () => {
    const { card, documentId } = await cardToDirect();
    fake.pushUpdate(fake.callbackQuery(STRANGER, `a1:dir:${documentId}`, { chat_id: STRANGER.id, message_id: card.message_id }));
    await answers(1);
    fake.pushUpdate(fake.callbackQuery(HEAD_TCKH, `a1:dir:${documentId}`, { chat_id: HEAD_TCKH.id, message_id: card.message_id }));
    const [stranger, head] = await answers(2);
    expect(stranger!.text).toContain("/link");
    expect(head!.text).toContain("không có quyền");
    expect(fake.messages(HEAD_TCKH.id).filter((m) => shown(m).includes("Chỉ đạo D1"))).toEqual([]);
    expect(await db.prisma.conversationState.count({ where: { key: { startsWith: "conv:" } } })).toBe(0);
    expect(await db.prisma.auditEvent.count({ where: { type: "action.refused", entityId: documentId } })).toBe(1);

    const units = await pressFor(LEADER, card, "Chỉ đạo");
    const tp = buttonData(units, "Sở Tư pháp");
    await pressFor(LEADER, units, "Sở Tài chính");
    // The spent unit menu, pressed again (a second tap, or a tap in another client).
    fake.pushUpdate(fake.callbackQuery(LEADER, tp, units));
    // Answers: the stranger, the head, Chỉ đạo, TCKH, then this one.
    const all = await answers(5);
    expect(all[4]!.text).toContain("bản kiểm tra cũ");
    expect(await db.prisma.directive.count()).toBe(0);
  });
});
