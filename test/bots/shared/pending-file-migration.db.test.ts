// Pending files kept before the pieces became raw bytes (base64 inside ConversationState's JSON, a
// small file as one `<key>` entry, a larger one as `<key>:<seq>` entries) are moved by the migration
// 20261206123806_pending_file_chunks: a form started before the upgrade is confirmed with its files
// intact afterwards. Runs on an empty database (PGlite, or PostgreSQL with DATABASE_URL).
import { createHash, randomBytes } from "node:crypto";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { openConversation, type PendingFile } from "../../../bots/shared/conversation.ts";
import type { RegisterState } from "../../../bots/shared/features/register.ts";
import { createConversationStore } from "../../../core/conversations/conversation-store.ts";
import { openDatabase, type Database } from "../../../core/store/client.ts";
import { DEFAULT_MIGRATIONS_DIR, migrate } from "../../../core/store/migrate.ts";
import { pgClientRunner, pgliteRunner, type SqlRunner } from "../../../core/store/sql.ts";
import { withDatabase } from "../../support/pg-url.ts";

const MIGRATION = "20261206123806_pending_file_chunks";
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** An empty database: a runner for migrations and raw rows, and a way to open the service's client on it. */
const emptyDatabase = async (): Promise<{ sql: SqlRunner; open: () => Promise<Database> }> => {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const pglite = await PGlite.create("memory://");
    cleanups.push(() => pglite.close());
    return { sql: pgliteRunner(pglite), open: () => openDatabase({ pglite, migrate: false }) };
  }
  const name = `edoc_pfmig_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const client = new pg.Client({ connectionString: withDatabase(url, name) });
  await client.connect();
  cleanups.push(async () => {
    await client.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  return { sql: pgClientRunner(client), open: () => openDatabase({ databaseUrl: withDatabase(url, name), migrate: false }) };
};

/** A copy of the migrations that stops just before `MIGRATION`. */
const migrationsBefore = async (): Promise<string> => {
  const dir = await mkdtemp(path.join(tmpdir(), "edoc-pfmig-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (const entry of await readdir(DEFAULT_MIGRATIONS_DIR)) {
    if (entry >= MIGRATION && entry !== "migration_lock.toml") continue;
    await cp(path.join(DEFAULT_MIGRATIONS_DIR, entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
};

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe(`migration ${MIGRATION}`, () => {
  it("moves base64 pending files into raw pieces that read back byte for byte, and leaves the form's state alone", async () => {
    const { sql, open } = await emptyDatabase();
    await migrate(sql, { dir: await migrationsBefore() });

    // A registration in progress, stored the old way: a 2.5 MiB scan in three entries, a photo in one.
    const conv = "conv:WEB:chat-1";
    const scan = randomBytes(2.5 * 1024 * 1024);
    const photo = randomBytes(3000);
    const scanFile: PendingFile = { key: `${conv}:file:AbC-d_12`, chunks: 3, size: scan.byteLength, fileName: "scan.pdf", mime: "application/pdf", kind: "pdf", pageCount: 1 };
    const photoFile: PendingFile = { key: `${conv}:file:Zz9_-xYw`, size: photo.byteLength, fileName: "anh.jpg", kind: "jpeg" };
    const state: RegisterState = { kind: "register", fields: { subject: "Về việc thử" }, files: [scanFile, photoFile] };
    const expires = "2099-01-01 00:00:00";
    const put = (key: string, value: unknown) =>
      sql.query(`INSERT INTO "ConversationState" ("key", "value", "expiresAt", "updatedAt") VALUES ($1, $2::jsonb, $3::timestamp(3), now())`, [
        key,
        JSON.stringify(value),
        expires,
      ]);
    await put(conv, state);
    for (let i = 0; i < 3; i++) await put(`${scanFile.key}:${i}`, { b64: scan.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024).toString("base64") });
    await put(photoFile.key, { b64: photo.toString("base64") });

    // This migration first; later ones (if any) follow it.
    expect((await migrate(sql)).applied[0]).toBe(MIGRATION);

    const keys = await sql.query<{ key: string }>(`SELECT "key" FROM "ConversationState"`);
    expect(keys.map((r) => r.key)).toEqual([conv]);
    const pieces = await sql.query<{ fileKey: string; seq: number; bytes: number }>(
      `SELECT "fileKey", "seq", octet_length("data") AS bytes FROM "PendingFileChunk" ORDER BY "fileKey", "seq"`,
    );
    expect(pieces).toEqual(
      [
        { fileKey: scanFile.key, seq: 0, bytes: 1024 * 1024 },
        { fileKey: scanFile.key, seq: 1, bytes: 1024 * 1024 },
        { fileKey: scanFile.key, seq: 2, bytes: 512 * 1024 },
        { fileKey: photoFile.key, seq: 0, bytes: 3000 },
      ].sort((a, b) => (a.fileKey < b.fileKey ? -1 : a.fileKey > b.fileKey ? 1 : a.seq - b.seq)),
    );

    // The service after the upgrade reads the form and its files as they were sent.
    const db = await open();
    try {
      const conversation = openConversation(createConversationStore({ prisma: db.prisma, clock: { now: () => new Date() } }), "WEB", "chat-1", 60_000);
      const read = (await conversation.get()) as RegisterState;
      expect(read.files).toEqual([scanFile, photoFile]);
      expect(sha((await conversation.readFile(read.files[0]!)).bytes)).toBe(sha(scan));
      expect(sha((await conversation.readFile(read.files[1]!)).bytes)).toBe(sha(photo));
      await conversation.clear();
      expect(await db.prisma.pendingFileChunk.count()).toBe(0);
    } finally {
      await db.close();
    }
  }, 180_000); // two full migrations of an empty database: slow on a loaded machine
});
