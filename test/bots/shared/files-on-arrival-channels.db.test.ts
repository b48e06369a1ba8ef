// Files are checked on arrival, through each real adapter: a bad file (empty, corrupt, encrypted,
// oversized, HTML, a decompression bomb) sent with a `/dangky` caption that leaves fields missing
// gets ONE reply, the refusal, as a conversation message that stays (not a toast or a callback
// answer); no form question follows and nothing is kept in the conversation store.
// - Telegram: grammY (long polling) against the fake Bot API, the file sent as a document.
// - Zalo: our Zalo client (long polling) against the fake Zalo Bot API; Zalo delivers only photos
//   (a URL to download), so the bad bytes are what that URL serves; the caption is the photo's.
// - Web chat: its HTTP API, a browser-like multipart upload (FormData), and the stored history.
// Telegram and Zalo handle one update per chat at a time, in order: a later text ("/xem D999") is
// the barrier: everything the file's turn said arrives before its answer.
import { readFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import type { BotLogger } from "../../../bots/shared/types.ts";
import { createTelegramBot, type TelegramBot } from "../../../bots/telegram/create-telegram-bot.ts";
import { createWebChat, type WebChat } from "../../../bots/web/index.ts";
import { createZaloBot, type ZaloBot } from "../../../bots/zalo/create-zalo-bot.ts";
import { createTestDeps } from "../../support/core.ts";
import { startFakeTelegramServer, shown as shownTg, type FakeTelegramServer, type FakeUser } from "../../support/fake-telegram-server.ts";
import { startFakeZaloServer, type FakeZaloServer } from "../../support/fake-zalo-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, samplePdf, setupExampleOrg } from "../../support/workflow.ts";
import { photoUpdate, sentTo, shown as shownZalo, startLocalService, textUpdate, waitFor, type LocalService } from "../zalo/zalo-harness.ts";

/** The organisation's upload limit in these tests: 1 MB (the oversized file is 1.1 MB). */
const MAX_UPLOAD = 1024 * 1024;
const CAPTION = "/dangky\nsố: 45/STC-NS";
/** Words of the form's questions and its echo: none may follow a refusal. */
const FORM_WORDS = /Cơ quan ban hành\?|Trích yếu\?|Số và ký hiệu|Gửi thông tin văn bản|Kiểm tra thông tin văn bản/;
const BARRIER = "/xem D999";
/** What the barrier's answer says (there is no D999). */
const BARRIER_ANSWER = "Không tìm thấy văn bản";

const bad = (name: string) => readFile(`test/fixtures/bad/${name}`).then((b) => new Uint8Array(b));
const oversized = async () => new Uint8Array(Buffer.concat([Buffer.from(await samplePdf()), Buffer.alloc(MAX_UPLOAD + 100 * 1024, 0x20)]));

type Kind = { kind: string; bytes: () => Promise<Uint8Array>; fileName: string; says: string; saysOnWeb?: string };
/** Each bad kind and what the clerk reads at once. */
const KINDS: Kind[] = [
  { kind: "empty", bytes: () => bad("empty.pdf"), fileName: "empty.pdf", says: "Tệp gửi lên không có nội dung (0 byte)" },
  { kind: "corrupt (a PDF cut in half)", bytes: () => bad("truncated.pdf"), fileName: "truncated.pdf", says: "Tệp PDF bị hỏng hoặc chưa tải về đầy đủ" },
  { kind: "encrypted", bytes: () => bad("encrypted-user-password.pdf"), fileName: "mat-khau.pdf", says: "Tệp PDF bị đặt mật khẩu" },
  // The web chat refuses it while reading the upload, before the file is whole (bots/web/receive-upload.ts).
  { kind: "oversized", bytes: oversized, fileName: "lon.pdf", says: "Tệp quá lớn (1.1 MB, tối đa 1 MB)", saysOnWeb: "Tệp gửi lên quá lớn (tối đa 1 MB)." },
  { kind: "HTML", bytes: () => bad("html-named.pdf"), fileName: "html-named.pdf", says: "Tệp này là một trang web (HTML), không phải PDF" },
  { kind: "image bomb", bytes: () => bad("image-bomb-50000.png"), fileName: "anh.png", says: "Ảnh quá lớn (50000 × 50000 điểm ảnh" },
];

let db: TestDatabase;
const files = createMemoryFileStore();
const errors: unknown[] = [];
const logger: BotLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => void errors.push(obj) };
const deps = () => createTestDeps(db.prisma, { files, settings: { maxUploadBytes: MAX_UPLOAD } });
/** Conversation-store rows holding a kept file (its pieces), for one chat. */
const keptFiles = (channel: string, chatId: string) => db.prisma.pendingFileChunk.count({ where: { fileKey: { startsWith: `conv:${channel}:${chatId}:file:` } } });

