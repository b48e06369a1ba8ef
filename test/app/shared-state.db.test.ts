// Generated secrets (file-link key, VAPID keys) live in the database (issue 20, point 6): an older
// version's keys in DATA_DIR/secrets are taken over, and processes starting together agree on one key.
// Across processes on PostgreSQL: many-machines.pg.test.ts.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadFileLinkSecret } from "../../app/file-links.ts";
import { loadWebPushOptions } from "../../bots/web/web-push-keys.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

describe("generated secrets in the database", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), "edoc-secrets-"));
  });
  // Each test starts from a database that holds no key yet (tests run in random order).
  beforeEach(async () => {
    await db.prisma.generatedSecret.deleteMany();
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("takes over the keys an older version kept in DATA_DIR/secrets, so links and push subscriptions already out keep working", async () => {
    await rm(path.join(dir, "secrets"), { recursive: true, force: true });
    const legacyLinkKey = await loadFileLinkSecret(dir);
    const legacyPush = await loadWebPushOptions({ dataDir: dir, env: {} });
    expect(legacyPush.keySource).toBe("generated");
    expect(await loadFileLinkSecret(dir, undefined, db.prisma)).toBe(legacyLinkKey);
    const push = await loadWebPushOptions({ dataDir: dir, env: {}, prisma: db.prisma });
    expect(push).toMatchObject({ keySource: "database", vapid: { publicKey: legacyPush.vapid.publicKey, privateKey: legacyPush.vapid.privateKey } });
    // From now on the database's copy is the one: another DATA_DIR gets the same keys.
    const other = await mkdtemp(path.join(os.tmpdir(), "edoc-secrets-"));
    expect(await loadFileLinkSecret(other, undefined, db.prisma)).toBe(legacyLinkKey);
    await rm(other, { recursive: true, force: true });
    // The environment still wins.
    expect(await loadFileLinkSecret(dir, "from-the-environment-0123456789abcdef", db.prisma)).toBe("from-the-environment-0123456789abcdef");
  });

  it("of processes starting together, all get the one key that was stored first", async () => {
    const keys = await Promise.all(Array.from({ length: 6 }, async () => loadFileLinkSecret(await mkdtemp(path.join(dir, "machine-")), undefined, db.prisma)));
    expect(new Set(keys).size).toBe(1);
    expect(await db.prisma.generatedSecret.count({ where: { name: "file-link-key" } })).toBe(1);
  });
});
