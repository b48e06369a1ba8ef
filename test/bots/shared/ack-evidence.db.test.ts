// An acknowledgement keeps its evidence: the channel and the platform's message id travel from the
// platform update through IncomingTurn to acknowledgeAssignment (Assignment.ackChannel /
// ackMessageId): Telegram's pressed card or typed message, Zalo's message, the web chat's card.
// A typed /nhan reads the assignment once: the ref is resolved to an id by a narrow query, the use
// case reads the assignment and returns the card's actions (no re-read after the change).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { deliverOutboxMessage } from "../../../core/outbox/deliver-outbox-message.ts";
import { findDueOutboxMessages } from "../../../core/outbox/find-due-outbox.ts";
import { getAssignmentByRef } from "../../../core/queries/get-assignment.ts";
import { directPoolOf } from "../../../core/store/direct-sql.ts";
import { assignmentMessageActions } from "../../../core/workflow/actions.ts";
import { handleIncoming } from "../../../bots/shared/handle-incoming.ts";
import type { BotEnv, BotLogger } from "../../../bots/shared/types.ts";
import { createTelegramBot, type TelegramBot } from "../../../bots/telegram/create-telegram-bot.ts";
import { createTelegramSender } from "../../../bots/telegram/telegram-sender.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { inlineButtons, shown, startFakeTelegramServer, type FakeTelegramServer, type FakeUser } from "../../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";

const TOKEN = "5555:ack-evidence-token";
const HEAD_TCKH: FakeUser = { id: 303, first_name: "Dung" };
const HEAD_TP: FakeUser = { id: 404, first_name: "Khải" };

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
let seq = 0;
const errors: unknown[] = [];
const logger: BotLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => errors.push(obj) };
const deps = (prisma = db.prisma) => createTestDeps(prisma, { clock, files });
const env = (prisma = db.prisma): BotEnv => ({ deps: deps(prisma), logger });

const evidence = async (ref: string) => db.prisma.assignment.findFirstOrThrow({ where: { ref }, select: { status: true, ackChannel: true, ackMessageId: true } });

/** A document directed to TCKH (chủ trì) and TP (phối hợp). */
const directSample = async (): Promise<void> => {
  const { documentId } = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
  await issueDirective(deps(), {
    actorUserId: org.users.chutich!,
    documentId,
    text: "Giao TCKH chủ trì, TP phối hợp tham mưu trả lời.",
    main: "TCKH",
    coordinate: ["TP"],
    due: { date: "2026-12-18" },
  });
};

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  errors.length = 0;
  clock = createTestClock("2026-12-01T02:00:00Z");
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
});

describe("Telegram: the pressed card's message id, or the typed message's", () => {
  let fake: FakeTelegramServer;
  let tg: TelegramBot;
  beforeEach(async () => {
    fake = await startFakeTelegramServer({ token: TOKEN });
    for (const [user, code] of [
      [HEAD_TCKH, "tp.tckh"],
      [HEAD_TP, "tp.tp"],
    ] as const)
      await linkChat(deps(), "TELEGRAM", String(user.id), code);
    tg = createTelegramBot({ token: TOKEN, apiRoot: fake.apiRoot, deps: deps(), logger, botInfo: fake.botInfo });
    await tg.startPolling();
  });
  afterEach(async () => {
    await tg.stop();
    await fake.close();
    expect(errors).toEqual([]);
  });

  it("Nhận on the card stores the card's message id; /nhan typed stores the message's", async () => {
    await directSample();
    const sender = createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, files, maxRetryAttempts: 0, cards: deps() });
    for (const row of await findDueOutboxMessages(deps())) await deliverOutboxMessage(deps(), { outboxId: row.id, senders: { TELEGRAM: sender }, workerId: "test" });

    const card = fake.messages(HEAD_TCKH.id).find((m) => shown(m).includes("Giao việc D1-TCKH"))!;
    const ack = inlineButtons(card).find((b) => b.text === "Nhận")!;
    fake.pushUpdate(fake.callbackQuery(HEAD_TCKH, ack.callback_data!, card));
    await fake.waitFor(() => fake.callbackAnswers.length > 0, 10_000, "the press answered");
    expect(fake.callbackAnswers.at(-1)!.text).toContain("Đã xác nhận đã nhận việc D1-TCKH");
    expect(await evidence("D1/2026-TCKH")).toEqual({ status: "ACKNOWLEDGED", ackChannel: "TELEGRAM", ackMessageId: String(card.message_id) });
    // The card was updated from what the use case returned: Nhận is gone, the rest stays.
    await fake.waitFor(() => !inlineButtons(fake.message(HEAD_TCKH.id, card.message_id)).some((b) => b.text === "Nhận"), 10_000, "the card without Nhận");
    expect(inlineButtons(fake.message(HEAD_TCKH.id, card.message_id)).map((b) => b.text)).toEqual([
      "Giao chuyên viên",
      "Báo cáo tiến độ",
      "Báo cáo hoàn thành",
      "Trả lại",
      "Đề nghị gia hạn",
    ]);

    const before = fake.messages(HEAD_TP.id).length;
    const typed = fake.pushUpdate(fake.textMessage(HEAD_TP, "/nhan D1-TP")) as { message?: { message_id: number } };
    await fake.waitForMessages(HEAD_TP.id, before + 1, 15_000);
    expect(typed.message?.message_id).toBeTypeOf("number");
    expect(await evidence("D1/2026-TP")).toEqual({ status: "ACKNOWLEDGED", ackChannel: "TELEGRAM", ackMessageId: String(typed.message!.message_id) });
  });
});

