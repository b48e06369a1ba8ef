import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startZaloPolling } from "../../../bots/zalo/polling.ts";
import type { ZaloPollingErrorContext, ZaloPollingHandle } from "../../../bots/zalo/polling.ts";
import type { ZaloUpdate } from "../../../bots/zalo/updates.ts";
import { createZaloClient } from "../../../bots/zalo/zalo-client.ts";
import type { ZaloClient } from "../../../bots/zalo/zalo-client.ts";
import { ZaloApiError } from "../../../bots/zalo/zalo-error.ts";
import { startFakeZaloServer } from "../../support/fake-zalo-server.ts";
import type { FakeZaloServer } from "../../support/fake-zalo-server.ts";

const TOKEN = "42:polling-token";

const textUpdate = (id: string, text: string) => ({
  event_name: "message.text.received",
  message: { message_id: id, date: 1767225600000, text, from: { id: "u1", display_name: "An" }, chat: { id: "u1", chat_type: "PRIVATE" } },
});

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes. */
const waitFor = async (condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe("startZaloPolling against the fake Zalo server", () => {
  let fake: FakeZaloServer;
  let client: ZaloClient;
  let polling: ZaloPollingHandle | undefined;
  const received: ZaloUpdate[] = [];
  const errors: Array<{ error: unknown; context: ZaloPollingErrorContext }> = [];
  const onError = (error: unknown, context: ZaloPollingErrorContext) => errors.push({ error, context });
  const getUpdatesCalls = () => fake.calls.filter((c) => c.method === "getUpdates").length;

  beforeEach(async () => {
    received.length = 0;
    errors.length = 0;
    fake = await startFakeZaloServer({ token: TOKEN });
    client = createZaloClient({ token: TOKEN, apiBase: fake.apiBase });
  });
  afterEach(async () => {
    await polling?.stop();
    polling = undefined;
    await fake.close();
  });

  it("delivers updates in order, normalised", async () => {
    fake.pushUpdate(textUpdate("m1", "/viec"));
    fake.pushUpdate({ ok: true, result: textUpdate("m2", "/quahan") });
    polling = startZaloPolling({ client, onUpdate: (u) => void received.push(u), timeoutSeconds: 5, onError });

    await waitFor(() => received.length === 2);
    expect(received.map((u) => [u.messageId, u.text])).toEqual([
      ["m1", "/viec"],
      ["m2", "/quahan"],
    ]);
    expect(received[0]?.chatId).toBe("u1");
    expect(errors).toEqual([]);
  });

  it("polls again at once after a 408 and reports nothing", async () => {
    polling = startZaloPolling({ client, onUpdate: (u) => void received.push(u), timeoutSeconds: 1, onError });

    // The first poll is held ~1 s, answered 408, and the loop is back without waiting.
    await waitFor(() => getUpdatesCalls() >= 2 && fake.waitingPolls === 1, 4_000);
    fake.pushUpdate(textUpdate("m3", "/help"));
    await waitFor(() => received.length === 1);

    expect(received[0]?.messageId).toBe("m3");
    expect(errors).toEqual([]);
  });

  it("backs off with doubling waits after errors, then recovers", async () => {
    fake.failNext("getUpdates", { error_code: 500, times: 3 });
    fake.pushUpdate(textUpdate("m4", "/viec"));
    polling = startZaloPolling({
      client,
      onUpdate: (u) => void received.push(u),
      timeoutSeconds: 5,
      onError,
      initialBackoffMs: 20,
      maxBackoffMs: 50,
    });

    await waitFor(() => received.length === 1);
    expect(errors.map((e) => e.context)).toEqual([
      { kind: "fetch", retryInMs: 20 },
      { kind: "fetch", retryInMs: 40 },
      { kind: "fetch", retryInMs: 50 },
    ]);
    expect(errors.every((e) => e.error instanceof ZaloApiError && e.error.error_code === 500)).toBe(true);
  });

  it("waits retry_after on a 429, and stop() cuts the wait short", { timeout: 10_000 }, async () => {
    fake.failNext("getUpdates", { error_code: 429, description: "Too Many Requests", retry_after: 30 });
    polling = startZaloPolling({ client, onUpdate: (u) => void received.push(u), timeoutSeconds: 5, onError, initialBackoffMs: 10 });

    await waitFor(() => errors.length === 1);
    expect(errors[0]?.context).toEqual({ kind: "fetch", retryInMs: 30_000 });
    // stop() returns although 30 s of waiting are left (the test's own timeout is 10 s)…
    await polling.stop();
    // …and the loop never polled again: it was waiting, not polling (with the 10 ms backoff it
    // would have polled again at once).
    expect(getUpdatesCalls()).toBe(1);
    expect(fake.waitingPolls).toBe(0);
  });

  it("reports a failing onUpdate and goes on with the next update", async () => {
    fake.pushUpdate(textUpdate("bad", "boom"));
    fake.pushUpdate(textUpdate("good", "/viec"));
    polling = startZaloPolling({
      client,
      timeoutSeconds: 5,
      onError,
      onUpdate: (u) => {
        if (u.messageId === "bad") throw new Error("handler failed");
        received.push(u);
      },
    });

    await waitFor(() => received.length === 1);
    expect(received[0]?.messageId).toBe("good");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.context).toMatchObject({ kind: "handler", update: { messageId: "bad" } });
    expect((errors[0]?.error as Error).message).toBe("handler failed");
  });

  it("skips and reports what is not an update", async () => {
    fake.pushUpdate({ event_name: "message.text.received" });
    fake.pushUpdate(textUpdate("m5", "/viec"));
    polling = startZaloPolling({ client, onUpdate: (u) => void received.push(u), timeoutSeconds: 5, onError });

    await waitFor(() => received.length === 1);
    expect(errors.map((e) => e.context.kind)).toEqual(["invalid-update"]);
  });

  it("stops cleanly on abort while a long poll is held", { timeout: 10_000 }, async () => {
    const controller = new AbortController();
    polling = startZaloPolling({
      client,
      onUpdate: (u) => void received.push(u),
      timeoutSeconds: 30,
      signal: controller.signal,
      onError,
    });
    await waitFor(() => fake.waitingPolls === 1);

    // `done` resolves although the held poll had 30 s left (the test's own timeout is 10 s).
    controller.abort();
    await polling.done;
    await waitFor(() => fake.waitingPolls === 0);

    // Nothing polls any more: an update pushed now stays queued for the next poller.
    const callsAtStop = getUpdatesCalls();
    fake.pushUpdate(textUpdate("late", "/viec"));
    expect(await client.getUpdates({ timeout: 1 })).toMatchObject({ message: { message_id: "late" } });
    expect(getUpdatesCalls()).toBe(callsAtStop + 1);
    expect(received).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("while a webhook is set the loop gets only 408s and reports nothing: deaf without a sign (what the bot's hearing watch catches)", async () => {
    await client.setWebhook({ url: "https://elsewhere.example/hook", secret_token: "someone-elses-secret" });
    fake.pushUpdate(textUpdate("m6", "/viec"));
    const idle: number[] = [];
    polling = startZaloPolling({ client, onUpdate: (u) => void received.push(u), timeoutSeconds: 1, onError, onIdle: (n) => void idle.push(n) });

    await waitFor(() => idle.length >= 2);
    expect(fake.deafPollAnswers).toBeGreaterThanOrEqual(2);
    // All the loop can tell is "idle N times in a row" (onIdle), which the bot turns into a check.
    expect(idle.slice(0, 2)).toEqual([1, 2]);
    expect(received).toEqual([]);
    expect(errors).toEqual([]);

    // An update resets the count.
    await client.deleteWebhook();
    await waitFor(() => received.length === 1);
    const afterUpdate = idle.length;
    await waitFor(() => idle.length > afterUpdate);
    expect(idle[afterUpdate]).toBe(1);
  });
});
