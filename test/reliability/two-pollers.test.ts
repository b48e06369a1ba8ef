// Two `edoc serve` processes long-polling one Telegram token (a rolling restart, two replicas, a
// developer's copy with the production token; issue 20, point 1). Telegram answers the replaced
// getUpdates with 409; before, @grammyjs/runner rethrew it and the process died on the unhandled
// rejection, taking its web chat and HTTP down. Now: both stay up, each says once what to do, and
// every update is answered once (the dedupe table is shared through PostgreSQL).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegramServer, type FakeTelegramServer, type FakeUser } from "../support/fake-telegram-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { requirePostgres, spawnServe, type ServeProcess } from "./harness.ts";

const TOKEN = "7009:two-pollers-token";
const ADVICE = "another process polls this token: use BOT_MODE=webhook to run several";

let db: TestDatabase;
let fake: FakeTelegramServer;
const dirs: string[] = [];
const services: ServeProcess[] = [];

beforeAll(async () => {
  requirePostgres();
  db = await createTestDatabase();
  fake = await startFakeTelegramServer({ token: TOKEN });
});
afterAll(async () => {
  for (const s of services) await s.stop();
  await fake?.close();
  await db?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const start = async (): Promise<ServeProcess> => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-rel-pollers-"));
  dirs.push(dataDir);
  const s = await spawnServe({ DATABASE_URL: db.url!, DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, BOT_MODE: "polling" });
  services.push(s);
  return s;
};
const conflicts = () => fake.callsTo("getUpdates").filter((c) => c.status === 409).length;

describe("two processes polling one token", () => {
  it("both stay up and serve, say once what to do, and answer each update once", { timeout: 400_000 }, async () => {
    const [a, b] = [await start(), await start()];
    await fake.waitFor(() => conflicts() >= 2, 120_000, "409s between the two pollers");

    const people: FakeUser[] = Array.from({ length: 10 }, (_, i) => ({ id: 790_000 + i, first_name: `Khách ${i}` }));
    for (const p of people) fake.pushUpdate(fake.command(p, "help"));
    for (const p of people) await fake.waitForMessages(p.id, 1, 150_000);
    const seen = conflicts();
    await fake.waitFor(() => conflicts() >= seen + 2, 150_000, "more 409s after the answers");

    for (const s of [a, b]) {
      expect(s.child.exitCode, s.output().slice(-3000)).toBeNull();
      expect((await fetch(`http://127.0.0.1:${s.port}/healthz`)).status).toBe(200);
      expect(s.output().split(ADVICE).length - 1).toBeLessThanOrEqual(1);
      expect(s.output()).not.toContain("unhandled promise rejection");
    }
    expect(a.output().includes(ADVICE) || b.output().includes(ADVICE)).toBe(true);
    for (const p of people) expect(fake.messages(p.id), `answers to ${p.id}`).toHaveLength(1);

    for (const s of services.splice(0)) {
      await s.stop();
      expect(await s.exited).toBe(0);
    }
  });
});
