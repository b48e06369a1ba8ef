// Storage for multi-step conversations (a clerk's registration in progress, a directive waiting
// for /ok) and for the deduplication of incoming platform updates. Adapters reach the database only
// through these functions.
import { DomainError } from "../errors.ts";
import type { CoreDeps } from "../deps.ts";
import type { FileContent } from "../files/file-store.ts";
import { rechunk } from "../files/rechunk.ts";
import { directPoolOf, runSql, type HotStatement } from "../store/direct-sql.ts";
import { forgetQueryArgs } from "../store/forget-query-args.ts";
import type { Channel } from "../store/generated/enums.ts";

export type ConversationStore = {
  get<T = unknown>(key: string): Promise<T | null>;
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Keeps a file sent for a form not yet confirmed under `fileKey`, streamed in as pieces of at most
   * {@link PENDING_FILE_CHUNK_BYTES}; returns how many pieces and bytes. A failed write leaves nothing.
   */
  putFile(fileKey: string, content: FileContent, ttlMs?: number): Promise<{ chunks: number; size: number }>;
  /**
   * The pieces of a kept file in order, fetched one at a time as they are consumed; throws
   * FILE_NOT_FOUND when one is missing or expired (the form outlived its file).
   */
  readFile(fileKey: string, chunks: number): AsyncIterable<Uint8Array>;
  /** Deletes a kept file's pieces (nothing when there are none). */
  deleteFile(fileKey: string): Promise<void>;
};

/** Size of one stored piece of a pending file. @defaultValue 1 MiB */
export const PENDING_FILE_CHUNK_BYTES = 1024 * 1024;

// Pending-file pieces are raw bytes (bytea). On PostgreSQL they go through the pool Prisma's adapter
// uses, the bytes as a binary parameter: Prisma carries a Bytes value as base64 inside its JSON
// query, and the pieces kept as base64 in JSON rows before made six concurrent 49 MB uploads cost
// +110 MB of strings on the JS heap that V8 freed late (issue 20, bench/uploads.ts). pg reads results
// as text only, so a piece comes back as hex parsed into a Buffer, one piece at a time, at /ok.
// On PGlite (one session, see ../store/direct-sql.ts) they go through Prisma. Timestamps travel as
// ISO strings cast to `timestamp(3)` (UTC, as Prisma writes them).
const PUT_CHUNK = `INSERT INTO "PendingFileChunk" ("fileKey", "seq", "data", "expiresAt") VALUES ($1, $2, $3, $4::timestamp(3))`;
const READ_CHUNK = `SELECT "data" FROM "PendingFileChunk" WHERE "fileKey" = $1 AND "seq" = $2 AND ("expiresAt" IS NULL OR "expiresAt" > $3::timestamp(3))`;
const PUT_CHUNK_STATEMENT: HotStatement = { name: "pending-file-put", text: PUT_CHUNK, kind: "execute" };
const READ_CHUNK_STATEMENT: HotStatement = { name: "pending-file-read", text: READ_CHUNK, kind: "query" };
const DELETE_CHUNKS = `DELETE FROM "PendingFileChunk" WHERE "fileKey" = $1`;

const fileNotFound = (fileKey: string) => new DomainError("FILE_NOT_FOUND", "intake.fileNotFound", { fileKey });

