// Shared state for many machines (issue 20, point 6), PostgreSQL only (separate processes share only a
// PostgreSQL server; PGlite lives inside one process): with DATABASE_URL set, a file stored by one
// process is read by another that has a different DATA_DIR, and a link signed by one verifies on
// another: the file store and the generated secrets live in PostgreSQL, nothing is copied.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAppContext, type AppContext } from "../../app/context.ts";
import { loadFileLinkSecret } from "../../app/file-links.ts";
import { createLogger } from "../../app/logger.ts";
import { loadWebPushOptions } from "../../bots/web/web-push-keys.ts";
import { loadConfig } from "../../app/config.ts";
import { verifyFileLink } from "../../core/files/signed-links.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

const run = promisify(execFile);
const FIXTURE = "test/fixtures/sample-2-pages.pdf";

describe("many machines, one PostgreSQL", () => {
  let db: TestDatabase;
  const dirs: string[] = [];
  let here: AppContext;
  const machine = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "edoc-machine-"));
    dirs.push(dir);
    return dir;
  };
  /** Runs test/support/shared-state-child.ts as another process with its own DATA_DIR. */
  const elsewhere = async (dataDir: string, ...args: string[]) => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "test/support/shared-state-child.ts", ...args], {
      env: { ...process.env, DATABASE_URL: db.url!, DATA_DIR: dataDir, FILE_LINK_SECRET: "", VAPID_PUBLIC_KEY: "", VAPID_PRIVATE_KEY: "", FILE_STORE: "" },
      timeout: 120_000,
    });
    return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, string>;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    here = await openAppContext({ config: loadConfig({ DATABASE_URL: db.url, DATA_DIR: await machine() }), logger: createLogger("silent") });
  });
  afterAll(async () => {
    await here?.close();
    await db?.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("a scan stored by one process is read by another, and neither keeps it in its DATA_DIR", async () => {
    const bots = await machine();
    const stored = await elsewhere(bots, "put", FIXTURE);
    const pdf = await readFile(FIXTURE);
    expect(stored.sha256).toBe(createHash("sha256").update(pdf).digest("hex"));
    expect(Buffer.from(await here.deps.files.readBytes(stored.sha256!))).toEqual(pdf);
    expect(await readdir(bots)).not.toContain("files");
  });

  it("a link signed by one process verifies on another; both use the same VAPID key pair", async () => {
    const [a, b] = [await machine(), await machine()];
    const sha256 = "ab".repeat(32);
    const one = await elsewhere(a, "sign", sha256);
    const two = await elsewhere(b, "sign", sha256);
    const secretHere = await loadFileLinkSecret(here.config.dataDir, undefined, here.db.prisma);
    for (const signed of [one, two]) {
      const token = decodeURIComponent(new URL(signed.link!).pathname.slice("/files/".length));
      expect(verifyFileLink(secretHere, token, new Date())).toMatchObject({ sha256, userId: "user-1" });
    }
    const push = await loadWebPushOptions({ dataDir: here.config.dataDir, env: {}, prisma: here.db.prisma });
    expect(new Set([one.vapidPublicKey, two.vapidPublicKey, push.vapid.publicKey]).size).toBe(1);
    expect(push.keySource).toBe("database");
    // Nothing was written to the machines' secrets directories.
    for (const dir of [a, b]) expect(await readdir(dir)).not.toContain("secrets");
  });
});
