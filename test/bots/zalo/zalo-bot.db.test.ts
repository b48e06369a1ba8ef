// The Zalo bot end to end: our real Zalo client (long polling, and the webhook) against the fake
// Zalo Bot API, on a real database; deliveries through the Zalo sender (and the Telegram sender for
// a leader on Telegram); signed links fetched from the real download route.
import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueDirective } from "../../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { listPendingUpdates, recordPendingUpdate } from "../../../core/conversations/conversation-store.ts";
import { signFileLink } from "../../../core/files/signed-links.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { t } from "../../../core/messages/index.ts";
import { redeemLinkCode } from "../../../core/identity/redeem-link-code.ts";
import { deliverOutboxMessage } from "../../../core/outbox/deliver-outbox-message.ts";
import { findDueOutboxMessages } from "../../../core/outbox/find-due-outbox.ts";
import type { Sender } from "../../../core/ports/sender.ts";
import type { BotLogger } from "../../../bots/shared/types.ts";
import { createTelegramBot, type TelegramBot } from "../../../bots/telegram/create-telegram-bot.ts";
import { createTelegramSender } from "../../../bots/telegram/telegram-sender.ts";
import { createZaloBot, type ZaloBot } from "../../../bots/zalo/create-zalo-bot.ts";
import { createZaloClient } from "../../../bots/zalo/zalo-client.ts";
import { createZaloSender } from "../../../bots/zalo/zalo-sender.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { startFakeTelegramServer, type FakeTelegramServer, type FakeUser } from "../../support/fake-telegram-server.ts";
import { startFakeZaloServer, type FakeZaloServer } from "../../support/fake-zalo-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../../support/workflow.ts";
import { photoUpdate, reactionUpdate, sentTo, shown, startLocalService, stickerUpdate, textUpdate, urlsIn, voiceUpdate, waitFor, type LocalService } from "./zalo-harness.ts";

const TOKEN = "5151:zalo-test-token";
const LINK_SECRET = "a-test-secret-for-signed-file-links-0123456789";
const WEBHOOK_SECRET = "webhook-secret-42";
const CLERK = "zl-clerk";
const LEADER = "zl-leader";
const HEAD = "zl-head";
const OFFICER = "zl-officer";
const STRANGER = "zl-stranger";

let db: TestDatabase;
let org: OrgFixture;
let clock: TestClock;
let files: ReturnType<typeof createMemoryFileStore>;
let fake: FakeZaloServer;
let service: LocalService;
let zalo: ZaloBot;
const errors: unknown[] = [];
/** Every line logged at warn or error, with its message. */
const logged: Array<{ level: string; msg: string; obj: object }> = [];
const logger: BotLogger = {
  debug: () => {},
  info: (obj, msg = "") => void logged.push({ level: "info", msg, obj }),
  warn: (obj, msg = "") => void logged.push({ level: "warn", msg, obj }),
  error: (obj, msg = "") => {
    errors.push(obj);
    logged.push({ level: "error", msg, obj });
  },
};
/** The public HTTPS address of the webhook; the fake's "TLS proxy" forwards it to the local service. */
const PUBLIC_WEBHOOK = "https://edoc.example.vn/webhook/zalo";
const deps = () => createTestDeps(db.prisma, { clock, files });

const link = async (chatId: string, userCode: string) => {
  const { code } = await issueLinkCode(deps(), { userCode });
  await redeemLinkCode(deps(), { channel: "ZALO", externalUserId: chatId, chatId, code });
};
const send = (update: Record<string, unknown>) => fake.pushUpdate(update);
/** Sends a text and waits for the chat's next `n` messages. */
const say = async (chatId: string, text: string, n = 1) => {
  const before = sentTo(fake, chatId).length;
  send(textUpdate(chatId, text));
  return waitFor(() => sentTo(fake, chatId).length >= before + n && sentTo(fake, chatId).slice(before), `${n} message(s) to ${chatId} after "${text.slice(0, 30)}"`);
};
const lastText = (chatId: string) =>
  shown(
    sentTo(fake, chatId)
      .filter((m) => m.method === "sendMessage")
      .at(-1),
  );

const zaloSender = () =>
  createZaloSender({ client: createZaloClient({ token: TOKEN, apiBase: fake.apiBase }), files, fileLinks: { baseUrl: service.baseUrl, secret: LINK_SECRET }, clock, logger });
