import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Api, Bot, GrammyError, HttpError, InlineKeyboard, InputFile } from "grammy";
import { autoRetry } from "@grammyjs/auto-retry";
import { inlineButtons, startFakeTelegramServer } from "./fake-telegram-server.ts";
import type { FakeTelegramServer } from "./fake-telegram-server.ts";

const TOKEN = "123456:TEST-token_abc";
const LAN = { id: 4201, first_name: "Lan", username: "lan_vt" };

/** Bytes that would trip a text-based or naive multipart parser: NUL, CR LF, dashes, 0xFF. */
function awkwardBytes(): Buffer {
  const head = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  return Buffer.concat([head, Buffer.from("\r\n--\r\n------------boundary\r\n\r\n"), head]);
}

async function apiError(promise: Promise<unknown>): Promise<GrammyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("fake Telegram server with the real grammY client", () => {
  let fake: FakeTelegramServer;
  let api: Api;

  beforeEach(async () => {
    fake = await startFakeTelegramServer({ token: TOKEN });
    api = new Api(TOKEN, { apiRoot: fake.apiRoot });
  });

  afterEach(async () => {
    await fake.close();
  });

  it("delivers a pushed update through bot.start() long polling and records the reply", async () => {
    const bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
    bot.on("message:text", (ctx) => ctx.reply(`Đã nhận: ${ctx.message.text}`));
    const running = bot.start({ timeout: 10 });
    // The bot is now holding a getUpdates request open; the update must wake it.
    await fake.waitFor(() => fake.callsTo("getUpdates").some((c) => c.status === undefined && c.payload.timeout === 10));
    fake.pushUpdate(fake.textMessage(LAN, "xin chào"));

    const [reply] = await fake.waitForMessages(LAN.id, 1);
    await bot.stop();
    await running;

    expect(reply?.text).toBe("Đã nhận: xin chào");
    expect(reply?.chat_id).toBe(LAN.id);
    // bot.stop() confirms the offset, so the update is gone from the queue.
    expect(fake.pendingUpdates()).toEqual([]);
    expect(fake.callsTo("deleteWebhook")).toHaveLength(1);
  });

  it("holds getUpdates until the timeout when nothing arrives, and answers a held request when an update comes", async () => {
    // Order of events, not elapsed time: a marker at half the 1 s timeout comes before the empty answer.
    const events: string[] = [];
    setTimeout(() => events.push("half of the timeout"), 500);
    const updates = await api.getUpdates({ timeout: 1 });
    events.push("answered");
    expect(updates).toEqual([]);
    expect(events).toEqual(["half of the timeout", "answered"]);

    // Held (a long timeout), it is answered by the update pushed once the request is waiting.
    const held = api.getUpdates({ timeout: 50 });
    await fake.waitFor(() => fake.callsTo("getUpdates").length === 2, 5_000, "the held request");
    const pushed = fake.pushUpdate(fake.textMessage(LAN, "đến rồi"));
    expect((await held).map((u) => u.update_id)).toEqual([pushed.update_id]);
  });

  it("holds a send's answer (the message already exists) until released, or until the client goes away", async () => {
    fake.holdNext("sendMessage");
    const first = api.sendMessage(LAN.id, "một");
    await fake.waitFor(() => fake.heldCalls() === 1, 5_000, "the held send");
    expect(fake.messages(LAN.id).map((m) => m.text)).toEqual(["một"]); // it took effect at once
    expect(fake.releaseHeld()).toBe(1);
    expect((await first).text).toBe("một");

    // A client that gives up (a killed process) frees its held call.
    fake.holdNext("sendMessage");
    const controller = new AbortController();
    const second = api.sendMessage(LAN.id, "hai", undefined, controller.signal as Parameters<Api["sendMessage"]>[3]).catch((e: unknown) => e);
    await fake.waitFor(() => fake.heldCalls() === 1, 5_000, "the second held send");
    controller.abort();
    await second;
    await fake.waitFor(() => fake.heldCalls() === 0, 5_000, "the held call freed");
    // No hold left: the next send is answered at once.
    expect((await api.sendMessage(LAN.id, "ba")).text).toBe("ba");
  });

  it("respects offset: updates below it are confirmed and dropped", async () => {
    const first = fake.pushUpdate(fake.textMessage(LAN, "một"));
    const second = fake.pushUpdate(fake.textMessage(LAN, "hai"));
    expect((await api.getUpdates()).map((u) => u.update_id)).toEqual([first.update_id, second.update_id]);
    expect((await api.getUpdates({ offset: second.update_id })).map((u) => u.message?.text)).toEqual(["hai"]);
    expect(await api.getUpdates({ offset: second.update_id + 1 })).toEqual([]);
    expect(fake.pendingUpdates()).toEqual([]);
  });

  it("receives sendDocument uploads with the exact bytes and file name", async () => {
    const bytes = awkwardBytes();
    const keyboard = new InlineKeyboard().text("Đã xem", "a1:ack:77");
    const sent = await api.sendDocument(LAN.id, new InputFile(bytes, "Công văn số 12; bản chính.pdf"), {
      caption: "<b>CV 12</b> &amp; phụ lục",
      parse_mode: "HTML",
      reply_markup: keyboard,
    });

    const [stored] = fake.messages(LAN.id);
    expect(stored?.document?.file_name).toBe("Công văn số 12; bản chính.pdf");
    expect(stored?.document?.mime_type).toBe("application/pdf");
    expect(Buffer.compare(stored?.document?.bytes ?? Buffer.alloc(0), bytes)).toBe(0);
    expect(stored?.plain_caption).toBe("CV 12 & phụ lục");
    expect(inlineButtons(stored).map((b) => b.callback_data)).toEqual(["a1:ack:77"]);
    // The Message returned to grammY looks like Telegram's.
    expect(sent.document?.file_size).toBe(bytes.length);
    expect(sent.caption).toBe("CV 12 & phụ lục");
    expect(sent.caption_entities).toEqual([{ type: "bold", offset: 0, length: 5 }]);
    expect(stored?.caption_entities).toEqual(sent.caption_entities);
  });

  it("serves a pushed document through getFile and the download URL", async () => {
    const bytes = awkwardBytes();
    const update = fake.documentMessage(LAN, { fileName: "to-trinh.docx", bytes, mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
    const document = update.message?.document;
    expect(document?.file_size).toBe(bytes.length);

    const file = await api.getFile(document?.file_id ?? "");
    expect(file.file_size).toBe(bytes.length);
    const res = await fetch(`${fake.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(res.ok).toBe(true);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), bytes)).toBe(0);

    const wrongToken = await fetch(`${fake.apiRoot}/file/bot999:nope/${file.file_path}`);
    expect(wrongToken.status).toBe(401);
    const missing = await fetch(`${fake.apiRoot}/file/bot${TOKEN}/documents/nothing.pdf`);
    expect(missing.status).toBe(404);
    expect((await apiError(api.getFile("no-such-file"))).error_code).toBe(400);
  });

  it("refuses malformed HTML with 400 and accepts escaped user text", async () => {
    const unknownTag = await apiError(api.sendMessage(LAN.id, "Hạn xử lý <br> 30/11", { parse_mode: "HTML" }));
    expect(unknownTag.error_code).toBe(400);
    expect(unknownTag.description).toContain("can't parse entities");
    expect(unknownTag.description).toContain('Unsupported start tag "br"');

    const unbalanced = await apiError(api.sendMessage(LAN.id, "<b>Khẩn <i>gấp</b></i>", { parse_mode: "HTML" }));
    expect(unbalanced.description).toContain("can't parse entities");

    const userText = "a < b && c > d";
    const escaped = userText.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const raw = await apiError(api.sendMessage(LAN.id, `<b>Ý kiến:</b> ${userText}`, { parse_mode: "HTML" }));
    expect(raw.error_code).toBe(400);
    await api.sendMessage(LAN.id, `<b>Ý kiến:</b> ${escaped}`, { parse_mode: "HTML" });
    expect(fake.lastMessage(LAN.id)?.plain_text).toBe(`Ý kiến: ${userText}`);
    // Refused messages are recorded as calls but never become messages.
    expect(fake.messages(LAN.id)).toHaveLength(1);
    expect(fake.callsTo("sendMessage").map((c) => c.status)).toEqual([400, 400, 400, 200]);
  });

  it("refuses a 4,097-character message and accepts 4,096", async () => {
    const tooLong = await apiError(api.sendMessage(LAN.id, "x".repeat(4097)));
    expect(tooLong.error_code).toBe(400);
    expect(tooLong.description).toBe("Bad Request: message is too long");
    await api.sendMessage(LAN.id, "x".repeat(4096));
    // The limit is on visible text: markup does not count.
    await api.sendMessage(LAN.id, `<b>${"y".repeat(4096)}</b>`, { parse_mode: "HTML" });
    expect(fake.messages(LAN.id).map((m) => m.plain_text?.length)).toEqual([4096, 4096]);

    const longCaption = await apiError(api.sendDocument(LAN.id, new InputFile(Buffer.from("pdf"), "a.pdf"), { caption: "c".repeat(1025) }));
    expect(longCaption.description).toContain("too long");
  });

  it("refuses callback_data over 64 bytes and passes binary-ish data through untouched", async () => {
    const tooBig = new InlineKeyboard().text("Xem", "đ".repeat(33)); // 66 bytes in UTF-8
    const refused = await apiError(api.sendMessage(LAN.id, "Thẻ", { reply_markup: tooBig }));
    expect(refused.description).toBe("Bad Request: BUTTON_DATA_INVALID");

    const menuData = "m/\u0000\u0001\uFFFF/ä"; // like @grammyjs/menu's packed data
    const sent = await api.sendMessage(LAN.id, "Thẻ", { reply_markup: new InlineKeyboard().text("Xem", menuData) });
    expect(inlineButtons(fake.lastMessage(LAN.id))[0]?.callback_data).toBe(menuData);
    const update = fake.callbackQuery(LAN, menuData, { chat_id: LAN.id, message_id: sent.message_id });
    expect(update.callback_query?.data).toBe(menuData);
    expect(update.callback_query?.message?.message_id).toBe(sent.message_id);
  });

  it("gives 429 with retry_after over the per-chat limit, and auto-retry recovers", async () => {
    fake.setRateLimit({ globalPerSecond: 30, perChatPerSecond: 1 });
    await api.sendMessage(LAN.id, "một");
    const limited = await apiError(api.sendMessage(LAN.id, "hai"));
    expect(limited.error_code).toBe(429);
    expect(limited.parameters.retry_after).toBeGreaterThanOrEqual(1);
    expect(limited.description).toBe(`Too Many Requests: retry after ${limited.parameters.retry_after}`);
    // Another chat is not limited.
    await api.sendMessage(LAN.id + 1, "khác");

    const retrying = new Api(TOKEN, { apiRoot: fake.apiRoot });
    retrying.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 5 }));
    await retrying.sendMessage(LAN.id, "ba");
    expect(fake.messages(LAN.id).map((m) => m.text)).toEqual(["một", "ba"]);
    expect(fake.stats()).toEqual(expect.objectContaining({ sent: 3 }));
    expect(fake.stats().rejected429).toBeGreaterThanOrEqual(2);
  });

  it("gives 429 over the global limit", async () => {
    fake.setRateLimit({ globalPerSecond: 3, perChatPerSecond: 10 });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => api.sendMessage(1000 + i, `tin ${i}`)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(fake.stats()).toEqual({ sent: 3, rejected429: 2, requests: 5 });
    expect(fake.allMessages().map((m) => m.chat_id)).toHaveLength(3);
    expect(
      fake
        .callsTo("sendMessage")
        .filter((c) => c.status === 429)
        .map((c) => c.error?.description),
    ).toEqual(["Too Many Requests: retry after 1", "Too Many Requests: retry after 1"]);
  });

  it("editMessageText updates the stored card and keeps the history", async () => {
    const card = await api.sendMessage(LAN.id, "<b>CV 12</b>: chờ tiếp nhận", {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("Tiếp nhận", "a1:ack:12").text("Từ chối", "a1:rej:12"),
    });
    await api.editMessageText(LAN.id, card.message_id, "<b>CV 12</b>: đã tiếp nhận", {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("Báo cáo", "a1:rep:12"),
    });

    const stored = fake.message(LAN.id, card.message_id);
    expect(stored?.text).toBe("<b>CV 12</b>: đã tiếp nhận");
    expect(stored?.plain_text).toBe("CV 12: đã tiếp nhận");
    expect(inlineButtons(stored).map((b) => b.text)).toEqual(["Báo cáo"]);
    expect(stored?.edits).toHaveLength(1);
    expect(stored?.edits[0]?.previous.text).toBe("<b>CV 12</b>: chờ tiếp nhận");
    expect(inlineButtons({ ...stored!, reply_markup: stored?.edits[0]?.previous.reply_markup }).map((b) => b.text)).toEqual(["Tiếp nhận", "Từ chối"]);

    // Same content again: Telegram's "message is not modified".
    const same = await apiError(
      api.editMessageText(LAN.id, card.message_id, "<b>CV 12</b>: đã tiếp nhận", {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard().text("Báo cáo", "a1:rep:12"),
      }),
    );
    expect(same.description).toContain("message is not modified");

    // Dropping the keyboard, then the edit-only-the-markup method.
    await api.editMessageReplyMarkup(LAN.id, card.message_id, { reply_markup: new InlineKeyboard().text("Xong", "a1:done:12") });
    expect(inlineButtons(fake.message(LAN.id, card.message_id)).map((b) => b.callback_data)).toEqual(["a1:done:12"]);
    await api.editMessageText(LAN.id, card.message_id, "Hoàn thành");
    expect(fake.message(LAN.id, card.message_id)?.reply_markup).toBeUndefined();
    expect(fake.message(LAN.id, card.message_id)?.edits).toHaveLength(3);

    expect((await apiError(api.editMessageText(LAN.id, 999, "x"))).description).toBe("Bad Request: message to edit not found");
  });

  it("answers callback queries once and deletes messages", async () => {
    const card = await api.sendMessage(LAN.id, "Thẻ", { reply_markup: new InlineKeyboard().text("OK", "ok") });
    const update = fake.callbackQuery(LAN, "ok", fake.message(LAN.id, card.message_id));
    const id = update.callback_query?.id ?? "";
    await api.answerCallbackQuery(id, { text: "Đã ghi nhận" });
    expect(fake.callbackAnswers).toEqual([expect.objectContaining({ callback_query_id: id, text: "Đã ghi nhận" })]);
    expect((await apiError(api.answerCallbackQuery(id))).error_code).toBe(400);

    await api.deleteMessage(LAN.id, card.message_id);
    expect(fake.messages(LAN.id)).toEqual([]);
    expect(fake.message(LAN.id, card.message_id)?.deleted).toBe(true);
    expect((await apiError(api.deleteMessage(LAN.id, card.message_id))).description).toBe("Bad Request: message to delete not found");
  });

  it("sends photos and media groups, and builds photo updates with several sizes", async () => {
    const png = Buffer.alloc(64);
    png.writeUInt32BE(0x89504e47, 0);
    png.writeUInt32BE(2000, 16);
    png.writeUInt32BE(1000, 20);
    const update = fake.photoMessage(LAN, png, { caption: "Ảnh hiện trường", mediaGroupId: "g1" });
    const sizes = update.message?.photo ?? [];
    expect(sizes.map((s) => s.width)).toEqual([90, 320, 800, 1280]);
    expect(update.message?.media_group_id).toBe("g1");
    const largest = await api.getFile(sizes[sizes.length - 1]?.file_id ?? "");
    expect(largest.file_size).toBe(png.length);

    const sent = await api.sendPhoto(LAN.id, new InputFile(png, "anh.png"), { caption: "Ảnh" });
    expect(sent.photo?.length).toBeGreaterThan(1);
    expect(Buffer.compare(fake.lastMessage(LAN.id)?.photo ?? Buffer.alloc(0), png)).toBe(0);

    const album = await api.sendMediaGroup(LAN.id, [
      { type: "document", media: new InputFile(Buffer.from("one"), "1.pdf") },
      { type: "document", media: new InputFile(Buffer.from("two"), "2.pdf"), caption: "Hồ sơ" },
    ]);
    expect(album).toHaveLength(2);
    const docs = fake.messages(LAN.id).filter((m) => m.method === "sendMediaGroup");
    expect(docs.map((m) => m.document?.bytes.toString())).toEqual(["one", "two"]);
    expect(docs.map((m) => m.document?.file_name)).toEqual(["1.pdf", "2.pdf"]);
    expect(new Set(docs.map((m) => m.media_group_id)).size).toBe(1);
  });

  it("answers 401 for a wrong token and 404 for an unknown method", async () => {
    const wrong = new Api("999:wrong", { apiRoot: fake.apiRoot });
    const unauthorized = await apiError(wrong.getMe());
    expect(unauthorized.error_code).toBe(401);
    expect(unauthorized.description).toBe("Unauthorized");
    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/noSuchMethod`, { method: "POST" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
    expect((await api.getMe()).username).toBe(fake.botInfo.username);
  });

  it("parses application/x-www-form-urlencoded bodies, including JSON-valued fields", async () => {
    const body = new URLSearchParams({
      chat_id: String(LAN.id),
      text: "Xin chào & tạm biệt",
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }),
    });
    const res = await fetch(`${fake.apiRoot}/bot${TOKEN}/sendMessage`, { method: "POST", body });
    expect(res.status).toBe(200);
    const stored = fake.lastMessage(LAN.id);
    expect(stored?.text).toBe("Xin chào & tạm biệt");
    expect(inlineButtons(stored).map((b) => b.callback_data)).toEqual(["a"]);
    expect(fake.calls[0]?.payload.chat_id).toBe(LAN.id);
  });

  it("injects failures, blocked users and delays", async () => {
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway", times: 2 });
    expect((await apiError(api.sendMessage(LAN.id, "1"))).error_code).toBe(502);
    expect((await apiError(api.sendMessage(LAN.id, "2"))).error_code).toBe(502);
    await api.sendMessage(LAN.id, "3");

    fake.block(LAN.id);
    const blocked = await apiError(api.sendMessage(LAN.id, "4"));
    expect(blocked.error_code).toBe(403);
    expect(blocked.description).toBe("Forbidden: bot was blocked by the user");
    fake.unblock(LAN.id);

    // A slow response makes the client time out although Telegram did send the message.
    fake.delayNext("sendMessage", 1500);
    const impatient = new Api(TOKEN, { apiRoot: fake.apiRoot, timeoutSeconds: 0.3 });
    await expect(impatient.sendMessage(LAN.id, "5")).rejects.toBeInstanceOf(HttpError);
    expect(fake.messages(LAN.id).map((m) => m.text)).toEqual(["3", "5"]);
  });

  it("stores commands and the chat action", async () => {
    await api.setMyCommands([{ command: "start", description: "Bắt đầu" }]);
    expect(await api.getMyCommands()).toEqual([{ command: "start", description: "Bắt đầu" }]);
    expect(fake.commands()).toHaveLength(1);
    expect((await apiError(api.setMyCommands([{ command: "Bad-Cmd", description: "x" }]))).error_code).toBe(400);
    await api.sendChatAction(LAN.id, "upload_document");
    expect(fake.callsTo("sendChatAction")[0]?.payload.action).toBe("upload_document");
  });
});
