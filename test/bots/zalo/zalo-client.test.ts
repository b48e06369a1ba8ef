import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createZaloClient } from "../../../bots/zalo/zalo-client.ts";
import type { ZaloClient } from "../../../bots/zalo/zalo-client.ts";
import { ZaloApiError, ZaloHttpError } from "../../../bots/zalo/zalo-error.ts";
import { startFakeZaloServer } from "../../support/fake-zalo-server.ts";
import type { FakeZaloServer } from "../../support/fake-zalo-server.ts";

const TOKEN = "1234567890:s3cr3t-Zalo-token-value";

/** Everything an error could show in a log: message, stack, fields, causes. */
const shown = (err: unknown): string => `${String(err)}\n${inspect(err, { depth: 8 })}\n${JSON.stringify(err)}`;

const catchError = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the call to fail");
};

describe("createZaloClient against the fake Zalo server", () => {
  let fake: FakeZaloServer;
  let zalo: ZaloClient;

  beforeEach(async () => {
    fake = await startFakeZaloServer({ token: TOKEN });
    zalo = createZaloClient({ token: TOKEN, apiBase: fake.apiBase, timeoutMs: 5_000 });
  });
  afterEach(async () => {
    await fake.close();
  });

  it("getMe returns the bot with a string id", async () => {
    const me = await zalo.getMe();
    expect(me).toEqual({ id: "1234567890", account_name: "fake_zalo_bot", account_type: "BASIC", can_join_groups: false });
    expect(fake.calls.map((c) => c.method)).toEqual(["getMe"]);
  });

  it("sendMessage sends chat_id as a string and returns increasing string ids", async () => {
    const first = await zalo.sendMessage({ chat_id: 42, text: "Xin chào" });
    const second = await zalo.sendMessage({ chat_id: "42", text: "Lần hai" });

    expect(typeof first.message_id).toBe("string");
    expect(Number(second.message_id)).toBeGreaterThan(Number(first.message_id));
    expect(first.date).toBeGreaterThan(1e12);
    expect(fake.sent).toMatchObject([
      { method: "sendMessage", chat_id: "42", body: { chat_id: "42", text: "Xin chào" } },
      { method: "sendMessage", chat_id: "42", body: { text: "Lần hai" } },
    ]);
  });

  it("normalises numeric ids from the server to strings", async () => {
    const numeric = await startFakeZaloServer({ token: TOKEN, numericIds: true });
    try {
      const client = createZaloClient({ token: TOKEN, apiBase: numeric.apiBase });
      expect((await client.getMe()).id).toBe("1234567890");
      const sent = await client.sendMessage({ chat_id: "1", text: "a" });
      expect(sent.message_id).toMatch(/^\d+$/);
    } finally {
      await numeric.close();
    }
  });

  it("sendPhoto, sendSticker and sendChatAction reach the server with their fields", async () => {
    const photo = await zalo.sendPhoto({ chat_id: "u1", photo: "https://files.example/p1.jpg", caption: "Trang 1" });
    const sticker = await zalo.sendSticker({ chat_id: "u1", sticker: "sticker-123" });
    const typing = await zalo.sendChatAction({ chat_id: "u1" });

    expect(photo.message_id).not.toBe(sticker.message_id);
    expect(typing).toBe(true);
    expect(fake.sent).toMatchObject([
      { method: "sendPhoto", chat_id: "u1", body: { photo: "https://files.example/p1.jpg", caption: "Trang 1" } },
      { method: "sendSticker", chat_id: "u1", body: { sticker: "sticker-123" } },
      { method: "sendChatAction", chat_id: "u1", body: { action: "typing" } },
    ]);
  });

  it("setWebhook, getWebhookInfo and deleteWebhook manage the webhook", async () => {
    const set = await zalo.setWebhook({ url: "https://bot.example/zalo", secret_token: "a-long-secret" });
    expect(set.url).toBe("https://bot.example/zalo");
    expect(set.updated_at).toBeGreaterThan(0);
    expect((await zalo.getWebhookInfo()).url).toBe("https://bot.example/zalo");

    const deleted = await zalo.deleteWebhook();
    expect(deleted.url).toBe("");
    expect((await zalo.getWebhookInfo()).url).toBe("");
  });

  it("setWebhook with a too short secret is a ZaloApiError 400", async () => {
    const err = await catchError(zalo.setWebhook({ url: "https://bot.example/zalo", secret_token: "short" }));
    expect(err).toBeInstanceOf(ZaloApiError);
    expect((err as ZaloApiError).error_code).toBe(400);
  });

  it("getUpdates returns one queued update, with the timeout sent as a string", async () => {
    fake.pushUpdate({ event_name: "message.text.received", message: { message_id: "m1", text: "hi" } });
    const update = await zalo.getUpdates({ timeout: 5 });
    expect(update).toEqual({ event_name: "message.text.received", message: { message_id: "m1", text: "hi" } });
    expect(fake.calls[0]?.body).toEqual({ timeout: "5" });
  });

  it("getUpdates answers 408 when nothing arrives in time", async () => {
    const started = Date.now();
    const err = await catchError(zalo.getUpdates({ timeout: 1 }));
    expect(err).toBeInstanceOf(ZaloApiError);
    expect((err as ZaloApiError).error_code).toBe(408);
    expect((err as ZaloApiError).method).toBe("getUpdates");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("getUpdates is refused while a webhook is set", async () => {
    await zalo.setWebhook({ url: "https://bot.example/zalo", secret_token: "a-long-secret" });
    const err = await catchError(zalo.getUpdates({ timeout: 1 }));
    expect(err).toBeInstanceOf(ZaloApiError);
    expect((err as ZaloApiError).error_code).toBe(400);
  });

  it("rejects empty and over-long texts with 400", async () => {
    for (const text of ["", "x".repeat(2001)]) {
      const err = await catchError(zalo.sendMessage({ chat_id: "u1", text }));
      expect(err).toBeInstanceOf(ZaloApiError);
      expect((err as ZaloApiError).error_code).toBe(400);
    }
    await expect(zalo.sendMessage({ chat_id: "u1", text: "x".repeat(2000) })).resolves.toBeDefined();
  });

  it("a blocked chat gives 403, other chats still work", async () => {
    fake.block("u-blocked");
    const err = await catchError(zalo.sendMessage({ chat_id: "u-blocked", text: "hello" }));
    expect(err).toBeInstanceOf(ZaloApiError);
    expect((err as ZaloApiError).error_code).toBe(403);
    expect((err as ZaloApiError).code).toBe(403);
    await zalo.sendMessage({ chat_id: "u-other", text: "hello" });
    expect(fake.sent.map((s) => s.chat_id)).toEqual(["u-other"]);
  });

  it("surfaces a 429 as ZaloApiError with method, payload and retry_after", async () => {
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests", retry_after: 7 });
    const err = await catchError(zalo.sendMessage({ chat_id: "u1", text: "hello" }));

    expect(err).toBeInstanceOf(ZaloApiError);
    const apiError = err as ZaloApiError;
    expect(apiError.name).toBe("ZaloApiError");
    expect(apiError.error_code).toBe(429);
    expect(apiError.httpStatus).toBe(429);
    expect(apiError.description).toBe("Too Many Requests");
    expect(apiError.parameters.retry_after).toBe(7);
    expect(apiError.method).toBe("sendMessage");
    expect(apiError.payload).toEqual({ chat_id: "u1", text: "hello" });
    expect(apiError.message).toContain("sendMessage");
    // The failure is consumed: the next call goes through.
    await expect(zalo.sendMessage({ chat_id: "u1", text: "again" })).resolves.toBeDefined();
  });

  it("surfaces a 500 as ZaloApiError 500, for `times` calls", async () => {
    fake.failNext("getMe", { error_code: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const err = await catchError(zalo.getMe());
      expect(err).toBeInstanceOf(ZaloApiError);
      expect((err as ZaloApiError).error_code).toBe(500);
    }
    await expect(zalo.getMe()).resolves.toMatchObject({ id: "1234567890" });
  });

  it("a wrong token is a 401 whose error never shows either token", async () => {
    const otherToken = "999:wrong-token-secret";
    const client = createZaloClient({ token: otherToken, apiBase: fake.apiBase });
    const err = await catchError(client.getMe());
    expect(err).toBeInstanceOf(ZaloApiError);
    expect((err as ZaloApiError).error_code).toBe(401);
    expect(shown(err)).not.toContain(otherToken);
    expect(shown(err)).not.toContain("wrong-token-secret");
  });

  it("a non-JSON answer is a ZaloHttpError without the token", async () => {
    fake.failNext("sendMessage", { status: 502, rawBody: "<html>502 Bad Gateway</html>" });
    const err = await catchError(zalo.sendMessage({ chat_id: "u1", text: "hello" }));
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect((err as ZaloHttpError).kind).toBe("invalid-response");
    expect((err as ZaloHttpError).httpStatus).toBe(502);
    expect(shown(err)).not.toContain(TOKEN);
  });

  it("a client timeout is a ZaloHttpError of kind timeout", async () => {
    fake.failNext("getMe", { delayMs: 1_000 });
    const client = createZaloClient({ token: TOKEN, apiBase: fake.apiBase, timeoutMs: 100 });
    const err = await catchError(client.getMe());
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect((err as ZaloHttpError).kind).toBe("timeout");
    expect(shown(err)).not.toContain(TOKEN);
  });

  it("an aborted call is a ZaloHttpError of kind aborted", async () => {
    const controller = new AbortController();
    const pending = zalo.getUpdates({ timeout: 10 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const err = await catchError(pending);
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect((err as ZaloHttpError).kind).toBe("aborted");
  });

  it("call() reaches methods by name and reports unknown ones as 404", async () => {
    await expect(zalo.call("getMe")).resolves.toMatchObject({ account_name: "fake_zalo_bot" });
    const err = await catchError(zalo.call("sendVoice", { chat_id: "u1" }));
    expect((err as ZaloApiError).error_code).toBe(404);
  });
});

describe("createZaloClient without a server", () => {
  it("a refused connection is a ZaloHttpError of kind network without the token", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const client = createZaloClient({ token: TOKEN, apiBase: `http://127.0.0.1:${port}` });
    const err = await catchError(client.sendMessage({ chat_id: "u1", text: "hello" }));
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect((err as ZaloHttpError).kind).toBe("network");
    expect((err as ZaloHttpError).cause).toBeDefined();
    expect(shown(err)).not.toContain(TOKEN);
  });

  it("a fetch failure that quotes the URL is redacted", async () => {
    const leakyFetch: typeof fetch = async (input) => {
      throw new TypeError(`request to ${String(input)} failed`, { cause: new Error(`socket for ${String(input)}`) });
    };
    const client = createZaloClient({ token: TOKEN, apiBase: "https://bot-api.example", fetch: leakyFetch });
    const err = await catchError(client.getMe());
    expect(err).toBeInstanceOf(ZaloHttpError);
    expect(shown(err)).toContain("[redacted]");
    expect(shown(err)).not.toContain(TOKEN);
    expect(shown(err)).not.toContain("s3cr3t-Zalo-token-value");
  });

  it("an invalid apiBase is refused up front without the token", () => {
    expect(() => createZaloClient({ token: TOKEN, apiBase: "not a url" })).toThrow(TypeError);
    try {
      createZaloClient({ token: TOKEN, apiBase: "not a url" });
    } catch (err) {
      expect(shown(err)).not.toContain(TOKEN);
    }
  });
});