/** One pass of the delivery job over every due outbox row. */
const deliverAll = async (senders: Partial<Record<Sender["channel"], Sender>>) => {
  for (const row of await findDueOutboxMessages(deps())) await deliverOutboxMessage(deps(), { outboxId: row.id, senders, workerId: "test" });
};

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

beforeEach(async () => {
  await db.truncate();
  errors.length = 0;
  logged.length = 0;
  clock = createTestClock("2026-12-01T02:00:00Z"); // Tuesday 09:00 in Vietnam
  files = createMemoryFileStore();
  org = await setupExampleOrg(deps());
  fake = await startFakeZaloServer({ token: TOKEN });
  service = await startLocalService(deps(), LINK_SECRET);
  zalo = createZaloBot({ token: TOKEN, apiBase: fake.apiBase, deps: deps(), logger, fileLinks: { baseUrl: service.baseUrl, secret: LINK_SECRET }, pollingTimeoutSeconds: 2 });
  await zalo.startPolling();
});
afterEach(async () => {
  await zalo.stop();
  await fake.close();
  await service.close();
  expect(errors).toEqual([]);
});

describe("linking", () => {
  it("links by /link CODE and by a bare code; a stranger learns nothing but how to link", async () => {
    await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    const [howTo] = await say(STRANGER, "viec");
    expect(shown(howTo)).toContain("/link");
    for (const leak of ["D1", "Sở Tài chính", "dự toán", "Trần Thị Bình"]) expect(shown(howTo)).not.toContain(leak);
    expect(shown((await say(STRANGER, "/xem D1"))[0])).not.toContain("dự toán");
    expect(shown((await say(STRANGER, "/link ABCD-2345"))[0])).toMatch(/không đúng|đã được dùng/);

    const clerkCode = await issueLinkCode(deps(), { userCode: "vanthu" });
    expect(shown((await say(CLERK, `/link ${clerkCode.code}`))[0])).toContain("Trần Thị Bình");
    const leaderCode = await issueLinkCode(deps(), { userCode: "chutich" });
    expect(shown((await say(LEADER, leaderCode.code.toLowerCase()))[0])).toContain("Nguyễn Văn An");

    const identities = await db.prisma.chatIdentity.findMany({ where: { channel: "ZALO" }, select: { externalUserId: true, chatId: true } });
    expect(identities.map((i) => i.externalUserId).sort()).toEqual([CLERK, LEADER].sort());
    // Plain text only: no markup reaches Zalo.
    for (const m of fake.sent) expect(shown(m)).not.toMatch(/<b>|<\/|&lt;/);
  });

  it("explains stickers and content Zalo withholds", async () => {
    send(stickerUpdate(STRANGER));
    await waitFor(() => sentTo(fake, STRANGER).length === 1, "sticker answer");
    expect(lastText(STRANGER)).toContain("/help");
    send({ event_name: "message.unsupported.received", message: { message_id: "u1", from: { id: STRANGER }, chat: { id: STRANGER } } });
    await waitFor(() => sentTo(fake, STRANGER).length === 2, "unsupported answer");
    expect(lastText(STRANGER)).toContain("Zalo không cho bot đọc");
    await link(CLERK, "vanthu");
    send(photoUpdate(CLERK, `${service.baseUrl}/photos/missing.png`));
    await waitFor(() => sentTo(fake, CLERK).length === 1, "failed photo answer");
    expect(lastText(CLERK)).toContain("Không tải được ảnh");
    expect(await db.prisma.conversationState.count()).toBe(0);
    expect(await db.prisma.pendingFileChunk.count()).toBe(0);
  });
});

