// Platform faults from the fake servers: 429 with retry_after (short: retried in place; long: the
// delivery queue pauses), 500s, timeouts (late answers) and 403 (blocked). Everything is delivered,
// or handed to the person's other channel, and the office is told who cannot be reached: the
// `office.unreachable` rows are rendered and delivered to the MONITOR users.
//
// The production delivery path (dispatch sweep → outbox.deliver jobs on BullMQ → paced Telegram and
// Zalo senders → the fakes), with a shorter delivery policy so that retries take seconds, not minutes.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueDirective } from "../../core/directives/issue-directive.ts";
import { createMemoryFileStore } from "../../core/files/file-store.ts";
import { issueLinkCode } from "../../core/identity/issue-link-code.ts";
import { redeemLinkCode } from "../../core/identity/redeem-link-code.ts";
import { createTelegramSender } from "../../bots/telegram/telegram-sender.ts";
import { createZaloClient } from "../../bots/zalo/zalo-client.ts";
import { createZaloSender } from "../../bots/zalo/zalo-sender.ts";
import { createOutboxDeliverJob, createOutboxDispatchJob } from "../../jobs/definitions/index.ts";
import { pacedSenders } from "../../jobs/pacing.ts";
import { createJobRunner, type JobRunner } from "../../jobs/runner.ts";
import { startFakeTelegramServer, type FakeTelegramServer } from "../support/fake-telegram-server.ts";
import { startFakeZaloServer, type FakeZaloServer } from "../support/fake-zalo-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { registerSample, setupExampleOrg } from "../support/workflow.ts";
import { realDeps, sleep, waitUntil } from "./harness.ts";

const TG_TOKEN = "7003:faults-test-token";
const ZALO_TOKEN = "7003:faults-zalo-token";
const REDIS_URL = process.env.REDIS_URL;
const PREFIX = `edoc-rel-faults-${process.pid}`;

let db: TestDatabase;
let tg: FakeTelegramServer;
let zalo: FakeZaloServer;
let runner: JobRunner | undefined;
const logged: { level: string; obj: object; msg?: string | undefined }[] = [];
const log = (level: string) => (obj: object, msg?: string) => void logged.push({ level, obj, msg });
const logger = { debug: () => {}, info: () => {}, warn: log("warn"), error: log("error") };

