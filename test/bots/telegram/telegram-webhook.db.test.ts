// The Telegram bot behind a webhook, as the service wires it (app/serve.ts with BOT_MODE=webhook):
// setWebhook with the secret at start, updates POSTed to /webhook/telegram are handled only with the
// right `X-Telegram-Bot-Api-Secret-Token`; a wrong one gets 401 and changes nothing. Hostile bodies
// (issue 20 point 5): 400 for what is not an update, 413 above 1 MB, 401 before the body is read.
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../../../app/serve.ts";
import { createLogger } from "../../../app/logger.ts";
import { loadConfig } from "../../../app/config.ts";
import { issueLinkCode } from "../../../core/identity/issue-link-code.ts";
import { startFakeTelegramServer, type FakeTelegramServer, type FakeUser } from "../../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { setupExampleOrg } from "../../support/workflow.ts";

const TOKEN = "4545:webhook-token";
const SECRET = "webhook-secret-1234";
const CLERK: FakeUser = { id: 101, first_name: "Bình" };
const STRANGER: FakeUser = { id: 999, first_name: "Người lạ" };

let fake: FakeTelegramServer;
let service: RunningService;
let dataDir: string;
let pgDb: TestDatabase | undefined;
let hook: string;

beforeAll(async () => {
  fake = await startFakeTelegramServer({ token: TOKEN });
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-webhook-tg-"));
  if (process.env.DATABASE_URL) pgDb = await createTestDatabase();
  const config = loadConfig({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.apiRoot,
    BOT_MODE: "webhook",
    WEBHOOK_SECRET: SECRET,
    PUBLIC_BASE_URL: "https://edoc.example.gov.vn",
    DATA_DIR: dataDir,
    HTTP_PORT: "0",
    HTTP_HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    DATABASE_URL: pgDb?.url,
  });
  service = await startService({ config, logger: createLogger("silent"), role: "bots" });
  await setupExampleOrg(service.app.deps);
  hook = `http://127.0.0.1:${service.port}/webhook/telegram`;
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await fake?.close();
  await pgDb?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the webhook", () => {
  it("is registered with the secret, never polled", () => {
    expect(fake.webhook()).toMatchObject({ url: "https://edoc.example.gov.vn/webhook/telegram", secret_token: SECRET });
    expect(fake.callsTo("getUpdates")).toHaveLength(0);
  });

  it("handles an update with the right secret: /start CODE links the chat", async () => {
    const { code } = await issueLinkCode(service.app.deps, { userCode: "vanthu" });
    const res = await fake.postWebhook(hook, fake.command(CLERK, "start", code.replace("-", "")), SECRET);
    expect(res.status).toBe(200);
    const [reply] = await fake.waitForMessages(CLERK.id, 1, 15_000);
    expect(reply!.plain_text).toContain("Trần Thị Bình");
    expect(await service.app.deps.prisma.chatIdentity.count({ where: { externalUserId: String(CLERK.id), status: "ACTIVE" } })).toBe(1);
  });

  it("refuses a wrong secret (or none) with 401 and changes nothing", async () => {
    const { code } = await issueLinkCode(service.app.deps, { userCode: "chutich" });
    const prisma = service.app.deps.prisma;
    const before = { identities: await prisma.chatIdentity.count(), sends: fake.callsTo("sendMessage").length, updates: await prisma.processedUpdate.count() };
    const wrong = await fake.postWebhook(hook, fake.command(STRANGER, "start", code.replace("-", "")), "not-the-secret");
    expect(wrong.status).toBe(401);
    const res = await fetch(hook, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fake.command(STRANGER, "viec")) });
    expect(res.status).toBe(401);
    // The code was not spent: the person can still link with it through the real webhook. That answer
    // is the positive signal: the bot handled a later update, and the refused ones left no trace.
    expect((await fake.postWebhook(hook, fake.command(STRANGER, "start", code.replace("-", "")), SECRET)).status).toBe(200);
    expect((await fake.waitForMessages(STRANGER.id, 1, 15_000))[0]!.plain_text).toContain("Nguyễn Văn An");
    expect(fake.messages(STRANGER.id)).toHaveLength(1); // only the link's answer: neither refused update was answered
    expect(fake.callsTo("sendMessage")).toHaveLength(before.sends + 1);
    expect(await prisma.chatIdentity.count()).toBe(before.identities + 1);
    expect(await prisma.processedUpdate.count()).toBe(before.updates + 1);
  });

  it("answers a body that is not JSON, or not an update, with 400 (not 500: Telegram would redeliver it) and changes nothing", async () => {
    const prisma = service.app.deps.prisma;
    const before = { updates: await prisma.processedUpdate.count(), sends: fake.callsTo("sendMessage").length };
    for (const body of ['{"update_id": 77, "message": {', "[1, 2, 3]", '"text"', "{}"]) {
      const res = await fetch(hook, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, body });
      expect(res.status, body).toBe(400);
    }
    expect(await prisma.processedUpdate.count()).toBe(before.updates);
    expect(fake.callsTo("sendMessage")).toHaveLength(before.sends);
  });

  it("refuses a body over 1 MB with 413, whether declared or streamed, and handles nothing", async () => {
    const prisma = service.app.deps.prisma;
    const before = await prisma.processedUpdate.count();
    const update = { ...fake.command(STRANGER, "help"), padding: "x".repeat(2 * 1048576) };
    const body = Buffer.from(JSON.stringify(update));
    expect((await rawPost(hook, { "x-telegram-bot-api-secret-token": SECRET, "content-length": String(body.length) }, body)).status).toBe(413);
    // Chunked: no length declared, the limit applies while reading.
    expect((await rawPost(hook, { "x-telegram-bot-api-secret-token": SECRET, "transfer-encoding": "chunked" }, body)).status).toBe(413);
    expect(await prisma.processedUpdate.count()).toBe(before);
    expect(fake.messages(STRANGER.id).filter((m) => m.plain_text?.includes("/link")).length).toBeLessThanOrEqual(1);
  });

  it("without the secret, answers 401 before reading the body (200 MB declared, 4 KB sent)", async () => {
    const r = await rawPost(hook, { "content-length": String(200 * 1048576) }, Buffer.alloc(4096, 0x20), { keepOpen: true });
    expect(r.status).toBe(401);
    expect(r.sentBytes).toBe(4096);
  });
});

/**
 * A POST over a raw socket: writes `body` and, with `keepOpen`, leaves the request unfinished (the
 * rest of a declared length never comes). Resolves with the answer's status as soon as it arrives;
 * the server closing the connection on a refusal is expected, not an error.
 */
const rawPost = (url: string, headers: Record<string, string>, body: Buffer, opts: { keepOpen?: boolean } = {}): Promise<{ status: number; sentBytes: number }> =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { "content-type": "application/json", ...headers } });
    let sentBytes = 0;
    req.once("response", (res) => {
      resolve({ status: res.statusCode ?? 0, sentBytes });
      res.resume();
      req.destroy();
    });
    req.on("error", (err) => {
      if (!req.destroyed || sentBytes === 0) reject(err);
    });
    // In 64 KB pieces, so that a server that answers early stops the upload.
    for (let i = 0; i < body.length; i += 65536) {
      const piece = body.subarray(i, i + 65536);
      req.write(piece);
      sentBytes += piece.length;
    }
    if (!opts.keepOpen) req.end();
  });