describe("Zalo and the web chat", () => {
  it("a Zalo /nhan stores the Zalo message id; a web press stores the web card's id", async () => {
    await directSample();
    await linkChat(deps(), "ZALO", "z-tckh", "tp.tckh");
    await linkChat(deps(), "WEB", org.users["tp.tp"]!, "tp.tp");
    const zalo = await handleIncoming(env(), {
      channel: "ZALO",
      externalUserId: "z-tckh",
      chatId: "z-tckh",
      updateKey: `z:${++seq}`,
      messageId: "zmsg-7f3a",
      text: "/nhan D1-TCKH",
    });
    expect(zalo.replies.map((r) => r.text).join("\n")).toContain("Đã xác nhận đã nhận việc D1-TCKH");
    expect(await evidence("D1/2026-TCKH")).toEqual({ status: "ACKNOWLEDGED", ackChannel: "ZALO", ackMessageId: "zmsg-7f3a" });

    const tp = await getAssignmentByRef(deps(), { actorUserId: org.users["tp.tp"]!, ref: { number: 1, unitCode: "TP" } });
    const [nhan] = assignmentMessageActions("vi", { id: tp.assignmentId, shownRef: tp.displayRef }, ["ack"]);
    const web = await handleIncoming(env(), {
      channel: "WEB",
      externalUserId: org.users["tp.tp"]!,
      chatId: org.users["tp.tp"]!,
      updateKey: `w:${++seq}`,
      messageId: "web-msg-12",
      callback: nhan!.callback,
    });
    expect(web.callbackText).toContain("Đã xác nhận đã nhận việc D1-TP");
    expect(await evidence("D1/2026-TP")).toEqual({ status: "ACKNOWLEDGED", ackChannel: "WEB", ackMessageId: "web-msg-12" });
  });

  it("a typed /nhan reads the assignment once and its card equals what a fresh read shows", async () => {
    await directSample();
    await linkChat(deps(), "ZALO", "z-tckh", "tp.tckh");
    // Every statement of the turn that reads the Assignment table (the ack's write is not a read).
    const reads: string[] = [];
    const counted = db.prisma.$extends({
      query: {
        async $allOperations({ model, operation, args, query }) {
          const text = model === undefined ? String((Array.isArray(args) ? args[0] : (args as { query?: unknown } | undefined)?.query) ?? "") : "";
          if (model === "Assignment" && /^(find|count|aggregate|groupBy)/.test(operation)) reads.push(`${model}.${operation}`);
          else if (operation.startsWith("$queryRaw") && /(FROM|JOIN)\s+\(?"Assignment"/.test(text)) reads.push("joined read");
          return query(args);
        },
      },
    }) as unknown as typeof db.prisma;
    // On PostgreSQL the hot paths' statements go straight through the adapter's pool (core/store/direct-sql.ts).
    const pool = directPoolOf(db.prisma);
    const poolQuery = pool?.query;
    if (pool && poolQuery) {
      pool.query = ((config: unknown, ...rest: unknown[]) => {
        const text = typeof config === "string" ? config : String((config as { text?: unknown }).text ?? "");
        if (/^\s*SELECT/i.test(text) && /(FROM|JOIN)\s+\(?"Assignment"/.test(text)) reads.push("joined read");
        return (poolQuery as (...a: unknown[]) => unknown).call(pool, config, ...rest);
      }) as typeof pool.query;
    }
    const r = await handleIncoming(env(counted), {
      channel: "ZALO",
      externalUserId: "z-tckh",
      chatId: "z-tckh",
      updateKey: `z:${++seq}`,
      messageId: "zmsg-1",
      text: "/nhan D1-TCKH",
    }).finally(() => {
      if (pool && poolQuery) pool.query = poolQuery;
    });
    expect(r.replies.map((m) => m.text).join("\n")).toContain("Đã xác nhận đã nhận việc D1-TCKH");
    // The ref → id (one narrow query), then the use case's one joined read; nothing after the change.
    expect(reads).toEqual(["Assignment.findMany", "joined read"]);
    const fresh = await getAssignmentByRef(deps(), { actorUserId: org.users["tp.tckh"]!, ref: { number: 1, unitCode: "TCKH" } });
    expect(r.card).toEqual({
      actions: assignmentMessageActions("vi", { id: fresh.assignmentId, shownRef: fresh.displayRef }, fresh.actions),
      cardKey: `assignment:${fresh.assignmentId}`,
    });
    expect(fresh.actions).toEqual(["delegate", "progress", "complete", "return", "extend"]);
  });
});
