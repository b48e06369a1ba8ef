// stop() while Redis is away or just coming back. BullMQ's own graceful close never returns when a
// worker's connection is reconnecting (BullMQ #2430, #4656): the service then hung at shutdown
// until it was SIGKILLed (CI, reliability/redis-outage). The runner must still let the job that is
// running finish, and then return. Uses a throwaway redis-server of its own that it kills.
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createBullmqRunner } from "../../jobs/bullmq-runner.ts";
import type { JobDefinition, JobLogger } from "../../jobs/definition.ts";
import { sleep, startOwnRedis, waitUntil, type OwnRedis } from "../reliability/harness.ts";

let redis: OwnRedis | undefined;
afterAll(async () => redis?.close());

const quiet: JobLogger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as JobLogger;

describe("the BullMQ runner's stop()", () => {
  it("lets the running job finish and returns, though Redis went away and is reconnecting", { timeout: 60_000 }, async () => {
    redis = await startOwnRedis();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const events: string[] = [];
    const slow: JobDefinition<Record<string, never>> = {
      name: "slow",
      schema: z.object({}).strict(),
      handler: async () => {
        events.push("started");
        await gate;
        events.push("finished");
      },
    } as JobDefinition<Record<string, never>>;
    const tick = { ...slow, name: "tick", handler: async () => undefined, schedule: { every: 1000 } } as JobDefinition<Record<string, never>>;
    const runner = createBullmqRunner({ redisUrl: redis.url, definitions: [slow, tick], deps: {} as never, senders: {}, logger: quiet, prefix: `stop-${process.pid}` });
    await runner.start();
    await runner.enqueue("slow", {});
    await waitUntil(() => events.includes("started"), { timeoutMs: 10_000, what: "the slow job started" });

    await redis.stop();
    await sleep(3_000); // long enough for ioredis to back off between reconnect attempts
    await redis.start();
    const stopped = runner.stop().then(() => events.push("stop returned"));
    await sleep(500);
    release();
    await stopped;
    expect(events).toEqual(["started", "finished", "stop returned"]);
  });
});
