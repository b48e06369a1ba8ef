import { describe, expect, it } from "vitest";
import { normalizeZaloUpdate, updateKey } from "../../../bots/zalo/updates.ts";

const textMessage = {
  message_id: "msg-1",
  date: 1767225600000,
  text: "/nhan D12-TCKH",
  from: { id: "user-7", display_name: "Phạm Thị Dung", is_bot: false },
  chat: { id: "user-7", chat_type: "PRIVATE" },
};

describe("normalizeZaloUpdate", () => {
  it("reads an unwrapped text update", () => {
    const update = normalizeZaloUpdate({ event_name: "message.text.received", message: textMessage });
    expect(update).toMatchObject({
      eventName: "message.text.received",
      messageId: "msg-1",
      date: 1767225600000,
      chatId: "user-7",
      chatType: "PRIVATE",
      fromId: "user-7",
      fromName: "Phạm Thị Dung",
      fromIsBot: false,
      text: "/nhan D12-TCKH",
      isUnsupported: false,
    });
    expect(update?.photoUrl).toBeUndefined();
  });

  it("reads the documented wrapped shape { ok, result }", () => {
    const update = normalizeZaloUpdate({ ok: true, result: { event_name: "message.text.received", message: textMessage } });
    expect(update?.messageId).toBe("msg-1");
    expect(update?.text).toBe("/nhan D12-TCKH");
  });

  it("accepts numeric ids, `name`, `photo_url`, a caption, a group chat and dates in seconds", () => {
    const update = normalizeZaloUpdate({
      event_name: "message.image.received",
      message: {
        message_id: 42,
        date: 1767225600,
        photo_url: "https://cdn.example/p1.jpg",
        caption: "trang 1",
        from: { id: 123456789, name: "Trần Thị Bình" },
        chat: { id: 987654321, chat_type: "GROUP" },
      },
    });
    expect(update).toMatchObject({
      messageId: "42",
      date: 1767225600000,
      fromId: "123456789",
      fromName: "Trần Thị Bình",
      chatId: "987654321",
      chatType: "GROUP",
      photoUrl: "https://cdn.example/p1.jpg",
      caption: "trang 1",
    });
  });

  it("reads `photo` when there is no `photo_url`", () => {
    const update = normalizeZaloUpdate({
      event_name: "message.image.received",
      message: { ...textMessage, text: undefined, photo: "https://cdn.example/p2.jpg" },
    });
    expect(update?.photoUrl).toBe("https://cdn.example/p2.jpg");
    expect(update?.text).toBeUndefined();
  });

  it("flags unsupported messages", () => {
    const update = normalizeZaloUpdate({
      event_name: "message.unsupported.received",
      message: { message_id: "m9", from: { id: "u1" }, chat: { id: "u1" } },
    });
    expect(update?.isUnsupported).toBe(true);
    expect(update?.chatType).toBe("PRIVATE");
  });

  it("returns null for garbage", () => {
    const garbage: unknown[] = [
      null,
      undefined,
      "message.text.received",
      42,
      [],
      {},
      { ok: true, result: {} },
      { event_name: "message.text.received" },
      { event_name: "message.text.received", message: "hello" },
      { event_name: "message.text.received", message: { text: "no id", from: { id: "u" }, chat: { id: "u" } } },
      { event_name: "message.text.received", message: { message_id: "m1", text: "no sender nor chat" } },
      { event_name: 5, message: textMessage },
    ];
    for (const body of garbage) expect(normalizeZaloUpdate(body)).toBeNull();
  });
});

describe("updateKey", () => {
  it("is event name plus message id, equal for both body shapes", () => {
    const a = normalizeZaloUpdate({ event_name: "message.text.received", message: { ...textMessage, message_id: 77 } });
    const b = normalizeZaloUpdate({ ok: true, result: { event_name: "message.text.received", message: { ...textMessage, message_id: "77" } } });
    const c = normalizeZaloUpdate({ event_name: "message.image.received", message: { ...textMessage, message_id: "77" } });
    if (!a || !b || !c) throw new Error("fixtures must normalise");
    expect(updateKey(a)).toBe("message.text.received:77");
    expect(updateKey(b)).toBe(updateKey(a));
    expect(updateKey(c)).not.toBe(updateKey(a));
  });
});
