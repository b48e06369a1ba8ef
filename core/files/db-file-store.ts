// The file store inside the database (issue 20): with DATABASE_URL set, every process of the
// deployment — bots and jobs, on any machine — reaches the same files without a shared disk.
// Content-addressed like the local store; streamed in and out in chunks, so a 50 MB scan never sits
// in memory whole.
import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { DomainError } from "../errors.ts";
import type { Db } from "../store/client.ts";
import { forgetQueryArgs } from "../store/forget-query-args.ts";
import { isSha256Hex, type FileContent, type FileStore } from "./file-store.ts";
import { rechunk } from "./rechunk.ts";

/** Size of one stored chunk. @defaultValue 1 MiB */
export const DB_FILE_CHUNK_BYTES = 1024 * 1024;

const notFound = (sha256: string) => new DomainError("FILE_NOT_FOUND", "intake.fileNotFound", { sha256 });

/**
 * A `FileStore` in the database's `FileBlob` / `FileBlobChunk` tables. `put` writes the chunks under
 * a fresh `blobId` while hashing, then names them with one row (`sha256` → `blobId`); when that content
 * is already stored (or another process stored it meanwhile), the new chunks are deleted again. A
 * crash mid-write leaves only unnamed chunks (`deleteUnnamedChunks` removes them). `read` fetches one
 * chunk at a time as the reader consumes the stream.
 */
export const createDbFileStore = (
  prisma: Db,
  { chunkBytes = DB_FILE_CHUNK_BYTES }: { chunkBytes?: number } = {},
): FileStore & {
  /** Deletes chunks left by writes interrupted before `olderThan`; returns how many. */
  deleteUnnamedChunks(olderThan: Date): Promise<number>;
} => {
  const blobOf = async (sha256: string) => (isSha256Hex(sha256) ? prisma.fileBlob.findUnique({ where: { sha256 } }) : null);

  return {
    async put(content) {
      const blobId = randomUUID();
      const hash = createHash("sha256");
      let size = 0;
      let seq = 0;
      try {
        for await (const chunk of rechunk(content, chunkBytes)) {
          hash.update(chunk);
          size += chunk.byteLength;
          await prisma.fileBlobChunk.create({ data: { blobId, seq, data: new Uint8Array(chunk) } });
          seq += 1;
        }
        const sha256 = hash.digest("hex");
        const { count } = await prisma.fileBlob.createMany({ data: [{ sha256, blobId, size: BigInt(size), chunkCount: seq }], skipDuplicates: true });
        if (count === 0) await prisma.fileBlobChunk.deleteMany({ where: { blobId } });
        return { sha256, size };
      } catch (err) {
        // Best effort, the write's own error is the one thrown: chunks of a blob that was never recorded
        // (no FileBlob row names their blobId) are never read.
        await prisma.fileBlobChunk.deleteMany({ where: { blobId } }).catch(() => {});
        throw err;
      } finally {
        if (seq > 1) forgetQueryArgs();
      }
    },

    async has(sha256) {
      return (await blobOf(sha256)) !== null;
    },

    async read(sha256) {
      const blob = await blobOf(sha256);
      if (!blob) throw notFound(sha256);
      const { blobId, chunkCount } = blob;
      return Readable.from(
        (async function* () {
          for (let seq = 0; seq < chunkCount; seq++) {
            const chunk = await prisma.fileBlobChunk.findUnique({ where: { blobId_seq: { blobId, seq } }, select: { data: true } });
            // Deleted while being read.
            if (!chunk) throw notFound(sha256);
            yield Buffer.from(chunk.data);
          }
        })(),
        { objectMode: false },
      );
    },

    async readBytes(sha256) {
      const blob = await blobOf(sha256);
      if (!blob) throw notFound(sha256);
      const out = new Uint8Array(Number(blob.size));
      let at = 0;
      for (let seq = 0; seq < blob.chunkCount; seq++) {
        const chunk = await prisma.fileBlobChunk.findUnique({ where: { blobId_seq: { blobId: blob.blobId, seq } }, select: { data: true } });
        if (!chunk) throw notFound(sha256);
        out.set(chunk.data, at);
        at += chunk.data.byteLength;
      }
      return out;
    },

    async delete(sha256) {
      const blob = await blobOf(sha256);
      if (!blob) return false;
      const { count } = await prisma.fileBlob.deleteMany({ where: { sha256, blobId: blob.blobId } });
      await prisma.fileBlobChunk.deleteMany({ where: { blobId: blob.blobId } });
      return count > 0;
    },

    async deleteUnnamedChunks(olderThan) {
      return prisma.$executeRaw`DELETE FROM "FileBlobChunk" c WHERE c."createdAt" < ${olderThan} AND NOT EXISTS (SELECT 1 FROM "FileBlob" b WHERE b."blobId" = c."blobId")`;
    },
  };
};

/**
 * Reads fall back to `legacy` (the local directory a deployment used before its files moved into the
 * database) for content not found in `primary`; writes and deletes go to `primary` (a delete also
 * removes a legacy copy).
 */
export const withLegacyFallback = (primary: FileStore, legacy: FileStore): FileStore => ({
  put: (content) => primary.put(content),
  has: async (sha256) => (await primary.has(sha256)) || (await legacy.has(sha256)),
  read: async (sha256) => ((await primary.has(sha256)) ? primary.read(sha256) : legacy.read(sha256)),
  readBytes: async (sha256) => ((await primary.has(sha256)) ? primary.readBytes(sha256) : legacy.readBytes(sha256)),
  delete: async (sha256) => {
    const a = await primary.delete(sha256);
    const b = await legacy.delete(sha256);
    return a || b;
  },
});
