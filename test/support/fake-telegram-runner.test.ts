import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Bot } from "grammy";
import { run, sequentialize } from "@grammyjs/runner";
import { startFakeTelegramServer } from "./fake-telegram-server.ts";
import type { FakeTelegramServer } from "./fake-telegram-server.ts";

const TOKEN = "888:runner-token";

describe("fake Telegram server with @grammyjs/runner", () => {
  let fake: FakeTelegramServer;

  beforeEach(async () => {
    fake = await startFakeTelegramServer({ token: TOKEN });
  });

  afterEach(async () => {
    await fake.close();
  });

  it("feeds concurrent long polling and answers every chat in order", async () => {
    const bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
    bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
    bot.on("message:text", (ctx) => ctx.reply(`#${ctx.message.text}`));
    const handle = run(bot);
    const users = [1, 2, 3].map((id) => ({ id, first_name: `U${id}` }));
    for (const user of users) {
      fake.pushUpdate(fake.textMessage(user, "a"));
      fake.pushUpdate(fake.textMessage(user, "b"));
    }
    try {
      for (const user of users) {
        const replies = await fake.waitForMessages(user.id, 2);
        expect(replies.map((m) => m.text)).toEqual(["#a", "#b"]);
      }
    } finally {
      await handle.stop();
    }
    expect(fake.stats().sent).toBe(6);
  });
});
