// Security probes against the real service wiring (app/serve.ts startService) in webhook mode, with
// Telegram and Zalo pointed at the fakes: forged webhooks, a stranger, a press on another unit's
// button, link-code brute force, and HTML / very long text in every field a person types.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../../app/serve.ts";
import { loadConfig } from "../../app/config.ts";
import { issueDirective } from "../../core/directives/issue-directive.ts";
import { issueLinkCode } from "../../core/identity/issue-link-code.ts";
import { startFakeTelegramServer, type FakeTelegramServer, type FakeUser, type PushableUpdate, type StoredMessage, shown } from "../support/fake-telegram-server.ts";
import { startFakeZaloServer, type FakeZaloServer } from "../support/fake-zalo-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { registerSample, samplePdf, setupExampleOrg, type OrgFixture } from "../support/workflow.ts";
import { textUpdate } from "../bots/zalo/zalo-harness.ts";
import { freePort, linkTelegram, requirePostgres, waitUntil } from "./harness.ts";

const TG_TOKEN = "7005:security-tg-token";
const ZALO_TOKEN = "7005:security-zalo-token";
const SECRET = "webhook-secret-for-probes";
const CLERK: FakeUser = { id: 750_001, first_name: "Bình" };
const LEADER: FakeUser = { id: 750_002, first_name: "An" };
const HEAD_TCKH: FakeUser = { id: 750_003, first_name: "Dung" };
const HEAD_TP: FakeUser = { id: 750_004, first_name: "Khải" };
const STRANGER: FakeUser = { id: 750_099, first_name: "Người lạ" };

let db: TestDatabase;
let tg: FakeTelegramServer;
let zalo: FakeZaloServer;
let service: RunningService;
let dataDir: string;
let org: OrgFixture;
let base: string;

/** Posts an update to our Telegram webhook like Telegram does (the secret set with setWebhook). */
const tgPost = (update: PushableUpdate, secret?: string) => tg.postWebhook(`${base}/webhook/telegram`, update, secret);
const rawPost = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));
/** Messages the bot sent to the chat after the first `from`. */
const since = (chat: FakeUser, from: number) => tg.messages(chat.id).slice(from);

