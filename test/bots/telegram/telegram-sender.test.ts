// The Sender port on Telegram against the fake Bot API: HTML, keyboards, attachments, error kinds.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramSender } from "../../../bots/telegram/telegram-sender.ts";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { SendError } from "../../../core/ports/sender.ts";
import type { SendTarget } from "../../../core/ports/sender.ts";
import { inlineButtons, startFakeTelegramServer, type FakeTelegramServer } from "../../support/fake-telegram-server.ts";

const TOKEN = "777:sender";
const target: SendTarget = { identityId: "i1", channel: "TELEGRAM", chatId: "55", userId: "u1", locale: "vi" };
let fake: FakeTelegramServer;

beforeEach(async () => {
  fake = await startFakeTelegramServer({ token: TOKEN });
});
afterEach(async () => fake.close());

const sender = (files = createMemoryFileStore()) => createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, files, maxRetryDelaySeconds: 1, maxRetryAttempts: 0 });

describe("createTelegramSender", () => {
  it("sends escaped HTML with a keyboard, then the attachment as a document", async () => {
    const files = createMemoryFileStore();
    const { sha256 } = await files.put(new TextEncoder().encode("%PDF-1.4 fake"));
    const r = await sender(files).send(target, {
      title: "D7 <khẩn>",
      text: "Giao TCKH & TP",
      actions: [{ label: "Nhận", command: "/nhan D7-TCKH", callback: "a1:ack:abc" }],
      attachments: [{ sha256, fileName: "D7.pdf", mime: "application/pdf", kind: "document" }],
    });
    const [text, doc] = fake.messages(55);
    expect(text!.plain_text).toBe("D7 <khẩn>\nGiao TCKH & TP");
    expect(inlineButtons(text)).toEqual([expect.objectContaining({ text: "Nhận", callback_data: "a1:ack:abc" })]);
    expect(r.platformMessageId).toBe(String(text!.message_id));
    expect(doc!.document?.file_name).toBe("D7.pdf");
  });

  it("maps 403 → blocked, 429 → rate_limited with retry_after, 5xx → transient, 400 → permanent", async () => {
    const kindOf = async () =>
      (await sender()
        .send(target, { text: "x" })
        .catch((e: unknown) => e)) as SendError;
    fake.block(55);
    expect((await kindOf()).kind).toBe("blocked");
    fake.unblock(55);
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 30", retry_after: 30 });
    const limited = await kindOf();
    expect([limited.kind, limited.retryAfterMs]).toEqual(["rate_limited", 30_000]);
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway", times: 10 });
    expect((await kindOf()).kind).toBe("transient");
    fake.reset();
    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: chat not found" });
    expect((await kindOf()).kind).toBe("permanent");
  });

  it("a send cancelled while auto-retry waits after a 502 starts no further request: the message never arrives", async () => {
    const retrying = createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, maxRetryAttempts: 2 });
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway" });
    const controller = new AbortController();
    const sending = retrying.send(target, { text: "Giao việc D7-TCKH" }, { signal: controller.signal });
    // The first call was refused; auto-retry now waits 3 s before the next one.
    await fake.waitFor(() => fake.callsTo("sendMessage").find((c) => c.status === 502), 10_000, "the refused first call");
    const reason = new SendError("transient", "send timed out after 30000 ms");
    controller.abort(reason);
    await expect(sending).rejects.toBe(reason);
    expect(fake.callsTo("sendMessage")).toHaveLength(1);
    expect(fake.messages(55)).toHaveLength(0);
  });

  it("honours a 429's retry_after: waits it out and sends again (the one retry layer; no client-side throttler)", async () => {
    const retrying = createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, maxRetryAttempts: 2, maxRetryDelaySeconds: 5 });
    // Pacing lives in the delivery jobs (jobs/pacing.ts): the client installs auto-retry only.
    expect(retrying.api.config.installedTransformers()).toHaveLength(1);
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 });
    const r = await retrying.send(target, { text: "Giao việc D7-TCKH" });
    const calls = fake.callsTo("sendMessage");
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1]!.time - calls[0]!.time).toBeGreaterThanOrEqual(1_000);
    expect(fake.messages(55).map((m) => m.plain_text)).toEqual(["Giao việc D7-TCKH"]);
    expect(r.platformMessageId).toBe(String(fake.messages(55)[0]!.message_id));
  });

  it("a send already cancelled sends nothing", async () => {
    const controller = new AbortController();
    controller.abort(new SendError("transient", "send timed out after 30000 ms"));
    await expect(sender().send(target, { text: "x" }, { signal: controller.signal })).rejects.toMatchObject({ kind: "transient" });
    expect(fake.callsTo("sendMessage")).toHaveLength(0);
  });
});
