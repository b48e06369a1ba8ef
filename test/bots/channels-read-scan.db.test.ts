// Issue 18 through the channel adapters: each sends the turn's "đang đọc văn bản…" at once through
// its own client (Telegram's Bot API, Zalo's, the web chat's history and event stream), then the
// prefilled echo, and /ok registers. Each channel gets a photo of the page (read by OCR, a few
// seconds); Telegram and the web chat also a text-layer PDF (read by poppler).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTelegramBot, type TelegramBot } from "../../bots/telegram/create-telegram-bot.ts";
import type { BotLogger } from "../../bots/shared/types.ts";
import { createWebChat, type WebChat } from "../../bots/web/index.ts";
import { issueLinkCode } from "../../core/identity/issue-link-code.ts";
import { createZaloBot, type ZaloBot } from "../../bots/zalo/create-zalo-bot.ts";
import { createMemoryFileStore } from "../../core/files/file-store.ts";
import { closeDefaultPageReader } from "../../core/ocr/shared-reader.ts";
import { runPdftoppm } from "../../core/pdf/pdftoppm.ts";
import { createTestClock, createTestDeps } from "../support/core.ts";
import { makeDecree30Pdf, makeTextPdf, SAMPLE_PAGE } from "../support/decree30-page.ts";
import { inlineButtons, shown as shownTg, startFakeTelegramServer, type FakeTelegramServer, type FakeUser } from "../support/fake-telegram-server.ts";
import { startFakeZaloServer, type FakeZaloServer } from "../support/fake-zalo-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { linkChat, setupExampleOrg } from "../support/workflow.ts";
import { photoUpdate, sentTo, shown as shownZalo, startLocalService, textUpdate, waitFor, type LocalService } from "./zalo/zalo-harness.ts";

const LINK_SECRET = "a-test-secret-for-signed-file-links-0123456789";
let db: TestDatabase;
let files: ReturnType<typeof createMemoryFileStore>;
const errors: unknown[] = [];
const logger: BotLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => errors.push(obj) };
/** After the page's date (10/12/2026). OCR is on, as in the app. */
const clock = createTestClock("2026-12-12T02:00:00Z");
const deps = () => createTestDeps(db.prisma, { clock, files, settings: { ocr: { timeoutMs: 120_000 } } });

beforeAll(async () => {
  db = await createTestDatabase();
});

/** Page 1 of the sample công văn as a photo (a 200-dpi grey PNG, no text layer): read by OCR. */
const pagePhoto = async (): Promise<Uint8Array> => {
  const png = await runPdftoppm({ bytes: await makeDecree30Pdf() }, ["-f", "1", "-l", "1", "-gray", "-png", "-r", "200"], "png");
  if (!png.ok) throw new Error(png.reason);
  return png.bytes;
};
afterAll(async () => {
  await closeDefaultPageReader();
  await db.close();
});
beforeEach(async () => {
  await db.truncate();
  errors.length = 0;
  files = createMemoryFileStore();
  await setupExampleOrg(deps());
});
afterEach(() => expect(errors).toEqual([]));

