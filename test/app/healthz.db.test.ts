// /healthz tells the truth (issue 16): a real query against the database, 503 with the reason when it
// fails, logged once when the database goes away and once when it is back — not a 500 per request.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../../app/serve.ts";
import { loadConfig } from "../../app/config.ts";
import { createTestDatabase } from "../support/test-db.ts";

let service: RunningService;
let dataDir: string;
let pgDb: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
const logged: { level: number; msg?: string; reason?: string }[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-healthz-"));
  if (process.env.DATABASE_URL) pgDb = await createTestDatabase();
  const config = loadConfig({ DATA_DIR: dataDir, HTTP_PORT: "0", HTTP_HOST: "127.0.0.1", LOG_LEVEL: "silent", DATABASE_URL: pgDb?.url });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) logged.push(JSON.parse(line) as { level: number; msg?: string });
      done();
    },
  });
  service = await startService({ config, logger: pino({ level: "info" }, sink), role: "all" });
}, 120_000);

afterAll(async () => {
  await service?.stop();
  await pgDb?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const breakDatabase = async (broken: boolean) => {
  if (!pgDb) {
    const [from, to] = broken ? ["_prisma_migrations", "_prisma_migrations_away"] : ["_prisma_migrations_away", "_prisma_migrations"];
    await service.app.db.prisma.$executeRawUnsafe(`ALTER TABLE "${from}" RENAME TO "${to}"`);
    return;
  }
  const name = new URL(pgDb.url!).pathname.slice(1);
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${broken ? "false" : "true"}`);
    // Wait (up to 10 s) until each of its connections is gone.
    if (broken) await admin.query(`SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1`, [name]);
  } finally {
    await admin.end();
  }
};

const health = async () => {
  const res = await fetch(`http://127.0.0.1:${service.port}/healthz`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; database: string; reason?: string } };
};

describe("/healthz", () => {
  it("answers 503 with the reason when a real query fails, logs it once, and recovers", async () => {
    expect(await health()).toMatchObject({ status: 200, body: { ok: true, database: "up" } });
    // Take the database away: on PostgreSQL the server refuses the service's connections; on PGlite (one
    // process, nothing to disconnect) what the probe reads disappears — a connection that answers
    // `SELECT 1` is not a working database.
    await breakDatabase(true);
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ ok: false, database: "down" });
    expect(down.body.reason).toMatch(pgDb ? /not currently accepting connections|terminat/ : /_prisma_migrations/);
    expect((await health()).status).toBe(503);
    expect(logged.filter((l) => l.msg?.startsWith("database unreachable"))).toHaveLength(1);
    expect(logged.find((l) => l.msg?.startsWith("database unreachable"))?.level).toBe(50);

    await breakDatabase(false);
    expect(await health()).toMatchObject({ status: 200, body: { ok: true, database: "up" } });
    expect(logged.filter((l) => l.msg === "database reachable again")).toHaveLength(1);
  });
});
