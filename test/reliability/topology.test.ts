// The deployment of README "Deployment: many processes on many machines", for real: two bots
// processes in webhook mode and two jobs processes (BullMQ on Redis), one PostgreSQL, the fake Bot
// API. A directive to 150 units; mid fan-out one jobs process and one bots process are SIGKILLed and
// never come back. Every card is delivered, a duplicate only for a row the dead worker had in flight,
// and the surviving bots process keeps answering webhooks.
import { mkdtemp, rm } from "node:fs/promises";
import { hostname } from "node:os";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueDirective } from "../../core/directives/issue-directive.ts";
import { registerIncomingDocument } from "../../core/documents/register-incoming-document.ts";
import { startFakeTelegramServer, type FakeTelegramServer } from "../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { importBigOrg, linkTelegram, realDeps, requirePostgres, spawnServe, startOwnRedis, unitCode, waitUntil, type OwnRedis, type ServeProcess } from "./harness.ts";

const TOKEN = "7002:topology-test-token";
const SECRET = "topology-webhook-secret";
const UNITS = 150;
const headChat = (i: number) => 720_000 + i;
const LEADER_CHAT = 720_999;

let db: TestDatabase;
let fake: FakeTelegramServer;
let redis: OwnRedis;
const dirs: string[] = [];
const processes: ServeProcess[] = [];

beforeAll(async () => {
  requirePostgres();
  db = await createTestDatabase();
  fake = await startFakeTelegramServer({ token: TOKEN });
  redis = await startOwnRedis();
});
afterAll(async () => {
  for (const p of processes) await p.stop().catch(() => {});
  await fake?.close();
  await redis?.close();
  await db?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** One machine: its own DATA_DIR, everything else shared. */
const machine = async (role: "bots" | "jobs") => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `edoc-rel-topology-${role}-`));
  dirs.push(dataDir);
  const env = {
    DATABASE_URL: db.url!,
    REDIS_URL: redis.url,
    DATA_DIR: dataDir,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    BOT_MODE: "webhook",
    WEBHOOK_SECRET: SECRET,
    PUBLIC_BASE_URL: "https://edoc.example.gov.vn",
  };
  const p = await spawnServe(env, { role, startTimeoutMs: 120_000 });
  processes.push(p);
  return p;
};

const cardsByChat = () => {
  const counts = new Map<number, number>();
  for (const m of fake.allMessages()) if (/^Giao việc D1-U\d{3}\b/.test(m.plain_text ?? "")) counts.set(m.chat_id, (counts.get(m.chat_id) ?? 0) + 1);
  return counts;
};
const totalCards = () => [...cardsByChat().values()].reduce((a, b) => a + b, 0);
const head = (i: number) => ({ id: headChat(i), first_name: `Trưởng phòng ${i}` });
const hookOf = (p: ServeProcess) => `http://127.0.0.1:${p.port}/webhook/telegram`;

