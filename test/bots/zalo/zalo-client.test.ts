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

/** Polls `condition` every 10 ms until it holds (a deadline only against hanging forever). */
const waitFor = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

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

  it("sendChatAction resolves to true although the API answers { ok: true } with no result", async () => {
    const raw = await fetch(`${fake.apiBase}/bot${TOKEN}/sendChatAction`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: "u1", action: "typing" }),
    }).then((r) => r.json());
    expect(raw).toEqual({ ok: true });
    await expect(zalo.sendChatAction({ chat_id: "u1" })).resolves.toBe(true);
  });

  it("sendPhoto refuses an empty caption (1-2,000 characters) and accepts none", async () => {
    const err = await catchError(zalo.sendPhoto({ chat_id: "u1", photo: "https://files.example/p.jpg", caption: "" }));
    expect((err as ZaloApiError).error_code).toBe(400);
    await expect(zalo.sendPhoto({ chat_id: "u1", photo: "https://files.example/p.jpg" })).resolves.toBeDefined();
    expect(fake.sent.map((m) => m.body.caption)).toEqual([undefined]);
  });

  it("sendMessage passes text_styles and parse_mode through; a refusal is a ZaloApiError 400 with the platform's words", async () => {
    await zalo.sendMessage({ chat_id: "u1", text: "Việc D7-TCKH", text_styles: [{ start: 5, len: 7, st: "b" }] });
    await zalo.sendMessage({ chat_id: "u1", text: "*D7*", parse_mode: "markdown" });
    await zalo.sendMessage({ chat_id: "u1", text: "trơn", text_styles: [] });
    expect(fake.sent.map((m) => m.body)).toEqual([
      { chat_id: "u1", text: "Việc D7-TCKH", text_styles: [{ start: 5, len: 7, st: "b" }] },
      { chat_id: "u1", text: "*D7*", parse_mode: "markdown" },
      { chat_id: "u1", text: "trơn" },
    ]);
    fake.refuseStyles(true);
    const err = await catchError(zalo.sendMessage({ chat_id: "u1", text: "Việc D7", text_styles: [{ start: 5, len: 2, st: "b" }] }));
    expect(err).toMatchObject({ error_code: 400, description: "text_styles is not supported" });
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

  it("setWebhook refuses a URL that is not HTTPS", async () => {
    for (const url of ["http://bot.example/zalo", "ftp://bot.example/zalo", "bot.example/zalo"]) {
      const err = await catchError(zalo.setWebhook({ url, secret_token: "a-long-secret" }));
      expect(err, url).toMatchObject({ error_code: 400 });
    }
    expect(fake.webhook).toBeNull();
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

  it("getUpdates is held by the server, then answers 408 when nothing arrived", async () => {
    const pending = catchError(zalo.getUpdates({ timeout: 1 }));
    // The server holds the poll (it did not answer at once)…
    await waitFor(() => fake.waitingPolls === 1);
    const err = await pending;
    // …and answers 408 when its timeout ends.
    expect(err).toBeInstanceOf(ZaloApiError);
    expect((err as ZaloApiError).error_code).toBe(408);
    expect((err as ZaloApiError).method).toBe("getUpdates");
    expect(fake.waitingPolls).toBe(0);
  });

  it("while a webhook is set getUpdates raises no error: only 408, as when idle, and updates are not handed out", async () => {
    await zalo.setWebhook({ url: "https://bot.example/zalo", secret_token: "a-long-secret" });
    fake.pushUpdate({ event_name: "message.text.received", message: { message_id: "m1", text: "hi" } });
    const err = await catchError(zalo.getUpdates({ timeout: 1 }));
    expect(err).toMatchObject({ error_code: 408 });
    expect(fake.deafPollAnswers).toBe(1);
    // What getWebhookInfo tells is the only sign.
    expect((await zalo.getWebhookInfo()).url).toBe("https://bot.example/zalo");
    await zalo.deleteWebhook();
    expect(await zalo.getUpdates({ timeout: 1 })).toMatchObject({ message: { message_id: "m1" } });
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