beforeAll(async () => {
  requirePostgres();
  db = await createTestDatabase();
  tg = await startFakeTelegramServer({ token: TG_TOKEN });
  zalo = await startFakeZaloServer({ token: ZALO_TOKEN });
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-rel-security-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    TELEGRAM_BOT_TOKEN: TG_TOKEN,
    TELEGRAM_API_ROOT: tg.apiRoot,
    ZALO_BOT_TOKEN: ZALO_TOKEN,
    ZALO_API_BASE: zalo.apiBase,
    BOT_MODE: "webhook",
    WEBHOOK_SECRET: SECRET,
    // Zalo accepts only HTTPS webhooks: the public address is HTTPS, and the fake's "TLS proxy"
    // forwards its deliveries to the service on 127.0.0.1.
    PUBLIC_BASE_URL: "https://edoc.example.gov.vn",
    HTTP_PORT: String(port),
    HTTP_HOST: "127.0.0.1",
  });
  zalo.proxyWebhooksTo(base);
  service = await startService({ config, logger: pino({ level: "silent" }), role: "all" });
  org = await setupExampleOrg(service.app.deps);
  for (const [code, user] of [
    ["vanthu", CLERK],
    ["chutich", LEADER],
    ["tp.tckh", HEAD_TCKH],
    ["tp.tp", HEAD_TP],
  ] as const)
    await linkTelegram(service.app.deps, code, user.id);
}, 120_000);
afterAll(async () => {
  await service?.stop();
  await tg?.close();
  await zalo?.close();
  await db?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("security probes", () => {
  it("forged webhooks on both platforms get 401 and nothing is processed", async () => {
    expect(tg.webhook()?.secret_token).toBe(SECRET);
    expect(zalo.webhook?.secret).toBe(SECRET);
    const { code } = await issueLinkCode(service.app.deps, { userCode: "cvp" });
    const processed = await db.prisma.processedUpdate.count();
    // Tests run in random order: the stranger may have written before (another test), so count from here.
    const tgBefore = tg.messages(STRANGER.id).length;
    const zaloBefore = zalo.sent.filter((m) => m.chat_id === "zl-stranger").length;
    // A valid link code inside a forged update must not link anything.
    for (const secret of ["wrong-secret-00000", ""]) {
      const r = await tgPost(tg.command(STRANGER, "start", code.replace("-", "")), secret);
      expect(r.status).toBe(401);
    }
    const missing = await rawPost(`${base}/webhook/telegram`, tg.command(STRANGER, "start", code.replace("-", "")));
    expect(missing.status).toBe(401);
    for (const secret of ["wrong-secret-00000", null]) {
      const r = await zalo.deliverWebhook({ ok: true, result: textUpdate("zl-stranger", `/link ${code}`) }, secret);
      expect(r.status).toBe(401);
    }
    expect(await db.prisma.processedUpdate.count()).toBe(processed);
    expect(await db.prisma.chatIdentity.count({ where: { userId: org.users.cvp } })).toBe(0);
    expect(await db.prisma.linkCode.count({ where: { usedAt: { not: null }, userId: org.users.cvp } })).toBe(0);
    expect(since(STRANGER, tgBefore)).toEqual([]);
    expect(zalo.sent.filter((m) => m.chat_id === "zl-stranger").slice(zaloBefore)).toEqual([]);

    // The genuine webhook is processed (the probe above was refused for its secret, not its shape).
    const ok = await zalo.deliverWebhook(textUpdate("zl-stranger", `/link ${code}`));
    expect(ok.status).toBe(200);
    // The webhook is answered once the update is recorded; the turn follows.
    await waitUntil(async () => (await db.prisma.chatIdentity.count({ where: { userId: org.users.cvp, channel: "ZALO" } })) === 1, { timeoutMs: 15_000, what: "the Zalo link" });
  });

  it("a stranger learns nothing but how to link", async () => {
    await registerSample(service.app.deps, org, { subject: "V/v bí mật nội bộ không được lộ" });
    for (const text of ["/viec", "/xem D1", "/tim bí mật", "/quahan", "D1"]) {
      const before = tg.messages(STRANGER.id).length;
      expect((await tgPost(tg.textMessage(STRANGER, text))).status).toBe(200);
      const replies = since(STRANGER, before).map(shown).join("\n");
      expect(replies, text).toContain("/link");
      for (const leak of ["bí mật nội bộ", "Sở Tài chính", "Trần Thị Bình", "D1/", "TCKH"]) expect(replies, `${text} → ${leak}`).not.toContain(leak);
    }
  });

  it("a button of another unit's assignment is refused and audited", async () => {
    const doc = await registerSample(service.app.deps, org, { codeNumber: "77" });
    const d = await issueDirective(service.app.deps, { actorUserId: org.users.chutich!, documentId: doc.documentId, text: "Giao TCKH.", main: "TCKH", due: { workingDays: 5 } });
    const assignmentId = d.assignments[0]!.assignmentId;
    const press = tg.callbackQuery(HEAD_TP, `a1:ack:${assignmentId}`, { chat_id: HEAD_TP.id, message_id: 1 });
    const pressId = (press as unknown as { callback_query: { id: string } }).callback_query.id;
    expect((await tgPost(press)).status).toBe(200);
    const toast = tg.callbackAnswers.find((a) => a.callback_query_id === pressId);
    expect(toast?.text).toBeTruthy();
    expect(toast!.text).not.toContain("Đã nhận");
    expect(await db.prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId }, select: { status: true } })).toEqual({ status: "ASSIGNED" });
    const refused = await db.prisma.auditEvent.findMany({ where: { type: "action.refused", actorUserId: org.users["tp.tp"], entityId: assignmentId }, select: { data: true } });
    expect(refused).toHaveLength(1);
    // Since the state machine (issue 17) a press first looks the assignment up as the presser may see it: the
    // refusal is audited there (query.assignment) before any acknowledgement is tried.
    expect(refused[0]!.data).toMatchObject({ code: "ASSIGNMENT_NOT_FOUND", action: expect.stringMatching(/^(assignment\.acknowledge|query\.assignment)$/) });
  });

  it("five wrong link codes lock the chat; even the right code is refused meanwhile; all audited", async () => {
    const prober: FakeUser = { id: 750_200, first_name: "Dò mã" };
    for (let i = 0; i < 5; i++) await tgPost(tg.command(prober, "link", `ABCD-${2345 + i}`));
    const { code } = await issueLinkCode(service.app.deps, { userCode: "cv.tckh" });
    const before = tg.messages(prober.id).length;
    await tgPost(tg.command(prober, "link", code));
    expect(shown(since(prober, before)[0])).toMatch(/khóa|thử lại sau/i);
    expect(await db.prisma.chatIdentity.count({ where: { externalUserId: String(prober.id) } })).toBe(0);
    expect(await db.prisma.linkCode.count({ where: { userId: org.users["cv.tckh"], usedAt: { not: null } } })).toBe(0);
    const entityId = `TELEGRAM:${prober.id}`;
    const audit = await db.prisma.auditEvent.findMany({ where: { entityId }, orderBy: { seq: "asc" }, select: { type: true } });
    expect(audit.map((a) => a.type)).toEqual(["link.failed", "link.failed", "link.failed", "link.failed", "link.failed", "link.locked", "action.refused"]);
  });

  it("HTML and very long text in typed fields: stored verbatim, shown escaped, split under the limits", { timeout: 120_000 }, async () => {
    const nasty = `<b>in đậm</b> <script>alert("x")</script> & <a href="http://evil.example">bấm</a> </code> <ngày> &amp; 'nháy'`;
    // === /dangky fields: a subject as long as core accepts (500 characters)
    const subject = `${nasty} ${"Trích yếu rất dài. ".repeat(30)}`.slice(0, 500).trim();
    const issuer = `Sở <i>Thử</i> & "Nghiệm" <x>`;
    let before = tg.messages(CLERK.id).length;
    const caption = `/dangky\nsố: 12/STN\ncơ quan: ${issuer}\nngày: 20/11/2026\ntrích yếu: ${subject}`;
    expect(caption.length).toBeLessThanOrEqual(1024);
    await tgPost(tg.documentMessage(CLERK, { fileName: "cv.pdf", bytes: await samplePdf(), mime: "application/pdf", caption }));
    const echo = since(CLERK, before).find((m) => shown(m).includes("Kiểm tra thông tin văn bản đến"));
    expect(echo, since(CLERK, before).map(shown).join(" | ")).toBeDefined();
    expect(shown(echo)).toContain(subject.trim());
    expect(shown(echo)).toContain(issuer);
    before = tg.messages(CLERK.id).length;
    await tgPost(tg.command(CLERK, "ok"));
    const done = since(CLERK, before).find((m) => shown(m).includes("Mã tham chiếu:"));
    expect(done, since(CLERK, before).map(shown).join(" | ")).toBeDefined();
    const ref = /Mã tham chiếu: (D\d+)/.exec(shown(done))![1]!;
    // By number, not by a year fixed when the module loaded (a run across New Year registers in the new one).
    const doc = await db.prisma.document.findFirstOrThrow({
      where: { ref: { startsWith: `${ref}/` } },
      orderBy: { createdAt: "desc" },
      select: { id: true, subject: true, issuer: true },
    });
    expect(doc.subject).toBe(subject.trim());
    expect(doc.issuer).toBe(issuer);

    // === A directive as long as a Telegram message allows (4,096 with the command): its echo is longer than one message.
    const directive = `${nasty}\n${"Giao Phòng TCKH chủ trì <phối hợp> & báo cáo. ".repeat(90)}`.slice(0, 4_040).trim();
    const typed = `/chidao ${ref}\n${directive}\nchủ trì: TCKH\nhạn: 5 ngày`;
    expect(typed.length).toBeLessThanOrEqual(4_096);
    before = tg.messages(LEADER.id).length;
    const refusedBefore = tg.calls.filter((c) => c.status === 400).length;
    await tgPost(tg.textMessage(LEADER, typed));
    const parts = since(LEADER, before);
    expect(parts.length, parts.map((p) => `${shown(p).length}: ${shown(p).slice(0, 200)}`).join(" | ")).toBeGreaterThanOrEqual(2);
    for (const p of parts) expect(shown(p).length).toBeLessThanOrEqual(4_096);
    expect(parts.map(shown).join("")).toContain("Giao Phòng TCKH chủ trì <phối hợp> & báo cáo.");
    expect(parts.map(shown).join("")).toContain(nasty);
    await tgPost(tg.command(LEADER, "ok"));
    const stored = await db.prisma.directive.findFirstOrThrow({ where: { documentId: doc.id }, select: { text: true, assignments: { select: { id: true } } } });
    expect(stored.text).toBe(directive);

    // === A completion report with HTML, as long as a message allows
    const report = `${nasty} ${"Đã hoàn thành <đúng hạn> & đủ hồ sơ. ".repeat(120)}`.slice(0, 3_900).trim();
    before = tg.messages(HEAD_TCKH.id).length;
    await tgPost(tg.textMessage(HEAD_TCKH, `/xong ${ref}-TCKH ${report}`));
    const answer = since(HEAD_TCKH, before);
    expect(answer.length, "the report is answered").toBeGreaterThanOrEqual(1);
    const saved = await db.prisma.report.findFirstOrThrow({ where: { assignmentId: stored.assignments[0]!.id }, select: { text: true } });
    expect(saved.text).toBe(report);
    // The fake refuses unbalanced or unknown HTML (400): nothing the bot sent was refused.
    expect(tg.calls.filter((c) => c.status === 400).slice(refusedBefore)).toEqual([]);
  });
});
