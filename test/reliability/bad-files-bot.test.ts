// Every file of the bad-file corpus (test/fixtures/bad/README.md, plus the two large generated
// cases) through the real bot path: a clerk forwards it to the Telegram bot (grammY long polling
// against the fake Bot API) with a /dangky caption. Each refused file gets a clear Vietnamese
// message, the bot keeps answering, and nothing is half-stored: Document and StoredFile rows and the
// files on disk are exactly those of the accepted files.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelegramBot, type TelegramBot } from "../../bots/telegram/create-telegram-bot.ts";
import type { BotLogger } from "../../bots/shared/types.ts";
import { createFsFileStore } from "../../core/files/file-store.ts";
import { BAD_DIR, generateLargeFixture } from "../fixtures/generate-fixtures.ts";
import { inlineButtons, startFakeTelegramServer, type FakeTelegramServer, type FakeUser, type StoredMessage } from "../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { setupExampleOrg } from "../support/workflow.ts";
import { linkTelegram, realDeps, waitUntil } from "./harness.ts";

const TOKEN = "7004:bad-files-token";
const CLERK: FakeUser = { id: 740_001, first_name: "Bình" };

/** What the clerk must read for each file (the catalog's Vietnamese), or "accepted". */
const EXPECTED: Record<string, string> = {
  "empty.pdf": "Tệp gửi lên không có nội dung (0 byte)",
  "truncated.pdf": "Tệp PDF bị hỏng hoặc chưa tải về đầy đủ",
  "html-named.pdf": "Tệp này là một trang web (HTML), không phải PDF",
  "zip-named.pdf": "Tệp này là tệp nén hoặc tệp Word/Excel (ZIP)",
  "encrypted-user-password.pdf": "Tệp PDF bị đặt mật khẩu",
  "encrypted-owner-only.pdf": "accepted",
  "zero-pages.pdf": "Tệp PDF không có trang nào",
  "image-bomb-50000.png": "Ảnh quá lớn (50000 × 50000 điểm ảnh",
  "truncated.jpg": "Ảnh bị hỏng hoặc chưa tải về đầy đủ",
  "photo-named.pdf": "accepted",
  "javascript.pdf": "accepted",
  "sixty-mb.pdf": "Tệp quá lớn",
  "two-thousand-pages.pdf": "Tệp PDF có 2000 trang, vượt quá giới hạn",
};

let db: TestDatabase;
let fake: FakeTelegramServer;
let tg: TelegramBot;
let storeDir: string;
const errors: unknown[] = [];
const logger: BotLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (obj) => errors.push(obj) };

const shown = (m: StoredMessage | undefined) => m?.plain_text ?? m?.plain_caption ?? "";
/** Waits for the chat's next text message after the first `before` ones (a stamped PDF is not a reply). */
const nextAfter = (before: number, what: string) =>
  fake
    .waitFor(
      () =>
        fake
          .messages(CLERK.id)
          .slice(before)
          .find((m) => !m.document),
      60_000,
      what,
    )
    .then(
      (m) => m,
      (err: unknown) => {
        throw new Error(
          `${String(err)} (${what})\nanswers: ${JSON.stringify(fake.callbackAnswers)}\nlast: ${JSON.stringify(fake.messages(CLERK.id).at(-1))}\nchat: ${fake.messages(CLERK.id).slice(before).map(shown).join(" | ")}\nerrors: ${JSON.stringify(errors)}`,
        );
      },
    );
const filesOnDisk = async (): Promise<string[]> =>
  (await readdir(storeDir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeTelegramServer({ token: TOKEN });
  storeDir = await mkdtemp(path.join(os.tmpdir(), "edoc-rel-badfiles-"));
  const deps = realDeps(db.prisma, createFsFileStore(storeDir));
  await setupExampleOrg(deps);
  await linkTelegram(deps, "vanthu", CLERK.id);
  tg = createTelegramBot({ token: TOKEN, apiRoot: fake.apiRoot, deps, logger, botInfo: fake.botInfo });
  await tg.startPolling();
}, 120_000);
afterAll(async () => {
  await tg?.stop();
  await fake?.close();
  await db?.close();
  if (storeDir) await rm(storeDir, { recursive: true, force: true });
});

