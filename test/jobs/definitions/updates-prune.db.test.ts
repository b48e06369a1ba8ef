import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createConversationStore, markUpdateProcessed } from "../../../core/conversations/conversation-store.ts";
import type { JobContext } from "../../../jobs/definition.ts";
import { UPDATES_PRUNE_JOB, updatesPruneJob } from "../../../jobs/definitions/updates-prune.ts";
import { createTestClock, createTestDeps } from "../../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());
beforeEach(async () => db.truncate());

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const ctxOf = (deps: JobContext["deps"]): JobContext => ({ deps, senders: {}, logger: silent, enqueue: async () => {} });

describe("updates.prune", () => {
  it("is a scheduled job", () => {
    expect(updatesPruneJob.name).toBe(UPDATES_PRUNE_JOB);
    expect(updatesPruneJob.schedule).toEqual({ pattern: "0 17 * * * *", tz: "Asia/Ho_Chi_Minh" });
    expect(updatesPruneJob.schema.parse({})).toEqual({});
  });

  it("forgets updates older than 48 h, keeps the recent ones (which are still skipped as duplicates)", async () => {
    const clock = createTestClock(new Date("2026-12-01T00:00:00Z"));
    const deps = createTestDeps(db.prisma, { clock });
    expect(await markUpdateProcessed(deps, "TELEGRAM", "tg:1:1")).toBe(true);
    clock.set(new Date("2026-12-02T12:00:00Z"));
    expect(await markUpdateProcessed(deps, "TELEGRAM", "tg:1:2")).toBe(true);
    clock.set(new Date("2026-12-03T06:00:00Z")); // 54 h after the first, 18 h after the second

    await updatesPruneJob.handler({}, ctxOf(deps));
    const left = await db.prisma.processedUpdate.findMany({ select: { updateKey: true } });
    expect(left.map((r) => r.updateKey)).toEqual(["tg:1:2"]);
    expect(await markUpdateProcessed(deps, "TELEGRAM", "tg:1:2")).toBe(false);

    await updatesPruneJob.handler(updatesPruneJob.schema.parse({ retentionHours: 1 }), ctxOf(deps));
    expect(await db.prisma.processedUpdate.count()).toBe(0);
  });

  it("deletes expired conversation states and pending-file pieces, keeps the live ones", async () => {
    const clock = createTestClock(new Date("2026-12-01T00:00:00Z"));
    const deps = createTestDeps(db.prisma, { clock });
    const store = createConversationStore(deps);
    await store.set("conv:WEB:old", { kind: "register", fields: {}, files: [] }, 60_000);
    await store.putFile("conv:WEB:old:file:aaaa", new Uint8Array(2000).fill(7), 60_000);
    clock.set(new Date("2026-12-01T00:00:30Z"));
    await store.set("conv:WEB:new", { kind: "register", fields: {}, files: [] }, 60_000);
    await store.putFile("conv:WEB:new:file:bbbb", new Uint8Array(2000).fill(8), 60_000);
    clock.set(new Date("2026-12-01T00:01:10Z")); // the first form expired 10 s ago, the second lives 20 s more

    await updatesPruneJob.handler({}, ctxOf(deps));
    expect((await db.prisma.conversationState.findMany({ select: { key: true } })).map((r) => r.key)).toEqual(["conv:WEB:new"]);
    expect((await db.prisma.pendingFileChunk.findMany({ select: { fileKey: true } })).map((r) => r.fileKey)).toEqual(["conv:WEB:new:file:bbbb"]);
  });
});