describe("Telegram: a scan with no caption", () => {
  const TOKEN = "4243:read-scan-token";
  const CLERK: FakeUser = { id: 111, first_name: "Bình" };
  let fake: FakeTelegramServer;
  let tg: TelegramBot;
  beforeEach(async () => {
    fake = await startFakeTelegramServer({ token: TOKEN });
    tg = createTelegramBot({ token: TOKEN, apiRoot: fake.apiRoot, deps: deps(), logger, botInfo: fake.botInfo });
    await tg.startPolling();
  });
  afterEach(async () => {
    await tg.stop();
    await fake.close();
  });

  it("a PDF: 'đang đọc văn bản…' first, then the prefilled echo; Xác nhận → REF", async () => {
    await linkChat(deps(), "TELEGRAM", String(CLERK.id), "vanthu");
    fake.pushUpdate(fake.documentMessage(CLERK, { fileName: "cv45.pdf", bytes: await makeDecree30Pdf(), mime: "application/pdf" }));
    const [reading, echo] = await fake.waitForMessages(CLERK.id, 2, 30_000);
    expect(shownTg(reading)).toContain("Đang đọc văn bản…");
    expect(shownTg(echo)).toContain("Số, ký hiệu: 45/STC-NS (đọc từ bản quét)");
    expect(shownTg(echo)).toContain("Hạn nơi gửi đề nghị: 18/12/2026 (đọc từ bản quét)");
    fake.pushUpdate(fake.callbackQuery(CLERK, inlineButtons(echo!).find((b) => b.text === "Xác nhận")!.callback_data!, echo!));
    const done = (await fake.waitForMessages(CLERK.id, 4, 30_000))[2];
    expect(shownTg(done)).toContain("Mã tham chiếu: D1");
    expect(await db.prisma.document.findFirstOrThrow({ select: { codeNumber: true, subject: true } })).toEqual({
      codeNumber: "45",
      subject: "V/v báo cáo tình hình thực hiện dự toán ngân sách năm 2026",
    });
  });

  it("a photo of the page with no caption: read by OCR into the echo; Xác nhận → REF", async () => {
    await linkChat(deps(), "TELEGRAM", String(CLERK.id), "vanthu");
    fake.pushUpdate(fake.photoMessage(CLERK, await pagePhoto()));
    const [reading, echo] = await fake.waitForMessages(CLERK.id, 2, 120_000);
    expect(shownTg(reading)).toContain("Đang đọc văn bản…");
    expect(shownTg(echo)).toContain("Số, ký hiệu: 45/STC-NS (đọc từ bản quét)");
    expect(shownTg(echo)).toContain("Ngày văn bản: 10/12/2026 (đọc từ bản quét)");
    fake.pushUpdate(fake.callbackQuery(CLERK, inlineButtons(echo!).find((b) => b.text === "Xác nhận")!.callback_data!, echo!));
    const done = (await fake.waitForMessages(CLERK.id, 4, 30_000))[2];
    expect(shownTg(done)).toContain("Mã tham chiếu: D1");
    expect(await db.prisma.document.findFirstOrThrow({ select: { codeNumber: true, codeNotation: true } })).toEqual({ codeNumber: "45", codeNotation: "STC-NS" });
  }, 180_000);
});

