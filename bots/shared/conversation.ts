// Conversation state per chat, kept in core's ConversationStore (key `conv:<channel>:<chatId>`),
// with a short lifetime: a registration being filled in, a directive waiting for /ok, a report
// being asked for. Each feature owns its state's type (bots/shared/conversation-state.ts lists
// them). Files of a form in progress are kept beside it (one entry per file) and NOT in the file
// store: a scan that turns out to be secret must never be stored (DESIGN.md principle 6), so only
// /ok of a non-secret document hands it to core.
import { randomBytes } from "node:crypto";
import { DomainError, PENDING_FILE_CHUNK_BYTES, type ConversationStore } from "../../core/index.ts";
import { incomingFileChunks, isInMemory } from "./incoming-files.ts";
import type { BotChannel, FileInMemory, IncomingFile } from "./types.ts";

/**
 * A stored file of a registration in progress. Its bytes live in the conversation store's pending
 * files under `key`, as `chunks` raw pieces of at most 1 MiB, streamed in from the upload, so keeping
 * a 50 MB scan never holds it whole in memory.
 */
export type PendingFile = {
  key: string;
  /**
   * Number of stored pieces. Absent in a state written before the pieces were raw bytes: the
   * migration (20261206123806_pending_file_chunks) moved such a file's single base64 entry to piece 0.
   */
  chunks?: number;
  fileName?: string;
  mime?: string;
  size: number;
  /** What its bytes are (checked on arrival: core/pdf/check-arrival.ts), and a PDF's pages. */
  kind?: "pdf" | "jpeg" | "png";
  pageCount?: number | null;
};

/**
 * A feature's state between two turns, told apart by `kind` (the feature's own type; the dispatcher
 * sees them all as ConversationState). A state with pending files keeps them under `files`.
 */
export type StoredState = { kind: string; files?: PendingFile[] };

export const DEFAULT_CONVERSATION_TTL_MS = 30 * 60_000;

/** A chat's conversation: its state, and the files of a registration in progress. */
export type Conversation = {
  get(): Promise<StoredState | null>;
  set<S extends StoredState>(state: S): Promise<void>;
  /** Forgets the state and any pending files. */
  clear(): Promise<void>;
  /** Keeps a file for the registration in progress. */
  putFile(file: IncomingFile): Promise<PendingFile>;
  readFile(file: PendingFile): Promise<FileInMemory>;
  /** Deletes kept files (a document that turned out to be secret: its scan is never kept). */
  discardFiles(files: readonly PendingFile[]): Promise<void>;
};

export const conversationKey = (channel: BotChannel, chatId: string): string => `conv:${channel}:${chatId}`;

/** A short random token for confirmation buttons: a press on an older echo is recognised as stale. */
export const newNonce = (): string => randomBytes(6).toString("base64url");

export { PENDING_FILE_CHUNK_BYTES };

export const openConversation = (store: ConversationStore, channel: BotChannel, chatId: string, ttlMs: number): Conversation => {
  const key = conversationKey(channel, chatId);
  const current = async (): Promise<StoredState | null> => store.get<StoredState>(key);
  const deleteFiles = async (files: readonly PendingFile[]) => {
    for (const f of files) await store.deleteFile(f.key);
  };
  return {
    get: current,
    set: (state) => store.set(key, state, ttlMs),
    clear: async () => {
      const state = await current();
      if (state?.files) await deleteFiles(state.files);
      await store.delete(key);
    },
    putFile: async (file) => {
      const fileKey = `${key}:file:${newNonce()}`;
      const meta = { ...(file.fileName ? { fileName: file.fileName } : {}), ...(file.mime ? { mime: file.mime } : {}) };
      // A file on disk (a web-chat upload) streams from its temporary file, one piece at a time.
      const { chunks, size } = await store.putFile(fileKey, isInMemory(file) ? file.bytes : incomingFileChunks(file), ttlMs);
      return { key: fileKey, chunks, size, ...meta };
    },
    readFile: async (f) => {
      // One buffer of the file's size, filled piece by piece (no list of pieces, no concatenation).
      const bytes = new Uint8Array(f.size);
      let at = 0;
      for await (const piece of store.readFile(f.key, f.chunks ?? 1)) {
        if (at + piece.byteLength > f.size) throw new DomainError("FILE_NOT_FOUND", "intake.fileNotFound", { fileKey: f.key });
        bytes.set(piece, at);
        at += piece.byteLength;
      }
      // Fewer bytes than were kept: the file is not what was sent, the clerk must send it again.
      if (at !== f.size) throw new DomainError("FILE_NOT_FOUND", "intake.fileNotFound", { fileKey: f.key });
      return { bytes, ...(f.fileName ? { fileName: f.fileName } : {}), ...(f.mime ? { mime: f.mime } : {}) };
    },
    discardFiles: deleteFiles,
  };
};
