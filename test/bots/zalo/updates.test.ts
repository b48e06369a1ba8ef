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
      { event_name: "message.text.received", message: { message_id: "m1", text: "no sender nor chat" } },
      { ok: true, result: { message: { message_id: "m2" } } },
    ];
    for (const body of garbage) expect(normalizeZaloUpdate(body)).toBeNull();
  });

  it("reads the official getUpdates sample: no event_name, the sender's `first_name`", () => {
    const sample = {
      ok: true,
      result: {
        message: {
          chat: { id: "e4ea2cd5189df1c3a88c", chat_type: "PRIVATE" },
          text: "Xin chào",
          message_id: "16f6366b3f02645a3d15",
          date: 1766619597466,
          from: { id: "e4ea2cd5189df1c3a88c", first_name: "Nguyen Van A" },
        },
      },
    };
    expect(normalizeZaloUpdate(sample)).toMatchObject({
      eventName: "message.text.received",
      messageId: "16f6366b3f02645a3d15",
      fromName: "Nguyen Van A",
      text: "Xin chào",
      isReaction: false,
    });
  });

  it("infers a missing event_name from the fields present", () => {
    const base = { message_id: "m", from: { id: "u" }, chat: { id: "u" } };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ photo_url: "https://cdn.example/p.jpg" }, "message.image.received"],
      [{ sticker: "abc" }, "message.sticker.received"],
      [{ voice_url: "https://cdn.example/v.aac" }, "message.voice.received"],
      [{ reaction: { emoji: "👍" } }, "message.reaction.received"],
      [{ url: "https://example.vn/a" }, "message.link.received"],
      [{}, "message.unsupported.received"],
    ];
    for (const [fields, event] of cases) expect(normalizeZaloUpdate({ message: { ...base, ...fields } })?.eventName, event).toBe(event);
    expect(normalizeZaloUpdate({ event_name: 5, message: textMessage })?.eventName).toBe("message.text.received");
  });

  it("flags reactions, reads voice notes and a link's url as its text", () => {
    expect(normalizeZaloUpdate({ event_name: "message.reaction.received", message: { message_id: "r1", from: { id: "u" }, chat: { id: "u" } } })?.isReaction).toBe(true);
    expect(normalizeZaloUpdate({ event_name: "message.voice.received", message: { ...textMessage, text: undefined, voice_url: "https://cdn.example/v.aac" } })).toMatchObject({
      voiceUrl: "https://cdn.example/v.aac",
      isReaction: false,
    });
    expect(normalizeZaloUpdate({ event_name: "message.link.received", message: { ...textMessage, text: undefined, url: "https://vanban.example.vn/45" } })?.text).toBe(
      "https://vanban.example.vn/45",
    );
  });

  it("keeps an update whose message_id or sender is missing when a chat id is known (the hint reaches the person)", () => {
    const noId = normalizeZaloUpdate({ event_name: "message.unsupported.received", message: { chat: { id: "c1" } } });
    expect(noId).toMatchObject({ chatId: "c1", fromId: "c1", isUnsupported: true });
    expect(noId?.messageId).toMatch(/^h[0-9a-f]{24}$/);
    // The same body twice gets the same key (a redelivery is deduplicated); another body another.
    const again = normalizeZaloUpdate({ event_name: "message.unsupported.received", message: { chat: { id: "c1" } } });
    const other = normalizeZaloUpdate({ event_name: "message.unsupported.received", message: { chat: { id: "c2" } } });
    expect(again?.messageId).toBe(noId?.messageId);
    expect(other?.messageId).not.toBe(noId?.messageId);
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
