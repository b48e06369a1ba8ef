// The behaviour both job runners must show, run against the in-process runner (.db test) and BullMQ
// on Redis (.redis test). The database is real (PGlite or PostgreSQL); senders are recording senders.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CoreDeps } from "../../core/deps.ts";
import { DomainError } from "../../core/errors.ts";
import type { Sender } from "../../core/ports/sender.ts";
import type { Channel } from "../../core/store/generated/enums.ts";
import { systemClock } from "../../core/time.ts";
import { defineJob, type JobDefinition, type JobLogger } from "../../jobs/definition.ts";
import { createOutboxDeliverJob } from "../../jobs/definitions/outbox-deliver.ts";
import { createOutboxDispatchJob } from "../../jobs/definitions/outbox-dispatch.ts";
import type { JobRunner, JobRunnerRoles } from "../../jobs/runner.ts";
import { z } from "zod";
import { buildIdentity, buildOutboxRow, buildScenario } from "../support/outbox-builders.ts";
import { createRecordingSender, type RecordingSender } from "../support/recording-sender.ts";
import { createTestDeps } from "../support/core.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

export type MakeRunner = (o: {
  definitions: JobDefinition<any>[];
  deps: CoreDeps;
  senders: Partial<Record<Channel, Sender>>;
  logger: JobLogger;
  roles?: JobRunnerRoles;
  /** Runners made with the same `group` in one test share their queues (BullMQ prefix). */
  group: string;
}) => Promise<JobRunner>;