beforeAll(async () => {
  db = await createTestDatabase();
  tg = await startFakeTelegramServer({ token: TG_TOKEN });
  zalo = await startFakeZaloServer({ token: ZALO_TOKEN });
});
afterAll(async () => {
  await runner?.stop();
  await tg?.close();
  await zalo?.close();
  await db?.close();
  if (REDIS_URL) {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    try {
      const keys = await redis.keys(`${PREFIX}:*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      await redis.quit();
    }
  }
});

// Telegram chats (numbers) and Zalo chats (strings) of the people in the story.
const TG = { chutich: 730_001, pct: 730_002, cvp: 730_003, tckh: 730_004, tp: 730_005, nv: 730_006 };
const ZL = { tp: "zl-tp", nb: "zl-nb", cvvp: "zl-cvvp" };

const tgShown = (chat: number) => tg.messages(chat).map((m) => m.plain_text ?? m.plain_caption ?? "");
const zaloShown = (chat: string) => zalo.sent.filter((m) => m.chat_id === chat && m.method !== "sendChatAction").map((m) => String(m.body.text ?? m.body.caption ?? ""));

describe("platform faults", () => {
  it("retries 429s, 500s and timeouts, falls back on 403, and tells the office who is unreachable", { timeout: 180_000 }, async () => {
    const files = createMemoryFileStore();
    const deps = realDeps(db.prisma, files);
    const org = await setupExampleOrg(deps);
    const link = async (channel: "TELEGRAM" | "ZALO", userCode: string, chat: number | string) => {
      const { code } = await issueLinkCode(deps, { userCode });
      await redeemLinkCode(deps, { channel, externalUserId: String(chat), chatId: String(chat), code });
      await sleep(5); // distinct lastSeenAt: the identity linked last is tried first
    };
    await link("TELEGRAM", "chutich", TG.chutich);
    await link("TELEGRAM", "pct", TG.pct);
    await link("TELEGRAM", "cvp", TG.cvp); // MONITOR, on Telegram
    await link("ZALO", "cv.vp", ZL.cvvp); // MONITOR, on Zalo
    await link("TELEGRAM", "tp.tckh", TG.tckh);
    await link("ZALO", "tp.tp", ZL.tp); // both channels: Telegram (linked last) first, Zalo the fallback
    await link("TELEGRAM", "tp.tp", TG.tp);
    await link("TELEGRAM", "tp.nv", TG.nv); // Telegram only, and blocked: unreachable
    await link("ZALO", "ct.nb", ZL.nb);

    const d1 = await registerSample(deps, org);
    await registerSample(deps, org, { codeNumber: "46", subject: "V/v kiểm tra công vụ" });
    await registerSample(deps, org, { codeNumber: "47", subject: "V/v cải cách hành chính" });
    await issueDirective(deps, {
      actorUserId: org.users.chutich!,
      documentId: d1.documentId,
      text: "Giao các phòng thực hiện.",
      main: "TCKH",
      coordinate: ["TP", "NV", "NB"],
      due: { workingDays: 5 },
    });

    // === Faults, queued before anything is sent
    tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 6", retry_after: 6 }); // longer than auto-retry waits: the queue pauses
    tg.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", retry_after: 1 }); // retried in place
    tg.failNext("sendMessage", { error_code: 500, description: "Internal Server Error", times: 3 });
    tg.delayNext("sendMessage", 4_000, { times: 2 }); // answers after the send timeout: a transient failure
    tg.block(TG.tp);
    tg.block(TG.nv);
    zalo.failNext("sendMessage", { error_code: 500, times: 2 });
    zalo.failNext("sendMessage", { error_code: 429, retry_after: 1 });

    const policy = { sendTimeoutMs: 2_000, claimMs: 30_000, backoffBaseMs: 500, backoffMaxMs: 2_000, maxAttempts: 10 };
    const telegramSender = createTelegramSender({ token: TG_TOKEN, apiRoot: tg.apiRoot, files });
    const zaloSender = createZaloSender({ client: createZaloClient({ token: ZALO_TOKEN, apiBase: zalo.apiBase }), files, fileLinks: null, logger });
    runner = await createJobRunner({
      redisUrl: REDIS_URL,
      prefix: PREFIX,
      definitions: [createOutboxDispatchJob({ everyMs: 500 }), createOutboxDeliverJob(policy)],
      deps,
      senders: pacedSenders({ TELEGRAM: telegramSender, ZALO: zaloSender }),
      logger,
      workerId: "reliability-faults",
    });
    await runner.start();

    const explain = async () =>
      `outbox: ${JSON.stringify(await db.prisma.outboxMessage.findMany({ select: { kind: true, status: true, attempts: true, lastError: true, userId: true } }))}\nlogs: ${JSON.stringify(logged).slice(0, 4000)}`;
    await waitUntil(
      async () => {
        const open = await db.prisma.outboxMessage.count({ where: { status: { in: ["PENDING", "SENDING"] } } });
        const monitors = await db.prisma.outboxMessage.count({ where: { kind: "office.unreachable" } });
        return open === 0 && monitors > 0;
      },
      { timeoutMs: 120_000, what: "every outbox row settled", everyMs: 300, explain },
    );

    // === Every fault was met
    expect(tg.stats().rejected429).toBeGreaterThanOrEqual(2);
    expect(tg.calls.filter((c) => c.method === "sendMessage" && c.status === 500).length).toBeGreaterThanOrEqual(3);
    expect(zalo.calls.filter((c) => c.method === "sendMessage").length).toBeGreaterThan(zalo.sent.filter((m) => m.method === "sendMessage").length);

    // === Delivered: each message to its own person. A send that timed out may still reach the
    // platform (a late answer, or a send still waiting in the pacer or in grammY's in-place retries
    // when the timeout fired), and the retry shows it again: every extra copy must be explained by a
    // timed-out attempt of that row. Without a timeout there is exactly one copy.
    const rows = await db.prisma.outboxMessage.findMany({ select: { id: true, kind: true, status: true, channel: true, userId: true } });
    const byUser = (code: string) => rows.filter((r) => r.userId === org.users[code]);
    const card = (code: string) => byUser(code).find((r) => r.kind === "assignment.new")!;
    expect(card("tp.tckh")).toMatchObject({ status: "SENT", channel: "TELEGRAM" });
    expect(card("tp.tp")).toMatchObject({ status: "SENT", channel: "ZALO" }); // the fallback
    expect(card("ct.nb")).toMatchObject({ status: "SENT", channel: "ZALO" });
    expect(card("tp.nv")).toMatchObject({ status: "FAILED" });
    const timeouts = (outboxId: string) =>
      logged.filter((l) => (l.obj as { outboxId?: string }).outboxId === outboxId && String((l.obj as { error?: string }).error).includes("timed out")).length;
    const count = (texts: string[], title: string) => texts.filter((t) => t.startsWith(title)).length;
    const expected: [id: string, texts: string[], title: string][] = [
      [card("tp.tckh").id, tgShown(TG.tckh), "Giao việc D1-TCKH"],
      [card("tp.tp").id, zaloShown(ZL.tp), "Giao việc D1-TP"],
      [card("ct.nb").id, zaloShown(ZL.nb), "Giao việc D1-NB"],
    ];
    for (const [code, chat] of [
      ["chutich", TG.chutich],
      ["pct", TG.pct],
    ] as const) {
      const sent = byUser(code).filter((r) => r.kind === "document.toDirect" && r.status === "SENT");
      expect(sent).toHaveLength(2); // D2 and D3; D1's became moot once directed (CANCELLED)
      for (const ref of ["D2", "D3"]) expect(count(tgShown(chat), `Văn bản mới cần chỉ đạo: ${ref}`), `${ref} to ${code}`).toBeGreaterThanOrEqual(1);
      const copies = count(tgShown(chat), "Văn bản mới cần chỉ đạo: D");
      const allowed = sent.length + sent.reduce((n, r) => n + timeouts(r.id), 0);
      expect(copies, `${code}: ${tgShown(chat).join(" | ")}`).toBeLessThanOrEqual(allowed);
    }
    for (const [id, texts, title] of expected) {
      const n = count(texts, title);
      expect(n, `${title}: ${texts.join(" | ")}`).toBeGreaterThanOrEqual(1);
      expect(n, `${title}: ${timeouts(id)} timed-out attempt(s)`).toBeLessThanOrEqual(1 + timeouts(id));
    }
    expect(tgShown(TG.tp)).toEqual([]);
    expect(tgShown(TG.nv)).toEqual([]);
    expect(rows.filter((r) => r.status === "FAILED").map((r) => r.userId)).toEqual([org.users["tp.nv"]]);

    // === Blocked identities are marked, audited
    const identities = await db.prisma.chatIdentity.findMany({ where: { status: "UNREACHABLE" }, select: { userId: true, channel: true } });
    expect(identities.map((i) => `${i.channel}:${i.userId}`).sort()).toEqual([`TELEGRAM:${org.users["tp.nv"]}`, `TELEGRAM:${org.users["tp.tp"]}`].sort());
    expect(await db.prisma.auditEvent.count({ where: { type: "identity.unreachable" } })).toBe(2);
    expect(await db.prisma.auditEvent.count({ where: { type: "outbox.failed" } })).toBe(1);

    // === The office is told, on each monitor's own channel, who cannot be reached and why
    const office = rows.filter((r) => r.kind === "office.unreachable");
    expect(office.map((r) => r.userId).sort()).toEqual([org.users.cvp, org.users["cv.vp"]].sort());
    expect(office.every((r) => r.status === "SENT")).toBe(true);
    for (const texts of [tgShown(TG.cvp), zaloShown(ZL.cvvp)]) {
      const notice = texts.find((t) => t.includes("Không gửi được tin nhắn tới Đỗ Minh Nhật"));
      expect(notice, texts.join(" | ")).toBeDefined();
      expect(notice).toContain("Sở Nội vụ");
      expect(notice).toContain("đã chặn bot");
      expect(texts.filter((t) => t.includes("Không gửi được tin nhắn tới")).length).toBeLessThanOrEqual(2);
    }
    expect(logged.filter((l) => l.level === "error" && !String(l.msg).includes("the office was told"))).toEqual([]);
  });
});