describe("what Zalo sends besides messages", () => {
  it("a reaction gets no answer; the next message does", async () => {
    send(reactionUpdate(STRANGER));
    send(textUpdate(STRANGER, "/viec"));
    // Updates of a chat are handled in order: when /viec is answered, the reaction was handled.
    await waitFor(() => sentTo(fake, STRANGER).length >= 1, "the answer to /viec");
    expect(sentTo(fake, STRANGER).map(shown)).toHaveLength(1);
    expect(lastText(STRANGER)).toContain("/link");
  });

  it("an update without event_name (the official sample, `first_name`) is handled", async () => {
    const code = await issueLinkCode(deps(), { userCode: "vanthu" });
    send({
      message: {
        chat: { id: CLERK, chat_type: "PRIVATE" },
        text: `/link ${code.code}`,
        message_id: "16f6366b3f02645a3d15",
        date: Date.now(),
        from: { id: CLERK, first_name: "Trần Thị Bình" },
      },
    });
    await waitFor(() => sentTo(fake, CLERK).length === 1, "the answer to /link");
    expect(lastText(CLERK)).toContain("Trần Thị Bình");
    expect(await db.prisma.chatIdentity.count({ where: { channel: "ZALO", externalUserId: CLERK } })).toBe(1);
  });

  it("an unsupported event with only a chat id still gets the hint", async () => {
    send({ event_name: "message.unsupported.received", message: { chat: { id: STRANGER } } });
    await waitFor(() => sentTo(fake, STRANGER).length === 1, "the hint");
    expect(lastText(STRANGER)).toContain("Zalo không cho bot đọc");
  });

  it("a voice note is answered with the exact commands to type (the person's own task when there is one), once", async () => {
    // Someone without tasks (here a stranger) gets the general form with an example.
    send(voiceUpdate(STRANGER));
    await waitFor(() => sentTo(fake, STRANGER).length === 1, "the voice answer");
    expect(lastText(STRANGER)).toContain("Chưa đọc được tin nhắn thoại Zalo: hãy gửi bằng chữ");
    expect(lastText(STRANGER)).toContain("/xong <mã việc> <nội dung báo cáo>");
    expect(lastText(STRANGER)).toContain("/viec");

    await link(HEAD, "tp.tckh");
    const doc = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    await issueDirective(deps(), { actorUserId: org.users.chutich!, documentId: doc.documentId, text: "Giao TCKH.", main: "TCKH", due: { workingDays: 5 } });
    const voice = voiceUpdate(HEAD);
    send(voice);
    send(voice); // a redelivery
    send(textUpdate(HEAD, "/help"));
    await waitFor(() => sentTo(fake, HEAD).length >= 2, "the voice answer and /help");
    const [answer, help] = sentTo(fake, HEAD).map(shown);
    expect(answer).toContain("Chưa đọc được tin nhắn thoại Zalo: hãy gửi bằng chữ");
    expect(answer).toContain("/xong D1-TCKH <nội dung báo cáo>");
    expect(answer).toContain("/tiendo D1-TCKH <nội dung>");
    expect(help).not.toContain("tin nhắn thoại");
    expect(sentTo(fake, HEAD)).toHaveLength(2);
  });
});

