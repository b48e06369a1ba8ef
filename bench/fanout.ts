// Benchmark: one directive to 60 units with 3 linked Telegram heads each (180 messages), delivered by
// the REAL delivery path: issueDirective writes the outbox rows; the in-process job runner with
// OUTBOX_JOB_DEFINITIONS (dispatch sweep → outbox.deliver jobs) sends them through
// pacedSenders({ TELEGRAM: createTelegramSender(…) }) to the fake Telegram server, whose rate limiter
// enforces 30 messages/s overall and 1/s per chat (429 with retry_after beyond that).
//
// Baseline: the platform's theoretical minimum, max(180 / 30 per s, (messages per chat − 1) / 1 per s)
// = 6 s (the per-chat limit does not bind: one message per chat). Also reported: 429s received,
// messages lost (expected − distinct chats reached) and duplicated (messages per chat beyond 1), and
// what the outbox rows say afterwards.
//
// The document is registered without a scan, so each message is one sendMessage; with a scan each
// delivery is sendMessage + sendDocument to the same chat (two sends, the per-chat limit then binds).
//
// Run alone: node --import tsx bench/fanout.ts
import { fileURLToPath } from "node:url";
import { issueDirective } from "../core/directives/issue-directive.ts";
import { registerIncomingDocument } from "../core/documents/register-incoming-document.ts";
import { DEFAULT_SETTINGS, silentLogger, type CoreDeps } from "../core/deps.ts";
import { createMemoryFileStore } from "../core/files/file-store.ts";
import { openDatabase } from "../core/store/client.ts";
import { createTelegramSender } from "../bots/telegram/telegram-sender.ts";
import type { JobLogger } from "../jobs/definition.ts";
import { OUTBOX_JOB_DEFINITIONS } from "../jobs/definitions/index.ts";
import { pacedSenders } from "../jobs/pacing.ts";
import { createJobRunner } from "../jobs/runner.ts";
import { startFakeTelegramServer } from "../test/support/fake-telegram-server.ts";
import { buildBenchOrg } from "./support/org.ts";
import { createBenchDatabase } from "./support/pg.ts";
import { progress, roundAll, type BenchResult } from "./support/result.ts";

const SELF = fileURLToPath(import.meta.url);
const TOKEN = "7000001:bench-fanout";

export type FanoutBenchOptions = {
  /** @defaultValue 60 */
  units?: number;
  /** @defaultValue 3 */
  headsPerUnit?: number;
  /** Give up waiting for deliveries after this long. @defaultValue 120000 */
  timeoutMs?: number;
};

/** A job logger that keeps counts (and the first few failures) instead of printing. */
const countingLogger = () => {
  const counts = { info: 0, warn: 0, error: 0, debug: 0 };
  const samples: string[] = [];
  const keep = (level: string, obj: object, msg?: string) => {
    if (samples.length < 5) samples.push(`${level}: ${msg ?? ""} ${JSON.stringify(obj).slice(0, 200)}`);
  };
  const logger: JobLogger = {
    info: () => void counts.info++,
    debug: () => void counts.debug++,
    warn: (obj, msg) => {
      counts.warn++;
      keep("warn", obj, msg);
    },
    error: (obj, msg) => {
      counts.error++;
      keep("error", obj, msg);
    },
  };
  return { logger, counts, samples };
};