describe("two bots processes (webhook) and two jobs processes on one PostgreSQL and Redis", () => {
  it("delivers a directive to 150 units although one of each dies mid-way", { timeout: 420_000 }, async () => {
    const deps = realDeps(db.prisma);
    const org = await importBigOrg(deps, UNITS);
    await linkTelegram(deps, "chutich", LEADER_CHAT);
    for (let i = 1; i <= UNITS; i++) await linkTelegram(deps, `head${String(i).padStart(3, "0")}`, headChat(i));

    const [bots1, bots2] = [await machine("bots"), await machine("bots")];
    // Both bots processes answer webhooks (a load balancer may hand an update to either).
    for (const [i, p] of [bots1, bots2].entries()) {
      expect((await fake.postWebhook(hookOf(p), fake.command(head(i + 1), "viec"), SECRET)).status).toBe(200);
      await waitUntil(() => fake.messages(headChat(i + 1)).length > 0, { timeoutMs: 60_000, what: `the answer of bots process ${i + 1}`, explain: () => p.output().slice(-2000) });
    }
    const answered = new Set(fake.allMessages().map((m) => m.chat_id));

    // Slow platform: the kill finds rows mid-send.
    fake.delayNext("sendMessage", 300, { times: 100_000 });
    const [jobs1, jobs2] = [await machine("jobs"), await machine("jobs")];
    const doc = await registerIncomingDocument(deps, {
      actorUserId: org.users.vanthu!,
      issuer: "Sở Nội vụ tỉnh Bình Định",
      codeNumber: "9",
      codeNotation: "SNV",
      issuedDate: "2026-11-20",
      subject: "V/v rà soát số liệu cán bộ",
    });
    await issueDirective(deps, {
      actorUserId: org.users.chutich!,
      documentId: doc.documentId,
      text: "Các phòng rà soát, báo cáo số liệu.",
      main: unitCode(1),
      coordinate: org.unitCodes.slice(1),
      due: { workingDays: 5 },
    });
    await waitUntil(() => totalCards() >= 40, {
      timeoutMs: 180_000,
      what: "40 cards before the kills",
      explain: () => `${jobs1.output().slice(-2000)}\n${jobs2.output().slice(-2000)}`,
    });

    // A claim is `<host>~<data dir hash>/<pid>#<nonce>` (jobs/runner.ts serviceInstanceId): the dead
    // worker's claims are those of its pid.
    const deadClaims = { startsWith: `${hostname()}~`, contains: `/${jobs1.child.pid}#` };
    jobs1.child.kill("SIGKILL");
    bots1.child.kill("SIGKILL");
    expect(await jobs1.exited).toBe("SIGKILL");
    expect(await bots1.exited).toBe("SIGKILL");
    const inFlight = await db.prisma.outboxMessage.findMany({ where: { status: "SENDING", lockedBy: deadClaims }, select: { id: true } });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.new", status: "SENT" } })).toBeLessThan(UNITS);
    // The dead worker's claims would hold for claimMs (120 s): expire them now instead of waiting
    // (only its own; the survivor's claims stay).
    await db.prisma.outboxMessage.updateMany({ where: { status: "SENDING", lockedBy: deadClaims }, data: { lockedUntil: new Date(Date.now() - 1_000) } });

    // The surviving bots process still answers.
    expect((await fake.postWebhook(hookOf(bots2), fake.command(head(3), "viec"), SECRET)).status).toBe(200);

    const explain = async () => `${JSON.stringify(await db.prisma.outboxMessage.groupBy({ by: ["status"], _count: true }))}\n${jobs2.output().slice(-3000)}`;
    await waitUntil(async () => (await db.prisma.outboxMessage.count({ where: { status: { in: ["PENDING", "SENDING"] } } })) === 0, {
      timeoutMs: 240_000,
      what: "every outbox row settled",
      everyMs: 500,
      explain,
    });
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.new", status: "SENT" } })).toBe(UNITS);
    expect(await db.prisma.outboxMessage.count({ where: { status: "FAILED" } })).toBe(0);

    const counts = cardsByChat();
    expect(counts.size).toBe(UNITS);
    for (let i = 1; i <= UNITS; i++) {
      const n = counts.get(headChat(i)) ?? 0;
      expect(n, `cards to head ${i}`).toBeGreaterThanOrEqual(1);
      expect(n, `cards to head ${i}`).toBeLessThanOrEqual(2);
    }
    const duplicated = [...counts.values()].filter((n) => n === 2).length;
    expect(duplicated).toBeLessThanOrEqual(inFlight.length);
    // The /viec sent to the survivor after the kills was answered.
    await waitUntil(() => fake.messages(headChat(3)).some((m) => !/^Giao việc/.test(m.plain_text ?? "")), { timeoutMs: 60_000, what: "the survivor's answer to /viec" });
    expect(answered.size).toBeGreaterThanOrEqual(2);
    console.log(`reliability/topology: ${inFlight.length} rows in flight in the killed jobs process, ${duplicated} cards delivered twice`);

    for (const p of [bots2, jobs2]) {
      await p.stop();
      expect(await p.exited).toBe(0);
    }
  });
});
