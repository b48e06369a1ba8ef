// Which file store the composition root opens (app/context.ts openFileStore), and that FILE_STORE=s3
// keeps earlier files readable: new files go to the bucket (the real SDK against the fake S3 server),
// files not found there are read from the database store and from DATA_DIR/files.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openFileStore } from "../../app/context.ts";
import { loadConfig } from "../../app/config.ts";
import { createDbFileStore } from "../../core/files/db-file-store.ts";
import { createFsFileStore } from "../../core/files/file-store.ts";
import { startFakeS3Server, type FakeS3Server } from "../support/fake-s3-server.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

const KEY_ID = "AKIAEDOCTEST0001";
let db: TestDatabase;
let s3: FakeS3Server;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  s3 = await startFakeS3Server({ buckets: ["edoc-files"], accessKeyId: KEY_ID });
});
afterAll(async () => {
  await s3?.close();
  await db?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  dataDir = await mkdtemp(join(tmpdir(), "edoc-open-store-"));
  s3.objects.clear();
});

const bytes = (text: string) => new TextEncoder().encode(text);
const s3Env = () => ({
  FILE_STORE: "s3",
  S3_ENDPOINT: s3.endpoint,
  S3_BUCKET: "edoc-files",
  S3_ACCESS_KEY_ID: KEY_ID,
  S3_SECRET_ACCESS_KEY: "edoc-test-secret-key-1",
  DATA_DIR: dataDir,
});

describe("openFileStore", () => {
  it("FILE_STORE=s3: new files go to the bucket; files kept in the database or DATA_DIR/files are still read", async () => {
    // openFileStore only asks whether DATABASE_URL is set; the database it reads is this test's.
    const config = loadConfig({ ...s3Env(), DATABASE_URL: db.url ?? "postgresql://127.0.0.1/this-tests-database" });
    const files = await openFileStore(config, db);
    const inDatabase = await createDbFileStore(db.prisma).put(bytes(`Tờ trình lưu trong cơ sở dữ liệu ${Math.random()}`));
    const inLocal = await createFsFileStore(join(dataDir, "files")).put(bytes("Công văn lưu trong DATA_DIR/files"));
    const fresh = await files.put(bytes("Quyết định mới, lưu vào bucket"));
    expect([...s3.objects.keys()]).toEqual([`edoc-files/${fresh.sha256}`]);
    expect(new TextDecoder().decode(await files.readBytes(inDatabase.sha256))).toMatch(/^Tờ trình lưu trong cơ sở dữ liệu/);
    expect(new TextDecoder().decode(await files.readBytes(inLocal.sha256))).toBe("Công văn lưu trong DATA_DIR/files");
    expect(new TextDecoder().decode(await files.readBytes(fresh.sha256))).toBe("Quyết định mới, lưu vào bucket");
    await createDbFileStore(db.prisma).delete(inDatabase.sha256);
  });

  it("FILE_STORE=s3 without DATABASE_URL: the bucket, then DATA_DIR/files", async () => {
    const files = await openFileStore(loadConfig(s3Env()), db);
    const inLocal = await createFsFileStore(join(dataDir, "files")).put(bytes("Biên bản cũ"));
    const fresh = await files.put(bytes("Biên bản mới"));
    expect(s3.objects.has(`edoc-files/${fresh.sha256}`)).toBe(true);
    expect(await files.has(inLocal.sha256)).toBe(true);
    expect(s3.objects.has(`edoc-files/${inLocal.sha256}`)).toBe(false);
  });

  it("without FILE_STORE and DATABASE_URL: DATA_DIR/files, and nothing reaches the bucket", async () => {
    const files = await openFileStore(loadConfig({ DATA_DIR: dataDir }), db);
    const { sha256 } = await files.put(bytes("Giấy mời họp"));
    expect(await createFsFileStore(join(dataDir, "files")).has(sha256)).toBe(true);
    expect(s3.requests.filter((r) => r.key === sha256)).toEqual([]);
  });
});
