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
import { createAxisHttpTransport } from "../../core/interchange/axis-http-transport.ts";
import { issueOutgoingDocument } from "../../core/outgoing/issue-outgoing-document.ts";
import { createInterchangeJobs, INTERCHANGE_AGENCIES_JOB, INTERCHANGE_SEND_JOB } from "../../jobs/definitions/interchange.ts";
import { startFakeAxisServer } from "../support/fake-axis-server.ts";
import { samplePdf, setupExampleOrg } from "../support/workflow.ts";

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

/**
 * Wraps a job definition so a test can count its finished runs: the positive signal that the runner
 * went on working (instead of sleeping and hoping nothing happened meanwhile).
 */
const counted = <P>(def: JobDefinition<P>): { def: JobDefinition<P>; started: () => number; finished: () => number } => {
  let started = 0;
  let finished = 0;
  return {
    def: {
      ...def,
      handler: async (payload, ctx) => {
        started += 1;
        try {
          await def.handler(payload, ctx);
        } finally {
          finished += 1;
        }
      },
    },
    started: () => started,
    finished: () => finished,
  };
};

/**
 * Adds `label` to `events` after `ms`: a marker on the same event loop as the runner's own timers,
 * so a test asserts the ORDER of "the wait had not ended" and "the job ran" instead of comparing
 * elapsed times (a threshold fails or passes for the wrong reason on a loaded machine).
 */
