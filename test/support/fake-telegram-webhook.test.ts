import { createServer } from "node:http";
import type { RequestListener, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Api, Bot, GrammyError, webhookCallback } from "grammy";
import { startFakeTelegramServer } from "./fake-telegram-server.ts";
import type { FakeTelegramServer } from "./fake-telegram-server.ts";

const TOKEN = "777:webhook-token";
const MINH = { id: 5150, first_name: "Minh" };

async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe("fake Telegram server in webhook mode", () => {
  let fake: FakeTelegramServer;
  let hook: { server: Server; url: string } | undefined;

  beforeEach(async () => {
    fake = await startFakeTelegramServer({ token: TOKEN });
  });

  afterEach(async () => {
    if (hook !== undefined) await closeServer(hook.server);
    hook = undefined;
    await fake.close();
  });

  it("posts updates with the secret token header that grammY's webhookCallback checks", async () => {
    const bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
    bot.command("start", (ctx) => ctx.reply(`Chào ${ctx.from?.first_name ?? ""}`));
    hook = await listen(webhookCallback(bot, "http", { secretToken: "s3cret" }));

    await bot.api.setWebhook(hook.url, { secret_token: "s3cret" });
    expect(fake.webhook()).toEqual({ url: hook.url, secret_token: "s3cret" });

    // The secret set with setWebhook is used by default.
    const ok = await fake.postWebhook(hook.url, fake.command(MINH, "start"));
    expect(ok.status).toBe(200);
    expect(fake.lastMessage(MINH.id)?.text).toBe("Chào Minh");

    const wrong = await fake.postWebhook(hook.url, fake.command(MINH, "start"), "not-it");
    expect(wrong.status).toBe(401);
    expect(fake.messages(MINH.id)).toHaveLength(1);

    // getUpdates is refused while a webhook is set, like Telegram.
    const api = new Api(TOKEN, { apiRoot: fake.apiRoot });
    const conflict = await api.getUpdates().catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(GrammyError);
    expect((conflict as GrammyError).error_code).toBe(409);
    await api.deleteWebhook();
    expect(fake.webhook()).toBeUndefined();
    expect(await api.getUpdates()).toEqual([]);
  });

  it("executes a webhook reply found in the response body", async () => {
    hook = await listen((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const update = JSON.parse(body) as { message: { chat: { id: number }; text: string } };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ method: "sendMessage", chat_id: update.message.chat.id, text: `echo ${update.message.text}` }));
      });
    });
    const result = await fake.postWebhook(hook.url, fake.textMessage(MINH, "hi"));
    expect(result.status).toBe(200);
    expect(fake.lastMessage(MINH.id)?.text).toBe("echo hi");
    expect(fake.callsTo("sendMessage")[0]?.via).toBe("webhook-reply");
  });
});