export const silentLogger = (): JobLogger & { entries: Array<{ level: string; obj: object; msg?: string | undefined }> } => {
  const entries: Array<{ level: string; obj: object; msg?: string | undefined }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void entries.push({ level, obj, msg });
  return { entries, info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") };
};

export const waitFor = async (check: () => Promise<boolean> | boolean, timeoutMs = 10_000, what = "condition"): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`Timed out waiting for ${what}`);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const runnerContract = (label: string, makeRunner: MakeRunner) => {
  describe(`${label}: job runner contract`, () => {
    let db: TestDatabase;
    let deps: CoreDeps;
    let runners: JobRunner[] = [];
    let group = 0;
    let groupName = "";
    const make: (o: Omit<Parameters<MakeRunner>[0], "group">) => Promise<JobRunner> = async (o) => {
      const r = await makeRunner({ ...o, group: groupName });
      runners.push(r);
      return r;
    };

    beforeAll(async () => {
      db = await createTestDatabase();
      // Real time: the runners' own timers and the delivery's claim times must agree.
      deps = { ...createTestDeps(db.prisma), clock: systemClock };
    });
    afterAll(async () => {
      await db.close();
    });
    beforeEach(async () => {
      await db.truncate();
      group += 1;
      groupName = `g${group}${Math.random().toString(36).slice(2, 8)}`;
    });
    afterEach(async () => {
      await Promise.all(runners.map((r) => r.stop()));
      runners = [];
    });

    const outboxSetup = async () => {
      const s = await buildScenario(db.prisma);
      const telegram = createRecordingSender("TELEGRAM");
      const zalo = createRecordingSender("ZALO");
      await buildIdentity(db.prisma, s.users.head.id, { channel: "TELEGRAM", chatId: "tg-head", lastSeenAt: new Date() });
      await buildIdentity(db.prisma, s.users.head.id, { channel: "ZALO", chatId: "za-head", lastSeenAt: new Date(Date.now() - 86_400_000) });
      const rows = [];
      for (let i = 0; i < 3; i++) rows.push(await buildOutboxRow(db.prisma, { userId: s.users.head.id, kind: "assignment.new", payload: { assignmentId: s.main.id }, nextAttemptAt: new Date(Date.now() - 1000) }));
      return { s, telegram, zalo, senders: { TELEGRAM: telegram, ZALO: zalo } as Partial<Record<Channel, RecordingSender>>, rows };
    };
    const outboxJobs = (policy = {}) => [createOutboxDispatchJob({ everyMs: 50 }), createOutboxDeliverJob({ backoffBaseMs: 100, ...policy })];
    const statuses = async () => (await db.prisma.outboxMessage.findMany({ where: { kind: "assignment.new" } })).map((r) => r.status);

    it("sweeps due rows and delivers each exactly once, with two runners racing", async () => {
      const { senders, telegram, rows } = await outboxSetup();
      const a = await make({ definitions: outboxJobs(), deps, senders, logger: silentLogger() });
      const b = await make({ definitions: outboxJobs(), deps, senders, logger: silentLogger() });
      await Promise.all([a.start(), b.start()]);
      await waitFor(async () => (await statuses()).every((s) => s === "SENT"), 15_000, "all rows sent");
      await sleep(300); // more sweeps: nothing more goes out
      expect(telegram.sent).toHaveLength(rows.length);
      expect(new Set(telegram.sent.map((m) => m.message.title))).toEqual(new Set(["[KHẨN] Giao việc D7-TCKH"]));
    });

    it("a 429 pauses delivery and re-sends without spending an attempt", async () => {
      const { senders, telegram, rows } = await outboxSetup();
      await db.prisma.outboxMessage.deleteMany({ where: { id: { in: rows.slice(1).map((r) => r.id) } } });
      telegram.fail({ kind: "rate_limited", retryAfterMs: 400 });
      const r = await make({ definitions: outboxJobs(), deps, senders, logger: silentLogger() });
      const started = Date.now();
      await r.start();
      await waitFor(async () => (await statuses()).every((s) => s === "SENT"), 15_000, "row sent after 429");
      expect(Date.now() - started).toBeGreaterThanOrEqual(380);
      expect(telegram.calls).toHaveLength(2);
      expect(telegram.sent).toHaveLength(1);
      const row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: rows[0]!.id } });
      expect(row.attempts).toBe(0);
    });

    it("retries 5xx with backoff, then delivers", async () => {
      const { senders, telegram, rows } = await outboxSetup();
      await db.prisma.outboxMessage.deleteMany({ where: { id: { in: rows.slice(1).map((r) => r.id) } } });
      telegram.fail({ kind: "transient", status: 503 }, { times: 2 });
      const r = await make({ definitions: outboxJobs(), deps, senders, logger: silentLogger() });
      await r.start();
      await waitFor(async () => (await statuses()).every((s) => s === "SENT"), 15_000, "row sent after 5xx");
      const row = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: rows[0]!.id } });
      expect(row.attempts).toBe(2);
      expect(telegram.calls).toHaveLength(3);
      expect(telegram.sent).toHaveLength(1);
    });

    it("a 403 falls back to the other channel, and to the office when none is left", async () => {
      const { s, senders, telegram, zalo, rows } = await outboxSetup();
      telegram.fail({ kind: "blocked" }, { times: Infinity });
      zalo.fail({ kind: "blocked" }, { times: Infinity });
      const r = await make({ definitions: outboxJobs(), deps, senders, logger: silentLogger() });
      await r.start();
      await waitFor(async () => (await statuses()).every((st) => st === "SENT" || st === "FAILED"), 15_000, "rows settled");
      // Telegram blocked → Zalo tried at once → blocked too → unreachable: FAILED, each MONITOR told.
      expect(await statuses()).toEqual(rows.map(() => "FAILED"));
      const office = await db.prisma.outboxMessage.findMany({ where: { kind: "office.unreachable" } });
      expect(office).toHaveLength(rows.length * 2);
      expect(new Set(office.map((o) => o.userId))).toEqual(new Set([s.users.office.id, s.users.office2.id]));
      expect(telegram.sent.length + zalo.sent.length).toBe(0);
      expect(zalo.calls.length).toBeGreaterThanOrEqual(1);
      expect(await db.prisma.chatIdentity.count({ where: { userId: s.users.head.id, status: "UNREACHABLE" } })).toBe(2);
    });

    it("a worker killed mid-job: the row is delivered after its claim expires", async () => {
      const { senders, telegram, rows } = await outboxSetup();
      await db.prisma.outboxMessage.deleteMany({ where: { id: { in: rows.slice(1).map((r) => r.id) } } });
      // A worker claimed the row and died: SENDING, claim valid for 500 ms more.
      await db.prisma.outboxMessage.update({ where: { id: rows[0]!.id }, data: { status: "SENDING", lockedBy: "dead#1", lockedUntil: new Date(Date.now() + 500) } });
      const r = await make({ definitions: outboxJobs(), deps, senders, logger: silentLogger() });
      const started = Date.now();
      await r.start();
      await waitFor(async () => (await statuses()).every((s) => s === "SENT"), 15_000, "abandoned row sent");
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(telegram.sent).toHaveLength(1);
    });

    it("retries a failing job with exponential backoff and fails a DomainError at once", async () => {
      const calls: Record<string, number[]> = { flaky: [], refused: [] };
      const flaky = defineJob({
        name: "test.flaky",
        schema: z.object({ n: z.number() }),
        retry: { attempts: 3, backoffMs: 100 },
        handler: async () => {
          calls.flaky!.push(Date.now());
          if (calls.flaky!.length < 3) throw new Error("boom");
        },
      });
      const refused = defineJob({
        name: "test.refused",
        schema: z.object({}),
        retry: { attempts: 5, backoffMs: 50 },
        handler: async () => {
          calls.refused!.push(Date.now());
          throw new DomainError("ASSIGNMENT_NOT_FOUND", "error.notFound");
        },
      });
      const r = await make({ definitions: [flaky, refused], deps, senders: {}, logger: silentLogger() });
      await r.start();
      await r.enqueue("test.flaky", { n: 1 });
      await r.enqueue("test.refused", {});
      await waitFor(() => calls.flaky!.length === 3, 10_000, "three tries");
      const [t1, t2, t3] = calls.flaky as [number, number, number];
      expect(t2 - t1).toBeGreaterThanOrEqual(90);
      expect(t3 - t2).toBeGreaterThanOrEqual(190);
      await sleep(400);
      expect(calls.refused).toHaveLength(1);
    });

    it("does not queue a jobId twice while it is queued", async () => {
      let runs = 0;
      const slow = defineJob({ name: "test.slow", schema: z.object({}), handler: async () => void (runs += 1) });
      const r = await make({ definitions: [slow], deps, senders: {}, logger: silentLogger() });
      await r.start();
      await r.enqueue("test.slow", {}, { jobId: "same-1", delayMs: 200 });
      await r.enqueue("test.slow", {}, { jobId: "same-1", delayMs: 200 });
      await r.enqueue("test.slow", {}, { jobId: "other-1", delayMs: 200 });
      await waitFor(() => runs >= 2, 10_000, "two runs");
      await sleep(300);
      expect(runs).toBe(2);
    });

    it("runs an interval schedule, and stop() waits for the active job", async () => {
      let runs = 0;
      let finished = 0;
      const tick = defineJob({
        name: "test.tick",
        schema: z.object({}).passthrough(),
        schedule: { every: 100 },
        handler: async () => {
          runs += 1;
          await sleep(250);
          finished += 1;
        },
      });
      const r = await make({ definitions: [tick], deps, senders: {}, logger: silentLogger() });
      await r.start();
      await waitFor(() => runs >= 2, 10_000, "two scheduled runs");
      await r.stop();
      expect(finished).toBe(runs);
    });

    it("a bots-only process runs nothing", async () => {
      let runs = 0;
      const job = defineJob({ name: "test.none", schema: z.object({}), handler: async () => void (runs += 1) });
      const r = await make({ definitions: [job], deps, senders: {}, logger: silentLogger(), roles: { workers: false, schedules: false } });
      await r.start();
      await r.enqueue("test.none", {});
      await sleep(300);
      expect(runs).toBe(0);
    });
  });
};
