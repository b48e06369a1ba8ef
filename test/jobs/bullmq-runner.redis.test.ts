// The runner contract on BullMQ with a real Redis (REDIS_URL) and a real database. Each test uses
// its own key prefix, and every key under it is deleted afterwards.
import { Redis } from "ioredis";
import { afterAll } from "vitest";
import { createBullmqRunner } from "../../jobs/bullmq-runner.ts";
import { runnerContract } from "./runner-contract.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefixes = new Set<string>();

afterAll(async () => {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  try {
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
});

runnerContract("bullmq", async ({ group, ...o }) => {
  const prefix = `edoc-test-${process.pid}-${group}`;
  prefixes.add(prefix);
  return createBullmqRunner({ ...o, redisUrl: REDIS_URL, prefix });
});
