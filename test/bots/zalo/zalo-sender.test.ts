// The Zalo sender against the fake Zalo Bot API with the real client: what it sends, and how the
// platform's refusals reach the delivery job.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFileStore } from "../../../core/files/file-store.ts";
import { verifyFileLink } from "../../../core/files/signed-links.ts";
import { SendError } from "../../../core/ports/sender.ts";
import type { SendTarget } from "../../../core/ports/sender.ts";
import { createZaloClient } from "../../../bots/zalo/zalo-client.ts";
import { createZaloSender } from "../../../bots/zalo/zalo-sender.ts";
import { startFakeZaloServer, type FakeZaloServer } from "../../support/fake-zalo-server.ts";

const TOKEN = "77:sender-token";
const SECRET = "sender-test-secret-0123456789abcdef";
const target: SendTarget = { identityId: "i1", channel: "ZALO", chatId: "chat-1", userId: "user-1", locale: "vi" };
const now = new Date("2026-12-01T02:00:00Z");

let fake: FakeZaloServer;
beforeEach(async () => {
  fake = await startFakeZaloServer({ token: TOKEN });
});
afterEach(async () => fake.close());

const sender = (files = createMemoryFileStore()) =>
  createZaloSender({
    client: createZaloClient({ token: TOKEN, apiBase: fake.apiBase }),
    files,
    fileLinks: { baseUrl: "https://edoc.example.vn", secret: SECRET },
    clock: { now: () => now },
  });

const failure = async (p: Promise<unknown>): Promise<SendError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SendError);
    return err as SendError;
  }
  throw new Error("expected a SendError");
};

describe("createZaloSender", () => {
  it("sends a chart image as a photo by signed URL and its link in the text, bound to the person", async () => {
    const files = createMemoryFileStore();
    const { sha256 } = await files.put(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    const r = await sender(files).send(target, { text: "Biểu đồ tuần", attachments: [{ sha256, fileName: "tuan.png", mime: "image/png", kind: "photo" }] });
    expect(fake.sent.map((s) => s.method)).toEqual(["sendPhoto", "sendMessage"]);
    expect(r.platformMessageId).toBe(fake.sent[0]!.message_id);
    const photo = String(fake.sent[0]!.body.photo);
    expect(photo).toMatch(/^https:\/\/edoc\.example\.vn\/files\/[^?]+\?f=tuan\.png$/);
    const token = new URL(photo).pathname.slice("/files/".length);
    expect(verifyFileLink(SECRET, token, now)).toMatchObject({ sha256, userId: "user-1", name: "tuan.png" });
    expect(String(fake.sent[1]!.body.text)).toContain("Tải tuan.png: https://edoc.example.vn/files/");
  });

  it("sends the references and the exact reply line in bold (text_styles); refused, the same text goes plain and stays plain", async () => {
    const logged: Array<{ msg: string; obj: object }> = [];
    const logger = { debug: () => {}, info: () => {}, error: () => {}, warn: (obj: object, msg = "") => void logged.push({ msg, obj }) };
    const client = createZaloClient({ token: TOKEN, apiBase: fake.apiBase });
    const styled = createZaloSender({ client, files: createMemoryFileStore(), fileLinks: null, previews: false, logger });
    const card = {
      title: "Giao việc D7-TCKH",
      text: "Trích yếu: V/v dự toán ngân sách",
      actions: [{ label: "Nhận", command: "/nhan D7-TCKH", callback: "a1:ack:abc" }],
    };
    await styled.send(target, card);
    const [first] = fake.sent;
    const text = String(first!.body.text);
    const bold = (first!.body.text_styles as Array<{ start: number; len: number; st: string }>).map((r) => [text.slice(r.start, r.start + r.len), r.st]);
    expect(bold).toEqual([
      ["D7-TCKH", "b"],
      ["Trả lời: /nhan D7-TCKH", "b"],
    ]);

    fake.refuseStyles(true);
    await styled.send(target, card);
    // Refused once (400, logged with the platform's words), then the same text without styles.
    expect(fake.calls.filter((c) => c.method === "sendMessage").map((c) => c.body.text_styles !== undefined)).toEqual([true, true, false]);
    expect(fake.sent.at(-1)!.body).toEqual({ chat_id: target.chatId, text });
    expect(logged).toEqual([{ msg: expect.stringContaining("refused text_styles"), obj: expect.objectContaining({ code: 400, description: "text_styles is not supported" }) }]);
    // From then on this client sends plain text at once.
    await styled.send(target, card);
    expect(fake.calls.filter((c) => c.method === "sendMessage").map((c) => c.body.text_styles !== undefined)).toEqual([true, true, false, false]);
  });

  it("429 → rate_limited (retry_after, else the default), 403 → blocked, 500 → transient, 400 → permanent", async () => {
    fake.failNext("sendMessage", { error_code: 429, description: "quota", retry_after: 3 });
    expect(await failure(sender().send(target, { text: "a" }))).toMatchObject({ kind: "rate_limited", retryAfterMs: 3000 });
    fake.failNext("sendMessage", { error_code: 500 });
    expect((await failure(sender().send(target, { text: "a" }))).kind).toBe("transient");
    fake.failNext("sendMessage", { error_code: 400, description: "bad" });
    expect((await failure(sender().send(target, { text: "a" }))).kind).toBe("permanent");
    fake.block(target.chatId);
    expect((await failure(sender().send(target, { text: "a" }))).kind).toBe("blocked");
  });

  it("a send cancelled while a part is in flight aborts that call and sends none of the others", async () => {
    const long = Array.from({ length: 90 }, (_, i) => `Dòng ${i + 1}: chỉ đạo các phòng rà soát số liệu, báo cáo đúng hạn.`).join("\n");
    // The platform holds the first part's call (a slow network), answering only after 10 s.
    fake.failNext("sendMessage", { error_code: 500, delayMs: 10_000 });
    const controller = new AbortController();
    const sending = sender().send(target, { text: long }, { signal: controller.signal });
    await new Promise<void>((resolve) => {
      const check = () => (fake.calls.some((c) => c.method === "sendMessage") ? resolve() : setTimeout(check, 5));
      check();
    });
    const reason = new SendError("transient", "send timed out after 30000 ms");
    controller.abort(reason);
    await expect(sending).rejects.toBe(reason);
    expect(fake.calls.filter((c) => c.method === "sendMessage")).toHaveLength(1);
    expect(fake.sent).toHaveLength(0);
  });
});
