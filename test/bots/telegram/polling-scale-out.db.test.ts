// Scale-out on Telegram long polling (issue 20, points 1 and 2): two processes polling one token
// (a rolling restart, two replicas, a developer's copy with the production token), and a new token
// whose update ids repeat an old bot's. Real grammY + @grammyjs/runner against the fake Bot API server,
// which answers 409 to a pending getUpdates that a newer one replaces, as Telegram does.
import type { RunnerHandle } from "@grammyjs/runner";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTelegramBot, type TelegramBot } from "../../../bots/telegram/create-telegram-bot.ts";
import type { BotLogger } from "../../../bots/shared/types.ts";
import { createTestClock, createTestDeps, type TestClock } from "../../support/core.ts";
import { shown, startFakeTelegramServer, type FakeTelegramServer, type FakeUser } from "../../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { linkChat, setupExampleOrg } from "../../support/workflow.ts";

const CLERK: FakeUser = { id: 101, first_name: "Bình" };

let db: TestDatabase;
let clock: TestClock;
const deps = () => createTestDeps(db.prisma, { clock });
const started: TelegramBot[] = [];
const fakes: FakeTelegramServer[] = [];

type Logged = { level: string; obj: object; msg: string | undefined };
const recordingLogger = (into: Logged[]): BotLogger => ({
  debug: (obj, msg) => void into.push({ level: "debug", obj, msg }),
  info: (obj, msg) => void into.push({ level: "info", obj, msg }),
  warn: (obj, msg) => void into.push({ level: "warn", obj, msg }),
  error: (obj, msg) => void into.push({ level: "error", obj, msg }),
});

const startBot = async (fake: FakeTelegramServer, logged: Logged[]): Promise<TelegramBot & { polling: RunnerHandle }> => {
  const tg = createTelegramBot({
    token: fake.token,
    apiRoot: fake.apiRoot,
    deps: deps(),
    logger: recordingLogger(logged),
    botInfo: fake.botInfo,
    pollBackoff: { minMs: 50, maxMs: 400 },
  });
  started.push(tg);
  return { ...tg, polling: await tg.startPolling() };
};
const startFake = async (token: string) => {
  const fake = await startFakeTelegramServer({ token });
  fakes.push(fake);
  return fake;
};

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => {
  await db.truncate();
  clock = createTestClock("2026-12-01T02:00:00Z");
  await setupExampleOrg(deps());
});
afterEach(async () => {
  for (const tg of started.splice(0)) await tg.stop();
  for (const fake of fakes.splice(0)) await fake.close();
});

describe("two processes polling one token", () => {
  it("both stay up through Telegram's 409s, say once what to do, and answer each update once", async () => {
    const fake = await startFake("6161:shared-token");
    const logA: Logged[] = [];
    const logB: Logged[] = [];
    const a = await startBot(fake, logA);
    const b = await startBot(fake, logB);
    const strangers: FakeUser[] = Array.from({ length: 12 }, (_, i) => ({ id: 5_000 + i, first_name: `Khách ${i}` }));

    // Each new poll of one process replaces the other's pending one (409 to it): wait for several.
    await fake.waitFor(() => fake.callsTo("getUpdates").filter((c) => c.status === 409).length >= 4, 20_000, "409 conflicts between the two pollers");
    for (const user of strangers) fake.pushUpdate(fake.command(user, "help"));
    for (const user of strangers) await fake.waitForMessages(user.id, 1, 20_000);
    // More conflicts after the answers: a process that had died, or a late duplicate, would show now.
    const conflictsSoFar = fake.callsTo("getUpdates").filter((c) => c.status === 409).length;
    await fake.waitFor(() => fake.callsTo("getUpdates").filter((c) => c.status === 409).length >= conflictsSoFar + 4, 20_000, "more conflicts");

    // Both still poll and serve: one more update is answered.
    const late: FakeUser = { id: 6_000, first_name: "Muộn" };
    fake.pushUpdate(fake.command(late, "help"));
    expect(shown((await fake.waitForMessages(late.id, 1, 20_000))[0])).toContain("/link");
    expect(a.polling.isRunning()).toBe(true);
    expect(b.polling.isRunning()).toBe(true);
    for (const user of [...strangers, late]) expect(fake.messages(user.id), `answers to ${user.id}`).toHaveLength(1);

    for (const log of [logA, logB]) {
      expect(log.filter((l) => l.level === "error")).toEqual([]);
      // Logged once, with what to do; the later conflicts only at debug.
      const warned = log.filter((l) => l.level === "warn" && l.msg?.includes("another process polls this token"));
      expect(warned.length).toBeLessThanOrEqual(1);
    }
    const warnings = [...logA, ...logB].filter((l) => l.level === "warn" && l.msg?.includes("use BOT_MODE=webhook to run several"));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
  });
});

describe("update ids are per bot", () => {
  it("a new token whose update ids repeat the old bot's is still answered; a real repeat is skipped and logged at debug with its key", async () => {
    await linkChat(deps(), "TELEGRAM", String(CLERK.id), "vanthu");
    const oldFake = await startFake("4242:old-token");
    const oldLog: Logged[] = [];
    const oldBot = await startBot(oldFake, oldLog);
    const first = oldFake.pushUpdate(oldFake.command(CLERK, "viec"));
    await oldFake.waitForMessages(CLERK.id, 1, 10_000);
    await oldBot.stop();

    // A new bot (BotFather token of another bot id): Telegram numbers its updates from its own start.
    const newFake = await startFake("5353:new-token");
    const newLog: Logged[] = [];
    const newBot = await startBot(newFake, newLog);
    const again = newFake.pushUpdate(newFake.command(CLERK, "viec"));
    expect(again.update_id).toBe(first.update_id);
    await newFake.waitForMessages(CLERK.id, 1, 10_000);
    expect(await db.prisma.processedUpdate.count()).toBe(2);

    // The same update delivered twice to one bot (a redelivery) is answered once.
    await newBot.bot.handleUpdate(again);
    expect(newFake.messages(CLERK.id)).toHaveLength(1);
    expect(newLog).toContainEqual({ level: "debug", obj: { updateKey: `tg:5353:${again.update_id}` }, msg: "update already handled" });
  });
});