describe("the bad-file corpus through the Telegram bot", () => {
  it("answers each file in Vietnamese, keeps answering, and stores only what it accepted", { timeout: 240_000 }, async () => {
    const corpus = (await readdir(BAD_DIR)).filter((f) => f !== "README.md").sort();
    expect(corpus.sort()).toEqual(
      Object.keys(EXPECTED)
        .filter((f) => !["sixty-mb.pdf", "two-thousand-pages.pdf"].includes(f))
        .sort(),
    );
    const files: [string, Buffer][] = [];
    for (const name of corpus) files.push([name, await readFile(path.join(BAD_DIR, name))]);
    for (const name of ["sixty-mb.pdf", "two-thousand-pages.pdf"] as const) files.push([name, await readFile(await generateLargeFixture(name))]);

    let accepted = 0;
    for (const [i, [name, bytes]] of files.entries()) {
      const caption = `/dangky\nsố: ${100 + i}/TEST\ncơ quan: Sở Thử nghiệm\nngày: 20/11/2026\ntrích yếu: Tệp thử ${name}`;
      let before = fake.messages(CLERK.id).length;
      fake.pushUpdate(fake.documentMessage(CLERK, { fileName: name, bytes, caption }));
      const echo = await nextAfter(before, name);
      // The metadata is echoed first; the file is checked when the clerk confirms. The answer is a
      // message in the chat, or the pressed button's notification (a refusal on a press).
      let answer = shown(echo);
      if (inlineButtons(echo).some((b) => b.text === "Xác nhận")) {
        before = fake.messages(CLERK.id).length;
        const press = fake.callbackQuery(CLERK, inlineButtons(echo).find((b) => b.text === "Xác nhận")!.callback_data!, echo);
        const pressId = (press as unknown as { callback_query: { id: string } }).callback_query.id;
        fake.pushUpdate(press);
        answer = await waitUntil(
          () => {
            const toast = fake.callbackAnswers.find((a) => a.callback_query_id === pressId);
            const message = fake
              .messages(CLERK.id)
              .slice(before)
              .find((m) => !m.document);
            return message ? shown(message) : toast?.text ? toast.text : undefined;
          },
          { timeoutMs: 60_000, what: `the answer to confirming ${name}`, explain: () => `answers: ${JSON.stringify(fake.callbackAnswers)} errors: ${JSON.stringify(errors)}` },
        );
      }
      if (EXPECTED[name] === "accepted") {
        accepted += 1;
        expect(answer, name).toContain(`Mã tham chiếu: D${accepted}`);
      } else {
        expect(answer, name).toContain(EXPECTED[name]);
        expect(answer, name).not.toMatch(/Error|undefined|\{|stack|…$/);
      }

      // The bot is still there: /viec is answered.
      before = fake.messages(CLERK.id).length;
      fake.pushUpdate(fake.command(CLERK, "viec"));
      await waitUntil(
        () =>
          fake
            .messages(CLERK.id)
            .slice(before)
            .some((m) => !m.document && shown(m) !== "" && !shown(m).startsWith("REF")),
        { timeoutMs: 30_000, what: `/viec after ${name}` },
      );
    }

    // Nothing half-stored: one Document per accepted file, StoredFiles only of those documents, and
    // the file store holds exactly the stored files (no stray file of a refused upload).
    expect(await db.prisma.document.count()).toBe(accepted);
    const stored = await db.prisma.storedFile.findMany({ select: { sha256: true, documentId: true } });
    expect(stored.every((f) => f.documentId !== null)).toBe(true);
    expect(await filesOnDisk()).toEqual([...new Set(stored.map((f) => f.sha256))].sort());
    expect(errors).toEqual([]);
  });
});