describe("a deaf bot is reported", () => {
  const monitorAlerts = () => db.prisma.outboxMessage.findMany({ where: { kind: "office.channelDeaf" }, select: { userId: true, payload: true }, orderBy: { userId: "asc" } });
  const monitors = async () =>
    (await db.prisma.user.findMany({ where: { active: true, roles: { has: "MONITOR" } }, select: { id: true }, orderBy: { id: "asc" } })).map((u) => u.id);

  it("polling with a webhook left set (deleteWebhook failed): error log, office alert, hearing deaf; sends still work", async () => {
    await zalo.stop();
    await link("zl-cvp", "cvp"); // MONITOR, on Zalo
    await createZaloClient({ token: TOKEN, apiBase: fake.apiBase }).setWebhook({ url: "https://other.example/hook", secret_token: "another-process-secret" });
    fake.failNext("deleteWebhook", { error_code: 500, description: "Internal error" });
    zalo = createZaloBot({ token: TOKEN, apiBase: fake.apiBase, deps: deps(), logger, fileLinks: null, pollingTimeoutSeconds: 1, hearingCheckMs: 0 });
    await zalo.startPolling();

    expect(zalo.hearing()).toMatchObject({ deaf: true, problem: "webhookSet", detail: "https://other.example/hook" });
    expect(logged.filter((l) => l.level === "error").map((l) => l.msg)).toEqual([expect.stringContaining("could not delete the Zalo webhook"), expect.stringContaining("DEAF")]);
    expect(logged.find((l) => l.msg.includes("could not delete"))?.obj).toMatchObject({ code: 500, description: "Internal error" });
    const alerts = await monitorAlerts();
    expect(alerts.map((a) => a.userId)).toEqual(await monitors());
    expect(alerts.map((a) => a.userId)).toContain(org.users.cvp);
    for (const a of alerts) expect(a.payload).toMatchObject({ channel: "ZALO", problem: "webhookSet", detail: "https://other.example/hook" });
    // The poller itself sees nothing but 408s: it idles.
    send(textUpdate(CLERK, "/viec"));
    await waitFor(() => fake.deafPollAnswers >= 1, "a deaf poll");
    expect(sentTo(fake, CLERK)).toEqual([]);

    // A second check of the same episode alerts nobody again.
    await zalo.checkHearing();
    expect(await monitorAlerts()).toHaveLength(alerts.length);
    // The alert reaches the office (sending works while hearing does not).
    await deliverAll({ ZALO: zaloSender() });
    expect(lastText("zl-cvp")).toContain("Bot Zalo đang không nhận được tin nhắn");
    expect(lastText("zl-cvp")).toContain("https://other.example/hook");

    // Once the webhook is gone the bot hears again, and the queued message arrives.
    await createZaloClient({ token: TOKEN, apiBase: fake.apiBase }).deleteWebhook();
    expect(await zalo.checkHearing()).toMatchObject({ deaf: false });
    await waitFor(() => sentTo(fake, CLERK).length === 1, "the answer to /viec");
    errors.length = 0;
  });

  it("the poller's run of 408s triggers the check: a webhook set by another process while polling is reported without anyone asking", async () => {
    await zalo.stop();
    zalo = createZaloBot({ token: TOKEN, apiBase: fake.apiBase, deps: deps(), logger, fileLinks: null, pollingTimeoutSeconds: 1, hearingCheckMs: 0, idleChecksEvery: 2 });
    await zalo.startPolling();
    expect(zalo.hearing()).toMatchObject({ deaf: false });
    const checksBefore = fake.calls.filter((c) => c.method === "getWebhookInfo").length;

    await createZaloClient({ token: TOKEN, apiBase: fake.apiBase }).setWebhook({ url: "https://other.example/hook", secret_token: "another-process-secret" });
    await waitFor(() => zalo.hearing().deaf, "the poller to report the bot deaf");
    expect(zalo.hearing()).toMatchObject({ deaf: true, problem: "webhookSet", detail: "https://other.example/hook" });
    expect(fake.calls.filter((c) => c.method === "getWebhookInfo").length).toBeGreaterThan(checksBefore);
    expect((await monitorAlerts()).map((a) => a.userId)).toEqual(await monitors());
    errors.length = 0;
  });

  it("a failed check is logged with the platform's words and shown as degraded, without alerting the office", async () => {
    fake.failNext("getWebhookInfo", { error_code: 502, description: "Bad Gateway" });
    expect(await zalo.checkHearing()).toMatchObject({ deaf: true, problem: "checkFailed", detail: "502: Bad Gateway" });
    expect(logged.filter((l) => l.level === "error")).toEqual([expect.objectContaining({ msg: expect.stringContaining("could not check the Zalo webhook") })]);
    expect(await monitorAlerts()).toEqual([]);
    expect(await zalo.checkHearing()).toMatchObject({ deaf: false });
    errors.length = 0;
  });

  it("webhook mode: the webhook moved elsewhere is reported; set back, the bot hears again", async () => {
    await zalo.stop();
    fake.proxyWebhooksTo(service.baseUrl);
    zalo = createZaloBot({ token: TOKEN, apiBase: fake.apiBase, deps: deps(), logger, fileLinks: null, hearingCheckMs: 0 });
    service.setWebhook(zalo.webhookHandler(WEBHOOK_SECRET));
    await zalo.startWebhook({ url: PUBLIC_WEBHOOK, secretToken: WEBHOOK_SECRET });
    expect(zalo.hearing()).toMatchObject({ deaf: false });

    await createZaloClient({ token: TOKEN, apiBase: fake.apiBase }).setWebhook({ url: "https://other.example/hook", secret_token: "another-process-secret" });
    expect(await zalo.checkHearing()).toMatchObject({ deaf: true, problem: "webhookLost", detail: "https://other.example/hook" });
    expect(logged.filter((l) => l.level === "error").map((l) => l.msg)).toEqual([expect.stringContaining("no longer points here")]);
    expect((await monitorAlerts()).map((a) => a.userId)).toEqual(await monitors());

    await zalo.client.setWebhook({ url: PUBLIC_WEBHOOK, secret_token: WEBHOOK_SECRET });
    expect(await zalo.checkHearing()).toMatchObject({ deaf: false });
    errors.length = 0;
  });
});

