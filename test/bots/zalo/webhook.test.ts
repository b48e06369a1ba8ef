import { createServer, request } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ZaloUpdate } from "../../../bots/zalo/updates.ts";
import { createZaloWebhookHandler } from "../../../bots/zalo/webhook.ts";
import type { ZaloWebhookErrorContext, ZaloWebhookOptions } from "../../../bots/zalo/webhook.ts";
import { createZaloClient } from "../../../bots/zalo/zalo-client.ts";
import { startFakeZaloServer } from "../../support/fake-zalo-server.ts";
import type { FakeZaloServer } from "../../support/fake-zalo-server.ts";

const TOKEN = "77:webhook-token";
const SECRET = "webhook-secret-0123456789";

const update = (id: string) => ({
  event_name: "message.text.received",
  message: { message_id: id, date: 1767225600000, text: "/viec", from: { id: "u9", name: "Em" }, chat: { id: "u9", chat_type: "PRIVATE" } },
});

describe("createZaloWebhookHandler, fed by the fake Zalo server", () => {
  let fake: FakeZaloServer;
  let server: Server | undefined;
  let url: string;
  const received: ZaloUpdate[] = [];
  const errors: Array<{ error: unknown; context: ZaloWebhookErrorContext }> = [];

  /**
   * Serves a handler on 127.0.0.1 and registers it with the fake through the real client, at an
   * HTTPS address (Zalo refuses others) that the fake's "TLS proxy" maps to the local server.
   */
  const serve = async (options: Partial<ZaloWebhookOptions> = {}) => {
    const handler = createZaloWebhookHandler({
      secretToken: SECRET,
      onUpdate: (u) => void received.push(u),
      onError: (error, context) => errors.push({ error, context }),
      ...options,
    });
    const listening = createServer((req, res) => void handler(req, res));
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
    const local = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    url = `${local}/zalo/webhook`;
    fake.proxyWebhooksTo(local);
    await createZaloClient({ token: TOKEN, apiBase: fake.apiBase }).setWebhook({ url: "https://edoc.example.vn/zalo/webhook", secret_token: SECRET });
  };

  beforeEach(async () => {
    received.length = 0;
    errors.length = 0;
    fake = await startFakeZaloServer({ token: TOKEN });
  });
  afterEach(async () => {
    const listening = server;
    server = undefined;
    if (listening) {
      await new Promise<void>((resolve) => {
        listening.close(() => resolve());
        listening.closeAllConnections();
      });
    }
    await fake.close();
  });

  it("accepts the unwrapped body shape", async () => {
    await serve();
    const answer = await fake.deliverWebhook(update("w1"));
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    expect(received.map((u) => [u.messageId, u.fromName, u.text])).toEqual([["w1", "Em", "/viec"]]);
  });

  it("accepts the documented wrapped body shape", async () => {
    await serve();
    const answer = await fake.deliverWebhook({ ok: true, result: update("w2") });
    expect(answer.status).toBe(200);
    expect(received.map((u) => u.messageId)).toEqual(["w2"]);
  });

  it("answers 200 only after onUpdate has resolved", async () => {
    let finished = false;
    await serve({
      onUpdate: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished = true;
      },
    });
    const answer = await fake.deliverWebhook(update("w3"));
    expect(answer.status).toBe(200);
    expect(finished).toBe(true);
  });

  it("refuses a forged delivery (wrong, other-length, missing secret) with 401 and never calls onUpdate", async () => {
    await serve();
    const sameLengthWrong = SECRET.slice(0, -1) + (SECRET.endsWith("9") ? "8" : "9");
    for (const secret of [sameLengthWrong, "short", `${SECRET}x`, "", null]) {
      const answer = await fake.deliverWebhook(update("forged"), secret);
      expect(answer.status).toBe(401);
    }
    expect(received).toEqual([]);
    // The real secret still works afterwards.
    expect((await fake.deliverWebhook(update("real"))).status).toBe(200);
    expect(received.map((u) => u.messageId)).toEqual(["real"]);
  });

  it("answers 400 on invalid JSON", async () => {
    await serve();
    const answer = await fake.deliverWebhook("{ not json");
    expect(answer.status).toBe(400);
    expect(received).toEqual([]);
  });

  it("answers 200 to an empty body (a probe) and ignores it", async () => {
    await serve();
    for (const body of [undefined, "", "  \n"]) {
      const answer = await fake.deliverWebhook(body);
      expect(answer).toEqual({ status: 200, body: { ok: true } });
    }
    expect(received).toEqual([]);
    expect(errors.map((e) => e.context.kind)).toEqual(["empty-body", "empty-body", "empty-body"]);
  });

  it("reads an update without event_name (the official getUpdates sample) as a text", async () => {
    await serve();
    const sample = {
      message: { chat: { id: "e4ea", chat_type: "PRIVATE" }, text: "Xin chào", message_id: "16f6", date: 1766619597466, from: { id: "e4ea", first_name: "Nguyen Van A" } },
    };
    expect((await fake.deliverWebhook({ ok: true, result: sample })).status).toBe(200);
    expect(received.map((u) => [u.eventName, u.text, u.fromName])).toEqual([["message.text.received", "Xin chào", "Nguyen Van A"]]);
  });

  it("answers 200 to JSON that is not an update, skips it and reports it", async () => {
    await serve();
    const answer = await fake.deliverWebhook({ hello: "world" });
    expect(answer.status).toBe(200);
    expect(received).toEqual([]);
    expect(errors.map((e) => e.context.kind)).toEqual(["invalid-update"]);
  });

  it("answers 500 when onUpdate throws, so that the platform redelivers", async () => {
    await serve({ onUpdate: () => Promise.reject(new Error("database down")) });
    const answer = await fake.deliverWebhook(update("w4"));
    expect(answer.status).toBe(500);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.context).toMatchObject({ kind: "handler", update: { messageId: "w4" } });
  });

  it("answers 413 to a body over the cap (declared length)", async () => {
    await serve({ maxBodyBytes: 200 });
    const big = { ...update("w5"), padding: "x".repeat(500) };
    const answer = await fake.deliverWebhook(big);
    expect(answer.status).toBe(413);
    expect(received).toEqual([]);
  });

  it("answers 413 to a chunked body that grows over the cap", async () => {
    await serve({ maxBodyBytes: 100 });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: "POST", headers: { "x-bot-api-secret-token": SECRET, "content-type": "application/json" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write(`{"padding":"${"x".repeat(80)}`);
      req.write(`${"x".repeat(80)}"}`);
      req.end();
    });
    expect(status).toBe(413);
    expect(received).toEqual([]);
  });

  it("answers 405 to anything but POST", async () => {
    await serve();
    const res = await fetch(url, { headers: { "x-bot-api-secret-token": SECRET } });
    expect(res.status).toBe(405);
    await res.text();
  });

  it("refuses to start without a secret", () => {
    expect(() => createZaloWebhookHandler({ secretToken: "", onUpdate: () => {} })).toThrow(TypeError);
  });
});