const markAfter = (events: string[], ms: number, label: string): void => void setTimeout(() => events.push(label), ms);

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
      sweeps = { started: () => 0, finished: () => 0 };
      deliveries = { started: () => 0, finished: () => 0 };
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
      for (let i = 0; i < 3; i++)
        rows.push(
          await buildOutboxRow(db.prisma, { userId: s.users.head.id, kind: "assignment.new", payload: { assignmentId: s.main.id }, nextAttemptAt: new Date(Date.now() - 1000) }),
        );
      return { s, telegram, zalo, senders: { TELEGRAM: telegram, ZALO: zalo } as Partial<Record<Channel, RecordingSender>>, rows };
    };
    /** The outbox jobs, counted: `sweeps` finished dispatch runs, `deliveries` started/finished delivery runs (all runners made with them). */
    let sweeps = { started: () => 0, finished: () => 0 };
    let deliveries = { started: () => 0, finished: () => 0 };
    const outboxJobs = (policy = {}) => {
      const dispatch = counted(createOutboxDispatchJob({ everyMs: 50 }));
      const deliver = counted(createOutboxDeliverJob({ backoffBaseMs: 100, ...policy }));
      const [ps, pd] = [sweeps, deliveries];
      sweeps = { started: () => ps.started() + dispatch.started(), finished: () => ps.finished() + dispatch.finished() };
      deliveries = { started: () => pd.started() + deliver.started(), finished: () => pd.finished() + deliver.finished() };
      return [dispatch.def, deliver.def];
    };
    /** Waits until `n` more sweeps have finished and no delivery is running: whatever could still go out has. */
    const settled = async (n = 3) => {
      const from = sweeps.finished();
      await waitFor(() => sweeps.finished() >= from + n && deliveries.started() === deliveries.finished(), 15_000, `${n} more sweeps and idle deliveries`);
    };
    const statuses = async () => (await db.prisma.outboxMessage.findMany({ where: { kind: "assignment.new" } })).map((r) => r.status);

    // Race test: it means something on PostgreSQL, where the two runners' claims run on separate
    // connections (the in-process contract runs on PostgreSQL too in `npm test`, the BullMQ one always
    // does); on PGlite (one session) the claims interleave only between statements.
    it("sweeps due rows and delivers each exactly once, with two runners racing", async () => {
      const { senders, telegram, rows } = await outboxSetup();
      const a = await make({ definitions: outboxJobs(), deps, senders, logger: silentLogger() });
      const b = await make({ definitions: outboxJobs(), deps, senders, logger: silentLogger() });
      await Promise.all([a.start(), b.start()]);
      await waitFor(async () => (await statuses()).every((s) => s === "SENT"), 15_000, "all rows sent");
      await settled(); // more sweeps ran on both runners after every row was SENT, and no delivery is in flight
      expect(telegram.sent).toHaveLength(rows.length);
      expect(new Set(telegram.sent.map((m) => m.message.title))).toEqual(new Set(["[KHẨN] Giao việc D7-TCKH"]));
    });

    it("a 429 pauses delivery and re-sends without spending an attempt", async () => {
      const { senders, telegram, rows } = await outboxSetup();
      await db.prisma.outboxMessage.deleteMany({ where: { id: { in: rows.slice(1).map((r) => r.id) } } });
      telegram.fail({ kind: "rate_limited", retryAfterMs: 600 });
      // The order of events, not a duration: a marker set when the 429 comes back, at half the pause,
      // must come before the re-send (the runner's own pause ends 300 ms after it).
      const events: string[] = [];
      const observed: Partial<Record<Channel, Sender>> = {
        ...senders,
        TELEGRAM: {
          channel: "TELEGRAM",
          send: async (target, message) => {
            try {
              const result = await telegram.send(target, message);
              events.push("sent");
              return result;
            } catch (err) {
              events.push("429");
              markAfter(events, 300, "half of the pause");
              throw err;
            }
          },
        },
      };
      const r = await make({ definitions: outboxJobs(), deps, senders: observed, logger: silentLogger() });
      await r.start();
      await waitFor(async () => (await statuses()).every((s) => s === "SENT"), 15_000, "row sent after 429");
      expect(events).toEqual(["429", "half of the pause", "sent"]);
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

    it("a worker killed mid-job: the row is left alone while its claim holds, and delivered once it expires", async () => {
      const { senders, telegram, rows } = await outboxSetup();
      await db.prisma.outboxMessage.deleteMany({ where: { id: { in: rows.slice(1).map((r) => r.id) } } });
      // A worker claimed the row and died: SENDING, its claim valid for ten more minutes.
      await db.prisma.outboxMessage.update({ where: { id: rows[0]!.id }, data: { status: "SENDING", lockedBy: "dead#1", lockedUntil: new Date(Date.now() + 600_000) } });
      const r = await make({ definitions: outboxJobs(), deps, senders, logger: silentLogger() });
      await r.start();
      await settled(); // sweeps ran while the claim held: none took the row
      expect(telegram.calls).toHaveLength(0);
      expect(await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: rows[0]!.id }, select: { status: true, lockedBy: true } })).toEqual({
        status: "SENDING",
        lockedBy: "dead#1",
      });
      // The claim runs out (as ten minutes later).
      await db.prisma.outboxMessage.update({ where: { id: rows[0]!.id }, data: { lockedUntil: new Date(Date.now() - 1_000) } });
      await waitFor(async () => (await statuses()).every((s) => s === "SENT"), 15_000, "abandoned row sent");
      await settled();
      expect(telegram.sent).toHaveLength(1);
    });

    it("retries a failing job with exponential backoff and fails a DomainError at once", async () => {
      // Backoff 200 ms: the waits are 200 then 400 ms. Markers at 100 ms after the first failure and
      // 300 ms after the second must each come before the next try: the second wait is longer than
      // the first (exponential, not constant). Order of events, no elapsed-time comparison.
      const events: string[] = [];
      let refusedCalls = 0;
      const flaky = defineJob({
        name: "test.flaky",
        schema: z.object({ n: z.number() }),
        retry: { attempts: 3, backoffMs: 200 },
        handler: async () => {
          const n = events.filter((e) => e.startsWith("try")).length + 1;
          events.push(`try ${n}`);
          if (n === 1) markAfter(events, 100, "half of the 1st wait");
          if (n === 2) markAfter(events, 300, "3/4 of the 2nd wait");
          if (n < 3) throw new Error("boom");
        },
      });
      const refused = defineJob({
        name: "test.refused",
        schema: z.object({}),
        retry: { attempts: 5, backoffMs: 50 },
        handler: async () => {
          refusedCalls += 1;
          throw new DomainError("ASSIGNMENT_NOT_FOUND", "error.notFound");
        },
      });
      const logger = silentLogger();
      const r = await make({ definitions: [flaky, refused], deps, senders: {}, logger });
      await r.start();
      await r.enqueue("test.refused", {});
      await r.enqueue("test.flaky", { n: 1 });
      await waitFor(() => events.includes("try 3"), 10_000, "three tries");
      expect(events).toEqual(["try 1", "half of the 1st wait", "try 2", "3/4 of the 2nd wait", "try 3"]);
      // The DomainError's job failed (logged) and was not tried again, although a retry (50 ms
      // backoff) would have come long before the flaky job's third try (600 ms of backoff later).
      await waitFor(() => logger.entries.some((e) => (e.obj as { job?: string }).job === "test.refused" && e.msg === "job failed"), 10_000, "the refused job's failure");
      expect(refusedCalls).toBe(1);
    });

    it("does not queue a jobId twice while it is queued", async () => {
      const runs: string[] = [];
      const slow = defineJob({ name: "test.slow", schema: z.object({ tag: z.string() }), handler: async ({ tag }) => void runs.push(tag) });
      const r = await make({ definitions: [slow], deps, senders: {}, logger: silentLogger() });
      await r.start();
      await r.enqueue("test.slow", { tag: "first" }, { jobId: "same-1", delayMs: 200 });
      await r.enqueue("test.slow", { tag: "duplicate" }, { jobId: "same-1", delayMs: 200 });
      await r.enqueue("test.slow", { tag: "other" }, { jobId: "other-1", delayMs: 200 });
      // A later job on the same queue (one at a time): when it has run, a queued duplicate would have run before it.
      await r.enqueue("test.slow", { tag: "last" }, { jobId: "last-1", delayMs: 400 });
      await waitFor(() => runs.includes("last"), 10_000, "the last job");
      expect(runs.slice(0, 2).sort()).toEqual(["first", "other"]);
      expect(runs.slice(2)).toEqual(["last"]);
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

    it("a bots-only process runs nothing: it has no worker; the job waits for a jobs process", async () => {
      let runs = 0;
      const job = defineJob({ name: "test.none", schema: z.object({}), handler: async () => void (runs += 1) });
      const logger = silentLogger();
      const r = await make({ definitions: [job], deps, senders: {}, logger, roles: { workers: false, schedules: false } });
      await r.start();
      await r.enqueue("test.none", {});
      const queues = r.queues?.() ?? [];
      if (r.kind === "bullmq") {
        // Proof that it could not run: no worker is connected to the queue, and the job sits there waiting.
        expect(queues.map((q) => q.name)).toEqual(["test.none"]);
        expect(await queues[0]!.getWorkersCount()).toBe(0);
        expect(await queues[0]!.getJobCounts("waiting", "active", "completed")).toEqual({ waiting: 1, active: 0, completed: 0 });
        // A jobs process sharing the queue runs it: it was kept for one, not lost.
        const worker = await make({ definitions: [job], deps, senders: {}, logger: silentLogger() });
        await worker.start();
        await waitFor(() => runs === 1, 10_000, "the job run by a jobs process");
      } else {
        // In-process: nothing is queued at all (no timer, nothing to run); the database keeps what matters.
        expect(logger.entries).toContainEqual({ level: "debug", obj: { job: "test.none" }, msg: "no workers in this process: job not queued" });
        expect(runs).toBe(0);
      }
    });

    it("the interchange jobs: the directory job fills an empty directory at start; the send job sends an issued document's package once", async () => {
      const fake = await startFakeAxisServer({ systemId: "edoc-test", secret: "s3cret" });
      try {
        fake.agencies = [{ code: "000.00.31.H10", name: "Sở Tài chính tỉnh Bình Định" }];
        const axisDeps: CoreDeps = { ...deps, settings: { ...deps.settings, agencyOrganId: "000.00.32.H10" } };
        const org = await setupExampleOrg(axisDeps);
        const jobs = createInterchangeJobs({
          transport: createAxisHttpTransport({ baseUrl: fake.url, systemId: "edoc-test", secret: "s3cret" }),
          agencyOrganId: "000.00.32.H10",
          tmpDir: "/tmp",
          pollEveryMs: 60_000,
          statusesEveryMs: 60_000,
          sendEveryMs: 50,
        }).filter((d) => d.name === INTERCHANGE_AGENCIES_JOB || d.name === INTERCHANGE_SEND_JOB);
        const [a, b] = [
          await make({ definitions: jobs, deps: axisDeps, senders: {}, logger: silentLogger() }),
          await make({ definitions: jobs, deps: axisDeps, senders: {}, logger: silentLogger() }),
        ];
        await a.start();
        await b.start();
        await waitFor(async () => (await db.prisma.interchangeAgency.count()) === 1, 15_000, "the directory filled");
        await issueOutgoingDocument(axisDeps, {
          actorUserId: org.users.vanthu!,
          subject: "V/v thử gửi qua trục",
          signerName: "Nguyễn Văn An",
          signerTitle: "Chủ tịch",
          externalRecipients: ["Sở Tài chính tỉnh Bình Định"],
          files: [{ bytes: await samplePdf() }],
        });
        await waitFor(async () => (await db.prisma.interchangeOutgoing.count({ where: { state: "SENT" } })) === 1, 15_000, "the package sent");
        expect(fake.sent.map((p) => p.to)).toEqual([["000.00.31.H10"]]);
      } finally {
        await fake.close();
      }
    });
  });
};
