// The queue dashboard through the real service wiring: BullMQ on Redis, HTTP Basic with ADMIN_TOKEN.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../../app/serve.ts";
import { createLogger } from "../../app/logger.ts";
import { loadConfig } from "../../app/config.ts";

const TOKEN = "a-very-long-admin-token-for-tests";
let dir: string;
let service: RunningService;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "edoc-dash-"));
  const config = loadConfig({
    DATA_DIR: dir,
    HTTP_PORT: "0",
    HTTP_HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    ADMIN_TOKEN: TOKEN,
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  });
  service = await startService({ config, logger: createLogger("silent"), role: "bots" });
});
afterAll(async () => {
  await service?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("/admin/queues", () => {
  it("asks for the admin token, refuses a wrong one, and shows the queues with the right one", async () => {
    const url = `http://127.0.0.1:${service.port}/admin/queues/api/queues`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Basic");
    const wrong = await fetch(url, { headers: { authorization: `Basic ${Buffer.from("admin:nope").toString("base64")}` } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString("base64")}` } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name)).toEqual(expect.arrayContaining(["outbox.deliver", "reminder.sweep", "digest.daily"]));
    const page = await fetch(`http://127.0.0.1:${service.port}/admin/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<html");
    // Its script comes from bull-board's static files (relative to <base href="/admin/queues/">), served below the same path and token.
    const asset = /src="(static\/js\/main[^"]+)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const assetUrl = `http://127.0.0.1:${service.port}/admin/queues/${asset}`;
    expect((await fetch(assetUrl)).status).toBe(401);
    const file = await fetch(assetUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});
