// The service's wiring of the audit checkpoints (app/context.ts, app/serve.ts): written at start, after
// the commits that append events (through core's use cases), and at stop, to DATA_DIR/audit/checkpoint.json.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService } from "../../app/serve.ts";
import { appendAuditEvent } from "../../core/audit/append-audit-event.ts";
import { loadConfig } from "../../app/config.ts";
import { issueLinkCode } from "../../core/identity/issue-link-code.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { setupExampleOrg } from "../support/workflow.ts";

let dataDir: string;
let pgDb: TestDatabase | undefined;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "edoc-service-audit-"));
  // On PostgreSQL the service gets its own database; on PGlite its own DATA_DIR/pg.
  if (process.env.DATABASE_URL) pgDb = await createTestDatabase();
});
afterAll(async () => {
  await pgDb?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const config = () => loadConfig({ DATA_DIR: dataDir, HTTP_PORT: "0", HTTP_HOST: "127.0.0.1", LOG_LEVEL: "silent", DATABASE_URL: pgDb?.url });
const stored = async () => (JSON.parse(await readFile(path.join(dataDir, "audit", "checkpoint.json"), "utf8")) as { latest: { seq: string; hash: string } }).latest;

describe("the service checkpoints the audit chain's head", () => {
  it("after use cases commit, at stop, and at start", { timeout: 240_000 }, async () => {
    let headBefore = 0n;
    const service = await startService({ config: config(), logger: pino({ level: "silent" }) });
    try {
      // Use cases through the service's deps: the hooked client checkpoints after their commits.
      const org = await setupExampleOrg(service.app.deps);
      await issueLinkCode(service.app.deps, { userCode: "vanthu" });
      await service.app.deps.auditCheckpoint!.close(); // writes what the commits left pending, now
      const head = await service.app.db.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
      expect(await stored()).toMatchObject({ seq: String(head.seq), hash: head.hash });
      expect(org.users.vanthu).toBeDefined();
      headBefore = head.seq;

      // An event the hook does not see (the raw client): the stop writes it.
      await service.app.db.prisma.$transaction((tx) => appendAuditEvent(tx, { type: "action.refused", at: new Date(), entityType: "Action" }));
    } finally {
      await service.stop();
    }
    const afterStop = await stored();
    expect(afterStop.seq).not.toBe(String(headBefore));

    // At start: with no checkpoint file (a new installation on an existing database), the start writes one.
    await rm(path.join(dataDir, "audit", "checkpoint.json"));
    const again = await startService({ config: config(), logger: pino({ level: "silent" }) });
    try {
      const head = await again.app.db.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
      expect(afterStop).toMatchObject({ seq: String(head.seq), hash: head.hash });
      expect(await stored()).toMatchObject({ seq: String(head.seq), hash: head.hash });
    } finally {
      await again.stop();
    }
  });
});