beforeAll(async () => {
  db = await createTestDatabase();
  await db.truncate();
  await setupExampleOrg(deps());
});
afterAll(async () => {
  expect(errors).toEqual([]);
  await db?.close();
});

describe("Telegram: bad files refused on arrival", () => {
  const TOKEN = "4343:arrival-token";
  let fake: FakeTelegramServer;
  let tg: TelegramBot;
  let nextUser = 600;

  beforeAll(async () => {
    fake = await startFakeTelegramServer({ token: TOKEN });
    tg = createTelegramBot({ token: TOKEN, apiRoot: fake.apiRoot, deps: deps(), logger, botInfo: fake.botInfo, albumDebounceMs: 300 });
    await tg.startPolling();
  });
  afterAll(async () => {
    await tg?.stop();
    await fake?.close();
  });

  for (const k of KINDS) {
    it(`a ${k.kind} file with a /dangky caption: the first and only reply is the refusal, as a message`, async () => {
      const clerk: FakeUser = { id: nextUser++, first_name: "Bình" };
      await linkChat(deps(), "TELEGRAM", String(clerk.id), "vanthu");
      fake.pushUpdate(fake.documentMessage(clerk, { fileName: k.fileName, bytes: await k.bytes(), mime: "application/pdf", caption: CAPTION }));
      fake.pushUpdate(fake.textMessage(clerk, BARRIER));
      const all = await fake.waitFor(
        () => {
          const m = fake.messages(clerk.id);
          return m.some((x) => shownTg(x).includes(BARRIER_ANSWER)) && m;
        },
        15_000,
        "the barrier's answer",
      );
      const turn = all.slice(
        0,
        all.findIndex((x) => shownTg(x).includes(BARRIER_ANSWER)),
      );
      expect(turn.map((m) => m.method)).toEqual(["sendMessage"]);
      expect(shownTg(turn[0])).toContain(k.says);
      for (const m of all) expect(shownTg(m)).not.toMatch(FORM_WORDS);
      expect(fake.callbackAnswers).toEqual([]);
      expect(await keptFiles("TELEGRAM", String(clerk.id))).toBe(0);
    });
  }
});

