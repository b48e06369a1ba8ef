// stop() while Redis is away or just coming back. BullMQ's own graceful close never returns when a
// worker's connection is reconnecting (BullMQ #2430, #4656): the service then hung at shutdown
// until it was SIGKILLed (CI, reliability/redis-outage). The runner must still let the job that is
// running finish, and then return. Uses a throwaway redis-server of its own that it kills.
import { Queue } from "bullmq";
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

  it("starts no job that arrives while it waits: the running one finishes, the new one is left for the next worker", { timeout: 60_000 }, async () => {
    const own = await startOwnRedis();
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const started: string[] = [];
      const slow = {
        name: "slow",
        schema: z.object({ n: z.number() }).strict(),
        handler: async ({ n }: { n: number }) => {
          started.push(`job ${n}`);
          if (n === 1) await gate;
        },
      } as unknown as JobDefinition<Record<string, never>>;
      const prefix = `stop-late-${process.pid}`;
      const runner = createBullmqRunner({ redisUrl: own.url, definitions: [slow], deps: {} as never, senders: {}, logger: quiet, prefix, concurrency: { slow: 4 } });
      await runner.start();
      await runner.enqueue("slow", { n: 1 });
      await waitUntil(() => started.includes("job 1"), { timeoutMs: 10_000, what: "job 1 started" });
      const stopped = runner.stop().then(() => started.push("stop returned"));
      // Jobs arriving while stop() waits for job 1 (another process adds them).
      const other = new Queue("slow", { connection: { url: own.url }, prefix });
      for (let n = 2; n <= 4; n++) await other.add("slow", { n });
      await sleep(1_500);
      release();
      await stopped;
      expect(started).toEqual(["job 1", "stop returned"]);
      // They wait for the next worker, none lost.
      const counts = await other.getJobCounts("waiting", "delayed", "active", "completed", "failed");
      expect((counts.waiting ?? 0) + (counts.delayed ?? 0)).toBe(3);
      expect(counts.failed).toBe(0);
      await other.close();
    } finally {
      await own.close();
    }
  });
});