describe("Zalo: a photo of the page with no caption", () => {
  const TOKEN = "5152:read-scan-token";
  const CLERK = "zl-read-clerk";
  let fake: FakeZaloServer;
  let service: LocalService;
  let zalo: ZaloBot;
  beforeEach(async () => {
    fake = await startFakeZaloServer({ token: TOKEN });
    service = await startLocalService(deps(), LINK_SECRET);
    zalo = createZaloBot({ token: TOKEN, apiBase: fake.apiBase, deps: deps(), logger, fileLinks: { baseUrl: service.baseUrl, secret: LINK_SECRET }, pollingTimeoutSeconds: 2 });
    await zalo.startPolling();
  });
  afterEach(async () => {
    await zalo.stop();
    await fake.close();
    await service.close();
  });

  it("'đang đọc văn bản…' first, then the echo prefilled by OCR; ok → REF", async () => {
    await linkChat(deps(), "ZALO", CLERK, "vanthu");
    const png = await runPdftoppm({ bytes: await makeDecree30Pdf() }, ["-f", "1", "-l", "1", "-gray", "-png", "-r", "200"], "png");
    if (!png.ok) throw new Error(png.reason);
    fake.pushUpdate(photoUpdate(CLERK, service.photo("trang-1.png", png.bytes)));
    const [reading, echo] = await waitFor(() => sentTo(fake, CLERK).length >= 2 && sentTo(fake, CLERK), "reading + echo", 120_000);
    expect(shownZalo(reading)).toContain("Đang đọc văn bản…");
    expect(shownZalo(echo)).toContain(`Số, ký hiệu: ${SAMPLE_PAGE.code.replace("Số: ", "")} (đọc từ bản quét)`);
    expect(shownZalo(echo)).toContain("Ngày văn bản: 10/12/2026 (đọc từ bản quét)");
    fake.pushUpdate(textUpdate(CLERK, "ok"));
    await waitFor(() => sentTo(fake, CLERK).some((m) => shownZalo(m).includes("Mã tham chiếu: D1")), "the REF", 30_000);
    expect(await db.prisma.document.findFirstOrThrow({ select: { codeNumber: true, codeNotation: true } })).toEqual({ codeNumber: "45", codeNotation: "STC-NS" });
  }, 180_000);

  it("photos of the pages sent one by one are one document: each later photo extends the read (only its page is read, see read-document.test.ts); nothing shown twice; the signer from the last page", async () => {
    await linkChat(deps(), "ZALO", CLERK, "vanthu");
    const photo = async (pdf: Uint8Array) => {
      const png = await runPdftoppm({ bytes: pdf }, ["-f", "1", "-l", "1", "-gray", "-png", "-r", "200"], "png");
      if (!png.ok) throw new Error(png.reason);
      return png.bytes;
    };
    const page1 = await photo(await makeDecree30Pdf());
    const page2 = await photo(await makeTextPdf(["2. Ủy ban nhân dân xã Nhơn Châu: thiếu thuyết minh kèm theo.", "3. Ủy ban nhân dân phường Nhơn Bình: thiếu biểu mẫu số 03."]));
    const page3 = await photo(await makeTextPdf(["để tổng hợp báo cáo Ủy ban nhân dân tỉnh.", "", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "", "", "Trần Văn Minh"]));
    const count = () => sentTo(fake, CLERK).length;

    fake.pushUpdate(photoUpdate(CLERK, service.photo("trang-1.png", page1)));
    const [, echo1] = await waitFor(() => count() >= 2 && sentTo(fake, CLERK), "reading + echo", 120_000);
    expect(shownZalo(echo1)).toContain("Người ký: PHÓ GIÁM ĐỐC Nguyễn Văn An (đọc từ bản quét)");

    // Page 2 changes nothing shown: the clerk is told it was added, not shown the echo again.
    fake.pushUpdate(photoUpdate(CLERK, service.photo("trang-2.png", page2)));
    const added = await waitFor(() => count() >= 4 && sentTo(fake, CLERK)[3], "page 2 added", 120_000);
    expect(shownZalo(sentTo(fake, CLERK)[2])).toContain("Đang đọc văn bản…");
    expect(shownZalo(added)).toContain("Đã thêm vào văn bản đang đăng ký, nay có 2 tệp");
    expect(shownZalo(added)).not.toContain("Số, ký hiệu");

    // Page 3, the last: its signer is read, so the echo comes again with it.
    fake.pushUpdate(photoUpdate(CLERK, service.photo("trang-3.png", page3)));
    const echo3 = await waitFor(() => count() >= 6 && sentTo(fake, CLERK)[5], "page 3's echo", 120_000);
    expect(shownZalo(echo3)).toContain("Người ký: PHÓ GIÁM ĐỐC Trần Văn Minh (đọc từ bản quét)");
    expect(shownZalo(echo3)).toContain("Số, ký hiệu: 45/STC-NS (đọc từ bản quét)");
    expect(shownZalo(echo3)).toContain("3 tệp");

    fake.pushUpdate(textUpdate(CLERK, "ok"));
    await waitFor(() => sentTo(fake, CLERK).some((m) => shownZalo(m).includes("Mã tham chiếu: D1")), "the REF", 60_000);
    expect(await db.prisma.document.count()).toBe(1);
    const doc = await db.prisma.document.findFirstOrThrow({ select: { id: true, signerName: true, pageCount: true } });
    expect(doc).toMatchObject({ signerName: "Trần Văn Minh", pageCount: 3 });
    const text = (await db.prisma.documentText.findUniqueOrThrow({ where: { documentId: doc.id } })).text;
    expect(text).toContain("Nhơn Châu");
    expect(text).toContain("Trần Văn Minh");
    expect(text.indexOf("Kính gửi")).toBeLessThan(text.indexOf("Nhơn Châu"));
    expect(text.indexOf("Nhơn Châu")).toBeLessThan(text.indexOf("Trần Văn Minh"));
  }, 420_000);
});