describe("Zalo: bad files refused on arrival", () => {
  const TOKEN = "5252:arrival-zalo-token";
  const SECRET = "a-test-secret-for-signed-file-links-0123456789";
  let fake: FakeZaloServer;
  let service: LocalService;
  let zalo: ZaloBot;
  let nextUser = 0;

  beforeAll(async () => {
    fake = await startFakeZaloServer({ token: TOKEN });
    service = await startLocalService(deps(), SECRET);
    zalo = createZaloBot({
      token: TOKEN,
      apiBase: fake.apiBase,
      deps: deps(),
      logger,
      fileLinks: { baseUrl: service.baseUrl, secret: SECRET },
      pollingTimeoutSeconds: 1,
      hearingCheckMs: 0,
    });
    await zalo.startPolling();
  });
  afterAll(async () => {
    await zalo?.stop();
    await fake?.close();
    await service?.close();
  });

  for (const k of KINDS) {
    it(`a ${k.kind} photo with a /dangky caption: the first and only reply is the refusal`, async () => {
      const clerk = `zl-arrival-${++nextUser}`;
      await linkChat(deps(), "ZALO", clerk, "vanthu");
      fake.pushUpdate(photoUpdate(clerk, service.photo(`${clerk}-${k.fileName}`, await k.bytes(), "image/jpeg"), CAPTION));
      fake.pushUpdate(textUpdate(clerk, BARRIER));
      const all = await waitFor(
        () => {
          const m = sentTo(fake, clerk);
          return m.some((x) => shownZalo(x).includes(BARRIER_ANSWER)) && m;
        },
        "the barrier's answer",
        15_000,
      );
      const turn = all.slice(
        0,
        all.findIndex((x) => shownZalo(x).includes(BARRIER_ANSWER)),
      );
      expect(turn.map((m) => m.method)).toEqual(["sendMessage"]);
      expect(shownZalo(turn[0])).toContain(k.says);
      for (const m of all) expect(shownZalo(m)).not.toMatch(FORM_WORDS);
      expect(await keptFiles("ZALO", clerk)).toBe(0);
    });
  }
});

describe("Web chat: bad files refused on arrival", () => {
  let chat: WebChat;
  let server: http.Server;
  let base: string;
  let n = 0;

  beforeAll(async () => {
    chat = createWebChat({ deps: deps(), logger, secret: "test-secret-0123456789abcdef", distDir: "/nonexistent" });
    server = http.createServer((req, res) => void chat.handler(req, res, new URL(req.url ?? "/", "http://localhost")));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat/api`;
  });
  afterAll(async () => {
    await chat?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  type View = { direction: "in" | "out"; title?: string; text: string; actions: unknown[] };
  const signIn = async () => {
    const { code } = await issueLinkCode(deps(), { userCode: "vanthu" });
    const res = await fetch(`${base}/sign-in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ code }) });
    expect(res.status).toBe(200);
    return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
  };
  const shown = (m: View) => `${m.title ?? ""}\n${m.text}`;

  for (const k of KINDS) {
    it(`a ${k.kind} file with a /dangky caption: the answer's only reply is the refusal, kept in the history`, async () => {
      const b = await signIn();
      const form = new FormData();
      form.set("text", CAPTION);
      form.set("updateKey", `arrival-${++n}-abcdefgh`);
      form.append("files", new Blob([Buffer.from(await k.bytes())], { type: "application/pdf" }), k.fileName);
      const res = await fetch(`${base}/messages`, { method: "POST", headers: { cookie: b.cookie, "x-csrf-token": b.csrf }, body: form });
      // 200, or 413 for the upload refused while it was read: either way the answer carries the turn.
      expect(res.status).toBe(k.saysOnWeb ? 413 : 200);
      const answer = (await res.json()) as { messages: View[]; callbackText?: string };
      expect(answer.callbackText).toBeUndefined();
      const replies = answer.messages.filter((m) => m.direction === "out");
      expect(replies).toHaveLength(1);
      expect(shown(replies[0]!)).toContain(k.saysOnWeb ?? k.says);
      expect(shown(replies[0]!)).not.toMatch(FORM_WORDS);
      // It stays: the history, read again as a reloaded page would, ends with the sent file and the refusal.
      const history = (await (await fetch(`${base}/messages`, { headers: { cookie: b.cookie } })).json()) as { messages: View[] };
      const tail = history.messages.slice(-2);
      expect(tail.map((m) => m.direction)).toEqual(["in", "out"]);
      expect(shown(tail[1]!)).toContain(k.saysOnWeb ?? k.says);
      const me = await db.prisma.user.findFirstOrThrow({ where: { code: "vanthu" }, select: { id: true } });
      expect(await keptFiles("WEB", me.id)).toBe(0);
    });
  }
});