export const runFanoutBench = async (options: FanoutBenchOptions = {}): Promise<BenchResult> => {
  const units = options.units ?? 60;
  const headsPerUnit = options.headsPerUnit ?? 3;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const expected = units * headsPerUnit;
  const limits = { globalPerSecond: 30, perChatPerSecond: 1 };

  const bdb = await createBenchDatabase("fanout");
  const db = await openDatabase({ databaseUrl: bdb.url, migrate: false });
  const fake = await startFakeTelegramServer({ token: TOKEN, rateLimit: limits });
  const files = createMemoryFileStore();
  const deps: CoreDeps = { prisma: db.prisma, logger: silentLogger, clock: { now: () => new Date() }, files, settings: DEFAULT_SETTINGS };
  const log = countingLogger();
  let runner: Awaited<ReturnType<typeof createJobRunner>> | undefined;
  try {
    progress("fanout", `building ${units} units × ${headsPerUnit} Telegram-linked heads`);
    const org = await buildBenchOrg(db.prisma, { units, headsPerUnit });
    const doc = await registerIncomingDocument(deps, {
      actorUserId: org.clerkId,
      issuer: "UBND tỉnh Bình Định",
      codeNumber: "1203",
      codeNotation: "UBND-TH",
      issuedDate: "2026-11-20",
      subject: "V/v triển khai kế hoạch chuyển đổi số năm 2027",
    });
    // The registration told the leader (document.toDirect): not part of this fan-out.
    await db.prisma.outboxMessage.deleteMany({});

    progress("fanout", `issuing the directive to ${units} units`);
    const t0 = performance.now();
    const issued = await issueDirective(deps, {
      actorUserId: org.leaderId,
      documentId: doc.documentId,
      text: "Giao các phòng triển khai, báo cáo kết quả trước hạn.",
      main: org.unitCodes[0]!,
      coordinate: org.unitCodes.slice(1),
      due: { workingDays: 10 },
    });
    const issueMs = performance.now() - t0;
    const outboxRows = await db.prisma.outboxMessage.count({ where: { kind: "assignment.new" } });
    if (issued.assignments.length !== units || outboxRows !== expected)
      throw new Error(`fanout: expected ${units} assignments and ${expected} outbox rows, got ${issued.assignments.length} and ${outboxRows}`);

    const sender = createTelegramSender({ token: TOKEN, apiRoot: fake.apiRoot, files });
    runner = await createJobRunner({
      definitions: OUTBOX_JOB_DEFINITIONS,
      deps,
      senders: pacedSenders({ TELEGRAM: sender }),
      logger: log.logger,
      roles: { workers: true, schedules: true },
      workerId: "bench-fanout",
    });
    progress("fanout", `delivering ${expected} messages through the fake Telegram server (30/s overall, 1/s per chat)`);
    const startedAt = Date.now();
    await runner.start(); // the dispatch sweep runs at once, then every 5 s
    const chatsReached = () => new Set(fake.allMessages().map((m) => m.chat_id)).size;
    await fake.waitFor(() => chatsReached() >= expected, timeoutMs, `${expected} chats reached`).catch(() => undefined);
    const sends = fake.calls.filter((c) => c.method.toLowerCase() === "sendmessage" && c.ok === true);
    const lastAt = Math.max(...sends.map((c) => c.time));
    const firstAt = Math.min(...sends.map((c) => c.time));
    // Linger: a duplicate (a row delivered twice) would show up after the last first delivery.
    await new Promise((r) => setTimeout(r, 2_000));
    await runner.stop();
    runner = undefined;

    const perChat = new Map<number, number>();
    for (const m of fake.allMessages()) perChat.set(m.chat_id, (perChat.get(m.chat_id) ?? 0) + 1);
    const distinct = perChat.size;
    const duplicated = [...perChat.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
    const byStatus = Object.fromEntries((await db.prisma.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } })).map((g) => [g.status, g._count._all])) as Record<
      string,
      number
    >;
    const deliverS = (lastAt - startedAt) / 1000;
    const maxPerChat = 1; // messages each chat should get
    const theoreticalS = Math.max(expected / limits.globalPerSecond, (maxPerChat - 1) / limits.perChatPerSecond);
    const stats = fake.stats();

    const metrics = roundAll({
      messages_expected: expected,
      deliver_s: deliverS,
      theoretical_min_s: theoreticalS,
      time_ratio_over_theoretical: deliverS / theoreticalS,
      first_send_after_start_s: (firstAt - startedAt) / 1000,
      send_span_s: (lastAt - firstAt) / 1000,
      issue_directive_ms: issueMs,
      rejected_429: stats.rejected429,
      lost: expected - distinct,
      duplicated,
      outbox_sent: byStatus.SENT ?? 0,
      outbox_not_sent: expected - (byStatus.SENT ?? 0),
      api_requests: stats.requests,
      runner_warnings: log.counts.warn,
      runner_errors: log.counts.error,
    });
    return {
      name: "fanout",
      metrics,
      comparisons: [{ metric: `deliver ${expected} msgs, s`, value: metrics.deliver_s!, baseline: theoreticalS, baselineIs: `platform minimum ${expected}/30 per s` }],
      highlights: ["rejected_429", "lost", "duplicated", "outbox_not_sent", "issue_directive_ms"],
      notes: [
        `fanout: ${units} units × ${headsPerUnit} heads; time from runner start to the last accepted sendMessage; ${stats.rejected429} × 429, lost ${expected - distinct}, duplicated ${duplicated}; outbox ${JSON.stringify(byStatus)}`,
        ...log.samples.map((s) => `fanout runner ${s}`),
      ],
    };
  } finally {
    await runner?.stop().catch(() => {});
    await fake.close().catch(() => {});
    await db.close().catch(() => {});
    await bdb.drop();
  }
};

if (process.argv[1] === SELF) {
  const result = await runFanoutBench();
  console.log(JSON.stringify(result, null, 2));
}