/** Key-value storage in the ConversationState table, pending files in PendingFileChunk; expired entries read as absent. */
export const createConversationStore = (deps: Pick<CoreDeps, "prisma" | "clock">): ConversationStore => ({
  get: async <T>(key: string) => {
    const row = await deps.prisma.conversationState.findUnique({ where: { key }, select: { value: true, expiresAt: true } });
    if (!row) return null;
    if (row.expiresAt && row.expiresAt <= deps.clock.now()) {
      await deps.prisma.conversationState.deleteMany({ where: { key } });
      return null;
    }
    return row.value as T;
  },
  set: async (key, value, ttlMs) => {
    const expiresAt = ttlMs ? new Date(deps.clock.now().getTime() + ttlMs) : null;
    await deps.prisma.conversationState.upsert({
      where: { key },
      create: { key, value: value as object, expiresAt },
      update: { value: value as object, expiresAt },
    });
  },
  delete: async (key) => {
    await deps.prisma.conversationState.deleteMany({ where: { key } });
  },
  putFile: async (fileKey, content, ttlMs) => {
    const expiresAt = ttlMs ? new Date(deps.clock.now().getTime() + ttlMs).toISOString() : null;
    const pool = directPoolOf(deps.prisma);
    let chunks = 0;
    let size = 0;
    try {
      for await (const piece of rechunk(content, PENDING_FILE_CHUNK_BYTES)) {
        // pg sends bytes (a Buffer, or a view on one it makes of a Uint8Array) as a binary parameter.
        await runSql(deps.prisma, PUT_CHUNK_STATEMENT, [fileKey, chunks, piece, expiresAt]);
        chunks += 1;
        size += piece.byteLength;
      }
    } catch (err) {
      // The write's own error is the one thrown; chunks left behind expire with the file (expiresAt).
      await deps.prisma.$executeRawUnsafe(DELETE_CHUNKS, fileKey).catch(() => {});
      throw err;
    } finally {
      // Through Prisma, its debug history would keep the last 100 pieces (see forget-query-args.ts).
      if (!pool && chunks > 0) forgetQueryArgs();
    }
    return { chunks, size };
  },
  readFile: (fileKey, chunks) => ({
    [Symbol.asyncIterator]: async function* () {
      for (let seq = 0; seq < chunks; seq++) {
        const now = deps.clock.now().toISOString();
        const data = (await runSql<{ data: Uint8Array }>(deps.prisma, READ_CHUNK_STATEMENT, [fileKey, seq, now])).rows[0]?.data ?? null;
        if (data === null) throw fileNotFound(fileKey);
        yield data;
      }
    },
  }),
  deleteFile: async (fileKey) => {
    await deps.prisma.$executeRawUnsafe(DELETE_CHUNKS, fileKey);
  },
});

/**
 * Deletes expired conversation states and pending-file pieces (a form abandoned mid-way: its state
 * reads as absent once expired, but its rows stay until this runs). Returns how many rows went.
 */
export const pruneExpiredConversations = async (deps: Pick<CoreDeps, "prisma" | "clock">): Promise<number> => {
  const now = deps.clock.now();
  const states = await deps.prisma.conversationState.deleteMany({ where: { expiresAt: { lte: now } } });
  const pieces = await deps.prisma.pendingFileChunk.deleteMany({ where: { expiresAt: { lte: now } } });
  return states.count + pieces.count;
};

/**
 * Records that an incoming update was handled. Returns false when it already was (a platform
 * re-delivery, a webhook retry): the caller then skips it.
 */
export const markUpdateProcessed = async (deps: Pick<CoreDeps, "prisma" | "clock">, channel: Channel, updateKey: string): Promise<boolean> => {
  const r = await deps.prisma.processedUpdate.createMany({ data: [{ channel, updateKey, processedAt: deps.clock.now() }], skipDuplicates: true });
  return r.count === 1;
};

/** Forgets processed updates older than `olderThan` (platforms stop re-delivering after a day). */
export const pruneProcessedUpdates = async (deps: Pick<CoreDeps, "prisma">, olderThan: Date): Promise<number> =>
  (await deps.prisma.processedUpdate.deleteMany({ where: { processedAt: { lt: olderThan } } })).count;

// === Updates answered before they are handled (a webhook that answers at once)

/** An update recorded by {@link recordPendingUpdate}, not yet handled. */
export type PendingUpdate = { updateKey: string; payload: unknown; receivedAt: Date };

/**
 * Records an incoming update before the platform gets its answer, so that a crash before it is
 * handled loses nothing (the next start replays it). Returns false when it was already recorded
 * (a redelivery) or already handled (a ProcessedUpdate row): the caller then skips it.
 */
export const recordPendingUpdate = async (deps: Pick<CoreDeps, "prisma" | "clock">, channel: Channel, updateKey: string, payload: unknown): Promise<boolean> => {
  const done = await deps.prisma.processedUpdate.findUnique({ where: { channel_updateKey: { channel, updateKey } }, select: { updateKey: true } });
  if (done) return false;
  const r = await deps.prisma.pendingUpdate.createMany({ data: [{ channel, updateKey, payload: payload as object, receivedAt: deps.clock.now() }], skipDuplicates: true });
  return r.count === 1;
};

/** Forgets a pending update once handled (or refused for good). */
export const forgetPendingUpdate = async (deps: Pick<CoreDeps, "prisma">, channel: Channel, updateKey: string): Promise<void> => {
  await deps.prisma.pendingUpdate.deleteMany({ where: { channel, updateKey } });
};

/** The updates of a channel recorded but not handled, oldest first (to replay at start). */
export const listPendingUpdates = async (deps: Pick<CoreDeps, "prisma">, channel: Channel): Promise<PendingUpdate[]> =>
  deps.prisma.pendingUpdate.findMany({ where: { channel }, orderBy: [{ receivedAt: "asc" }, { updateKey: "asc" }], select: { updateKey: true, payload: true, receivedAt: true } });
