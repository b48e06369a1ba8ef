import { describe, expect, it } from "vitest";
import { SendError } from "../../core/ports/sender.ts";
import { channelPacing, createPacedSender, DEFAULT_PACING, pacedSenders } from "../../jobs/pacing.ts";
import { DEFAULT_LIMITERS } from "../../jobs/runner.ts";
import { loadConfig } from "../../app/config.ts";
import { createRecordingSender } from "../support/recording-sender.ts";

const target = (chatId: string) => ({ identityId: chatId, channel: "TELEGRAM" as const, chatId, userId: "u", locale: "vi" as const });

/** A virtual clock: sleeping moves it forward, so waits are measured, not slept. */
const virtualTime = () => {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)), sleeps, at: () => t };
};

describe("createPacedSender", () => {
  it("spaces sends to one chat by the per-chat interval", async () => {
    const vt = virtualTime();
    const inner = createRecordingSender("TELEGRAM");
    const paced = createPacedSender(inner, { overallPerSecond: 30, perChatIntervalMs: 1_000, now: vt.now, sleep: vt.sleep });
    const start = vt.at();
    for (let i = 0; i < 3; i++) await paced.send(target("c1"), { text: `m${i}` });
    expect(inner.sent).toHaveLength(3);
    expect(vt.at() - start).toBe(2_000);
  });

  it("caps the overall rate across chats", async () => {
    const vt = virtualTime();
    const inner = createRecordingSender("TELEGRAM");
    const paced = createPacedSender(inner, { overallPerSecond: 10, perChatIntervalMs: 1_000, now: vt.now, sleep: vt.sleep });
    const start = vt.at();
    for (let i = 0; i < 11; i++) await paced.send(target(`c${i}`), { text: "x" });
    // 11 sends at 10/s: the 11th goes 1 s after the first.
    expect(vt.at() - start).toBe(1_000);
  });

  it("refuses a send that would wait too long as rate_limited, with the wait as retry-after", async () => {
    const vt = virtualTime();
    const inner = createRecordingSender("TELEGRAM");
    const paced = createPacedSender(inner, { overallPerSecond: 30, perChatIntervalMs: 5_000, maxWaitMs: 1_000, now: vt.now, sleep: vt.sleep });
    await paced.send(target("c1"), { text: "first" });
    const err = await paced.send(target("c1"), { text: "second" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendError);
    expect((err as SendError).kind).toBe("rate_limited");
    expect((err as SendError).retryAfterMs).toBe(5_000);
    expect(inner.sent).toHaveLength(1);
  });

  it("wraps each configured channel, keeping its channel", () => {
    const senders = pacedSenders({ TELEGRAM: createRecordingSender("TELEGRAM"), ZALO: createRecordingSender("ZALO") }, { ZALO: { overallPerSecond: 2 } });
    expect(Object.keys(senders).sort()).toEqual(["TELEGRAM", "ZALO"]);
    expect(senders.ZALO?.channel).toBe("ZALO");
  });

  it("keeps a channel's inbox flag (the web chat stays every person's last resort)", () => {
    const senders = pacedSenders({ TELEGRAM: createRecordingSender("TELEGRAM"), WEB: Object.assign(createRecordingSender("WEB"), { inbox: true }) });
    expect(senders.WEB?.inbox).toBe(true);
    expect(senders.TELEGRAM?.inbox).toBeUndefined();
  });
});

describe("a paced send cancelled through its signal", () => {
  it("while waiting for its slot: rejects at once with the abort's reason and never reaches the platform", async () => {
    const inner = createRecordingSender("TELEGRAM");
    const t = 1_000_000;
    const paced = createPacedSender(inner, {
      overallPerSecond: 30,
      perChatIntervalMs: 1_000,
      now: () => t,
      // A wait that only an abort ends: the slot never comes within this test.
      sleep: (_ms, signal) => new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve())),
    });
    await paced.send(target("c1"), { text: "first" });
    const controller = new AbortController();
    const waiting = paced.send(target("c1"), { text: "second" }, { signal: controller.signal });
    const reason = new SendError("transient", "send timed out after 30000 ms");
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(inner.sent.map((s) => s.message.text)).toEqual(["first"]);
  });

  it("passes the signal on to the channel's sender", async () => {
    const inner = createRecordingSender("TELEGRAM");
    const paced = createPacedSender(inner, { overallPerSecond: 30, perChatIntervalMs: 0, now: () => 0, sleep: async () => {} });
    const controller = new AbortController();
    await paced.send(target("c1"), { text: "x" }, { signal: controller.signal });
    expect(inner.signals).toEqual([controller.signal]);
  });
});

describe("one pacing layer per channel", () => {
  it("Telegram and Zalo get their configured rates and one message a second per chat; the web chat is not paced", () => {
    expect(channelPacing(loadConfig({}))).toEqual({
      TELEGRAM: { overallPerSecond: 28, perChatIntervalMs: 1_000 },
      ZALO: { overallPerSecond: 5, perChatIntervalMs: 1_000 },
      WEB: null,
    });
    expect(channelPacing(loadConfig({ TELEGRAM_SENDS_PER_SECOND: "14", ZALO_SENDS_PER_SECOND: "2" }))).toMatchObject({
      TELEGRAM: { overallPerSecond: 14 },
      ZALO: { overallPerSecond: 2 },
      WEB: null,
    });
    expect(DEFAULT_PACING.WEB).toBeNull();
  });

  it("the delivery queue has no rate limit of its own (it would cap every channel at one platform's rate)", () => {
    expect(DEFAULT_LIMITERS).toEqual({});
  });

  it("a burst is spaced by each channel's own rate; the web chat's sender is used as it is", async () => {
    const vt = virtualTime();
    const inner = { TELEGRAM: createRecordingSender("TELEGRAM"), ZALO: createRecordingSender("ZALO"), WEB: createRecordingSender("WEB") };
    const clock = { now: vt.now, sleep: vt.sleep };
    const senders = pacedSenders(inner, { TELEGRAM: clock, ZALO: clock }, channelPacing({ TELEGRAM_SENDS_PER_SECOND: 10, ZALO_SENDS_PER_SECOND: 2 }));
    expect(senders.WEB).toBe(inner.WEB);
    const burst = async (channel: "TELEGRAM" | "ZALO" | "WEB") => {
      const start = vt.at();
      for (let i = 0; i < 5; i++) await senders[channel]!.send({ ...target(`c${i}`), channel }, { text: `m${i}` });
      return vt.at() - start;
    };
    // Five sends to five chats: four gaps of 1/rate.
    expect(await burst("TELEGRAM")).toBe(400);
    expect(await burst("ZALO")).toBe(2_000);
    expect(await burst("WEB")).toBe(0);
    expect([inner.TELEGRAM.sent.length, inner.ZALO.sent.length, inner.WEB.sent.length]).toEqual([5, 5, 5]);
    expect(vt.sleeps.length).toBeGreaterThan(0);
  });
});
