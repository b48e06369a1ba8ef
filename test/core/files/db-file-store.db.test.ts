// The file store in the database (issue 20, point 6): the FileStore contract, chunking, and what an
// interrupted or concurrent write leaves behind. Runs on PGlite and, with DATABASE_URL, PostgreSQL.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDbFileStore, withLegacyFallback } from "../../../core/files/db-file-store.ts";
import { createFsFileStore } from "../../../core/files/file-store.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";
import { collect, contract, sha } from "./file-store-contract.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.close());

/** Each test of the contract starts from an empty store. */
const emptied = async (opts: { chunkBytes?: number } = {}) => {
  await db.prisma.fileBlobChunk.deleteMany();
  await db.prisma.fileBlob.deleteMany();
  return createDbFileStore(db.prisma, opts);
};

contract("database", () => emptied());
// Tiny chunks: every small test of the contract crosses chunk boundaries (the megabytes one would
// take half a million rows).
contract("database, 7-byte chunks", () => emptied({ chunkBytes: 7 }), { big: false });

const content = new TextEncoder().encode("Quyết định số 12/QĐ-UBND về việc giao chỉ tiêu");

describe("createDbFileStore", () => {
  beforeEach(async () => {
    await db.prisma.fileBlobChunk.deleteMany();
    await db.prisma.fileBlob.deleteMany();
  });

  it("keeps the bytes in chunks of the given size, in order", async () => {
    const store = createDbFileStore(db.prisma, { chunkBytes: 10 });
    const { sha256 } = await store.put(content);
    const blob = await db.prisma.fileBlob.findUniqueOrThrow({ where: { sha256 } });
    const chunks = await db.prisma.fileBlobChunk.findMany({ where: { blobId: blob.blobId }, orderBy: { seq: "asc" } });
    expect(blob.chunkCount).toBe(Math.ceil(content.byteLength / 10));
    expect(chunks.map((c) => c.data.byteLength)).toEqual([...Array(blob.chunkCount - 1).fill(10), content.byteLength % 10 || 10]);
    expect(Buffer.concat(chunks.map((c) => c.data))).toEqual(Buffer.from(content));
  });

  it("leaves nothing when the source stream fails midway", async () => {
    const store = createDbFileStore(db.prisma, { chunkBytes: 8 });
    const failing = (async function* () {
      yield Buffer.from("first half of a scan, several chunks long");
      throw new Error("connection reset");
    })();
    await expect(store.put(failing)).rejects.toThrow("connection reset");
    expect(await db.prisma.fileBlob.count()).toBe(0);
    expect(await db.prisma.fileBlobChunk.count()).toBe(0);
  });

  it("stores the same content once when many puts race, and keeps no stray chunks", async () => {
    const store = createDbFileStore(db.prisma, { chunkBytes: 16 });
    const results = await Promise.all(Array.from({ length: 8 }, () => store.put(content)));
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha(content)]));
    expect(await db.prisma.fileBlob.count()).toBe(1);
    expect(await db.prisma.fileBlobChunk.count()).toBe(Math.ceil(content.byteLength / 16));
    expect(await store.readBytes(sha(content))).toEqual(content);
  });

  it("deletes the chunks of an interrupted write (never those of stored content)", async () => {
    const store = createDbFileStore(db.prisma);
    await store.put(content);
    await db.prisma.fileBlobChunk.create({
      data: { blobId: "00000000-0000-0000-0000-00000000dead", seq: 0, data: new Uint8Array([1, 2, 3]), createdAt: new Date("2026-01-01T00:00:00Z") },
    });
    expect(await store.deleteUnnamedChunks(new Date("2026-06-01T00:00:00Z"))).toBe(1);
    expect(await db.prisma.fileBlobChunk.count()).toBe(1);
    expect(await store.readBytes(sha(content))).toEqual(content);
  });

  it("with a legacy directory: reads what an older version stored there, writes to the database", async () => {
    const legacy = createFsFileStore(mkdtempSync(join(tmpdir(), "edoc-legacy-files-")));
    const old = await legacy.put(content);
    const store = withLegacyFallback(createDbFileStore(db.prisma), legacy);
    expect(await store.has(old.sha256)).toBe(true);
    expect(await collect(await store.read(old.sha256))).toEqual(content);
    const fresh = await store.put(new TextEncoder().encode("tệp mới"));
    expect(await legacy.has(fresh.sha256)).toBe(false);
    expect(await db.prisma.fileBlob.count()).toBe(1);
    expect(await store.delete(old.sha256)).toBe(true);
    expect(await legacy.has(old.sha256)).toBe(false);
  });
});
