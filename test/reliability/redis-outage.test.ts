// Redis gone for 30 s, then back (empty: our own throwaway redis-server, no persistence): the
// service stays up, people keep working (the use cases need only the database), and what was
// written meanwhile is delivered by the BullMQ runner once Redis is back (DESIGN.md principle 3:
// the database is the truth, Redis schedules).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acknowledgeAssignment } from "../../core/assignments/acknowledge-assignment.ts";
import { issueDirective } from "../../core/directives/issue-directive.ts";
import { inlineButtons, startFakeTelegramServer, type FakeTelegramServer, type FakeUser, type StoredMessage } from "../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { registerSample, setupExampleOrg, type OrgFixture } from "../support/workflow.ts";
import { linkTelegram, realDeps, requirePostgres, sleep, spawnServe, startOwnRedis, waitUntil, type OwnRedis, type ServeProcess } from "./harness.ts";

const TOKEN = "7002:outage-test-token";
const OUTAGE_MS = 30_000;
const LEADER: FakeUser = { id: 720_001, first_name: "An" };
const HEAD_TCKH: FakeUser = { id: 720_002, first_name: "Dung" };
const HEAD_TP: FakeUser = { id: 720_003, first_name: "Khải" };
const HEAD_NV: FakeUser = { id: 720_004, first_name: "Nhật" };

let db: TestDatabase;
let fake: FakeTelegramServer;
let redis: OwnRedis;
let dataDir: string;
let service: ServeProcess | undefined;
let org: OrgFixture;

const shown = (m: StoredMessage | undefined) => m?.plain_text ?? m?.plain_caption ?? "";
const untilText = (chat: FakeUser, text: string, timeoutMs = 60_000) =>
  waitUntil(() => fake.messages(chat.id).find((m) => shown(m).includes(text)), {
    timeoutMs,
    what: `"${text}" to ${chat.first_name}`,
    explain: async () =>
      `chat got: ${fake
        .messages(chat.id)
        .map((m) => shown(m).slice(0, 60))
        .join(" | ")}\noutbox: ${JSON.stringify(await db.prisma.outboxMessage.groupBy({ by: ["kind", "status"], _count: true }))}\n${service?.output().slice(-4000)}`,
  });

beforeAll(async () => {
  requirePostgres();
  db = await createTestDatabase();
  fake = await startFakeTelegramServer({ token: TOKEN });
  redis = await startOwnRedis();
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-rel-redis-"));
});
afterAll(async () => {
  await service?.stop();
  await redis?.close();
  await fake?.close();
  await db?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("Redis stopped for 30 s and started again", () => {
  it("accepts acknowledgements and directives meanwhile and delivers everything once Redis is back", { timeout: 240_000 }, async () => {
    const deps = realDeps(db.prisma);
    org = await setupExampleOrg(deps);
    await linkTelegram(deps, "chutich", LEADER.id);
    await linkTelegram(deps, "tp.tckh", HEAD_TCKH.id);
    await linkTelegram(deps, "tp.tp", HEAD_TP.id);
    await linkTelegram(deps, "tp.nv", HEAD_NV.id);
    // Everyone else who gets messages in this story, so that every row can be delivered.
    for (const [code, chat] of [
      ["pct", 720_011],
      ["cvp", 720_012],
      ["cv.vp", 720_013],
    ] as const)
      await linkTelegram(deps, code, chat);
    const d1 = await registerSample(deps, org);
    const d2 = await registerSample(deps, org, { codeNumber: "46", subject: "V/v tuyển dụng công chức năm 2027" });
    await issueDirective(deps, {
      actorUserId: org.users.chutich!,
      documentId: d1.documentId,
      text: "Giao TCKH chủ trì, TP phối hợp.",
      main: "TCKH",
      coordinate: ["TP"],
      due: { workingDays: 5 },
    });

    service = await spawnServe({ DATABASE_URL: db.url!, DATA_DIR: dataDir, REDIS_URL: redis.url, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.apiRoot });
    expect(service.output()).toContain("BullMQ on Redis");
    const card = await untilText(HEAD_TCKH, "Giao việc D1-TCKH");
    await untilText(HEAD_TP, "Giao việc D1-TP");

    // === Outage
    await redis.stop();
    const outageStart = Date.now();
    const health = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    expect(health.status).toBe(200);

    // The head presses Nhận on the card: the bot (database only) records it and answers.
    const ackData = inlineButtons(card).find((b) => b.text === "Nhận")?.callback_data;
    expect(ackData, shown(card)).toBeDefined();
    const answersBefore = fake.callbackAnswers.length;
    fake.pushUpdate(fake.callbackQuery(HEAD_TCKH, ackData!, card));
    await waitUntil(() => fake.callbackAnswers.length > answersBefore, {
      timeoutMs: 20_000,
      what: "the Nhận press answered during the outage",
      explain: () => service!.output().slice(-3000),
    });
    // The other head acknowledges through core directly; a new directive writes new outbox rows.
    const tp = await db.prisma.assignment.findFirstOrThrow({ where: { unit: { code: "TP" }, status: "ASSIGNED" }, select: { id: true } });
    await acknowledgeAssignment(deps, { actorUserId: org.users["tp.tp"]!, assignmentId: tp.id });
    await issueDirective(deps, { actorUserId: org.users.chutich!, documentId: d2.documentId, text: "Giao Sở Nội vụ chủ trì tham mưu.", main: "NV", due: { workingDays: 3 } });
    // A person asking for their tasks is answered too.
    const viecBefore = fake.messages(HEAD_TCKH.id).length;
    fake.pushUpdate(fake.command(HEAD_TCKH, "viec"));
    await waitUntil(() => fake.messages(HEAD_TCKH.id).length > viecBefore, { timeoutMs: 20_000, what: "/viec answered during the outage" });

    expect(await db.prisma.assignment.count({ where: { status: "ACKNOWLEDGED" } })).toBe(2);
    expect(await db.prisma.outboxMessage.count({ where: { kind: "assignment.new", status: "PENDING" } })).toBe(1); // D2-NV waits for Redis
    expect(fake.messages(HEAD_NV.id)).toEqual([]);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStart)));
    expect(service.child.exitCode, service.output().slice(-3000)).toBeNull(); // still running
    expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);

    // === Redis is back, empty: the runner must pick up again by itself.
    await redis.start();
    const back = Date.now();
    await untilText(HEAD_NV, "Giao việc D2-NV", 90_000);
    // The card is at the platform as soon as it is sent; the worker records SENT a moment later.
    const unsettled = () => db.prisma.outboxMessage.count({ where: { status: { in: ["PENDING", "SENDING"] } } });
    await waitUntil(async () => (await unsettled()) === 0, { timeoutMs: 30_000, what: "every outbox row settled" }).catch(() => {});
    const outbox = await db.prisma.outboxMessage.groupBy({ by: ["status"], _count: true });
    expect(
      outbox.filter((g) => g.status === "PENDING" || g.status === "SENDING" || g.status === "FAILED"),
      JSON.stringify(outbox),
    ).toEqual([]);
    console.log(`reliability/redis: delivery resumed ${Date.now() - back} ms after Redis came back`);
    const acks = await db.prisma.auditEvent.count({ where: { type: "assignment.acknowledged" } });
    expect(acks).toBe(2);
    await service.stop();
    const code = await service.exited;
    // How long each shutdown step took (a stop that hangs names its step).
    console.log(
      service
        .output()
        .split("\n")
        .filter((l) => /shutdown step done|did not close in time|were cut off/.test(l))
        .join("\n"),
    );
    expect(code, service.output().slice(-4000)).toBe(0);
    service = undefined;
  });
});
