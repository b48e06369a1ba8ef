// A pending file (issue 20: a 49 MB scan kept for a form used to be base64 inside JSON rows): kept
// from its temporary file as raw 1 MiB pieces (PendingFileChunk), read back byte for byte at /ok, and
// every piece deleted when discarded or cleared. Runs on PGlite (through Prisma) and, with
// DATABASE_URL, on PostgreSQL (through the pool, binary parameters).
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openConversation, PENDING_FILE_CHUNK_BYTES } from "../../../bots/shared/conversation.ts";
import { createConversationStore } from "../../../core/conversations/conversation-store.ts";
import { createTestDatabase, type TestDatabase } from "../../support/test-db.ts";

let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "edoc-pending-chunks-"));
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.prisma.conversationState.deleteMany();
  await db.prisma.pendingFileChunk.deleteMany();
});

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const conversation = (chatId: string) => openConversation(createConversationStore({ prisma: db.prisma, clock: { now: () => new Date() } }), "WEB", chatId, 60_000);
const fileRows = async () => (await db.prisma.pendingFileChunk.findMany({ select: { fileKey: true, seq: true } })).map((r) => `${r.fileKey}:${r.seq}`).sort();

/** A file of `bytes` random bytes on disk, as the web chat receives an upload. */
const onDisk = async (name: string, bytes: number) => {
  const content = randomBytes(bytes);
  const path = join(dir, name);
  await writeFile(path, content);
  return { content, file: { path, size: bytes, fileName: `${name}.pdf`, mime: "application/pdf" } };
};

describe("pending files in chunks", () => {
  it("keeps a file on disk larger than a chunk in 1 MiB entries and reads it back byte for byte", async () => {
    const { content, file } = await onDisk("big", 2 * PENDING_FILE_CHUNK_BYTES + 12_345);
    const conv = conversation("c1");
    const kept = await conv.putFile(file);
    expect(kept).toMatchObject({ chunks: 3, size: content.byteLength, fileName: "big.pdf", mime: "application/pdf" });
    expect(await fileRows()).toEqual([`${kept.key}:0`, `${kept.key}:1`, `${kept.key}:2`]);
    const back = await conv.readFile(kept);
    expect(back.bytes.byteLength).toBe(content.byteLength);
    expect(sha(back.bytes)).toBe(sha(content));
    expect(back).toMatchObject({ fileName: "big.pdf", mime: "application/pdf" });
  });

  it("keeps a small file, on disk or in memory, as one piece", async () => {
    const { content, file } = await onDisk("small", 1000);
    const conv = conversation("c2");
    const fromDisk = await conv.putFile(file);
    expect(fromDisk.chunks).toBe(1);
    const inMemory = await conv.putFile({ bytes: new Uint8Array(content), fileName: "photo.jpg" });
    expect(inMemory.chunks).toBe(1);
    expect(await fileRows()).toEqual([`${fromDisk.key}:0`, `${inMemory.key}:0`].sort());
    expect(sha((await conv.readFile(fromDisk)).bytes)).toBe(sha(content));
    expect(sha((await conv.readFile(inMemory)).bytes)).toBe(sha(content));
  });

  it("deletes every chunk when the files are discarded (a document that turned out secret)", async () => {
    const { file } = await onDisk("secret", PENDING_FILE_CHUNK_BYTES * 2 + 1);
    const other = await onDisk("other-chat", 10);
    const conv = conversation("c3");
    const kept = await conv.putFile(file);
    const otherKept = await conversation("c4").putFile(other.file);
    await conv.discardFiles([kept]);
    expect(await fileRows()).toEqual([`${otherKept.key}:0`]);
  });

  it("deletes every chunk of a form's files when the conversation is cleared", async () => {
    const { file } = await onDisk("form", PENDING_FILE_CHUNK_BYTES + 1);
    const conv = conversation("c5");
    const kept = await conv.putFile(file);
    await conv.set({ kind: "register", fields: {}, files: [kept] });
    expect(await fileRows()).toHaveLength(2);
    await conv.clear();
    expect(await fileRows()).toEqual([]);
    expect(await conv.get()).toBeNull();
  });

  it("answers FILE_NOT_FOUND when a chunk is gone (the conversation outlived its file)", async () => {
    const { file } = await onDisk("expired", PENDING_FILE_CHUNK_BYTES + 1);
    const conv = conversation("c6");
    const kept = await conv.putFile(file);
    await db.prisma.pendingFileChunk.deleteMany({ where: { fileKey: kept.key, seq: 1 } });
    await expect(conv.readFile(kept)).rejects.toMatchObject({ code: "FILE_NOT_FOUND" });
  });

  it("round-trips a 7 MB scan byte for byte as raw bytes, and a discarded form leaves none of its pieces", async () => {
    const size = 7 * 1024 * 1024 + 321;
    const { content, file } = await onDisk("scan7", size);
    const conv = conversation("c7");
    const kept = await conv.putFile(file);
    expect(kept).toMatchObject({ chunks: 8, size });
    // Stored as the bytes themselves (bytea), not as base64 text: the pieces add up to the file.
    const stored = await db.prisma.$queryRawUnsafe<{ bytes: number }[]>(`SELECT sum(octet_length("data"))::int AS bytes FROM "PendingFileChunk" WHERE "fileKey" = $1`, kept.key);
    expect(stored[0]!.bytes).toBe(size);
    expect(await db.prisma.conversationState.count()).toBe(0);
    const back = await conv.readFile(kept);
    expect(sha(back.bytes)).toBe(sha(content));
    // The form is dropped (/huy clears the conversation): every piece goes.
    await conv.set({ kind: "register", fields: {}, files: [kept] });
    await conv.clear();
    expect(await fileRows()).toEqual([]);
  });

  it("answers FILE_NOT_FOUND once a kept file has expired", async () => {
    let now = new Date("2026-12-06T08:00:00Z");
    const store = createConversationStore({ prisma: db.prisma, clock: { now: () => now } });
    const conv = openConversation(store, "WEB", "c8", 60_000);
    const { content, file } = await onDisk("late", 5000);
    const kept = await conv.putFile(file);
    now = new Date(now.getTime() + 59_000);
    expect(sha((await conv.readFile(kept)).bytes)).toBe(sha(content));
    now = new Date(now.getTime() + 2_000);
    await expect(conv.readFile(kept)).rejects.toMatchObject({ code: "FILE_NOT_FOUND" });
  });
});
