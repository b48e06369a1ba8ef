// The Zalo bot as the service wires it (app/serve.ts, BOT_MODE=polling) when it cannot hear anyone:
// a webhook left set on the platform (here: set by "another process", and deleteWebhook fails).
// The service stays up and /healthz says it is degraded and why (the log line and the office alert
// are checked in test/bots/zalo/zalo-bot.db.test.ts).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../../app/serve.ts";
import { createLogger } from "../../app/logger.ts";
import { createZaloClient } from "../../bots/zalo/zalo-client.ts";
import { loadConfig } from "../../app/config.ts";
import { startFakeZaloServer, type FakeZaloServer } from "../support/fake-zalo-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

const TOKEN = "6262:service-zalo-token";
const OTHER_HOOK = "https://other-process.example/zalo";

let fake: FakeZaloServer;
let service: RunningService;
let dataDir: string;
let pgDb: TestDatabase | undefined;

beforeAll(async () => {
  fake = await startFakeZaloServer({ token: TOKEN });
  await createZaloClient({ token: TOKEN, apiBase: fake.apiBase }).setWebhook({ url: OTHER_HOOK, secret_token: "another-process-secret" });
  fake.failNext("deleteWebhook", { error_code: 500, description: "Internal error" });
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-service-zalo-"));
  if (process.env.DATABASE_URL) pgDb = await createTestDatabase();
  const config = loadConfig({
    ZALO_BOT_TOKEN: TOKEN,
    ZALO_API_BASE: fake.apiBase,
    BOT_MODE: "polling",
    DATA_DIR: dataDir,
    HTTP_PORT: "0",
    HTTP_HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    DATABASE_URL: pgDb?.url,
  });
  service = await startService({ config, logger: createLogger("silent"), role: "bots" });
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await fake?.close();
  await pgDb?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("a deaf Zalo bot in the service", () => {
  it("/healthz stays 200 but reports the bot as degraded, with the reason", async () => {
    const res = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; degraded?: string[] };
    expect(body.ok).toBe(true);
    expect(body.degraded).toEqual([expect.stringContaining(`zalo: webhookSet (${OTHER_HOOK})`)]);
    expect(fake.webhook?.url).toBe(OTHER_HOOK);
  });
});