describe("web chat: a scan uploaded with no text", () => {
  let chat: WebChat;
  let server: http.Server;
  let base: string;
  beforeEach(async () => {
    chat = createWebChat({ deps: deps(), logger, secret: "test-secret-0123456789abcdef", distDir: "/nonexistent", pollMs: 200, heartbeatMs: 200 });
    server = http.createServer((req, res) => void chat.handler(req, res, new URL(req.url ?? "/", "http://localhost")));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await chat.stop();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("a PDF: 'đang đọc văn bản…' is in the history before the prefilled echo; /ok → REF", async () => {
    const { code } = await issueLinkCode(deps(), { userCode: "vanthu" });
    const signIn = await fetch(`${base}/chat/api/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const headers = { cookie, "x-csrf-token": csrfToken };
    const form = new FormData();
    form.set("text", "");
    form.set("updateKey", "read-scan-upload-1");
    form.set("files", new Blob([Buffer.from(await makeDecree30Pdf())], { type: "application/pdf" }), "cv45.pdf");
    const posted = await fetch(`${base}/chat/api/messages`, { method: "POST", headers, body: form });
    expect(posted.status).toBe(200);
    type Answer = { messages: { direction: string; text: string }[] };
    const history = ((await (await fetch(`${base}/chat/api/messages`, { headers: { cookie } })).json()) as Answer).messages.filter((m) => m.direction === "out");
    const reading = history.findIndex((m) => m.text.includes("Đang đọc văn bản…"));
    const echo = history.findIndex((m) => m.text.includes("Số, ký hiệu: 45/STC-NS (đọc từ bản quét)"));
    expect(reading).toBeGreaterThanOrEqual(0);
    expect(echo).toBeGreaterThan(reading);
    const done = await fetch(`${base}/chat/api/messages`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ text: "/ok", updateKey: "read-scan-ok-1" }),
    });
    expect(((await done.json()) as Answer).messages.map((m) => m.text).join("\n")).toContain("Mã tham chiếu: D1");
  });

  it("a photo of the page uploaded with no text: read by OCR into the echo; /ok → REF", async () => {
    const { code } = await issueLinkCode(deps(), { userCode: "vanthu" });
    const signIn = await fetch(`${base}/chat/api/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const headers = { cookie, "x-csrf-token": csrfToken };
    const form = new FormData();
    form.set("text", "");
    form.set("updateKey", "read-scan-photo-1");
    form.set("files", new Blob([Buffer.from(await pagePhoto())], { type: "image/png" }), "trang-1.png");
    expect((await fetch(`${base}/chat/api/messages`, { method: "POST", headers, body: form })).status).toBe(200);
    type Answer = { messages: { direction: string; text: string }[] };
    const history = ((await (await fetch(`${base}/chat/api/messages`, { headers: { cookie } })).json()) as Answer).messages.filter((m) => m.direction === "out");
    const reading = history.findIndex((m) => m.text.includes("Đang đọc văn bản…"));
    const echo = history.findIndex((m) => m.text.includes("Số, ký hiệu: 45/STC-NS (đọc từ bản quét)") && m.text.includes("Ngày văn bản: 10/12/2026 (đọc từ bản quét)"));
    expect(reading).toBeGreaterThanOrEqual(0);
    expect(echo).toBeGreaterThan(reading);
    const done = await fetch(`${base}/chat/api/messages`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ text: "/ok", updateKey: "read-scan-photo-ok-1" }),
    });
    expect(((await done.json()) as Answer).messages.map((m) => m.text).join("\n")).toContain("Mã tham chiếu: D1");
  }, 180_000);
});