describe("registering from photos sent one per message", () => {
  it("3 photos, then /dangky lines → echo with numbered choices → ok → số đến, REF, a signed link and a preview", async () => {
    await link(CLERK, "vanthu");
    const png = new Uint8Array(await readFile("test/fixtures/photo-small.png"));
    for (let i = 1; i <= 3; i++) {
      send(photoUpdate(CLERK, service.photo(`page-${i}.png`, png)));
      await waitFor(() => sentTo(fake, CLERK).length === i, `answer to photo ${i}`);
      expect(lastText(CLERK)).toContain(`Đã nhận ${i} tệp`);
    }
    const [echo] = await say(CLERK, "/dangky\nsố: 45/STC-NS\ncơ quan: Sở Tài chính tỉnh Bình Định\nngày: 20/11/2026\ntrích yếu: V/v hướng dẫn lập dự toán ngân sách năm 2027");
    expect(shown(echo)).toContain("Kiểm tra thông tin văn bản đến");
    expect(shown(echo)).toContain("3 tệp");
    expect(shown(echo).endsWith("1. Xác nhận (/ok)  2. Sửa (/sua)  3. Hủy (/huy)")).toBe(true);
    expect(await db.prisma.document.count()).toBe(0);

    const replies = await say(CLERK, "ok", 2);
    const preview = replies.find((m) => m.method === "sendPhoto");
    const done = replies.find((m) => m.method === "sendMessage");
    expect(shown(done)).toContain("Số đến: 1");
    expect(shown(done)).toContain("Mã tham chiếu: D1");
    // The clerk learns who got the document to direct.
    expect(shown(done)).toContain("Đã chuyển lãnh đạo cho ý kiến chỉ đạo: Chủ tịch Nguyễn Văn An, Phó Chủ tịch Đặng Thị Hạnh.");
    const docs = await db.prisma.document.findMany({ select: { ref: true, pageCount: true } });
    expect(docs).toEqual([{ ref: "D1/2026", pageCount: 3 }]);

    // The link in the text downloads the stamped PDF; the preview is page 1 as a PNG.
    const [pdfUrl] = urlsIn(shown(done));
    expect(pdfUrl).toMatch(new RegExp(`^${service.baseUrl}/files/`));
    const pdf = await fetch(pdfUrl!);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const pdfBytes = Buffer.from(await pdf.arrayBuffer());
    expect(pdfBytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(Number(pdf.headers.get("content-length"))).toBe(pdfBytes.byteLength);
    const photoUrl = String(preview!.body.photo);
    expect(photoUrl.endsWith(".png")).toBe(true);
    const image = await fetch(photoUrl);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
  });

  it("answers the echo's numbers: 2 tells how to edit, 3 cancels; a number means nothing without an echo", async () => {
    await link(CLERK, "vanthu");
    send(photoUpdate(CLERK, service.photo("p.png", new Uint8Array(await readFile("test/fixtures/photo-small.png")))));
    await waitFor(() => sentTo(fake, CLERK).length === 1, "photo answer");
    await say(CLERK, "dangky\nsố: 12/SNV-TCBC\ncơ quan: Sở Nội vụ\ntrích yếu: V/v tuyển dụng");
    expect(shown((await say(CLERK, "2"))[0])).toContain("Gửi lại các dòng cần sửa");
    expect(shown((await say(CLERK, "3"))[0])).toContain("Đã hủy");
    expect(shown((await say(CLERK, "1"))[0])).toContain("Chưa hiểu");
    expect(await db.prisma.document.count()).toBe(0);
  });
});

describe("the assignment story on Zalo", () => {
  it("directive → card ending with the reply → nhan twice acknowledges once → giao → xong → the head is told", async () => {
    await link(LEADER, "chutich");
    await link(HEAD, "tp.tckh");
    await link(OFFICER, "cv.tckh");
    await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    await deliverAll({ ZALO: zaloSender() });
    await waitFor(() => sentTo(fake, LEADER).some((m) => shown(m).includes("Trả lời: /chidao D1")), "document to direct");

    const [echo] = await say(LEADER, "/chidao D1\nGiao Phòng TCKH tham mưu trả lời.\nchủ trì: TCKH\nhạn: 5 ngày");
    expect(shown(echo)).toContain("Sở Tài chính");
    expect(shown(echo).endsWith("1. Xác nhận (/ok)  2. Hủy (/huy)")).toBe(true);
    expect(shown((await say(LEADER, "/ok"))[0])).toContain("D1-TCKH");

    await deliverAll({ ZALO: zaloSender() });
    const card = sentTo(fake, HEAD).find((m) => m.method === "sendMessage" && shown(m).includes("Giao việc D1-TCKH"));
    expect(shown(card)).toContain("«Giao Phòng TCKH tham mưu trả lời.»");
    expect(shown(card).endsWith("Trả lời: /nhan D1-TCKH")).toBe(true);
    expect(shown(card)).toMatch(/Tải .*\.pdf: http:\/\/127\.0\.0\.1:\d+\/files\//);
    expect(sentTo(fake, HEAD).some((m) => m.method === "sendPhoto")).toBe(true);

    const [first] = await say(HEAD, "nhan D1-TCKH");
    const [second] = await say(HEAD, "nhan D1-TCKH");
    expect(shown(first)).toContain("Đã xác nhận đã nhận việc D1-TCKH");
    expect(shown(second)).not.toContain("Đã xác nhận đã nhận việc");
    const assignment = await db.prisma.assignment.findFirstOrThrow({ where: { ref: "D1/2026-TCKH" }, select: { id: true, status: true } });
    expect(assignment.status).toBe("ACKNOWLEDGED");
    expect(await db.prisma.auditEvent.count({ where: { type: "assignment.acknowledged", entityId: assignment.id } })).toBe(1);

    expect(shown((await say(HEAD, "/giao D1-TCKH cv.tckh"))[0])).toContain("Hoàng Văn Em");
    await deliverAll({ ZALO: zaloSender() });
    await waitFor(() => sentTo(fake, OFFICER).some((m) => shown(m).includes("D1-TCKH-cv.tckh")), "the officer's card");

    expect(shown((await say(OFFICER, "xong D1-TCKH-cv.tckh Đã xong"))[0])).toContain("Đã báo cáo hoàn thành");
    const headBefore = sentTo(fake, HEAD).length;
    await deliverAll({ ZALO: zaloSender() });
    const told = sentTo(fake, HEAD).slice(headBefore).map(shown).join("\n");
    expect(told).toContain("Hoàn thành D1-TCKH-cv.tckh");
    expect(told).toContain("Hoàng Văn Em");
  });

  it("a 4,500-character directive arrives whole in three messages through the Zalo sender", async () => {
    await link(HEAD, "tp.tckh");
    const doc = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    const line = "Giao Sở Tài chính chủ trì, phối hợp các đơn vị liên quan tham mưu UBND tỉnh.";
    const text = Array.from({ length: 60 }, (_, i) => `${i + 1}. ${line}`)
      .join("\n")
      .slice(0, 4500)
      .trimEnd();
    await issueDirective(deps(), { actorUserId: org.users.chutich!, documentId: doc.documentId, text, main: "TCKH", due: { workingDays: 5 } });
    await deliverAll({ ZALO: zaloSender() });
    const parts = sentTo(fake, HEAD).filter((m) => m.method === "sendMessage");
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(shown(p).length).toBeLessThanOrEqual(2000);
    expect(parts.map(shown).join("\n")).toContain(text);
    expect(shown(parts[2]).endsWith("Trả lời: /nhan D1-TCKH")).toBe(true);
  });
});

describe("a leader on Telegram, units on Zalo", () => {
  const TG_LEADER: FakeUser = { id: 202, first_name: "An" };
  let tgFake: FakeTelegramServer;
  let tg: TelegramBot;

  beforeEach(async () => {
    tgFake = await startFakeTelegramServer({ token: "4242:tg" });
    tg = createTelegramBot({ token: "4242:tg", apiRoot: tgFake.apiRoot, deps: deps(), logger, botInfo: tgFake.botInfo });
    await tg.startPolling();
  });
  afterEach(async () => {
    await tg.stop();
    await tgFake.close();
  });

  it("the leader directs on Telegram, the head acknowledges and reports on Zalo, the leader is told on Telegram", async () => {
    const { code } = await issueLinkCode(deps(), { userCode: "chutich" });
    await redeemLinkCode(deps(), { channel: "TELEGRAM", externalUserId: String(TG_LEADER.id), chatId: String(TG_LEADER.id), code });
    await link(HEAD, "tp.tckh");
    await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    const senders = { ZALO: zaloSender(), TELEGRAM: createTelegramSender({ token: "4242:tg", apiRoot: tgFake.apiRoot, files }) };
    await deliverAll(senders);
    const tgShown = () => tgFake.messages(TG_LEADER.id).map((m) => m.plain_text ?? m.plain_caption ?? "");
    await tgFake.waitFor(() => tgShown().some((s) => s.includes("/chidao D1")), 10_000, "document to direct on Telegram");

    tgFake.pushUpdate(tgFake.textMessage(TG_LEADER, "/chidao D1\nGiao Phòng TCKH báo cáo.\nchủ trì: TCKH\nhạn: 5 ngày"));
    await tgFake.waitFor(() => tgShown().some((s) => s.includes("Gửi /ok")), 10_000, "echo");
    tgFake.pushUpdate(tgFake.command(TG_LEADER, "ok"));
    await tgFake.waitFor(() => tgShown().some((s) => s.includes("Đã ghi ý kiến chỉ đạo")), 10_000, "recorded");

    await deliverAll(senders);
    await waitFor(() => sentTo(fake, HEAD).some((m) => shown(m).endsWith("Trả lời: /nhan D1-TCKH")), "the card on Zalo");
    expect(shown((await say(HEAD, "nhan D1-TCKH"))[0])).toContain("Đã xác nhận đã nhận việc D1-TCKH");
    expect(shown((await say(HEAD, "xong D1-TCKH Đã trình UBND dự thảo văn bản trả lời"))[0])).toContain("Đã báo cáo hoàn thành D1-TCKH");
    await deliverAll(senders);
    await tgFake.waitFor(() => tgShown().some((s) => s.includes("Hoàn thành D1-TCKH")), 10_000, "completion on Telegram");
    // Nothing meant for the leader went to Zalo, nothing meant for the head to Telegram.
    expect(sentTo(fake, String(TG_LEADER.id))).toEqual([]);
    expect(tgShown().join("\n")).not.toContain("Giao việc D1-TCKH");
  });
});

describe("the webhook and the download links", () => {
  it("a forged webhook (wrong or missing secret) gets 401 and changes nothing; the real one is answered", async () => {
    await zalo.stop();
    service.setWebhook(zalo.webhookHandler(WEBHOOK_SECRET));
    fake.proxyWebhooksTo(service.baseUrl);
    await zalo.startWebhook({ url: PUBLIC_WEBHOOK, secretToken: WEBHOOK_SECRET });
    await link(CLERK, "vanthu");

    for (const secret of ["wrong-secret-00", null]) {
      const r = await fake.deliverWebhook({ ok: true, result: textUpdate(CLERK, "/viec") }, secret);
      expect(r.status).toBe(401);
    }
    expect(await db.prisma.processedUpdate.count()).toBe(0);
    expect(sentTo(fake, CLERK)).toEqual([]);

    const r = await fake.deliverWebhook(textUpdate(CLERK, "/viec"));
    expect(r.status).toBe(200);
    await waitFor(() => sentTo(fake, CLERK).length === 1, "the answer to /viec");
    expect(await db.prisma.processedUpdate.count()).toBe(1);
  });

  it("a slow turn: the webhook is answered before the turn ends, a redelivery meanwhile is not handled again", async () => {
    await zalo.stop();
    service.setWebhook(zalo.webhookHandler(WEBHOOK_SECRET));
    fake.proxyWebhooksTo(service.baseUrl);
    await zalo.startWebhook({ url: PUBLIC_WEBHOOK, secretToken: WEBHOOK_SECRET });
    await link(CLERK, "vanthu");
    const held = service.heldPhoto("slow.png", new Uint8Array(await readFile("test/fixtures/photo-small.png")));
    const update = photoUpdate(CLERK, held.url);

    // Answered 200 while the turn cannot have ended: the photo is not downloaded yet.
    expect((await fake.deliverWebhook(update)).status).toBe(200);
    await waitFor(() => held.requests() === 1, "the download to start");
    expect(sentTo(fake, CLERK)).toEqual([]);
    expect((await listPendingUpdates(deps(), "ZALO")).map((p) => p.updateKey)).toEqual([`zl:5151:message.image.received:${String(update.message.message_id)}`]);

    // Zalo retries (its timeout rules are unpublished): answered, recorded once, not queued again.
    expect((await fake.deliverWebhook(update)).status).toBe(200);
    expect(await listPendingUpdates(deps(), "ZALO")).toHaveLength(1);

    held.release();
    await waitFor(() => sentTo(fake, CLERK).length === 1, "the answer to the photo");
    expect(lastText(CLERK)).toContain("Đã nhận 1 tệp");
    // A later message of the same chat is handled after anything queued before it: by its answer,
    // a second copy of the photo would have been handled too.
    expect((await fake.deliverWebhook(textUpdate(CLERK, "/viec"))).status).toBe(200);
    await waitFor(() => sentTo(fake, CLERK).length === 2, "the answer to /viec");
    expect(held.requests()).toBe(1);
    expect(sentTo(fake, CLERK).filter((m) => shown(m).includes("Đã nhận"))).toHaveLength(1);
    await zalo.stop(); // waits for the handled update to be forgotten
    expect(await db.prisma.pendingUpdate.count()).toBe(0);
  });

  it("an update recorded but not handled before a restart is handled at the next start", async () => {
    await zalo.stop();
    await link(CLERK, "vanthu");
    const update = textUpdate(CLERK, "/viec");
    expect(await recordPendingUpdate(deps(), "ZALO", `zl:5151:message.text.received:${String(update.message.message_id)}`, update)).toBe(true);
    zalo = createZaloBot({ token: TOKEN, apiBase: fake.apiBase, deps: deps(), logger, fileLinks: null, pollingTimeoutSeconds: 2, hearingCheckMs: 0 });
    await zalo.startPolling();
    await waitFor(() => sentTo(fake, CLERK).length === 1, "the answer to the replayed /viec");
    await zalo.stop();
    expect(await db.prisma.pendingUpdate.count()).toBe(0);
    expect(await db.prisma.processedUpdate.count()).toBe(1);
  });

  it("a tampered, foreign-key, cut, expired link, or one whose person was deactivated, is refused by the download route over HTTP", async () => {
    await link(HEAD, "tp.tckh");
    const doc = await registerSample(deps(), org, { files: [{ bytes: await samplePdf() }] });
    await issueDirective(deps(), { actorUserId: org.users.chutich!, documentId: doc.documentId, text: "Giao TCKH.", main: "TCKH", due: { workingDays: 5 } });
    await deliverAll({ ZALO: zaloSender() });
    const card = sentTo(fake, HEAD).find((m) => m.method === "sendMessage");
    const [url] = urlsIn(shown(card));
    expect((await fetch(url!)).status).toBe(200);

    const token = url!.slice(url!.lastIndexOf("/") + 1);
    const [body, mac] = token.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as unknown[];
    claims[1] = org.users["tp.tp"]; // the same file for someone else
    const forgedBody = Buffer.from(JSON.stringify(claims)).toString("base64url");
    const tampered = await fetch(url!.replace(token, `${forgedBody}.${mac}`));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain("không hợp lệ");
    const flipped = await fetch(url!.replace(token, `${body}.${mac.slice(0, -2)}${mac.endsWith("AA") ? "BB" : "AA"}`));
    expect(flipped.status).toBe(403);
    // The page shows the catalog's text (HTML-escaped: its first sentence has nothing to escape).
    const said = (key: "fileLink.invalid" | "fileLink.expired") => t("vi", key).split(". ")[0]!;
    // Signed with another key, signature cut off, an extra part: all refused, never the file.
    const [sha256, userId, exp, name] = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as [string, string, number, string];
    for (const forged of [signFileLink("not-the-service-secret-0123456789abcdef", { sha256, userId, exp, name }), body, `${body}.${mac}.x`]) {
      const res = await fetch(url!.replace(token, forged));
      expect(res.status).toBe(403);
      const text = await res.text();
      expect(text).toContain(said("fileLink.invalid"));
      expect(text).not.toContain("%PDF");
    }

    // The person the link was made for leaves (deactivated): the genuine, unexpired link is refused.
    await db.prisma.user.update({ where: { id: userId }, data: { active: false } });
    const inactive = await fetch(url!);
    expect(inactive.status).toBe(403);
    expect(await inactive.text()).toContain(said("fileLink.invalid"));
    await db.prisma.user.update({ where: { id: userId }, data: { active: true } });
    expect((await fetch(url!)).status).toBe(200);

    // Expired: a second after its expiry (and not a second before).
    clock.set(new Date((exp - 1) * 1000));
    expect((await fetch(url!)).status).toBe(200);
    clock.set(new Date((exp + 1) * 1000));
    const expired = await fetch(url!);
    expect(expired.status).toBe(403);
    const expiredText = await expired.text();
    expect(expiredText).toContain(said("fileLink.expired"));
    expect(expiredText).not.toContain("%PDF");
  });
});
